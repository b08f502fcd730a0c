"""Advice as a stable JSON document and as German plain text (CLI, exports).

The JSON schema is documented in docs/advice.md; change it only by adding keys
and bump ADVICE_SCHEMA when a key changes meaning.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.advice.advise import Advice
from scoring.advice.catalogue import Measure, Module, Origin, Period
from scoring.advice.funding import FundingMatch, euro
from scoring.advice.modules import ModulePlan, PlannedModule
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


def fit_label(match: FundingMatch) -> str:
    """German fit; a programme that has ended "hätte gepasst (beendet am …)" instead of "passt"."""
    if match.status.state != "ended" or match.fit == "no":
        return FIT_LABELS[match.fit]
    when = status_label(match.status, match.programme.period.apply_until is not None)
    return f"hätte gepasst ({when})" if match.fit == "yes" else f"hätte unter Bedingungen gepasst ({when})"


def days_label(m: Module) -> str:
    """Days of a module; the results meeting is on site too (hmdis-2020, Anlagen 1–4)."""
    return f"{de_days(m.days)} Tage: {de_days(m.days_on_site)} Tage Beratung und {de_days(m.days_results)} Tage Ergebnisbesprechung, beides vor Ort"


def cost_label(p: PlannedModule) -> str:
    if p.covered and p.slot:
        return f"kostenfrei aus dem {p.slot.name} ({p.slot.paid_by})"
    if p.slot:
        return f"auf eigene Kosten – das {p.slot.name} hätte gezahlt, Förderung {status_label(p.funding)}"
    return "auf eigene Kosten (jedes Landeskontingent zahlt ein Modul; weitere Module vereinbart die Kommune auf eigene Rechnung)"


def population_label(population: int) -> str:
    return f"{population:,}".replace(",", ".") + " Einwohner"


def origin_label(origin: Origin) -> str:
    """Who a measure comes from and how big: "Stadt Gießen, 89.179 Einwohner"."""
    if not origin.members:
        return origin.name
    if len(origin.members) == 1:
        return f"{origin.name}, {population_label(origin.members[0].population)}"
    sizes = ", ".join(f"{m.name} {m.population:,}".replace(",", ".") for m in origin.members)
    return f"{origin.name}, zusammen {population_label(origin.population or 0)} ({sizes})"


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
        "reason": p.reason,
        "required_by": list(p.required_by),
        "days": {"on_site": m.days_on_site, "results": m.days_results, "total": m.days, "label": days_label(m)},
        "weak_items": _weak(p.weak_items),
        "target_groups": list(m.target_groups),
        "slot": None
        if p.slot is None
        else {"id": p.slot.id, "name": p.slot.name, "paid_by": p.slot.paid_by} | ({"cite": _cite(p.slot.cite)} if p.slot.cite else {}),
        "cost": p.cost,
        "cost_label": cost_label(p),
        "slot_reason": p.slot_reason,
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
        "fit_label": fit_label(f),
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


def _origin(m: Measure) -> dict[str, Any]:
    o = m.origin
    return {
        "id": o.id,
        "name": o.name,
        "population": o.population,
        "members": [{"name": x.name, "ags": x.ags, "population": x.population} for x in o.members],
        "register": o.register,
        "label": origin_label(o),
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
            "clarify": [
                {
                    "id": c.module.id,
                    "number": c.module.number,
                    "title": c.module.title,
                    "questions": [{"item": q.item, "area": q.area, "text": q.text} for q in c.questions],
                }
                for c in plan.clarify
            ],
            "low_coverage": plan.low_coverage,
            "notes": [{"id": n.id, "text": n.text, "cites": [_cite(c) for c in n.cites]} for n in plan.notes],
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
                        "origin": _origin(s.measure),
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


def _cite_text(cite: Citation) -> str:
    return f"{cite.source}, {cite.section}"


def _module_lines(index: int, p: PlannedModule, numbers: dict[str, int]) -> list[str]:
    m = p.module
    cost = f"     Kosten: {cost_label(p)}"
    if p.slot and p.slot.cite:  # the contingent's rule, and the funding period when it has ended
        cost += f" [Quelle: {_cite_text(p.slot.cite)}" + ("" if p.covered else f"; {_cite_text(m.funded.cite)}") + "]"
    elif p.contingent_cite:  # beyond the contingent: the rule that says so
        cost += f" [Quelle: {_cite_text(p.contingent_cite)}]"
    lines = [f"  {index}. Modul {m.number} – {m.title} ({days_label(m)}) [{WHY_LABELS[p.why]}] [Quelle: {_cite_text(m.cite)}]", cost]
    if p.slot_reason:
        lines.append(f"     Warum dieses Modul den freien Platz bekommt: {p.slot_reason}")
    if p.reason:
        lines.append(f"     Anlass: {p.reason}")
    for weak in p.weak_items:
        lines.append(f"     Anlass: „{weak.text}“ – {weak.answer} ({weak.score:.0f} Punkte, Schwelle {weak.below:g})")
    if p.required_by:
        lines.append("     Voraussetzung für: " + ", ".join(f"Modul {numbers.get(r, r)}" for r in p.required_by))
    return lines


def _funding_lines(f: FundingMatch) -> list[str]:
    p = f.programme
    lines = [
        f"  - {p.name} – {status_label(f.status, p.period.apply_until is not None)}; Eignung: {fit_label(f)} [Quelle: {_cite_text(p.cite)}]"
    ]
    example = f" ({f.amount.example})" if f.amount.example else ""
    if example and p.amount.example_cite:
        example += f" [Quelle: {_cite_text(p.amount.example_cite)}]"
    lines.append(f"    Betrag: {f.amount.text}{example}")
    if f.amount.per_municipality is not None:
        lines.append(f"    je Kommune: {euro(f.amount.per_municipality)}")
    for weak in f.addresses:
        lines.append(f"    Setzt an bei: „{weak.text}“ – {weak.answer} ({weak.score:.0f} Punkte)")
    for c in f.conditions:
        answer = f" – Antwort: {c.answer}" if c.answer else ""
        lines.append(f"    [{CHECK_LABELS[c.status]}] {c.text}{answer}")
    lines.extend(f"    Hinweis: {reason}" for reason in f.reasons)
    if p.period.note:
        lines.append(f"    Zeitraum: {p.period.note} [Quelle: {p.period.cite.source}, {p.period.cite.section}]")
    return lines


def _plan_lines(plan: ModulePlan) -> list[str]:
    lines: list[str] = []
    if plan.low_coverage:
        lines.append("  Erst klären: Zu viele Fragen, nach denen sich die Module richten, sind offen („Weiß nicht“).")
    if not plan.modules and not plan.clarify:
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
    for clarify in plan.clarify:
        lines.append(f"  Erst klären: Modul {clarify.module.number} – {clarify.module.title}; offene Fragen:")
        lines.extend(f"    - {q.text} ({q.item})" for q in clarify.questions)
    for skipped in plan.skipped:
        lines.append(
            f"  Nicht vorgesehen: Modul {skipped.module.number} – {skipped.module.title}: {skipped.reason} [Quelle: {_cite_text(skipped.module.cite)}]"
        )
    for note in plan.notes:
        cites = "; ".join(f"{c.source}, {c.section}" for c in note.cites)
        lines.append(f"  Hinweis: {note.text} [Quellen: {cites}]")
    return lines


def advice_to_text(advice: Advice) -> str:
    lines = [f"Empfehlungen (Stand {de_date(advice.as_of)})", "", "Beratungsmodule der Digitalisierungsberatung"]
    lines += _plan_lines(advice.modules)
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
                f"    - {m.title} ({origin_label(m.origin)}; {m.year}, {m.state}): {m.description}{cost} [Quelle: {m.cite.source}, {m.cite.section}]"
            )
    if any(s.measure.origin.members for a in advice.measures for s in a.measures):
        register = next(s.measure.origin.register for a in advice.measures for s in a.measures if s.measure.origin.members)
        lines.append(f"  Einwohnerzahlen: {register}")
    return "\n".join(lines).rstrip() + "\n"
