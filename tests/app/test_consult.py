"""The consultant workspace on a real database: overview (status, filters, search, sorting,
pagination, constant queries), assessment view (overlays, median, inconsistencies, answers),
validated levels and notes, and who may see what."""

from __future__ import annotations

import re
import statistics
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from digicheck.accounts import services as accounts
from digicheck.assess import services as svc
from digicheck.consult import queries
from digicheck.consult import services as consult_svc
from digicheck.consult.queries import PAGE_SIZE, OverviewPage, OverviewQuery, overview, size_class_median
from digicheck.extensions import db
from digicheck.models import Answer, AreaScore, Assessment, Municipality, Note, Role, User, ValidatedLevel
from digicheck.models._time import utcnow
from scoring import check_answers
from tests.app.helpers import Q, answer_for, checked_values, drawn_radar, restricted_to_chosen_municipalities


def full_answers(strength: str = "mid", **overrides: Any) -> dict[str, Any]:
    answers = {item.id: answer_for(item, strength) for item in Q.items}
    answers.update({k.replace("__", "."): v for k, v in overrides.items()})
    return check_answers(Q, answers)


def submitted(municipality: Municipality, strength: str = "mid", user: Any = None, **overrides: Any) -> Assessment:
    """A submitted round; a later round carries the previous answers over and changes the given ones."""
    assessment = svc.start_round(municipality, user)
    stored, versions = svc.answers_of(assessment)
    if stored:
        wanted = full_answers(strength, **overrides)
        editor = user or db.session.scalars(select(User).where(User.role == Role.KOMMUNE)).first()
        svc.save_answers(assessment, editor, {k: v for k, v in wanted.items() if stored.get(k) != v}, versions)
    else:
        svc.save_demo_answers(assessment, full_answers(strength, **overrides))
    assert svc.submit(assessment, user) == []
    return assessment


def town(
    index: int, population: int = 8000, kreis: str = "Odenwaldkreis", bezirk: str = "Darmstadt", kind: str = "Gemeinde"
) -> Municipality:
    m = Municipality(
        ags=f"0690{index:04d}",
        name=f"Testdorf {index:02d}",
        kind=kind,
        kreis=kreis,
        kreis_ags="06999",
        regierungsbezirk=bezirk,
        population=population,
    )
    db.session.add(m)
    db.session.commit()
    return m


def row_of(name: str, **query: Any):  # type: ignore[no-untyped-def]
    return next(r for r in overview(OverviewQuery(**query)).rows if r.name == name)


def names(**query: Any) -> list[str]:
    return [r.name for r in overview(OverviewQuery(**query)).rows]


# --- overview: status -------------------------------------------------------------------


def test_status_of_every_kind(app, world) -> None:
    invited, expired, lonely = town(1), town(2), town(3)
    accounts.invite("neu@testdorf.test", Role.KOMMUNE, invited, world.berater)
    old = accounts.invite("alt@testdorf.test", Role.KOMMUNE, expired, world.berater).invitation
    old.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert row_of("Erbach").status == "invited"  # a Kommune user, no assessment
    assert row_of("Testdorf 01").status == "invited"  # an open invitation
    assert row_of("Testdorf 02").status == "not_invited" and row_of("Testdorf 03").status == "not_invited"
    # nobody invited and no account: listed all the same, with nothing to show, and found by its status
    row = row_of(lonely.name)
    assert (row.status_label, row.assessment_id, row.last_activity, row.overall_level) == ("nicht eingeladen", None, None, None)
    assert names(status="not_invited") == ["Testdorf 02", "Testdorf 03"]

    giessen_round = svc.start_round(world.giessen, world.other)
    svc.save_answers(giessen_round, world.other, {i.id: answer_for(i) for i in Q.area("strategie").items}, {})
    row = row_of("Gießen")
    assert row.status == "in_progress" and row.answered_percent == round(100 * len(Q.area("strategie").items) / len(Q.items))
    assert row.overall_level is None and row.last_activity is not None

    erbach = submitted(world.erbach, user=world.kommune)
    row = row_of("Erbach")
    assert row.status == "submitted" and row.answered_percent == 100 and row.submitted_id == erbach.id
    assert row.overall_level and set(row.levels) == {a.id for a in Q.areas}

    consult_svc.validate_level(erbach, "technik", 2, "vor Ort geprüft", world.berater)
    db.session.commit()
    row = row_of("Erbach")
    assert row.status == "validated" and row.validated == {"technik": 2}

    svc.start_round(world.erbach, world.kommune)  # round 2 open: status follows it, levels stay from round 1
    row = row_of("Erbach")
    assert row.status == "in_progress" and row.round == 2 and row.submitted_round == 1 and row.validated == {"technik": 2}


