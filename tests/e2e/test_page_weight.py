"""Chart pages within a byte budget (issue 13): on a cold load (empty browser cache) the result page,
the consultant's assessment view and the benchmark report each transfer at most 600 KB, counting
every response as it crossed the wire (HTML, CSS, scripts, fonts, images; compressed where the
server compresses, headers included), as Chromium's DevTools protocol reports it. Bytes, not time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from digicheck.extensions import db
from tests.conftest import World
from tests.e2e.conftest import LiveServer
from tests.e2e.test_benchmark_flow import bench  # noqa: F401  (a fixture: 22 published assessments)
from tests.e2e.test_questionnaire_flow import log_in

BUDGET = 600_000
#: what must come compressed: every static text file (pre-compressed; the pages themselves are
#: compressed by the reverse proxy in production, not by the app, and count here as sent by it)
TEXT_TYPES = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")


@dataclass
class Transfer:
    """Responses of one page load: url -> (bytes on the wire, content type, content encoding)."""

    responses: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(r.get("bytes", 0) for r in self.responses.values())

    def uncompressed_text(self) -> list[str]:
        return [
            url
            for url, r in self.responses.items()
            if "/static/" in url and r.get("type", "").startswith(TEXT_TYPES) and r.get("encoding") not in ("br", "gzip")
        ]

    def table(self) -> str:
        rows = sorted(self.responses.items(), key=lambda item: -item[1].get("bytes", 0))
        return "\n".join(f"{r.get('bytes', 0):>9} {r.get('encoding') or '-':>5} {url}" for url, r in rows)


def cold_load(chromium: Browser, live_server: LiveServer, logged_in: Page, path: str) -> tuple[Transfer, Page]:
    """Load `path` in a new browser context with the session cookie of `logged_in` and an empty cache."""
    context = chromium.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900}, storage_state=logged_in.context.storage_state()
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    transfer = Transfer()
    by_id: dict[str, str] = {}

    def response(event: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        by_id[event["requestId"]] = url = event["response"]["url"]
        transfer.responses[url] = {"type": headers.get("content-type", ""), "encoding": headers.get("content-encoding")}

    def finished(event: dict[str, Any]) -> None:
        url = by_id.get(event["requestId"])
        if url is not None:
            transfer.responses[url]["bytes"] = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", response)
    cdp.on("Network.loadingFinished", finished)
    page.goto(path, wait_until="networkidle")
    return transfer, page


def expect_within_budget(transfer: Transfer, name: str) -> None:
    print(f"\n{name}: {transfer.total} bytes\n{transfer.table()}")
    assert all("bytes" in r for r in transfer.responses.values()), transfer.table()
    assert not transfer.uncompressed_text(), f"{name}: uncompressed text responses\n{transfer.table()}"
    assert transfer.total <= BUDGET, f"{name}: {transfer.total} bytes > {BUDGET}\n{transfer.table()}"


def measured(
    chromium: Browser, live_server: LiveServer, page: Page, email: str, path: str, name: str, ready: Callable[[Page], None]
) -> None:
    page.goto("/anmelden")
    log_in(page, email)
    expect(page.locator(".flash-success, h1").first).to_be_visible()
    transfer, cold = cold_load(chromium, live_server, page, path)
    try:
        ready(cold)
        expect_within_budget(transfer, name)
    finally:
        cold.context.close()


def radar_drawn(page: Page) -> None:
    expect(page.locator("#radar g.series").first).to_be_visible()
    expect(page.locator("#radar-tabelle")).to_be_visible()


def test_result_and_consultant_view_within_budget(chromium: Browser, live_server: LiveServer, page: Page, world: World) -> None:
    from tests.app.test_consult import submitted

    assessment = submitted(world.erbach, "high", user=world.kommune)
    db.session.commit()
    measured(chromium, live_server, page, world.kommune.email, f"/bewertung/{assessment.id}/ergebnis", "Ergebnis", radar_drawn)
    page.context.clear_cookies()
    measured(chromium, live_server, page, world.berater.email, f"/beratung/bewertung/{assessment.id}", "Beratung: Bewertung", radar_drawn)


@pytest.mark.usefixtures("bench")
def test_benchmark_report_within_budget(chromium: Browser, live_server: LiveServer, page: Page, world: World) -> None:
    def charts_drawn(cold: Page) -> None:
        expect(cold.locator("#box-overall")).to_have_attribute("data-rendered", "true")
        expect(cold.locator("#trend")).to_have_attribute("data-rendered", "true")

    measured(chromium, live_server, page, world.berater.email, "/benchmark/?dimension=kreis", "Benchmark", charts_drawn)
