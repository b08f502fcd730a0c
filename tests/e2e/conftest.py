"""End-to-end fixtures: the real app served over HTTP in a thread, Debian's Chromium driven by Playwright.

The server runs the session's app (tests/conftest.py) on 127.0.0.1 with a free port;
the `app` fixture still empties the database before each test. The browser may talk
to that server only: any other request is blocked and fails the test, so a CDN
reference cannot slip in. Playwright and axe-playwright-python are test dependencies
(pyproject's `test` extra); only the browser itself may be absent (skip, or fail under CI=true).
"""

from __future__ import annotations

import importlib.resources
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import got_request_exception
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import skip_or_fail

HOST = "127.0.0.1"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_BLOCKING = ("serious", "critical")
#: how Chromium words a CSP violation on the console ("Refused to execute inline script because it
#: violates the following Content Security Policy directive: …"), and how CSP_LISTENER does
CSP_SIGNS = ("Content Security Policy", "Content-Security-Policy", "Refused to")
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
}, true);"""


def is_csp_violation(console_text: str) -> bool:
    return any(sign in console_text for sign in CSP_SIGNS)


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log per request; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    url: str
    errors: list[BaseException] = field(default_factory=list)


def _closed_at_once(app: Any) -> Any:
    """The app with every response body read and its iterable closed before the server writes it.
    Werkzeug's development server closes the iterable only after draining the socket, and a read
    there fails when Chromium cancels a request (a favicon, a page left early): a static file that
    WhiteNoise opened then stays open until the garbage collector warns in some later test.
    gunicorn, which serves production, closes it in any case."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@pytest.fixture(scope="session")
def _live_server(app_factory: Any) -> Iterator[LiveServer]:
    server = make_server(HOST, 0, _closed_at_once(app_factory), threaded=True, request_handler=_QuietRequestHandler)
    live = LiveServer(f"http://{HOST}:{server.server_port}")

    def record(sender: Any, exception: BaseException, **extra: Any) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, app_factory)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    got_request_exception.disconnect(record, app_factory)


@pytest.fixture
def live_server(app: Any, _live_server: LiveServer) -> Iterator[LiveServer]:
    """The app over HTTP, on this test's empty database; an exception in any request fails the test."""
    _live_server.errors.clear()
    yield _live_server
    if _live_server.errors:
        pytest.fail("Die App hat während des Tests Ausnahmen geworfen: " + "; ".join(repr(e) for e in _live_server.errors))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail("Chromium fehlt: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies, empty localStorage) that reaches 127.0.0.1 only.

    Blocked requests, uncaught JavaScript errors, console errors and any Content Security
    Policy violation (reported by Chromium on the console, or as a securitypolicyviolation
    event, of whatever level) fail the test; failed resource loads are left to the
    assertions (a form with validation errors legitimately answers 400).
    """
    context = chromium.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    # injected through the DevTools protocol, so the page's own CSP does not apply to it
    context.add_init_script(CSP_LISTENER)
    blocked: list[str] = []
    problems: list[str] = []
    violations: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname == HOST:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def console(message: ConsoleMessage) -> None:
        if is_csp_violation(message.text):
            violations.append(f"{message.type}: {message.text}")
        elif message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"Konsole: {message.text}")

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"JavaScript-Fehler: {error}"))
    page.on("console", console)
    yield page
    context.close()
    if violations:
        pytest.fail("Verstöße gegen die Content Security Policy:\n" + "\n".join(violations))
    if blocked:
        pytest.fail("Anfragen an fremde Server (blockiert): " + ", ".join(blocked))
    if problems:
        pytest.fail("Fehler im Browser:\n" + "\n".join(problems))


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core as shipped in the axe-playwright-python package (a test dependency)."""
    return (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


class AxeAudit:
    """Runs axe-core (WCAG 2.1 A/AA rules) on pages and keeps their serious and critical violations.

    The script is evaluated through the DevTools protocol, so the page's CSP
    (script-src 'self') stays in force and untouched.
    """

    def __init__(self, source: str):
        self.source = source
        self.findings: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: Page, name: str) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        result = page.evaluate("options => window.axe.run(document, options)", options)
        self.findings[name] = [v for v in result["violations"] if v["impact"] in AXE_BLOCKING]
        return self.findings[name]

    @property
    def clean(self) -> bool:
        return not any(self.findings.values())

    def report(self) -> str:
        """Violations per page: rule, impact, help link, the elements and why they fail."""
        lines = ["axe-core: schwere oder kritische Verstöße (WCAG 2.1 A/AA):"]
        for page_name, violations in self.findings.items():
            for v in violations:
                lines.append(f"\n[{page_name}] {v['id']} ({v['impact']}): {v['help']}\n  {v['helpUrl']}")
                for node in v["nodes"][:5]:
                    lines.append(f"  - {', '.join(map(str, node['target']))}\n    {node['html'][:200]}")
                    lines.append("    " + (node.get("failureSummary") or "").replace("\n", "\n    "))
                if len(v["nodes"]) > 5:
                    lines.append(f"  … und {len(v['nodes']) - 5} weitere Elemente")
        return "\n".join(lines)


@pytest.fixture
def axe(axe_source: str) -> AxeAudit:
    return AxeAudit(axe_source)
