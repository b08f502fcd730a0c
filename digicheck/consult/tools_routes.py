"""Consultant tools beside the workspace: the IKZ group view and the exports (CSV, XLSX, JSON).

Same audience and access as `digicheck.consult.routes`: every route is for
consultants and admins, assessments are loaded through `digicheck.access`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from digicheck import downloads, logs, timefmt
from digicheck.access import consultant_required, load_assessment_for_consultant
from digicheck.consult import export as export_svc
from digicheck.consult import ikz as ikz_svc
from digicheck.consult.forms import IkzForm, filter_summary, overview_request

bp = Blueprint("consult_tools", __name__, url_prefix="/beratung")

FORMATS = {"csv": (downloads.CSV_MIMETYPE, export_svc.csv_bytes), "xlsx": (downloads.XLSX_MIMETYPE, export_svc.xlsx_bytes)}


@bp.get("/ikz")
@consultant_required
def ikz() -> ResponseReturnValue:
    """Without parameters the empty form; with a group its comparison; unknown partners: the form with messages (400)."""
    form = IkzForm(formdata=request.args or None)
    if not request.args:
        return render_template("consult/ikz.html", form=form, page=ikz_svc.IkzPage(None))
    page = ikz_svc.ikz_page(form.entries() if form.validate() else None, timefmt.today())
    if page.errors or form.errors:
        form.kommunen.errors = [" ".join([*form.kommunen.errors, *page.errors])]  # the field and the summary show one message
        return render_template("consult/ikz.html", form=form, page=page), 400
    return render_template("consult/ikz.html", form=form, page=page)


@bp.get("/export.<any(csv, xlsx):fmt>")
@consultant_required
def selection_export(fmt: str) -> ResponseReturnValue:
    """The overview's current filter selection (all pages), one assessment per municipality."""
    form, query = overview_request(request.args)
    export = export_svc.selection_export(query, filter_summary(form))
    mimetype, render = FORMATS[fmt]
    body = render(export)  # first: a file that could not be made was not downloaded
    logs.audit("export_downloaded", export="selection", format=fmt)
    return downloads.attachment(body, mimetype, f"digicheck-auswahl-{timefmt.today().isoformat()}.{fmt}")


@bp.get("/bewertung/<int:assessment_id>/export.<any(csv, xlsx):fmt>")
@consultant_required
def assessment_export(assessment_id: int, fmt: str) -> ResponseReturnValue:
    assessment = load_assessment_for_consultant(current_user, assessment_id)
    mimetype, render = FORMATS[fmt]
    name = f"digicheck-{assessment.municipality.ags}-runde-{assessment.round}.{fmt}"
    body = render(export_svc.assessment_export(assessment))
    logs.audit("export_downloaded", export="assessment", format=fmt, assessment_id=assessment.id)
    return downloads.attachment(body, mimetype, name)


@bp.get("/bewertung/<int:assessment_id>/profil.json")
@consultant_required
def profile_json(assessment_id: int) -> ResponseReturnValue:
    assessment = load_assessment_for_consultant(current_user, assessment_id)
    body = current_app.json.dumps(export_svc.profile_document(assessment), ensure_ascii=False, indent=2)
    logs.audit("export_downloaded", export="profile", format="json", assessment_id=assessment.id)
    return downloads.attachment(body, "application/json", f"digicheck-{assessment.municipality.ags}-runde-{assessment.round}-profil.json")
