"""docs/api.md's pandas example runs against a live server with an analyst token, and its numbers
are the report page's: levels per Landkreis and round."""

from __future__ import annotations

import io
import math
import re
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd

from digicheck.accounts.tokens import create_token
from digicheck.extensions import db
from digicheck.models import TokenRole
from tests.app.benchmark_helpers import kreis_world, municipality, submit
from tests.app.page_figures import german_number, table_rows
from tests.e2e.conftest import _live_server, live_server  # noqa: F401 - the live server fixtures of the e2e tests

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example(name: str) -> str:
    """The Python block after `<!-- example: name -->` in docs/api.md."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- example: {name} -->\s*```python\n(.*?)```", text, re.S)
    assert match, f"no example {name} in docs/api.md"
    return match.group(1)


def test_levels_per_kreis_example_matches_the_report_page(live_server, browser, world) -> None:  # noqa: F811
    made = kreis_world({"06431": 6, "06432": 8, "06433": 3, "06434": 7}, year=2025)
    for number, members in enumerate(made.values()):
        for i, m in enumerate(members[: 5 + number]):  # in 2026 fewer of them again
            submit(m, 2026, [50.0 + i, 55.0, 45.0, 60.0, 40.0 + number])
    # Kassel, as in the register: the kreisfreie Stadt and the Landkreis around it share the short name
    north = kreis_world({"06633": 6, "06634": 5}, rb="Kassel", year=2025)
    city = municipality("06611000", kreis_ags="06611", kreis="Kassel", rb="Kassel", population=200_000, kind="kreisfreie Stadt")
    for m in north["06633"]:
        m.kreis = "Kassel"
        submit(m, 2026, [62.0, 55.0, 45.0, 60.0, 40.0])
    for m in [city, *north["06634"]]:
        submit(m, 2025, [70.0] * 5)
        submit(m, 2026, [72.0] * 5)
    _, token = create_token("BI des Landes", TokenRole.ANALYST)
    db.session.commit()

    namespace: dict = {}
    exec(compile(example("levels_per_kreis"), str(DOC), "exec"), namespace)
    frame = namespace["levels_per_kreis"](live_server.url, token)

    assert sorted(set(frame.index.get_level_values("round"))) == [2025, 2026]
    for round_ in (2025, 2026):  # one row each, in every round
        assert {"Landkreis / kreisfreie Stadt: Kassel (kreisfreie Stadt)", "Landkreis / kreisfreie Stadt: Kassel (Landkreis)"} <= set(
            frame.loc[round_].index
        )
    # the documented table: assessments and median per Kreis, a column per round
    shown = io.StringIO()
    with redirect_stdout(shown):
        exec(compile(example("levels_per_kreis_table"), str(DOC), "exec"), {"levels_per_kreis": lambda url, token: frame, "TOKEN": token})
    table = frame[["assessments", "median"]].unstack("round")
    assert table.loc["Landkreis / kreisfreie Stadt: Kassel (Landkreis)", ("assessments", 2026)] == 6
    assert "Kassel (Landkreis)" in shown.getvalue() and "2026" in shown.getvalue()
    browser.login(world.berater)
    compared = 0
    for round_ in (2025, 2026):
        html = browser.get(f"/benchmark/?dimension=kreis&runde={round_}").get_data(as_text=True)
        page, levels = table_rows(html, "quartile-overall"), table_rows(html, "stufen-tabelle")
        kreise = frame.loc[round_]
        assert set(kreise.index) == {label for label in page if label.startswith("Landkreis")}
        for label, row in kreise.iterrows():
            cells = page[label]
            if pd.isna(row["withheld"]):
                n, _, median, _ = cells
                assert row["assessments"] == int(n) and round(row["median"], 1) == german_number(median)
                # the page's level table: "count (share %)" per level 1-5
                assert [row[f"level_{v}"] for v in range(1, 6)] == [int(cell.split(" ")[0]) for cell in levels[label]]
                assert sum(row[f"level_{v}"] for v in range(1, 6)) == row["assessments"]
                compared += 1
            else:
                assert cells[0].startswith("keine Angabe") and math.isnan(row["median"])
    assert compared >= 6
