"""The Kommune's own report: its result as a PDF, its answers as CSV and XLSX.

The PDF shows what the result page shows, on paper: the profile with a server-drawn radar
(`digicheck.svg_charts`, as in the consultant's briefing) and its table, the reasons, the
consultation's validated levels and the notes shared with the Kommune (the page model holds
no internal note), targets and advice. The answer files list every item with the answer as
read, the stored value, its score and who changed it last, when (local time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from digicheck import downloads, timefmt
from digicheck.assess import pages
from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Answer, Assessment
from digicheck.models._time import utcnow
from digicheck.register import attribution
from scoring.answers import AnswerValue, answer_label, item_score
from scoring.model import Area, Item

Row = dict[str, downloads.Cell]

#: the Kommune's evidence to an answer (issue 16); references one per line within the cell
EVIDENCE_COLUMNS = ("Begründung", "Belege", "Begründung aus Runde")
ANSWER_COLUMNS = ("Bereich", "Frage-ID", "Frage", "Antwort", "Antwort (Schlüssel)", "Punkte", *EVIDENCE_COLUMNS)
CHANGE_COLUMNS = ("Zuletzt geändert von", "Zuletzt geändert am")
WIDTHS = {
    "Bereich": 28,
    "Frage-ID": 32,
    "Frage": 60,
    "Antwort": 40,
    "Antwort (Schlüssel)": 24,
    "Begründung": 50,
    "Belege": 40,
    "Begründung aus Runde": 12,
    "Zuletzt geändert von": 22,
    "Zuletzt geändert am": 17,
}


def answer_row(area: Area, item: Item, value: AnswerValue | None, evidence: svc.Evidence = svc.NO_EVIDENCE) -> Row:
    """One item as the answer exports show it: the answer as read, the stored value (a number
    answer stays a number, several choices are joined by "|"), the score 0-100 and the evidence."""
    score = item_score(item, value)
    return {
        "Bereich": area.name,
        "Frage-ID": item.id,
        "Frage": item.text,
        "Antwort": answer_label(item, value),
        "Antwort (Schlüssel)": "|".join(value) if isinstance(value, tuple) else value,
        "Punkte": round(score, 1) if isinstance(score, float) else None,
        "Begründung": evidence.comment,
        "Belege": evidence.refs,
        "Begründung aus Runde": evidence.from_round,
    }


def _title(assessment: Assessment) -> str:
    m = assessment.municipality
    return f"{m.name} (AGS {m.ags}), Runde {assessment.round}"


def file_name(assessment: Assessment, what: str, extension: str) -> str:
    return f"digicheck-{assessment.municipality.ags}-runde-{assessment.round}-{what}.{extension}"


# --- the answers -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswersExport:
    assessment: Assessment
    version: str
    created: datetime
    rows: list[Row]


def answers_export(assessment: Assessment) -> AnswersExport:
    """Every item in questionnaire order, answered or not, with its last change."""
    q, profile = svc.profile_of(assessment)
    stored = {
        a.item_id: a
        for a in db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id).options(selectinload(Answer.updated_by)))
    }
    rows = []
    for area in q.areas:
        for item in area.items:
            change = stored.get(item.id)
            last: Row = {
                "Zuletzt geändert von": change.updated_by.name if change and change.updated_by else None,
                "Zuletzt geändert am": change.updated_at if change else None,
            }
            given = svc.Evidence(change.evidence_comment, change.evidence_refs, change.evidence_from_round) if change else svc.NO_EVIDENCE
            rows.append(answer_row(area, item, profile.answers.get(item.id), given) | last)
    return AnswersExport(assessment, q.version, utcnow(), rows)


def answers_csv(export: AnswersExport) -> bytes:
    columns = ANSWER_COLUMNS + CHANGE_COLUMNS
    return downloads.csv_bytes([columns, *([row.get(c) for c in columns] for row in export.rows)])


def answers_xlsx(export: AnswersExport) -> bytes:
    a = export.assessment
    header: list[tuple[str, downloads.Cell]] = [
        ("Export", f"Antworten {_title(a)}"),
        ("Status", f"abgeschlossen am {timefmt.local_date(a.submitted_at)}" if a.submitted_at else "in Bearbeitung"),
        ("Fragebogen-Version", export.version),
        ("Exportiert am", export.created),
        (
            "Inhalt",
            "Jede Frage mit Antwort, gespeichertem Wert, Punkten (0–100), Begründung und Belegen der Kommune und der letzten Änderung.",
        ),
        ("Zeiten", f"Ortszeit ({timefmt.zone_name()})"),
    ]
    return downloads.xlsx_bytes(header, [downloads.Sheet("Antworten", ANSWER_COLUMNS + CHANGE_COLUMNS, export.rows, WIDTHS)])


# --- the PDF -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDocument:
    """The result page's model without comparison profiles (its radar is already drawn as SVG)."""

    result: pages.ResultPage
    created: datetime
    attribution: str

    @property
    def title(self) -> str:
        return f"Digi-Check Ergebnis: {_title(self.result.assessment)}"


def report_document(assessment: Assessment) -> ReportDocument:
    result = pages.result_page(assessment, ())
    return ReportDocument(result, utcnow(), attribution(assessment.municipality.register_edition))
