"""The benchmark report as users see it: page per role, suppression, CSV and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from digicheck import pdf
from digicheck.extensions import db
from tests.app.benchmark_helpers import kreis_world, municipality, submit
from tests.app.helpers import german_csv
from tests.conftest import skip_or_fail


@pytest.fixture
def bench_world(world):
    """Kreis 06431 of 6 (published), 06432 of 8 (published), 06433 of 3 (below k), plus Erbach in 06437 with 4 others."""
    made = kreis_world({"06431": 6, "06432": 8, "06433": 3})
    for i in range(4):
        m = municipality(f"06437{i + 100:03d}", kreis_ags="06437", kreis="Odenwaldkreis", rb="Darmstadt", population=12000, kind="Stadt")
        submit(m, 2026, [20.0 + 10 * i, 30.0, 40.0, 50.0, 60.0])
    submit(world.erbach, 2026, [35.0, 30.0, 40.0, 50.0, 60.0])
    db.session.commit()
    return made


@pytest.mark.parametrize("who", ["admin", "berater", "kommune"])
def test_report_renders_for_every_role(browser, world, bench_world, who):
    browser.login(getattr(world, who))
    page = browser.get("/benchmark/?dimension=kreis")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Benchmark: Digitalisierung im Vergleich, Runde 2026" in html
    assert '<th scope="col">Median</th>' in html and "<caption>" in html
    assert world.erbach.__class__.__name__ and "Gemeindeverzeichnis" in html  # register attribution
    assert "Bewertungen mit vorläufiger Gesamtstufe" in html and "zählen nicht mit" in html


def test_anonymous_visitors_are_sent_to_the_login(browser):
    assert browser.get("/benchmark/").status_code == 302


def test_groups_below_k_show_no_figures(browser, world, bench_world):
    browser.login(world.berater)
    html = browser.get("/benchmark/?dimension=kreis").get_data(as_text=True)
    row = html[html.index('<th scope="row">Landkreis / kreisfreie Stadt: Kreis 06433</th>') :]
    row = row[: row.index("</tr>")]
    assert "keine Angabe – Weniger als 5 abgeschlossene Bewertungen." in row
    assert ">3<" not in row and "(3)" not in row  # not even the group's size


def test_differencing_guard_is_visible_in_the_report(browser, world):
    kreis_world({"06631": 5}, rb="Kassel")
    submit(municipality("06632001", kreis_ags="06632", kreis="Kreis 06632", rb="Kassel", population=3000), 2026, [40.0] * 5)
    kreis_world({"06411": 10}, rb="Darmstadt")
    browser.login(world.admin)
    kreise = browser.get("/benchmark/?dimension=kreis").get_data(as_text=True)
    assert "keine Angabe – Zurückgehalten: Zusammen mit „Regierungsbezirk: Kassel“" in kreise
    bezirke = browser.get("/benchmark/?dimension=regierungsbezirk").get_data(as_text=True)
    row = bezirke[bezirke.index('<th scope="row">Regierungsbezirk: Kassel</th>') :]
    row = row[: row.index("</tr>")]
    assert "<td>6</td>" in row and "keine Angabe" not in row  # published, with its participation


def test_kommune_sees_its_own_ranks_only(browser, world, bench_world):
    browser.login(world.kommune)
    html = browser.get("/benchmark/?kommune=06531005").get_data(as_text=True)
    assert "Perzentilränge: Erbach" in html and "Perzentilränge: Gießen" not in html
    assert 'id="kommune"' not in html and "Ähnliche Kommunen" not in html


def test_consultant_chooses_a_municipality_for_ranks_and_neighbours(browser, world, bench_world):
    browser.login(world.berater)
    html = browser.get("/benchmark/?kommune=06437006").get_data(as_text=True)
    assert "Perzentilränge: Erbach" in html and "Ähnliche Kommunen zu Erbach" in html
    assert 'id="raenge"' not in browser.get("/benchmark/").get_data(as_text=True)
    unknown = browser.get("/benchmark/?kommune=99999999").get_data(as_text=True)
    assert "Keine Kommune mit dem AGS 99999999 gefunden." in unknown


def test_csv_contains_only_published_groups(browser, world, bench_world):
    browser.login(world.admin)
    response = browser.get("/benchmark/export.csv?dimension=kreis")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = german_csv(response.data)
    groups = {r[2] for r in rows[1:] if r[0] == "Vergleichsgruppe"}
    assert "Landkreis / kreisfreie Stadt: Kreis 06432" in groups
    assert not any("06433" in cell for row in rows for cell in row)
    assert rows[-1][0] == "Quelle" and "Gemeindeverzeichnis" in rows[-1][2]
    assert all(int(r[6]) >= 5 for r in rows[1:] if r[0] == "Vergleichsgruppe")
    quartiles = [cell for r in rows[1:] if r[0] == "Vergleichsgruppe" for cell in r[9:12]]
    assert all(re.fullmatch(r"\d+(,\d+)?", cell) for cell in quartiles) and any("," in cell for cell in quartiles)  # decimal commas


def test_pdf_export_has_the_report_text(browser, world, bench_world, tmp_path):
    if pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    browser.login(world.kommune)
    response = browser.get("/benchmark/bericht.pdf?dimension=kreis")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "bericht.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "Digi-Check Benchmark, Runde 2026" in text
    assert "Perzentilränge: Erbach" in text
    assert "keine Angabe" in text and "Weniger als 5" in text
    assert "Gemeindeverzeichnis" in text


def test_empty_installation_says_so(browser, world):
    browser.login(world.admin)
    html = browser.get("/benchmark/").get_data(as_text=True)
    assert "noch keine abgeschlossenen Bewertungen" in html
    if pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    assert browser.get("/benchmark/bericht.pdf").get_data().startswith(b"%PDF")


def test_pdf_without_pango_is_a_clear_503(browser, world, monkeypatch, tmp_path):
    # the offload child finds a WeasyPrint whose import fails as it does without Pango
    (tmp_path / "weasyprint.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    browser.login(world.admin)
    response = browser.get("/benchmark/bericht.pdf")
    assert response.status_code == 503
    assert "PDF-Erzeugung ist auf diesem Server nicht verfügbar" in response.get_data(as_text=True)
