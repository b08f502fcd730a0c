"""The Kommune's own report: its result as a PDF (read back with pdftotext) and its answers as
CSV and XLSX (read back as German Excel would), who may download them, and the links on the
result page. An internal note carries a marker that must appear in none of the files."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Note, ValidatedLevel
from scoring.report import level_span
from tests.app.helpers import Q
from tests.app.test_consult import full_answers
from tests.app.test_pdf_documents import pdf_facts
from tests.conftest import skip_or_fail

INTERNAL = "INTERN-7f3a: Bürgermeister vorab anrufen."
SHARED = "Gemeinsamen ISB mit Michelstadt prüfen."
REASON = "Kein DMS in Betrieb, E-Akte nur als Ziel."
TARGETS = {"strategie": 4, "technik": 5}


@pytest.fixture
def reported(world) -> Any:
    """Erbach's submitted round: the Hauptamt typed the share of notebooks itself (the rest is
    imported, the budget as "Weiß nicht"), set targets; the consultant validated one area and wrote
    a shared and an internal note."""
    assessment = svc.start_round(world.erbach, world.kommune)
    answers = full_answers("mid", strategie__budget="weiss_nicht")
    svc.save_demo_answers(assessment, {k: v for k, v in answers.items() if k != "technik.notebooks"})
    assert svc.save_answers(assessment, world.kommune, {"technik.notebooks": 60}, {}).ok
    svc.set_targets(assessment, TARGETS)
    assert svc.submit(assessment, world.kommune) == []
    db.session.add_all(
        [
            ValidatedLevel(assessment_id=assessment.id, area_id="technik", level=2, reason=REASON, consultant_id=world.berater.id),
            Note(assessment_id=assessment.id, item_id="technik.isb", text=SHARED, author_id=world.berater.id, shared=True),
            Note(assessment_id=assessment.id, text=INTERNAL, author_id=world.berater.id),
        ]
    )
    db.session.commit()
    return assessment


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "bericht.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


def get(browser: Any, url: str, user: Any) -> Any:
    browser.login(user)
    response = browser.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


# --- the PDF -----------------------------------------------------------------------------


def test_pdf_has_profile_reasons_feedback_targets_and_advice_but_no_internal_note(browser, world, reported, tmp_path) -> None:
    response = get(browser, f"/bewertung/{reported.id}/bericht.pdf", world.kommune)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="digicheck-06437006-runde-1-bericht.pdf"'
    facts = pdf_facts(response.data, tmp_path)  # the briefing's pipeline: tagged PDF/UA-1, German, titled
    assert facts["Tagged"] == "yes" and facts["Lang"] == "de" and 'pdfuaid:part="1"' in facts["claims"]
    assert facts["Title"] == "Digi-Check Ergebnis: Erbach (AGS 06437006), Runde 1"
    text = pdf_text(response.data, tmp_path)
    assert "Erbach, Runde 1" in text and "abgeschlossen am" in text
    _, profile = svc.profile_of(reported)
    technik = profile.area("technik")
    # the radar's data table: points, self-assessed level, the levels the open answers allow, validated level, target, coverage
    span = level_span(technik.level_min, technik.level_max)
    assert f"Technik & Sicherheit {technik.score:.0f} Stufe {technik.level} {technik.level_name} {span} Stufe 2 Stufe 5 100 %" in text
    assert "Radar-Diagramm" not in text and "Selbsteinschätzung" in text  # the SVG is an image with a name, its legend is text
    assert "Begründung je Bereich" in text and profile.area("strategie").reasons[0].text[:40] in text
    assert "(Ziel: Stufe 4)" in text
    assert (
        f"Zu klären: „Weiß nicht“-Antworten (1) Fragen, die Sie mit „Weiß nicht“ beantwortet haben Bereich Frage Strategie & Steuerung {Q.item('strategie.budget').text}"
        in text
    )
    assert "Rückmeldung der Digitalisierungsberatung" in text and REASON in text and SHARED in text
    assert "Empfehlung: Beratungsmodule" in text and "Förderprogramme" in text and "Bedingung" in text
    assert "Stand laut Antworten" in text  # the funding conditions, checked against the answers
    assert "INTERN-7f3a" not in text and "Bürgermeister" not in text


def test_pdf_of_a_round_in_progress_says_it_is_an_interim_result(browser, world, tmp_path) -> None:
    assessment = svc.start_round(world.erbach, world.kommune)
    svc.save_answers(assessment, world.kommune, {"strategie.digitalstrategie": "beschlossen"}, {})
    db.session.commit()
    text = pdf_text(get(browser, f"/bewertung/{assessment.id}/bericht.pdf", world.kommune).data, tmp_path)
    assert "Zwischenergebnis – die Bewertung ist noch in Bearbeitung" in text and "Vorläufig" in text
    assert "Rückmeldung der Digitalisierungsberatung" not in text  # nothing validated or shared yet


# --- the answers -------------------------------------------------------------------------


def test_answers_csv_opens_in_german_excel(browser, world, reported) -> None:
    response = get(browser, f"/bewertung/{reported.id}/antworten.csv", world.kommune)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="digicheck-06437006-runde-1-antworten.csv"'
    body = response.data
    assert body.startswith(
        "\ufeffBereich;Frage-ID;Frage;Antwort;Antwort (Schlüssel);Punkte;Begründung;Belege;Begründung aus Runde;Zuletzt ge".encode()
    )
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [r["Frage-ID"] for r in rows] == [i.id for i in Q.items]
    lotsen = next(r for r in rows if r["Frage-ID"] == "technik.notebooks")
    assert (lotsen["Antwort"], lotsen["Antwort (Schlüssel)"], lotsen["Punkte"]) == ("60 Prozent", "60", "55")
    assert lotsen["Zuletzt geändert von"] == "Hauptamt Erbach"
    changed = datetime.strptime(lotsen["Zuletzt geändert am"], "%Y-%m-%d %H:%M")  # local wall time, as Excel reads it
    assert abs(changed - datetime.now()) < timedelta(hours=3)


def test_answers_xlsx_keeps_numbers_and_instants_typed(browser, world, reported) -> None:
    response = get(browser, f"/bewertung/{reported.id}/antworten.xlsx", world.kommune)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Export", "Antworten"]
    head = {row[0]: row[1] for row in book["Export"].iter_rows(values_only=True)}
    assert head["Export"] == "Antworten Erbach (AGS 06437006), Runde 1" and head["Fragebogen-Version"] == Q.version
    assert head["Zeiten"] == "Ortszeit (Europe/Berlin)"
    sheet = book["Antworten"]
    columns = [c.value for c in sheet[1]]
    lotsen = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "technik.notebooks")
    cell = dict(zip(columns, lotsen, strict=True))
    assert cell["Antwort (Schlüssel)"].value == 60 and cell["Antwort (Schlüssel)"].data_type == "n"
    assert cell["Punkte"].value == 55 and cell["Punkte"].data_type == "n"
    assert isinstance(cell["Zuletzt geändert am"].value, datetime) and cell["Zuletzt geändert von"].value == "Hauptamt Erbach"


# --- who may download, and where -----------------------------------------------------------

ROUTES = ["/bewertung/{id}/bericht.pdf", "/bewertung/{id}/antworten.csv", "/bewertung/{id}/antworten.xlsx"]


@pytest.mark.parametrize("route", ROUTES)
def test_another_kommune_gets_404(browser, world, reported, route) -> None:
    browser.login(world.other)
    response = browser.get(route.format(id=reported.id))
    assert response.status_code == 404 and SHARED not in response.get_data(as_text=True)


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_sent_to_login(browser, reported, route) -> None:
    response = browser.get(route.format(id=reported.id))
    assert response.status_code == 302 and "/anmelden" in response.location


@pytest.mark.parametrize("route", ROUTES[1:])
@pytest.mark.parametrize("who", ["berater", "admin"])
def test_consultants_download_the_same_files(browser, world, reported, route, who) -> None:
    assert get(browser, route.format(id=reported.id), getattr(world, who)).data


def test_result_page_links_the_downloads(browser, world, reported) -> None:
    html = get(browser, f"/bewertung/{reported.id}/ergebnis", world.kommune).get_data(as_text=True)
    section = html[html.index('<section aria-labelledby="herunterladen"') :]
    for url in ROUTES:
        assert f'href="{url.format(id=reported.id)}" download>' in section
