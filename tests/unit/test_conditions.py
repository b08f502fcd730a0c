"""Skip logic: an item's `applies_if` hides it while a condition is not met; a hidden item is
not asked, not open, and scores exactly like a "Trifft nicht zu" answer."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from digicheck.demo_data import DEMO_PROFILES, DEMO_SEED, synthetic_answers
from scoring import Library, check_answers, score_checked
from scoring.advice import load_references
from scoring.conditions import Hiding, applicable_answers, hidden_items, hiding_answers
from scoring.model import NOT_APPLICABLE, Check, Questionnaire
from scoring.profile import Profile
from scoring.progress import missing_items, progress
from tests.unit.factory import document, questionnaire

#: the version that introduced the skip logic; its submitted profiles must keep their levels
SHIPPED = Library.load().get("2026.1")
LATEST = Library.load().latest
IKZ_DETAILS = {"kooperation.ikz_laufzeit", "kooperation.ikz_personalkosten", "kooperation.ikz_partner", "kooperation.ratsbeschluss"}
#: a cooperation's details, answered although the Kommune says it has none
DETAILS = {
    "kooperation.ikz_laufzeit": 5,
    "kooperation.ikz_personalkosten": "ab_15",
    "kooperation.ikz_partner": 4,
    "kooperation.ratsbeschluss": "nein",
}


def without_skip_logic(q: Questionnaire) -> Questionnaire:
    """The questionnaire as it was scored before items could declare `applies_if`."""
    return replace(q, areas=tuple(replace(a, items=tuple(replace(i, applies_if=()) for i in a.items)) for a in q.areas))


def levels(profile: Profile) -> list[tuple[str, int | None, bool]]:
    return [(a.id, a.level, a.provisional) for a in profile.areas] + [("gesamt", profile.overall.level, profile.overall.provisional)]


def chained() -> Questionnaire:
    """strategie.s1 only when s0 is "hoch", strategie.s2 only when s1 is answered at least 50 points."""
    areas = document()["areas"]
    areas[0]["items"][1]["applies_if"] = [{"item": "strategie.s0", "any_of": ["hoch"]}]
    areas[0]["items"][2]["applies_if"] = [{"item": "strategie.s1", "min_score": 50}]
    return questionnaire(areas=areas)


def test_the_ikz_details_apply_only_to_a_cooperation() -> None:
    assert {item.id for item in SHIPPED.conditional_items} == IKZ_DETAILS
    assert hidden_items(SHIPPED, {"kooperation.ikz_vereinbarung": "keine", **DETAILS}) == IKZ_DETAILS
    for answer in ("austausch", "projekte", "vereinbarung"):
        assert hidden_items(SHIPPED, {"kooperation.ikz_vereinbarung": answer}) == frozenset()


def test_2026_2_hides_the_ikz_details_and_the_maturity_of_online_services_when_they_cannot_apply() -> None:
    assert {item.id for item in LATEST.conditional_items} == IKZ_DETAILS | {"technik.online_reife"}
    assert hidden_items(LATEST, {"kooperation.ikz_vereinbarung": "keine", "technik.online_dienste": 0}) == IKZ_DETAILS | {
        "technik.online_reife"
    }
    assert hidden_items(LATEST, {"kooperation.ikz_vereinbarung": "austausch", "technik.online_dienste": 1}) == frozenset()


@pytest.mark.parametrize("answer", [None, "weiss_nicht"])
def test_an_open_or_unknown_condition_keeps_the_items_asked(answer: str | None) -> None:
    assert hidden_items(SHIPPED, {"kooperation.ikz_vereinbarung": answer}) == frozenset()


def test_a_hidden_item_counts_as_not_applicable_for_the_items_depending_on_it() -> None:
    q = chained()
    # s1 is stored as "hoch", but hidden by s0: as "Trifft nicht zu" it meets no condition, so s2 goes too
    assert hidden_items(q, {"strategie.s0": "mittel", "strategie.s1": "hoch"}) == {"strategie.s1", "strategie.s2"}
    assert hidden_items(q, {"strategie.s0": "hoch", "strategie.s1": "niedrig"}) == {"strategie.s2"}
    assert hidden_items(q, {"strategie.s0": "hoch", "strategie.s1": "mittel"}) == frozenset()


def test_a_hidden_item_scores_like_todays_not_applicable_answer() -> None:
    answers = check_answers(SHIPPED, {**all_answers_of(SHIPPED), "kooperation.ikz_vereinbarung": "keine", **DETAILS})
    hidden = score_checked(SHIPPED, answers)
    as_not_applicable = score_checked(without_skip_logic(SHIPPED), {**answers, **dict.fromkeys(IKZ_DETAILS, NOT_APPLICABLE)})
    assert hidden.areas == as_not_applicable.areas and hidden.overall == as_not_applicable.overall
    kooperation = hidden.area("kooperation")
    assert (kooperation.applicable, kooperation.total) == (7, 11)
    # the profile says how it scored them: results, exports and advice read "Trifft nicht zu"
    assert all(hidden.answers[item_id] == NOT_APPLICABLE for item_id in IKZ_DETAILS)
    assert applicable_answers(SHIPPED, answers) == hidden.answers


def test_answers_of_a_cooperation_are_scored_as_given() -> None:
    answers = check_answers(SHIPPED, {**all_answers_of(SHIPPED), "kooperation.ikz_vereinbarung": "projekte", **DETAILS})
    assert score_checked(SHIPPED, answers).areas == score_checked(without_skip_logic(SHIPPED), answers).areas


def all_answers_of(q: Questionnaire) -> dict[str, Any]:
    """A middling answer to every item."""
    answers: dict[str, Any] = {}
    for item in q.items:
        if item.type == "number":
            answers[item.id] = item.bands[len(item.bands) // 2].min
        elif item.type == "multi":
            answers[item.id] = [next(o.id for o in item.options if not o.exclusive)]
        else:
            answers[item.id] = item.ranked_options[len(item.options) // 2].id
    return answers


def test_hidden_items_are_neither_open_nor_missing() -> None:
    stored = {"kooperation.ikz_vereinbarung": "keine"}
    assert not IKZ_DETAILS & set(missing_items(SHIPPED, stored))
    assert progress(SHIPPED, stored).areas[2].answered == 1 + len(IKZ_DETAILS)
    assert set(missing_items(SHIPPED, {"kooperation.ikz_vereinbarung": "projekte"})) >= IKZ_DETAILS
    assert progress(SHIPPED, {"kooperation.ikz_vereinbarung": "projekte"}).areas[2].answered == 1


def test_submitted_profiles_keep_their_levels() -> None:
    """The reference profiles and the demo's answers score to the same levels as before the skip logic."""
    before = without_skip_logic(SHIPPED)
    for reference in load_references(SHIPPED):
        answers = check_answers(SHIPPED, reference.answers)
        assert score_checked(SHIPPED, answers).areas == score_checked(before, answers).areas, reference.label
    rng = random.Random(DEMO_SEED)
    without_cooperation = 0
    for ags, maturity in DEMO_PROFILES.items():
        answers = check_answers(SHIPPED, synthetic_answers(SHIPPED, maturity, rng))
        without_cooperation += answers.get("kooperation.ikz_vereinbarung") == "keine"
        assert levels(score_checked(SHIPPED, answers)) == levels(score_checked(before, answers)), ags
    assert without_cooperation >= 1  # the demo has a Kommune whose IKZ details are now hidden


