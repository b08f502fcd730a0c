"""The Maßnahmenplan as files: XLSX and CSV for German Excel (`digicheck.downloads`) and JSON
(schema digicheck/plan-1), all from the Fahrplan's read model (`digicheck.plan.documents`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from digicheck import downloads, timefmt
from digicheck.plan.documents import EntryRow, Fahrplan

COLUMNS = (
    "Bereich",
    "Maßnahme",
    "Herkunft",
    "Katalog-Kennung",
    "Aus dem Katalog",
    "Verknüpfte Fragen",
    "Verantwortlich",
    "Beginn",
    "Fällig",
    "Zeitraum",
    "Status",
    "Überfällig",
    "Grund (verworfen)",
    "Förderprogramm",
    "Notiz",
    "Aufgenommen in Runde",
    "Abgeschlossen in Runde",
    "Angelegt am",
    "Abgeschlossen am",
    "Quelle",
)
WIDTHS = {"Bereich": 26, "Maßnahme": 40, "Aus dem Katalog": 40, "Notiz": 40, "Quelle": 60, "Zeitraum": 30, "Verantwortlich": 22}


def export_row(entry: EntryRow) -> dict[str, downloads.Cell]:
    return {
        "Bereich": entry.area_name,
        "Maßnahme": entry.title,
        "Herkunft": entry.source_label,
        "Katalog-Kennung": entry.source_id,
        "Aus dem Katalog": entry.source_title,
        "Verknüpfte Fragen": ", ".join(entry.item_ids) or None,
        "Verantwortlich": entry.owner or None,
        "Beginn": entry.start_on,
        "Fällig": entry.due_on,
        "Zeitraum": entry.period_label,
        "Status": entry.status.label,
        "Überfällig": "ja" if entry.overdue else "nein",
        "Grund (verworfen)": entry.drop_reason,
        "Förderprogramm": entry.funding,
        "Notiz": entry.note or None,
        "Aufgenommen in Runde": entry.added_round,
        "Abgeschlossen in Runde": entry.closed_round,
        "Angelegt am": entry.created_at,
        "Abgeschlossen am": entry.closed_at,
        "Quelle": entry.citation,
    }


def csv_bytes(plan: Fahrplan) -> bytes:
    """The plan for German Excel (`digicheck.downloads`: `;`, decimal comma, BOM), then the source line."""
    rows: list[Sequence[downloads.Cell]] = [COLUMNS]
    rows += [[row[c] for c in COLUMNS] for row in map(export_row, plan.entries)]
    rows.append(["Quelle", plan.attribution, *[None] * (len(COLUMNS) - 2)])
    return downloads.csv_bytes(rows)


def xlsx_bytes(plan: Fahrplan) -> bytes:
    m = plan.municipality
    header: list[tuple[str, downloads.Cell]] = [
        ("Export", f"Maßnahmenplan {m.name} (AGS {m.ags})"),
        ("Profil", f"Runde {plan.assessment.round}" if plan.assessment else "noch keine abgeschlossene Runde"),
        ("Exportiert am", plan.created),
        ("Inhalt", "Jeder Eintrag des Plans mit Bereich, Herkunft, Verantwortlichen, Terminen, Status und Quelle."),
        ("Zeiten", f"Ortszeit ({timefmt.zone_name()})"),
        ("Gemeindedaten", plan.attribution),
    ]
    return downloads.xlsx_bytes(header, [downloads.Sheet("Maßnahmenplan", COLUMNS, [export_row(e) for e in plan.entries], WIDTHS)])


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def json_document(plan: Fahrplan) -> dict[str, Any]:
    """The plan as JSON (schema digicheck/plan-1): instants with their local offset, dates ISO."""
    m = plan.municipality
    return {
        "schema": "digicheck/plan-1",
        "municipality": {"ags": m.ags, "name": m.name, "kind": m.kind, "population": m.population},
        "profile_round": plan.assessment.round if plan.assessment else None,
        "areas": [
            {"id": a.id, "name": a.name, "level": a.level, "provisional": a.provisional, "target": a.target, "entries": len(a.entries)}
            for a in plan.areas
        ],
        "entries": [
            {
                "id": e.id,
                "area": e.area_id,
                "title": e.title,
                "source": e.source.value,
                "source_id": e.source_id,
                "source_title": e.source_title,
                "items": list(e.item_ids),
                "owner": e.owner,
                "start_on": _day(e.start_on),
                "due_on": _day(e.due_on),
                "status": e.status.value,
                "status_label": e.status.label,
                "overdue": e.overdue,
                "drop_reason": e.drop_reason,
                "funding_id": e.funding_id,
                "funding": e.funding,
                "note": e.note,
                "added_in_round": e.added_round,
                "closed_in_round": e.closed_round,
                "created_at": timefmt.iso_with_offset(e.created_at),
                "closed_at": timefmt.iso_with_offset(e.closed_at) if e.closed_at else None,
                "citation": e.citation,
            }
            for e in plan.entries
        ],
        "created_at": timefmt.iso_with_offset(plan.created),
        "attribution": plan.attribution,
    }
