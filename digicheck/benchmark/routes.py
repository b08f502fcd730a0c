"""Benchmark report for every logged-in role: page, CSV and PDF of the same anonymised figures.

Who sees what is decided in `_request_for`: everyone gets the guarded group figures;
a Kommune user additionally its own percentile ranks; consultants and admins may pick
any municipality for its ranks and its "ähnliche Kommunen"; the Land's analysts get the
group figures only.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from digicheck import downloads, logs, pdf, timefmt
from digicheck.access import benchmark_required, is_kommune, may_choose_municipality, may_see_ranks
from digicheck.benchmark import export as benchmark_export
from digicheck.benchmark import pages
from digicheck.benchmark import services as benchmark
from digicheck.benchmark.forms import BenchFilterForm
from digicheck.municipalities import default_land, named

bp = Blueprint("bench", __name__, url_prefix="/benchmark")


def _request_for(form: BenchFilterForm) -> benchmark.ReportRequest:
    """Parse the filters, choose the municipality the reader may see ranks of."""
    form.validate()
    consultant = may_choose_municipality(current_user)
    municipality = None
    version = benchmark.data_version()
    present = benchmark.present_laender(version)
    land = form.scope(present, default_land(current_user.municipality if is_kommune(current_user) else None, present))
    if is_kommune(current_user):
        municipality = current_user.municipality
    elif consultant and (form.kommune.data or "").strip() and not form.kommune.errors:
        found, errors = named([form.kommune.data.strip()])
        if errors:
            form.kommune.errors = errors
        else:
            municipality = found[0]
            form.kommune.data = municipality.ags
    if municipality is not None and not may_see_ranks(current_user, municipality.id):
        municipality = None
    return benchmark.ReportRequest(
        form.runde.data if not form.runde.errors else None,
        form.dimension.data if not form.dimension.errors else "land",
        k=int(current_app.config.get("BENCHMARK_K", 5)),
        include_demo=bool(current_app.config["DIGICHECK_DEMO"]),
        municipality=municipality,
        with_similar=consultant and municipality is not None,
        land=land,
        version=version,
    )


@bp.get("/")
@benchmark_required
def report() -> ResponseReturnValue:
    form = BenchFilterForm()
    page = pages.benchmark_page(_request_for(form), with_participants=may_choose_municipality(current_user))
    form.set_choices(page.report, page.participants)
    return render_template("bench/report.html", page=page, form=form, query=form.query())


@bp.get("/export.csv")
@benchmark_required
def export_csv() -> ResponseReturnValue:
    request = _request_for(BenchFilterForm())
    result = benchmark.report_for(request)
    name = f"digicheck-benchmark-{result.round or 'leer'}-{result.dimension}.csv"
    logs.audit("export_downloaded", export="benchmark", format="csv", round=result.round, dimension=result.dimension)
    plans = pages.plans_for(request, result) if result.round else None
    return downloads.attachment(benchmark_export.csv_bytes(result, plans), downloads.CSV_MIMETYPE, name)


@bp.get("/bericht.pdf")
@benchmark_required
def export_pdf() -> ResponseReturnValue:
    document = pages.benchmark_document(_request_for(BenchFilterForm()))
    result = document.report
    html = render_template("bench/report_pdf.html", page=document, today=timefmt.today())
    name = f"digicheck-benchmark-{result.round or 'leer'}-{result.dimension}.pdf"
    logs.audit("export_downloaded", export="benchmark", format="pdf", round=result.round, dimension=result.dimension)
    return pdf.download(html, name)
