"""The consultant's briefing "Vorbereitung Vor-Ort-Termin" as page and PDF, on a real database:
who may open it, what a consultant preparing the on-site days finds in it, and the PDF's pages and text."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from typing import Any

import pytest

from digicheck import pdf
from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Note, ValidatedLevel
from digicheck.svg_charts import dasharray, radar
from scoring.radar import DASHES, PALETTE, Series
from tests.app.helpers import Q
from tests.app.test_consult import submitted
from tests.conftest import skip_or_fail

# "Weiß nicht" on the OZG basics and the budget, E-Akte everywhere without a DMS (rule eakte-ohne-dms)
OVERRIDES = {
    "strategie__ozg_grundlagen": "weiss_nicht",
    "strategie__budget": "weiss_nicht",
    "technik__dms_eakte": "alle",
    "technik__dms_vorhanden": "nein",
}


@pytest.fixture
def prepared(world) -> Any:
    """Erbach's submitted round with a validated level, a shared and an internal note."""
    assessment = submitted(world.erbach, "mid", user=world.kommune, **OVERRIDES)
    db.session.add_all(
        [
            ValidatedLevel(
                assessment_id=assessment.id,
                area_id="technik",
                level=2,
                reason="Kein DMS in Betrieb, E-Akte nur als Ziel.",
                consultant_id=world.berater.id,
            ),
            Note(
                assessment_id=assessment.id,
                item_id="technik.isb",
                text="Gemeinsamen ISB mit Michelstadt prüfen.",
                author_id=world.berater.id,
                shared=True,
            ),
            Note(assessment_id=assessment.id, text="Intern: Bürgermeister vorab anrufen.", author_id=world.berater.id),
        ]
    )
    db.session.commit()
    return assessment


def text_of(html: str, section: str, tag: str = "section") -> str:
    """The visible text of one <section> (by its heading id) or <header>, tags removed, whitespace collapsed."""
    start = html.index(f'<{tag} aria-labelledby="{section}"' if tag == "section" else f'<{tag} class="{section}"')
    body = html[start : html.index(f"</{tag}>", start)]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


# --- who may open it ---------------------------------------------------------------------

