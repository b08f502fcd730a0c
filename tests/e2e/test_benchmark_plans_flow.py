"""The benchmark's plan section in a real Chromium: a consultant reads which measures municipalities
take into their plans and complete, per size class, with the withheld cells absent; axe-core on the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from digicheck.extensions import db
from digicheck.models import Municipality
from digicheck.models.plan import PlanEntry, PlanSource, PlanStatus
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_benchmark_flow import bench  # noqa: F401 - fixture
from tests.e2e.test_questionnaire_flow import log_in

MODULE = "Modul 1: Einführung und Überblick zum OZG"
START = datetime(2026, 2, 2, 9, tzinfo=UTC)


@pytest.fixture
def plans(world: World, bench: None) -> None:  # noqa: F811
    """Module 1 in the plans of the 17 Gemeinden of the bench world's three Kreise (8 under 5,000, 9 of
    5,000-10,000; the first 8 done after 20, 40, … 160 days); the Gießen measure in 4 only (below k)."""
    towns = db.session.scalars(
        db.select(Municipality).where(Municipality.kreis_ags.in_(("06431", "06432", "06433"))).order_by(Municipality.ags)
    ).all()
    for i, m in enumerate(towns):
        done = i < 8
        db.session.add(
            PlanEntry(
                municipality_id=m.id,
                area_id="strategie",
                title="OZG-Einführung",
                source=PlanSource.MODULE,
                source_id="modul1",
                created_at=START,
                status=PlanStatus.DONE if done else PlanStatus.PLANNED,
                closed_at=START + timedelta(days=20 * (i + 1)) if done else None,
            )
        )
        if i < 4:
            db.session.add(
                PlanEntry(
                    municipality_id=m.id,
                    area_id="strategie",
                    title="Stabsstelle",
                    source=PlanSource.MEASURE,
                    source_id="giessen-stabsstelle",
                )
            )
    db.session.commit()


def test_consultant_reads_what_municipalities_plan_and_complete(page: Page, world: World, plans: None, axe: AxeAudit) -> None:
    page.goto("/anmelden")
    log_in(page, world.berater.email)
    page.goto("/benchmark/", wait_until="domcontentloaded")  # the plan tables are server-rendered; no need to wait for the charts
    section = page.locator("section").filter(
        has=page.get_by_role("heading", name="Maßnahmenpläne: was Kommunen sich vornehmen und umsetzen")
    )
    expect(section).to_be_visible()
    land = section.get_by_role("table", name="Häufigste Maßnahmen in Plänen – Land: alle Kommunen")
    expect(land.locator("tbody tr")).to_have_count(1)  # the measure of 4 is withheld
    expect(land.locator("tbody th")).to_have_text([MODULE])
    expect(land.locator("tbody td")).to_have_text(["Beratungsmodul", "17", "8", "90"])
    small = section.get_by_role("table", name="Häufigste Maßnahmen in Plänen – Größenklasse: unter 5.000 Einwohner")
    expect(small.locator("tbody td")).to_have_text(["Beratungsmodul", "8", "4", "keine Angabe (weniger als 5 erledigt)"])
    assert "Stabsstelle" not in section.inner_text()
    axe.check(page, "Benchmark mit Maßnahmenplänen (Beratung)")
    assert axe.clean, axe.report()
