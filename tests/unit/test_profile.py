"""Every rule of the scoring model, on a small hand-made questionnaire."""

from __future__ import annotations

import pytest

from scoring import AnswerError, score
from scoring.content import parse_questionnaire
from scoring.profile import level_for_score
from tests.unit.factory import all_answers, document, questionnaire

Q = questionnaire()


@pytest.mark.parametrize(
    ("points", "level"),
    [(0, 1), (19.9, 1), (20, 2), (39.99, 2), (40, 3), (59.9, 3), (60, 4), (79.9, 4), (80, 5), (100, 5)],
)
def test_thresholds(points, level) -> None:
    assert level_for_score(Q, points) == level


def test_all_best_answers_reach_level_5_everywhere() -> None:
    profile = score(Q, all_answers(Q, "hoch"))
    assert [a.level for a in profile.areas] == [5] * 5
    assert all(a.score == 100 for a in profile.areas)
    assert profile.overall.level == 5 and profile.overall.name == "Vorreiter"
    assert not profile.overall.provisional


def test_weighted_mean() -> None:
    doc = document()
    doc["areas"][0]["items"][0]["weight"] = 3
    q = parse_questionnaire(doc, "t.yaml")
    answers = all_answers(q, "niedrig")
    answers["strategie.s0"] = "hoch"  # weight 3 of total 10
    assert score(q, answers).area("strategie").score == 30.0


def test_dont_know_is_unanswered_not_zero() -> None:
    answers = all_answers(Q, "hoch")
    answers["strategie.s0"] = "weiss_nicht"
    area = score(Q, answers).area("strategie")
    assert area.score == 100
    assert area.coverage == pytest.approx(7 / 8, abs=1e-3)
    assert area.unknown == ("strategie.s0",)


def test_not_applicable_leaves_item_out() -> None:
    doc = document()
    doc["areas"][2]["items"][0]["not_applicable"] = True
    q = parse_questionnaire(doc, "t.yaml")
    answers = all_answers(q, "hoch")
    answers["kooperation.s0"] = "trifft_nicht_zu"
    area = score(q, answers).area("kooperation")
    assert area.score == 100 and area.coverage == 1.0
    assert area.applicable == 7 and area.total == 8


def test_not_applicable_refused_where_not_offered() -> None:
    answers = all_answers(Q, "hoch")
    answers["strategie.s0"] = "trifft_nicht_zu"
    with pytest.raises(AnswerError) as info:
        score(Q, answers)
    assert info.value.item_id == "strategie.s0"


def test_low_coverage_gives_provisional_level_not_hidden() -> None:
    answers = {"strategie.s0": "hoch", "strategie.s1": "hoch", "strategie.s2": "weiss_nicht"}
    area = score(Q, answers).area("strategie")
    assert area.level == 5 and area.provisional
    assert area.coverage == 0.25
    assert any(r.kind == "unknown" and "vorläufig" in r.text for r in area.reasons)


def test_high_coverage_is_provisional_when_the_open_answer_can_move_the_level() -> None:
    answers = all_answers(Q, "hoch")
    answers |= {"strategie.s0": "weiss_nicht", "strategie.s1": "mittel", "strategie.s2": "mittel"}
    area = score(Q, answers).area("strategie")
    assert area.coverage == 7 / 8  # above coverage_min 0.7
    # as given (2 x 50 + 5 x 100) / 7 = 86 points; the open item at 0: 600 / 8 = 75, at 100: 700 / 8 = 87.5
    assert (area.level, area.level_min, area.level_max) == (5, 4, 5)
    assert area.provisional
    assert any(r.kind == "unknown" and "zwischen 4 und 5" in r.text for r in area.reasons)


def test_low_coverage_is_firm_when_no_open_answer_can_move_the_level() -> None:
    answers = all_answers(Q, "hoch")
    answers["technik.s0"] = "mittel"  # no ISMS: capped at 3
    answers |= {"technik.s1": "weiss_nicht", "technik.s2": "weiss_nicht", "technik.s3": "weiss_nicht"}
    area = score(Q, answers).area("technik")
    assert area.coverage == 5 / 8  # under coverage_min 0.7
    # at worst (50 + 4 x 100) / 8 = 56 points, level 3; at best capped at 3
    assert (area.level, area.level_min, area.level_max) == (3, 3, 3)
    assert not area.provisional
    assert any(r.kind == "unknown" and "ändern die Stufe nicht" in r.text for r in area.reasons)


def test_area_without_answers_has_no_level() -> None:
    profile = score(
        Q,
        all_answers(Q, "hoch")
        | {f"strategie.s{i}": "weiss_nicht" for i in range(6)}
        | {"strategie.n": "weiss_nicht", "strategie.m": "weiss_nicht"},
    )
    area = profile.area("strategie")
    assert area.score is None and area.level is None and area.provisional
    assert profile.overall.provisional and profile.overall.level == 5