ROUTES = ["/beratung/bewertung/{id}/briefing", "/beratung/bewertung/{id}/briefing.pdf"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", ["kommune", "other"])
def test_kommune_users_get_403(browser, world, prepared, route, who) -> None:
    browser.login(getattr(world, who))
    response = browser.get(route.format(id=prepared.id))
    assert response.status_code == 403
    assert "Bürgermeister" not in response.get_data(as_text=True)


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_sent_to_login(browser, prepared, route) -> None:
    response = browser.get(route.format(id=prepared.id))
    assert response.status_code == 302 and "/anmelden" in response.location


@pytest.mark.parametrize("route", ROUTES)
def test_unknown_assessment_is_404(browser, world, route) -> None:
    browser.login(world.admin)
    response = browser.get(route.format(id=98765))
    assert response.status_code == 404 and "Nicht gefunden" in response.get_data(as_text=True)


def test_assessment_view_links_to_the_briefing(browser, world, prepared) -> None:
    browser.login(world.berater)
    page = browser.get(f"/beratung/bewertung/{prepared.id}").get_data(as_text=True)
    assert f'href="/beratung/bewertung/{prepared.id}/briefing">Vorbereitung Vor-Ort-Termin' in page


# --- what the page shows -----------------------------------------------------------------


def test_page_has_header_profile_and_radar_with_table(browser, world, prepared) -> None:
    browser.login(world.berater)
    html = browser.get(f"/beratung/bewertung/{prepared.id}/briefing").get_data(as_text=True)
    assert "<h1>Erbach</h1>" in html
    head = text_of(html, "briefing-head", "header")
    for fact in ("06437006", "Stadt", "Odenwaldkreis", "13.876", "Gemeindeverzeichnis GV100AD", "Runde 1"):
        assert fact in head, fact
    profile = text_of(html, "profil")
    assert 'role="img" aria-label="Radar-Diagramm der Reifegrade' in html and "<svg" in html
    assert "Selbsteinschätzung" in profile and "Validiert" in profile  # both series, in the chart and the table
    assert re.search(r"Technik & Sicherheit Stufe 3 Aufbau \d+ Punkte Stufe 2 – 100 %", profile)  # self-assessed, validated, no target
    assert "Technik & Sicherheit: Stufe 2 (Selbsteinschätzung: Stufe 3) – „Kein DMS in Betrieb, E-Akte nur als Ziel.“" in profile
    weakest = text_of(html, "schwach")
    assert "Ist ein Dokumentenmanagementsystem (DMS) in Betrieb? Nein 0" in weakest


def test_page_lists_open_questions_modules_agenda_funding_and_references(browser, world, prepared) -> None:
    browser.login(world.berater)
    html = browser.get(f"/beratung/bewertung/{prepared.id}/briefing").get_data(as_text=True)
    questions = text_of(html, "offen")
    assert Q.item("strategie.budget").text in questions and Q.item("strategie.ozg_grundlagen").text in questions
    assert "Eine E-Akte setzt ein DMS voraus." in questions and "„In allen Ämtern im Regelbetrieb“" in questions

    modules = text_of(html, "module")
    assert "Modul 3: Weiterführende Beratung mit Ausblick auf die E-Akte" in modules
    assert "Ist ein Dokumentenmanagementsystem (DMS) in Betrieb? – „Nein“ (0 Punkte)" in modules  # why module 3
    agenda = modules[modules.index("Agenda-Entwurf Modul 3") : modules.index("Modul 4:")]
    assert "Tag Vormittag Nachmittag" in agenda and "Tag 3" in agenda and "Tag 4" not in agenda  # 2.5 days on site
    assert "Organisation der Ablage: der Aktenplan" in modules  # a content of module 3 as an agenda point
    assert "Offene Fragen klären: 2 „Weiß nicht“-Antworten, 1 Unstimmigkeiten" in modules
    assert re.search(r"Wen einladen\? Zu allen Modulen: Verwaltungsspitze, Amtsleitungen.* Modul 1: Internet-/CMS-Beauftragte", modules)

    funding = text_of(html, "foerderung")
    assert "Förderung der interkommunalen Zusammenarbeit (IKZ) für die OZG-Umsetzung" in funding
    assert "Laufzeit von mindestens fünf Jahren nicht erfüllt" in funding  # a condition with its state from the answers
    assert "Antragsfrist endete am 31.08.2020" in funding  # Starke Heimat Hessen, phase 1: its deadline as of the assessment

    references = text_of(html, "referenzen")
    # each example names where it comes from and how big that municipality is (register population)
    assert re.search(r"(Stadt Gießen|IKZ Erbach, Michelstadt, Oberzent, Brombachtal), (zusammen )?\d+\.\d{3} Einwohner", references)
    assert "Quelle:" in references


def test_page_separates_shared_and_internal_notes(browser, world, prepared) -> None:
    browser.login(world.berater)
    html = browser.get(f"/beratung/bewertung/{prepared.id}/briefing").get_data(as_text=True)
    shared = text_of(html, "notizen-kommune")
    assert "Gemeinsamen ISB mit Michelstadt prüfen." in shared and "Bürgermeister" not in shared
    assert Q.item("technik.isb").text in shared
    internal = text_of(html, "notizen-intern")
    assert "Interne Notizen – nicht für die Kommune" in internal and "Intern: Bürgermeister vorab anrufen." in internal


def test_open_round_says_so_and_counts_unanswered(browser, world) -> None:
    assessment = svc.start_round(world.giessen, world.other)
    svc.save_answers(assessment, world.other, {"strategie.digitalstrategie": "beschlossen", "strategie.budget": "keine"}, {})
    browser.login(world.berater)
    html = browser.get(f"/beratung/bewertung/{assessment.id}/briefing").get_data(as_text=True)
    assert "noch in Bearbeitung durch die Kommune" in html and f"({len(Q.items) - 2} Fragen offen)" in html
    assert "Die Digitalisierungsstrategie ist beschlossen" in text_of(html, "offen")  # rule strategie-ohne-budget
    empty = svc.start_round(world.erbach, world.kommune)
    html = browser.get(f"/beratung/bewertung/{empty.id}/briefing").get_data(as_text=True)
    assert "Noch keine bewertbaren Antworten." in html and "nicht bewertbar" in text_of(html, "profil")


# --- the PDF -----------------------------------------------------------------------------


def pdf_text(browser, url: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    response = browser.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="vorbereitung-06437006-runde-1.pdf"' in response.headers["Content-Disposition"]
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "briefing.pdf"
    path.write_bytes(response.get_data())
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_pdf_pages_and_text(browser, world, prepared, tmp_path) -> None:
    browser.login(world.berater)
    text = pdf_text(browser, f"/beratung/bewertung/{prepared.id}/briefing.pdf", tmp_path)
    pages = text.rstrip("\f").split("\f")
    assert 3 <= len(pages) <= 8, len(pages)  # a briefing, not a report
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page
    flat = re.sub(r"\s+", " ", text)
    assert "Vorbereitung Vor-Ort-Termin" in pages[0] and "Erbach" in pages[0] and "06437006" in pages[0]
    assert "Reifegrad je Bereich" in pages[0] and "Selbsteinschätzung" in pages[0]  # profile with the radar's table on page 1
    assert "Gemeindeverzeichnis GV100AD" in flat
    assert "Eine E-Akte setzt ein DMS voraus." in flat and Q.item("strategie.budget").text in flat
    assert "Agenda-Entwurf Modul 3" in flat and "Organisation der Ablage: der Aktenplan" in flat
    assert "Antragsfrist endete am 31.08.2020" in flat
    assert "Gemeinsamen ISB mit Michelstadt prüfen." in flat
    assert "Bürgermeister" not in flat and "1 interne Notiz ist in dieser PDF-Fassung nicht enthalten" in flat


# --- building blocks ---------------------------------------------------------------------


def test_svg_radar_draws_series_like_the_page_chart() -> None:
    svg = radar(["A", "B", "C", "D", "E"], [Series("Selbst", (1, 2, 3, 4, 5)), Series("Validiert <neu>", (None, 2, 3, None, 4))], "Radar")
    assert svg.startswith("<svg") and 'role="img" aria-label="Radar"' in svg
    lines = re.findall(r'<polyline points="([^"]+)" stroke="([^"]+)"', svg)
    assert lines[0][1] == PALETTE[0] and len(lines[0][0].split()) == 6  # closed: back to the first point
    assert [(len(p.split()), c) for p, c in lines[1:]] == [(2, PALETTE[1])]  # no value, no line: B-C only, D a lone marker
    assert svg.count(f'fill="{PALETTE[1]}"') == 3 + 1  # markers B, C, E and the legend's
    radii = set(re.findall(rf'r="([\d.]+)" fill="{PALETTE[0]}"', svg))
    squares = re.findall(rf'<polygon class="marker" points="([^"]+)" fill="{PALETTE[1]}"', svg)  # the second series: squares
    widths = {round(float(p.split()[1].split(",")[0]) - float(p.split()[0].split(",")[0])) for p in squares}
    assert len(radii) == len(widths) == 1  # one marker size per series
    assert 2 * float(*radii) > float(*widths)  # equal values keep the first visible
    assert f'stroke-dasharray="{dasharray(DASHES[1], 3.0)}"' in svg and "Validiert &lt;neu&gt;" in svg
    assert dasharray("solid", 3) == "" and dasharray("dot", 3) == "3,3" and dasharray("2px,6px", 3) == "2,6"
