"""Plotly figures, built on the server as JSON; the page renders them with the local plotly.js.

Every chart has a data table with the same numbers beside it (templates/macros.html).
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

# colour-blind safe (Okabe-Ito) and at least 3:1 against white
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "2px,6px")
#: series with equal values lie on top of each other: a marker shape of its own and markers that
#: get smaller with each further series keep the earlier ones visible around the later ones
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star")


@dataclass(frozen=True)
class Series:
    """One line on a radar chart: a name and a level (or None) per area."""

    name: str
    values: tuple[float | None, ...]


def radar(areas: list[str], series: list[Series]) -> str:
    """A radar chart of Reifegrade (1-5) per area, as Plotly JSON (the page heading names it)."""
    figure = go.Figure()
    for index, line in enumerate(series):
        values = list(line.values)  # None leaves a gap: "not assessable" is not level 0
        figure.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=areas + areas[:1],
                name=line.name,
                mode="lines+markers",
                line={"color": PALETTE[index % len(PALETTE)], "dash": DASHES[index % len(DASHES)], "width": 3},
                marker={"size": max(6, 12 - 2 * index), "symbol": SYMBOLS[index % len(SYMBOLS)]},
                hovertemplate="%{theta}: Stufe %{r}<extra>" + line.name + "</extra>",
            )
        )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 54, "tickangle": 0, "tickfont": {"size": 12}},
               "angularaxis": {"tickfont": {"size": 13}, "rotation": 90, "direction": "clockwise"}},
        showlegend=True,
        legend={"orientation": "h", "y": -0.12, "x": 0.5, "xanchor": "center"},
        margin={"l": 70, "r": 70, "t": 30, "b": 40},
        font={"family": "DejaVu Sans, Arial, sans-serif", "color": "#1a1a1a"},
        paper_bgcolor="#ffffff",
        height=460,
    )
    return figure.to_json()
