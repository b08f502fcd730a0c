"""Charts of the benchmark report: Plotly for the page, plain SVG for the PDF.

Only published figures reach these functions. Boxes are drawn from the quartiles
the database computed (no raw points, no whiskers: minimum and maximum would each
be one municipality's value). The PDF gets hand-made SVG because WeasyPrint cannot
run plotly.js and a headless browser is not part of the installation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from typing import Any

from digicheck import svg_charts
from digicheck.benchmark.services import Figures, GroupFigures
from scoring.radar import PALETTE

#: Above this many groups a chart is unreadable; the table still lists all.
MAX_CHART_GROUPS = 40
LEVELS = (1, 2, 3, 4, 5)
_FONT = {"family": "DejaVu Sans, Arial, sans-serif", "color": "#1a1a1a"}
#: What every figure's layout shares, built once. Figures are plain plotly.js JSON (data + layout):
#: building them through plotly's Python `graph_objects` validated every property on every request
#: and cost most of the report page's time (issue 18), for JSON the browser validates anyway.
_AXIS = {"gridcolor": "#d9d9d9", "zerolinecolor": "#bdbdbd", "linecolor": "#767676"}
_LAYOUT = {"font": _FONT, "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff"}


def chartable(groups: list[GroupFigures], area: str) -> list[GroupFigures]:
    """Published groups with figures in `area`, as many as a chart can show."""
    return [g for g in groups if g.areas.get(area) is not None][:MAX_CHART_GROUPS]


def _figures(group: GroupFigures, area: str) -> Figures:
    """The figures in `area` of a group that `chartable` kept."""
    figures = group.areas[area]
    assert figures is not None
    return figures


def _json(data: list[dict[str, Any]], layout: dict[str, Any]) -> str:
    """A figure as plotly.js reads it, compact; the shared layout under the figure's own keys."""
    text = json.dumps({"data": data, "layout": {**_LAYOUT, **layout}}, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")  # sits in a <script> element: no label can close it


def _axis(**own: Any) -> dict[str, Any]:
    return {**_AXIS, **own}


def _rows_height(rows: int) -> int:
    return 120 + 34 * rows


def box_figure(area: str, name: str, groups: list[GroupFigures]) -> str:
    """Horizontal boxes (Q1, median, Q3) per group for one area (`name`: as the reader knows it), 0-100 points.
    Like the other figures: "" when no group has published figures to draw."""
    rows = chartable(groups, area)
    if not rows:
        return ""  # nothing published in this area: the table says why, an empty chart would say nothing
    figures = [_figures(g, area) for g in rows]
    box = {
        "type": "box",
        "y": [g.group.label for g in rows],
        "q1": [f.q1 for f in figures],
        "median": [f.median for f in figures],
        "q3": [f.q3 for f in figures],
        "orientation": "h",
        "name": name,
        "marker": {"color": PALETTE[0]},
        "fillcolor": "rgba(0,114,178,0.25)",
        "line": {"color": PALETTE[0]},
        "hoverinfo": "y+x",
        "showlegend": False,
    }
    layout = {
        "xaxis": _axis(range=[0, 100], title={"text": "Punkte (0–100)"}),
        "yaxis": _axis(autorange="reversed", automargin=True),
        "margin": {"l": 20, "r": 20, "t": 10, "b": 50},
        "height": _rows_height(len(rows)),
    }
    return _json([box], layout)


def level_shares(figures_levels: tuple[int, ...]) -> list[float]:
    total = sum(figures_levels)
    return [100.0 * v / total if total else 0.0 for v in figures_levels]


def heatmap_figure(area: str, groups: list[GroupFigures]) -> str:
    """Share of assessments per level (columns) for each group (rows) in one area."""
    rows = chartable(groups, area)
    if not rows:
        return ""
    heatmap = {
        "type": "heatmap",
        "z": [level_shares(_figures(g, area).levels) for g in rows],
        "x": [f"Stufe {v}" for v in LEVELS],
        "y": [g.group.label for g in rows],
        "colorscale": "Blues",
        "zmin": 0,
        "zmax": 100,
        "colorbar": {"title": {"text": "Anteil %"}},
        "texttemplate": "%{z:.0f} %",
        "hovertemplate": "%{y}, %{x}: %{z:.0f} %<extra></extra>",
    }
    layout = {
        "yaxis": _axis(autorange="reversed", automargin=True),
        "margin": {"l": 20, "r": 20, "t": 10, "b": 40},
        "height": _rows_height(len(rows)),
    }
    return _json([heatmap], layout)


def trend_figure(trend: list[GroupFigures], area_names: Mapping[str, str]) -> str:
    """Median per area (`area_names`: id -> name, in the report's order) over the published rounds (the Land as a whole)."""
    traces: list[dict[str, Any]] = []
    for index, area in enumerate(area_names):
        points = [(g.group.key, f.median) for g in trend if (f := g.areas.get(area)) is not None]
        traces.append(
            {
                "type": "scatter",
                "x": [p[0] for p in points],
                "y": [p[1] for p in points],
                "name": area_names[area],
                "mode": "lines+markers",
                "line": {"color": PALETTE[index % len(PALETTE)], "width": 3},
            }
        )
    if not any(t["x"] for t in traces):
        return ""
    layout = {
        "xaxis": _axis(type="category", title={"text": "Runde"}),
        "yaxis": _axis(range=[0, 100], title={"text": "Median (Punkte)"}),
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
        "height": 420,
    }
    return _json(traces, layout)


def box_svg(area: str, name: str, groups: list[GroupFigures], width: int = 640) -> str:
    """The box chart as inline SVG for the PDF: one row per group, axis 0-100."""
    rows = chartable(groups, area)
    label_w, row_h, top = 230, 22, 10
    plot_w = width - label_w - 20
    height = top + row_h * len(rows) + 30

    def x(value: float) -> float:
        return label_w + plot_w * value / 100.0

    parts: list[str] = []
    for tick in range(0, 101, 20):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{height - 25}" stroke="#ccc"/>'
            f'<text x="{x(tick):.1f}" y="{height - 12}" text-anchor="middle">{tick}</text>'
        )
    for i, g in enumerate(rows):
        f = _figures(g, area)
        y = top + i * row_h
        label = escape(g.group.label if len(g.group.label) <= 40 else g.group.label[:39] + "…")
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{label}</text>'
            f'<rect x="{x(f.q1):.1f}" y="{y + 4}" width="{max(x(f.q3) - x(f.q1), 1):.1f}" height="{row_h - 8}" '
            f'fill="#cfe3f1" stroke="{PALETTE[0]}"/>'
            f'<line x1="{x(f.median):.1f}" y1="{y + 3}" x2="{x(f.median):.1f}" y2="{y + row_h - 3}" '
            f'stroke="#1a1a1a" stroke-width="2"/>'
        )
    return svg_charts.document(width, height, f"Boxplot {name}", "".join(parts))
