"""The API's documentation page in a real Chromium: served locally (the page fixture blocks any other
host), reachable without login, every endpoint listed and linked to its section, axe-core clean."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import AxeAudit


def test_api_docs_page_lists_every_endpoint_and_passes_axe(page: Page, axe: AxeAudit) -> None:
    spec = page.request.get("/api/v1/openapi.json").json()
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Digi-Check API")
    contents = page.get_by_role("navigation", name="Endpunkte")
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "put"):
                expect(contents.get_by_role("link", name=f"{method.upper()} {path}", exact=True)).to_be_visible()
    contents.get_by_role("link", name="GET /api/v1/benchmark", exact=True).click()
    section = page.get_by_role("region", name="GET /api/v1/benchmark", exact=True)
    expect(section.get_by_role("table", name="Parameter")).to_contain_text("dimension")
    expect(section.get_by_role("table", name="Antworten")).to_contain_text("application/problem+json")
    page.get_by_role("link", name="Benchmark", exact=True).first.click()
    expect(page.get_by_role("heading", name="Benchmark", level=3, exact=True)).to_be_visible()
    axe.check(page, "API-Dokumentation")
    assert axe.clean, axe.report()
