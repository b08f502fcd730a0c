"""The register parser reads GV100AD and CSV files whole or not at all, with line-numbered German errors."""

from __future__ import annotations

import csv
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from digicheck.register import (
    ATTRIBUTION,
    RegisterEntry,
    RegisterError,
    attribution,
    detect_format,
    parse_csv,
    parse_gv100ad,
    read_register,
    register_edition,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
GV100AD_FILE = "gv100ad/GV100AD_30112025.txt"  # the edition hessen_kommunen.csv was taken from
COMPARED = ("ags", "name", "kind", "kreis", "regierungsbezirk", "population")

MINI_ENTRIES = [
    RegisterEntry(
        "06411000",
        "Darmstadt",
        "kreisfreie Stadt",
        "Darmstadt",
        "06411",
        "Darmstadt",
        "064",
        167029,
        122.07,
        "64283",
        "Darmstadt, Wissenschaftsstadt",
        85330,
    ),
    RegisterEntry(
        "06431", "Bergstraße", "Landkreis", "Bergstraße", "06431", "Darmstadt", "064", 0, 4.88, "", "Bergstraße", 0, "Heppenheim"
    ),
    RegisterEntry(
        "06437",
        "Odenwaldkreis",
        "Landkreis",
        "Odenwaldkreis",
        "06437",
        "Darmstadt",
        "064",
        32747,
        168.94,
        "",
        "Odenwaldkreis",
        16123,
        "Erbach",
    ),
    RegisterEntry(
        "06437005", "Brombachtal", "Gemeinde", "Odenwaldkreis", "06437", "Darmstadt", "064", 3416, 20.44, "64753", "Brombachtal", 1679
    ),
    RegisterEntry(
        "06437006", "Erbach", "Stadt", "Odenwaldkreis", "06437", "Darmstadt", "064", 13935, 61.52, "64711", "Erbach, Kreisstadt", 6858
    ),
    RegisterEntry(
        "06437011", "Michelstadt", "Stadt", "Odenwaldkreis", "06437", "Darmstadt", "064", 15396, 86.98, "64720", "Michelstadt, Stadt", 7586
    ),
    RegisterEntry(
        "11000000", "Berlin", "kreisfreie Stadt", "Berlin", "11000", "", "110", 3685265, 891.12, "10178", "Berlin, Stadt", 1810259
    ),
]


def mini_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def put(line: str, position: int, value: str) -> str:
    """Overwrite a field at its 1-based position from the Datensatzbeschreibung."""
    return line[: position - 1] + value + line[position - 1 + len(value) :]


def gv_error(lines: list[str], land: str | None = None) -> RegisterError:
    with pytest.raises(RegisterError) as info:
        parse_gv100ad("\n".join(lines) + "\n", "kaputt.txt", land)
    return info.value


# --- fixed-width format ---------------------------------------------------------------------------


def test_mini_fixture_parses_into_expected_entries(gv100ad_mini) -> None:
    register = read_register(gv100ad_mini)
    assert register.format == "gv100ad"
    assert register.entries == MINI_ENTRIES
    assert read_register(gv100ad_mini).entries == MINI_ENTRIES


def test_land_filter_keeps_one_land(gv100ad_mini) -> None:
    assert [e.ags for e in read_register(gv100ad_mini, land="06").entries] == [e.ags for e in MINI_ENTRIES if e.ags.startswith("06")]
    assert [e.name for e in read_register(gv100ad_mini, land="11").entries] == ["Berlin"]
    assert read_register(gv100ad_mini, land="09").entries == []
    with pytest.raises(ValueError, match="zweistellig"):
        read_register(gv100ad_mini, land="6")


def test_gemeindefreies_gebiet_is_skipped_counted_and_in_kreis_area(gv100ad_mini) -> None:
    register = read_register(gv100ad_mini, land="06")
    assert register.skipped_gemeindefrei == 1
    assert "06431200" not in {e.ags for e in register.entries}
    bergstrasse = next(e for e in register.entries if e.ags == "06431")
    assert (bergstrasse.population, bergstrasse.area_km2) == (0, 4.88)


def test_windows_line_endings_byte_order_mark_and_blank_lines_are_accepted(tmp_path: Path, gv100ad_mini) -> None:
    path = tmp_path / "GV100AD.txt"
    path.write_bytes(("\ufeff" + "\r\n".join(mini_lines(gv100ad_mini)) + "\r\n\r\n").encode("utf-8"))
    assert read_register(path).entries == MINI_ENTRIES


BROKEN_RECORDS = [
    (9, lambda line: line[:150], "Satz hat 150 statt 220 Zeichen"),
    (10, lambda line: put(line, 140, "x12".rjust(11)), "Einwohnerzahl 'x12' ist keine Zahl"),
    (13, lambda line: put(line, 151, "  1.810.259"), "Einwohnerzahl männlich '1.810.259' ist keine Zahl"),
    (9, lambda line: put(line, 129, "00000020,44"), "Fläche '00000020,44' ist keine Zahl"),
    (10, lambda line: put(line, 11, "0643700A"), "Schlüssel '0643700A' ist für Satzart 60 ungültig"),
    (11, lambda line: put(line, 1, "70"), "unbekannte Satzart '70'"),
    (11, lambda line: put(line, 123, "69"), "unbekanntes Textkennzeichen '69' für eine Gemeinde"),
    (7, lambda line: put(line, 123, "49"), "unbekanntes Textkennzeichen '49' für einen Kreis"),
    (10, lambda line: put(line, 166, "6471X"), "Postleitzahl '6471X' ist ungültig"),
    (10, lambda line: put(line, 23, " " * 50), "Bezeichnung fehlt"),
    (1, lambda line: put(line, 3, "20251331"), "Gebietsstand '20251331' ist kein Datum (JJJJMMTT)"),
    (4, lambda line: put(line, 3, "20241231"), "Gebietsstand '20241231' weicht vom ersten Satz (20251130) ab"),
]


@pytest.mark.parametrize(("number", "mutate", "problem"), BROKEN_RECORDS)
def test_malformed_record_names_file_line_and_problem(number: int, mutate, problem: str, gv100ad_mini) -> None:
    lines = mini_lines(gv100ad_mini)
    lines[number - 1] = mutate(lines[number - 1])
    error = gv_error(lines)
    assert (error.file, error.line, error.problem) == ("kaputt.txt", number, problem)
    assert str(error) == f"kaputt.txt: Zeile {number}: {problem}"


def test_duplicate_missing_kreis_and_missing_regierungsbezirk_are_refused(gv100ad_mini) -> None:
    lines = mini_lines(gv100ad_mini)
    assert gv_error([*lines, lines[9]]).problem == "Schlüssel 06437006 doppelt (zuerst in Zeile 10)"
    without_kreis = gv_error(lines[:6] + lines[7:])
    assert (without_kreis.line, without_kreis.problem) == (8, "Kreis 06437 fehlt (kein Satz der Satzart 40)")
    without_rb = gv_error(lines[:1] + lines[2:])
    assert (without_rb.line, without_rb.problem) == (3, "Regierungsbezirk 064 fehlt (kein Satz der Satzart 20)")


def test_an_error_anywhere_refuses_the_whole_file(tmp_path: Path, gv100ad_mini) -> None:
    lines = mini_lines(gv100ad_mini)
    lines[-1] = put(lines[-1], 140, "x12".rjust(11))  # the last record, in Berlin
    assert gv_error(lines, land="06").line == 13  # Hessen alone is fine, but the file is broken
    path = tmp_path / "GV100AD_kaputt.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"^GV100AD_kaputt\.txt: Zeile 13: Einwohnerzahl 'x12' ist keine Zahl$"):
        read_register(path)


def test_file_that_is_not_utf8_is_refused_with_line(tmp_path: Path, gv100ad_mini) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("\n".join(mini_lines(gv100ad_mini)).encode("latin-1"))
    with pytest.raises(RegisterError, match=r"latin1\.txt: Zeile 5: Text ist nicht UTF-8-kodiert"):
        read_register(path)
    with pytest.raises(RegisterError, match="Datei nicht lesbar"):
        read_register(tmp_path / "fehlt.txt")


# --- edition and attribution ----------------------------------------------------------------------


def test_edition_comes_from_the_records(gv100ad_mini) -> None:
    assert register_edition(gv100ad_mini) == date(2025, 11, 30)
    assert read_register(gv100ad_mini).attribution == ATTRIBUTION
    newer = [put(line, 3, "20261231") for line in mini_lines(gv100ad_mini)]
    register = parse_gv100ad("\n".join(newer))
    assert register.gebietsstand == date(2026, 12, 31)
    assert register.attribution == ATTRIBUTION.replace("30.11.2025", "31.12.2026")


def test_edition_falls_back_to_file_name_then_to_default(tmp_path: Path, register_mini_csv) -> None:
    text = register_mini_csv.read_text(encoding="utf-8").replace(",gebietsstand", ",stand")
    named = tmp_path / "GV100AD_31122026.csv"
    named.write_text(text, encoding="utf-8")
    assert register_edition(named) == date(2026, 12, 31)
    unnamed = tmp_path / "gemeinden.csv"
    unnamed.write_text(text, encoding="utf-8")
    assert register_edition(unnamed) is None
    assert read_register(unnamed).attribution == attribution() == ATTRIBUTION


# --- CSV and format detection ---------------------------------------------------------------------


def test_csv_parses_required_and_optional_columns(register_mini_csv) -> None:
    register = read_register(register_mini_csv)
    assert register.format == "csv" and register.gebietsstand == date(2025, 11, 30)
    erbach = next(e for e in register.entries if e.ags == "06437006")
    assert erbach == RegisterEntry(
        "06437006", "Erbach", "Stadt", "Odenwaldkreis", "06437", "Darmstadt", "064", 13935, 61.52, "64711", "Erbach, Kreisstadt"
    )
    berlin = next(e for e in register.entries if e.ags == "11000000")
    assert (berlin.regierungsbezirk, berlin.regierungsbezirk_code) == ("", "110")
    assert [e.ags for e in read_register(register_mini_csv, land="06").entries] == ["06411000", "06437", "06437006", "06437011"]


def test_csv_and_fixed_width_agree_on_the_same_municipalities(gv100ad_mini, register_mini_csv) -> None:
    from_csv = {e.ags: e for e in read_register(register_mini_csv).entries}
    for entry in read_register(gv100ad_mini).entries:
        if entry.kind != "Landkreis" and entry.ags in from_csv:
            assert [getattr(entry, f) for f in COMPARED] == [getattr(from_csv[entry.ags], f) for f in COMPARED]


BROKEN_CSV = [
    (1, ("population,", "einwohner,"), "Spalte(n) population fehlen in der Kopfzeile"),
    (4, (",13935,", ",x12,"), "Einwohnerzahl 'x12' ist keine Zahl"),
    (4, ("06437006,", "6437006,"), "AGS '6437006' ist ungültig (8 Ziffern für Gemeinden, 5 für Landkreise)"),
    (2, ("kreisfreie Stadt", "Großstadt"), "Art 'Großstadt' ist unbekannt (erlaubt: Gemeinde, Stadt, kreisfreie Stadt, Landkreis)"),
    (3, ("06437,", "06437000,"), "Art 'Landkreis' passt nicht zur 8-stelligen AGS 06437000"),
    (5, (",Michelstadt,", ",,"), "Feld 'name' ist leer"),
    (5, ("86.98", "groß"), "Fläche 'groß' ist keine Zahl"),
    (5, (",20251130,", ",20251130,extra,"), "12 statt 11 Felder"),
    (6, ("11000000,", "06437011,"), "AGS 06437011 doppelt (zuerst in Zeile 5)"),
]


@pytest.mark.parametrize(("number", "change", "problem"), BROKEN_CSV)
def test_malformed_csv_names_line_and_problem(number: int, change: tuple[str, str], problem: str, register_mini_csv) -> None:
    lines = register_mini_csv.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = lines[number - 1].replace(*change, 1)
    with pytest.raises(RegisterError) as info:
        parse_csv("\n".join(lines), "kaputt.csv")
    assert (info.value.line, info.value.problem) == (number, problem)
    assert str(info.value).startswith(f"kaputt.csv: Zeile {number}: ")


def test_format_is_detected_by_content_not_file_name(tmp_path: Path, gv100ad_mini, register_mini_csv) -> None:
    assert detect_format(gv100ad_mini.read_text(encoding="utf-8")) == "gv100ad"
    assert detect_format("\ufeff" + register_mini_csv.read_text(encoding="utf-8")) == "csv"
    disguised_gv = tmp_path / "register.csv"
    disguised_gv.write_text(gv100ad_mini.read_text(encoding="utf-8"), encoding="utf-8")
    disguised_csv = tmp_path / "register.txt"
    disguised_csv.write_text(register_mini_csv.read_text(encoding="utf-8"), encoding="utf-8")
    assert read_register(disguised_gv).entries == MINI_ENTRIES
    assert read_register(disguised_csv).format == "csv"
    neither = tmp_path / "notiz.txt"
    neither.write_text("Bitte Gemeindeverzeichnis anhängen\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="Zeile 1: Spalte"):
        read_register(neither)


def test_demo_municipalities_come_from_the_register(app) -> None:
    from digicheck.demo_data import DEMO_AGS, demo_register

    with app.app_context():
        entries = demo_register().entries
    assert [e.ags for e in entries] == sorted(DEMO_AGS)
    assert Counter(e.kind for e in entries) == {"Gemeinde": 5, "Stadt": 5, "kreisfreie Stadt": 2, "Landkreis": 2}
    assert {e.regierungsbezirk for e in entries} == {"Darmstadt", "Gießen", "Kassel"}
    assert all(e.ags.startswith("06") for e in entries)


# --- the full official register, when ../shared/data is there -------------------------------------


def shared_register_files(root: Path) -> tuple[Path, Path]:
    """The official register and its Hessian CSV; skip without them, but fail in CI, which provides them."""
    gv100ad, kommunen = root / GV100AD_FILE, root / "hessen_kommunen.csv"
    if gv100ad.is_file() and kommunen.is_file():
        return gv100ad, kommunen
    reason = f"official register not found ({gv100ad} and {kommunen}); it is not part of the project, see ../shared/data/README.md"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true must provide it")
    pytest.skip(reason)


def test_missing_shared_data_skips_locally_and_fails_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="official register not found"):
        shared_register_files(tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true must provide it"):
        shared_register_files(tmp_path)


@pytest.fixture(scope="module")
def hessen() -> dict[str, RegisterEntry]:
    gv100ad, _ = shared_register_files(SHARED)
    return {e.ags: e for e in read_register(gv100ad, land="06").entries}


@pytest.fixture(scope="module")
def kommunen_csv() -> dict[str, dict[str, str]]:
    _, kommunen = shared_register_files(SHARED)
    with kommunen.open(encoding="utf-8", newline="") as handle:
        return {row["ags"]: row for row in csv.DictReader(handle)}


def test_full_hessen_register_counts(hessen: dict[str, RegisterEntry]) -> None:
    kinds = Counter(e.kind for e in hessen.values())
    assert kinds["Gemeinde"] + kinds["Stadt"] + kinds["kreisfreie Stadt"] == 421
    assert kinds["kreisfreie Stadt"] == 5 and kinds["Landkreis"] == 21 and len(hessen) == 442
    assert {(e.regierungsbezirk_code, e.regierungsbezirk) for e in hessen.values()} == {
        ("064", "Darmstadt"),
        ("065", "Gießen"),
        ("066", "Kassel"),
    }


@pytest.mark.parametrize(
    ("ags", "expected"),
    [
        ("06437006", ("Erbach", "Stadt", "Odenwaldkreis", "Darmstadt", 13935)),
        ("06531005", ("Gießen", "Stadt", "Gießen", "Gießen", 89179)),
        ("06437", ("Odenwaldkreis", "Landkreis", "Odenwaldkreis", "Darmstadt", 93846)),
    ],
)
def test_full_hessen_register_spot_checks(hessen: dict[str, RegisterEntry], ags: str, expected: tuple) -> None:
    entry = hessen[ags]
    assert (entry.name, entry.kind, entry.kreis, entry.regierungsbezirk, entry.population) == expected


def test_bromskirchen_is_merged_into_allendorf(hessen: dict[str, RegisterEntry]) -> None:
    assert not [e for e in hessen.values() if e.name.startswith("Bromskirchen")]
    assert hessen["06635001"].name == "Allendorf (Eder)" and hessen["06635001"].population == 7518


def test_full_hessen_register_equals_hessen_kommunen_csv(hessen: dict[str, RegisterEntry], kommunen_csv: dict[str, dict[str, str]]) -> None:
    ours = {ags: tuple(str(getattr(e, f)) for f in COMPARED) for ags, e in hessen.items()}
    theirs = {ags: tuple(row[f] for f in COMPARED) for ags, row in kommunen_csv.items()}
    assert len(theirs) == 442
    assert ours == theirs
    _, kommunen = shared_register_files(SHARED)
    assert list(hessen.values()) == read_register(kommunen).entries  # every field, read through the CSV path


def test_demo_municipalities_match_the_register(app, hessen: dict[str, RegisterEntry]) -> None:
    from digicheck.demo_data import demo_register

    with app.app_context():
        for entry in demo_register().entries:
            assert entry == hessen[entry.ags]


def test_full_germany_parses(hessen: dict[str, RegisterEntry]) -> None:
    gv100ad, _ = shared_register_files(SHARED)
    germany = read_register(gv100ad)
    assert len({e.ags[:2] for e in germany.entries}) == 16
    assert [e for e in germany.entries if e.ags.startswith("06")] == list(hessen.values())
