"""Exports for consultants: one assessment or the overview's filtered selection as CSV and XLSX
(read back as a spreadsheet program would), the profile as JSON, and who may download them."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Note, Target, ValidatedLevel
from digicheck.register import ATTRIBUTION
from tests.app.helpers import Q, german_csv_rows
from tests.app.test_consult import count_queries, submitted, town

EVIL = '=HYPERLINK("http://example.invalid","Details")'


@pytest.fixture
def erbach(app, world) -> Any:  # type: ignore[no-untyped-def]
    """Erbach's submitted round with validated levels whose reasons look like formulas."""
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    for area, level, reason in (
        ("technik", 2, EVIL),
        ("strategie", 3, "@Gespräch mit dem Bürgermeister"),
        ("kommunikation", 4, "- Mängelmelder vor Ort gesehen"),
    ):
        db.session.add(
            ValidatedLevel(assessment_id=assessment.id, area_id=area, level=level, reason=reason, consultant_id=world.berater.id)
        )
    db.session.commit()
    return assessment


def download(browser: Any, world: Any, url: str) -> Any:
    browser.login(world.berater)
    response = browser.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def middle_option(item_id: str) -> Any:
    """The option `submitted(..., "mid")` answers (tests.app.helpers.answer_for)."""
    ranked = Q.item(item_id).ranked_options
    return ranked[len(ranked) // 2]


def sheet_rows(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_assessment_csv_has_answers_and_both_levels_side_by_side(browser, world, erbach) -> None:
    response = download(browser, world, f"/beratung/bewertung/{erbach.id}/export.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="digicheck-06437006-runde-1.csv"'
    rows = german_csv_rows(response.data)
    header = list(rows[0])
    assert header.index("Stufe validiert") == header.index("Stufe Selbsteinschätzung") + 1
    levels = {r["Bereich"]: r for r in rows if r["Zeile"] == "Stufe"}
    assert list(levels) == ["Gesamt", *(a.name for a in Q.areas)]
    technik = levels["Technik & Sicherheit"]
    assert (technik["Stufe Selbsteinschätzung"], technik["Stufe validiert"], technik["validiert von"]) == ("3", "2", "Beraterin")
    assert (technik["mögliche Stufe von"], technik["mögliche Stufe bis"], technik["offene Fragen"]) == ("3", "3", "0")  # all answered
    assert technik["Begründung der Validierung"] == "'" + EVIL  # a formula would run when the file is opened
    assert levels["Strategie & Steuerung"]["Begründung der Validierung"] == "'@Gespräch mit dem Bürgermeister"
    assert levels["Kommunikation & Beteiligung"]["Begründung der Validierung"] == "'- Mängelmelder vor Ort gesehen"
    assert levels["Beschäftigte & Organisation"]["Stufe validiert"] == "" and levels["Gesamt"]["Stufe Selbsteinschätzung"] == "3"
    datetime.strptime(technik["validiert am"], "%Y-%m-%d %H:%M")
    answers = [r for r in rows if r["Zeile"] == "Antwort"]
    assert [r["Frage-ID"] for r in answers] == [i.id for a in Q.areas for i in a.items]
    eakte = next(r for r in answers if r["Frage-ID"] == "technik.dms_eakte")
    option = middle_option("technik.dms_eakte")
    assert (eakte["Antwort"], eakte["Antwort (Schlüssel)"], eakte["Punkte"]) == (option.label, option.id, f"{option.score:g}")
    strategie = svc.profile_of(erbach)[1].area("strategie").score
    assert strategie is not None and not strategie.is_integer()
    assert levels["Strategie & Steuerung"]["Punkte"] == f"{strategie:.1f}".replace(
        ".", ","
    )  # a decimal comma, as German Excel reads numbers
    assert {r["Kommune"] for r in answers} == {"Erbach"} and {r["Fragebogen"] for r in answers} == {Q.version}
    assert rows[-1]["Zeile"] == "Quelle" and rows[-1]["AGS"] == ATTRIBUTION


def test_assessment_xlsx_has_a_header_sheet_and_levels_side_by_side(browser, world, erbach) -> None:
    response = download(browser, world, f"/beratung/bewertung/{erbach.id}/export.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Export", "Stufen", "Antworten"]
    head = {row[0]: row[1] for row in book["Export"].iter_rows(values_only=True)}
    assert head["Fragebogen-Version"] == Q.version
    assert head["Filter"] == "Bewertung: Erbach (AGS 06437006), Runde 1"
    assert abs(head["Exportiert am"] - datetime.now()) < timedelta(hours=3)  # local wall time
    assert head["Gemeindedaten"] == ATTRIBUTION and head["Bewertungen"] == 1
    levels = {r["Bereich"]: r for r in sheet_rows(book["Stufen"])}
    technik = levels["Technik & Sicherheit"]
    columns = list(technik)
    assert columns.index("Stufe validiert") == columns.index("Stufe Selbsteinschätzung") + 1
    assert (technik["Stufe Selbsteinschätzung"], technik["Stufe validiert"], technik["validiert von"]) == (3, 2, "Beraterin")
    assert isinstance(technik["validiert am"], datetime)
    reason = next(c for c in book["Stufen"][list(levels).index("Technik & Sicherheit") + 2] if c.value == EVIL)
    assert reason.data_type == "s"  # text, not a formula
    answers = sheet_rows(book["Antworten"])
    assert len(answers) == len(Q.items)
    eakte = next(r for r in answers if r["Frage-ID"] == "technik.dms_eakte")
    option = middle_option("technik.dms_eakte")
    assert (eakte["Antwort"], eakte["Punkte"]) == (option.label, option.score)


def test_json_profile_with_validated_levels(browser, world, erbach) -> None:
    response = download(browser, world, f"/beratung/bewertung/{erbach.id}/profil.json")
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["schema"] == "digicheck/profile-1" and data["questionnaire"] == Q.version
    assert {"overall", "areas", "unknown", "assessment", "attribution"} <= set(data)
    assert data["assessment"]["municipality"]["ags"] == "06437006" and data["assessment"]["status"] == "submitted"
    submitted_at = datetime.fromisoformat(data["assessment"]["submitted_at"])
    assert submitted_at == erbach.submitted_at.replace(microsecond=0)  # the same instant, in local time with its offset (CET or CEST)
    assert submitted_at.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    areas = {a["id"]: a for a in data["areas"]}
    assert areas["technik"]["level"] == 3 and areas["technik"]["validated"]["level"] == 2
    assert areas["technik"]["validated"]["by"] == "Beraterin" and areas["technik"]["validated"]["reason"] == EVIL
    assert datetime.fromisoformat(areas["technik"]["validated"]["at"]).utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert areas["organisation"]["validated"] is None and "reasons" in areas["organisation"]


def test_json_profile_has_targets_and_only_the_shared_notes(browser, world, erbach) -> None:
    db.session.add_all(
        [
            Target(assessment_id=erbach.id, area_id="technik", level=4),
            Note(assessment_id=erbach.id, item_id="technik.isb", text="Gemeinsamen ISB prüfen.", author_id=world.berater.id, shared=True),
            Note(assessment_id=erbach.id, text="INTERN-7f3a: Bürgermeister anrufen.", author_id=world.berater.id),
        ]
    )
    db.session.commit()
    response = download(browser, world, f"/beratung/bewertung/{erbach.id}/profil.json")
    assert b"INTERN-7f3a" not in response.data
    data = json.loads(response.data)
    areas = {a["id"]: a for a in data["areas"]}
    assert (areas["technik"]["target"], areas["technik"]["validated"]["level"], areas["strategie"]["target"]) == (4, 2, None)
    [note] = data["notes"]
    assert (note["text"], note["item"], note["by"]) == ("Gemeinsamen ISB prüfen.", "technik.isb", "Beraterin")
    assert datetime.fromisoformat(note["at"]).utcoffset() in (timedelta(hours=1), timedelta(hours=2))


def test_an_open_round_exports_with_provisional_levels(browser, world) -> None:
    assessment = svc.start_round(world.giessen, world.other)
    svc.save_answers(assessment, world.other, {"strategie.digitalstrategie": "beschlossen"}, {})
    rows = german_csv_rows(download(browser, world, f"/beratung/bewertung/{assessment.id}/export.csv").data)
    assert {r["Status"] for r in rows if r["Zeile"] != "Quelle"} == {"in Bearbeitung"}
    answered = {r["Frage-ID"]: r["Antwort"] for r in rows if r["Zeile"] == "Antwort"}
    assert answered["strategie.digitalstrategie"] != "nicht beantwortet" and answered["strategie.budget"] == "nicht beantwortet"


@pytest.fixture
def selection(app, world, erbach) -> None:
    """Erbach (Odenwaldkreis, submitted, validated), Gießen (submitted), an Odenwald village only in progress."""
    submitted(world.giessen, "high")
    village = town(1, kreis="Odenwaldkreis")
    svc.save_answers(svc.start_round(village, None), world.kommune, {"strategie.budget": "keine"}, {})


def test_selection_uses_the_overview_filters(browser, world, selection) -> None:
    response = download(browser, world, "/beratung/export.xlsx?q=&kreis=Odenwaldkreis&status=&sortierung=name&richtung=auf")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="digicheck-auswahl-')
    book = load_workbook(io.BytesIO(response.data))
    head = {row[0]: row[1] for row in book["Export"].iter_rows(values_only=True)}
    assert head["Filter"] == "Kreis: Odenwaldkreis" and head["Bewertungen"] == 1
    assert head["Nicht enthalten"] == "1 Kommune(n) der Auswahl ohne abgeschlossene Bewertung"
    assert {r["Kommune"] for r in sheet_rows(book["Stufen"])} == {"Erbach"}

    rows = german_csv_rows(download(browser, world, "/beratung/export.csv?sortierung=name&richtung=ab").data)
    assert [r["Kommune"] for r in rows if r["Zeile"] == "Stufe" and r["Bereich"] == "Gesamt"] == ["Gießen", "Erbach"]
    giessen = {r["Bereich"]: r for r in rows if r["Kommune"] == "Gießen" and r["Zeile"] == "Stufe"}
    assert giessen["Technik & Sicherheit"]["Stufe Selbsteinschätzung"] == "5" and giessen["Technik & Sicherheit"]["Stufe validiert"] == ""
    rows = german_csv_rows(download(browser, world, "/beratung/export.csv?q=gieß&status=submitted").data)
    assert {r["Kommune"] for r in rows if r["Zeile"] == "Stufe"} == {"Gießen"}


def test_selection_costs_the_same_queries_for_2_and_10_assessments(browser, world, selection) -> None:
    browser.login(world.berater)
    few = count_queries(browser, "/beratung/export.csv")
    for index in range(2, 10):
        submitted(town(index), "mid")
    many = count_queries(browser, "/beratung/export.xlsx")
    assert few == many
    assert (
        len([r for r in german_csv_rows(browser.get("/beratung/export.csv").data) if r["Zeile"] == "Stufe" and r["Bereich"] == "Gesamt"])
        == 10
    )


def test_export_links_on_overview_and_assessment_page(browser, world, erbach) -> None:
    browser.login(world.berater)
    overview = browser.get("/beratung/?kreis=Odenwaldkreis").get_data(as_text=True)
    assert 'href="/beratung/export.csv?kreis=Odenwaldkreis&amp;sortierung=name&amp;richtung=auf"' in overview
    assert 'href="/beratung/export.xlsx?kreis=Odenwaldkreis&amp;sortierung=name&amp;richtung=auf"' in overview
    page = browser.get(f"/beratung/bewertung/{erbach.id}").get_data(as_text=True)
    for url in ("export.csv", "export.xlsx", "profil.json"):
        assert f'href="/beratung/bewertung/{erbach.id}/{url}"' in page


ROUTES = [
    "/beratung/export.csv",
    "/beratung/export.xlsx",
    "/beratung/bewertung/{id}/export.csv",
    "/beratung/bewertung/{id}/export.xlsx",
    "/beratung/bewertung/{id}/profil.json",
]


@pytest.mark.parametrize("route", ROUTES)
def test_kommune_users_get_403_even_for_their_own_assessment(browser, world, erbach, route) -> None:
    browser.login(world.kommune)
    assert browser.get(route.format(id=erbach.id)).status_code == 403


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_sent_to_login(browser, erbach, route) -> None:
    response = browser.get(route.format(id=erbach.id))
    assert response.status_code == 302 and "/anmelden" in response.location


@pytest.mark.parametrize(
    "route",
    [
        "/beratung/bewertung/9999/export.csv",
        "/beratung/bewertung/9999/export.xlsx",
        "/beratung/bewertung/9999/profil.json",
        "/beratung/bewertung/{id}/export.pdf",
        "/beratung/export.json",
    ],
)
def test_unknown_assessments_and_formats_are_404(browser, world, erbach, route) -> None:
    browser.login(world.admin)
    response = browser.get(route.format(id=erbach.id))
    assert response.status_code == 404 and "Nicht gefunden" in response.get_data(as_text=True)
