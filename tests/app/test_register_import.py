"""`digicheck municipalities import/show` against a real database and the real register format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Assessment, Municipality
from tests.conftest import skip_or_fail

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
GV100AD = SHARED / "gv100ad" / "GV100AD_30112025.txt"


def count(**filters) -> int:
    query = select(func.count(Municipality.id))
    for key, value in filters.items():
        query = query.where(getattr(Municipality, key) == value)
    return db.session.scalar(query)


def test_mini_fixture_import_and_show(cli, gv100ad_mini) -> None:
    result = cli("municipalities", "import", str(gv100ad_mini), "--land", "06")
    assert result.exit_code == 0, result.output
    assert "neu" in result.output and "Quelle: Statistisches Bundesamt (Destatis)" in result.output
    shown = cli("municipalities", "show", "06437006", "--format", "json")
    data = json.loads(shown.output)
    assert {k: data[k] for k in ("ags", "name", "kind", "kreis", "regierungsbezirk")} == {
        "ags": "06437006",
        "name": "Erbach",
        "kind": "Stadt",
        "kreis": "Odenwaldkreis",
        "regierungsbezirk": "Darmstadt",
    }
    assert isinstance(data["population"], int) and data["population"] > 10_000
    assert count(ags="11000000") == 0  # Berlin is outside --land 06


def test_reimport_is_idempotent(cli, gv100ad_mini) -> None:
    cli("municipalities", "import", str(gv100ad_mini), "--land", "06")
    before = count()
    again = cli("municipalities", "import", str(gv100ad_mini), "--land", "06")
    assert again.exit_code == 0 and " 0 neu, 0 aktualisiert" in again.output
    assert count() == before


def test_newer_edition_updates_population_and_name(cli, tmp_path, register_mini_csv) -> None:
    cli("municipalities", "import", str(register_mini_csv))
    lines = (register_mini_csv).read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1]
    row = next(csv.DictReader(lines))
    changed = first.replace(f",{row['population']},", f",{int(row['population']) + 111},", 1)
    newer = tmp_path / "neu.csv"
    newer.write_text("\n".join([lines[0], changed, *lines[2:]]) + "\n", encoding="utf-8")
    result = cli("municipalities", "import", str(newer))
    assert result.exit_code == 0 and "1 aktualisiert" in result.output
    assert db.session.scalars(select(Municipality).where(Municipality.ags == row["ags"])).one().population == int(row["population"]) + 111
    assert header[0] == "ags"


def test_malformed_line_names_the_line_and_imports_nothing(cli, tmp_path, gv100ad_mini) -> None:
    lines = (gv100ad_mini).read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3][:50]
    broken = tmp_path / "kaputt.txt"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("municipalities", "import", str(broken))
    assert result.exit_code == 1
    assert result.output.startswith("Fehler: ") and "Zeile 4" in result.output and result.output.count("\n") == 1
    assert count() == 0


def test_show_unknown_ags(cli) -> None:
    result = cli("municipalities", "show", "06999999")
    assert result.exit_code == 1 and "06999999" in result.output


def test_missing_file(cli, tmp_path) -> None:
    result = cli("municipalities", "import", str(tmp_path / "fehlt.txt"))
    assert result.exit_code == 1 and "Fehler:" in result.output


@pytest.fixture
def full_register():
    if not GV100AD.exists():
        skip_or_fail(f"amtliches Gemeindeverzeichnis fehlt ({GV100AD}); es liegt in ../shared/data, nicht im Projekt")
    return GV100AD


def test_full_hessen_register(cli, full_register) -> None:
    result = cli("municipalities", "import", str(full_register), "--land", "06")
    assert result.exit_code == 0, result.output
    assert count(kind="Landkreis") == 21
    assert count() - count(kind="Landkreis") == 421
    assert count(kind="kreisfreie Stadt") == 5
    erbach = json.loads(cli("municipalities", "show", "06437006", "--format", "json").output)
    giessen = json.loads(cli("municipalities", "show", "06531005", "--format", "json").output)
    assert (erbach["name"], erbach["kind"], erbach["kreis"], erbach["regierungsbezirk"]) == (
        "Erbach",
        "Stadt",
        "Odenwaldkreis",
        "Darmstadt",
    )
    assert (giessen["name"], giessen["kind"], giessen["regierungsbezirk"]) == ("Gießen", "Stadt", "Gießen")
    rows = csv.DictReader((SHARED / "hessen_kommunen.csv").read_text(encoding="utf-8").splitlines())
    expected = {r["ags"]: int(r["population"]) for r in rows}
    assert erbach["population"] == expected["06437006"] and giessen["population"] == expected["06531005"]


def test_bromskirchen_is_marked_merged_and_keeps_its_assessments(cli, full_register, world) -> None:
    bromskirchen = Municipality(
        ags="06635005",
        name="Bromskirchen",
        kind="Gemeinde",
        kreis="Waldeck-Frankenberg",
        kreis_ags="06635",
        regierungsbezirk="Kassel",
        population=1700,
    )
    db.session.add(bromskirchen)
    db.session.commit()
    assessment = svc.start_round(bromskirchen, None)
    result = cli("municipalities", "import", str(full_register), "--land", "06")
    assert "1 als fusioniert markiert" in result.output
    merged = db.session.scalars(select(Municipality).where(Municipality.ags == "06635005")).one()
    assert merged.merged_into.name == "Allendorf (Eder)" and not merged.in_register
    assert db.session.get(Assessment, assessment.id).municipality_id == merged.id
    shown = json.loads(cli("municipalities", "show", "06635005", "--format", "json").output)
    assert shown["merged_into"] == "06635001"
    # the hand-made test municipalities of `world` are real AGS and stay in the register
    assert db.session.get(Municipality, world.erbach.id).in_register
