"""Charts as plain SVG, drawn on the server: the radar on every page and in PDFs.

The radar needs no interaction, so no page loads a charting library for it (a few KB of
markup instead of plotly.js), and WeasyPrint draws the same SVG. Colours, dash patterns and
marker shapes are those of `scoring.radar.line_style`, so a series looks the same on every
surface. Each marker carries a `<title>` ("Selbsteinschätzung – Strategie: Stufe 3"), which
browsers show on hover; the data table beside the chart carries the same numbers for everyone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from scoring.model import Questionnaire
from scoring.profile import Profile
from scoring.radar import Band, Series, line_style, range_band

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
#: Plotly's dash patterns as multiples of the dash unit (max(line width, 3), as plotly.js draws them).
_DASH_UNITS = {"dot": (1, 1), "dash": (3, 3), "longdash": (5, 5), "dashdot": (3, 1, 1, 1), "longdashdot": (5, 2, 1, 2)}


def document(width: int, height: int, label: str, body: str, font_size: int = 10, element_id: str = "") -> str:
    """An inline SVG element with an accessible name; `body` is the drawn content."""
    ident = f'id="{escape(element_id)}" ' if element_id else ""
    return (
        f'<svg {ident}xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}" {FONT} font-size="{font_size}">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def dasharray(dash: str, width: float) -> str:
    """The SVG stroke-dasharray of a plotly dash name or pixel list ("2px,6px"); "" for solid."""
    if dash == "solid":
        return ""
    if dash in _DASH_UNITS:
        unit = max(width, 3.0)
        return ",".join(f"{n * unit:g}" for n in _DASH_UNITS[dash])
    return dash.replace("px", "")


def _wrap(text: str, limit: int = 16) -> list[str]:
    """Split an axis label into lines of about `limit` characters at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Connected stretches of a closed line; a missing value (None) leaves a gap, as in plotly."""
    if all(p is not None for p in points):
        closed = [p for p in points if p is not None]
        return [closed + closed[:1]] if closed else []
    start = next(i for i, p in enumerate(points) if p is None)
    runs: list[list[tuple[float, float]]] = [[]]
    for offset in range(1, len(points) + 1):
        point = points[(start + offset) % len(points)]
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [r for r in runs if r]


def level_text(value: float) -> str:
    """A level as the page writes it: "Stufe 3", a median between levels "Stufe 2,5"."""
    return "Stufe " + f"{value:g}".replace(".", ",")


_CROSS = ((-0.35, -1), (0.35, -1), (0.35, -0.35), (1, -0.35), (1, 0.35), (0.35, 0.35), (0.35, 1), (-0.35, 1), (-0.35, 0.35), (-1, 0.35), (-1, -0.35), (-0.35, -0.35))  # fmt: skip
#: Plotly's marker symbols other than the circle, as polygons around (0, 0) with radius about 1.
_SHAPES: dict[str, tuple[tuple[float, float], ...]] = {
    "square": ((-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)),
    "diamond": ((0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)),
    "triangle-up": ((0, -1.2), (1.1, 0.8), (-1.1, 0.8)),
    "cross": _CROSS,
    "x": tuple(((dx - dy) * 0.8, (dx + dy) * 0.8) for dx, dy in _CROSS),  # the cross turned by 45 degrees
    "star": tuple(
        (math.sin(k * math.pi / 5) * (1.25 if k % 2 == 0 else 0.55), -math.cos(k * math.pi / 5) * (1.25 if k % 2 == 0 else 0.55))
        for k in range(10)
    ),
}


def marker(symbol: str, x: float, y: float, size: float, colour: str, title: str = "") -> str:
    """A marker of plotly's `symbol` (circle, square, diamond, triangle-up, cross, x, star), `size` its radius."""
    tip = f"<title>{escape(title)}</title>" if title else ""
    if symbol == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:g}" fill="{colour}">{tip}</circle>'
    points = " ".join(f"{x + dx * size:.1f},{y + dy * size:.1f}" for dx, dy in _SHAPES.get(symbol, _SHAPES["square"]))
    return f'<polygon class="marker" points="{points}" fill="{colour}">{tip}</polygon>'