def test_gate_caps_level_and_explains() -> None:
    answers = all_answers(Q, "hoch")
    answers["technik.s0"] = "mittel"  # 50 < 75: no ISMS
    area = score(Q, answers).area("technik")
    assert area.score == pytest.approx(93.8, abs=0.1)
    assert area.score_level == 5 and area.level == 3
    assert any(r.kind == "gate" and "Ohne ISMS" in r.text for r in area.reasons)
    assert area.lift.to_level == 4
    assert [s.item for s in area.lift.steps] == ["technik.s0"]
    assert area.lift.steps[0].to_option == "hoch"


def test_gate_with_unknown_answer_stays_closed() -> None:
    answers = all_answers(Q, "hoch")
    answers["technik.s0"] = "weiss_nicht"
    assert score(Q, answers).area("technik").level == 3


def test_gate_does_not_lower_levels_below_cap() -> None:
    answers = all_answers(Q, "niedrig")
    area = score(Q, answers).area("technik")
    assert area.level == 1 and not any(r.kind == "gate" for r in area.reasons)


def test_number_bands() -> None:
    base = all_answers(Q, "hoch")
    for value, expected in [(0, 0), (1, 25), (9, 25), (10, 60), (49, 60), (50, 100), (1000, 100)]:
        answers = dict(base, **{"strategie.n": value})
        points = score(Q, answers).area("strategie").score
        assert points == pytest.approx((700 + expected) / 8, abs=0.05), value


def test_multi_sums_and_caps_at_100() -> None:
    base = all_answers(Q, "hoch")
    for chosen, expected in [(["a"], 40), (["a", "b"], 80), (["a", "b", "c"], 100), (["keines"], 0)]:
        points = score(Q, dict(base, **{"strategie.m": chosen})).area("strategie").score
        assert points == pytest.approx((700 + expected) / 8, abs=0.05)


def test_exclusive_option_cannot_be_combined() -> None:
    with pytest.raises(AnswerError, match="kombinieren"):
        score(Q, {"strategie.m": ["a", "keines"]})


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        ({"strategie.gibtsnicht": "hoch"}, "unbekannte Frage"),
        ({"strategie.s0": "sehr_hoch"}, "unbekannte Option"),
        ({"strategie.s0": 3}, "erwartet eine Option"),
        ({"strategie.n": "viele"}, "ganze Zahl"),
        ({"strategie.n": 2.5}, "ganze Zahl"),
        ({"strategie.n": -1}, "zwischen 0 und 1000"),
        ({"strategie.n": True}, "ganze Zahl"),
        ({"strategie.m": [1, 2]}, "Liste"),
        ({"strategie.m": ["x"]}, "unbekannte Option"),
    ],
)
def test_bad_answers_name_the_item(answers, fragment) -> None:
    with pytest.raises(AnswerError) as info:
        score(Q, answers)
    assert fragment in info.value.message
    assert info.value.item_id == next(iter(answers))


def test_overall_is_capped_one_above_weakest_area() -> None:
    answers = all_answers(Q, "hoch")
    for item in Q.area("kooperation").items:
        answers[item.id] = {"number": 0, "multi": ["keines"]}.get(item.type, "niedrig")
    profile = score(Q, answers)
    assert profile.area("kooperation").level == 1
    assert profile.overall.score == 80.0  # mean of 100,100,0,100,100 → level 5 by score
    assert profile.overall.level == 2


def test_lift_reaches_next_level_when_applied() -> None:
    answers = all_answers(Q, "mittel")
    profile = score(Q, answers)
    area = profile.area("organisation")
    assert area.level == 3 and area.lift.to_level == 4 and area.lift.reachable
    improved = dict(answers)
    for step in area.lift.steps:
        item = Q.item(step.item)
        if item.type == "multi":
            improved[step.item] = (
                list(improved[step.item]) + [step.to_option] if step.to_option not in improved[step.item] else improved[step.item]
            )
        elif item.type == "number":
            improved[step.item] = int(step.to_option)
        else:
            improved[step.item] = step.to_option
    assert score(Q, improved).area("organisation").level >= 4


def test_weak_items_are_named_as_reasons() -> None:
    answers = all_answers(Q, "hoch")
    answers["kommunikation.s3"] = "niedrig"
    reasons = score(Q, answers).area("kommunikation").reasons
    assert reasons[0].kind == "score"
    assert reasons[1].kind == "weak_item" and reasons[1].item == "kommunikation.s3"


def test_level_5_has_nothing_to_lift() -> None:
    area = score(Q, all_answers(Q, "hoch")).area("strategie")
    assert area.lift.to_level is None and not area.lift.reachable
