"""Briefing rules on the typed advice: agenda in half days, invitees, funding lists, weakest answers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scoring import score
from scoring.advice import advise
from scoring.advice.modules import Invitation
from scoring.briefing import (
    CLOSING,
    OPENING,
    AgendaDay,
    agenda,
    agenda_for,
    area_examples,
    briefing_plan,
    funding_lists,
    invitees,
    opening_topics,
    weakest_answers,
)
from tests.unit import test_advice_factory as shipped
from tests.unit.factory import all_answers, document, questionnaire

Q = questionnaire()


def planned(contents: tuple[str, ...], on_site: float, results: float = 0.5) -> Any:
    plan = shipped.advice({"technik.dms_eakte": "pilot"}).modules.modules[0]
    return replace(plan, module=replace(plan.module, contents=contents, days_on_site=on_site, days_results=results))


def test_one_day_two_halves_the_first_half_takes_the_extra_topic() -> None:
    block = agenda_for(planned(("a", "b", "c", "d", "e"), 1.0), ("Start",))
    assert block.days == (AgendaDay(1, ("Start", "a", "b", "c"), ("d", "e", CLOSING)),)
    assert block.results == "Ergebnisbesprechung (0,5 Tage): Ergebnisse und Maßnahmenplan mit der Verwaltungsspitze"


def test_a_day_and_a_half_ends_on_a_free_afternoon() -> None:
    block = agenda_for(planned(("a", "b", "c", "d", "e"), 1.5, 1.0))
    assert block.days == (AgendaDay(1, ("a", "b"), ("c", "d")), AgendaDay(2, ("e", CLOSING), ()))
    assert "(1 Tage)" in block.results


def test_fewer_topics_than_half_days_use_one_half_day_each() -> None:
    assert agenda_for(planned(("a",), 2.0)).days == (AgendaDay(1, ("a", CLOSING), ()),)


def test_opening_names_the_open_questions_only_when_there_are_any() -> None:
    assert opening_topics(0, 0) == (OPENING,)
    assert opening_topics(3, 1) == (OPENING, "Offene Fragen klären: 3 „Weiß nicht“-Antworten, 1 Unstimmigkeiten")


def test_only_the_first_module_opens() -> None:
    advice = shipped.advice({"technik.dms_eakte": "pilot", "strategie.ozg_grundlagen": "unbekannt"})
    blocks = agenda(advice.modules, 2, 0)
    assert len(blocks) == len(advice.modules.modules) >= 2
    assert blocks[0].days[0].morning[:2] == opening_topics(2, 0)
    assert all(OPENING not in b.days[0].morning for b in blocks[1:])


def test_invitees_grouped_by_module_set_most_modules_first() -> None:
    invite = [Invitation("A", (1, 2)), Invitation("B", (3,)), Invitation("C", (1, 2)), Invitation("D", (2,))]
    assert [(i.modules, i.groups) for i in invitees(invite)] == [((1, 2), ("A", "C")), ((2,), ("D",)), ((3,), ("B",))]


def test_weakest_answers_lowest_score_then_heavier_then_questionnaire_order() -> None:
    areas = document()["areas"]
    areas[1]["items"][0]["weight"] = 2  # organisation.s0
    q = questionnaire(areas=areas)
    answers = {
        **all_answers(q, "hoch"),
        "strategie.s0": "niedrig",
        "organisation.s0": "niedrig",
        "technik.s5": "niedrig",
        "strategie.n": 1,
        "strategie.m": ("a",),
        "kommunikation.s1": "mittel",
        "kooperation.s2": "weiss_nicht",
    }
    weakest = weakest_answers(q, score(q, answers).answers, count=6)
    assert [(w.item.id, w.answer, w.score) for w in weakest] == [
        ("organisation.s0", "niedrig", 0.0),
        ("strategie.s0", "niedrig", 0.0),
        ("technik.s5", "niedrig", 0.0),
        ("strategie.n", "1 Dienste", 25.0),
        ("strategie.m", "A", 40.0),
        ("kommunikation.s1", "mittel", 50.0),
    ]
    assert weakest_answers(q, {}) == ()


def test_shipped_modules_1_and_3_agenda_reasoned_from_the_catalogue() -> None:
    """modules.yaml: module 1 has 8 topics on 2.0 days on site (four half days of two topics),
    module 3 has 7 topics on 2.5 days (five half days: 2, 2, 1, 1, 1); both end with 0.5 days of results."""
    profile = shipped.profile({"technik.dms_eakte": "pilot", "strategie.ozg_grundlagen": "unbekannt"})
    advice = advise(shipped.Q, profile, as_of=shipped.TODAY, catalogue=shipped.CATALOGUE)
    plan = briefing_plan(shipped.Q, profile.answers, advice, unknown=4, inconsistencies=1)
    first, third = plan.agenda
    assert (first.planned.module.number, third.planned.module.number) == (1, 3)
    one = shipped.CATALOGUE.modules[0].contents
    opening = opening_topics(4, 1)
    assert first.days == (
        AgendaDay(1, opening + one[0:2], one[2:4]),
        AgendaDay(2, one[4:6], one[6:8] + (CLOSING,)),
    )
    three = third.planned.module.contents
    assert len(three) == 7 and third.days == (
        AgendaDay(1, three[0:2], three[2:4]),
        AgendaDay(2, three[4:5], three[5:6]),
        AgendaDay(3, three[6:7] + (CLOSING,), ()),
    )
    assert first.results == third.results == ("Ergebnisbesprechung (0,5 Tage): Ergebnisse und Maßnahmenplan mit der Verwaltungsspitze")
    # who sits in which days: module 1 and 3 share the leadership, the web editors only come to module 1
    groups = {g: i.modules for i in plan.invitees for g in i.groups}
    assert groups["Verwaltungsspitze"] == (1, 3) and groups["Internet-/CMS-Beauftragte"] == (1,)
    assert groups["Personalvertretungen"] == (3,)


def test_funding_lists_and_examples_on_one_advice() -> None:
    advice = shipped.advice({"technik.dms_eakte": "pilot"}, as_of=shipped.TODAY)
    lists = funding_lists(advice.funding)
    assert all(f.fit != "no" for f in lists.current + lists.ended)
    assert all(f.status.state == "ended" for f in lists.ended) and all(f.status.state != "ended" for f in lists.current)
    assert len(lists.current) + len(lists.ended) + lists.left_out == len(advice.funding)
    for example in area_examples(advice.measures, per_area=1):
        assert len(example.measures) <= 1 and example.more == max(0, len(example.area.measures) - 1)


# Moved from tests/app/test_briefing.py with their assertions, onto the typed advice.


def test_agenda_spreads_contents_over_half_days() -> None:
    contents = tuple(f"Thema {n}" for n in range(1, 8))
    block = agenda_for(planned(contents, 2.5, 0.5), ("Einstieg",))
    assert [d.number for d in block.days] == [1, 2, 3] and block.days[-1].afternoon == ()  # 2.5 days: five half days
    halves = [h for d in block.days for h in (d.morning, d.afternoon) if h]
    topics = [t for h in halves for t in h]
    assert topics[0] == "Einstieg" and tuple(t for t in topics if t.startswith("Thema")) == contents
    assert [len([t for t in h if t.startswith("Thema")]) for h in halves] == [2, 2, 1, 1, 1]
    assert halves[-1][-1].startswith("Zusammenfassung") and "0,5 Tage" in block.results
    short = agenda_for(planned(("Nur ein Thema",), 2.0, 0.5), ())
    assert len(short.days) == 1 and short.days[0].afternoon == ()  # no empty half days


def test_invitations_group_target_groups_by_modules() -> None:
    invite = [Invitation("Verwaltungsspitze", (1, 3)), Invitation("IT-Administration", (1,)), Invitation("Amtsleitungen", (1, 3))]
    assert [(i.modules, i.groups) for i in invitees(invite)] == [
        ((1, 3), ("Verwaltungsspitze", "Amtsleitungen")),
        ((1,), ("IT-Administration",)),
    ]
