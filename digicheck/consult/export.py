"""Exports for consultants: one assessment or a filtered selection of the overview as CSV and XLSX,
and one profile as JSON.

Rows name each item with the answer as read and its score, and per area the
self-assessed level beside the validated one (who, when, why). A selection uses
the overview's own filters (`OverviewQuery`) and costs the same few queries for
one assessment or for 443. Text starting with = + - @ would run as a formula in a
spreadsheet program: CSV cells get a leading apostrophe, XLSX cells are typed as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from digicheck import timefmt
from digicheck.assess.services import profiles_of
from digicheck.consult.queries import OverviewQuery, filtered, latest_validated_levels, ordering
from digicheck.extensions import db
from digicheck.models import Assessment, ValidatedLevel
from digicheck.models._time import utcnow
from digicheck.register import ATTRIBUTION
from scoring.answers import AnswerValue, answer_label, item_score
from scoring.report import profile_to_dict

Cell = str | int | float | datetime | None
Row = dict[str, Cell]

KEY_COLUMNS = ("AGS", "Kommune", "Runde", "Status", "Abgeschlossen am", "Fragebogen", "Bereich")
LEVEL_COLUMNS = (
    *KEY_COLUMNS,
    "Punkte",
    "vorläufig",
    "Stufe Selbsteinschätzung",
    "Stufe validiert",
    "validiert von",
    "validiert am",
    "Begründung der Validierung",
)
ANSWER_COLUMNS = (*KEY_COLUMNS, "Frage-ID", "Frage", "Antwort", "Antwort (Schlüssel)", "Punkte")
#: The CSV holds both kinds of row in one table; "Zeile" says which.
CSV_COLUMNS = ("Zeile", *dict.fromkeys(ANSWER_COLUMNS + LEVEL_COLUMNS))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WIDTHS = {
    "Kommune": 22,
    "Abgeschlossen am": 17,
    "Bereich": 28,
    "Frage-ID": 32,
    "Frage": 60,
    "Antwort": 40,
    "Antwort (Schlüssel)": 24,
    "validiert von": 20,
    "validiert am": 17,
    "Begründung der Validierung": 60,
}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Export:
    title: str
    scope: str
    filters: list[tuple[str, str]]
    created: datetime
    versions: list[str]
    assessments: int
    without_submitted: int
    levels: list[Row]
    answers: list[Row]


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in local time with its offset (timefmt)."""
    return None if moment is None else timefmt.iso_with_offset(moment)


def _score(value: float | str | None) -> float | None:
    return round(value, 1) if isinstance(value, float) else None


def _raw(value: AnswerValue | None) -> str | int | None:
    return "|".join(value) if isinstance(value, tuple) else value


def _rows(assessments: list[Assessment]) -> tuple[list[Row], list[Row]]:
    """Level rows (overall, then per area with the validated level) and answer rows, per assessment."""
    profiles = profiles_of(assessments)
    validated = latest_validated_levels([a.id for a in assessments])
    levels: list[Row] = []
    answers: list[Row] = []
    for assessment in assessments:
        q, profile = profiles[assessment.id]
        m = assessment.municipality
        key: Row = {
            "AGS": m.ags,
            "Kommune": m.name,
            "Runde": assessment.round,
            "Status": "abgeschlossen" if assessment.submitted else "in Bearbeitung",
            "Abgeschlossen am": assessment.submitted_at,
            "Fragebogen": assessment.questionnaire_version,
        }
        o = profile.overall
        levels.append(
            key
            | {
                "Bereich": "Gesamt",
                "Punkte": _score(o.score),
                "Stufe Selbsteinschätzung": o.level,
                "vorläufig": "ja" if o.provisional else "nein",
            }
        )
        for area in profile.areas:
            v = validated.get(assessment.id, {}).get(area.id)
            levels.append(
                key
                | {
                    "Bereich": area.name,
                    "Punkte": _score(area.score),
                    "Stufe Selbsteinschätzung": area.level,
                    "vorläufig": "ja" if area.provisional else "nein",
                    "Stufe validiert": v.level if v else None,
                    "validiert von": v.consultant.name if v else None,
                    "validiert am": v.created_at if v else None,
                    "Begründung der Validierung": v.reason if v else None,
                }
            )
        for section in q.areas:
            for item in section.items:
                value = profile.answers.get(item.id)
                answers.append(
                    key
                    | {
                        "Bereich": section.name,
                        "Frage-ID": item.id,
                        "Frage": item.text,
                        "Antwort": answer_label(item, value),
                        "Antwort (Schlüssel)": _raw(value),
                        "Punkte": _score(item_score(item, value)),
                    }
                )
    return levels, answers


def _export(title: str, scope: str, filters: list[tuple[str, str]], assessments: list[Assessment], without_submitted: int) -> Export:
    levels, answers = _rows(assessments)
    versions = sorted({a.questionnaire_version for a in assessments})
    return Export(title, scope, filters, utcnow(), versions, len(assessments), without_submitted, levels, answers)


