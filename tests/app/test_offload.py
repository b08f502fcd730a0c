"""PDFs, XLSX exports and archetypes are made in a child process (digicheck.offload): the serving
process never imports WeasyPrint, openpyxl or scikit-learn, and a child that fails or hangs
gives the user a German page while nothing of the request is stored."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from digicheck import offload, pdf, pdf_writer
from digicheck.extensions import db
from tests.app.benchmark_helpers import kreis_world, submit
from tests.conftest import PASSWORD, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("weasyprint", "openpyxl", "sklearn", "scipy", "plotly")

#: a serving process of its own: the test run itself has imported these libraries long ago
SERVE = """
import json, sys
from types import SimpleNamespace
from digicheck.app import create_app
from tests.conftest import Browser
app = create_app({"SECRET_KEY": "test-secret-of-at-least-32-characters", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "TESTING": True, "LOGIN_RATE_LIMIT": "1000 per minute"})
browser = Browser(app.test_client())
browser.login(SimpleNamespace(email=sys.argv[2]), sys.argv[3])
pages = {url: browser.get(url) for url in sys.argv[4:]}
print(json.dumps({
    "pages": {url: [r.status_code, r.get_data()[:4].decode("latin-1"), b"Typen von Kommunen" in r.get_data()]
              for url, r in pages.items()},
    "modules": sorted(name for name in sys.modules if "." not in name),
}))
"""


@pytest.fixture
def typed_world(world):
    """Enough submitted profiles in Hessen for archetypes, and an assessment of Erbach to export."""
    kreis_world({"06431": 6, "06432": 8})
    erbach = submit(world.erbach, 2026, [35.0, 30.0, 40.0, 50.0, 60.0])
    db.session.commit()
    return erbach


def test_serving_process_never_imports_the_heavy_libraries(app, world, typed_world, database_url):
    if pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    urls = [
        f"/beratung/bewertung/{typed_world.id}/briefing.pdf",
        f"/beratung/bewertung/{typed_world.id}/export.xlsx",
        "/benchmark/",
        "/benchmark/bericht.pdf",
    ]
    done = subprocess.run(
        [sys.executable, "-c", SERVE, database_url, world.berater.email, PASSWORD, *urls],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    briefing, export, report, report_pdf = (seen["pages"][url] for url in urls)
    assert briefing[:2] == [200, "%PDF"] and report_pdf[:2] == [200, "%PDF"]
    assert export[:2] == [200, "PK\x03\x04"]  # an XLSX is a zip file
    assert report[0] == 200 and report[2], "the benchmark page shows archetypes"
    assert [name for name in HEAVY if name in seen["modules"]] == []


def test_a_child_that_fails_gives_a_german_error_page_and_logs_its_stderr(browser, world, typed_world, monkeypatch, caplog):
    monkeypatch.setattr(offload, "COMMAND", (sys.executable, "-c", "import sys; sys.stderr.write('Speicher voll'); sys.exit(3)"))
    browser.login(world.berater)
    with caplog.at_level(logging.INFO):
        response = browser.get(f"/beratung/bewertung/{typed_world.id}/export.xlsx")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Die Erzeugung ist fehlgeschlagen" in page and "Traceback" not in page
    assert "Speicher voll" in caplog.text and "status 3" in caplog.text
    assert "export_downloaded" not in caplog.text  # no download is recorded that did not happen


@pytest.mark.parametrize("document", ["export.xlsx", "briefing.pdf"])
def test_a_child_that_takes_too_long_is_stopped_with_a_503(browser, world, typed_world, monkeypatch, document):
    if document.endswith(".pdf") and pdf.unavailable_reason():  # asked of a real child once per process
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    monkeypatch.setattr(offload, "COMMAND", (sys.executable, "-c", "import time; time.sleep(30)"))
    monkeypatch.setattr(offload, "TIMEOUT", 0.5)
    browser.login(world.berater)
    response = browser.get(f"/beratung/bewertung/{typed_world.id}/{document}")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "zu lange gedauert" in page and "PDF-Erzeugung ist auf diesem Server nicht verfügbar" not in page


def test_an_exception_in_the_job_names_its_type_and_keeps_the_traceback_in_the_log(app, caplog):
    with caplog.at_level(logging.ERROR), pytest.raises(offload.OffloadError) as failed:
        offload.call(pdf_writer.write_pdf, ("<html>", None, False), {"unexpected": 1})
    assert failed.value.error_type == "TypeError" and failed.value.status == 500
    assert "Traceback" in caplog.text and "unexpected" in caplog.text


def test_only_named_jobs_run_in_a_child():
    with pytest.raises(ValueError, match=r"not one of offload\.JOBS"):
        offload.call(print, ("x",))
