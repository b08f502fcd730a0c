"""Every PDF the service produces is tagged for screen readers (PDF/UA-1) with its language and
title, and comes as tagged PDF/A-3u for archiving on request: checked with poppler's pdfinfo."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from digicheck import pdf
from tests.app.test_benchmark_report import bench_world  # noqa: F401 - fixture
from tests.app.test_briefing import prepared  # noqa: F401 - fixture
from tests.conftest import skip_or_fail


def pdf_facts(data: bytes, tmp_path: Path) -> dict[str, str]:
    """What pdfinfo says (Tagged, Title, …), the XMP conformance claims and the document language."""
    if pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    if shutil.which("pdfinfo") is None:
        skip_or_fail("pdfinfo (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    facts = dict(re.findall(r"^([^:\n]+):\s*(.*)$", info, re.M))
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], check=True, capture_output=True, text=True).stdout
    facts["claims"] = " ".join(re.findall(r'pdfu?a?id:\w+="[^"]*"', meta))
    facts["Lang"] = document_language(data)
    return facts


def document_language(data: bytes) -> str:
    """/Lang of the catalog, which WeasyPrint writes into a compressed object stream."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    languages = {m.group(1).decode() for part in parts for m in re.finditer(rb"/Lang\s*\(([^)]*)\)", part)}
    return ",".join(sorted(languages))


def download(browser: Any, url: str) -> tuple[bytes, str]:
    response = browser.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.status_code
    return response.get_data(), response.headers["Content-Disposition"]


def test_briefing_is_tagged_with_language_and_title(browser: Any, world: Any, prepared: Any, tmp_path: Path) -> None:  # noqa: F811
    browser.login(world.berater)
    data, disposition = download(browser, f"/beratung/bewertung/{prepared.id}/briefing.pdf")
    facts = pdf_facts(data, tmp_path)
    assert facts["Tagged"] == "yes" and facts["Lang"] == "de"
    assert facts["Title"] == "Vorbereitung Vor-Ort-Termin: Erbach, Runde 1"
    assert 'pdfuaid:part="1"' in facts["claims"]
    assert disposition == 'attachment; filename="vorbereitung-06437006-runde-1.pdf"'


def test_briefing_for_the_archive_is_pdf_a_3u_and_still_tagged(
    browser: Any,
    world: Any,
    prepared: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    browser.login(world.berater)
    page = browser.get(f"/beratung/bewertung/{prepared.id}/briefing").get_data(as_text=True)
    link = f"/beratung/bewertung/{prepared.id}/briefing.pdf?archiv=1"
    assert f'href="{link}">PDF/A zur Archivierung</a>' in page
    data, disposition = download(browser, link)
    facts = pdf_facts(data, tmp_path)
    assert 'pdfaid:part="3"' in facts["claims"] and 'pdfaid:conformance="U"' in facts["claims"]
    assert facts["Tagged"] == "yes" and facts["Lang"] == "de" and facts["Title"].startswith("Vorbereitung Vor-Ort-Termin: Erbach")
    assert disposition == 'attachment; filename="vorbereitung-06437006-runde-1.archiv.pdf"'


@pytest.mark.parametrize("archive", [False, True])
def test_benchmark_report_is_tagged_with_language_and_title(
    browser: Any,
    world: Any,
    bench_world: Any,  # noqa: F811
    tmp_path: Path,
    archive: bool,
) -> None:
    browser.login(world.kommune)
    page = browser.get("/benchmark/?dimension=kreis").get_data(as_text=True)
    assert re.search(r'href="/benchmark/bericht\.pdf\?[^"]*dimension=kreis[^"]*&amp;archiv=1">PDF/A zur Archivierung', page)
    data, disposition = download(browser, "/benchmark/bericht.pdf?dimension=kreis" + ("&archiv=1" if archive else ""))
    facts = pdf_facts(data, tmp_path)
    assert facts["Tagged"] == "yes" and facts["Lang"] == "de" and facts["Title"] == "Digi-Check Benchmark Runde 2026"
    assert ('pdfaid:conformance="U"' if archive else 'pdfuaid:part="1"') in facts["claims"]
    assert disposition.endswith('-kreis.archiv.pdf"' if archive else '-kreis.pdf"')
