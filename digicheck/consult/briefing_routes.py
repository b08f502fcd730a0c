"""The consultant's briefing "Vorbereitung Vor-Ort-Termin" as a page and as a PDF.

Both render the same `digicheck.consult.briefing.Briefing` through one partial; the PDF's
radar chart is SVG drawn on the server (`digicheck.svg_charts`, in the page model), so no browser runs.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from digicheck import logs, pdf
from digicheck.access import consultant_required, load_assessment_for_consultant
from digicheck.consult.briefing import Briefing, briefing
from scoring.advice.render import CHECK_LABELS, FIT_LABELS, days_label, de_days, fit_label, origin_label, status_label

bp = Blueprint("briefing", __name__, url_prefix="/beratung")


def _render(template: str, assessment_id: int) -> tuple[str, Briefing]:
    b = briefing(load_assessment_for_consultant(current_user, assessment_id))
    return (
        render_template(
            template,
            b=b,
            fit_labels=FIT_LABELS,
            fit_label=fit_label,
            days_label=days_label,
            origin_label=origin_label,
            check_labels=CHECK_LABELS,
            de_days=de_days,
            status_label=status_label,
        ),
        b,
    )


@bp.get("/bewertung/<int:assessment_id>/briefing")
@consultant_required
def page(assessment_id: int) -> ResponseReturnValue:
    return _render("consult/briefing.html", assessment_id)[0]


@bp.get("/bewertung/<int:assessment_id>/briefing.pdf")
@consultant_required
def document(assessment_id: int) -> ResponseReturnValue:
    html, b = _render("consult/briefing_pdf.html", assessment_id)
    name = f"vorbereitung-{b.municipality.ags}-runde-{b.assessment.round}.pdf"
    logs.audit("briefing_downloaded", assessment_id=b.assessment.id)
    return pdf.download(html, name)
