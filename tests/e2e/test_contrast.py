"""Colours a keyboard and a weak eye depend on, computed in a real Chromium (WCAG 2.1 relative
luminance): every link and button on the admin pages has at least 4.5:1 against what is behind it,
and the focus ring at least 3:1 against its surroundings, on every element reached with Tab.
The skip links lead to the content and, on an area page, to the first question."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from digicheck.accounts import services as accounts
from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Role
from tests.conftest import World, add_user
from tests.e2e.test_questionnaire_flow import log_in

#: colour helpers in the page: the effective background walks up to the first opaque ancestor
COLOURS = """
const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const background = (el) => {
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || c[3] > 0) { return c.slice(0, 3); }
  }
  return [255, 255, 255];
};
const describe = (el) => `${el.tagName.toLowerCase()} „${(el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40)}“`;
"""

TEXT_CONTRAST = (
    "() => {"
    + COLOURS
    + """
  return Array.from(document.querySelectorAll('a[href], button'))
    .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map(el => ({name: describe(el), ratio: ratio(rgb(getComputedStyle(el).color).slice(0, 3), background(el))}));
}"""
)

FOCUS_RING = (
    "() => {"
    + COLOURS
    + """
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const width = parseFloat(style.outlineWidth);
  const visible = style.outlineStyle !== 'none' && width >= 2;
  return {name: describe(el), visible, width,
          ratio: visible ? ratio(rgb(style.outlineColor).slice(0, 3), background(el.parentElement)) : 0};
}"""
)

ADMIN_PAGES = ("/verwaltung/konten", "/verwaltung/einladungen")


@pytest.fixture
def accounts_to_manage(world: World) -> None:
    """A locked account (Freigeben), open invitations (Zurückziehen), an accepted one."""
    locked = add_user("gesperrt@erbach.example.org", "Gesperrte Person", Role.KOMMUNE, world.erbach)
    accounts.set_active(locked, False, world.admin)
    accounts.invite("offen@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    accounts.invite("beratung@land.example.org", Role.BERATER, None, world.admin)
    db.session.commit()


def low_contrast(page: Page, minimum: float) -> list[str]:
    return [f"{row['name']}: {row['ratio']:.2f}:1" for row in page.evaluate(TEXT_CONTRAST) if row["ratio"] < minimum]


def test_every_link_and_button_on_the_admin_pages_has_4_5_to_1(page: Page, world: World, accounts_to_manage: None) -> None:
    page.goto("/anmelden")
    log_in(page, world.admin.email)
    weak: list[str] = []
    seen = 0
    for url, buttons in zip(ADMIN_PAGES, (("Sperren", "Freigeben"), ("Zurückziehen",)), strict=True):
        page.goto(url)
        for name in buttons:  # the buttons of the issue are among those measured
            expect(page.locator("button", has_text=name).first).to_be_visible()
        seen += len(page.evaluate(TEXT_CONTRAST))
        weak += [f"{url}: {line}" for line in low_contrast(page, 4.5)]
    assert seen > 20
    assert weak == [], "\n".join(weak)


def focus_rings(page: Page, limit: int = 80) -> tuple[list[dict[str, Any]], list[str]]:
    """Tab through the page from the top: every focused element, and those whose ring is missing or faint."""
    page.locator("body").focus()
    rings, weak = [], []
    first = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["name"] == first or ring["name"].startswith("body "):  # round the page, or out to the browser
            break
        first = first or ring["name"]
        rings.append(ring)
        if not ring["visible"] or ring["ratio"] < 3:
            weak.append(f"{ring['name']}: Rahmen {'fehlt' if not ring['visible'] else format(ring['ratio'], '.2f') + ':1'}")
    return rings, weak


def test_the_focus_ring_has_3_to_1_everywhere_a_keyboard_goes(page: Page, world: World, accounts_to_manage: None) -> None:
    page.goto("/anmelden")
    _, weak = focus_rings(page)
    log_in(page, world.admin.email)
    for url in ADMIN_PAGES:
        page.goto(url)
        rings, found = focus_rings(page)
        assert len(rings) > 10
        assert any("Einladungen" in r["name"] for r in rings)  # the header's links are among them
        weak += [f"{url}: {line}" for line in found]
    assert weak == [], "\n".join(weak)


def test_skip_links_lead_to_the_content_and_to_the_first_question(page: Page, world: World) -> None:
    assessment = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    page.goto("/anmelden")
    log_in(page, world.kommune.email)
    page.goto(f"/bewertung/{assessment.id}/bereich/strategie")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Tab")
    to_question = page.get_by_role("link", name="Zur ersten Frage springen")
    expect(to_question).to_be_focused()
    expect(to_question).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the next stop after the jump: an answer of the first question
    first_question = page.locator("fieldset.item").first
    assert page.evaluate("(fieldset) => fieldset.contains(document.activeElement)", first_question.element_handle())
