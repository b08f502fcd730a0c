"""Page models of the benchmark report: the page and the PDF, each one typed object with its charts."""

from __future__ import annotations

from dataclasses import dataclass, field

from digicheck.benchmark import charts as bench_charts
from digicheck.benchmark.export import shown_groups
from digicheck.benchmark.plans import PlanView, plan_view
from digicheck.benchmark.services import GroupFigures, Report, ReportRequest, report_for


@dataclass(frozen=True)
class BenchmarkPage:
    """The report with its groups (the Land first) and Plotly charts: a box chart per area,
    the overall levels' heatmap and the trend; no charts without a Land figure."""

    report: Report
    groups: list[GroupFigures]
    charts: dict[str, str] = field(default_factory=dict)
    heatmap: str | None = None
    trend: str | None = None
    #: what municipalities take into their plans and complete (the same under every filter)
    plans: PlanView | None = None


def plans_for(request: ReportRequest, report: Report) -> PlanView:
    """The plan section of the Land the report is of (per Land only: `digicheck.benchmark.plans`)."""
    return plan_view(k=request.k, include_demo=request.include_demo, land=request.land, several=report.several_laender)


def benchmark_page(request: ReportRequest) -> BenchmarkPage:
    report = report_for(request)
    groups = shown_groups(report)
    if not report.land:
        return BenchmarkPage(report, groups)
    names = report.area_names
    return BenchmarkPage(
        report,
        groups,
        plans=plans_for(request, report),
        charts={area: bench_charts.box_figure(area, name, groups) for area, name in names.items()},
        heatmap=bench_charts.heatmap_figure("overall", groups),
        trend=bench_charts.trend_figure(list(report.trend), names),
    )


@dataclass(frozen=True)
class BenchmarkDocument:
    """The report for the PDF: the same groups, box charts as SVG (WeasyPrint runs no plotly.js)."""

    report: Report
    groups: list[GroupFigures]
    svgs: dict[str, str]
    plans: PlanView | None = None


def benchmark_document(request: ReportRequest) -> BenchmarkDocument:
    report = report_for(request)
    groups = shown_groups(report)
    if not report.land:
        return BenchmarkDocument(report, groups, {})
    svgs = {area: bench_charts.box_svg(area, name, groups) for area, name in report.area_names.items()}
    return BenchmarkDocument(report, groups, svgs, plans_for(request, report))
