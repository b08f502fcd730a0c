"""Figures as the benchmark report page shows them, read from its HTML tables (to compare the API with the page)."""

from __future__ import annotations

import re

ROW = re.compile(r'<tr><th scope="row">([^<]+)</th>\s*(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>([^<]*)</td>")


def table_rows(html: str, table_id: str) -> dict[str, list[str]]:
    """Row label -> cell texts of the table with this id."""
    start = html.index(f'id="{table_id}"')
    table = html[start : html.index("</table>", start)]
    return {label.strip(): CELL.findall(cells) for label, cells in ROW.findall(table)}


def german_number(text: str) -> float:
    return float(text.replace(",", "."))
