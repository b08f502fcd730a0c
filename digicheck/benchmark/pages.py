"""Page models of the benchmark report: the page and the PDF, each one typed object with its charts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import get_template_attribute
from markupsafe import Markup

from digicheck.benchmark import charts as bench_charts
from digicheck.benchmark.cache import DataVersion, data_version, remembered
from digicheck.benchmark.export import shown_groups
from digicheck.benchmark.plans import PlanView, plan_view
from digicheck.benchmark.services import GroupFigures, Report, ReportRequest, participants, report_for, shared_report


@dataclass(frozen=True)
class SharedHtml:
    """The page's sections that every reader of the same figures sees alike (bench/_figures.html), as HTML."""

    participation: Markup = field(default_factory=Markup)
    figures: Markup = field(default_factory=Markup)


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
    #: (AGS, label) of the round's participants, for readers who may choose a municipality
    participants: list[tuple[str, str]] | None = None
    #: the sections the same for every reader, rendered once per data version
    html: SharedHtml = field(default_factory=SharedHtml)


def plans_for(request: ReportRequest, report: Report, version: DataVersion | None = None) -> PlanView:
    """The plan section of the Land the report is of (per Land only: `digicheck.benchmark.plans`)."""
    return plan_view(k=request.k, include_demo=request.include_demo, land=request.land, several=report.several_laender, version=version)


def benchmark_page(request: ReportRequest, *, with_participants: bool = False) -> BenchmarkPage:
    """The page: its figures and charts as this process computed them at the same data version
    (`digicheck.benchmark.cache`), the municipality's ranks added per request. `with_participants`:
    list the round's participants (a consultant's choice of municipality)."""
    version = request.version or data_version()
    report = report_for(request, version)
    chosen = None
    if with_participants:
        chosen = (
            participants(report.round, include_demo=report.demo, land=report.scope, version=version) if report.round is not None else []
        )
    if not report.land:
        return BenchmarkPage(report, shown_groups(report), participants=chosen)
    key = ("page", request.round, request.dimension, request.k, request.include_demo, request.land)
    groups, charts, heatmap, trend = remembered(key, version.figures, lambda: _charts(report))
    page = BenchmarkPage(report, groups, charts, heatmap, trend, plans_for(request, report, version), chosen)
    anonymous = shared_report(
        request.round, request.dimension, k=request.k, include_demo=request.include_demo, land=request.land, version=version
    )
    html = remembered(
        ("html", *key), (*version.figures, *version.plans), lambda: _html(replace(page, report=anonymous.report, participants=None))
    )
    return replace(page, html=html)


def _html(page: BenchmarkPage) -> SharedHtml:
    """The sections of bench/_figures.html, rendered once per data version from a page without the
    reader's municipality (its ranks and neighbours stay in bench/report.html, drawn per request)."""
    return SharedHtml(*(get_template_attribute("bench/_figures.html", name)(page) for name in ("participation", "figures")))


def _charts(report: Report) -> tuple[list[GroupFigures], dict[str, str], str, str]:
    """The groups the page shows and its charts' JSON: box charts per area, the overall levels' heatmap, the trend."""
    groups = shown_groups(report)
    names = report.area_names
    charts = {area: bench_charts.box_figure(area, name, groups) for area, name in names.items()}
    return groups, charts, bench_charts.heatmap_figure("overall", groups), bench_charts.trend_figure(list(report.trend), names)


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
