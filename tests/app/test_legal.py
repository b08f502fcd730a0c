"""The legal pages: public, in every footer, the operator's Markdown rendered safely, the shipped
templates until the operator has filled them in, and warnings for the operator until then."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from digicheck import health
from digicheck.legal import texts as legal

PAGES = {"/impressum": "Impressum", "/datenschutz": "Datenschutzerklärung", "/barrierefreiheit": "Erklärung zur Barrierefreiheit"}
FILLED_IN = "# Anbieter\n\nStadt Musterstadt, Rathausplatz 1, 64711 Erbach\n"


@pytest.fixture
def legal_dir(app: Any) -> Iterator[Path]:
    """`legal/` in the app's instance folder, empty at the start and removed afterwards."""
    folder = Path(app.instance_path) / "legal"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def fill_in_all(folder: Path) -> None:
    for page in legal.PAGES:
        (folder / f"{page.name}.md").write_text(FILLED_IN, encoding="utf-8")


def legal_text(html: str) -> str:
    match = re.search(r'<div class="legal-text">(.*?)</div>', html, re.S)
    assert match, html[:500]
    return match.group(1)


def footer_links(html: str) -> list[str]:
    footer = html[html.index("<footer") :]
    return re.findall(r'<a href="([^"]+)">', footer)


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_public_and_show_the_shipped_template(app: Any, legal_dir: Path, url: str) -> None:
    response = app.test_client().get(url)  # no login
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{PAGES[url]}</h1>" in html and f"<title>{PAGES[url]} – " in html
    assert "[BETREIBER:" in legal_text(html)  # the visitor sees what is still to be filled in


def test_accessibility_statement_template_has_the_bitv_parts(app: Any, legal_dir: Path) -> None:
    text = legal_text(app.test_client().get("/barrierefreiheit").get_data(as_text=True))
    headings = re.findall(r"<h2>(.*?)</h2>", text)
    assert headings == [
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Barrieren melden: Kontakt zu den Feedback-Ansprechpartnern",
        "Durchsetzungsverfahren",
    ]
    assert "<strong>teilweise</strong>" in text and "PDF/UA-1" in text and "Datentabelle" in text
    assert "§ 16 Behindertengleichstellungsgesetz" in text
    assert "[BETREIBER: zuständige Stelle mit Anschrift" in text  # the operator names the state body
    assert "[BETREIBER: E-Mail-Adresse für Rückmeldungen zur Barrierefreiheit eintragen]" in text


def test_privacy_template_names_what_the_service_stores(app: Any, legal_dir: Path) -> None:
    text = legal_text(app.test_client().get("/datenschutz").get_data(as_text=True))
    for fact in (
        "Argon2",
        "Sitzungs-Cookie",
        "Protokollzeile",
        "Pseudonym",
        "mindestens fünf",
        "Art. 15 DSGVO",
        "90 Tagen",
        "ehemalige Person",
    ):
        assert fact in text, fact


def test_the_operators_file_replaces_the_template(app: Any, legal_dir: Path) -> None:
    (legal_dir / "impressum.md").write_text(FILLED_IN, encoding="utf-8")
    text = legal_text(app.test_client().get("/impressum").get_data(as_text=True))
    assert "<h2>Anbieter</h2>" in text  # '#' in the file is below the page's own <h1>
    assert "Stadt Musterstadt, Rathausplatz 1" in text and "[BETREIBER:" not in text


