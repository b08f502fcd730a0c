"""The Maßnahmenplan (issue 16 parts 3, 4, 7): taking suggestions of the result page into the plan,
own entries, editing with optimistic locking and history, access, and the level change of a later
round beside the entries done meanwhile. Real database, the Flask test client as the browser."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from digicheck import timefmt
from digicheck.assess.services import profile_of
from digicheck.extensions import db
from digicheck.models import PlanEntry, PlanEntryChange, PlanSource, PlanStatus
from digicheck.models.plan import TITLE_MAX
from digicheck.plan import services as plan_svc
from tests.app.test_consult import submitted
from tests.conftest import World

TAKE_FORM = re.compile(
    r'<input type="hidden" name="quelle" value="(\w+)">\s*<input type="hidden" name="kennung" value="([^"]+)">\s*'
    r'<input type="hidden" name="bewertung" value="(\d+)">'
)


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags removed, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def suggestions(browser: Any, assessment_id: int) -> list[tuple[str, str, str]]:
    """The (kind, id, round) of every "In den Maßnahmenplan" button on the result page."""
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis")
    assert page.status_code == 200
    return TAKE_FORM.findall(page.get_data(as_text=True))


def take(browser: Any, municipality_id: int, source: str, source_id: str, assessment_id: int) -> Any:
    return browser.post(
        f"/plan/kommune/{municipality_id}/uebernehmen", {"quelle": source, "kennung": source_id, "bewertung": str(assessment_id)}
    )


def entry_data(**changes: Any) -> dict[str, Any]:
    data = {
        "bereich": "technik",
        "titel": "E-Akte-Pilot Bürgerbüro",
        "fragen": ["technik.dms_eakte"],
        "verantwortlich": "Hauptamt, Frau Weber",
        "beginn": "2027-02-01",
        "faellig": "2027-09-30",
        "status": "planned",
        "begruendung": "",
        "foerderung": "",
        "notiz": "",
        "version": "0",
    }
    data.update(changes)
    return data


def entries() -> list[PlanEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(PlanEntry).order_by(PlanEntry.id)))


def change_count() -> int:
    return db.session.scalar(select(func.count(PlanEntryChange.id))) or 0


# --- taking suggestions of the result page ------------------------------------------------


def test_the_kommune_takes_a_measure_a_module_and_a_next_step_into_its_plan(world: World, browser) -> None:
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    offered = suggestions(browser, assessment.id)
    kinds = {kind for kind, _, _ in offered}
    assert kinds == {"measure", "module", "step"}, "a button beside every kind of suggestion"
    picked = [next(s for s in offered if s[0] == kind) for kind in ("measure", "module", "step")]
    for kind, source_id, round_id in picked:
        response = take(browser, world.erbach.id, kind, source_id, int(round_id))
        assert response.status_code == 302 and "/plan/eintrag/" in response.location
    stored = entries()
    assert [(e.source.value, e.source_id) for e in stored] == [(k, i) for k, i, _ in picked]
    for entry in stored:
        assert entry.municipality_id == world.erbach.id and entry.added_in_id == assessment.id
        assert entry.status == PlanStatus.PLANNED and entry.created_by_id == world.kommune.id and entry.title
    step = stored[2]
    assert step.item_ids == [step.source_id], "a next step links its own question"
    # the entry page opens prefilled and editable; the result page now says the suggestions are planned
    page = text_of(browser.get(f"/plan/eintrag/{stored[0].id}"))
    assert stored[0].title in page and "Referenzmaßnahme" in page and "angelegt" in page
    assert len(suggestions(browser, assessment.id)) == len(offered) - 3
    assert text_of(browser.get(f"/bewertung/{assessment.id}/ergebnis")).count("steht im Maßnahmenplan") >= 3


def test_taking_the_same_suggestion_twice_opens_the_planned_entry(world: World, browser) -> None:
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    kind, source_id, _ = suggestions(browser, assessment.id)[0]
    first = take(browser, world.erbach.id, kind, source_id, assessment.id)
    again = take(browser, world.erbach.id, kind, source_id, assessment.id)
    assert again.location == first.location
    assert len(entries()) == 1
    assert "steht bereits im Maßnahmenplan" in text_of(browser.get(again.location))


def test_an_unknown_suggestion_id_is_a_german_400_and_stores_nothing(world: World, browser) -> None:
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    cases = [
        ("measure", "gibt-es-nicht", "Diese Referenzmaßnahme gibt es im Katalog nicht"),
        ("module", "modul9", "Dieses Beratungsmodul gibt es im Katalog nicht"),
        ("step", "strategie.erfunden", "Diese Frage gibt es im Fragebogen nicht"),
        ("anything", "x", "Dieser Vorschlag ist unvollständig"),
    ]
    for kind, source_id, message in cases:
        response = take(browser, world.erbach.id, kind, source_id, assessment.id)
        assert response.status_code == 400 and message in text_of(response), kind
    forged_round = take(browser, world.erbach.id, "measure", "x", 10**8)
    assert forged_round.status_code == 404
    assert entries() == [] and change_count() == 0


def test_a_suggestion_cannot_be_taken_into_another_municipalitys_plan(world: World, browser) -> None:
    giessen_round = submitted(world.giessen, "mid", user=world.other)
    erbach_round = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    kind, source_id, _ = suggestions(browser, erbach_round.id)[0]
    assert take(browser, world.giessen.id, kind, source_id, giessen_round.id).status_code == 404
    assert take(browser, world.erbach.id, kind, source_id, giessen_round.id).status_code == 404, "a round of another municipality"
    assert entries() == []


# --- own entries: validation ---------------------------------------------------------------


def test_an_own_entry_is_stored_with_its_history_row(world: World, browser) -> None:
    browser.login(world.kommune)
    response = browser.post(f"/plan/kommune/{world.erbach.id}/eintrag/neu", entry_data(foerderung="ikz-foerderung"))
    assert response.status_code == 302, text_of(response)[:600]
    (entry,) = entries()
    assert (entry.source, entry.title, entry.item_ids, entry.owner) == (
        PlanSource.OWN,
        "E-Akte-Pilot Bürgerbüro",
        ["technik.dms_eakte"],
        "Hauptamt, Frau Weber",
    )
    assert (entry.start_on.isoformat(), entry.due_on.isoformat(), entry.funding_id) == ("2027-02-01", "2027-09-30", "ikz-foerderung")
    assert entry.added_in_id is None, "no round yet"
    form = text_of(browser.get(f"/plan/kommune/{world.erbach.id}/eintrag/neu"))
    assert "Titel der Maßnahme Höchstens 200 Zeichen." in form and "Notiz Höchstens 2000 Zeichen." in form, "the limits are stated"
    page = text_of(browser.get(f"/plan/kommune/{world.erbach.id}"))
    assert "E-Akte-Pilot Bürgerbüro" in page and "01.02.2027" in page and "30.09.2027" in page and "IKZ" in page


def test_bad_input_gets_german_messages_and_keeps_what_was_typed(world: World, browser) -> None:
    browser.login(world.kommune)
    url = f"/plan/kommune/{world.erbach.id}/eintrag/neu"
    cases = [
        (entry_data(beginn="2027-10-01", faellig="2027-03-01"), "Das Fälligkeitsdatum liegt vor dem Beginn"),
        (entry_data(faellig="31.02.2027"), "Bitte geben Sie ein Datum an"),
        (entry_data(titel="x" * (TITLE_MAX + 1)), f"Der Titel darf höchstens {TITLE_MAX} Zeichen lang sein"),
        (entry_data(notiz="n" * 2001), "Die Notiz darf höchstens 2000 Zeichen lang sein"),
        (entry_data(titel=""), "Bitte füllen Sie dieses Feld aus"),
        (entry_data(status="dropped"), "Bitte nennen Sie einen Grund"),
        (entry_data(fragen=["technik.erfunden"]), "Diese Frage gibt es im Fragebogen nicht"),
        (entry_data(bereich="finanzen"), "Diesen Bereich gibt es im Fragebogen nicht"),
        (entry_data(foerderung="lotto"), "Dieses Förderprogramm gibt es im Katalog nicht"),
        (entry_data(status="vielleicht"), "Bitte wählen Sie einen der angebotenen Status"),
    ]
    for data, message in cases:
        response = browser.post(url, data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, message
        assert message in text_of(response), message
        assert "Bitte prüfen Sie Ihre Eingaben" in page, "the error summary at the top"
        assert 'value="Hauptamt, Frau Weber"' in page, "what the user typed stays in the form"
    kept = browser.post(url, entry_data(beginn="2027-10-01", faellig="2027-03-01")).get_data(as_text=True)
    assert 'value="2027-10-01"' in kept and 'value="2027-03-01"' in kept, "both dates stay as typed"
    assert entries() == [] and change_count() == 0


# --- editing: optimistic locking, closing, history ----------------------------------------


def kommune_and_consultant(world: World, make_browser: Any) -> tuple[Any, Any]:
    """Erbach's Kommune and the consultant, each signed in in a browser of their own."""
    kommune, berater = make_browser(), make_browser()
    kommune.login(world.kommune)
    berater.login(world.berater)
    return kommune, berater


