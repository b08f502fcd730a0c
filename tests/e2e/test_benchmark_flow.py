"""The benchmark report in a real Chromium, for a Kommune and for a Berater: change the comparison
groups, see suppressed groups without figures, charts drawn by Plotly with the same numbers as their
data tables; axe-core on the page. Screenshots for a human look land in /tmp/e2e-shots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from digicheck.extensions import db
from tests.app.benchmark_helpers import municipality, submit
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")
K = 5
KREISE = {"06431": 6, "06432": 8, "06433": 3}  # 06433 is below k
AREAS = ("overall", "strategie", "organisation", "kooperation", "kommunikation", "technik")
CHARTS = [f"box-{a}" for a in AREAS] + ["heatmap", "trend"]


@pytest.fixture
def bench(world: World) -> None:
    """22 submitted assessments in 2026 (14 of them also in 2025), all in Regierungsbezirk Darmstadt:
    three Kreise of small Gemeinden and the Odenwaldkreis with Erbach and four towns of its size.
    Kreis 06433 (3) is below k; the Odenwaldkreis (5) gives way to the residual rule, since the Land
    minus the other published Kreise would describe Kreis 06433."""
    for kreis, count in KREISE.items():
        for i in range(count):
            m = municipality(f"{kreis}{i:03d}", kreis_ags=kreis, kreis=f"Kreis {kreis}", rb="Darmstadt", population=3000 if i % 2 else 7000)
            value = 25.0 + 6 * i + int(kreis[-1])
            scores = [value, value + 5, value - 5, value + 10, value - 10]
            if kreis != "06433":
                submit(m, 2025, [s - 8 for s in scores])
            submit(m, 2026, scores)
    for i in range(4):
        m = municipality(
            f"06437{i + 100:03d}", kreis_ags="06437", kreis="Odenwaldkreis", rb="Darmstadt", population=12000 + i, kind="Stadt"
        )
        submit(m, 2026, [40.0 + 9 * i, 35.0, 45.0, 55.0 - 4 * i, 60.0])
    submit(world.erbach, 2026, [52.0, 41.0, 47.0, 50.0, 58.0])
    db.session.commit()


def numbers(cells: Locator) -> list[str]:
    return [text.strip() for text in cells.all_inner_texts()]


def row(table: Locator, label: str) -> Locator:
    return table.locator("tbody tr").filter(has=table.page.get_by_role("rowheader", name=label, exact=True))


def expect_suppressed(table: Locator, label: str) -> None:
    """The group is named, its cells say "keine Angabe" with a reason and hold no figure (k itself aside)."""
    cells = row(table, label).locator("td")
    expect(cells).to_have_count(1)
    text = cells.inner_text()
    assert text.startswith("keine Angabe – "), text
    assert not re.search(r"\d", text.replace(f"weniger als {K} ", "").replace(f"Weniger als {K} ", "")), text


def expect_charts_match_tables(page: Page) -> None:
    """Every chart is drawn; each box chart shows exactly the published groups of its table, with their quartiles."""
    for chart in CHARTS:
        expect(page.locator(f"#{chart}")).to_have_attribute("data-rendered", "true")
        expect(page.locator(f"#{chart} svg.main-svg").first).to_be_visible()
    for area in AREAS:
        box = page.evaluate(f"() => {{ const t = document.getElementById('box-{area}').data[0]; return [t.y, t.q1, t.median, t.q3]; }}")
        table = page.locator(f"#quartile-{area}")
        shown = [r for r in table.locator("tbody tr").all() if r.locator("td.suppressed").count() == 0]
        assert box[0] == [r.locator("th").inner_text() for r in shown]
        expected = [[f"{v:.1f}".replace(".", ",") for v in column] for column in box[1:]]
        assert [[numbers(r.locator("td"))[i] for r in shown] for i in (1, 2, 3)] == expected
    heatmap = page.evaluate("() => document.getElementById('heatmap').data[0].y")
    levels = page.locator("#stufen-tabelle")
    assert heatmap == [r.locator("th").inner_text() for r in levels.locator("tbody tr").all() if r.locator("td.suppressed").count() == 0]
    trend = page.evaluate("() => document.getElementById('trend').data.map(t => [t.name, t.x, t.y])")
    expect(page.locator("#trend .legend .traces .legendtext")).to_have_count(len(AREAS))
    medians = page.locator("#zeitreihe-tabelle tbody tr").first.locator("td")
    assert trend[0][1] == ["2025", "2026"] and trend[0][0] == "Gesamt"
    assert numbers(medians)[1] == f"{trend[0][2][0]:.1f}".replace(".", ",")


KEEPS_HEIGHT = """() => [...document.querySelectorAll("[data-figure-source]")].every(node => {
  const height = JSON.parse(document.getElementById(node.dataset.figureSource).textContent).layout.height;
  const svg = node.querySelector("svg.main-svg");
  return svg && Number(svg.getAttribute("width")) === node.clientWidth && Number(svg.getAttribute("height")) === height;
})"""


def expect_charts_keep_their_height(page: Page, width: int) -> None:
    """Each chart is as tall as its figure says (no padding below a short one), also after the window is resized."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_function(KEEPS_HEIGHT, timeout=5_000)


