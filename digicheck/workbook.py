"""openpyxl's part of digicheck.downloads: the XLSX workbook, written in a child process by
digicheck.offload (no Flask here, so the child loads little besides openpyxl).

Cells arrive as the app prepared them: instants already as local wall time without a zone
(spreadsheets know no time zones), numbers as int or float.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | int | float | datetime | date | None
#: a local date-time cell
INSTANT_FORMAT = "DD.MM.YYYY HH:MM"
#: a calendar date in XLSX
DATE_FORMAT = "DD.MM.YYYY"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


@dataclass(frozen=True)
class Sheet:
    """A table sheet: a bold, frozen header row of `columns`, then `rows` keyed by column."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Mapping[str, Cell]]
    widths: Mapping[str, int] = field(default_factory=dict)
    default_width: int = 12


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell, bold: bool = False) -> Any:
    """Numbers as they are; local date-times and dates as date cells; text that looks like a
    formula, and headings, as typed cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = INSTANT_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=datetime.combine(value, time()))  # a spreadsheet date is a day's midnight
        cell.number_format = DATE_FORMAT
        return cell
    if not bold and not is_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # stored as text: never evaluated
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(header: Sequence[tuple[str, Cell]], sheets: Sequence[Sheet], header_title: str) -> bytes:
    """A workbook: first a sheet of label-value lines saying what the file holds, then the tables."""
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
