"""Progress and missing items: any stored answer counts, "Weiß nicht" and "Trifft nicht zu" included."""

from __future__ import annotations

from scoring.answers import AnswerValue
from scoring.model import Questionnaire
from scoring.profile import unknown_items
from scoring.progress import AreaProgress, missing_items, progress
from tests.unit.factory import document, questionnaire

Q = questionnaire()


def _with_not_applicable() -> Questionnaire:
    areas = document()["areas"]
    areas[0]["items"][3]["not_applicable"] = True  # strategie.s3
    return questionnaire(areas=areas)


def test_nothing_answered() -> None:
    p = progress(Q, {})
    assert (p.answered, p.total, p.complete) == (0, 40, False)
    assert [(a.area_id, a.answered, a.total) for a in p.areas] == [(a, 0, 8) for a in Q.area_ids]
    assert missing_items(Q, {}) == [item.id for item in Q.items]


def test_special_answers_count_as_answered_and_none_does_not() -> None:
    q = _with_not_applicable()
    answers: dict[str, AnswerValue | None] = {
        "strategie.s0": "hoch",
        "strategie.s1": "weiss_nicht",
        "strategie.s2": None,
        "strategie.s3": "trifft_nicht_zu",
        "technik.n": 0,
        "technik.m": ("keines",),
    }
    p = progress(q, answers)
    assert p.areas[0] == AreaProgress("strategie", "Strategie", 3, 8)
    assert p.areas[-1] == AreaProgress("technik", "Technik", 2, 8)
    assert (p.answered, p.total) == (5, 40)
    missing = missing_items(q, answers)
    assert missing[:5] == ["strategie.s2", "strategie.s4", "strategie.s5", "strategie.n", "strategie.m"]
    assert len(missing) == 35 and "technik.n" not in missing and "strategie.s1" not in missing


def test_complete_when_every_item_has_an_answer() -> None:
    answers: dict[str, AnswerValue | None] = {item.id: "weiss_nicht" for item in Q.items}
    assert progress(Q, answers).complete and missing_items(Q, answers) == []


def test_unknown_items_are_the_weiss_nicht_answers_in_questionnaire_order() -> None:
    answers: dict[str, AnswerValue] = {
        "technik.s1": "weiss_nicht",
        "strategie.n": "weiss_nicht",
        "strategie.s0": "niedrig",
        "kooperation.m": ("a",),
    }
    assert [i.id for i in unknown_items(Q, answers)] == ["strategie.n", "technik.s1"]
