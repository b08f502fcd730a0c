"""digicheck.downloads: CSV cells as German Excel reads them, and a file it opens as it is."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import numpy as np
import pytest

from digicheck import downloads


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (3.5, "3,5"),
        (-0.25, "-0,25"),  # a negative number is a number, not a formula
        (12345.678, "12345,678"),  # no thousands separator
        (60.0, "60"),
        (7, "7"),
        (np.int64(12), "12"),
        (np.float64(45.5), "45,5"),
        (None, ""),
        ("Gießen", "Gießen"),
        ('=HYPERLINK("http://example.invalid")', '\'=HYPERLINK("http://example.invalid")'),
        ("@Gespräch", "'@Gespräch"),
        ("- Mängelmelder", "'- Mängelmelder"),
    ],
)
def test_cells(value: downloads.Cell, cell: str) -> None:
    assert downloads.csv_cell(value) == cell


def test_instants_are_local_wall_time(monkeypatch) -> None:
    monkeypatch.delenv("DIGICHECK_TIMEZONE", raising=False)
    assert downloads.csv_cell(datetime(2026, 7, 15, 22, 30, tzinfo=UTC)) == "2026-07-16 00:30"


def test_file_has_bom_semicolons_and_quotes_where_needed() -> None:
    body = downloads.csv_bytes([["Bereich", "Punkte"], ["Technik; Sicherheit", 57.5], ["Strategie", None]])
    assert body == '\ufeffBereich;Punkte\r\n"Technik; Sicherheit";57,5\r\nStrategie;\r\n'.encode()
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))[1] == ["Technik; Sicherheit", "57,5"]
