"""The benchmark learns from plans: measures most often taken in and completed per size class, the
median time to done, under the k rule and the differencing guard (page, CSV, PDF, the guard itself)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from digicheck.benchmark.guard import plan_decisions
from digicheck.benchmark.plans import plan_view
from digicheck.extensions import db
from digicheck.models import AssessmentStatus
from digicheck.models.plan import PlanEntry, PlanSource, PlanStatus
from tests.app.benchmark_helpers import municipality, submit
from tests.app.helpers import german_csv_rows
from tests.app.test_benchmark_report import bench_world  # noqa: F401 - fixture

MODULE = "Modul 1: Einführung und Überblick zum OZG"
MEASURE = "Stabsstelle für Digitalisierung und Organisationsentwicklung (Stadt Gießen)"
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def plan(m: Any, source: PlanSource, source_id: str, *, done_after: int | None = None, **fields: Any) -> PlanEntry:
    """An entry as the plan's service stores it; `done_after` days after it was taken in, it was done."""
    entry = PlanEntry(
        municipality_id=m.id,
        area_id="strategie",
        title=f"Eintrag {source_id}",
        source=source,
        source_id=source_id,
        created_at=START,
        status=PlanStatus.DONE if done_after is not None else PlanStatus.IN_PROGRESS,
        closed_at=START + timedelta(days=done_after) if done_after is not None else None,
        **fields,
    )
    db.session.add(entry)
    return entry


def towns(prefix: str, count: int, population: int) -> list[Any]:
    return [
        municipality(f"{prefix}{i:03d}", kreis_ags=prefix[:5], kreis=f"Kreis {prefix[:5]}", rb="Kassel", population=population)
        for i in range(count)
    ]


@pytest.fixture
def plans(world: Any, bench_world: Any) -> dict[str, list[Any]]:  # noqa: F811
    """Module 1 in the plans of 6 small Gemeinden (5 done after 10…50 days) and 5 towns of 10,000-20,000;
    the Gießen measure in 4 small Gemeinden (below k) and 6 towns: the Land's 10 minus the towns' 6
    would give the 4 small ones away, so the towns' cell is withheld."""
    small, towns_ = towns("06630", 10, 3000), towns("06631", 6, 15000)
    for i, m in enumerate(small[:6]):
        plan(m, PlanSource.MODULE, "modul1", done_after=10 * (i + 1) if i < 5 else None)
        plan(m, PlanSource.MODULE, "modul1")  # a second entry of the same module counts the municipality once
    for m in towns_[:5]:
        plan(m, PlanSource.MODULE, "modul1")
    for m in small[6:]:
        plan(m, PlanSource.MEASURE, "giessen-stabsstelle", done_after=30)
    for m in towns_:
        plan(m, PlanSource.MEASURE, "giessen-stabsstelle")
    for m in small:
        plan(m, PlanSource.OWN, None)  # own entries are never aggregated (their titles could name the municipality)
    db.session.commit()
    return {"small": small, "towns": towns_}


def section(html: str) -> str:
    start = html.index('<section aria-labelledby="massnahmenplaene">')
    return html[start : html.index("</section>", start)]


def table_rows(html: str, table_id: str) -> dict[str, list[str]]:
    """A plan table as a reader sees it: measure -> its cells (kind, taken, done, median)."""
    match = re.search(rf'<table class="data-table" id="{table_id}">(.*?)</table>', html, re.S)
    if match is None:
        return {}
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', match.group(1), re.S)
    return {name: [c.strip() for c in re.findall(r"<td>(.*?)</td>", cells, re.S)] for name, cells in rows}


def test_page_shows_measures_per_size_class_with_the_median_time_to_done(browser, world, plans) -> None:
    browser.login(world.kommune)
    html = section(browser.get("/benchmark/").get_data(as_text=True))
    assert table_rows(html, "plaene-all") == {
        MODULE: ["Beratungsmodul", "11", "5", "30"],
        MEASURE: ["Referenzmaßnahme", "10", "4", "keine Angabe (weniger als 5 erledigt)"],
    }
    assert table_rows(html, "plaene-u5k") == {MODULE: ["Beratungsmodul", "6", "5", "30"]}
    assert table_rows(html, "plaene-10k-20k") == {MODULE: ["Beratungsmodul", "5", "0", "keine Angabe (weniger als 5 erledigt)"]}
    assert "Eintrag None" not in html and "Eintrag" not in html


def test_a_cell_of_fewer_than_k_municipalities_is_withheld(app, world, plans) -> None:
    view = plan_view(k=5, include_demo=False)
    small = next(g for g in view.groups if g.key == "u5k")
    assert [m.title for m in small.measures] == [MODULE]  # the measure of 4 small Gemeinden is not shown
    view = plan_view(k=4, include_demo=False)
    small = next(g for g in view.groups if g.key == "u5k")
    assert {m.title: m.taken for m in small.measures} == {MODULE: 6, MEASURE: 4}


def test_differencing_the_land_and_a_size_class_is_refused(app, world, plans) -> None:
    """The Land's 10 minus the towns' 6 would be the 4 small Gemeinden: the towns' cell gives way."""
    view = plan_view(k=5, include_demo=False)
    land = next(g for g in view.groups if g.key == "all")
    towns_ = next(g for g in view.groups if g.key == "10k-20k")
    assert MEASURE in [m.title for m in land.measures] and MEASURE not in [m.title for m in towns_.measures]


