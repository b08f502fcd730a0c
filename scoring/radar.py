"""Radar series: one line of levels per source, in the questionnaire's area order.

The result page, the consultant's view, the briefing (SVG) and the IKZ group
all draw the same kind of radar; this module builds its lines, so a series
means the same everywhere. A missing level is None, a gap in the line:
"not assessable" is not level 0. Line styles go by position in the list, so
the order of the series decides colour, dash and marker shape on every surface.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scoring.model import Questionnaire
from scoring.profile import Profile

#: Line colours, colour-blind safe (Okabe-Ito) and at least 3:1 against white.
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: Dash patterns (plotly names; the SVG charts translate them).
DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "2px,6px")
#: Series with equal values lie on top of each other: a marker shape of its own (and markers that
#: get smaller with each further series) keep the earlier ones visible around the later ones.
SYMBOLS: tuple[str, ...] = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star")
#: More lines than styles could not be told apart.
MAX_SERIES = len(PALETTE)

SELF_ASSESSED = "Selbsteinschätzung"

#: A level (1-5, a median may lie between) per area id; areas left out are gaps.
Levels = Mapping[str, float | None]


@dataclass(frozen=True)
class Series:
    """One line on a radar chart: a name and a level (or None) per area."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Band:
    """The levels a profile could take per area (scoring.ranges): drawn as a band from `lows`
    to `highs` around the self-assessment's line; None where nothing can be scored."""

    name: str
    lows: tuple[int | None, ...]
    highs: tuple[int | None, ...]


#: the name of the band in the legend; the data table beside the chart lists each range
RANGE_NAME = "Mögliche Stufen je nach offenen Fragen"


def range_band(q: Questionnaire, profile: Profile) -> Band | None:
    """The self-assessment's level ranges in `q`'s area order; None when every range is a single
    level (then there is nothing to draw beside the line)."""
    areas = [profile.area(area_id) for area_id in q.area_ids]
    if all(a.level_min == a.level_max for a in areas):
        return None
    return Band(RANGE_NAME, tuple(a.level_min for a in areas), tuple(a.level_max for a in areas))


@dataclass(frozen=True)
class LineStyle:
    colour: str
    dash: str
    symbol: str


def line_style(index: int) -> LineStyle:
    """The style of the series at `index` (0: the first), the same on the page and on paper."""
    return LineStyle(PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)], SYMBOLS[index % len(SYMBOLS)])


def levels_of(profile: Profile) -> dict[str, int | None]:
    """The (gated) level per area of a profile; None where the area could not be scored."""
    return {area.id: area.level for area in profile.areas}


def radar_series(q: Questionnaire, lines: Iterable[tuple[str, Levels]]) -> list[Series]:
    """One series per (name, levels), values in `q`'s area order; an area missing from levels is a gap."""
    return [Series(name, tuple(levels.get(area_id) for area_id in q.area_ids)) for name, levels in lines]


def assessment_series(
    q: Questionnaire,
    profile: Profile,
    validated: Levels,
    *,
    validated_name: str,
    extra: Iterable[tuple[str, Levels]] = (),
) -> list[Series]:
    """The self-assessment first, the validated levels where a consultant set any, then `extra`
    (targets, previous round, median, reference profiles) in the order given."""
    lines: list[tuple[str, Levels]] = [(SELF_ASSESSED, levels_of(profile))]
    if validated:
        lines.append((validated_name, validated))
    lines.extend(extra)
    return radar_series(q, lines)
