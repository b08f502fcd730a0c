"""Exports for consultants: one assessment or a filtered selection of the overview as CSV and XLSX,
and one profile as JSON.

Rows name each item with the answer as read and its score, and per area the
self-assessed level beside the validated one (who, when, why). A selection uses
the overview's own filters (`OverviewQuery`) and costs the same few queries for
one assessment or for 443. The files are written by `digicheck.downloads` (German Excel's
CSV, typed XLSX cells, formulas defused).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from digicheck import downloads, timefmt
from digicheck.assess.report import EVIDENCE_COLUMNS, answer_row
from digicheck.assess.report import WIDTHS as ANSWER_WIDTHS
from digicheck.assess.services import NO_EVIDENCE, evidence_of_many, profiles_of, targets_of
from digicheck.consult.queries import OverviewQuery, chosen_rows, latest_validated_levels, selected_ids
from digicheck.consult.services import notes_of
from digicheck.extensions import db
from digicheck.models import Assessment, Note, ValidatedLevel
from digicheck.models._time import utcnow
from digicheck.register import ATTRIBUTION
from scoring.report import profile_to_dict

Cell = downloads.Cell
Row = dict[str, Cell]

KEY_COLUMNS = ("AGS", "Kommune", "Runde", "Status", "Abgeschlossen am", "Fragebogen", "Bereich")
LEVEL_COLUMNS = (
    *KEY_COLUMNS,
    "Punkte",
    "vorläufig",
    "mögliche Stufe von",
    "mögliche Stufe bis",
    "offene Fragen",
    "Stufe Selbsteinschätzung",
    "Stufe validiert",
    "validiert von",
    "validiert am",
    "Begründung der Validierung",
)
ANSWER_COLUMNS = (*KEY_COLUMNS, "Frage-ID", "Frage", "Antwort", "Antwort (Schlüssel)", "Punkte", *EVIDENCE_COLUMNS)
#: The CSV holds both kinds of row in one table; "Zeile" says which.
CSV_COLUMNS = ("Zeile", *dict.fromkeys(ANSWER_COLUMNS + LEVEL_COLUMNS))
WIDTHS = ANSWER_WIDTHS | {
    "Kommune": 22,
    "Abgeschlossen am": 17,
    "validiert von": 20,
    "validiert am": 17,
    "Begründung der Validierung": 60,
}


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


def _rows(assessments: list[Assessment]) -> tuple[list[Row], list[Row]]:
    """Level rows (overall, then per area with the validated level) and answer rows, per assessment."""
    profiles = profiles_of(assessments)
    validated = latest_validated_levels([a.id for a in assessments])
    evidence = evidence_of_many([a.id for a in assessments])
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
                "mögliche Stufe von": o.level_min,
                "mögliche Stufe bis": o.level_max,
                "offene Fragen": o.open,
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
                    "mögliche Stufe von": area.level_min,
                    "mögliche Stufe bis": area.level_max,
                    "offene Fragen": area.open,
                    "Stufe validiert": v.level if v else None,
                    "validiert von": v.consultant.name if v else None,
                    "validiert am": v.created_at if v else None,
                    "Begründung der Validierung": v.reason if v else None,
                }
            )
        given = evidence[assessment.id]
        answers += (
            key | answer_row(section, item, profile.answers.get(item.id), given.get(item.id, NO_EVIDENCE))
            for section in q.areas
            for item in section.items
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
    municipality_ids = selected_ids(query)
    rows = chosen_rows(municipality_ids)
    ids = [rows[m]["submitted_id"] for m in municipality_ids]
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


def csv_bytes(export: Export) -> bytes:
    """Both kinds of row in one table, "Zeile" says which; the source last."""
    rows: list[list[Cell]] = [list(CSV_COLUMNS)]
    for kind, table in (("Stufe", export.levels), ("Antwort", export.answers)):
        rows += ([kind, *(row.get(column) for column in CSV_COLUMNS[1:])] for row in table)
    rows.append(["Quelle", ATTRIBUTION] + [None] * (len(CSV_COLUMNS) - 2))
    return downloads.csv_bytes(rows)


def xlsx_bytes(export: Export) -> bytes:
    return downloads.xlsx_bytes(
        header(export),
        [
            downloads.Sheet("Stufen", LEVEL_COLUMNS, export.levels, WIDTHS),
            downloads.Sheet("Antworten", ANSWER_COLUMNS, export.answers, WIDTHS),
        ],
    )


def _validated(v: ValidatedLevel | None) -> dict[str, Any] | None:
    return None if v is None else {"level": v.level, "reason": v.reason, "by": v.consultant.name, "at": _iso(v.created_at)}


def _note(note: Note) -> dict[str, Any]:
    return {"text": note.text, "item": note.item_id, "by": note.author.name, "at": _iso(note.created_at)}


def profile_document(assessment: Assessment) -> dict[str, Any]:
    """The profile JSON of `digicheck score` (schema digicheck/profile-1) plus the assessment;
    per area the validated level and the target (null where none) beside the self-assessed one,
    and the notes shared with the Kommune (internal notes never leave the workspace this way)."""
    q, profile = profiles_of([assessment])[assessment.id]
    document = profile_to_dict(q, profile)
    validated = latest_validated_levels([assessment.id]).get(assessment.id, {})
    targets = targets_of(assessment)
    for area in document["areas"]:
        area["validated"] = _validated(validated.get(area["id"]))
        area["target"] = targets.get(area["id"])
    document["notes"] = [_note(n) for n in notes_of(assessment, shared_only=True) if n.deleted_at is None]
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