def test_a_stale_save_shows_the_other_change_keeps_the_input_and_stores_nothing(world: World, make_browser) -> None:
    entry = plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("technik", "E-Akte-Pilot Bürgerbüro"))
    db.session.commit()
    kommune, berater = kommune_and_consultant(world, make_browser)
    url = f"/plan/eintrag/{entry.id}"
    assert berater.post(url, entry_data(verantwortlich="IT-Stelle", version="1")).status_code == 302
    stale = kommune.post(url, entry_data(verantwortlich="Bürgerbüro, Herr Kaya", version="1"))
    page = text_of(stale)
    assert stale.status_code == 409
    assert "Inzwischen hat jemand anderes diesen Eintrag geändert" in page
    assert "Änderung von Beraterin (Beratung)" in page and "Verantwortlich: „–“ → „IT-Stelle“" in page
    assert 'value="Bürgerbüro, Herr Kaya"' in stale.get_data(as_text=True), "the own input is kept"
    db.session.expire_all()
    assert db.session.get(PlanEntry, entry.id).owner == "IT-Stelle"
    # saving again (the form now carries the current version) overwrites the other change on purpose
    again = kommune.post(url, entry_data(verantwortlich="Bürgerbüro, Herr Kaya", version="2"))
    assert again.status_code == 302
    db.session.expire_all()
    stored = db.session.get(PlanEntry, entry.id)
    assert (stored.owner, stored.version, stored.updated_by_id) == ("Bürgerbüro, Herr Kaya", 3, world.kommune.id)


