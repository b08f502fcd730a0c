"""Progress and missing items: any stored answer counts, "Weiß nicht" and "Trifft nicht zu" included."""

from __future__ import annotations

from scoring.answers import AnswerValue
from scoring.model import Questionnaire
from scoring.profile import unknown_items
from scoring.progress import DECIDE_SECONDS, AreaProgress, duration_minutes, figures_to_look_up, first_open_area, missing_items, progress
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


def test_resume_at_the_first_area_with_an_open_question() -> None:
    answers: dict[str, AnswerValue] = {item.id: "hoch" for item in Q.items if item.type == "single"}
    answers.update({f"{a}.n": 3 for a in ("strategie", "organisation")})
    answers.update({f"{a}.m": ("a",) for a in ("strategie", "organisation")})
    assert first_open_area(progress(Q, answers)) == "kooperation"  # strategie and organisation are complete
    answers.update({f"{a.id}.n": 1 for a in Q.areas} | {f"{a.id}.m": ("keines",) for a in Q.areas})
    assert first_open_area(progress(Q, answers)) is None  # all answered: the review page comes next
    assert first_open_area(progress(Q, {})) == "strategie"


def test_duration_estimate_reasoned_from_the_factory_text() -> None:
    """Per area: six single items of 2 words + 3 option words, a number item of 2 words,
    a multi item of 1 + 4 words = 37 words; five areas = 185 words = 74 s at 150 wpm.
    40 questions x 20 s = 800 s, five number questions x 60 s = 300 s: 1174 s = 19.6 min -> 20."""
    assert duration_minutes(Q) == 20
    assert [item.id for item in figures_to_look_up(Q)] == [f"{a.id}.n" for a in Q.areas]


def test_duration_estimate_of_the_shipped_questionnaire_is_plausible() -> None:
    from scoring import Library

    q = Library.load().latest
    minutes = duration_minutes(q)
    assert minutes % 5 == 0 and len(q.items) * DECIDE_SECONDS / 60 < minutes < len(q.items) * 2
