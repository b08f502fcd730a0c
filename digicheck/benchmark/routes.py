"""Benchmark report for every logged-in role: page, CSV and PDF of the same anonymised figures.

Who sees what is decided in `_report_for`: everyone gets the guarded group figures;
a Kommune user additionally its own percentile ranks; consultants and admins (who
also stand in for the Land and partners for now) may pick any municipality for its
ranks and its "ähnliche Kommunen".
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from digicheck import logs, pdf, timefmt
from digicheck.benchmark import charts as bench_charts
from digicheck.access import CONSULTANT_ROLES
from digicheck.benchmark.forms import BenchFilterForm
from digicheck.models import Role
from digicheck.benchmark import services as benchmark
from digicheck.benchmark import export as benchmark_export
from digicheck.municipalities import by_ags

bp = Blueprint("bench", __name__, url_prefix="/benchmark")


def _report_for(form: BenchFilterForm) -> benchmark.Report:
    """Parse the filters, choose the municipality the reader may see ranks of, build the report."""
    form.validate()
    consultant = current_user.role in CONSULTANT_ROLES
    municipality = None
    if current_user.role == Role.KOMMUNE:
        municipality = current_user.municipality
    elif consultant and form.kommune.data and not form.kommune.errors:
        municipality = by_ags(form.kommune.data)
        if municipality is None:
            form.kommune.errors = ["Keine Kommune mit diesem Gemeindeschlüssel."]
    return benchmark.build_report(
        form.runde.data if not form.runde.errors else None,
        form.dimension.data if not form.dimension.errors else "land",
        k=int(current_app.config.get("BENCHMARK_K", 5)),
        include_demo=bool(current_app.config["DIGICHECK_DEMO"]),
        municipality=municipality,
        with_similar=consultant and municipality is not None,
    )


@bp.get("/")
@login_required
def report() -> ResponseReturnValue:
    form = BenchFilterForm()
    result = _report_for(form)
    form.set_choices(result, with_municipalities=current_user.role in CONSULTANT_ROLES)
    groups = benchmark_export.shown_groups(result)
    charts = {area: bench_charts.box_figure(area, groups) for area in benchmark.REPORT_AREAS} if result.land else {}
    extra = {"heatmap": bench_charts.heatmap_figure("overall", groups), "trend": bench_charts.trend_figure(list(result.trend))} if result.land else {}
    return render_template("bench/report.html", report=result, form=form, groups=groups, charts=charts, query=form.query(),
                           area_names=benchmark.AREA_NAMES, REPORT_AREAS=benchmark.REPORT_AREAS, **extra)


@bp.get("/export.csv")
@login_required
def export_csv() -> ResponseReturnValue:
    result = _report_for(BenchFilterForm())
    name = f"digicheck-benchmark-{result.round or 'leer'}-{result.dimension}.csv"
    logs.audit("export_downloaded", export="benchmark", format="csv", round=result.round, dimension=result.dimension)
    return Response(benchmark_export.csv_text(result), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/bericht.pdf")
@login_required
def export_pdf() -> ResponseReturnValue:
    result = _report_for(BenchFilterForm())
    groups = benchmark_export.shown_groups(result)
    svgs = {area: bench_charts.box_svg(area, groups) for area in benchmark.REPORT_AREAS} if result.land else {}
    html = render_template("bench/report_pdf.html", report=result, groups=groups, svgs=svgs, today=timefmt.today(),
                           area_names=benchmark.AREA_NAMES, REPORT_AREAS=benchmark.REPORT_AREAS)
    name = f"digicheck-benchmark-{result.round or 'leer'}-{result.dimension}.pdf"
    logs.audit("export_downloaded", export="benchmark", format="pdf", round=result.round, dimension=result.dimension)
    return pdf.download(html, name)
