"""Charts as plain SVG, drawn on the server for PDFs and print pages.

WeasyPrint cannot run plotly.js and starting a browser per document is too slow,
so PDFs get hand-made SVG. Colours and dash patterns are those of
`scoring.radar.line_style`, so a series looks the same on the page and on paper.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from scoring.radar import Series, line_style

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
#: Plotly's dash patterns as multiples of the dash unit (max(line width, 3), as plotly.js draws them).
_DASH_UNITS = {"dot": (1, 1), "dash": (3, 3), "longdash": (5, 5), "dashdot": (3, 1, 1, 1), "longdashdot": (5, 2, 1, 2)}


def document(width: int, height: int, label: str, body: str, font_size: int = 10) -> str:
    """An inline SVG element with an accessible name; `body` is the drawn content."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
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


def radar(areas: list[str], series: list[Series], label: str, radius: int = 150, max_level: int = 5) -> str:
    """A radar chart of levels 1..`max_level` per area: first area at the top, clockwise, like `charts.radar`."""
    line_w, font, row = 3.0, 19, 24
    longest = max((len(line) for name in areas for line in _wrap(name)), default=0)
    width = int(2 * (radius + 0.55 * font * longest + 12))  # room for the wrapped area labels (DejaVu Sans: ~0.5 em a character)
    cx, cy = width / 2, radius + 2 * row + 16
    legend_top = cy + radius + 3 * row + 12
    height = int(legend_top + row * len(series))
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
            f'fill="#4a4a4a" font-size="{font - 3}">{level}</text>'
        )
    for index, name in enumerate(areas):
        x, y = at(index, max_level)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#b0b0b0"/>')
        lx, ly = at(index, max_level + 0.5)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        lines = _wrap(name)
        top = ly - row * (len(lines) - 1) if ly < cy else ly + font * 0.7  # above the circle: grow upwards
        spans = "".join(f'<tspan x="{lx:.1f}" y="{top + row * i:.1f}">{escape(text)}</tspan>' for i, text in enumerate(lines))
        parts.append(f'<text text-anchor="{anchor}" font-size="{font}">{spans}</text>')
    for number, line in enumerate(series):
        style = line_style(number)
        colour, dash = style.colour, dasharray(style.dash, line_w)
        dot = max(2.5, 5.5 - number)  # smaller with each series: equal values keep the earlier markers visible
        stroke = f'stroke="{colour}" stroke-width="{line_w}" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")
        points = [None if v is None else at(i, v) for i, v in enumerate(line.values)]
        for run in (r for r in _runs(points) if len(r) > 1):  # a lone point is only its marker
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{path}" {stroke} stroke-linejoin="round"/>')
        parts.extend(f'<circle cx="{p[0]:.1f}" cy="{p[1]:.1f}" r="{dot}" fill="{colour}"/>' for p in points if p is not None)
        y = legend_top + row * number
        parts.append(
            f'<line x1="20" y1="{y:.1f}" x2="64" y2="{y:.1f}" {stroke}/><circle cx="42" cy="{y:.1f}" r="{dot}" fill="{colour}"/>'
            f'<text x="74" y="{y + 5:.1f}" font-size="{font}">{escape(line.name)}</text>'
        )
    return document(width, height, label, "".join(parts))


def level_radar(areas: list[str], series: Sequence[Series]) -> str:
    """The radar of maturity levels per area, named for screen readers by its series."""
    label = "Radar-Diagramm der Reifegrade (Stufe 1 bis 5) je Bereich: " + ", ".join(s.name for s in series)
    return radar(areas, list(series), label)