def test_cleared_answers_do_not_count_as_answered(app, world) -> None:
    assessment = svc.start_round(world.giessen, world.other)
    svc.save_answers(assessment, world.other, {"strategie.digitalstrategie": "beschlossen", "strategie.budget": "weiss_nicht"}, {})
    svc.save_answers(assessment, world.other, {"strategie.digitalstrategie": None}, {"strategie.digitalstrategie": 1})
    assert db.session.scalar(select(Answer.value).where(Answer.item_id == "strategie.digitalstrategie")) is None
    assert row_of("Gießen").answered_percent == round(100 / len(Q.items))


# --- overview: filters, search, sorting, pagination --------------------------------------


@pytest.fixture
def spread(app, world) -> None:
    town(1, population=3000, kind="Gemeinde")
    town(2, population=7000, kreis="Kreis Bergstraße")
    town(3, population=60000, kind="Stadt", kreis="Lahn-Dill-Kreis", bezirk="Gießen")
    town(4, population=250000, kind="kreisfreie Stadt", kreis="Frankfurt am Main")
    submitted(world.erbach, "high")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kreis": "Odenwaldkreis"}, ["Erbach", "Testdorf 01"]),
        ({"regierungsbezirk": "Gießen"}, ["Gießen", "Testdorf 03"]),
        ({"kind": "Stadt"}, ["Erbach", "Gießen", "Testdorf 03"]),
        ({"size": "u5k"}, ["Testdorf 01"]),
        ({"size": "5k-10k"}, ["Testdorf 02"]),
        ({"size": "10k-20k"}, ["Erbach"]),
        ({"size": "50k-100k"}, ["Gießen", "Testdorf 03"]),
        ({"size": "100k+"}, ["Testdorf 04"]),
        ({"status": "submitted"}, ["Erbach"]),
        ({"status": "not_invited"}, ["Testdorf 01", "Testdorf 02", "Testdorf 03", "Testdorf 04"]),
        ({"search": "gIEß"}, ["Gießen"]),
        ({"search": "testdorf 0"}, ["Testdorf 01", "Testdorf 02", "Testdorf 03", "Testdorf 04"]),
        ({"search": "06437"}, ["Erbach"]),
        ({"search": "437006"}, []),  # AGS matches from its start only
        ({"search": "%"}, []),  # wildcards are taken literally
        ({"kind": "Stadt", "regierungsbezirk": "Darmstadt"}, ["Erbach"]),
    ],
)
def test_filters_and_search(spread, query, expected) -> None:
    assert names(**query) == expected


def test_sorting(spread) -> None:
    assert names(sort="population", descending=True)[:2] == ["Testdorf 04", "Gießen"]
    assert names(sort="ags")[0] == "Erbach"
    assert names(sort="level")[0] == "Erbach" and names(sort="level", descending=True)[0] == "Erbach"  # no level: always last
    assert names(sort="status", descending=True)[:2] == ["Erbach", "Gießen"]


