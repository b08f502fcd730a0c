"""The plan as documents for the council: the "Digitalisierungsfahrplan" PDF and the plan as XLSX, CSV
and JSON. One URL per document with the municipality's id, for its own staff and the consultants
(`digicheck.access.load_plan_municipality_for`); the plan page links them (`plan/_downloads.html`)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from digicheck import downloads, logs, pdf
from digicheck.access import load_plan_municipality_for
from digicheck.plan import documents, export

bp = Blueprint("plan_documents", __name__, url_prefix="/plan")


@bp.get("/kommune/<int:municipality_id>/fahrplan.pdf")
@login_required
def fahrplan_pdf(municipality_id: int) -> ResponseReturnValue:
    plan = documents.fahrplan(load_plan_municipality_for(current_user, municipality_id))
    html = render_template("plan/fahrplan_pdf.html", plan=plan)
    logs.audit("export_downloaded", export="plan", format="pdf", municipality_id=municipality_id)
    return pdf.download(html, documents.file_name(plan, "fahrplan", "pdf"))


@bp.get("/kommune/<int:municipality_id>/massnahmenplan.<any(csv, xlsx, json):fmt>")
@login_required
def plan_export(municipality_id: int, fmt: str) -> ResponseReturnValue:
    plan = documents.fahrplan(load_plan_municipality_for(current_user, municipality_id))
    logs.audit("export_downloaded", export="plan", format=fmt, municipality_id=municipality_id)
    name = documents.file_name(plan, "massnahmenplan", fmt)
    if fmt == "csv":
        return downloads.attachment(export.csv_bytes(plan), downloads.CSV_MIMETYPE, name)
    if fmt == "xlsx":
        return downloads.attachment(export.xlsx_bytes(plan), downloads.XLSX_MIMETYPE, name)
    body = current_app.json.dumps(export.json_document(plan), ensure_ascii=False, indent=2)
    return downloads.attachment(body, "application/json", name)
