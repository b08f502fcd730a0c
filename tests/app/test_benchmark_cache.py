"""The benchmark's figures are remembered per process and data version (digicheck.benchmark.cache): a write
by another worker is seen at the next request, every write the figures depend on moves the version."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from typing import Any

from digicheck.benchmark import cache
from digicheck.extensions import db
from digicheck.models import Role
from digicheck.plan import services as plan_services
from tests.app.benchmark_helpers import kreis_world, municipality, submit
from tests.conftest import add_user

PAGE = "/benchmark/?dimension=kreis"


def participation(html: str) -> dict[str, str]:
    """Group label -> submitted assessments, as the page's participation table shows them."""
    table = html[html.index('id="beteiligung-tabelle"') :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'<th scope="row">([^<]*)</th>\s*(?:<td>([^<]*)</td>|<td colspan)', table))


def ranks(html: str) -> list[str]:
    """The cells of the ranks table."""
    table = html[html.index('id="raenge-tabelle"') :]
    return re.findall(r"<td>([^<]*)</td>", table[: table.index("</table>")])


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


def test_one_reader_s_ranks_never_reach_the_next_reader(make_browser, world) -> None:
    """Two Kommunen of the same Kreis and size class: each sees its own ranks; the sections remembered for
    everyone hold no municipality, so the consultant sees neither."""
    first, last = (made := kreis_world({"06437": 6})["06437"])[0], made[-1]
    users = [add_user(f"kommune-{m.ags}@example.org", m.name, Role.KOMMUNE, m) for m in (first, last)]
    low, high, berater = make_browser(), make_browser(), make_browser()
    low.login(users[0])
    high.login(users[1])
    berater.login(world.berater)
    seen_low = low.get(PAGE).get_data(as_text=True)
    seen_high = high.get(PAGE).get_data(as_text=True)
    assert f"Perzentilränge: {first.name}" in seen_low and f"Perzentilränge: {last.name}" in seen_high
    assert first.name not in seen_high and last.name not in seen_low
    assert ranks(seen_low) != ranks(seen_high)  # the lowest and the highest scores of the Kreis
    seen_by_berater = berater.get(PAGE).get_data(as_text=True)
    assert 'id="raenge"' not in seen_by_berater and 'id="aehnliche"' not in seen_by_berater


def test_threads_asking_for_the_same_figures_compute_them_once(app) -> None:
    """A worker's threads after a write: one computes (seconds at Germany's size), the others wait for its value."""
    computed: list[int] = []
    results: list[str] = []

    def compute() -> str:
        computed.append(1)
        time.sleep(0.3)  # long enough for every thread to ask meanwhile
        return "figures"

    def ask() -> None:
        with app.app_context():
            results.append(cache.remembered("report", (1,), compute))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == ["figures"] * 4
    assert len(computed) == 1


def test_the_api_serves_the_remembered_figures_as_the_page_does(browser, world, other_app) -> None:
    """The benchmark endpoint takes the Länder and the report from the same memory per data version as
    the report page: a second call with unchanged data runs no statement of the report's, and a
    submission through another worker is seen at the next call."""
    from sqlalchemy import event

    from digicheck.accounts.tokens import create_token
    from digicheck.models import TokenRole
    from tests.app.api_helpers import bearer

    kreis_world({"06431": 6, "06432": 8})
    newcomers = [municipality(f"06431{900 + i}", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000) for i in range(2)]
    raw = create_token("BI", TokenRole.ANALYST)[1]
    db.session.commit()

    def participants() -> dict[str, float]:
        document = browser.get("/api/v1/benchmark?dimension=kreis", headers=bearer(raw)).get_json()
        return {g["label"]: g["participation"] for g in document["groups"] if g["dimension"] == "kreis"}

    first = participants()
    statements: list[str] = []
    record = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert participants() == first
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [s for s in statements if "area_scores" in s or "GROUP BY" in s.upper()], statements  # only the probe and the token

    worker = other_app()
    with worker.app_context():
        for m in newcomers:
            submit(db.session.get(type(m), m.id), 2026, [70.0] * 5)
        db.session.commit()
    kreis = "Landkreis / kreisfreie Stadt: Kreis 06431"
    assert (first[kreis], participants()[kreis]) == (75.0, 100.0)  # 6 of 8, then all 8 submitted
