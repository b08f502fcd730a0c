"""`digicheck municipalities import` of records the database cannot hold: one German line naming
the line, exit 1, and nothing of the file stored, on SQLite (which would take them) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from digicheck.extensions import db
from digicheck.models import Municipality
from digicheck.register import MAX_POPULATION, TEXT_FIELDS

HEADER = "ags,name,kind,kreis,regierungsbezirk,population"
GOOD = "06437006,Erbach,Stadt,Odenwaldkreis,Darmstadt,13876"


def stored() -> int:
    return db.session.scalar(select(func.count(Municipality.id))) or 0


@pytest.mark.parametrize(
    ("bad_line", "fragment"),
    [
        ("06431001,Abtsteinach,Gemeinde,Bergstraße,Darmstadt,2147483648", "Einwohnerzahl 2147483648 ist zu groß (höchstens 2147483647)"),
        ("06431001,Abtsteinach,Gemeinde,Bergstraße,Darmstadt," + "9" * 5000, "Einwohnerzahl mit 5000 Ziffern ist zu groß"),
        ("06431001," + "A" * 121 + ",Gemeinde,Bergstraße,Darmstadt,2500", "Name ist 121 Zeichen lang (höchstens 120)"),
        ("06431001,Abt\x00steinach,Gemeinde,Bergstraße,Darmstadt,2500", "Name enthält ein Steuerzeichen (U+0000)"),
        ("06431001,Abtsteinach,Gemeinde,Berg\x1bstraße,Darmstadt,2500", "Kreis enthält ein Steuerzeichen (U+001B)"),
        ("06431001,Abtsteinach,Gemeinde,Bergstraße," + "D" * 81 + ",2500", "Regierungsbezirk ist 81 Zeichen lang (höchstens 80)"),
    ],
)
def test_csv_record_the_database_cannot_hold_is_refused_and_nothing_stored(cli, tmp_path: Path, bad_line: str, fragment: str) -> None:
    path = tmp_path / "kommunen.csv"
    path.write_text("\n".join([HEADER, GOOD, bad_line]) + "\n", encoding="utf-8")
    result = cli("municipalities", "import", str(path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: kommunen.csv: Zeile 3: "), result.output[:500]
    assert fragment in lines[0]
    assert stored() == 0  # the good first line was not stored either


def test_gv100ad_population_over_the_column_is_refused(cli, tmp_path: Path, gv100ad_mini) -> None:
    lines = gv100ad_mini.read_text(encoding="utf-8").splitlines()
    number, record = next((n, line) for n, line in enumerate(lines) if line.startswith("60") and line[122:124] in ("60", "63", "64"))
    lines[number] = record[:139] + "99999999999" + record[150:]
    path = tmp_path / "GV100AD_30112025.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("municipalities", "import", str(path), "--land", "06")
    assert result.exit_code == 1
    assert f"Zeile {number + 1}: Einwohnerzahl 99999999999 ist zu groß" in result.output and result.output.count("\n") == 1
    assert stored() == 0


def test_a_device_is_not_read(cli) -> None:
    result = cli("municipalities", "import", "/dev/zero")
    assert result.exit_code == 1 and "keine reguläre Datei" in result.output and result.output.count("\n") == 1


def test_limits_match_the_database_columns() -> None:
    columns = Municipality.__table__.c
    assert {field: limit for field, (_, limit) in TEXT_FIELDS.items()} == {field: columns[field].type.length for field in TEXT_FIELDS}
    assert MAX_POPULATION == 2**31 - 1 and type(columns["population"].type).__name__ == "Integer"


def test_longest_allowed_values_are_stored(cli, tmp_path: Path) -> None:
    path = tmp_path / "kommunen.csv"
    name = "Ä" * 120
    path.write_text("\n".join([HEADER, f"06431001,{name},Gemeinde,Bergstraße,Darmstadt,{MAX_POPULATION}"]) + "\n", encoding="utf-8")
    result = cli("municipalities", "import", str(path))
    assert result.exit_code == 0, result.output
    row = db.session.scalars(select(Municipality)).one()
    assert row.name == name and row.population == MAX_POPULATION