def test_overview_page_filters_with_real_form(browser, world, spread) -> None:
    browser.login(world.berater)
    page = browser.get("/beratung/?q=&kreis=Odenwaldkreis&art=&groesse=&status=&sortierung=name&richtung=ab").get_data(as_text=True)
    assert '<label for="kreis">Kreis</label>' in page and '<caption id="uebersicht-titel">' in page
    body = page.split("<tbody>")[1]
    assert body.index("Testdorf 01") < body.index("Erbach") and "Gießen" not in body
    assert "2 Kommunen gefunden" in page
    forged = browser.get("/beratung/?kreis=<script>&groesse=riesig&sortierung=drop")
    assert forged.status_code == 200 and "6 Kommunen gefunden" in forged.get_data(as_text=True)


def test_pagination(browser, world) -> None:
    for index in range(PAGE_SIZE + 8):
        db.session.add(
            Municipality(
                ags=f"0691{index:04d}", name=f"Ort {index:03d}", kind="Gemeinde", kreis="K", regierungsbezirk="Kassel", population=2000
            )
        )
    db.session.commit()
    first = overview(OverviewQuery())
    assert first.total == PAGE_SIZE + 10 and first.pages == 2 and len(first.rows) == PAGE_SIZE
    second = overview(OverviewQuery(page=2))
    assert len(second.rows) == 10 and not {r.name for r in first.rows} & {r.name for r in second.rows}
    assert overview(OverviewQuery(page=99)).page == 2
    browser.login(world.berater)
    page = browser.get("/beratung/?seite=2&regierungsbezirk=Kassel").get_data(as_text=True)
    assert '<nav class="pagination" aria-label="Seiten der Übersicht">' in page
    assert re.search(r'<a aria-current="page" href="[^"]*seite=2[^"]*"><span class="visually-hidden">Seite </span>2</a>', page)
    assert "regierungsbezirk=Kassel" in page.split('rel="prev"')[0].rsplit("<a", 1)[1]
    assert "Ort 057" in page and "Ort 000" not in page


