"""Every page of every role at phone width (390 px): nothing scrolls sideways; wide tables scroll in
their own labelled, focusable container; every link and button has at least 4.5:1 contrast. The pages are those of the route x role matrix that answer
200 with HTML for the role, plus the pages of an open round, a working invitation link and an error page.

Screenshots for a human look land in /tmp/e2e-shots/phone-*.png.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from digicheck.accounts import services as accounts
from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Role
from tests.app.helpers import Q, answer_for
from tests.app.test_route_matrix import MATRIX, ROLES, routes, targets, url_of  # noqa: F401 - targets is a fixture
from tests.conftest import World
from tests.e2e.conftest import LiveServer
from tests.e2e.test_benchmark_flow import bench  # noqa: F401 - a fixture: enough rounds for every benchmark chart
from tests.e2e.test_contrast import low_contrast
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")
PHONE = {"width": 390, "height": 844}
#: pages worth a look by a human, by path pattern
SHOT = re.compile(r"^/(bewertung/\d+/(ergebnis|bereich/technik)|benchmark/|beratung/(bewertung/\d+)?|verwaltung/(konten|einladungen))$")


def page_urls(app: Any, role: str, values: dict[str, Any], extra: dict[str, list[str]]) -> list[str]:
    """The GET pages this role may open (200 in the matrix), then the extra ones."""
    index = ROLES.index(role)
    urls = [url_of(app, rule, values) for rule, method in routes(app) if method == "GET" and MATRIX[(rule.endpoint, method)][index] == 200]
    return sorted(set(urls)) + extra.get(role, [])


@dataclass
class Site:
    values: dict[str, Any]  #: the URL parameters of the route matrix
    extra: dict[str, list[str]]  #: more pages per role


@pytest.fixture
def site(world: World, targets: dict[str, Any], bench: None) -> Site:  # noqa: F811
    """The route matrix's data and the benchmark's; besides, Gießen's open round (its area pages,
    the interim result and the submit page), the IKZ comparison, a working invitation link, and a
    page that does not exist."""
    open_round = svc.start_round(world.giessen, world.other)
    answers = {item.id: answer_for(item) for item in Q.items if item.id.startswith(("strategie.", "technik."))}
    svc.save_answers(open_round, world.other, answers, {})
    invitation = accounts.invite("neu@giessen.example.org", Role.KOMMUNE, world.giessen, world.admin)
    db.session.commit()
    own = f"/bewertung/{open_round.id}"
    return Site(
        targets,
        {
            "anonymous": [f"/einladung/{invitation.token}", "/gibt-es-nicht"],
            "kommune": [f"/bewertung/{targets['assessment_id']}/bereich/{area.id}" for area in Q.areas],
            "other": [*(f"{own}/bereich/{area.id}" for area in Q.areas), f"{own}/ergebnis", f"{own}/abschliessen", f"{own}/verlauf"],
            "berater": ["/beratung/ikz?kommunen=Erbach,Gießen", "/beratung/?sortierung=name"],
        },
    )


def overflow(page: Page) -> dict[str, Any]:
    """How wide the document is, and the widest elements that stick out of the viewport."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const culprits = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 0.5 && !el.closest('.table-scroll')) {
              culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} (${Math.round(box.right)} px)`);
            }
          }
          const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = texts.nextNode(); node; node = texts.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            if (range.getBoundingClientRect().right > width + 0.5 && !node.parentElement.closest('.table-scroll')) {
              culprits.push(`Text in ${node.parentElement.tagName.toLowerCase()}: „${node.textContent.trim().slice(0, 40)}“`);
            }
          }
          return {scrollWidth: document.documentElement.scrollWidth, culprits: culprits.slice(0, 5)};
        }"""
    )


def unlabelled_scrollers(page: Page) -> list[str]:
    """Scroll containers a keyboard cannot reach or a screen reader cannot name."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-scroll'))
             .filter(el => el.getAttribute('tabindex') !== '0' || !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
             .map(el => el.outerHTML.slice(0, 120))"""
    )


def small_chart_text(page: Page, minimum: float) -> list[str]:
    """Texts of the server-drawn charts (radar labels, legend) rendered smaller than `minimum` px, and
    the level ticks (1-5 on the axis) smaller than 10 px: the SVG scales with the page, so its font
    size shrinks with it."""
    return page.evaluate(
        """(minimum) => Array.from(document.querySelectorAll('.svg-chart svg text'))
             .map(el => {
               const svg = el.ownerSVGElement, box = svg.viewBox.baseVal;
               const px = parseFloat(getComputedStyle(el).fontSize) * svg.getBoundingClientRect().width / box.width;
               return [el.textContent.trim(), px, el.classList.contains('tick')];
             })
             .filter(([text, px, tick]) => text && px < (tick ? 10 : minimum))
             .map(([text, px]) => `${text} (${px.toFixed(1)} px)`)""",
        minimum,
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_at_390_px_fits_and_keeps_its_contrast(
    app: Any,
    chromium: Browser,
    live_server: LiveServer,
    world: World,
    site: Site,
    analyst: Any,
    role: str,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, locale="de-DE", viewport=PHONE, device_scale_factor=1)
    context.set_default_timeout(15_000)
    wide: list[str] = []
    visited = 0
    try:
        page = context.new_page()
        if role != "anonymous":
            page.goto("/anmelden")
            log_in(page, (analyst if role == "analyst" else getattr(world, role)).email)
            page.wait_for_url(re.compile(r"^(?!.*/anmelden)"))
        for url in page_urls(app, role, site.values, site.extra):
            if not page.request.head(url, max_redirects=0).headers.get("content-type", "").startswith("text/html"):
                continue  # downloads, probes
            page.goto(url)
            page.wait_for_load_state("networkidle")
            visited += 1
            found = overflow(page)
            if found["scrollWidth"] > PHONE["width"]:
                wide.append(f"{url}: {found['scrollWidth']} px breit; ragt heraus: {', '.join(found['culprits'])}")
            wide += [f"{url}: Scrollbereich ohne tabindex=0 oder Namen: {html}" for html in unlabelled_scrollers(page)]
            wide += [f"{url}: Kontrast unter 4,5:1: {line}" for line in low_contrast(page, 4.5)]
            wide += [f"{url}: Diagrammbeschriftung zu klein: {line}" for line in small_chart_text(page, 12)]
            if SHOT.match(url.split("?")[0]) and role in ("kommune", "berater"):
                name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "start"
                page.screenshot(path=str(SHOTS / f"phone-{role}-{name}.png"), full_page=True)
    finally:
        context.close()
    assert visited >= 3
    assert wide == [], "\n".join(wide)
