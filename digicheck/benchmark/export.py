"""CSV and PDF of the benchmark report: the same published figures as the page, nothing more.

Suppressed groups do not appear in the CSV at all (a row "keine Angabe" would still
publish the group's existence and size class); the page and the PDF name them with
the reason, without figures.
"""

from __future__ import annotations

import csv
import io

from digicheck.benchmark.services import GroupFigures, Report
from digicheck.register import ATTRIBUTION

CSV_HEADER = (
    "Abschnitt",
    "Runde",
    "Vergleichsgruppe",
    "Dimension",
    "Schlüssel",
    "Bereich",
    "Bewertungen",
    "Kommunen im Verzeichnis",
    "Beteiligung %",
    "Q1",
    "Median",
    "Q3",
    "Stufe 1",
    "Stufe 2",
    "Stufe 3",
    "Stufe 4",
    "Stufe 5",
)


def shown_groups(report: Report) -> list[GroupFigures]:
    """The Land first, then the groups of the chosen dimension (published or not)."""
    return ([report.land] if report.land else []) + list(report.groups)


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _group_rows(section: str, report: Report, group: GroupFigures, round_: object, *, levels: bool = True) -> list[list[str]]:
    rows = []
    for area, name in report.area_names.items():
        f = group.areas.get(area)
        if f is None:
            continue
        rows.append(
            [
                section,
                str(round_),
                group.group.label,
                group.group.dimension.value,
                group.group.key,
                name,
                str(f.n),
                str(group.registered or ""),
                _number(group.participation, 1),
                _number(f.q1),
                _number(f.median),
                _number(f.q3),
                *((str(v) for v in f.levels) if levels else [""] * 5),
            ]
        )
    return rows


def csv_rows(report: Report) -> list[list[str]]:
    rows: list[list[str]] = [list(CSV_HEADER)]
    for group in shown_groups(report):
        if group.published:
            rows += _group_rows("Vergleichsgruppe", report, group, report.round)
    for point in report.trend:
        if point.published:
            rows += _group_rows("Zeitreihe", report, point, point.group.key, levels=False)  # the trend has medians only
    for row in report.archetypes:
        if row.decision.published:
            t = row.archetype
            centroid = "; ".join(f"{report.area_names[a]} {v:.0f}" for a, v in zip(report.areas[1:], t.centroid, strict=True))
            rows.append(["Typ", str(report.round), t.name, "typ", str(t.id), centroid, str(t.size)] + [""] * 10)
    rows.append(
        [
            "Hinweis",
            "",
            f"Keine Angabe aus weniger als {report.k} abgeschlossenen Bewertungen; "
            "Gruppen, aus deren Vergleich sich einzelne Kommunen erschließen ließen, fehlen.",
        ]
        + [""] * 14
    )
    rows.append(["Quelle", "", ATTRIBUTION] + [""] * 14)
    return rows


def csv_text(report: Report) -> str:
    """UTF-8 CSV with BOM (opens correctly in spreadsheet programs), comma separated, decimal point."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(report))
    return buffer.getvalue()
