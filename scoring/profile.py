"""Score checked answers into an explainable Reifegrad profile.

The model, in words (docs/scoring.md has the long form):
- an area's score is the weighted mean of the item scores (0-100) of its answered
  items; "Weiß nicht" counts as unanswered, "Trifft nicht zu" leaves the item out;
- the level follows from the questionnaire's score thresholds, then gating rules
  cap it where a precondition (e.g. an ISMS) is missing;
- a level is provisional when fewer than `coverage_min` of the applicable items
  are answered;
- an item hidden by its `applies_if` (not asked) counts as "Trifft nicht zu";
- overall: the mean of the area scores gives a level, capped at one above the
  weakest area, because maturity needs all areas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.answers import EXCLUDED, Answers, AnswerValue, answer_label, check_answers, item_score
from scoring.conditions import applicable_answers
from scoring.item_kinds import Step
from scoring.model import DONT_KNOW, Area, Gate, Item, Questionnaire

#: How many weak items a result names as holding an area back.
HELD_BACK_ITEMS = 3
#: the score of each item by id: 0-100, None when unknown, EXCLUDED when not applicable
ItemScores = dict[str, float | str | None]


@dataclass(frozen=True)
class Reason:
    """One sentence of explanation; `kind` is score, gate, weak_item or unknown."""

    kind: str
    text: str
    item: str | None = None


@dataclass(frozen=True)
class LiftStep:
    """Improve `item` from its current answer to `to_option` (worth `gain` area points)."""

    item: str
    text: str
    current: str
    to_option: str
    to_label: str
    gain: float


@dataclass(frozen=True)
class Lift:
    """What would take an area one level up; `reachable` is False at level 5."""

    to_level: int | None
    to_level_name: str | None
    steps: tuple[LiftStep, ...] = ()
    gates: tuple[str, ...] = ()
    reachable: bool = True
    note: str = ""


@dataclass(frozen=True)
class AreaResult:
    id: str
    name: str
    score: float | None
    level: int | None
    level_name: str | None
    score_level: int | None
    coverage: float
    provisional: bool
    answered: int
    applicable: int
    total: int
    unknown: tuple[str, ...]
    reasons: tuple[Reason, ...]
    lift: Lift


@dataclass(frozen=True)
class OverallResult:
    score: float | None
    level: int | None
    name: str | None
    provisional: bool
    rule: str


@dataclass(frozen=True)
class Profile:
    questionnaire: str
    areas: tuple[AreaResult, ...]
    overall: OverallResult
    answers: Answers = field(default_factory=dict)

    def area(self, area_id: str) -> AreaResult:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)


def level_for_score(questionnaire: Questionnaire, score: float) -> int:
    level = 1
    for spec in questionnaire.levels:
        if score >= spec.min_score - 1e-9:
            level = spec.level
    return level


def _area_score(area: Area, scores: ItemScores) -> float | None:
    num = den = 0.0
    for item in area.items:
        value = scores[item.id]
        if isinstance(value, float):
            num += item.weight * value
            den += item.weight
    return num / den if den else None


def _gate_open(gate: Gate, all_scores: ItemScores) -> bool:
    return all(isinstance(score := all_scores.get(c.item), float) and score >= c.min_score - 1e-9 for c in gate.unless)


def _capped_level(q: Questionnaire, area_id: str, score_level: int, all_scores: ItemScores) -> tuple[int, list[Gate]]:
    level = score_level
    active: list[Gate] = []
    for gate in q.gates:
        if gate.area == area_id and not _gate_open(gate, all_scores) and gate.max_level < score_level:
            level = min(level, gate.max_level)
            active.append(gate)
    return level, active


def _lift(q: Questionnaire, area: Area, level: int, answers: Answers, all_scores: ItemScores) -> Lift:
    """Greedy plan: open the gates in the way, then take the biggest single steps up."""
    if level >= 5:
        return Lift(None, None, reachable=False, note="Höchste Stufe erreicht.")
    target = level + 1
    threshold = q.level(target).min_score
    scores = dict(all_scores)
    values: dict[str, AnswerValue | None] = {i.id: answers.get(i.id) for i in area.items}
    steps: list[LiftStep] = []
    gate_texts: list[str] = []
    for gate in q.gates:
        if gate.area == area.id and gate.max_level < target and not _gate_open(gate, scores):
            gate_texts.append(gate.reason)
            for cond in gate.unless:
                current = scores.get(cond.item)
                if isinstance(current, float) and current >= cond.min_score:
                    continue
                item = q.item(cond.item)
                assert item is not None
                reach = item.kind.reaching(item, cond.min_score)
                if reach is None:
                    continue
                to_id, to_label, new = reach
                before = _area_score(area, scores) or 0.0
                scores[item.id] = new
                gain = (_area_score(area, scores) or 0.0) - before
                steps.append(LiftStep(item.id, item.text, answer_label(item, answers.get(item.id)), to_id, to_label, round(gain, 1)))
    known = {i.id: s for i in area.items if isinstance(s := scores[i.id], float)}
    answered = [i for i in area.items if i.id in known]
    weight = sum(i.weight for i in answered)
    num = sum(i.weight * known[i.id] for i in answered)

    def candidate(item: Item) -> tuple[float, Item, Step] | None:
        step = item.kind.next_better(item, values[item.id], known[item.id])
        return None if step is None else (item.weight * (step.score - known[item.id]) / weight, item, step)

    candidates = {i.id: candidate(i) for i in answered}
    current_score = num / weight if weight else None
    while current_score is not None and current_score < threshold - 1e-9:
        options = [c for c in candidates.values() if c is not None]
        if not options:
            break
        gain, item, step = max(options, key=lambda c: c[0])
        steps.append(LiftStep(item.id, item.text, answer_label(item, values[item.id]), step.answer, step.label, round(gain, 1)))
        num += item.weight * (step.score - known[item.id])
        known[item.id] = step.score
        values[item.id] = item.kind.after(values[item.id], step)
        candidates[item.id] = candidate(item)
        current_score = num / weight
    reachable = current_score is not None and current_score >= threshold - 1e-9
    note = (
        ""
        if reachable
        else "Beantworten Sie zuerst die offenen Fragen; mit den gegebenen Antworten allein ist die nächste Stufe nicht erreichbar."
    )
    return Lift(target, q.level(target).name, tuple(_merge_steps(steps)), tuple(gate_texts), reachable, note)


def _merge_steps(steps: list[LiftStep]) -> list[LiftStep]:
    """Several steps on one item become one step to the final option."""
    merged: dict[str, LiftStep] = {}
    for step in steps:
        first = merged.get(step.item)
        if first is None:
            merged[step.item] = step
        else:
            merged[step.item] = LiftStep(
                step.item, step.text, first.current, step.to_option, step.to_label, round(first.gain + step.gain, 1)
            )
    return list(merged.values())


def _reasons(
    q: Questionnaire,
    area: Area,
    score: float | None,
    score_level: int | None,
    gates: list[Gate],
    answers: Answers,
    scores: ItemScores,
    provisional: bool,
) -> list[Reason]:
    if score is None or score_level is None:
        return [Reason("score", "Keine bewertbaren Antworten: Der Bereich kann noch nicht eingestuft werden.")]
    spec = q.level(score_level)
    if score_level < 5:
        upper = q.level(score_level + 1)
        text = f"{score:.0f} Punkte: Stufe {score_level} „{spec.name}“ beginnt bei {spec.min_score:g}, Stufe {upper.level} bei {upper.min_score:g} Punkten."
    else:
        text = f"{score:.0f} Punkte: Stufe 5 „{spec.name}“ beginnt bei {spec.min_score:g} Punkten."
    reasons = [Reason("score", text)]
    for gate in gates:
        reasons.append(Reason("gate", f"Auf Stufe {gate.max_level} begrenzt: {gate.reason}", gate.unless[0].item if gate.unless else None))
    known = {item.id: s for item in area.items if isinstance(s := scores[item.id], float)}
    weak = sorted(
        (item for item in area.items if item.id in known and known[item.id] < 100),
        key=lambda item: (-item.weight * (100 - known[item.id]), item.id),
    )
    for item in weak[:HELD_BACK_ITEMS]:
        reasons.append(
            Reason(
                "weak_item",
                f"„{item.text}“ – Antwort: {answer_label(item, answers.get(item.id))} ({scores[item.id]:.0f} von 100 Punkten, Gewicht {item.weight:g}).",
                item.id,
            )
        )
    unknown = [item for item in area.items if scores[item.id] is None]
    if unknown:
        text = f"{len(unknown)} Frage(n) offen oder mit „Weiß nicht“ beantwortet."
        if provisional:
            text += f" Unter {q.coverage_min:.0%} beantworteter Fragen ist die Stufe vorläufig."
        reasons.append(Reason("unknown", text))
    return reasons


def score_area(q: Questionnaire, area: Area, answers: Answers, all_scores: ItemScores) -> AreaResult:
    scores = {item.id: all_scores[item.id] for item in area.items}
    score = _area_score(area, scores)
    applicable = sum(1 for v in scores.values() if v != EXCLUDED)
    answered = sum(1 for v in scores.values() if isinstance(v, float))
    coverage = answered / applicable if applicable else 0.0
    provisional = coverage < q.coverage_min - 1e-9
    gates: list[Gate]
    if score is None:
        score_level, level, gates = None, None, []
    else:
        score_level = level_for_score(q, score)
        level, gates = _capped_level(q, area.id, score_level, all_scores)
    unknown = tuple(item.id for item in area.items if scores[item.id] is None)
    lift = (
        _lift(q, area, level, answers, all_scores) if level is not None else Lift(None, None, reachable=False, note="Noch keine Antworten.")
    )
    return AreaResult(
        id=area.id,
        name=area.name,
        score=score,
        level=level,
        level_name=q.level(level).name if level else None,
        score_level=score_level,
        coverage=coverage,
        provisional=provisional,
        answered=answered,
        applicable=applicable,
        total=len(area.items),
        unknown=unknown,
        reasons=tuple(_reasons(q, area, score, score_level, gates, answers, scores, provisional)),
        lift=lift,
    )


OVERALL_RULE = (
    "Gesamtstufe: Stufe des Mittelwerts der Bereichspunkte, höchstens eine Stufe über dem "
    "schwächsten Bereich; vorläufig, sobald ein Bereich vorläufig oder nicht bewertbar ist."
)


def overall(q: Questionnaire, areas: tuple[AreaResult, ...]) -> OverallResult:
    scored = [a for a in areas if a.score is not None and a.level is not None]
    if not scored:
        return OverallResult(None, None, None, True, OVERALL_RULE)
    mean = sum(a.score for a in scored if a.score is not None) / len(scored)
    level = min(level_for_score(q, mean), min(a.level for a in scored if a.level is not None) + 1)
    provisional = len(scored) < len(areas) or any(a.provisional for a in areas)
    return OverallResult(mean, level, q.level(level).name, provisional, OVERALL_RULE)


def score_checked(q: Questionnaire, answers: Answers) -> Profile:
    """Score checked answers; an item its `applies_if` hides counts as "Trifft nicht zu", and the
    profile's `answers` say so (scoring.conditions)."""
    answers = applicable_answers(q, answers)
    all_scores = {item.id: item_score(item, answers.get(item.id)) for item in q.items}
    areas = tuple(score_area(q, area, answers, all_scores) for area in q.areas)
    return Profile(q.version, areas, overall(q, areas), dict(answers))


def score(q: Questionnaire, raw_answers: dict[str, Any]) -> Profile:
    """Check raw answers (raises `AnswerError`) and score them."""
    return score_checked(q, check_answers(q, raw_answers))


def unknown_items(q: Questionnaire, answers: Answers) -> list[Item]:
    """Items answered with "Weiß nicht": the list to clarify before a consultation."""
    return [item for item in q.items if answers.get(item.id) == DONT_KNOW]
