"""Score checked answers into an explainable Reifegrad profile.

The model, in words (docs/scoring.md has the long form):
- an area's score is the weighted mean of the item scores (0-100) of its answered
  items; "Weiß nicht" counts as unanswered, "Trifft nicht zu" leaves the item out;
- the level follows from the questionnaire's score thresholds, then gating rules
  cap it where a precondition (e.g. an ISMS) is missing;
- each level has a range: its level with every open answer ("Weiß nicht" or none) at the
  lowest and at the highest option (scoring.ranges); a level is provisional when that range
  spans more than one level, whatever the coverage;
- an item hidden by its `applies_if` (not asked) counts as "Trifft nicht zu";
- overall: the mean of the area scores gives a level, capped at one above the
  weakest area, because maturity needs all areas; its range applies the same rule to the
  areas' lower and upper ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.answers import EXCLUDED, Answers, AnswerValue, answer_label, check_answers
from scoring.conditions import applicable_answers
from scoring.item_kinds import Step
from scoring.levels import ItemScores as ItemScores
from scoring.levels import area_score as _area_score
from scoring.levels import capped_level, gate_open, overall_level
from scoring.levels import level_for_score as level_for_score
from scoring.model import DONT_KNOW, Area, Citation, Gate, Item, Questionnaire
from scoring.ranges import Ends, LevelRange, clarifying_items, item_scores
from scoring.words import count

#: How many weak items a result names as holding an area back.
HELD_BACK_ITEMS = 3


@dataclass(frozen=True)
class Reason:
    """One sentence of explanation; `kind` is score, gate, weak_item or unknown."""

    kind: str
    text: str
    item: str | None = None
    #: Where a gate's rule comes from (source file and section).
    cite: Citation | None = None


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
    #: the lowest and highest level the open answers allow (scoring.ranges); None when nothing scores
    level_min: int | None = None
    level_max: int | None = None

    @property
    def open(self) -> int:
        """How many items are open ("Weiß nicht" or unanswered): the questions the range depends on."""
        return len(self.unknown)


@dataclass(frozen=True)
class OverallResult:
    score: float | None
    level: int | None
    name: str | None
    provisional: bool
    rule: str
    level_min: int | None = None
    level_max: int | None = None
    #: open items in all areas, the questions the range depends on
    open: int = 0


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


def _suits(item: Item, option_id: str, population: int | None) -> bool:
    """Whether an option may be suggested as a next step to a municipality of `population` inhabitants."""
    if population is None:
        return True
    option = next((o for o in item.options if o.id == option_id), None)
    return option is None or option.population_min is None or population >= option.population_min


def _lift(q: Questionnaire, area: Area, level: int, answers: Answers, all_scores: ItemScores, population: int | None = None) -> Lift:
    """Greedy plan: open the gates in the way, then take the biggest single steps up. Options that do
    not suit the municipality's size (`Option.population_min`) are never suggested."""
    if level >= 5:
        return Lift(None, None, reachable=False, note="Höchste Stufe erreicht.")
    target = level + 1
    threshold = q.level(target).min_score
    scores = dict(all_scores)
    values: dict[str, AnswerValue | None] = {i.id: answers.get(i.id) for i in area.items}
    steps: list[LiftStep] = []
    gate_texts: list[str] = []
    for gate in q.gates:
        if gate.area == area.id and gate.max_level < target and not gate_open(gate, scores):
            gate_texts.append(gate.reason)
            for cond in gate.unless:
                current = scores.get(cond.item)
                if isinstance(current, float) and current >= cond.min_score:
                    continue
                item = q.item(cond.item)
                assert item is not None
                reach = item.kind.reaching(item, cond.min_score)
                if reach is None or not _suits(item, reach[0], population):
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
        if step is None or not _suits(item, step.answer, population):
            return None
        return (item.weight * (step.score - known[item.id]) / weight, item, step)

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
    span: LevelRange,
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
        reasons.append(
            Reason("gate", f"Auf Stufe {gate.max_level} begrenzt: {gate.reason}", gate.unless[0].item if gate.unless else None, gate.cite)
        )
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
        one = len(unknown) == 1
        text = count(len(unknown), "Frage ist", "Fragen sind") + " offen oder mit „Weiß nicht“ beantwortet."
        if span.spans:
            text += f" Je nach {'ihrer Antwort' if one else 'diesen Antworten'} liegt die Stufe zwischen {span.low} und {span.high}; sie ist vorläufig."
        else:
            text += f" {'Ihre Antwort ändert die Stufe nicht, wie auch immer sie ausfällt' if one else 'Ihre Antworten ändern die Stufe nicht, wie auch immer sie ausfallen'}."
        reasons.append(Reason("unknown", text))
    return reasons


