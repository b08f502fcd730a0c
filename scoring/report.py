"""The profile as a stable JSON document and as plain text (CLI, exports).

The JSON schema is documented in docs/scoring.md ("JSON-Ausgabe"); change it
only by adding keys, and bump PROFILE_SCHEMA when a key changes meaning.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from scoring.model import Questionnaire
from scoring.profile import Profile, unknown_items
from scoring.words import count

PROFILE_SCHEMA = "digicheck/profile-1"


def profile_to_dict(q: Questionnaire, profile: Profile) -> dict[str, Any]:
    areas = []
    for area in profile.areas:
        data = asdict(area)
        data["score"] = None if area.score is None else round(area.score, 1)
        data["coverage"] = round(area.coverage, 3)
        data["unknown"] = list(area.unknown)
        data["reasons"] = [asdict(r) for r in area.reasons]
        data["lift"] = asdict(area.lift)
        areas.append(data)
    return {
        "schema": PROFILE_SCHEMA,
        "questionnaire": profile.questionnaire,
        "overall": asdict(profile.overall) | {"score": None if profile.overall.score is None else round(profile.overall.score, 1)},
        "areas": areas,
        "unknown": [{"item": i.id, "text": i.text} for i in unknown_items(q, profile.answers)],
    }


def level_text(level: int | None, name: str | None, low: int | None, high: int | None, open_items: int) -> str:
    """A level with its range as the CLI and exports print it: "Stufe 3 Aufbau (vorläufig: 2–4, je nach 4 offenen Fragen)".

    The range appears only when it spans more than one level, which is when the level is provisional.
    """
    text = "nicht bewertbar" if level is None else f"Stufe {level} {name}"
    if low is None or low == high:
        return text
    questions = count(open_items, "offenen Frage", "offenen Fragen")
    return f"{text} ({'' if level is None else 'vorläufig: '}{level_span(low, high)}, je nach {questions})"


def level_span(low: int | None, high: int | None) -> str:
    """ "2–4", "3", or "–" when nothing can be scored."""
    if low is None or high is None:
        return "–"
    return str(low) if low == high else f"{low}–{high}"


def profile_to_text(q: Questionnaire, profile: Profile) -> str:
    o = profile.overall
    lines = [
        f"Digi-Check {q.title} – Fragebogen {profile.questionnaire}",
        f"Gesamt: {level_text(o.level, o.name, o.level_min, o.level_max, o.open)}"
        + (f", {o.score:.0f} Punkte" if o.score is not None else ""),
        "",
    ]
    for area in profile.areas:
        score = f"{area.score:.0f} Punkte" if area.score is not None else "keine Punkte"
        lines.append(
            f"{area.name}: {level_text(area.level, area.level_name, area.level_min, area.level_max, len(area.unknown))}, {score}, {area.coverage:.0%} beantwortet"
        )
        for reason in area.reasons:
            cite = f" [Quelle: {reason.cite.source}, {reason.cite.section}]" if reason.cite else ""
            lines.append(f"  - {reason.text}{cite}")
        lift = area.lift
        if lift.to_level is not None:
            lines.append(f"  Zur Stufe {lift.to_level} {lift.to_level_name}:")
            for step in lift.steps:
                lines.append(f"    * {step.text}: von „{step.current}“ auf „{step.to_label}“ (+{step.gain:g} Punkte)")
            if lift.note:
                lines.append(f"    {lift.note}")
        lines.append("")
    unknown = unknown_items(q, profile.answers)
    if unknown:
        lines.append("Zu klären („Weiß nicht“):")
        lines.extend(f"  - {item.text}" for item in unknown)
    return "\n".join(lines).rstrip() + "\n"
