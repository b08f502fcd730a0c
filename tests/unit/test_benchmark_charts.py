"""The benchmark report's figures: plain plotly.js JSON that shows exactly the published numbers."""

from __future__ import annotations

import json

from digicheck.benchmark.charts import MAX_CHART_GROUPS, box_figure, heatmap_figure, trend_figure
from digicheck.benchmark.services import Figures, GroupFigures
from scoring.benchmark.anonymity import Decision
from scoring.benchmark.peers import Dimension, PeerGroup


def group(key: str, label: str, areas: dict[str, Figures | None]) -> GroupFigures:
    return GroupFigures(PeerGroup(Dimension.KREIS, key, label), Decision(key, 12, True), 20, areas)


GIESSEN = group("06531", "Landkreis Gießen", {"technik": Figures(12, 31.5, 48.0, 62.25, (1, 3, 5, 2, 1))})
ODENWALD = group("06437", "Odenwaldkreis", {"technik": Figures(9, 20.0, 35.5, 50.0, (2, 4, 3, 0, 0))})
NO_TECHNIK = group("06433", "Groß-Gerau", {"technik": None})


def test_box_figure_shows_the_published_quartiles_per_group() -> None:
    figure = json.loads(box_figure("technik", "Technik & Sicherheit", [GIESSEN, NO_TECHNIK, ODENWALD]))
    (box,) = figure["data"]
    assert box["type"] == "box" and box["orientation"] == "h"
    assert box["y"] == ["Landkreis Gießen", "Odenwaldkreis"]  # a group without figures in the area is left out
    assert (box["q1"], box["median"], box["q3"]) == ([31.5, 20.0], [48.0, 35.5], [62.25, 50.0])
    assert "x" not in box and "lowerfence" not in box  # no raw points, no whiskers (one municipality's value each)
    assert figure["layout"]["xaxis"]["range"] == [0, 100]
    assert figure["layout"]["height"] == 120 + 34 * 2


def test_heatmap_rows_are_level_shares_in_percent() -> None:
    figure = json.loads(heatmap_figure("technik", [GIESSEN, ODENWALD]))
    (heatmap,) = figure["data"]
    assert heatmap["x"] == ["Stufe 1", "Stufe 2", "Stufe 3", "Stufe 4", "Stufe 5"]
    assert heatmap["z"][0] == [100 * v / 12 for v in (1, 3, 5, 2, 1)]
    assert heatmap["z"][1] == [100 * v / 9 for v in (2, 4, 3, 0, 0)]


def test_trend_has_one_line_per_area_over_the_rounds_with_figures() -> None:
    rounds = [
        GroupFigures(
            PeerGroup(Dimension.ROUND, "1", "Runde 1"),
            Decision("1", 30, True),
            None,
            {"technik": Figures(30, 1, 40.0, 60, (6, 6, 6, 6, 6)), "strategie": None},
        ),
        GroupFigures(
            PeerGroup(Dimension.ROUND, "2", "Runde 2"),
            Decision("2", 25, True),
            None,
            {"technik": Figures(25, 1, 45.5, 60, (5, 5, 5, 5, 5)), "strategie": Figures(25, 1, 30.0, 60, (5, 5, 5, 5, 5))},
        ),
    ]
    figure = json.loads(trend_figure(rounds, {"strategie": "Strategie & Steuerung", "technik": "Technik & Sicherheit"}))
    assert [(t["name"], t["x"], t["y"]) for t in figure["data"]] == [
        ("Strategie & Steuerung", ["2"], [30.0]),
        ("Technik & Sicherheit", ["1", "2"], [40.0, 45.5]),
    ]


def test_at_most_forty_groups_are_drawn_and_labels_cannot_close_the_script_element() -> None:
    many = [
        group(f"{i:05d}", f"Gruppe {i}</script><b>", {"technik": Figures(10, 1, 2, 3, (2, 2, 2, 2, 2))})
        for i in range(MAX_CHART_GROUPS + 5)
    ]
    text = box_figure("technik", "Technik", many)
    assert "</script>" not in text and "<b>" not in text
    assert len(json.loads(text)["data"][0]["y"]) == MAX_CHART_GROUPS
    assert json.loads(text)["data"][0]["y"][0] == "Gruppe 0</script><b>"


def test_no_chart_where_nothing_is_published() -> None:
    assert box_figure("technik", "Technik", [NO_TECHNIK]) == ""
    assert heatmap_figure("technik", []) == ""
    assert trend_figure([], {"technik": "Technik"}) == ""
