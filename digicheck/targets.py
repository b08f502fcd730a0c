"""The Ziel-Reifegrad form: one select per area, built from the questionnaire."""

from __future__ import annotations

from wtforms import SelectField

from digicheck.forms import TargetsForm, choices
from scoring import Questionnaire

CHOICES = [("", "kein Ziel gesetzt")] + [(str(n), f"Stufe {n}") for n in range(1, 6)]
_CLASSES: dict[int, type[TargetsForm]] = {}


def targets_form(q: Questionnaire, current: dict[str, int]) -> TargetsForm:
    form_class = _CLASSES.get(id(q))
    if form_class is None:
        attrs = {f"target-{a.id}": SelectField(f"Ziel für {a.name}", choices=choices(CHOICES)) for a in q.areas}
        form_class = _CLASSES[id(q)] = type("AreaTargetsForm", (TargetsForm,), attrs)
    form = form_class(data={f"target-{area_id}": str(level) for area_id, level in current.items()})
    return form


def targets_from_form(q: Questionnaire, form: TargetsForm) -> dict[str, int | None]:
    return {a.id: int(form[f"target-{a.id}"].data) if form[f"target-{a.id}"].data else None for a in q.areas}
