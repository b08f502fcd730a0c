"""Static assets as a browser gets them: fingerprinted URLs, br/gzip/identity by Accept-Encoding,
cached for a year; older fingerprints are gone; HSTS behind HTTPS; the wheel carries it all."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import brotli
import pytest
from werkzeug.exceptions import NotFound
from werkzeug.test import Client

from digicheck.app import create_app
from digicheck.asset_build import build
from digicheck.assets import StaticAssets
from digicheck.extensions import db
from digicheck.resources import CHECKOUT_DIR

IMMUTABLE = "public, max-age=31536000, immutable"
HSTS = "max-age=31536000; includeSubDomains"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/css/app\.([0-9a-f]{12})\.css)">')
PLOTLY = CHECKOUT_DIR / "static" / "vendor" / "plotly-digicheck.min.js"
BUDGET = 450_000  # issue 13: the benchmark report, plotly.js included, within 600 KB compressed


@pytest.fixture
def client(app) -> Any:
    return app.test_client()


def fetch(client: Any, url: str, encoding: str | None = None) -> tuple[Any, bytes]:
    """GET url; the response (headers) and its body as sent, the file closed."""
    response = client.get(url, headers={"Accept-Encoding": encoding} if encoding else {})
    try:
        return response, response.get_data()
    finally:
        response.close()


def stylesheet_url(client: Any) -> str:
    match = STYLESHEET.search(client.get("/anmelden").get_data(as_text=True))
    assert match, "the login page links no fingerprinted stylesheet"
    return match.group(1)


def test_login_page_links_the_stylesheet_by_content_hash(client) -> None:
    import hashlib

    source = (CHECKOUT_DIR / "static" / "css" / "app.css").read_bytes()
    assert stylesheet_url(client).endswith(f".{hashlib.sha256(source).hexdigest()[:12]}.css")


@pytest.mark.parametrize(
    "encoding,decode",
    [
        ("br", brotli.decompress),
        ("gzip", gzip.decompress),
        ("gzip, deflate, br", brotli.decompress),  # what browsers send: the smaller one
    ],
)
def test_stylesheet_comes_compressed_and_cacheable(client, encoding: str, decode: Any) -> None:
    response, body = fetch(client, stylesheet_url(client), encoding)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.headers["Content-Encoding"] == ("gzip" if encoding == "gzip" else "br")
    assert decode(body) == (CHECKOUT_DIR / "static" / "css" / "app.css").read_bytes()
    assert len(body) < len(decode(body)) / 2
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Vary"] == "Accept-Encoding"


def test_stylesheet_without_accept_encoding_is_plain(client) -> None:
    response, body = fetch(client, stylesheet_url(client))
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert body == (CHECKOUT_DIR / "static" / "css" / "app.css").read_bytes()
    assert response.headers["Cache-Control"] == IMMUTABLE and response.headers["Vary"] == "Accept-Encoding"


def test_result_page_loads_no_plotly(browser, world) -> None:
    """The radar is SVG drawn on the server: the result page needs no charting script."""
    browser.login(world.kommune)
    assessment_url = browser.post("/runden").location
    assessment_id = re.search(r"/bewertung/(\d+)/", assessment_url).group(1)  # type: ignore[union-attr]
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)
    assert '<svg id="radar"' in page and "plotly" not in page


def test_partial_plotly_comes_compressed_within_budget(app, client) -> None:
    with app.test_request_context():
        url = app.jinja_env.globals["asset_url"]("vendor/plotly-digicheck.min.js")
    plain = PLOTLY.read_bytes()
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response, body = fetch(client, url, encoding)
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Content-Encoding"] == encoding
        assert len(body) <= BUDGET < len(plain)
        assert decode(body) == plain
        assert response.headers["Cache-Control"] == IMMUTABLE


def test_committed_plotly_bundle_is_the_pinned_version_with_its_licence() -> None:
    """vendor/plotly/build.sh wrote the committed bundle from the plotly.js version package.json pins."""
    pinned = json.loads((CHECKOUT_DIR / "vendor" / "plotly" / "package.json").read_text(encoding="utf-8"))["devDependencies"]["plotly.js"]
    assert PLOTLY.read_bytes().startswith(f"/**\n* plotly.js v{pinned}, Digi-Check bundle".encode())
    assert "MIT License" in (PLOTLY.parent / "plotly-digicheck.LICENSE.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["/static/css/app.000000000000.css", "/static/vendor/plotly-digicheck.min.000000000000.js"])
def test_unknown_fingerprint_is_not_found(client, url: str) -> None:
    response, _ = fetch(client, url, "br, gzip")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_changed_file_gets_a_new_fingerprint_and_the_old_one_is_gone(tmp_path: Path) -> None:
    static, out = tmp_path / "static", tmp_path / "assets"
    (static / "css").mkdir(parents=True)
    css = static / "css" / "app.css"
    css.write_text("body { color: #000; }\n" * 50, encoding="utf-8")
    first = build({"css/app.css": css}, out)["css/app.css"]
    css.write_text("body { color: #111; }\n" * 50, encoding="utf-8")
    second = build({"css/app.css": css}, out)["css/app.css"]
    assert first != second
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == {"css/app.css": second}

    served = Client(StaticAssets(NotFound(), out / "static", "/static", {}))
    old = served.get(f"/static/{first}", headers={"Accept-Encoding": "br"})
    assert old.status_code == 404 and "immutable" not in old.headers.get("Cache-Control", "")
    new = served.get(f"/static/{second}", headers={"Accept-Encoding": "br"})
    assert new.status_code == 200 and brotli.decompress(new.get_data()) == css.read_bytes()
    new.close()
    assert sorted(p.name for p in (out / "static" / "css").iterdir()) == [second[4:], second[4:] + ".br", second[4:] + ".gz"]


@pytest.mark.parametrize("secure", [True, False])
def test_hsts_only_with_secure_cookies(app, secure: bool) -> None:
    other = create_app(
        {
            "SECRET_KEY": "test-secret-of-at-least-32-characters",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TESTING": True,
            "SESSION_COOKIE_SECURE": secure,
        }
    )
    client = other.test_client()
    try:
        page = client.get("/anmelden")
        asset, _ = fetch(client, stylesheet_url(client), "br")
        missing, _ = fetch(client, "/gibt-es-nicht")
    finally:
        with other.app_context():  # its own engine: close its connections now, not at garbage collection
            db.engine.dispose()
    for response in (page, asset, missing):
        assert response.headers.get("Strict-Transport-Security") == (HSTS if secure else None)
    assert asset.headers["X-Content-Type-Options"] == "nosniff"


def test_wheel_carries_compressed_assets_and_plotly(tmp_path: Path) -> None:
    """The wheel's build hook writes the fingerprinted files with .br and .gz (about 10 s: brotli on plotly.js)."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(CHECKOUT_DIR), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("digicheck-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("digicheck/assets/manifest.json"))
        assert set(manifest) >= {"css/app.css", "js/charts.js", "js/draft.js", "vendor/plotly-digicheck.min.js"}
        served = {name for name in names if name.startswith("digicheck/assets/static/")}
        # an .ico holds PNGs: compressing it saves nothing, so it comes without .br and .gz
        variants = {hashed: ("",) if hashed.endswith(".ico") else ("", ".br", ".gz") for hashed in manifest.values()}
        assert served == {f"digicheck/assets/static/{hashed}{suffix}" for hashed, suffixes in variants.items() for suffix in suffixes}
        assert (
            archive.read(f"digicheck/assets/static/{manifest['css/app.css']}") == (CHECKOUT_DIR / "static" / "css" / "app.css").read_bytes()
        )
        plotly = f"digicheck/assets/static/{manifest['vendor/plotly-digicheck.min.js']}"
        plain = archive.read(plotly)
        assert plain == PLOTLY.read_bytes()
        assert brotli.decompress(archive.read(plotly + ".br")) == plain and len(archive.read(plotly + ".br")) <= BUDGET
        assert gzip.decompress(archive.read(plotly + ".gz")) == plain and len(archive.read(plotly + ".gz")) <= BUDGET
