"""CSV and PDF of the benchmark report: the same published figures as the page, nothing more.

Suppressed groups do not appear in the CSV at all (a row "keine Angabe" would still
publish the group's existence and size class); the page and the PDF name them with
the reason, without figures.
"""

from __future__ import annotations

from digicheck import downloads
from digicheck.benchmark.plans import LAND, PlanView
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
    "Maßnahme",
    "Im Plan (Kommunen)",
    "Erledigt (Kommunen)",
    "Tage bis erledigt (Median)",
)
#: the columns of the sections about assessments; the plan section fills the last four instead
_FIGURE_COLUMNS = CSV_HEADER.index("Maßnahme")


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
                *[None] * (len(CSV_HEADER) - _FIGURE_COLUMNS),
            ]
        )
    return rows


def _padded(row: list[downloads.Cell]) -> list[downloads.Cell]:
    return row + [None] * (len(CSV_HEADER) - len(row))


def _plan_rows(view: PlanView) -> list[list[downloads.Cell]]:
    """The section "Maßnahmenpläne": per group its published measures (digicheck.benchmark.plans)."""
    rows = []
    for group in view.groups:
        dimension = "land" if group.key == LAND else "size"
        for m in group.measures:
            head: list[downloads.Cell] = ["Maßnahmenpläne", "", group.label, dimension, group.key]
            median = published_number(m.median_days, 1)
            rows.append(head + [None] * (_FIGURE_COLUMNS - len(head)) + [m.title, m.taken, m.done, median])
    return rows


def csv_rows(report: Report, plans: PlanView | None = None) -> list[list[downloads.Cell]]:
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
            rows.append(_padded(["Typ", str(report.round), t.name, "typ", str(t.id), centroid, t.size]))
    if plans is not None:
        rows += _plan_rows(plans)
    note = (
        f"Keine Angabe aus weniger als {report.k} abgeschlossenen Bewertungen; "
        "Gruppen, aus deren Vergleich sich einzelne Kommunen erschließen ließen, fehlen."
    )
    if plans is not None:
        note += f" Maßnahmenpläne: keine Maßnahme, die weniger als {report.k} Kommunen einer Gruppe im Plan haben; Median nur ab {report.k} erledigten."
    rows.append(_padded(["Hinweis", "", note]))
    rows.append(_padded(["Quelle", "", ATTRIBUTION]))
    return rows


def csv_bytes(report: Report, plans: PlanView | None = None) -> bytes:
    """The figures for German Excel (`digicheck.downloads`: `;`, decimal comma, BOM), with the
    section of the plans when given."""
    return downloads.csv_bytes(csv_rows(report, plans))
