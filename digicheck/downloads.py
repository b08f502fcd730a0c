"""Files to download: CSV that German Excel opens as it is, XLSX with typed cells, and the response.

CSV: UTF-8 with BOM (umlauts read right), `;` between fields, a decimal comma in numbers
("3,5", never a date), instants as local wall time ("2026-01-16 00:30") and CRLF line ends.
Calendar dates (a plan's due date) are ISO text in CSV ("2026-03-31", which Excel reads as a date)
and date cells in XLSX. XLSX keeps numbers as numbers and instants as local date-time cells. Text starting with
= + - @ would run as a formula in a spreadsheet program: CSV cells get a leading apostrophe,
XLSX cells are typed as text. Every export of the app writes through this module.
"""

from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from flask import Response

from digicheck import timefmt

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | int | float | datetime | date | None
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DELIMITER = ";"
BOM = "\ufeff"
#: a calendar date in XLSX (instants use timefmt.XLSX_NUMBER_FORMAT)
DATE_FORMAT = "DD.MM.YYYY"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Cell) -> str:
    """One value as German Excel reads it: 3.5 as "3,5", an instant in local time, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timefmt.spreadsheet_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if _is_formula(value) else value
    if isinstance(value, numbers.Integral):  # also NumPy's integers
        return str(int(value))
    return format_decimal(float(value), locale=timefmt.LOCALE, group_separator=False, decimal_quantization=False)


def csv_bytes(rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file for German Excel (see the module docstring)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell, bold: bool = False) -> Any:
    """Numbers as they are; instants as local date-time cells; text that looks like a formula,
    and headings, as typed cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=timefmt.local_wall_time(value))
        cell.number_format = timefmt.XLSX_NUMBER_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=datetime.combine(value, time()))  # a spreadsheet date is a day's midnight
        cell.number_format = DATE_FORMAT
        return cell
    if not bold and not _is_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # stored as text: never evaluated
    if bold:
        cell.font = Font(bold=True)
    return cell


@dataclass(frozen=True)
class Sheet:
    """A table sheet: a bold, frozen header row of `columns`, then `rows` keyed by column."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Mapping[str, Cell]]
    widths: Mapping[str, int] = field(default_factory=dict)
    default_width: int = 12


def xlsx_bytes(header: Sequence[tuple[str, Cell]], sheets: Sequence[Sheet], header_title: str = "Export") -> bytes:
    """A workbook: first a sheet of label-value lines saying what the file holds, then the tables."""
    # openpyxl is imported where a workbook is made: a worker that never exports does not carry it (issue 18)
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    head = book.create_sheet(header_title)
    head.column_dimensions["A"].width = 24
    head.column_dimensions["B"].width = 110
    for label, value in header:
        head.append([xlsx_cell(head, label, bold=True), xlsx_cell(head, value)])
    for table in sheets:
        sheet = book.create_sheet(table.title)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = table.widths.get(column, table.default_width)
        sheet.append([xlsx_cell(sheet, column, bold=True) for column in table.columns])
        for row in table.rows:
            sheet.append([xlsx_cell(sheet, row.get(column)) for column in table.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    """The file as a download named `filename` (ASCII: AGS, round, date)."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