def test_markdown_cannot_bring_scripts_styles_or_images(app: Any, legal_dir: Path) -> None:
    (legal_dir / "datenschutz.md").write_text(
        'Text mit **Fettdruck** und <script>alert(1)</script> <b onclick="x()">roh</b>\n\n'
        "[Landesseite](https://www.hessen.de) [böse](javascript:alert(1)) <img src=x onerror=alert(1)>"
        " ![Bild](https://example.org/a.png) <style>body{}</style>\n\n"
        "| Angabe | Frist |\n|---|---|\n| Protokolle | 7 Tage |\n",
        encoding="utf-8",
    )
    text = legal_text(app.test_client().get("/datenschutz").get_data(as_text=True))
    assert "<strong>Fettdruck</strong>" in text and "<td>Protokolle</td>" in text
    assert '<a href="https://www.hessen.de" rel="noopener noreferrer">Landesseite</a>' in text
    assert not re.search(r"<(script|img|style|b)\b", text) and not re.search(r"<[^>]*\son\w+=", text)
    assert 'href="javascript' not in text and "&lt;script&gt;" in text  # shown as text, never run


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"x" * (legal.MAX_BYTES + 1), "too large"),
        (b"Stra\xdfe 1\n", "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_shown_is_a_german_503(app: Any, legal_dir: Path, content: bytes, reason: str) -> None:
    (legal_dir / "impressum.md").write_bytes(content)
    response = app.test_client().get("/impressum")
    html = response.get_data(as_text=True)
    assert response.status_code == 503, reason
    assert "Impressum kann gerade nicht angezeigt werden" in html and "höchstens 200 KB" in html
    assert "Traceback" not in html and "/impressum" in footer_links(html)  # the other pages stay reachable
    assert app.test_client().get("/datenschutz").status_code == 200


def test_a_directory_instead_of_a_file_is_a_503(app: Any, legal_dir: Path) -> None:
    (legal_dir / "impressum.md").mkdir()
    assert app.test_client().get("/impressum").status_code == 503


def test_a_file_of_exactly_the_limit_is_shown(app: Any, legal_dir: Path) -> None:
    (legal_dir / "impressum.md").write_bytes(b"a" * legal.MAX_BYTES)
    assert app.test_client().get("/impressum").status_code == 200


def test_every_footer_links_the_three_pages(app: Any, browser: Any, world: Any) -> None:
    expected = ["/impressum", "/datenschutz", "/barrierefreiheit"]
    client = app.test_client()
    assert footer_links(client.get("/anmelden").get_data(as_text=True))[-3:] == expected
    missing = client.get("/gibt-es-nicht")
    assert missing.status_code == 404 and footer_links(missing.get_data(as_text=True))[-3:] == expected
    browser.login(world.admin)
    assert footer_links(browser.get("/verwaltung/konten").get_data(as_text=True))[-3:] == expected
    with app.test_request_context("/"):  # the self-contained page while the database is down
        page, status, _ = health.database_unavailable(RuntimeError("down"))
    assert status == 503 and footer_links(page)[-3:] == expected


def test_readyz_says_which_texts_still_have_placeholders(app: Any, legal_dir: Path) -> None:
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["hinweise"] == [
        "Impressum: Platzhalter nicht ersetzt (mitgelieferte Vorlage)",
        "Datenschutzerklärung: Platzhalter nicht ersetzt (mitgelieferte Vorlage)",
        "Erklärung zur Barrierefreiheit: Platzhalter nicht ersetzt (mitgelieferte Vorlage)",
    ]
    assert app.instance_path not in response.get_data(as_text=True)  # no paths to the public

    fill_in_all(legal_dir)
    (legal_dir / "impressum.md").write_text("Name: [BETREIBER: Name eintragen]\n", encoding="utf-8")
    (legal_dir / "datenschutz.md").write_bytes(b"x" * (legal.MAX_BYTES + 1))
    assert client.get("/readyz").get_json()["hinweise"] == [
        "Impressum: Platzhalter nicht ersetzt",
        "Datenschutzerklärung: Datei kann nicht angezeigt werden",
    ]
    fill_in_all(legal_dir)
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json() == {"database": "ok", "ratelimit": "ok"}


def run_cli(*args: str, instance: Path) -> Any:
    from digicheck.cli import main

    env = {"SECRET_KEY": "s" * 40, "DIGICHECK_INSTANCE_PATH": str(instance)}
    return CliRunner().invoke(main, list(args), env=env)


def test_config_check_warns_until_the_texts_are_filled_in(tmp_path: Path) -> None:
    result = run_cli("config", "check", instance=tmp_path)
    assert result.exit_code == 0, result.output
    assert (
        f"Warnung: Impressum: es gilt die mitgelieferte Vorlage mit Platzhaltern; eigene Fassung als "
        f"{tmp_path / 'legal' / 'impressum.md'} anlegen (digicheck legal init)" in result.output
    )

    result = run_cli("legal", "init", instance=tmp_path)
    assert result.exit_code == 0 and "Impressum: " + str(tmp_path / "legal" / "impressum.md") + " (angelegt)" in result.output
    assert (tmp_path / "legal" / "datenschutz.md").read_text(encoding="utf-8").startswith("> **Hinweis für den Betrieb**")
    result = run_cli("config", "check", instance=tmp_path)
    assert f"Warnung: Datenschutzerklärung: {tmp_path / 'legal' / 'datenschutz.md'} enthält noch Platzhalter" in result.output

    fill_in_all(tmp_path / "legal")
    (tmp_path / "legal" / "barrierefreiheit.md").write_bytes(b"\xff\xfe")
    result = run_cli("config", "check", instance=tmp_path)
    assert result.exit_code == 0 and "Impressum" not in result.output
    assert "Warnung: Erklärung zur Barrierefreiheit: " in result.output and "nicht UTF-8-kodiert" in result.output
    assert "Traceback" not in result.output


def test_legal_init_keeps_the_operators_files(tmp_path: Path) -> None:
    (tmp_path / "legal").mkdir()
    (tmp_path / "legal" / "impressum.md").write_text(FILLED_IN, encoding="utf-8")
    result = run_cli("legal", "init", instance=tmp_path)
    assert result.exit_code == 0 and "(vorhanden, unverändert)" in result.output
    assert (tmp_path / "legal" / "impressum.md").read_text(encoding="utf-8") == FILLED_IN
    assert (tmp_path / "legal" / "barrierefreiheit.md").is_file()


def test_the_templates_ship_inside_the_package() -> None:
    """The wheel carries everything inside digicheck/ (pyproject.toml): the templates live there."""
    package = Path(legal.__file__).parent
    for page in legal.PAGES:
        assert (package / "defaults" / f"{page.name}.md").is_file()
