"""CSV and PDF of the benchmark report: the same published figures as the page, nothing more.

Suppressed groups do not appear in the CSV at all (a row "keine Angabe" would still
publish the group's existence and size class); the page and the PDF name them with
the reason, without figures.
"""

from __future__ import annotations

from digicheck import downloads
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


def published_number(value: float | None, digits: int = 2) -> float | None:
    """A published figure as the exports give it (the CSV and the API): two decimals."""
    return None if value is None else round(value, digits)


def _group_rows(section: str, report: Report, group: GroupFigures, round_: object, *, levels: bool = True) -> list[list[downloads.Cell]]:
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
                f.n,
                group.registered or None,
                published_number(group.participation, 1),
                published_number(f.q1),
                published_number(f.median),
                published_number(f.q3),
                *(f.levels if levels else [None] * 5),
            ]
        )
    return rows


def csv_rows(report: Report) -> list[list[downloads.Cell]]:
    rows: list[list[downloads.Cell]] = [list(CSV_HEADER)]
    for group in shown_groups(report):
        if group.published:
            rows += _group_rows("Vergleichsgruppe", report, group, report.round)
    for point in report.trend:
        if point.published:
            rows += _group_rows("Zeitreihe", report, point, point.group.key, levels=False)  # the trend has medians only
    for row in report.archetypes:
        if row.decision.published:
            t = row.archetype
            centroid = ", ".join(f"{report.area_names[a]} {v:.0f}" for a, v in zip(report.areas[1:], t.centroid, strict=True))
            rows.append(["Typ", str(report.round), t.name, "typ", str(t.id), centroid, t.size, *[None] * 10])
    rows.append(
        [
            "Hinweis",
            "",
            f"Keine Angabe aus weniger als {report.k} abgeschlossenen Bewertungen; "
            "Gruppen, aus deren Vergleich sich einzelne Kommunen erschließen ließen, fehlen.",
            *[None] * 14,
        ]
    )
    rows.append(["Quelle", "", ATTRIBUTION, *[None] * 14])
    return rows


def csv_bytes(report: Report) -> bytes:
    """The figures for German Excel (`digicheck.downloads`: `;`, decimal comma, BOM)."""
    return downloads.csv_bytes(csv_rows(report))