def test_the_section_is_the_same_under_every_filter(browser, world, plans) -> None:
    """No filter gives a second version of a cell to subtract from the first."""
    browser.login(world.berater)
    sections = {
        section(browser.get(url).get_data(as_text=True))
        for url in ("/benchmark/", "/benchmark/?dimension=kreis", "/benchmark/?dimension=size&runde=2026", "/benchmark/?kommune=06437006")
    }
    assert len(sections) == 1


def test_demo_rounds_count_only_in_demo_mode(app, world, plans) -> None:
    demo = submit(plans["towns"][0], 2026, [30.0] * 5, is_demo=True, status=AssessmentStatus.SUBMITTED)
    for m in plans["small"][6:]:
        plan(m, PlanSource.MODULE, "modul2", added_in_id=demo.id)
    for m in plans["towns"][:2]:
        plan(m, PlanSource.MODULE, "modul2", added_in_id=demo.id)
    db.session.commit()
    counted = {m.source_id: m.taken for m in next(g for g in plan_view(k=5, include_demo=True).groups if g.key == "all").measures}
    assert counted["modul2"] == 6
    assert "modul2" not in {m.source_id for g in plan_view(k=5, include_demo=False).groups for m in g.measures}


def test_csv_has_the_plan_section(browser, world, plans) -> None:
    browser.login(world.admin)
    rows = german_csv_rows(browser.get("/benchmark/export.csv").get_data())
    section_rows = [r for r in rows if r["Abschnitt"] == "Maßnahmenpläne"]
    got = {
        (r["Vergleichsgruppe"], r["Maßnahme"]): (r["Im Plan (Kommunen)"], r["Erledigt (Kommunen)"], r["Tage bis erledigt (Median)"])
        for r in section_rows
    }
    assert got == {
        ("Land: alle Kommunen", MODULE): ("11", "5", "30"),
        ("Land: alle Kommunen", MEASURE): ("10", "4", ""),
        ("Größenklasse: unter 5.000 Einwohner", MODULE): ("6", "5", "30"),
        ("Größenklasse: 10.000 bis unter 20.000 Einwohner", MODULE): ("5", "0", ""),
    }
    note = next(r for r in rows if r["Abschnitt"] == "Hinweis")
    assert "Maßnahmenpläne: keine Maßnahme, die weniger als 5 Kommunen" in note["Vergleichsgruppe"]
    figures = next(r for r in rows if r["Abschnitt"] == "Vergleichsgruppe")
    assert figures["Maßnahme"] == "" and figures["Median"]  # the other sections keep their columns


def test_median_interpolates_between_the_two_middle_completions(app, world, plans) -> None:
    m = plans["towns"][5]
    plan(m, PlanSource.MODULE, "modul1", done_after=45)  # the towns' cell: 6 now, one done
    for town in plans["towns"][:4]:
        db.session.execute(
            db.update(PlanEntry)
            .where(PlanEntry.municipality_id == town.id, PlanEntry.source_id == "modul1")
            .values(status=PlanStatus.DONE, closed_at=START + timedelta(days=7 * (town.id % 7 + 1)))
        )
    db.session.commit()
    land = next(g for g in plan_view(k=5, include_demo=False).groups if g.key == "all")
    module = next(x for x in land.measures if x.source_id == "modul1")
    days = sorted([10, 20, 30, 40, 50, 45] + [7 * (t.id % 7 + 1) for t in plans["towns"][:4]])
    assert module.done == 10 and module.median_days == pytest.approx(float(np.median(days)))


def test_guard_of_the_plan_view() -> None:
    """plan_decisions: the k rule per cell, the pair rule Land vs size class, the residual rule within a measure,
    and measures guarded apart."""
    ids = lambda a, b: np.arange(a, b, dtype=np.int64)  # noqa: E731
    cells = {
        ("all", "m:a"): ids(0, 12),
        ("u5k", "m:a"): ids(0, 6),
        ("5k-10k", "m:a"): ids(6, 11),  # Land minus both published cells = 1 → the smaller gives way
        ("all", "m:b"): ids(0, 4),
        ("all", "m:c"): ids(0, 9),
        ("u5k", "m:c"): ids(0, 5),  # Land 9 minus 5 = 4: refused
    }
    decided = plan_decisions(cells, frozenset({"u5k", "5k-10k"}), 5)
    published = {key for key, d in decided.items() if d.published}
    assert published == {("all", "m:a"), ("u5k", "m:a"), ("all", "m:c")}
    assert "Weniger als 5" in decided[("all", "m:b")].reason
    assert decided[("u5k", "m:c")].conflicts_with == ("all", "m:c")


def test_entries_written_in_as_already_done_count_as_done_but_not_in_the_time_to_done(app, world) -> None:
    """Six Gemeinden did module 1 after 40 days; seven wrote it in when it was already done (closed when
    created): all thirteen count as done, the median time to done is the six's (counted, the seven's
    zero days would make it 0)."""
    made = towns("06632", 13, 3000)
    for m in made[:6]:
        plan(m, PlanSource.MODULE, "modul1", done_after=40)
    for m in made[6:]:
        plan(m, PlanSource.MODULE, "modul1", done_after=0)
    db.session.commit()
    land = next(g for g in plan_view(k=5, include_demo=False).groups if g.key == "all")
    module = next(m for m in land.measures if m.source_id == "modul1")
    assert (module.taken, module.done, module.median_days) == (13, 13, pytest.approx(40))
