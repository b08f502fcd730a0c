"""Plotly figures, built on the server as JSON; the page renders them with the local plotly.js.

Every chart has a data table with the same numbers beside it (templates/macros.html).
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from scoring.radar import Series, line_style


def radar(areas: list[str], series: list[Series]) -> str:
    """A radar chart of Reifegrade (1-5) per area, as Plotly JSON (the page heading names it)."""
    figure = go.Figure()
    for index, line in enumerate(series):
        style = line_style(index)
        values = list(line.values)  # None leaves a gap: "not assessable" is not level 0
        figure.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=areas + areas[:1],
                name=line.name,
                mode="lines+markers",
                line={"color": style.colour, "dash": style.dash, "width": 3},
                marker={"size": max(6, 12 - 2 * index), "symbol": style.symbol},
                hovertemplate="%{theta}: Stufe %{r}<extra>" + line.name + "</extra>",
            )
        )
    figure.update_layout(
        polar={
            "radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 54, "tickangle": 0, "tickfont": {"size": 12}},
            # area names in lines of at most 15 characters, and side margins that hold them: on a
            # 390 px phone the labels stay inside the chart instead of being cut off or widening the page
            "angularaxis": {
                "tickfont": {"size": 12},
                "rotation": 90,
                "direction": "clockwise",
                "tickmode": "array",
                "tickvals": areas,
                "ticktext": ["<br>".join(textwrap.wrap(name, 15, break_long_words=False)) for name in areas],
            },
        },
        showlegend=True,
        legend={"orientation": "h", "y": -0.12, "x": 0.5, "xanchor": "center"},
        margin={"l": 100, "r": 100, "t": 40, "b": 40},
        font={"family": "DejaVu Sans, Arial, sans-serif", "color": "#1a1a1a"},
        paper_bgcolor="#ffffff",
        height=460,
    )
    return figure.to_json()
