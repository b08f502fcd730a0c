"""The level range of "Weiß nicht" (scoring.ranges): properties for any answers, and the rules by example."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import score
from scoring.model import DONT_KNOW, NOT_APPLICABLE, Item, Questionnaire
from scoring.profile import Profile, questions_to_clarify
from scoring.ranges import LevelRange
from tests.unit.factory import all_answers, questionnaire
from tests.unit.test_properties import QUESTIONNAIRES, answer_for

Q = questionnaire()


def own_answer(item: Item) -> st.SearchStrategy:
    """An answer of the item's own: no "Weiß nicht", no "Trifft nicht zu"."""
    if item.type == "number":
        return st.integers(min_value=item.min, max_value=item.max)
    if item.type == "multi":
        plain = [o.id for o in item.options if not o.exclusive]
        exclusive = [[o.id] for o in item.options if o.exclusive]
        own = st.lists(st.sampled_from(plain), min_size=1, unique=True)
        return own | st.sampled_from(exclusive) if exclusive else own
    return st.sampled_from([o.id for o in item.options])


@st.composite
def answered(draw, *, open_answers: bool = True):
    """A questionnaire and answers to it; some items left out (unanswered) when `open_answers`."""
    q = draw(st.sampled_from(QUESTIONNAIRES))
    answers = {}
    for item in q.items:
        if open_answers and draw(st.integers(0, 9)) == 0:
            continue
        answers[item.id] = draw(answer_for(item) if open_answers else own_answer(item))
    return q, answers


def ranges(profile: Profile) -> list[tuple[str, LevelRange, int | None]]:
    rows = [(a.id, LevelRange(a.level_min, a.level_max), a.level) for a in profile.areas]
    return [*rows, ("overall", LevelRange(profile.overall.level_min, profile.overall.level_max), profile.overall.level)]


@settings(max_examples=80, deadline=None)
@given(answered())
def test_lowest_level_highest(data) -> None:
    q, answers = data
    profile = score(q, answers)
    for _, span, level in ranges(profile):
        if span.low is not None and span.high is not None:
            assert 1 <= span.low <= span.high <= 5
        if level is not None:
            assert span.low is not None and span.high is not None and span.low <= level <= span.high
    for area in profile.areas:
        assert area.provisional == (area.level is None or area.level_min != area.level_max)


@settings(max_examples=60, deadline=None)
@given(answered(open_answers=False))
def test_no_open_answers_give_a_one_level_range(data) -> None:
    q, answers = data
    profile = score(q, answers)
    for name, span, level in ranges(profile):
        assert (span.low, span.high) == (level, level), name
    assert not any(a.provisional for a in profile.areas) and not profile.overall.provisional


@settings(max_examples=80, deadline=None)
@given(answered(), st.data())
def test_dont_know_never_raises_the_lower_end_nor_lowers_the_upper_end(data, draw) -> None:
    q, answers = data
    given_ = [item_id for item_id, value in answers.items() if value not in (DONT_KNOW, NOT_APPLICABLE)]
    if not given_:
        return
    item_id = draw.draw(st.sampled_from(given_))
    before = score(q, answers)
    after = score(q, {**answers, item_id: DONT_KNOW})
    for (name, old, _), (_, new, _) in zip(ranges(before), ranges(after), strict=True):
        if old.low is None or new.low is None:
            continue
        assert new.low <= old.low, (name, item_id)
        assert new.high is not None and old.high is not None and new.high >= old.high, (name, item_id)


def open_items(q: Questionnaire, profile: Profile) -> list[Item]:
    return [item for item in q.items if profile.answers.get(item.id) in (None, DONT_KNOW)]


@settings(max_examples=80, deadline=None)
@given(answered(), st.data())
def test_every_way_of_answering_the_open_items_lies_in_the_range(data, draw) -> None:
    q, answers = data
    profile = score(q, answers)
    completed = dict(answers)
    for item in open_items(q, profile):
        completed[item.id] = draw.draw(own_answer(item))
    result = score(q, completed)
    for (name, span, _), (_, _, level) in zip(ranges(profile), ranges(result), strict=True):
        if level is not None:
            assert span.low is not None and span.high is not None and span.low <= level <= span.high, name


@settings(max_examples=60, deadline=None)
@given(answered())
def test_questions_to_clarify_are_open_and_named_exactly_where_the_level_can_move(data) -> None:
    q, answers = data
    profile = score(q, answers)
    clarify = questions_to_clarify(profile, q)
    assert set(clarify) == set(q.area_ids)
    still_open = {item.id for item in open_items(q, profile)}
    for area in profile.areas:
        assert set(clarify[area.id]) <= still_open
        if area.level_min is not None and area.level_min != area.level_max:
            assert clarify[area.id], area.id


# --- the rules by example, on the small questionnaire of tests/unit/factory.py --------------


def test_dont_know_no_longer_pays_better_than_an_honest_low_answer() -> None:
    """Issue 14: turning the worst answers into "Weiß nicht" lifts the level as given, but the
    range keeps the honest lower end and marks the level provisional."""
    answers = all_answers(Q, "hoch") | {"strategie.s0": "niedrig", "strategie.s1": "niedrig", "strategie.s2": "niedrig"}
    honest = score(Q, answers).area("strategie")
    # (3 x 0 + 5 x 100) / 8 = 62.5 points
    assert (honest.level, honest.level_min, honest.level_max, honest.provisional) == (4, 4, 4, False)
    hidden = score(Q, answers | {f"strategie.s{i}": "weiss_nicht" for i in range(3)}).area("strategie")
    # 100 points from the 5 answered, but 62.5 with the three open at their lowest, 100 at their highest
    assert (hidden.level, hidden.level_min, hidden.level_max, hidden.provisional) == (5, 4, 5, True)


def test_open_gate_item_spans_the_capped_and_the_uncapped_level() -> None:
    answers = all_answers(Q, "hoch") | {"technik.s0": "weiss_nicht"}
    area = score(Q, answers).area("technik")
    assert (area.level, area.level_min, area.level_max) == (3, 3, 5)  # the gate: no ISMS known, at most 3
    assert questions_to_clarify(score(Q, answers), Q)["technik"] == ("technik.s0",)


def test_unanswered_counts_as_open_like_dont_know() -> None:
    answers = all_answers(Q, "hoch")
    del answers["technik.s0"]
    area = score(Q, answers).area("technik")
    assert (area.level, area.level_min, area.level_max) == (3, 3, 5)


def test_questions_to_clarify_leave_out_what_cannot_move_the_level() -> None:
    answers = all_answers(Q, "hoch") | {"technik.s0": "mittel", "technik.s1": "weiss_nicht", "technik.s2": "weiss_nicht"}
    profile = score(Q, answers)
    assert profile.area("technik").level_min == profile.area("technik").level_max == 3
    assert questions_to_clarify(profile, Q)["technik"] == ()


def test_overall_range_follows_the_overall_rule_at_both_ends() -> None:
    # every area at 100 points except strategie, which is all open: at worst 0 points, level 1
    answers = all_answers(Q, "hoch") | {item.id: "weiss_nicht" for item in Q.area("strategie").items}
    overall = score(Q, answers).overall
    # as given: mean of four areas at 100, level 5; at worst mean 80 but at most one above level 1
    assert (overall.level, overall.level_min, overall.level_max, overall.provisional) == (5, 2, 5, True)
