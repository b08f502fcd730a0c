"""Files to download: CSV that German Excel opens as it is, XLSX with typed cells, and the response.

CSV: UTF-8 with BOM (umlauts read right), `;` between fields, a decimal comma in numbers
("3,5", never a date), instants as local wall time ("2026-01-16 00:30") and CRLF line ends.
Calendar dates (a plan's due date) are ISO text in CSV ("2026-03-31", which Excel reads as a date)
and date cells in XLSX. XLSX keeps numbers as numbers and instants as local date-time cells. Text starting with
= + - @ would run as a formula in a spreadsheet program: CSV cells get a leading apostrophe,
XLSX cells are typed as text. Every export of the app writes through this module; the XLSX
workbook itself is written by digicheck.workbook in a child process (digicheck.offload).
"""

from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from babel.numbers import format_decimal
from flask import Response

from digicheck import offload, timefmt, workbook
from digicheck.workbook import Cell, Sheet, is_formula

__all__ = ["Cell", "Sheet", "attachment", "csv_bytes", "csv_cell", "xlsx_bytes"]
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DELIMITER = ";"
BOM = "\ufeff"


def csv_cell(value: Cell) -> str:
    """One value as German Excel reads it: 3.5 as "3,5", an instant in local time, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timefmt.spreadsheet_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if is_formula(value) else value
    if isinstance(value, numbers.Integral):  # also NumPy's integers
        return str(int(value))
    return format_decimal(float(value), locale=timefmt.LOCALE, group_separator=False, decimal_quantization=False)


def csv_bytes(rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file for German Excel (see the module docstring)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _plain(value: Cell) -> Cell:
    """A cell as the workbook child receives it: instants as local wall time, NumPy's numbers as
    Python's (the child need not import NumPy to read them)."""
    if isinstance(value, datetime):
        return timefmt.local_wall_time(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, float | int):
        return float(value)
    return value


def xlsx_bytes(header: Sequence[tuple[str, Cell]], sheets: Sequence[Sheet], header_title: str = "Export") -> bytes:
    """A workbook: first a sheet of label-value lines saying what the file holds, then the tables.
    openpyxl runs in a child process (digicheck.offload): a web worker never carries it."""
    plain_header = [(label, _plain(value)) for label, value in header]
    plain_sheets = [
        Sheet(t.title, list(t.columns), [{c: _plain(row.get(c)) for c in t.columns} for row in t.rows], dict(t.widths), t.default_width)
        for t in sheets
    ]
    return offload.call(workbook.write_xlsx, (plain_header, plain_sheets, header_title))


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    """The file as a download named `filename` (ASCII: AGS, round, date)."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