def count_queries(browser, url: str) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert browser.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def populate(world, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    for index in range(start, start + count):
        m = town(index, population=1000 * (index + 1))
        if index % 3 == 0:
            a = submitted(m)
            consult_svc.validate_level(a, "strategie", 3, "ok", world.berater)
            db.session.commit()
        elif index % 3 == 1:
            svc.save_answers(svc.start_round(m, None), world.kommune, {"strategie.budget": "keine"}, {})


def test_overview_needs_the_same_number_of_queries_for_5_and_60_municipalities(browser, world) -> None:
    browser.login(world.berater)
    populate(world, 0, 5)
    few = count_queries(browser, "/beratung/")
    populate(world, 5, 55)
    many = count_queries(browser, "/beratung/")
    # 10: the Länder and the chosen Land's Kreise (two index-only queries), the open questions (their count from
    # the partial index, their rows only when there are any)
    assert few == many <= 10
    assert count_queries(browser, "/beratung/?status=validated&sortierung=level&richtung=ab") == many


def test_share_answered_on_every_page_is_that_of_the_latest_round(app, world) -> None:
    """The share answered is looked up for the page's rows only; on every page and for every sort it
    equals the count of answered items of each municipality's newest round."""
    strategie = [i.id for i in Q.area("strategie").items]
    for index in range(PAGE_SIZE + 6):
        m = town(index, population=1000 + 37 * index)
        if index % 4 == 0:
            submitted(m)  # round 1 submitted, round 2 open with a few answers changed or cleared
            later = svc.start_round(m, world.kommune)
            _, versions = svc.answers_of(later)
            svc.save_answers(later, world.kommune, {strategie[0]: None}, versions)
        elif index % 4 == 1:
            first = svc.start_round(m, None)
            svc.save_answers(first, world.kommune, {i: answer_for(Q.item(i)) for i in strategie[: 1 + index % 3]}, {})
    db.session.commit()

    def recomputed(assessment_id: int) -> int:
        values = db.session.scalars(select(Answer.value).where(Answer.assessment_id == assessment_id)).all()
        return round(100 * sum(v is not None for v in values) / len(Q.items))

    shown = 0
    for query in (
        OverviewQuery(),
        OverviewQuery(page=2),
        OverviewQuery(sort="population", descending=True, page=2),
        OverviewQuery(sort="level"),
        OverviewQuery(status="in_progress"),
    ):
        for row in overview(query).rows:
            if row.assessment_id is None:
                assert row.answered_percent is None
            else:
                shown += 1
                newest = db.session.scalar(select(func.max(Assessment.id)).where(Assessment.municipality_id == row.municipality_id))
                assert row.assessment_id == newest and row.answered_percent == recomputed(newest), row.name
    assert shown > 40


def test_overview_reads_answers_only_of_the_rows_shown(browser, world) -> None:
    """Only the statement of the page's own rows touches the answers, once, restricted to those
    municipalities; the statements of a query shape are built once."""
    browser.login(world.berater)
    populate(world, 0, 12)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for url in ("/beratung/", "/beratung/?status=validated&sortierung=level&richtung=ab", "/beratung/?kreis=Odenwaldkreis"):
            statements.clear()
            assert browser.get(url).status_code == 200
            reading = [s for s in statements if re.search(r"\bFROM answers\b", s)]
            assert len(reading) == 1 and restricted_to_chosen_municipalities(reading[0]), url
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    before = queries._statements.cache_info()
    overview(OverviewQuery(kreis="Odenwaldkreis", sort="ags"))
    overview(OverviewQuery(kreis="Kreis Bergstraße", sort="ags", page=3))
    after = queries._statements.cache_info()
    assert after.hits >= before.hits + 1 and after.misses <= before.misses + 1


# --- assessment view ---------------------------------------------------------------------


def test_median_needs_five_submitted_assessments_of_the_size_class(app, world) -> None:
    areas = [a.id for a in Q.areas]
    towns = [town(i, population=12000 + i) for i in range(6)]  # 10-20k, like Erbach (13,876)
    town(9, population=40000)
    submitted(towns[0], "high")
    submitted(towns[1], "mid")
    submitted(towns[2], "mid")
    replaced = submitted(towns[3], "high")
    svc.start_round(towns[5], None)  # open rounds do not count
    median = size_class_median(13876, areas, "06")
    assert not median.available and set(median.counts.values()) == {4}
    # a second round replaces the first: only the latest submitted round counts
    submitted(towns[3], "mid", technik__isms=["keiner"])
    assert set(size_class_median(13876, areas, "06").counts.values()) == {4}
    submitted(towns[4], "high")
    assert size_class_median(13876, areas, "06").available
    submitted(town(8, population=19999), "high")
    submitted(world.giessen, "high")  # another size class
    median = size_class_median(13876, areas, "06")
    assert median.size.id == "10k-20k" and set(median.counts.values()) == {6}
    counted = [
        a
        for a in db.session.scalars(select(Assessment).where(Assessment.status == "submitted"))
        if 10000 <= a.municipality.population < 20000 and a.id != replaced.id
    ]
    assert len(counted) == 6
    for area in areas:
        levels = [
            db.session.scalar(select(AreaScore.level).where(AreaScore.assessment_id == a.id, AreaScore.area_id == area)) for a in counted
        ]
        assert median.levels[area] == pytest.approx(statistics.median(levels)), area
    assert any(v % 1 for v in median.levels.values()), "the test data should exercise the even-count average"


def test_the_consultant_view_takes_the_median_of_its_own_land(app, browser, world) -> None:
    """With municipalities of another Land in the register, the size class's median of a Hessian
    municipality is that of Hessian ones (aggregates never mix Länder, issue 18)."""
    areas = [a.id for a in Q.areas]
    hessian = [town(i, population=12000 + i) for i in range(5)]
    for m in hessian:
        submitted(m, "mid")
    bavarian = []
    for i in range(5):
        m = town(20 + i, population=12000 + i)
        m.ags = f"0918{i:04d}"  # Bayern
        bavarian.append(m)
        submitted(m, "high")
    own = size_class_median(13876, areas, land="06")
    assert set(own.counts.values()) == {5}
    other = size_class_median(13876, areas, land="09")
    assert set(other.counts.values()) == {5} and other.levels != own.levels  # "high" against "mid"
    browser.login(world.berater)
    page = browser.get(f"/beratung/bewertung/{submitted(hessian[0], 'mid').id}").get_data(as_text=True)
    assert "je Kommune desselben Landes" in page and "(vorhanden: 5)" in page


def test_assessment_view(browser, world) -> None:
    first = submitted(world.erbach, "mid", user=world.kommune)
    second = submitted(
        world.erbach, "high", user=world.kommune, technik__dms_eakte="alle", technik__dms_vorhanden="nein", strategie__budget="weiss_nicht"
    )
    browser.login(world.berater)
    page = browser.get(f"/beratung/bewertung/{second.id}").get_data(as_text=True)
    assert "Erbach: Bewertung Runde 2" in page
    assert "Eine E-Akte setzt ein DMS voraus" in page and "Regel eakte-ohne-dms" in page
    assert 'href="#frage-strategie-budget"' in page  # in the "Weiß nicht" list
    assert Q.item("technik.dms_vorhanden").help in page  # every answer with its help text
    assert "Hauptamt Erbach:" in page and "Vorrunde:" in page  # history of changes and the previous round's answer
    assert 'id="vergleich-median" disabled' in page  # too few peers
    assert list(drawn_radar(page)) == ["Selbsteinschätzung"]
    page = browser.get(
        f"/beratung/bewertung/{second.id}?vergleich=vorrunde&vergleich=giessen-2020&vergleich=median&vergleich=unbekannt"
    ).get_data(as_text=True)
    drawn = drawn_radar(page)
    assert list(drawn) == ["Selbsteinschätzung", "Vorrunde (Runde 1)", "Gießen 2020"]
    assert drawn["Vorrunde (Runde 1)"] == [a.level for a in svc.profile_of(first)[1].areas]
    assert checked_values(page, "vergleich") == ["vorrunde", "giessen-2020"]


def test_unknown_assessment_and_admin_access(browser, world) -> None:
    browser.login(world.admin)
    assert browser.get("/beratung/").status_code == 200
    assert browser.get("/beratung/bewertung/98765").status_code == 404


# --- validated levels --------------------------------------------------------------------


def post_level(browser, assessment_id: int, area: str, level: str, reason: str):  # type: ignore[no-untyped-def]
    return browser.post(
        f"/beratung/bewertung/{assessment_id}/validierung/{area}",
        {f"validierung-{area}-level": level, f"validierung-{area}-reason": reason},
        token_from="/beratung/",
    )


def test_validated_levels_are_an_audit_trail_the_kommune_sees(browser, make_browser, world) -> None:
    assessment = submitted(world.erbach, user=world.kommune)
    browser.login(world.berater)
    assert post_level(browser, assessment.id, "technik", "2", "Kein ISMS vorhanden, nur Einzelmaßnahmen.").status_code == 302
    assert post_level(browser, assessment.id, "technik", "3", "Nach Gespräch vor Ort: ISMS im Aufbau.").status_code == 302
    rows = db.session.scalars(select(ValidatedLevel).order_by(ValidatedLevel.id)).all()
    assert [(r.level, r.consultant_id) for r in rows] == [(2, world.berater.id), (3, world.berater.id)]
    page = browser.get(f"/beratung/bewertung/{assessment.id}").get_data(as_text=True)
    assert "Verlauf der validierten Stufen" in page and "Kein ISMS vorhanden" in page and "ISMS im Aufbau" in page
    assert drawn_radar(page)["Validiert"][[a.id for a in Q.areas].index("technik")] == 3
    kommune = make_browser()
    kommune.login(world.kommune)
    result = kommune.get(f"/bewertung/{assessment.id}/ergebnis").get_data(as_text=True)
    assert "Rückmeldung der Digitalisierungsberatung" in result and "Nach Gespräch vor Ort: ISMS im Aufbau." in result
    assert "Kein ISMS vorhanden" not in result and "Beraterin" in result
    kommune_validated = drawn_radar(result)["Validiert (Beratung)"]
    assert kommune_validated[[a.id for a in Q.areas].index("technik")] == 3
    assert kommune_validated[[a.id for a in Q.areas].index("strategie")] is None  # not validated: a gap, not a zero
    assert row_of("Erbach").validated == {"technik": 3}


@pytest.mark.parametrize(
    ("level", "reason", "message"),
    [
        ("3", "x" * 2001, "höchstens 2000 Zeichen"),
        ("3", "   ", "Bitte begründen Sie"),
        ("7", "Begründung", "Stufe von 1 bis 5"),
        ("", "Begründung", "Stufe von 1 bis 5"),
    ],
)
def test_bad_validated_level_is_refused_and_nothing_stored(browser, world, level, reason, message) -> None:
    assessment = submitted(world.erbach)
    browser.login(world.berater)
    response = post_level(browser, assessment.id, "strategie", level, reason)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(ValidatedLevel.id)) is None


