"""The page's radar chart: series stay distinguishable even when their values are equal."""

from __future__ import annotations

import json

from digicheck.charts import radar
from scoring.radar import Series

AREAS = ["Strategie", "Organisation", "Kooperation", "Kommunikation", "Technik"]


def test_equal_series_differ_in_colour_dash_and_marker() -> None:
    same = (3.0, 2.0, 4.0, 1.0, 3.0)
    traces = json.loads(radar(AREAS, [Series("Selbsteinschätzung", same), Series("Validiert", same), Series("Ziel", same)]))["data"]
    styles = [(t["line"]["color"], t["line"]["dash"], t["marker"]["symbol"]) for t in traces]
    for part in zip(*styles, strict=True):
        assert len(set(part)) == 3
    sizes = [t["marker"]["size"] for t in traces]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]  # earlier markers show around later ones


def test_gaps_and_closed_outline() -> None:
    trace = json.loads(radar(AREAS, [Series("A", (1.0, None, 3.0, 4.0, 5.0))]))["data"][0]
    assert trace["r"] == [1.0, None, 3.0, 4.0, 5.0, 1.0] and trace["theta"][-1] == AREAS[0]
    assert trace["name"] == "A" and "Stufe %{r}" in trace["hovertemplate"]
