"""Advice as a stable JSON document and as German plain text (CLI, exports).

The JSON schema is documented in docs/advice.md; change it only by adding keys
and bump ADVICE_SCHEMA when a key changes meaning.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.advice.advise import Advice
from scoring.advice.catalogue import Period
from scoring.advice.funding import FundingMatch, euro
from scoring.advice.modules import PlannedModule
from scoring.advice.rules import DateStatus, WeakItem
from scoring.model import Citation

ADVICE_SCHEMA = "digicheck/advice-1"
FIT_LABELS = {"yes": "passt", "conditional": "passt unter Bedingungen", "no": "passt nicht"}
CHECK_LABELS = {"met": "erfüllt", "unknown": "offen", "not_met": "nicht erfüllt"}
WHY_LABELS = {"needed": "empfohlen", "prerequisite": "Voraussetzung"}


def de_date(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def de_days(days: float) -> str:
    return f"{days:g}".replace(".", ",")


def status_label(status: DateStatus, applications: bool = False) -> str:
    """German wording of a date status; `applications` when the date is an application deadline."""
    left = "" if status.days_left is None else f" (noch {status.days_left} {'Tag' if status.days_left == 1 else 'Tage'})"
    when = de_date(status.date)
    if status.state == "upcoming":
        return f"beginnt am {when}"
    if status.state == "unknown":
        return "Laufzeit in der Quelle nicht angegeben – aktuellen Stand beim Fördergeber prüfen"
    if status.state == "ended":
        return f"Antragsfrist endete am {when}" if applications else f"beendet am {when}"
    if status.state == "closing":
        return f"Antragsfrist endet am {when}{left}" if applications else f"endet am {when}{left}"
    return f"Anträge bis {when}{left}" if applications else f"läuft bis {when}{left}"


def _cite(cite: Citation | None) -> dict[str, str] | None:
    return None if cite is None else {"source": cite.source, "section": cite.section}


def _status(status: DateStatus, applications: bool = False) -> dict[str, Any]:
    return {
        "state": status.state,
        "date": _iso(status.date),
        "days_left": status.days_left,
        "label": status_label(status, applications),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _period(period: Period) -> dict[str, Any]:
    return {
        "from": _iso(period.start),
        "apply_until": _iso(period.apply_until),
        "until": _iso(period.until),
        "note": period.note,
        "cite": _cite(period.cite),
    }


def _weak(items: tuple[WeakItem, ...]) -> list[dict[str, Any]]:
    return [{"item": w.item, "area": w.area, "text": w.text, "answer": w.answer, "score": w.score, "below": w.below} for w in items]


def _module(p: PlannedModule) -> dict[str, Any]:
    m = p.module
    return {
        "id": m.id,
        "number": m.number,
        "title": m.title,
        "goal": m.goal,
        "contents": list(m.contents),
        "note": m.note,
        "why": p.why,
        "required_by": list(p.required_by),
        "days": {"on_site": m.days_on_site, "results": m.days_results, "total": m.days},
        "weak_items": _weak(p.weak_items),
        "target_groups": list(m.target_groups),
        "slot": None if p.slot is None else {"id": p.slot.id, "name": p.slot.name, "paid_by": p.slot.paid_by},
        "cost": p.cost,
        "funding": {**_status(p.funding), **_period(m.funded)},
        "cite": _cite(m.cite),
    }


def _funding(f: FundingMatch) -> dict[str, Any]:
    p, a = f.programme, f.amount
    return {
        "id": p.id,
        "name": p.name,
        "funder": p.funder,
        "what": p.what,
        "status": _status(f.status, p.period.apply_until is not None),
        "period": _period(p.period),
        "eligible": f.eligible,
        "fit": f.fit,
        "reasons": list(f.reasons),
        "addresses": _weak(f.addresses),
        "conditions": [
            {"id": c.id, "text": c.text, "status": c.status, "item": c.item, "answer": c.answer, "note": c.note} for c in f.conditions
        ],
        "exclusions": list(p.exclusions),
        "amount": {
            "text": a.text,
            "value": a.value,
            "per_municipality": a.per_municipality,
            "partners": a.partners,
            "grant_share": a.grant_share,
            "own_share": a.own_share,
            "example": a.example,
        },
        "cite": _cite(p.cite),
    }


def advice_to_dict(advice: Advice) -> dict[str, Any]:
    plan = advice.modules
    town = advice.municipality
    return {
        "schema": ADVICE_SCHEMA,
        "questionnaire": advice.questionnaire,
        "as_of": advice.as_of.isoformat(),
        "municipality": None if town is None else {"kind": town.kind, "population": town.population},
        "targets": dict(advice.targets),
        "modules": {
            "plan": [_module(p) for p in plan.modules],
            "days": {
                "total": plan.days_total,
                "contingent": plan.days_contingent,
                "own": plan.days_own,
                "contingent_ended": plan.days_contingent_ended,
            },
            "invite": [{"group": i.group, "modules": list(i.modules)} for i in plan.invite],
            "skipped": [{"id": s.module.id, "number": s.module.number, "title": s.module.title, "reason": s.reason} for s in plan.skipped],
        },
        "funding": [_funding(f) for f in advice.funding],
        "measures": [
            {
                "area": a.area,
                "area_name": a.area_name,
                "level": a.level,
                "target": a.target,
                "reason": a.reason,
                "measures": [
                    {
                        "id": s.measure.id,
                        "title": s.measure.title,
                        "description": s.measure.description,
                        "who": s.measure.who,
                        "state": s.measure.state,
                        "year": s.measure.year,
                        "items": list(s.measure.items),
                        "addresses": list(s.addresses),
                        "cost": None if s.measure.cost is None else {"text": s.measure.cost.text, "amount": s.measure.cost.amount},
                        "cite": _cite(s.measure.cite),
                    }
                    for s in a.measures
                ],
            }
            for a in advice.measures
        ],
    }


def _module_lines(index: int, p: PlannedModule, numbers: dict[str, int]) -> list[str]:
    m = p.module
    lines = [
        f"  {index}. Modul {m.number} – {m.title} ({de_days(m.days)} Tage: {de_days(m.days_on_site)} vor Ort + {de_days(m.days_results)} Ergebnisbesprechung) [{WHY_LABELS[p.why]}]"
    ]
    funding = status_label(p.funding)
    if p.covered and p.slot:
        lines.append(f"     Kosten: {p.slot.name} ({p.slot.paid_by}); Förderung {funding}")
    elif p.slot:
        lines.append(f"     Kosten: eigene Kosten – {p.slot.name} hätte gezahlt, Förderung {funding}")
    else:
        lines.append(f"     Kosten: eigene Kosten (Landeskontingent ausgeschöpft); Förderzeitraum {funding}")
    for weak in p.weak_items:
        lines.append(f"     Anlass: „{weak.text}“ – {weak.answer} ({weak.score:.0f} Punkte, Schwelle {weak.below:g})")
    if p.required_by:
        lines.append("     Voraussetzung für: " + ", ".join(f"Modul {numbers.get(r, r)}" for r in p.required_by))
    return lines


def _funding_lines(f: FundingMatch) -> list[str]:
    p = f.programme
    lines = [f"  - {p.name} – {status_label(f.status, p.period.apply_until is not None)}; Eignung: {FIT_LABELS[f.fit]}"]
    lines.append(f"    Betrag: {f.amount.text}" + (f" ({f.amount.example})" if f.amount.example else ""))
    if f.amount.per_municipality is not None:
        lines.append(f"    je Kommune: {euro(f.amount.per_municipality)}")
    for weak in f.addresses:
        lines.append(f"    Setzt an bei: „{weak.text}“ – {weak.answer} ({weak.score:.0f} Punkte)")
    for c in f.conditions:
        answer = f" – Antwort: {c.answer}" if c.answer else ""
        lines.append(f"    [{CHECK_LABELS[c.status]}] {c.text}{answer}")
    lines.extend(f"    Hinweis: {reason}" for reason in f.reasons)
    return lines


def advice_to_text(advice: Advice) -> str:
    plan = advice.modules
    lines = [f"Empfehlungen (Stand {de_date(advice.as_of)})", "", "Beratungsmodule der Digitalisierungsberatung"]
    if not plan.modules:
        lines.append("  Keine Antwort weist auf Bedarf für ein Beratungsmodul hin.")
    numbers = {p.module.id: p.module.number for p in plan.modules}
    for index, planned in enumerate(plan.modules, start=1):
        lines.extend(_module_lines(index, planned, numbers))
    if plan.modules:
        lines.append(
            f"  Tage: {de_days(plan.days_total)} gesamt, davon {de_days(plan.days_contingent)} im Landeskontingent und {de_days(plan.days_own)} auf eigene Kosten."
        )
        if plan.days_contingent_ended:
            lines.append(f"  {de_days(plan.days_contingent_ended)} Tage hätte das Landeskontingent bis zum Ende seiner Förderung gedeckt.")
        lines.append("  Einladen: " + "; ".join(f"{i.group} (Modul {', '.join(map(str, i.modules))})" for i in plan.invite))
    for skipped in plan.skipped:
        lines.append(f"  Nicht vorgesehen: Modul {skipped.module.number} – {skipped.module.title}: {skipped.reason}")
    lines += ["", "Förderprogramme"]
    if advice.funding and not any(f.status.state in ("open", "closing") for f in advice.funding):
        lines.append(
            "  Zum Stichtag ist keines dieser Programme nachweislich offen; sie bleiben als Beispiel für Nachfolgeprogramme sichtbar."
        )
    for match in advice.funding:
        lines.extend(_funding_lines(match))
    lines += ["", "So haben es andere gemacht"]
    if not advice.measures:
        lines.append("  Kein Bereich liegt unter Stufe 3 oder unter seiner Zielstufe.")
    for area in advice.measures:
        lines.append(f"  {area.area_name}: {area.reason}")
        for s in area.measures:
            m = s.measure
            cost = f" Kosten: {m.cost.text}." if m.cost else ""
            lines.append(
                f"    - {m.title} ({m.who} {m.year}, {m.state}): {m.description}{cost} [Quelle: {m.cite.source}, {m.cite.section}]"
            )
    return "\n".join(lines).rstrip() + "\n"
