"""The consultant workspace (Berater, Admin): overview of all municipalities, assessment view,
validated levels and notes. Access is decided by `digicheck.access` on every route."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from digicheck import logs
from digicheck.access import can_share_note, consultant_required, load_assessment_for_consultant, load_note_for_consultant
from digicheck.consult import queries
from digicheck.consult import review as review_svc
from digicheck.consult import services as records
from digicheck.consult.forms import ShareForm, note_form, overview_request, validated_level_form
from digicheck.content import questionnaire

bp = Blueprint("consult", __name__, url_prefix="/beratung")


@bp.get("/")
@consultant_required
def overview() -> ResponseReturnValue:
    form, query = overview_request(request.args)
    page = queries.overview(query)
    params = {f.name: f.data for f in form if f.data}
    questions = queries.open_questions()
    return render_template("consult/overview.html", form=form, page=page, params=params, questions=questions)


@bp.get("/bewertung/<int:assessment_id>")
@consultant_required
def assessment(assessment_id: int) -> ResponseReturnValue:
    return _assessment_page(load_assessment_for_consultant(current_user, assessment_id))


def _assessment_page(assessment: Any, forms: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    """The assessment view; after a failed POST `forms` holds the bound form with its errors (status 400)."""
    forms = forms or {}
    page = review_svc.assessment_page(assessment, request.args.getlist("vergleich"), request.args.get("verlauf"))
    if page is None:
        abort(404)
    q = page.review.q
    level_forms = {a.id: forms.get(a.id) or validated_level_form(a.id, formdata=None) for a in q.areas}
    notes = forms.get("note") or note_form(q, formdata=None, data={"frage": request.args.get("frage", "")})
    return render_template("consult/assessment.html", page=page, level_forms=level_forms, note_form=notes), status


def _back_to(assessment_id: int, anchor: str) -> str:
    """The assessment view after a save, with the overlays the consultant had switched on."""
    return url_for("consult.assessment", assessment_id=assessment_id, vergleich=request.args.getlist("vergleich")) + f"#{anchor}"


@bp.post("/bewertung/<int:assessment_id>/validierung/<area_id>")
@consultant_required
def validate(assessment_id: int, area_id: str) -> ResponseReturnValue:
    assessment = load_assessment_for_consultant(current_user, assessment_id)
    if questionnaire(assessment.questionnaire_version).area(area_id) is None:
        abort(404)
    if not assessment.submitted:
        abort(409, description="Validierte Stufen können erst gesetzt werden, wenn die Kommune die Bewertung abgeschlossen hat.")
    form = validated_level_form(area_id)
    if not form.validate():
        return _assessment_page(assessment, {area_id: form}, 400)
    try:
        records.validate_level(assessment, area_id, int(form.level.data), form.reason.data or "", current_user)
    except records.RecordError as exc:
        abort(400, description=str(exc))
    logs.audit("level_validated", assessment_id=assessment.id, area_id=area_id, level=int(form.level.data))
    flash("Die validierte Stufe ist gespeichert.", "success")
    return redirect(_back_to(assessment.id, f"validierung-{area_id}"))


@bp.post("/bewertung/<int:assessment_id>/notizen")
@consultant_required
def add_note(assessment_id: int) -> ResponseReturnValue:
    assessment = load_assessment_for_consultant(current_user, assessment_id)
    form = note_form(questionnaire(assessment.questionnaire_version))
    if not form.validate():
        return _assessment_page(assessment, {"note": form}, 400)
    try:
        note = records.add_note(assessment, current_user, form.text.data or "", form.frage.data or None, bool(form.freigeben.data))
    except records.RecordError as exc:
        abort(400, description=str(exc))
    flash("Die Notiz ist gespeichert" + (" und für die Kommune freigegeben." if note.shared else " (nur intern sichtbar)."), "success")
    return redirect(_back_to(assessment.id, f"notiz-{note.id}"))


@bp.post("/notizen/<int:note_id>/freigabe")
@consultant_required
def share_note(note_id: int) -> ResponseReturnValue:
    note = load_note_for_consultant(current_user, note_id)
    if not can_share_note(current_user, note):
        abort(403, description="Was die Kommune schreibt, bleibt für sie sichtbar; freigeben lassen sich nur Notizen der Beratung.")
    form = ShareForm()
    if not form.validate():
        abort(400, description="Ungültiger Wert für die Freigabe.")
    try:
        records.set_shared(note, form.freigeben.data == "1")
    except records.RecordError as exc:
        abort(409, description=str(exc))
    flash("Die Notiz ist jetzt für die Kommune sichtbar." if note.shared else "Die Notiz ist jetzt nur intern sichtbar.", "success")
    return redirect(_back_to(note.assessment_id, f"notiz-{note.id}"))