def choose(page: Page, label: str, option: str) -> None:
    form = page.locator("form.filters")
    form.get_by_label(label, exact=True).select_option(label=option)
    with page.expect_navigation():  # the old page has the same elements
        form.get_by_role("button", name="Anzeigen").click()


def test_kommune_and_consultant_read_the_benchmark(page: Page, world: World, bench: None, axe: AxeAudit) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.goto("/anmelden")
    log_in(page, world.kommune.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Benchmark").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmark: Digitalisierung im Vergleich, Runde 2026")
    participation = page.locator("#beteiligung-tabelle")
    expect(participation.locator("tbody th")).to_have_text(["Land: alle Kommunen"])
    expect(row(participation, "Land: alle Kommunen").locator("td").first).to_have_text("22")
    expect(page.get_by_role("heading", name="Perzentilränge: Erbach")).to_be_visible()
    expect(page.get_by_label("Kommune für Perzentilränge und ähnliche Kommunen")).to_have_count(0)
    expect(page.get_by_role("heading", name="Ähnliche Kommunen")).to_have_count(0)
    expect_charts_match_tables(page)
    page.screenshot(path=str(SHOTS / "benchmark-kommune.png"), full_page=True)
    axe.check(page, "Benchmark (Kommune, Land)")

    choose(page, "Vergleichsgruppen", "Landkreis / kreisfreie Stadt")
    expect(page).to_have_url(re.compile(r"dimension=kreis"))
    expect(page.get_by_role("heading", name="Punktzahlen je Bereich: Landkreis / kreisfreie Stadt")).to_be_visible()
    kreise = [f"Landkreis / kreisfreie Stadt: Kreis {k}" for k in KREISE] + ["Landkreis / kreisfreie Stadt: Odenwaldkreis"]
    expect(participation.locator("tbody th")).to_have_text(["Land: alle Kommunen", *kreise])
    expect(row(participation, kreise[0]).locator("td").first).to_have_text("6")
    expect(row(participation, kreise[1]).locator("td").first).to_have_text("8")
    for table in (participation, page.locator("#quartile-overall"), page.locator("#quartile-technik"), page.locator("#stufen-tabelle")):
        expect_suppressed(table, kreise[2])  # below k
        expect_suppressed(table, kreise[3])  # residual rule
    assert "Weniger als 5" in row(participation, kreise[2]).inner_text()
    assert "Zurückgehalten" in row(participation, kreise[3]).inner_text()
    expect_charts_match_tables(page)
    assert page.evaluate("() => document.getElementById('box-overall').data[0].y") == ["Land: alle Kommunen", *kreise[:2]]
    expect_charts_keep_their_height(page, 800)
    expect_charts_keep_their_height(page, 1280)
    page.screenshot(path=str(SHOTS / "benchmark-kommune-kreise.png"), full_page=True)
    axe.check(page, "Benchmark (Kommune, Kreise)")

    # the consultant picks the size classes and a municipality for ranks and neighbours
    page.get_by_role("button", name=re.compile(r"^Abmelden")).click()
    log_in(page, world.berater.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Benchmark").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmark: Digitalisierung im Vergleich, Runde 2026")
    expect(page.get_by_role("heading", name=re.compile(r"^Perzentilränge"))).to_have_count(0)
    page.locator("form.filters").get_by_label("Kommune für Perzentilränge und ähnliche Kommunen").select_option(
        label="Erbach (Stadt, AGS 06437006)"
    )
    choose(page, "Vergleichsgruppen", "Größenklasse")
    sizes = [
        "Größenklasse: unter 5.000 Einwohner",
        "Größenklasse: 5.000 bis unter 10.000 Einwohner",
        "Größenklasse: 10.000 bis unter 20.000 Einwohner",
    ]
    expect(participation.locator("tbody th")).to_have_text(["Land: alle Kommunen", *sizes])
    expect(participation.locator("td.suppressed")).to_have_count(0)
    ranks = page.locator("#raenge-tabelle")
    expect(page.get_by_role("heading", name="Perzentilränge: Erbach")).to_be_visible()
    expect(ranks.locator("tbody th")).to_contain_text(["Land: alle Kommunen"])
    expect(page.locator("#aehnliche-tabelle tbody tr")).to_have_count(5)
    expect(page.locator("#aehnliche-tabelle tbody th").first).to_contain_text("AGS 06437")  # the towns of its size
    expect_charts_match_tables(page)
    page.screenshot(path=str(SHOTS / "benchmark-berater.png"), full_page=True)
    axe.check(page, "Benchmark (Beratung, Größenklassen, Kommune gewählt)")

    assert axe.clean, axe.report()