def radar(
    areas: list[str],
    series: list[Series],
    label: str,
    radius: int = 150,
    max_level: int = 5,
    element_id: str = "",
    band: Band | None = None,
) -> str:
    """A radar chart of levels 1..`max_level` per area: first area at the top, clockwise. One `<g class="series">`
    per line (`data-series`: its name); `band`, if any, is shaded between its lows and highs, beneath the lines,
    in the first series' colour, with a legend row of its own (`<g class="band">`)."""
    line_w, font, row = 3.0, 19, 24
    longest = max((len(line) for name in areas for line in _wrap(name)), default=0)
    width = int(2 * (radius + 0.55 * font * longest + 12))  # room for the wrapped area labels (DejaVu Sans: ~0.5 em a character)
    cx, cy = width / 2, radius + 2 * row + 16
    legend_top = cy + radius + 3 * row + 12
    height = int(legend_top + row * (len(series) + (band is not None)))
    n = len(areas)

    def at(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / n
        return cx + radius * value / max_level * math.cos(angle), cy + radius * value / max_level * math.sin(angle)

    parts = [f'<rect width="{width}" height="{height}" fill="#fff"/>']
    tick_angle = -math.pi / 2 + math.pi / n  # between the first two spokes, clear of the data points
    for level in range(1, max_level + 1):
        r = radius * level / max_level
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="none" stroke="#d0d0d0"/>'
            f'<text x="{cx + r * math.cos(tick_angle) + 3:.1f}" y="{cy + r * math.sin(tick_angle) + 4:.1f}" '
            f'class="tick" fill="#4a4a4a" font-size="{font - 3}">{level}</text>'
        )
    for index, name in enumerate(areas):
        x, y = at(index, max_level)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#b0b0b0"/>')
        lx, ly = at(index, max_level + 0.5)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        lines = _wrap(name)
        top = ly - row * (len(lines) - 1) if ly < cy else ly + font * 0.7  # above the circle: grow upwards
        spans = "".join(f'<tspan x="{lx:.1f}" y="{top + row * i:.1f}">{escape(text)}</tspan>' for i, text in enumerate(lines))
        parts.append(f'<text class="area-label" text-anchor="{anchor}" font-size="{font}">{spans}</text>')
    if band is not None:
        parts.append(_band(band, at, legend_top + row * len(series), font))
    for number, line in enumerate(series):
        style = line_style(number)
        colour, dash = style.colour, dasharray(style.dash, line_w)
        dot = max(3.5, 6.5 - number)  # smaller with each series: equal values keep the earlier markers visible
        stroke = f'stroke="{colour}" stroke-width="{line_w}" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")
        points = [None if v is None else at(i, v) for i, v in enumerate(line.values)]
        parts.append(f'<g class="series" data-series="{escape(line.name)}">')
        for run in (r for r in _runs(points) if len(r) > 1):  # a lone point is only its marker
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{path}" {stroke} stroke-linejoin="round"/>')
        parts.extend(
            marker(style.symbol, p[0], p[1], dot, colour, f"{line.name} – {areas[i]}: {level_text(v)}")
            for i, (p, v) in enumerate(zip(points, line.values, strict=True))
            if p is not None and v is not None
        )
        y = legend_top + row * number
        parts.append(
            f'<line x1="20" y1="{y:.1f}" x2="64" y2="{y:.1f}" {stroke}/>{marker(style.symbol, 42, y, dot, colour)}'
            f'<text class="legend" x="74" y="{y + 5:.1f}" font-size="{font}">{escape(line.name)}</text></g>'
        )
    return document(width, height, label, "".join(parts), element_id=element_id)


def _band(band: Band, at: Callable[[int, float], tuple[float, float]], legend_y: float, font: int) -> str:
    """The band between the lows and the highs (even-odd fill: the ring between two polygons), and its legend row."""
    colour = line_style(0).colour

    def ring(values: tuple[int | None, ...]) -> str:
        points = [at(i, v or 0) for i, v in enumerate(values)]
        return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"

    swatch = f'fill="{colour}" fill-opacity="0.2" stroke="{colour}" stroke-opacity="0.6"'
    return (
        f'<g class="band">'
        f'<path d="{ring(band.highs)} {ring(band.lows)}" fill-rule="evenodd" {swatch}/>'
        f'<rect x="20" y="{legend_y - 8:.1f}" width="44" height="16" {swatch}/>'
        f'<text class="legend" x="74" y="{legend_y + 5:.1f}" font-size="{font}">{escape(band.name)}</text></g>'
    )


def level_radar(areas: list[str], series: Sequence[Series], element_id: str = "", band: Band | None = None) -> str:
    """The radar of maturity levels per area, named for screen readers by its series (and its band)."""
    names = [s.name for s in series] + ([band.name] if band else [])
    label = "Radar-Diagramm der Reifegrade (Stufe 1 bis 5) je Bereich: " + ", ".join(names)
    # a radius of 110 beside 19-unit labels: scaled to a 390 px phone the labels stay at 12 px or more
    return radar(areas, list(series), label, radius=110, element_id=element_id, band=band)


def profile_radar(q: Questionnaire, profile: Profile, series: Sequence[Series], element_id: str = "") -> str:
    """The radar of an assessment: its series and the band of the levels its open answers allow."""
    return level_radar([a.name for a in q.areas], series, element_id, band=range_band(q, profile))