def test_a_save_that_loses_the_race_in_the_database_stores_nothing(world: World) -> None:
    """Another request saved between this one's read and its write: the versioned UPDATE matches no row."""
    entry = plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("technik", "WLAN in allen Gebäuden"))
    db.session.commit()
    db.session.execute(
        update(PlanEntry).where(PlanEntry.id == entry.id).values(version=2, owner="IT-Stelle").execution_options(synchronize_session=False)
    )  # the other request
    assert entry.version == 1, "this request still holds what it read"
    with pytest.raises(plan_svc.StaleEntry):
        plan_svc.update_entry(entry, world.kommune, plan_svc.EntryValues("technik", "WLAN überall", owner="Hauptamt"), 1)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(PlanEntry, entry.id)
    assert (stored.title, stored.owner, stored.version) == ("WLAN in allen Gebäuden", "IT-Stelle", 2)
    assert change_count() == 1, "no history row for a save that did not happen"


def test_a_forged_version_is_a_conflict(world: World, browser) -> None:
    entry = plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("technik", "WLAN in allen Gebäuden"))
    db.session.commit()
    browser.login(world.kommune)
    for forged in ("abc", "-1", "9" * 30):
        assert browser.post(f"/plan/eintrag/{entry.id}", entry_data(version=forged)).status_code == 409
    assert change_count() == 1, "only the creation"


def test_closing_records_the_round_and_reopening_clears_it_every_change_in_the_history(world: World, make_browser) -> None:
    first = submitted(world.erbach, "mid", user=world.kommune)
    entry = plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("technik", "E-Akte-Pilot Bürgerbüro"))
    db.session.commit()
    kommune, berater = kommune_and_consultant(world, make_browser)
    url = f"/plan/eintrag/{entry.id}"
    assert kommune.post(url, entry_data(status="in_progress", version="1")).status_code == 302
    assert berater.post(url, entry_data(status="done", version="2")).status_code == 302
    db.session.expire_all()
    done = db.session.get(PlanEntry, entry.id)
    assert done.status == PlanStatus.DONE and done.closed_at is not None and done.closed_in_id == first.id
    assert kommune.post(url, entry_data(status="dropped", begruendung="Kein Personal", version="3")).status_code == 302
    db.session.expire_all()
    dropped = db.session.get(PlanEntry, entry.id)
    assert dropped.drop_reason == "Kein Personal" and dropped.closed_at >= done.closed_at, "closed anew: dropped now"
    assert kommune.post(url, entry_data(status="planned", version="4")).status_code == 302
    db.session.expire_all()
    reopened = db.session.get(PlanEntry, entry.id)
    assert reopened.closed_at is None and reopened.closed_in_id is None and reopened.drop_reason is None
    assert change_count() == 5, "the creation and four changes"
    history = text_of(kommune.get(url))
    assert "Beraterin (Beratung)" in history and "Hauptamt Erbach (Kommune)" in history
    assert "Status in Arbeit erledigt" in history and "Grund für „verworfen“ – Kein Personal" in history
    # an unchanged save stores nothing
    assert kommune.post(url, entry_data(status="planned", version="5")).status_code == 302
    assert change_count() == 5


# --- access ------------------------------------------------------------------------------