def test_validated_level_needs_a_submitted_assessment_a_known_area_and_csrf(browser, world) -> None:
    open_round = svc.start_round(world.erbach, world.kommune)
    browser.login(world.berater)
    response = post_level(browser, open_round.id, "strategie", "3", "Begründung")
    assert response.status_code == 409 and "abgeschlossen" in response.get_data(as_text=True)
    done = submitted(world.giessen)
    assert post_level(browser, done.id, "gibtesnicht", "3", "Begründung").status_code == 404
    assert post_level(browser, 98765, "strategie", "3", "Begründung").status_code == 404
    response = browser.post(
        f"/beratung/bewertung/{done.id}/validierung/strategie",
        {"validierung-strategie-level": "3", "validierung-strategie-reason": "x"},
        csrf=False,
    )
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(select(ValidatedLevel.id)) is None


# --- notes -------------------------------------------------------------------------------


def test_notes_are_internal_until_shared(browser, make_browser, world) -> None:
    assessment = submitted(world.erbach, user=world.kommune)
    browser.login(world.berater)
    assert (
        browser.post(
            f"/beratung/bewertung/{assessment.id}/notizen", {"frage": "", "text": "Intern: Bürgermeister fragen."}, token_from="/beratung/"
        ).status_code
        == 302
    )
    assert (
        browser.post(
            f"/beratung/bewertung/{assessment.id}/notizen",
            {"frage": "technik.isb", "text": "Gemeinsamen ISB mit Michelstadt prüfen.", "freigeben": "y"},
            token_from="/beratung/",
        ).status_code
        == 302
    )
    internal, shared = db.session.scalars(select(Note).order_by(Note.id)).all()
    assert not internal.shared and internal.item_id is None and shared.shared and shared.item_id == "technik.isb"
    page = browser.get(f"/beratung/bewertung/{assessment.id}").get_data(as_text=True)
    assert "Intern: Bürgermeister fragen." in page and page.count(f'id="notiz-{shared.id}"') == 1

    kommune = make_browser()
    kommune.login(world.kommune)
    result = kommune.get(f"/bewertung/{assessment.id}/ergebnis").get_data(as_text=True)
    assert "Gemeinsamen ISB mit Michelstadt prüfen." in result and "Bürgermeister" not in result

    assert browser.post(f"/beratung/notizen/{shared.id}/freigabe", {"freigeben": "0"}, token_from="/beratung/").status_code == 302
    assert browser.post(f"/beratung/notizen/{internal.id}/freigabe", {"freigeben": "1"}, token_from="/beratung/").status_code == 302
    result = kommune.get(f"/bewertung/{assessment.id}/ergebnis").get_data(as_text=True)
    assert "Gemeinsamen ISB" not in result and "Intern: Bürgermeister fragen." in result
    assert (
        browser.post(f"/beratung/notizen/{internal.id}/freigabe", {"freigeben": "vielleicht"}, token_from="/beratung/").status_code == 400
    )
    assert browser.post("/beratung/notizen/98765/freigabe", {"freigeben": "1"}, token_from="/beratung/").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"frage": "", "text": "x" * 4001}, "höchstens 4000 Zeichen"),
        ({"frage": "", "text": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"frage": "technik.erfunden", "text": "Notiz"}, "Diese Frage gibt es im Fragebogen der Bewertung nicht."),
    ],
)
def test_bad_note_is_refused_and_nothing_stored(browser, world, data, message) -> None:
    assessment = submitted(world.erbach)
    browser.login(world.berater)
    response = browser.post(f"/beratung/bewertung/{assessment.id}/notizen", data, token_from="/beratung/")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Note.id)) is None


