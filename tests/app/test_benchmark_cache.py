"""The benchmark's figures are remembered per process and data version (digicheck.benchmark.cache): a write
by another worker is seen at the next request, every write the figures depend on moves the version."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from digicheck.benchmark import cache
from digicheck.extensions import db
from digicheck.plan import services as plan_services
from tests.app.benchmark_helpers import kreis_world, municipality, submit

PAGE = "/benchmark/?dimension=kreis"


def participation(html: str) -> dict[str, str]:
    """Group label -> submitted assessments, as the page's participation table shows them."""
    table = html[html.index('id="beteiligung-tabelle"') :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'<th scope="row">([^<]*)</th>\s*(?:<td>([^<]*)</td>|<td colspan)', table))


def test_a_submission_through_another_worker_is_seen_at_the_next_request(browser, world, other_app) -> None:
    kreis_world({"06431": 6, "06432": 8})
    newcomers = [municipality(f"06431{900 + i}", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000) for i in range(2)]
    db.session.commit()
    browser.login(world.berater)
    before = participation(browser.get(PAGE).get_data(as_text=True))
    assert before["Landkreis / kreisfreie Stadt: Kreis 06431"] == "6"
    assert participation(browser.get(PAGE).get_data(as_text=True)) == before  # the second view from memory, the same

    worker = other_app()  # a second process on the same database submits two rounds
    with worker.app_context():
        for m in newcomers:
            submit(db.session.get(type(m), m.id), 2026, [70.0] * 5)
        db.session.commit()

    after = participation(browser.get(PAGE).get_data(as_text=True))
    assert after["Landkreis / kreisfreie Stadt: Kreis 06431"] == "8"
    assert after["Landkreis / kreisfreie Stadt: Kreis 06432"] == "8"


def test_every_write_the_figures_depend_on_moves_the_version(app, world) -> None:
    kreis_world({"06431": 6})
    db.session.commit()
    first = cache.data_version()

    submit(world.erbach, 2025, [40.0] * 5)  # a submission: the assessment and its area results
    db.session.commit()
    submitted = cache.data_version()
    assert submitted.figures != first.figures and submitted.plans == first.plans

    world.giessen.population += 1  # the register import changes municipalities through the ORM
    db.session.commit()
    imported = cache.data_version()
    assert imported.figures != submitted.figures and imported.plans != submitted.plans

    values = plan_services.EntryValues("strategie", "Stabsstelle Digitalisierung")
    entry = plan_services.add_entry(world.erbach, world.kommune, values)
    db.session.commit()
    added = cache.data_version()
    assert added.plans != imported.plans and added.figures == imported.figures

    plan_services.update_entry(entry, world.kommune, replace(values, title="Stabsstelle Digitales"), entry.version)
    db.session.commit()
    changed = cache.data_version()
    assert changed.plans != added.plans and changed.figures == added.figures


def test_remembered_values_are_computed_again_for_another_version_or_when_old(app, monkeypatch) -> None:
    computed: list[int] = []

    def compute() -> Any:
        computed.append(1)
        return len(computed)

    assert cache.remembered("key", (1,), compute) == 1
    assert cache.remembered("key", (1,), compute) == 1
    assert cache.remembered("other", (1,), compute) == 2
    assert cache.remembered("key", (2,), compute) == 3
    monkeypatch.setattr(cache, "MAX_AGE", 0.0)
    assert cache.remembered("key", (2,), compute) == 4
