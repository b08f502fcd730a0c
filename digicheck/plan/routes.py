"""The Maßnahmenplan: the plan of a municipality, a new entry, one entry with its history, and taking a
suggestion of the result page into the plan. Access: `digicheck.access` (the Kommune its own plan,
the consultants every plan, together with the Kommune; analysts none)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from digicheck.access import is_consultant, is_kommune, load_assessment_for, load_plan_entry_for, load_plan_municipality_for
from digicheck.content import catalogue, questionnaire
from digicheck.models import PlanEntry, PlanSource
from digicheck.plan import queries
from digicheck.plan import services as svc
from digicheck.plan.forms import PlanEntryForm, TakeForm, entry_form

bp = Blueprint("plan", __name__, url_prefix="/plan")

STALE = (
    "Inzwischen hat jemand anderes diesen Eintrag geändert (siehe unten). Ihre Eingaben sind erhalten: "
    "Prüfen Sie sie und speichern Sie erneut, um die Änderung zu überschreiben."
)


@bp.get("")
@login_required
def own() -> ResponseReturnValue:
    """The navigation's "Maßnahmenplan": a Kommune's own plan; consultants open plans from their workspace."""
    if is_kommune(current_user):
        return redirect(url_for("plan.page", municipality_id=current_user.municipality_id))
    if is_consultant(current_user):
        return redirect(url_for("consult.overview"))
    abort(403)


@bp.get("/kommune/<int:municipality_id>")
@login_required
def page(municipality_id: int) -> ResponseReturnValue:
    municipality = load_plan_municipality_for(current_user, municipality_id)
    return render_template("plan/plan.html", page=queries.plan_page(municipality))


def _form(entry: PlanEntry | None = None, **kwargs: object) -> PlanEntryForm:
    q = questionnaire()
    return entry_form(q, catalogue(q), tuple(entry.item_ids or ()) if entry else (), **kwargs)


@bp.route("/kommune/<int:municipality_id>/eintrag/neu", methods=["GET", "POST"])
@login_required
def new(municipality_id: int) -> ResponseReturnValue:
    municipality = load_plan_municipality_for(current_user, municipality_id)
    form = _form()
    if not form.validate_on_submit():
        return render_template("plan/new.html", municipality=municipality, form=form), 400 if form.is_submitted() else 200
    entry = svc.add_entry(municipality, current_user, svc.EntryValues.from_form(form))
    flash(f"„{entry.title}“ steht jetzt im Maßnahmenplan.", "success")
    return redirect(url_for("plan.page", municipality_id=municipality.id) + f"#eintrag-{entry.id}")


@bp.post("/kommune/<int:municipality_id>/uebernehmen")
@login_required
def take(municipality_id: int) -> ResponseReturnValue:
    """One button per suggestion of the result page: the entry is added prefilled, then edited on its page."""
    municipality = load_plan_municipality_for(current_user, municipality_id)
    form = TakeForm()
    assessment_id = form.assessment_id() if form.validate_on_submit() else None
    if assessment_id is None:
        abort(400, description="Dieser Vorschlag ist unvollständig. Bitte laden Sie die Ergebnisseite neu.")
    assessment = load_assessment_for(current_user, assessment_id)
    if assessment.municipality_id != municipality.id:
        abort(404)
    q = questionnaire(assessment.questionnaire_version)
    try:
        entry, created = svc.take_suggestion(municipality, current_user, q, catalogue(q), PlanSource(form.quelle.data), form.kennung.data)
    except svc.UnknownSuggestion as exc:
        abort(400, description=str(exc))
    if created:
        flash(f"„{entry.title}“ steht jetzt im Maßnahmenplan. Ergänzen Sie Verantwortliche und Termine.", "success")
    else:
        flash(f"„{entry.title}“ steht bereits im Maßnahmenplan.", "info")
    return redirect(url_for("plan.entry", entry_id=entry.id))


@bp.route("/eintrag/<int:entry_id>", methods=["GET", "POST"])
@login_required
def entry(entry_id: int) -> ResponseReturnValue:
    entry = load_plan_entry_for(current_user, entry_id)
    if request.method == "GET":
        form = _form(entry, formdata=None, data=svc.EntryValues.of(entry).form_data(entry.version))
        return render_template("plan/entry.html", page=queries.entry_page(entry), form=form)
    form = _form(entry)
    if not form.validate():
        return render_template("plan/entry.html", page=queries.entry_page(entry), form=form), 400
    try:
        changed = svc.update_entry(entry, current_user, svc.EntryValues.from_form(form), form.seen_version())
    except svc.StaleEntry:
        change = svc.latest_change(entry)
        form.version.data = str(entry.version)  # saving again keeps this user's input over the other change
        page = queries.entry_page(entry, queries.change_row(change) if change else None)
        return render_template("plan/entry.html", page=page, form=form, stale=STALE), 409
    flash("Der Eintrag ist gespeichert." if changed else "Keine Änderungen – der Eintrag ist unverändert.", "success")
    return redirect(url_for("plan.entry", entry_id=entry.id))