def test_hiding_answers_of_options() -> None:
    check = Check("kooperation.ikz_vereinbarung", "none_of", options=("keine",))
    item = SHIPPED.item("kooperation.ikz_vereinbarung")
    assert item is not None
    assert hiding_answers(item, check) == Hiding(("trifft_nicht_zu", "keine"))


def test_hiding_answers_of_multi_choice_combinations() -> None:
    item = questionnaire().item("strategie.m")
    assert item is not None
    hiding = hiding_answers(item, Check(item.id, "any_of", options=("a",)))
    assert hiding.answers == ("trifft_nicht_zu", ("b",), ("c",), ("keines",), ("b", "c"))
    assert ("a", "keines") not in hiding_answers(item, Check(item.id, "none_of", options=("keines",))).answers  # not a valid answer


@pytest.mark.parametrize(
    ("check", "ranges"),
    [
        (Check("strategie.n", "min_value", 5), ((0, 4),)),
        (Check("strategie.n", "min_score", 60), ((0, 9),)),
        (Check("strategie.n", "max_score", 25), ((10, 1000),)),
    ],
)
def test_hiding_number_ranges(check: Check, ranges: tuple[tuple[int, int], ...]) -> None:
    item = questionnaire().item("strategie.n")
    assert item is not None
    assert hiding_answers(item, check) == Hiding(("trifft_nicht_zu",), ranges)