def test_notes_on_an_open_round(browser, world) -> None:
    assessment = svc.start_round(world.erbach, world.kommune)
    browser.login(world.berater)
    assert (
        browser.post(f"/beratung/bewertung/{assessment.id}/notizen", {"text": "Vorab anrufen"}, token_from="/beratung/").status_code == 302
    )
    assert browser.post("/beratung/bewertung/98765/notizen", {"text": "x"}, token_from="/beratung/").status_code == 404


# --- authorisation -----------------------------------------------------------------------

ROUTES = [
    ("get", "/beratung/"),
    ("get", "/beratung/bewertung/{id}"),
    ("post", "/beratung/bewertung/{id}/validierung/strategie"),
    ("post", "/beratung/bewertung/{id}/notizen"),
    ("post", "/beratung/notizen/{note}/freigabe"),
]


@pytest.fixture
def erbach_with_note(app, world):  # type: ignore[no-untyped-def]
    assessment = submitted(world.erbach, user=world.kommune)
    note = Note(assessment_id=assessment.id, text="intern", author_id=world.berater.id)
    db.session.add(note)
    db.session.commit()
    return assessment, note


def test_routes_list_is_complete(app) -> None:
    rules = {
        r.rule.replace("<int:assessment_id>", "{id}").replace("<int:note_id>", "{note}").replace("<area_id>", "strategie")
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("consult.")
    }
    assert rules == {route for _, route in ROUTES}


