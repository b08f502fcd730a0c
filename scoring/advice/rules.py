"""The small rule vocabulary every advice part shares.

Module plans, funding checklists and measures all ask the same questions of an
assessment: is this item weak, does this answer meet a condition, and is a date
still ahead of the assessment date. Answering them in one place keeps the three
parts consistent (an unanswered item is never weak and never meets a condition).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from scoring.advice.catalogue import Weakness
from scoring.answers import AnswerValue, answer_label, item_score
from scoring.conditions import CheckStatus, check_status
from scoring.model import DONT_KNOW, Check, Questionnaire
from scoring.profile import Profile

#: A deadline this close (in days, inclusive) is reported as "closing".
CLOSING_DAYS = 90

DateState = Literal["upcoming", "open", "closing", "ended", "unknown"]


@dataclass(frozen=True)
class WeakItem:
    """An answered item whose score is below what a module, programme or measure asks."""

    item: str
    area: str
    text: str
    answer: str
    score: float
    below: float


@dataclass(frozen=True)
class DateStatus:
    """Where a period stands on the assessment date.

    `date` is the date the state refers to: when it opens (upcoming), its last day
    (open, closing) or the day it ended (ended); None when the source gives none.
    """

    state: DateState
    date: date | None
    days_left: int | None


class ItemFacts:
    """Answers and item scores of one assessment, read by the advice rules."""

    def __init__(self, questionnaire: Questionnaire, profile: Profile):
        if profile.questionnaire != questionnaire.version:
            raise ValueError(f"Profil zu Fragebogen {profile.questionnaire}, nicht {questionnaire.version}")
        self.questionnaire = questionnaire
        self.answers = profile.answers
        self.scores = {item.id: item_score(item, profile.answers.get(item.id)) for item in questionnaire.items}

    def value(self, item_id: str) -> AnswerValue | None:
        return self.answers.get(item_id)

    def score(self, item_id: str) -> float | None:
        """The item score, or None when unanswered, "Weiß nicht" or "Trifft nicht zu"."""
        value = self.scores.get(item_id)
        return value if isinstance(value, float) else None

    def label(self, item_id: str) -> str:
        item = self.questionnaire.item(item_id)
        assert item is not None
        return answer_label(item, self.value(item_id))

    def weak(self, rules: tuple[Weakness, ...]) -> tuple[WeakItem, ...]:
        """The rules' items that are answered below their threshold, in rule order."""
        found: list[WeakItem] = []
        for rule in rules:
            score = self.score(rule.item)
            if score is not None and score < rule.below - 1e-9:
                item = self.questionnaire.item(rule.item)
                assert item is not None
                found.append(WeakItem(item.id, item.area_id, item.text, self.label(item.id), score, rule.below))
        return tuple(found)

    def unanswered(self, rules: tuple[Weakness, ...]) -> tuple[str, ...]:
        """The rules' items left open or answered "Weiß nicht": they can neither call for nor rule out."""
        return tuple(r.item for r in rules if self.value(r.item) in (None, DONT_KNOW))

    def check(self, rule: Check) -> CheckStatus:
        return check_status(rule, self.value(rule.item), self.scores.get(rule.item))

    def number(self, item_id: str) -> int | None:
        value = self.value(item_id)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def status_on(as_of: date, start: date | None, last: date | None) -> DateStatus:
    """Open, closing within CLOSING_DAYS, ended on a date, upcoming, or unknown without dates."""
    if start is not None and as_of < start:
        return DateStatus("upcoming", start, None)
    if last is None:
        return DateStatus("unknown", None, None)
    days_left = (last - as_of).days
    if days_left < 0:
        return DateStatus("ended", last, None)
    return DateStatus("closing" if days_left <= CLOSING_DAYS else "open", last, days_left)
