"""The plan as documents: the Digitalisierungsfahrplan PDF (read back with pdftotext), the plan as
CSV, XLSX and JSON, and who may download them."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from digicheck import pdf
from digicheck.extensions import db
from digicheck.models import Target
from digicheck.models.plan import PlanEntry, PlanSource, PlanStatus
from tests.app.api_helpers import submitted_assessment
from tests.app.helpers import german_csv_rows
from tests.app.test_pdf_documents import pdf_facts
from tests.conftest import skip_or_fail


def entry(municipality: Any, area: str, title: str, **fields: Any) -> PlanEntry:
    """A plan entry stored as the plan's service stores it (the real database, no service in between)."""
    row = PlanEntry(municipality_id=municipality.id, area_id=area, title=title, **fields)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def planned(world: Any) -> Any:
    """Erbach's submitted round (targets set) and a plan of four entries: a reference measure in
    progress, a consultation module done, an own entry without dates and a dropped step."""
    assessment = submitted_assessment(world.erbach, world.kommune)
    db.session.add_all(
        [Target(assessment_id=assessment.id, area_id="strategie", level=4), Target(assessment_id=assessment.id, area_id="technik", level=3)]
    )
    entry(
        world.erbach,
        "strategie",
        "Stabsstelle Digitalisierung einrichten",
        source=PlanSource.MEASURE,
        source_id="giessen-stabsstelle",
        owner="Hauptamt, Frau Beispiel",
        start_on=date(2026, 2, 1),
        due_on=date(2026, 9, 30),
        status=PlanStatus.IN_PROGRESS,
        funding_id="starke-heimat-phase2",
        added_in_id=assessment.id,
    )
    entry(
        world.erbach,
        "strategie",
        "Beratungsmodul OZG-Einführung",
        source=PlanSource.MODULE,
        source_id="modul1",
        owner="Bürgermeister",
        start_on=date(2026, 1, 10),
        due_on=date(2026, 3, 20),
        status=PlanStatus.DONE,
        added_in_id=assessment.id,
        closed_in_id=assessment.id,
        created_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        closed_at=datetime(2026, 3, 20, 23, 30, tzinfo=UTC),
    )
    entry(world.erbach, "technik", "=Serverraum klimatisieren", owner="IT", note="Angebot liegt vor")
    entry(
        world.erbach,
        "organisation",
        "Fortbildungskonzept",
        source=PlanSource.STEP,
        source_id="organisation.fortbildung",
        status=PlanStatus.DROPPED,
        drop_reason="Landkreis bietet es an",
    )
    entry(world.giessen, "strategie", "Gießens eigener Eintrag")
    db.session.commit()
    return assessment


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "fahrplan.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_fahrplan_pdf_shows_profile_plan_by_area_and_quarter_sources_and_attribution(browser, world, planned, tmp_path) -> None:
    browser.login(world.kommune)
    response = browser.get(f"/plan/kommune/{world.erbach.id}/fahrplan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="digicheck-06437006-fahrplan.pdf"'
    data = response.get_data()
    text = pdf_text(data, tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    joined = " ".join(lines)
    assert "Digitalisierungsfahrplan Erbach" in lines
    assert "Ausgangslage: Reifegrad-Profil aus Runde 1" in lines
    # the profile table: Strategie's level, its target, one open and one done entry
    assert re.search(r"^Strategie & Steuerung Stufe \d \(\w+\) Stufe 4 1 1$", "\n".join(lines), re.M)
    assert re.search(r"^Technik & Sicherheit Stufe \d \(\w+\) Stufe 3 1 0$", "\n".join(lines), re.M)
    # the plan by area: rows with owner, period, status, origin; the overdue entry marked
    assert "=Serverraum klimatisieren IT ohne Termin geplant – eigener Eintrag" in lines
    assert "in Arbeit" in joined and "(überfällig)" in joined and "verworfen: Landkreis bietet" in joined
    # by quarter: the table beside the timeline, from the first start to the last due date
    assert any(line.startswith("1. Quartal 2026 Beratungsmodul OZG-") for line in lines)
    assert any(line.startswith("3. Quartal 2026 Stabsstelle") for line in lines)
    assert not any(line.startswith(("4. Quartal 2026", "4. Quartal 2025")) for line in lines)
    assert "Q1/26" in joined and "Q3/26" in joined  # the timeline's axis
    assert "Ohne Termin: =Serverraum klimatisieren." in joined
    # sources: the catalogue citations with their files, and the register attribution
    assert "(004_4e151c176c47f354.txt), 3 Was haben wir bisher gemacht?" in joined
    assert "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD" in joined
    assert "Gießens eigener Eintrag" not in joined
    facts = pdf_facts(data, tmp_path)
    assert facts["Tagged"] == "yes" and facts["Lang"] == "de" and facts["Title"] == "Digitalisierungsfahrplan Erbach"
    assert 'pdfuaid:part="1"' in facts["claims"]


def test_fahrplan_archive_variant_is_pdf_a(browser, world, planned, tmp_path) -> None:
    browser.login(world.berater)
    response = browser.get(f"/plan/kommune/{world.erbach.id}/fahrplan.pdf?archiv=1")
    assert response.headers["Content-Disposition"].endswith('fahrplan.archiv.pdf"')
    facts = pdf_facts(response.get_data(), tmp_path)
    assert 'pdfaid:part="3"' in facts["claims"] and facts["Tagged"] == "yes"


def test_fahrplan_without_a_submitted_round_or_entries_says_so(browser, world, tmp_path) -> None:
    browser.login(world.other)
    text = " ".join(pdf_text(browser.get(f"/plan/kommune/{world.giessen.id}/fahrplan.pdf").get_data(), tmp_path).split())
    assert "noch keine abgeschlossene Runde" in text and "Der Maßnahmenplan enthält noch keine Einträge." in text


def test_plan_csv_is_german_excel_and_holds_every_entry_of_the_own_municipality(browser, world, planned) -> None:
    browser.login(world.kommune)
    response = browser.get(f"/plan/kommune/{world.erbach.id}/massnahmenplan.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="digicheck-06437006-massnahmenplan.csv"'
    rows = german_csv_rows(response.get_data())
    entries, source = rows[:-1], rows[-1]
    assert [r["Maßnahme"] for r in entries] == [
        "Beratungsmodul OZG-Einführung",  # Strategie: due first
        "Stabsstelle Digitalisierung einrichten",
        "Fortbildungskonzept",
        "'=Serverraum klimatisieren",  # a formula is defused
    ]
    module, measure = entries[0], entries[1]
    assert measure["Herkunft"] == "Referenzmaßnahme" and measure["Katalog-Kennung"] == "giessen-stabsstelle"
    assert measure["Beginn"] == "2026-02-01" and measure["Fällig"] == "2026-09-30" and measure["Status"] == "in Arbeit"
    assert measure["Förderprogramm"] and measure["Aufgenommen in Runde"] == "1" and measure["Quelle"].startswith("Quelle: ")
    assert module["Abgeschlossen am"] == "2026-03-21 00:30"  # local time (CET)
    assert module["Status"] == "erledigt" and module["Abgeschlossen in Runde"] == "1"
    assert entries[2]["Status"] == "verworfen" and entries[2]["Grund (verworfen)"] == "Landkreis bietet es an"
    assert source["Bereich"] == "Quelle" and "GV100AD" in source["Maßnahme"]


def test_plan_xlsx_has_typed_dates_and_the_header_sheet(browser, world, planned) -> None:
    from openpyxl import load_workbook

    browser.login(world.berater)
    response = browser.get(f"/plan/kommune/{world.erbach.id}/massnahmenplan.xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    head = {row[0]: row[1] for row in book["Export"].iter_rows(values_only=True)}
    assert head["Export"] == "Maßnahmenplan Erbach (AGS 06437006)" and head["Profil"] == "Runde 1"
    sheet = list(book["Maßnahmenplan"].iter_rows(values_only=True))
    header, rows = sheet[0], [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert header[:2] == ("Bereich", "Maßnahme")
    measure = next(r for r in rows if r["Maßnahme"] == "Stabsstelle Digitalisierung einrichten")
    assert measure["Fällig"] == datetime(2026, 9, 30) and measure["Bereich"] == "Strategie & Steuerung"
    assert next(r for r in rows if r["Herkunft"] == "eigener Eintrag")["Maßnahme"] == "=Serverraum klimatisieren"


def test_plan_json_shape(browser, world, planned) -> None:
    browser.login(world.kommune)
    response = browser.get(f"/plan/kommune/{world.erbach.id}/massnahmenplan.json")
    assert response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert document["schema"] == "digicheck/plan-1" and document["municipality"]["ags"] == "06437006"
    assert document["profile_round"] == 1 and "GV100AD" in document["attribution"]
    targets = {a["id"]: a["target"] for a in document["areas"]}
    assert targets["strategie"] == 4 and targets["technik"] == 3 and targets["organisation"] is None
    done = next(e for e in document["entries"] if e["status"] == "done")
    assert done["closed_at"] == "2026-03-21T00:30:00+01:00" and done["source"] == "module" and done["source_id"] == "modul1"
    assert done["start_on"] == "2026-01-10" and done["status_label"] == "erledigt" and done["overdue"] is False
    assert {e["title"] for e in document["entries"]} == {
        "Stabsstelle Digitalisierung einrichten",
        "Beratungsmodul OZG-Einführung",
        "=Serverraum klimatisieren",
        "Fortbildungskonzept",
    }


@pytest.mark.parametrize("path", ["fahrplan.pdf", "massnahmenplan.csv", "massnahmenplan.xlsx", "massnahmenplan.json"])
def test_another_municipality_unknown_ids_and_analysts_are_refused(browser, make_browser, world, analyst, planned, path) -> None:
    browser.login(world.other)
    assert browser.get(f"/plan/kommune/{world.erbach.id}/{path}").status_code == 404
    assert browser.get(f"/plan/kommune/987654/{path}").status_code == 404
    assert browser.get(f"/plan/kommune/{2**40}/{path}").status_code == 404
    reader = make_browser()
    reader.login(analyst)
    assert reader.get(f"/plan/kommune/{world.erbach.id}/{path}").status_code == 403


def test_unknown_export_format_is_a_404(browser, world) -> None:
    browser.login(world.kommune)
    assert browser.get(f"/plan/kommune/{world.erbach.id}/massnahmenplan.txt").status_code == 404
