"""The Kommune's Digi-Check: dashboard, questionnaire pages, result, targets, history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user, login_required

from digicheck.access import can_edit, is_consultant, load_assessment_for, load_assessment_to_edit
from digicheck.assess import pages
from digicheck.assess import services as svc
from digicheck.assess.forms import (
    FOCUS_KEY,
    AreaValues,
    area_items,
    field_name,
    parse_area,
    targets_form,
    targets_from_form,
    unknown_fields,
)
from digicheck.content import questionnaire
from digicheck.forms import ConfirmForm
from digicheck.models import Assessment
from scoring import Questionnaire
from scoring.answers import AnswerValue
from scoring.model import Area
from scoring.progress import progress

bp = Blueprint("assess", __name__)

LOCKED = "Diese Bewertung ist abgeschlossen und kann nicht mehr geändert werden. Starten Sie eine neue Runde, um weiterzuarbeiten."


@bp.get("/")
@login_required
def home() -> ResponseReturnValue:
    if is_consultant(current_user):  # their landing is the consultant workspace
        return redirect(url_for("consult.overview"))
    return render_template("assess/home.html", page=pages.home_page(current_user.municipality), form=ConfirmForm())


@bp.post("/runden")
@login_required
def new_round() -> ResponseReturnValue:
    if not can_edit(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    assessment = svc.start_round(current_user.municipality, current_user)
    first = questionnaire(assessment.questionnaire_version).areas[0].id
    return redirect(url_for("assess.area", assessment_id=assessment.id, area_id=first))


@bp.route("/bewertung/<int:assessment_id>/bereich/<area_id>", methods=["GET", "POST"])
@login_required
def area(assessment_id: int, area_id: str) -> ResponseReturnValue:
    assessment = load_assessment_to_edit(current_user, assessment_id)
    q = questionnaire(assessment.questionnaire_version)
    area_spec = q.area(area_id)
    if area_spec is None:
        abort(404)
    if request.method == "GET":
        stored, versions = svc.answers_of(assessment)
        return _area_page(assessment, q, area_spec, AreaValues.stored(area_spec, stored, versions), stored)
    if assessment.submitted:
        abort(409, description=LOCKED)
    unknown = unknown_fields(q, area_spec, request.form.keys())
    if unknown:
        abort(400, description=f"Die Anfrage enthält unbekannte Felder ({', '.join(sorted(unknown)[:5])}). Bitte laden Sie die Seite neu.")
    posted = parse_area(request.form, area_spec)
    try:
        result = svc.save_answers(assessment, current_user, posted.answers, posted.versions)
    except svc.AssessmentLocked:
        abort(409, description=LOCKED)
    conflicts = result.conflicts + svc.conflicts_of(assessment, list(posted.undecided), posted.undecided)
    if not posted.errors and not conflicts:
        flash(f"Ihre Antworten im Bereich „{area_spec.name}“ sind gespeichert.", "success")
        anchor = posted.anchor(area_spec, request.form.get(FOCUS_KEY))
        return redirect(_after_save(q, assessment_id, area_id, request.form.get("action", ""), anchor))
    if result.changed:
        flash(ngettext("%(num)d Antwort ist gespeichert.", "%(num)d Antworten sind gespeichert.", result.changed), "success")
    stored, versions = svc.answers_of(assessment)
    values = AreaValues.after_save(area_spec, stored, versions, request.form, posted.errors, conflicts)
    page = _area_page(assessment, q, area_spec, values, stored, conflicts)
    return page, 409 if conflicts else 400


def _area_page(
    assessment: Assessment,
    q: Questionnaire,
    area_spec: Area,
    values: AreaValues,
    stored: dict[str, AnswerValue],
    conflicts: list[svc.Conflict] | None = None,
) -> str:
    """An area page; field errors (a POST come back) feed the summary at the top."""
    return render_template(
        "assess/area.html",
        assessment=assessment,
        q=q,
        area=area_spec,
        items=area_items(q, area_spec, values),
        errors=values.summary(area_spec),
        conflicts=conflicts or [],
        progress=progress(q, stored),
        field_name=field_name,
        locked=assessment.submitted,
    )


def _after_save(q: Questionnaire, assessment_id: int, area_id: str, action: str, anchor: str = "") -> str:
    """Where a save leads: the next or previous area, or back to this one at `anchor` (an item's id)."""
    ids = [a.id for a in q.areas]
    index = ids.index(area_id)
    if action == "weiter":
        if index + 1 < len(ids):
            return url_for("assess.area", assessment_id=assessment_id, area_id=ids[index + 1])
        return url_for("assess.result", assessment_id=assessment_id)
    if action == "zurueck" and index > 0:
        return url_for("assess.area", assessment_id=assessment_id, area_id=ids[index - 1])
    return url_for("assess.area", assessment_id=assessment_id, area_id=area_id, _anchor=anchor or None)


@bp.get("/bewertung/<int:assessment_id>/ergebnis")
@login_required
def result(assessment_id: int) -> ResponseReturnValue:
    page = pages.result_page(load_assessment_for(current_user, assessment_id), request.args.getlist("vergleich"))
    return render_template(
        "assess/result.html", page=page, targets_form=targets_form(page.q, page.targets), can_edit=can_edit(current_user)
    )


@bp.post("/bewertung/<int:assessment_id>/ziele")
@login_required
def targets(assessment_id: int) -> ResponseReturnValue:
    assessment = load_assessment_to_edit(current_user, assessment_id)
    if assessment.submitted:
        abort(409, description=LOCKED)
    q = questionnaire(assessment.questionnaire_version)
    form = targets_form(q, {})
    if not form.validate_on_submit():
        abort(400, description="Ungültiger Ziel-Reifegrad: bitte wählen Sie eine Stufe von 1 bis 5 oder „kein Ziel“.")
    try:
        svc.set_targets(assessment, targets_from_form(q, form))
    except svc.AssessmentLocked:
        abort(409, description=LOCKED)
    flash("Die Ziel-Reifegrade sind gespeichert.", "success")
    return redirect(url_for("assess.result", assessment_id=assessment.id) + "#ziele")


@bp.route("/bewertung/<int:assessment_id>/abschliessen", methods=["GET", "POST"])
@login_required
def submit(assessment_id: int) -> ResponseReturnValue:
    page = pages.submit_page(load_assessment_to_edit(current_user, assessment_id))
    assessment, form = page.assessment, ConfirmForm()
    if request.method == "POST":
        if assessment.submitted:
            abort(409, description=LOCKED)
        if not form.validate_on_submit():
            abort(400)
        try:
            still_missing = svc.submit(assessment, current_user)
        except svc.AssessmentLocked:
            abort(409, description=LOCKED)
        if not still_missing:
            flash("Die Bewertung ist abgeschlossen. Sie ist jetzt schreibgeschützt.", "success")
            return redirect(url_for("assess.result", assessment_id=assessment.id))
        return render_template("assess/submit.html", page=page, form=form), 400
    return render_template("assess/submit.html", page=page, form=form)


@bp.get("/bewertung/<int:assessment_id>/verlauf")
@login_required
def history(assessment_id: int) -> ResponseReturnValue:
    page = pages.history_view(load_assessment_for(current_user, assessment_id), request.args.get("verlauf"))
    if page is None:
        abort(404)
    return render_template("assess/history.html", page=page)
