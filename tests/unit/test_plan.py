"""scoring.plan: the level change per area beside the plan entries done, the changed answers with their
linked entries, and when an entry is overdue. No app, no database."""

from __future__ import annotations

from datetime import date

from scoring import Library
from scoring.plan import PlanWork, area_progress, changed_items, is_overdue

Q = Library.load().latest
DONE = [PlanWork("E-Akte-Pilot Bürgerbüro", "technik"), PlanWork("Fortbildungskonzept", "technik"), PlanWork("Leitbild", "strategie")]


def test_each_area_shows_its_level_change_and_what_was_done_there() -> None:
    progress = {a.area_id: a for a in area_progress(Q, {"technik": 2, "strategie": 3}, {"technik": 3, "strategie": 3}, DONE)}
    assert [a.area_id for a in area_progress(Q, {}, {}, [])] == list(Q.area_ids), "every area, in questionnaire order"
    assert progress["technik"].text == "Stufe 2 → 3; erledigt: E-Akte-Pilot Bürgerbüro, Fortbildungskonzept"
    assert progress["technik"].direction == "up"
    assert progress["strategie"].text == "Stufe 3 → 3; erledigt: Leitbild" and progress["strategie"].direction == "same"
    assert progress["kooperation"].text == "Stufe – → –" and progress["kooperation"].direction == ""


def test_a_level_that_fell_is_said_so() -> None:
    (area,) = [a for a in area_progress(Q, {"technik": 4}, {"technik": 2}, []) if a.area_id == "technik"]
    assert area.direction == "down" and area.text == "Stufe 4 → 2"


def test_changed_answers_are_listed_with_the_entries_linked_to_them() -> None:
    before = {"technik.dms_eakte": "pilot", "technik.netz": "meiste"}
    after = {"technik.dms_eakte": "alle", "technik.netz": "meiste"}
    linked = PlanWork("E-Akte einführen", "technik", ("technik.dms_eakte",), "erledigt")
    other = PlanWork("WLAN", "technik", ("technik.netz",), "geplant")
    (changed,) = changed_items(Q, Q, before, after, [linked, other])
    assert changed.item_id == "technik.dms_eakte" and changed.entries == (linked,)
    assert changed.before != changed.after and changed.text == Q.item("technik.dms_eakte").text


def test_items_without_a_predecessor_are_not_compared() -> None:
    before = {"technik.dms_eakte": "pilot"}
    after = {"technik.dms_eakte": "alle"}
    assert changed_items(Q, Q, before, after, [], comparable={}) == []
    assert len(changed_items(Q, Q, before, after, [], comparable={"technik.dms_eakte": "technik.dms_eakte"})) == 1


def test_overdue_means_open_and_past_its_due_day() -> None:
    today = date(2027, 3, 15)
    assert is_overdue(date(2027, 3, 14), False, today)
    assert not is_overdue(date(2027, 3, 15), False, today), "due today is not overdue yet"
    assert not is_overdue(date(2027, 3, 1), True, today), "done or dropped entries are never overdue"
    assert not is_overdue(None, False, today)
