"""Pages link under the script root the app is mounted at."""

from __future__ import annotations

import re


def test_pages_link_under_the_mount_point(browser, world) -> None:
    """A page rendered under a prefix links there, also after the same page was rendered without it."""
    browser.login(world.kommune)
    plain = browser.get("/").get_data(as_text=True)
    mounted = browser.get("/", base_url="http://localhost/digicheck").get_data(as_text=True)
    assert re.search(r'href="/static/css/app\.[0-9a-f]{12}\.css"', plain)
    assert re.search(r'href="/digicheck/static/css/app\.[0-9a-f]{12}\.css"', mounted)
    assert not re.search(r'href="/(?!digicheck/)[^"]*"', mounted)
