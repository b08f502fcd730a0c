"""Properties that must hold for any answers: bounded scores, monotone improvement."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import score
from scoring.library import Library
from scoring.model import DONT_KNOW, NOT_APPLICABLE, Item, Questionnaire
from tests.unit.factory import questionnaire

FACTORY = questionnaire()


def _shipped() -> list[Questionnaire]:
    try:
        return list(Library.load().versions.values())
    except Exception:
        return []


QUESTIONNAIRES = [FACTORY, *_shipped()]


def answer_for(item: Item) -> st.SearchStrategy:
    specials = st.sampled_from(item.special_answers)
    if item.type == "number":
        own = st.integers(min_value=item.min, max_value=item.max)
    elif item.type == "multi":
        plain = [o.id for o in item.options if not o.exclusive]
        exclusive = [[o.id] for o in item.options if o.exclusive]
        own = st.lists(st.sampled_from(plain), min_size=1, unique=True)
        if exclusive:
            own = own | st.sampled_from(exclusive)
    else:
        own = st.sampled_from([o.id for o in item.options])
    return st.one_of(own, specials)


@st.composite
def questionnaire_and_answers(draw):
    q = draw(st.sampled_from(QUESTIONNAIRES))
    answers = {}
    for item in q.items:
        answers[item.id] = draw(answer_for(item))
    return q, answers


@settings(max_examples=200, deadline=None)
@given(questionnaire_and_answers())
def test_scores_stay_between_0_and_100(data) -> None:
    q, answers = data
    profile = score(q, answers)
    for area in profile.areas:
        assert area.score is None or 0 <= area.score <= 100
        assert area.level is None or 1 <= area.level <= 5
        assert 0 <= area.coverage <= 1
    assert profile.overall.score is None or 0 <= profile.overall.score <= 100


def better_answers(item: Item, value):
    """Answers to `item` that score strictly higher than `value` (scored answers only)."""
    from scoring.answers import check_answer, item_score

    value = check_answer(item, value)
    current = item_score(item, value)
    if not isinstance(current, float):
        return []
    if item.type == "number":
        candidates = [b.min for b in item.bands] + [item.max]
    elif item.type == "multi":
        chosen = [v for v in value if not item.option(v).exclusive]
        candidates = [chosen + [o.id] for o in item.options if o.id not in chosen and not o.exclusive]
    else:
        candidates = [o.id for o in item.options]
    return [c for c in candidates if item_score(item, check_answer(item, c)) > current]


@settings(max_examples=200, deadline=None)
@given(questionnaire_and_answers(), st.data())
def test_improving_one_answer_never_lowers_score_or_level(data, draw) -> None:
    q, answers = data
    improvable = [(item, better_answers(item, answers[item.id])) for item in q.items if answers[item.id] not in (DONT_KNOW, NOT_APPLICABLE)]
    improvable = [(item, better) for item, better in improvable if better]
    if not improvable:
        return
    item, better = draw.draw(st.sampled_from(improvable))
    new_value = draw.draw(st.sampled_from(better))
    before = score(q, answers)
    after = score(q, dict(answers, **{item.id: new_value}))
    for old, new in zip(before.areas, after.areas, strict=True):
        assert (new.score or 0) >= (old.score or 0) - 1e-9
        assert (new.level or 0) >= (old.level or 0)
    assert (after.overall.level or 0) >= (before.overall.level or 0)