def call(browser, method: str, route: str, fixture, **kwargs):  # type: ignore[no-untyped-def]
    assessment, note = fixture
    url = route.format(id=assessment.id, note=note.id)
    if method == "get":
        return browser.get(url)
    return browser.post(
        url, {"text": "x", "freigeben": "1", "validierung-strategie-level": "3", "validierung-strategie-reason": "x"}, **kwargs
    )


@pytest.mark.parametrize(("method", "route"), ROUTES)
@pytest.mark.parametrize("who", ["kommune", "other"])
def test_kommune_users_get_403(browser, world, erbach_with_note, method, route, who) -> None:
    browser.login(getattr(world, who))
    response = call(browser, method, route, erbach_with_note)
    assert response.status_code == 403
    assert "intern" not in response.get_data(as_text=True).split("<main")[1]
    assert db.session.scalar(select(ValidatedLevel.id)) is None and len(db.session.scalars(select(Note)).all()) == 1
    assert not erbach_with_note[1].shared


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_anonymous_visitors_are_sent_to_login(browser, erbach_with_note, method, route) -> None:
    response = call(browser, method, route, erbach_with_note, token_from="/anmelden")
    assert response.status_code == 302 and "/anmelden" in response.location


def test_navigation_link_only_for_consultants(browser, make_browser, world) -> None:
    browser.login(world.berater)
    assert 'href="/beratung/"' in browser.get("/").get_data(as_text=True)
    kommune = make_browser()
    kommune.login(world.kommune)
    assert 'href="/beratung/"' not in kommune.get("/").get_data(as_text=True)
    assert db.session.scalar(select(User.id).where(User.role == Role.BERATER)) == world.berater.id


