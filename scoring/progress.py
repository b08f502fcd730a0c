"""How far an assessment is: answered items per area and overall, and what is still missing.

Answered means any stored answer, "Weiß nicht" and "Trifft nicht zu" included: the
person has been through the question, and a round can be submitted once every item
has an answer. An item its `applies_if` hides is not asked and counts as answered, like
"Trifft nicht zu" (scoring.conditions). (Scoring is stricter: "Weiß nicht" counts as unanswered there, and the
list of those answers is `scoring.profile.unknown_items`.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.answers import AnswerValue
from scoring.conditions import hidden_items
from scoring.model import Item, Questionnaire

#: Answers as stored: item id -> value; a missing or None value is unanswered.
StoredAnswers = Mapping[str, AnswerValue | None]


@dataclass(frozen=True)
class AreaProgress:
    area_id: str
    name: str
    answered: int
    total: int


@dataclass(frozen=True)
class Progress:
    """Answered items per area (questionnaire order) and overall."""

    areas: tuple[AreaProgress, ...]
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def is_answered(item: Item, answers: StoredAnswers, hidden: frozenset[str] = frozenset()) -> bool:
    """Answered, or hidden (`hidden_items`): not asked, so not open."""
    return answers.get(item.id) is not None or item.id in hidden


def progress(q: Questionnaire, answers: StoredAnswers) -> Progress:
    hidden = hidden_items(q, answers)
    areas = tuple(
        AreaProgress(area.id, area.name, sum(1 for item in area.items if is_answered(item, answers, hidden)), len(area.items))
        for area in q.areas
    )
    return Progress(areas, sum(a.answered for a in areas), sum(a.total for a in areas))


def missing_items(q: Questionnaire, answers: StoredAnswers) -> list[str]:
    """Ids of the items without an answer, in questionnaire order: what blocks submitting."""
    hidden = hidden_items(q, answers)
    return [item.id for item in q.items if not is_answered(item, answers, hidden)]


def first_open_area(p: Progress) -> str | None:
    """Where a person resumes: the first area (questionnaire order) with a question still open;
    None when every question has an answer (the next step is the review page)."""
    return next((a.area_id for a in p.areas if a.answered < a.total), None)


#: Reading speed for the duration estimate, words per minute: a careful reading of
#: administrative German, slower than the 200-250 often given for fiction.
READING_WPM = 150
#: Seconds per question to decide, on top of reading it and its options.
DECIDE_SECONDS = 20
#: Seconds more for a number question: the figure has to be looked up or asked for.
LOOKUP_SECONDS = 60


def duration_minutes(q: Questionnaire) -> int:
    """About how long one person needs for the whole questionnaire, in minutes rounded up to
    five: every question and option read at `READING_WPM`, `DECIDE_SECONDS` per question and
    `LOOKUP_SECONDS` more per number question. An estimate from the text, stated as "etwa"."""
    words = 0
    seconds = 0.0
    for item in q.items:
        words += len(item.text.split()) + sum(len(o.label.split()) for o in item.options)
        seconds += DECIDE_SECONDS + (LOOKUP_SECONDS if item.kind.is_figure else 0)
    seconds += words / READING_WPM * 60
    minutes = -(-seconds // 60)
    return int(-(-minutes // 5) * 5)


def figures_to_look_up(q: Questionnaire) -> tuple[Item, ...]:
    """The number questions: the figures worth having at hand before starting."""
    return tuple(item for item in q.items if item.kind.is_figure)
