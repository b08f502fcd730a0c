"""Radar series: one builder for the result page, the consultant's view, the briefing and the IKZ group."""

from __future__ import annotations

from collections.abc import Mapping

from scoring import score
from scoring.profile import Profile
from scoring.radar import (
    DASHES,
    MAX_SERIES,
    PALETTE,
    SELF_ASSESSED,
    SYMBOLS,
    Series,
    assessment_series,
    levels_of,
    line_style,
    radar_series,
)
from tests.unit.factory import all_answers, questionnaire

Q = questionnaire()
#: strategie all "mittel" (50 points: level 3), everything else "hoch" (level 5); kooperation all "Weiß nicht".
MIXED = {
    **all_answers(Q, "hoch"),
    **{i: v for i, v in all_answers(Q, "mittel").items() if i.startswith("strategie.")},
    **{i: "weiss_nicht" for i in all_answers(Q) if i.startswith("kooperation.")},
}


def test_values_follow_the_questionnaire_and_missing_areas_are_gaps() -> None:
    series = radar_series(Q, [("Ziel", {"technik": 4, "strategie": 2}), ("Median", {"organisation": 2.5})])
    assert series == [Series("Ziel", (2, None, None, None, 4)), Series("Median", (None, 2.5, None, None, None))]


def test_levels_of_a_profile_leave_unscored_areas_empty() -> None:
    profile = score(Q, MIXED)
    assert levels_of(profile) == {"strategie": 3, "organisation": 5, "kooperation": None, "kommunikation": 5, "technik": 5}


def test_assessment_series_self_then_validated_then_extra() -> None:
    profile = score(Q, MIXED)
    series = assessment_series(
        Q, profile, {"strategie": 4}, validated_name="Validiert", extra=[("Ziel in 2–3 Jahren", {"strategie": 5, "kooperation": 3})]
    )
    assert series == [
        Series(SELF_ASSESSED, (3, 5, None, 5, 5)),
        Series("Validiert", (4, None, None, None, None)),
        Series("Ziel in 2–3 Jahren", (5, None, 3, None, None)),
    ]


def test_no_validated_line_without_validated_levels() -> None:
    profile = score(Q, MIXED)
    assert [s.name for s in assessment_series(Q, profile, {}, validated_name="Validiert")] == [SELF_ASSESSED]


def test_line_styles_go_by_position_and_repeat_after_the_last() -> None:
    assert MAX_SERIES == len(PALETTE) == len(DASHES) == len(SYMBOLS) == 7
    assert line_style(0).symbol == "circle" and line_style(1).symbol == "square" and line_style(0).dash == "solid"
    assert line_style(MAX_SERIES) == line_style(0)


# Direct ports of HEAD's three builders (blueprints/assess.result, services/consult_review.radar_series,
# services/ikz.radar_series) on plain inputs, as the reference the one builder must match.


def _head_result_page(
    profile: Profile, validated: Mapping[str, int], targets: Mapping[str, int], references: list[tuple[str, Profile]]
) -> list[Series]:
    series = [Series("Selbsteinschätzung", tuple(a.level for a in profile.areas))]
    if validated:
        series.append(Series("Validiert (Beratung)", tuple(validated.get(a.id) for a in profile.areas)))
    if targets:
        series.append(Series("Ziel in 2–3 Jahren", tuple(targets.get(a.id) for a in profile.areas)))
    for label, reference_profile in references:
        series.append(Series(label, tuple(a.level for a in reference_profile.areas)))
    return series


def _head_consult(profile: Profile, validated: Mapping[str, int], overlays: list[tuple[str, tuple[float | None, ...]]]) -> list[Series]:
    series = [Series("Selbsteinschätzung", tuple(profile.area(a.id).level for a in Q.areas))]
    if validated:
        series.append(Series("Validiert", tuple(validated.get(a.id) for a in Q.areas)))
    series += [Series(label, values) for label, values in overlays]
    return series


PROFILES = [score(Q, MIXED), score(Q, all_answers(Q, "niedrig")), score(Q, {"technik.s0": "hoch"})]


def test_result_page_series_match_head() -> None:
    reference = score(Q, all_answers(Q, "mittel"))
    for profile in PROFILES:
        for validated, targets in (({}, {}), ({"technik": 2}, {"strategie": 4, "technik": 5})):
            extra = [("Ziel in 2–3 Jahren", targets)] if targets else []
            ours = assessment_series(
                Q, profile, validated, validated_name="Validiert (Beratung)", extra=[*extra, ("Gießen 2020", levels_of(reference))]
            )
            assert ours == _head_result_page(profile, validated, targets, [("Gießen 2020", reference)])


def test_consult_series_match_head() -> None:
    previous, median = PROFILES[1], {"strategie": 2.5, "technik": 3.0}
    for profile in PROFILES:
        validated = {"organisation": 3}
        overlays = [
            ("Vorrunde (Runde 1)", tuple(previous.area(a.id).level for a in Q.areas)),
            ("Median", tuple(median.get(a.id) for a in Q.areas)),
        ]
        ours = assessment_series(
            Q, profile, validated, validated_name="Validiert", extra=[("Vorrunde (Runde 1)", levels_of(previous)), ("Median", median)]
        )
        assert ours == _head_consult(profile, validated, overlays)
