"""Plan and profile together (issue 16): what a round changed beside what the Maßnahmenplan got done.

Pure domain: plan entries come in as `PlanWork` (no database), profiles and answers as `scoring`
gives them. The result page of a later round shows per area "Stufe 2 → 3; erledigt: …" and the
items whose answers changed, each with the plan entries linked to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from scoring.answers import AnswerValue, answer_label
from scoring.model import Questionnaire


@dataclass(frozen=True)
class PlanWork:
    """A plan entry as the comparison needs it: its area, title, linked items and whether it is closed."""

    title: str
    area_id: str
    item_ids: tuple[str, ...] = ()
    status_label: str = ""


@dataclass(frozen=True)
class AreaProgress:
    """One area: its level in the previous round and now, and the entries done meanwhile."""

    area_id: str
    area_name: str
    before: int | None
    after: int | None
    done: tuple[str, ...]

    @property
    def direction(self) -> str:
        """ "up", "down", "same", or "" when either level is not known."""
        if self.before is None or self.after is None:
            return ""
        return "up" if self.after > self.before else "down" if self.after < self.before else "same"

    @property
    def text(self) -> str:
        """ "Stufe 2 → 3; erledigt: E-Akte-Pilot Bürgerbüro, Fortbildungskonzept"."""
        levels = f"Stufe {_level(self.before)} → {_level(self.after)}"
        return f"{levels}; erledigt: {', '.join(self.done)}" if self.done else levels


@dataclass(frozen=True)
class ChangedItem:
    """An item whose answer differs from the previous round, with the plan entries linked to it."""

    item_id: str
    area_id: str
    text: str
    before: str
    after: str
    entries: tuple[PlanWork, ...]


def _level(level: int | None) -> str:
    return str(level) if level is not None else "–"


def area_progress(
    q: Questionnaire, before: Mapping[str, int | None], after: Mapping[str, int | None], done: Sequence[PlanWork]
) -> list[AreaProgress]:
    """Per area of `q`, in its order: the level change and the titles of the entries done in that area."""
    return [
        AreaProgress(
            area.id,
            area.name,
            before.get(area.id),
            after.get(area.id),
            tuple(work.title for work in done if work.area_id == area.id),
        )
        for area in q.areas
    ]


def changed_items(
    q: Questionnaire,
    previous_q: Questionnaire,
    before: Mapping[str, AnswerValue],
    after: Mapping[str, AnswerValue],
    entries: Sequence[PlanWork],
    comparable: Mapping[str, str] | None = None,
) -> list[ChangedItem]:
    """The items of `q` whose answer differs from the previous round's, in questionnaire order.

    `comparable` maps an item of `q` to the item of `previous_q` it continues (another questionnaire
    version); None: the same version, every item is its own predecessor. Items without a predecessor
    are not compared. An entry is linked to an item when it names the item among its linked items.
    """
    changed = []
    for item in q.items:
        previous_id = item.id if comparable is None else comparable.get(item.id)
        previous_item = previous_q.item(previous_id) if previous_id is not None else None
        if previous_item is None:
            continue
        old_label = answer_label(previous_item, before.get(previous_item.id))
        new_label = answer_label(item, after.get(item.id))
        if old_label == new_label:
            continue
        linked = tuple(work for work in entries if item.id in work.item_ids)
        changed.append(ChangedItem(item.id, item.area_id, item.text, old_label, new_label, linked))
    return changed


def is_overdue(due_on: date | None, closed: bool, today: date) -> bool:
    """An open entry whose due date has passed (today is the local day, Europe/Berlin)."""
    return due_on is not None and not closed and due_on < today