def assessment_export(assessment: Assessment) -> Export:
    m = assessment.municipality
    label = f"{m.name} (AGS {m.ags}), Runde {assessment.round}"
    status = "abgeschlossen" if assessment.submitted else "noch in Bearbeitung, Stufen vorläufig aus den bisherigen Antworten"
    return _export(f"Bewertung {label}", f"Diese eine Bewertung ({status}).", [("Bewertung", label)], [assessment], 0)


def selection_export(query: OverviewQuery, filters: list[tuple[str, str]]) -> Export:
    """The latest submitted round of every municipality the overview shows with these filters, in its order."""
    rows, statement = filtered(query)
    ids = list(db.session.scalars(statement.with_only_columns(rows.c.submitted_id).order_by(*ordering(rows, query))))
    chosen = [i for i in ids if i is not None]
    found = {
        a.id: a
        for a in db.session.scalars(select(Assessment).where(Assessment.id.in_(chosen)).options(selectinload(Assessment.municipality)))
    }
    return _export(
        "Auswahl aus der Beratungsübersicht",
        "Je Kommune der Auswahl die letzte abgeschlossene Runde.",
        filters or [("Filter", "keiner (alle Kommunen)")],
        [found[i] for i in chosen],
        len(ids) - len(chosen),
    )


def header(export: Export) -> list[tuple[str, Cell]]:
    """What the export contains and where its data come from (the XLSX header sheet)."""
    lines: list[tuple[str, Cell]] = [
        ("Export", export.title),
        ("Fragebogen-Version" + ("en" if len(export.versions) > 1 else ""), ", ".join(export.versions) or "–"),
        ("Exportiert am", export.created),
        ("Filter", "; ".join(f"{label}: {value}" for label, value in export.filters)),
        ("Bewertungen", export.assessments),
    ]
    if export.without_submitted:
        lines.append(("Nicht enthalten", f"{export.without_submitted} Kommune(n) der Auswahl ohne abgeschlossene Bewertung"))
    lines += [
        ("Umfang", export.scope),
        (
            "Inhalt",
            "Blatt „Stufen“: Selbsteinschätzung und validierte Stufe nebeneinander, mit wer, wann und Begründung; "
            "Blatt „Antworten“: jede Frage mit Antwort und Punkten (0–100).",
        ),
        ("Zeiten", f"Ortszeit ({timefmt.zone_name()})"),
        ("Gemeindedaten", ATTRIBUTION),
    ]
    return lines


def _csv_cell(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return timefmt.spreadsheet_datetime(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(export: Export) -> bytes:
    """UTF-8 with BOM (spreadsheet programs then read umlauts right), comma separated, decimal point."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for kind, rows in (("Stufe", export.levels), ("Antwort", export.answers)):
        writer.writerows([kind, *(_csv_cell(row.get(column)) for column in CSV_COLUMNS[1:])] for row in rows)
    writer.writerow(["Quelle", ATTRIBUTION] + [""] * (len(CSV_COLUMNS) - 2))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell, bold: bool = False) -> Any:
    """Plain values as they are; instants as local date-time cells; text that looks like a
    formula, and headings, as typed cells."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=timefmt.local_wall_time(value))
        cell.number_format = timefmt.XLSX_NUMBER_FORMAT
        return cell
    if not bold and not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # stored as text: never evaluated
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(export: Export) -> bytes:
    book = Workbook(write_only=True)
    head = book.create_sheet("Export")
    head.column_dimensions["A"].width = 24
    head.column_dimensions["B"].width = 110
    for label, value in header(export):
        head.append([_xlsx_cell(head, label, bold=True), _xlsx_cell(head, value)])
    for title, columns, rows in (("Stufen", LEVEL_COLUMNS, export.levels), ("Antworten", ANSWER_COLUMNS, export.answers)):
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 12)
        sheet.append([_xlsx_cell(sheet, column, bold=True) for column in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, row.get(column)) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _validated(v: ValidatedLevel | None) -> dict[str, Any] | None:
    return None if v is None else {"level": v.level, "reason": v.reason, "by": v.consultant.name, "at": _iso(v.created_at)}


def profile_document(assessment: Assessment) -> dict[str, Any]:
    """The profile JSON of `digicheck score` (schema digicheck/profile-1) plus the assessment,
    and per area the validated level (null where none) beside the self-assessed one."""
    q, profile = profiles_of([assessment])[assessment.id]
    document = profile_to_dict(q, profile)
    validated = latest_validated_levels([assessment.id]).get(assessment.id, {})
    for area in document["areas"]:
        area["validated"] = _validated(validated.get(area["id"]))
    m = assessment.municipality
    document["assessment"] = {
        "id": assessment.id,
        "round": assessment.round,
        "status": assessment.status.value,
        "submitted_at": _iso(assessment.submitted_at),
        "municipality": {"ags": m.ags, "name": m.name, "kind": m.kind, "population": m.population},
    }
    document["attribution"] = ATTRIBUTION
    return document
