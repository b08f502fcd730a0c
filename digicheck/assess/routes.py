"""The Kommune's Digi-Check: dashboard, questionnaire pages, result, targets, history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user, login_required

from digicheck import downloads, logs, pdf
from digicheck.access import can_edit, is_consultant, load_assessment_for, load_assessment_to_edit, reads_municipalities
from digicheck.assess import pages, report
from digicheck.assess import services as svc
from digicheck.assess.forms import (
    FOCUS_KEY,
    AreaValues,
    area_items,
    field_name,
    page_answers,
    parse_area,
    skipped_fields,
    targets_form,
    targets_from_form,
    unknown_fields,
    without_skipped,
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
    if not reads_municipalities(current_user):  # the Land's analysts: the benchmark is all they read
        return redirect(url_for("bench.report"))
    return render_template("assess/home.html", page=pages.home_page(current_user.municipality), form=ConfirmForm())


@bp.post("/runden")
@login_required
def new_round() -> ResponseReturnValue:
    if not can_edit(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    assessment = svc.start_round(current_user.municipality, current_user)
    return redirect(url_for("assess.start", assessment_id=assessment.id))


@bp.get("/bewertung/<int:assessment_id>/start")
@login_required
def start(assessment_id: int) -> ResponseReturnValue:
    """Before the questions: how long, what to have at hand, where to continue."""
    page = pages.start_page(load_assessment_for(current_user, assessment_id))
    return render_template("assess/start.html", page=page, can_edit=can_edit(current_user))


@bp.get("/bewertung/<int:assessment_id>/weiter")
@login_required
def resume(assessment_id: int) -> ResponseReturnValue:
    """Continue where the round stands: the first area with open questions, else the review."""
    page = pages.start_page(load_assessment_to_edit(current_user, assessment_id))
    if page.assessment.submitted:
        return redirect(url_for("assess.next_steps", assessment_id=assessment_id))
    if page.resume_area is None:
        return redirect(url_for("assess.submit", assessment_id=assessment_id))
    return redirect(url_for("assess.area", assessment_id=assessment_id, area_id=page.resume_area))


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
        values = AreaValues.stored(area_spec, stored, versions, svc.evidence_of(assessment))
        values.hidden = skipped_fields(q, area_spec, stored)
        return _area_page(assessment, q, area_spec, values, stored)
    if assessment.submitted:
        abort(409, description=LOCKED)
    unknown = unknown_fields(q, area_spec, request.form.keys())
    if unknown:
        abort(400, description=f"Die Anfrage enthält unbekannte Felder ({', '.join(sorted(unknown)[:5])}). Bitte laden Sie die Seite neu.")
    posted = parse_area(request.form, area_spec)
    skipped = _skipped_on_save(assessment, q, area_spec, posted.answers)  # items not asked: not stored, not reported
    posted.answers, posted.errors = without_skipped(area_spec, skipped, posted.answers, posted.errors)
    posted.undecided = {item_id: value for item_id, value in posted.undecided.items() if field_name(item_id) not in skipped}
    posted.evidence = {item_id: e for item_id, e in posted.evidence.items() if field_name(item_id) not in skipped}
    try:
        result = svc.save_answers(assessment, current_user, posted.answers, posted.versions, posted.evidence, posted.evidence_loaded)
    except svc.AssessmentLocked:
        abort(409, description=LOCKED)
    conflicts = result.conflicts + svc.conflicts_of(assessment, list(posted.undecided), posted.undecided)
    if not posted.errors and not posted.evidence_errors and not conflicts:
        flash(f"Ihre Antworten im Bereich „{area_spec.name}“ sind gespeichert.", "success")
        anchor = posted.anchor(area_spec, request.form.get(FOCUS_KEY))
        return redirect(_after_save(q, assessment_id, area_id, request.form.get("action", ""), anchor))
    if result.changed:
        flash(ngettext("%(num)d Antwort ist gespeichert.", "%(num)d Antworten sind gespeichert.", result.changed), "success")
    stored, versions = svc.answers_of(assessment)
    evidence = svc.evidence_of(assessment)
    values = AreaValues.after_save(area_spec, stored, versions, request.form, posted.errors, conflicts, evidence, posted.evidence_errors)
    values.hidden = skipped_fields(q, area_spec, page_answers(stored, posted.answers))
    page = _area_page(assessment, q, area_spec, values, stored, conflicts)
    return page, 409 if conflicts else 400


def _skipped_on_save(assessment: Assessment, q: Questionnaire, area_spec: Area, answers: dict[str, AnswerValue | None]) -> frozenset[str]:
    """The page's items not asked once its answers are saved; only a page with `applies_if` reads the stored answers."""
    if not any(item.applies_if for item in area_spec.items):
        return frozenset()
    return skipped_fields(q, area_spec, page_answers(svc.answers_of(assessment)[0], answers))


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
        return url_for("assess.submit", assessment_id=assessment_id)  # after the last area: review, then submit
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
    page = pages.review_page(load_assessment_to_edit(current_user, assessment_id))
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
            return redirect(url_for("assess.next_steps", assessment_id=assessment.id))
        return render_template("assess/submit.html", page=page, form=form), 400
    return render_template("assess/submit.html", page=page, form=form)


@bp.get("/bewertung/<int:assessment_id>/naechste-schritte")
@login_required
def next_steps(assessment_id: int) -> ResponseReturnValue:
    """After submitting: what the consultant sees, the recommended modules, the own report."""
    assessment = load_assessment_for(current_user, assessment_id)
    if not assessment.submitted:
        return redirect(url_for("assess.submit", assessment_id=assessment_id))
    return render_template("assess/next_steps.html", page=pages.next_steps_page(assessment))


@bp.get("/bewertung/<int:assessment_id>/verlauf")
@login_required
def history(assessment_id: int) -> ResponseReturnValue:
    page = pages.history_view(load_assessment_for(current_user, assessment_id), request.args.get("verlauf"))
    if page is None:
        abort(404)
    return render_template("assess/history.html", page=page)


@bp.get("/bewertung/<int:assessment_id>/bericht.pdf")
@login_required
def report_pdf(assessment_id: int) -> ResponseReturnValue:
    """The Kommune's own report (also for the consultants): result, advice, shared feedback."""
    document = report.report_document(load_assessment_for(current_user, assessment_id))
    assessment = document.result.assessment
    html = render_template("assess/report_pdf.html", page=document.result, document=document)
    logs.audit("export_downloaded", export="report", format="pdf", assessment_id=assessment.id)
    return pdf.download(html, report.file_name(assessment, "bericht", "pdf"))


@bp.get("/bewertung/<int:assessment_id>/antworten.csv")
@login_required
def answers_csv(assessment_id: int) -> ResponseReturnValue:
    export = report.answers_export(load_assessment_for(current_user, assessment_id))
    logs.audit("export_downloaded", export="answers", format="csv", assessment_id=export.assessment.id)
    return downloads.attachment(report.answers_csv(export), downloads.CSV_MIMETYPE, report.file_name(export.assessment, "antworten", "csv"))


@bp.get("/bewertung/<int:assessment_id>/antworten.xlsx")
@login_required
def answers_xlsx(assessment_id: int) -> ResponseReturnValue:
    export = report.answers_export(load_assessment_for(current_user, assessment_id))
    body = report.answers_xlsx(export)  # first: a file that could not be made was not downloaded
    logs.audit("export_downloaded", export="answers", format="xlsx", assessment_id=export.assessment.id)
    name = report.file_name(export.assessment, "antworten", "xlsx")
    return downloads.attachment(body, downloads.XLSX_MIMETYPE, name)
