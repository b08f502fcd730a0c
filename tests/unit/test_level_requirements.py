"""Levels match their descriptions (questionnaire 2026.2): each level states, per area, the
conditions its description makes (`requires`), a gate enforces each, and no answer set reaches
a level whose stated conditions its answers contradict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import ContentError, Library, check_answers, score, score_checked
from scoring.conditions import answer_status
from scoring.model import Check, Questionnaire
from tests.unit.factory import best_answers
from tests.unit.test_properties import answer_for

Q = Library.load().get("2026.2")


def answer_sets(q: Questionnaire) -> st.SearchStrategy[dict[str, Any]]:
    """Any answers: each item unanswered, "Weiß nicht", "Trifft nicht zu" where offered, or any own answer."""
    return st.fixed_dictionaries({}, optional={item.id: answer_for(item) for item in q.items})


def contradicted(q: Questionnaire, answers: dict[str, Any], area_id: str, level: int) -> list[str]:
    """The stated conditions of levels up to `level` for this area that the answers contradict."""
    found = []
    for spec in q.levels[:level]:
        for req in spec.requires:
            item = q.item(req.item)
            assert item is not None
            if req.area == area_id and answer_status(item, Check(item.id, "min_score", req.min_score), answers.get(item.id)) == "not_met":
                found.append(f"Stufe {spec.level}: {req.clause}")
    return found


@settings(max_examples=400, deadline=None)
@given(answer_sets(Q))
def test_no_answers_reach_a_level_whose_stated_conditions_they_contradict(raw: dict[str, Any]) -> None:
    profile = score(Q, raw)
    for area in profile.areas:
        if area.level is not None:
            assert contradicted(Q, profile.answers, area.id, area.level) == [], (area.id, area.level)


def test_the_best_answers_reach_level_5_everywhere() -> None:
    """The conditions are reachable: the property above is not met by capping everything."""
    assert [a.level for a in score(Q, best_answers(Q)).areas] == [5] * 5


def lowest_answer(item: Any) -> Any:
    if item.type == "number":
        return item.min
    if item.type == "multi":
        return [next(o.id for o in item.options if o.exclusive)]
    return item.ranked_options[0].id


@pytest.mark.parametrize(
    ("level", "requirement"), [(spec.level, req) for spec in Q.levels for req in spec.requires], ids=lambda v: getattr(v, "item", str(v))
)
def test_each_stated_condition_caps_the_area_when_it_fails(level: int, requirement: Any) -> None:
    item = Q.item(requirement.item)
    assert item is not None
    profile = score_checked(Q, check_answers(Q, {**best_answers(Q), item.id: lowest_answer(item)}))
    assert profile.area(requirement.area).level < level  # type: ignore[operator]


@pytest.mark.parametrize(
    ("changes", "area", "below"),
    [
        # the cases: Technik 4 and 5 without online services; Kooperation 5 without a binding agreement
        ({"technik.online_dienste": 0}, "technik", 4),
        ({"kooperation.ikz_vereinbarung": "projekte"}, "kooperation", 5),
        ({"kooperation.ratsbeschluss": "nein"}, "kooperation", 5),
        ({"kommunikation.nutzertests": "intern"}, "kommunikation", 4),
    ],
)
def test_the_level_descriptions_hold_in_the_cases_the_audit_found(changes: dict[str, Any], area: str, below: int) -> None:
    assert score(Q, {**best_answers(Q), **changes}).area(area).level < below  # type: ignore[operator]


def test_a_stated_condition_without_a_gate_is_refused(tmp_path: Path) -> None:
    text = Path(Q.path).read_text(encoding="utf-8")
    broken = text.replace(
        "      - {item: technik.online_reife, min_score: 65}\n", "      - {item: technik.online_reife, min_score: 35}\n", 1
    )
    assert broken != text
    path = tmp_path / "digicheck-2026.2.yaml"
    path.write_text(broken, encoding="utf-8")
    from scoring.content import load_questionnaire

    with pytest.raises(ContentError, match=r"keine Regel \(gates\) setzt „arbeitet weitgehend medienbruchfrei“ durch"):
        load_questionnaire(path)
