"""The pages' radar chart (server-drawn SVG): series stay distinguishable even when their values are equal."""

from __future__ import annotations

import re

from digicheck.svg_charts import level_radar
from scoring.radar import Series
from tests.app.helpers import drawn_radar

AREAS = ["Strategie", "Organisation", "Kooperation", "Kommunikation", "Technik"]


def series_parts(svg: str) -> list[str]:
    return re.findall(r'<g class="series" data-series="[^"]*">(.*?)</g>', svg, re.S)


def outline(points: str) -> tuple[tuple[int, int], ...]:
    """A polygon marker's shape: its corners around their centre, as directions."""
    corners = [tuple(map(float, p.split(","))) for p in points.split()]
    cx, cy = sum(x for x, _ in corners) / len(corners), sum(y for _, y in corners) / len(corners)
    return tuple((round(x - cx), round(y - cy)) for x, y in corners)


def test_equal_series_differ_in_colour_dash_and_marker() -> None:
    same = (3.0, 2.0, 4.0, 1.0, 3.0)
    svg = level_radar(AREAS, [Series("Selbsteinschätzung", same), Series("Validiert", same), Series("Ziel", same)], element_id="radar")
    parts = series_parts(svg)
    colours = [re.search(r'<polyline [^>]*stroke="([^"]+)"', p).group(1) for p in parts]
    dashes = [(re.search(r'<polyline [^>]*?(stroke-dasharray="[^"]+")?\sstroke-linejoin', p).group(1) or "solid") for p in parts]
    shapes = [outline(m.group(1)) if (m := re.search(r'<polygon class="marker" points="([^"]+)"', p)) else "circle" for p in parts]
    for styles in (colours, dashes, shapes):
        assert len(set(styles)) == 3, styles
    first_radius = float(re.search(r'<circle [^>]*r="([\d.]+)"', parts[0]).group(1))
    assert first_radius > 4  # earlier markers are bigger and show around later ones
    assert drawn_radar(svg, AREAS) == {name: list(same) for name in ("Selbsteinschätzung", "Validiert", "Ziel")}


def test_gaps_closed_outline_and_hover_titles() -> None:
    svg = level_radar(AREAS, [Series("A", (1.0, None, 3.0, 4.0, 5.0)), Series("Median", (2.5, 2.0, 3.0, 4.0, 5.0))], element_id="radar")
    assert 'role="img" aria-label="Radar-Diagramm der Reifegrade (Stufe 1 bis 5) je Bereich: A, Median"' in svg
    first, second = series_parts(svg)
    assert [len(p.split()) for p in re.findall(r'<polyline points="([^"]+)"', first)] == [4]  # C-D-E-A: the gap at B stays open
    assert len(re.findall(r'<polyline points="([^"]+)"', second)[0].split()) == 6  # closed: back to the first point
    assert "<title>Median – Strategie: Stufe 2,5</title>" in second  # what a mouse user sees on hover
    assert drawn_radar(svg, AREAS) == {"A": [1.0, None, 3.0, 4.0, 5.0], "Median": [2.5, 2.0, 3.0, 4.0, 5.0]}


def test_range_band_is_drawn_between_the_lowest_and_highest_levels() -> None:
    from scoring.radar import Band

    band = Band("Mögliche Stufen je nach offenen Fragen", (2, 3, 1, 4, 3), (4, 3, 5, 4, 5))
    svg = level_radar(AREAS, [Series("Selbsteinschätzung", (3.0, 3.0, None, 4.0, 3.0))], element_id="radar", band=band)
    assert svg.index('<g class="band">') < svg.index('<g class="series"')  # beneath the line
    assert "je Bereich: Selbsteinschätzung, Mögliche Stufen je nach offenen Fragen" in svg  # named for screen readers
    cx, cy, r1 = map(float, re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="none"', svg).groups())
    path = re.search(r'<g class="band"><path d="([^"]+)" fill-rule="evenodd"', svg).group(1)
    outer, inner = (
        [round(((float(x) - cx) ** 2 + (float(y) - cy) ** 2) ** 0.5 / r1, 1) for x, y in (p.split(",") for p in ring.split(" L"))]
        for ring in re.findall(r"M([^MZ]+) Z", path)
    )
    assert (outer, inner) == ([4, 3, 5, 4, 5], [2, 3, 1, 4, 3])  # in levels: the grid's first circle is level 1
    assert ">Mögliche Stufen je nach offenen Fragen</text>" in svg  # its legend row
    assert drawn_radar(svg, AREAS) == {"Selbsteinschätzung": [3.0, 3.0, None, 4.0, 3.0]}  # the band is no series
