"""Static assets for the pages: fingerprinted names, pre-compressed, cached by browsers for a year.

WhiteNoise answers `/static/<fingerprinted name>` before Flask sees the request: brotli or gzip
as the client's Accept-Encoding allows (with `Vary: Accept-Encoding`), identity otherwise, each
from a file on disk (no worker holds plotly.js in memory, nothing is compressed per request).
Templates name an asset by its plain name, `asset_url('css/app.css')`; an unknown or older
fingerprint falls through to Flask's static route and gets 404.

The files come from digicheck/asset_build.py: built into the wheel by hatch_build.py
(`digicheck/assets/`), or in a checkout once into the git-ignored `build/assets/` beside it
(never into site-packages or the repository's static/).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response
from whitenoise import WhiteNoise

from digicheck.asset_build import FILES, MANIFEST, build, sources
from digicheck.config import ConfigError
from digicheck.resources import CHECKOUT_DIR, PACKAGE_DIR

PACKAGED = PACKAGE_DIR / "assets"
CHECKOUT_BUILD = CHECKOUT_DIR / "build" / "assets"
IMMUTABLE = "public, max-age=31536000, immutable"
FAVICON = "img/favicon.ico"

log = logging.getLogger(__name__)


def prepared(static_dir: Path) -> tuple[Path, dict[str, str]]:
    """The folder of fingerprinted files and the manifest naming them."""
    if (PACKAGED / MANIFEST).is_file():
        return PACKAGED / FILES, json.loads((PACKAGED / MANIFEST).read_text(encoding="utf-8"))
    if not (CHECKOUT_DIR / "pyproject.toml").is_file():
        raise ConfigError(
            f"Das installierte Paket enthält keine Web-Dateien ({PACKAGED / MANIFEST} fehlt); bitte das Paket neu bauen und installieren."
        )
    if not (CHECKOUT_BUILD / MANIFEST).is_file():
        log.info("preparing compressed static assets in %s (once per checkout, plotly.js takes a few seconds)", CHECKOUT_BUILD)
    return CHECKOUT_BUILD / FILES, build(sources(static_dir), CHECKOUT_BUILD)


class StaticAssets(WhiteNoise):
    """WhiteNoise for fingerprinted files only: every file it knows may be cached for a year."""

    def __init__(self, application: Any, root: Path, prefix: str, headers: Mapping[str, str]) -> None:
        self.extra_headers = dict(headers)
        super().__init__(application, root=str(root), prefix=prefix, allow_all_origins=False)

    def add_cache_headers(self, headers: Any, path: str, url: str) -> None:
        headers["Cache-Control"] = IMMUTABLE

    def serve(self, static_file: Any, environ: dict[str, Any], start_response: Any) -> Any:
        """Every answer gets the extra headers: 200 and 206, but also the 304, 405 and 416 that
        WhiteNoise builds without the file's headers (an add_headers_function misses those)."""

        def with_headers(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers = headers + [(name, value) for name, value in self.extra_headers.items() if name.lower() not in present]
            return start_response(status, headers) if exc_info is None else start_response(status, headers, exc_info)

        return super().serve(static_file, environ, with_headers)


def install(app: Flask, headers: Mapping[str, str]) -> None:
    """Serve the assets ahead of the app (with `headers`: the security headers every response
    carries) and give templates `asset_url`."""
    root, manifest = prepared(Path(app.static_folder or CHECKOUT_DIR / "static"))
    app.wsgi_app = StaticAssets(app.wsgi_app, root, app.static_url_path or "/static", headers)  # type: ignore[method-assign]  # Flask's middleware idiom replaces the method

    def asset_url(name: str) -> str:
        """The URL of a static asset by its plain name: `asset_url('css/app.css')`."""
        if name not in manifest:
            raise LookupError(f"no static asset named {name!r}")
        return app.url_for("static", filename=manifest[name])  # what the templates' url_for is

    app.jinja_env.globals["asset_url"] = asset_url
    favicon = (root / manifest[FAVICON]).read_bytes()  # a few KB, kept: no file to open per request

    def favicon_ico() -> Response:
        """For clients that ask /favicon.ico without reading the page's <link rel="icon">."""
        return Response(favicon, mimetype="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=86400"})

    app.add_url_rule("/favicon.ico", "favicon", favicon_ico)
