"""Time the consultant's briefing PDF ("Vorbereitung Vor-Ort-Termin") against baselines in the same run.

Builds a fresh SQLite database with one municipality and a submitted assessment
that calls for all four modules (weak answers, "Weiß nicht", an inconsistency,
a validated level, shared and internal notes), logs a consultant in through the
test client and times, best and median of --repeat requests each:

  pdf      GET /beratung/bewertung/<id>/briefing.pdf  (service, SVG radar, template, WeasyPrint)
  page     GET /beratung/bewertung/<id>/briefing      (the same briefing as an HTML page, no PDF)
  minimal  WeasyPrint on a one-paragraph HTML document (the fixed cost of a PDF at all)

and prints the ratios pdf/page and pdf/minimal plus the absolute time per PDF
(target: under 1 s once the process is warm). The first PDF of a process also
loads fonts and Pango; it is printed separately as "cold".

    python bench/briefing_bench.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-passwort-123"
WEAK = {  # answers that make the advice plan all four modules and fire one inconsistency rule
    "strategie.ozg_grundlagen": "weiss_nicht",
    "strategie.budget": "weiss_nicht",
    "kooperation.ikz_partner": "weiss_nicht",
    "technik.dms_eakte": "alle",
    "technik.dms_vorhanden": "nein",
}


def seed(app: Any) -> int:
    """One Kommune with a submitted assessment, a consultant; returns the assessment id."""
    from digicheck.accounts.services import hash_password
    from digicheck.assess import services as assessments
    from digicheck.extensions import db
    from digicheck.models import Municipality, Note, Role, User, ValidatedLevel
    from scoring import Library, check_answers

    q = Library.load().latest
    with app.app_context():
        db.create_all()
        town = Municipality(
            ags="06437006",
            name="Erbach",
            kind="Stadt",
            kreis="Odenwaldkreis",
            kreis_ags="06437",
            regierungsbezirk="Darmstadt",
            population=13876,
        )
        db.session.add(town)
        db.session.flush()
        kommune = User(
            email="k@bench.test", name="Hauptamt", role=Role.KOMMUNE, password_hash=hash_password(PASSWORD), municipality_id=town.id
        )
        berater = User(email="b@bench.test", name="Beraterin", role=Role.BERATER, password_hash=hash_password(PASSWORD))
        db.session.add_all([kommune, berater])
        db.session.commit()
        answers: dict[str, Any] = {}
        for item in q.items:  # the middle option of every item, as a typical mixed profile
            if item.type == "number":
                answers[item.id] = item.bands[1].min
            elif item.type == "multi":
                answers[item.id] = [o.id for o in item.options if not o.exclusive][:1]
            else:
                answers[item.id] = item.ranked_options[len(item.ranked_options) // 2].id
        answers.update(WEAK)
        assessment = assessments.start_round(town, kommune)
        assessments.save_demo_answers(assessment, check_answers(q, answers))
        assert assessments.submit(assessment, kommune) == []
        db.session.add_all(
            [
                ValidatedLevel(
                    assessment_id=assessment.id, area_id="technik", level=2, reason="Kein DMS in Betrieb.", consultant_id=berater.id
                ),
                Note(
                    assessment_id=assessment.id,
                    text="Gemeinsamen ISB mit Michelstadt prüfen.",
                    item_id="technik.isb",
                    author_id=berater.id,
                    shared=True,
                ),
                Note(assessment_id=assessment.id, text="Bürgermeister vorab anrufen.", author_id=berater.id),
            ]
        )
        db.session.commit()
        return assessment.id


def page_count(document: bytes) -> str:
    """Pages as pdfinfo (poppler-utils) reports them; "?" without it."""
    if shutil.which("pdfinfo") is None:
        return "?"
    info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=True).stdout.decode()
    return re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)  # type: ignore[union-attr]


def timed(action: Callable[[], Any], repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per run; CPU time shows the cost when other processes compete for the cores."""
    times = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from weasyprint import HTML

    from digicheck.app import create_app

    folder = tempfile.mkdtemp(prefix="briefing-bench-")
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-of-at-least-32-characters",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "WTF_CSRF_ENABLED": False,
        }
    )
    assessment_id = seed(app)
    client = app.test_client()
    assert client.post("/anmelden", data={"email": "b@bench.test", "password": PASSWORD}).status_code == 302

    def get(url: str) -> bytes:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data()

    pdf_url, page_url = f"/beratung/bewertung/{assessment_id}/briefing.pdf", f"/beratung/bewertung/{assessment_id}/briefing"
    started = time.perf_counter()
    document = get(pdf_url)
    cold = time.perf_counter() - started
    pages = page_count(document)
    figures = {
        "pdf": timed(lambda: get(pdf_url), args.repeat),
        "page": timed(lambda: get(page_url), args.repeat),
        "minimal": timed(lambda: HTML(string="<p>Digi-Check</p>").write_pdf(), args.repeat),
    }
    print(
        f"briefing PDF: {len(document) / 1024:.0f} KiB, {pages} pages; cold first request {cold * 1000:.0f} ms "
        f"(fonts and Pango load once per process); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'':8} {'wall best':>10} {'median':>8} {'CPU best':>9} {'median':>8}  (ms, {args.repeat} runs)")
    for name, values in figures.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(
            f"{name:8} {min(walls) * 1000:10.1f} {statistics.median(walls) * 1000:8.1f} {min(cpus) * 1000:9.1f} {statistics.median(cpus) * 1000:8.1f}"
        )
    best = {name: min(w for w, _ in values) for name, values in figures.items()}
    print(f"ratio pdf/page {best['pdf'] / best['page']:.0f}x, pdf/minimal {best['pdf'] / best['minimal']:.0f}x (best wall times)")
    median = statistics.median(w for w, _ in figures["pdf"])
    print(f"time per PDF: best {best['pdf']:.2f} s, median {median:.2f} s -> {'OK' if median < 1.0 else 'TOO SLOW'} (target < 1 s)")


if __name__ == "__main__":
    main()