def score_area(
    q: Questionnaire, area: Area, answers: Answers, all_scores: ItemScores, ends: Ends, population: int | None = None
) -> AreaResult:
    """The result of one area; `ends` are the scores with every open answer at its lowest / highest;
    `population` (inhabitants, from the register) keeps the next steps to those that suit the size."""
    scores = {item.id: all_scores[item.id] for item in area.items}
    score = _area_score(area, scores)
    applicable = sum(1 for v in scores.values() if v != EXCLUDED)
    answered = sum(1 for v in scores.values() if isinstance(v, float))
    coverage = answered / applicable if applicable else 0.0
    gates: list[Gate]
    if score is None:
        score_level, level, gates = None, None, []
    else:
        score_level = level_for_score(q, score)
        level, gates = capped_level(q, area.id, score_level, all_scores)
    span = ends.area_range(q, area, level)
    unknown = tuple(item.id for item in area.items if scores[item.id] is None)
    lift = (
        _lift(q, area, level, answers, all_scores, population)
        if level is not None
        else Lift(None, None, reachable=False, note="Noch keine Antworten.")
    )
    return AreaResult(
        id=area.id,
        name=area.name,
        score=score,
        level=level,
        level_name=q.level(level).name if level else None,
        score_level=score_level,
        coverage=coverage,
        provisional=level is None or span.spans,
        answered=answered,
        applicable=applicable,
        total=len(area.items),
        unknown=unknown,
        reasons=tuple(_reasons(q, area, score, score_level, gates, answers, scores, span)),
        lift=lift,
        level_min=span.low,
        level_max=span.high,
    )


OVERALL_RULE = (
    "Gesamtstufe: Stufe des Mittelwerts der Bereichspunkte, höchstens eine Stufe über dem "
    "schwächsten Bereich; die Spanne wendet dieselbe Regel auf die unteren und die oberen Enden "
    "der Bereiche an; vorläufig, sobald die Spanne mehr als eine Stufe umfasst oder ein Bereich "
    "nicht bewertbar ist."
)


def overall(q: Questionnaire, areas: tuple[AreaResult, ...], ends: Ends, open_items: int) -> OverallResult:
    scored = [(a.score, a.level) for a in areas if a.score is not None and a.level is not None]
    result = overall_level(q, scored)
    span = ends.overall_range(q, result[1] if result else None)
    if result is None:
        return OverallResult(None, None, None, True, OVERALL_RULE, span.low, span.high, open_items)
    mean, level = result
    provisional = len(scored) < len(areas) or span.spans
    return OverallResult(mean, level, q.level(level).name, provisional, OVERALL_RULE, span.low, span.high, open_items)


def score_checked(q: Questionnaire, answers: Answers, population: int | None = None) -> Profile:
    """Score checked answers; an item its `applies_if` hides counts as "Trifft nicht zu", and the
    profile's `answers` say so (scoring.conditions). `population` changes no score or level, only
    which next steps are suggested (`Option.population_min`)."""
    answers = applicable_answers(q, answers)
    all_scores = item_scores(q, answers)
    ends = Ends.of(q, answers, all_scores)
    areas = tuple(score_area(q, area, answers, all_scores, ends, population) for area in q.areas)
    return Profile(q.version, areas, overall(q, areas, ends, sum(len(a.unknown) for a in areas)), dict(answers))


def questions_to_clarify(profile: Profile, questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    """Per area id, the open items whose answer could move the area's level, the weightiest first.

    The hook for advice ("erst klären: …"): empty for an area whose level the open answers cannot
    change. An item counts when it alone moves an end of the area's range (scoring.ranges.clarifying_items);
    when only several together do, every open item of the area. `profile` must come from `questionnaire`.
    """
    all_scores = item_scores(questionnaire, profile.answers)
    ends = Ends.of(questionnaire, profile.answers, all_scores)
    return {area.id: clarifying_items(questionnaire, area, all_scores, ends) for area in questionnaire.areas}


def score(q: Questionnaire, raw_answers: dict[str, Any], population: int | None = None) -> Profile:
    """Check raw answers (raises `AnswerError`) and score them."""
    return score_checked(q, check_answers(q, raw_answers), population)


def unknown_items(q: Questionnaire, answers: Answers) -> list[Item]:
    """Items answered with "Weiß nicht": the list to clarify before a consultation."""
    return [item for item in q.items if answers.get(item.id) == DONT_KNOW]