def test_overlays_stay_switched_on_after_a_save(browser, world) -> None:
    assessment = submitted(world.erbach, user=world.kommune)
    browser.login(world.berater)
    page = browser.get(f"/beratung/bewertung/{assessment.id}?vergleich=ziel&vergleich=median").get_data(as_text=True)
    assert f"/beratung/bewertung/{assessment.id}/validierung/technik?vergleich=median&amp;vergleich=ziel" in page
    response = browser.post(
        f"/beratung/bewertung/{assessment.id}/validierung/technik?vergleich=median&vergleich=ziel",
        {"validierung-technik-level": "3", "validierung-technik-reason": "Vor Ort bestätigt."},
        token_from=f"/beratung/bewertung/{assessment.id}",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/beratung/bewertung/{assessment.id}?vergleich=median&vergleich=ziel#validierung-technik")


def test_consultant_sees_the_range_an_open_gate_question_leaves_and_submit_stores_it(browser, world) -> None:
    from digicheck.models import AreaScore

    assessment = submitted(world.erbach, "high", user=world.kommune, technik__isms="weiss_nicht")
    stored = {s.area_id: s.provisional for s in db.session.scalars(select(AreaScore).where(AreaScore.assessment_id == assessment.id))}
    # Technik 3 without a known ISMS, 5 with one; overall one above the weakest area: 4 or 5
    assert stored == {
        "strategie": False,
        "organisation": False,
        "kooperation": False,
        "kommunikation": False,
        "technik": True,
        "overall": True,
    }
    browser.login(world.berater)
    page = re.sub(r"\s+", " ", browser.get(f"/beratung/bewertung/{assessment.id}").get_data(as_text=True))
    assert (
        'Selbsteinschätzung: Stufe 3 Aufbau <span class="badge badge-warn">vorläufig</span> <span class="level-range">(3–5, je nach 1 offenen Frage)</span>'
        in page
    )
    assert '<td>3–5 <span class="hint">(1 offene Frage)</span></td>' in page  # the radar's table: "Mögliche Stufen"
    assert '<g class="band">' in page
    briefing = re.sub(r"\s+", " ", browser.get(f"/beratung/bewertung/{assessment.id}/briefing").get_data(as_text=True))
    assert (
        'Stufe 3 Aufbau <span class="badge badge-warn">vorläufig</span> <span class="level-range">(3–5, je nach 1 offenen Frage)</span>'
        in briefing
    )
    assert (
        'Stufe 4 Fortgeschritten <span class="badge badge-warn">vorläufig</span> <span class="level-range">(4–5, je nach 1 offenen Frage)</span>'
        in briefing
    )


@pytest.mark.parametrize(
    ("page", "pages", "links"),
    [
        (1, 1, [1]),
        (2, 4, [1, 2, 3, 4]),
        (1, 221, [1, 2, 3, None, 221]),
        (5, 221, [1, None, 3, 4, 5, 6, 7, None, 221]),
        (4, 221, [1, 2, 3, 4, 5, 6, None, 221]),
        (221, 221, [1, None, 219, 220, 221]),
    ],
)
def test_pagination_links_a_fixed_number_of_pages(page: int, pages: int, links: list[int | None]) -> None:
    """With Germany's 11,000 municipalities the overview has 221 pages; it links the first, the last
    and two on either side of the current one, with a gap (None) for the pages left out."""
    assert OverviewPage([], pages * PAGE_SIZE, page, pages).links() == links