def test_another_municipality_sees_nothing_and_the_analysts_nothing_at_all(world: World, make_browser, analyst) -> None:
    entry = plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("technik", "E-Akte-Pilot Bürgerbüro"))
    db.session.commit()
    other, analysis = make_browser(), make_browser()
    other.login(world.other)
    analysis.login(analyst)
    for url in (f"/plan/eintrag/{entry.id}", f"/plan/kommune/{world.erbach.id}", f"/plan/kommune/{world.erbach.id}/eintrag/neu"):
        assert other.get(url).status_code == 404, url
        assert analysis.get(url).status_code == 403, url
    assert other.post(f"/plan/eintrag/{entry.id}", entry_data(version="1")).status_code == 404
    assert analysis.post(f"/plan/eintrag/{entry.id}", entry_data(version="1")).status_code == 403
    assert other.get("/plan/kommune/999999").status_code == 404
    assert other.get("/plan").location.endswith(f"/plan/kommune/{world.giessen.id}")
    assert change_count() == 1


def test_the_plan_page_and_the_navigation_lead_to_the_own_plan(world: World, browser) -> None:
    browser.login(world.kommune)
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/plan"' in home
    assert browser.get("/plan").location.endswith(f"/plan/kommune/{world.erbach.id}")
    assert "Noch keine Einträge im Maßnahmenplan" in text_of(browser.get(f"/plan/kommune/{world.erbach.id}"))


# --- plan and profile together -------------------------------------------------------------


def test_a_new_round_shows_the_level_change_beside_the_entries_done_since(world: World, browser) -> None:
    first = submitted(world.erbach, "mid", user=world.kommune)
    done = plan_svc.add_entry(
        world.erbach, world.kommune, plan_svc.EntryValues("technik", "E-Akte-Pilot Bürgerbüro", ("technik.dms_eakte",))
    )
    plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("technik", "WLAN in allen Gebäuden", ("technik.dms_eakte",)))
    early = plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("strategie", "Strategie", status=PlanStatus.DONE))
    early.closed_at = first.submitted_at - timedelta(days=1)  # done before the first round was submitted: not "since"
    db.session.commit()
    browser.login(world.kommune)
    assert browser.post(f"/plan/eintrag/{done.id}", entry_data(status="done", version="1")).status_code == 302
    second = submitted(world.erbach, "high", user=world.kommune)
    db.session.commit()
    page = text_of(browser.get(f"/bewertung/{second.id}/ergebnis"))
    assert "Seit Runde 1: Stufen und Maßnahmenplan" in page
    before = {a.id: a.level for a in profile_of(first)[1].areas}
    after = {a.id: a.level for a in profile_of(second)[1].areas}
    assert before["technik"] != after["technik"]
    assert f"Technik & Sicherheit: Stufe {before['technik']} → {after['technik']}; erledigt: E-Akte-Pilot Bürgerbüro" in page
    assert f"Strategie & Steuerung: Stufe {before['strategie']} → {after['strategie']} " in page, "nothing done there since"
    assert "erledigt: Strategie" not in page
    # the items whose answers changed, with the entries linked to them
    changed = page.split("Geänderte Antworten", 1)[1]
    assert "Antworten haben sich geändert, davon 1 mit Einträgen im Maßnahmenplan" in changed, "both entries link one item"
    assert "Im Maßnahmenplan: E-Akte-Pilot Bürgerbüro (erledigt); WLAN in allen Gebäuden (geplant)" in changed
    # the first round has nothing to compare with
    assert "Seit Runde" not in text_of(browser.get(f"/bewertung/{first.id}/ergebnis"))


def test_the_consultant_sees_the_plan_with_overdue_entries_in_the_assessment_view_and_the_briefing(world: World, browser) -> None:
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    yesterday = timefmt.today() - timedelta(days=1)
    plan_svc.add_entry(world.erbach, world.kommune, plan_svc.EntryValues("technik", "Notebooks statt Desktops", due_on=yesterday))
    plan_svc.add_entry(
        world.erbach, world.kommune, plan_svc.EntryValues("technik", "Scanner beschaffen", due_on=yesterday, status=PlanStatus.DONE)
    )
    db.session.commit()
    browser.login(world.berater)
    for url in (f"/beratung/bewertung/{assessment.id}", f"/beratung/bewertung/{assessment.id}/briefing"):
        response = browser.get(url)
        assert response.status_code == 200, url
        page = text_of(response)
        plan = page.split("Maßnahmenplan der Kommune", 1)[1]
        assert "2 Einträge, davon 1 erledigt, 1 überfällig" in plan, url
        assert f"{timefmt.local_date(yesterday)} überfällig geplant" in plan, url
        assert f"{timefmt.local_date(yesterday)} erledigt" in plan, "a closed entry is never overdue"


def test_the_next_steps_page_points_to_the_plan(world: World, browser) -> None:
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    page = browser.get(f"/bewertung/{assessment.id}/naechste-schritte").get_data(as_text=True)
    assert f'href="/plan/kommune/{world.erbach.id}"' in page and "Ihr Maßnahmenplan" in page
