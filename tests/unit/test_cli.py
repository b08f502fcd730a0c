"""The `digicheck` command line: stable JSON, one-line errors, non-zero exits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digicheck.cli import main
from scoring import Library
from tests.unit.factory import best_answers as best_answers_of

Q = Library.load().latest
#: the conditions these tests break are those of 2026.1 (checked first, as the older version)
Q_2026_1 = Library.load().get("2026.1")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def write_answers(tmp_path: Path, answers: dict, version: str | None = Q.version) -> Path:
    path = tmp_path / "antworten.yaml"
    data = {"answers": answers}
    if version:
        data["questionnaire"] = version
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def best_answers() -> dict:
    return best_answers_of(Q)


def test_check_lists_every_version() -> None:
    result = run("questionnaire", "check")
    assert result.exit_code == 0
    assert f"ok  {Q.version}" in result.output


def test_check_names_file_item_and_problem(tmp_path: Path) -> None:
    text = Path(Q.path).read_text(encoding="utf-8").replace("weight: 3", "weight: 0", 1)
    (tmp_path / "broken.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "check"], env={"DIGICHECK_QUESTIONNAIRES": str(tmp_path)})
    assert result.exit_code == 1
    line = result.output.strip()
    assert "\n" not in line and line.startswith("Fehler: ")
    assert "broken.yaml" in line and "Gewicht" in line and "Frage " in line


def test_show_json_schema() -> None:
    result = run("questionnaire", "show", "--format", "json")
    data = json.loads(result.output)
    assert data["version"] == Q.version
    assert [a["id"] for a in data["areas"]] == ["strategie", "organisation", "kooperation", "kommunikation", "technik"]
    item = data["areas"][0]["items"][0]
    assert {"id", "type", "text", "options"} <= set(item)
    assert all({"id", "label"} <= set(o) for o in item["options"])


def test_show_names_when_an_item_is_asked() -> None:
    data = json.loads(run("questionnaire", "show", "--format", "json").output)
    items = {item["id"]: item for area in data["areas"] for item in area["items"]}
    assert items["kooperation.ikz_partner"]["applies_if"] == [{"item": "kooperation.ikz_vereinbarung", "none_of": ["keine"]}]
    assert "applies_if" not in items["kooperation.ikz_vereinbarung"]
    text = run("questionnaire", "show").output
    assert 'nur gefragt, wenn: [{"item": "kooperation.ikz_vereinbarung", "none_of": ["keine"]}]' in text


def test_show_named_version_text() -> None:
    result = run("questionnaire", "show", Q.version)
    assert result.exit_code == 0 and "Strategie & Steuerung" in result.output


def test_show_unknown_version() -> None:
    result = run("questionnaire", "show", "1999.1")
    assert result.exit_code == 1 and "1999.1" in result.output


def test_score_json(tmp_path: Path) -> None:
    result = run("score", str(write_answers(tmp_path, best_answers())), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["questionnaire"] == Q.version
    assert data["overall"] == data["overall"] | {"level": 5, "name": "Vorreiter"}
    for area in data["areas"]:
        assert {"id", "name", "score", "level", "level_name", "coverage", "provisional", "reasons"} <= set(area)
        assert area["score"] == 100 and area["level"] == 5 and area["coverage"] == 1.0
        assert (area["level_min"], area["level_max"], area["provisional"]) == (5, 5, False)  # profile-1, added keys
    assert (data["overall"]["level_min"], data["overall"]["level_max"], data["overall"]["open"]) == (5, 5, 0)


def test_score_text_explains_gate(tmp_path: Path) -> None:
    answers = best_answers() | {"technik.isms": "weiss_nicht"}
    result = run("score", str(write_answers(tmp_path, answers)))
    assert result.exit_code == 0
    # the one open answer is the gate question: 3 without an ISMS, 5 with one
    assert "Technik & Sicherheit: Stufe 3 Aufbau (vorläufig: 3–5, je nach 1 offenen Frage)" in result.output
    assert "Auf Stufe 3 begrenzt" in result.output
    assert "Je nach ihrer Antwort liegt die Stufe zwischen 3 und 5; sie ist vorläufig." in result.output
    assert "Strategie & Steuerung: Stufe 5 Vorreiter, 100 Punkte" in result.output  # nothing open: no range


def test_score_json_has_the_range_of_an_open_gate_question(tmp_path: Path) -> None:
    answers = best_answers() | {"technik.isms": "weiss_nicht"}
    data = json.loads(run("score", str(write_answers(tmp_path, answers)), "--format", "json").output)
    technik = next(a for a in data["areas"] if a["id"] == "technik")
    assert (technik["level"], technik["level_min"], technik["level_max"], technik["provisional"]) == (3, 3, 5, True)
    assert technik["unknown"] == ["technik.isms"]


def test_score_json_file_without_version_uses_newest(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"answers": {"technik.isms": "weiss_nicht"}}), encoding="utf-8")
    result = run("score", str(path), "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["overall"]["provisional"] is True


@pytest.mark.parametrize(
    ("answers", "fragments"),
    [
        ({"technik.gibtsnicht": "ja"}, ["technik.gibtsnicht", "unbekannte Frage"]),
        ({"technik.isms": "vielleicht"}, ["technik.isms", "unbekannte Option 'vielleicht'"]),
        ({"technik.online_dienste": "viele"}, ["technik.online_dienste", "ganze Zahl"]),
        ({"technik.netz": ["a", "b"]}, ["technik.netz", "erwartet eine Option"]),
    ],
)
def test_score_bad_answers(tmp_path: Path, answers, fragments) -> None:
    result = run("score", str(write_answers(tmp_path, answers)))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Fehler: ")
    for fragment in fragments:
        assert fragment in result.output


def test_score_missing_file(tmp_path: Path) -> None:
    result = run("score", str(tmp_path / "fehlt.yaml"))
    assert result.exit_code == 1 and "nicht gefunden" in result.output


def test_score_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.yaml"
    path.write_text("questionnaire: 2026.1\nanswers: {technik.isms: [\n", encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 1 and "YAML-Syntaxfehler" in result.output and "kaputt.yaml" in result.output


def test_score_unknown_version(tmp_path: Path) -> None:
    result = run("score", str(write_answers(tmp_path, {}, version="2001.1")))
    assert result.exit_code == 1 and "2001.1" in result.output


def test_score_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "liste.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 1 and "Zuordnung" in result.output


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    path = write_answers(tmp_path, {"technik.isms": 17})
    proc = subprocess.run([sys.executable, "-m", "digicheck.cli", "score", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("Fehler: ") and "technik.isms" in proc.stderr


def test_score_json_has_advice_with_stable_keys(tmp_path: Path) -> None:
    result = run(
        "score",
        str(write_answers(tmp_path, best_answers())),
        "--format",
        "json",
        "--as-of",
        "2026-11-23",
        "--kind",
        "Gemeinde",
        "--population",
        "4800",
    )
    assert result.exit_code == 0, result.output
    advice = json.loads(result.output)["advice"]
    assert {"modules", "funding", "measures"} <= set(advice)
    assert advice["as_of"] == "2026-11-23"


def test_score_bad_as_of_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["score", str(write_answers(tmp_path, {})), "--as-of", "23.11.2026"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def _content_copy(tmp_path: Path) -> Path:
    import shutil

    folder = tmp_path / "questionnaires"
    shutil.copytree(Path(Q.path).parent, folder)
    return folder


def test_check_covers_catalogues_and_references() -> None:
    result = run("questionnaire", "check")
    assert result.exit_code == 0
    assert "Kataloge:" in result.output and "Referenzprofile: Erbach-IKZ 2023, Gießen 2020" in result.output


IKZ_CONDITION = "applies_if: [{item: kooperation.ikz_vereinbarung, none_of: [keine]}]"


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        (
            "applies_if: [{item: kooperation.ikz_vereinbarungen, none_of: [keine]}]",
            "Frage kooperation.ikz_laufzeit, applies_if: unbekannte Frage 'kooperation.ikz_vereinbarungen' (Fragebogen 2026.1)",
        ),
        (
            "applies_if: [{item: kooperation.ikz_vereinbarung, none_of: [gar_keine]}]",
            "Frage kooperation.ikz_laufzeit, applies_if: kooperation.ikz_vereinbarung hat keine Option 'gar_keine'",
        ),
    ],
    ids=["unknown item", "unknown option"],
)
def test_check_refuses_conditions_on_unknown_items_or_options(tmp_path: Path, condition: str, problem: str) -> None:
    folder = _content_copy(tmp_path)
    path = folder / Path(Q_2026_1.path).name
    path.write_text(path.read_text(encoding="utf-8").replace(IKZ_CONDITION, condition, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "check"], env={"DIGICHECK_QUESTIONNAIRES": str(folder)})
    assert result.exit_code == 1
    assert result.output == f"Fehler: {path}: {problem}\n"


def test_check_refuses_a_cycle_of_conditions(tmp_path: Path) -> None:
    folder = _content_copy(tmp_path)
    path = folder / Path(Q_2026_1.path).name
    text = path.read_text(encoding="utf-8").replace(
        '        weight: 3\n        not_applicable: false\n        cite: {source: hmdis-2020, section: "4. Interkommunale Zusammenarbeit – OZG"}\n',
        '        weight: 3\n        not_applicable: false\n        cite: {source: hmdis-2020, section: "4. Interkommunale Zusammenarbeit – OZG"}\n'
        "        applies_if: [{item: kooperation.ratsbeschluss, any_of: [ja]}]\n",
        1,
    )
    assert text.count("applies_if") == 5
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "check"], env={"DIGICHECK_QUESTIONNAIRES": str(folder)})
    assert result.exit_code == 1
    assert result.output == (
        f"Fehler: {path}: Frage kooperation.ikz_vereinbarung, applies_if: die Bedingungen bilden einen Kreis: "
        "kooperation.ikz_vereinbarung → kooperation.ratsbeschluss → kooperation.ikz_vereinbarung\n"
    )


def test_catalogue_import_installs_a_valid_file_in_the_instance_folder(tmp_path: Path) -> None:
    folder = _content_copy(tmp_path)
    shipped = (folder / "catalogues" / "funding.yaml").read_text(encoding="utf-8")
    new = tmp_path / "funding.yaml"
    new.write_text(
        shipped.replace("Umsetzungsvereinbarung „OZG Hessen Kommunal“", "Umsetzungsvereinbarung „OZG Hessen Kommunal“ (geändert)", 1),
        encoding="utf-8",
    )
    env = {"DIGICHECK_QUESTIONNAIRES": str(folder), "DIGICHECK_INSTANCE_PATH": str(tmp_path / "instance")}
    result = CliRunner().invoke(main, ["catalogue", "import", str(new)], env=env)
    assert result.exit_code == 0, result.output
    installed = tmp_path / "instance" / "catalogues" / "funding.yaml"
    assert "(geändert)" in installed.read_text(encoding="utf-8")
    assert (folder / "catalogues" / "funding.yaml").read_text(encoding="utf-8") == shipped  # shipped files untouched
    shown = CliRunner().invoke(main, ["catalogue", "show"], env=env)
    assert shown.exit_code == 0, shown.output
    lines = {line.split()[0]: line for line in shown.output.splitlines()[1:]}
    assert "eingespielt am" in lines["funding"] and str(installed) in lines["funding"]
    assert "ausgeliefert" in lines["modules"] and "ausgeliefert" in lines["measures"]
    scored = CliRunner().invoke(main, ["score", str(folder / "references" / "giessen-2020.yaml"), "--format", "text"], env=env)
    assert scored.exit_code == 0 and "(geändert)" in scored.output  # the CLI advises from the catalogue in force


def test_catalogue_import_refuses_a_broken_file_and_changes_nothing(tmp_path: Path) -> None:
    folder = _content_copy(tmp_path)
    before = (folder / "catalogues" / "funding.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "funding.yaml"
    broken.write_text(before.replace("source: hmdis-2020", "source: wikipedia", 1), encoding="utf-8")
    env = {"DIGICHECK_QUESTIONNAIRES": str(folder), "DIGICHECK_INSTANCE_PATH": str(tmp_path / "instance")}
    result = CliRunner().invoke(main, ["catalogue", "import", str(broken)], env=env)
    assert result.exit_code == 1 and "wikipedia" in result.output and result.output.startswith("Fehler: ")
    assert (folder / "catalogues" / "funding.yaml").read_text(encoding="utf-8") == before
    assert not (tmp_path / "instance" / "catalogues" / "funding.yaml").exists()


def test_catalogue_import_unknown_format(tmp_path: Path) -> None:
    odd = tmp_path / "x.yaml"
    odd.write_text("schema: irgendwas\n", encoding="utf-8")
    result = run("catalogue", "import", str(odd))
    assert result.exit_code == 1 and "Katalogformat" in result.output


def test_score_text_gives_size_aware_advice_with_the_contingent_note(tmp_path: Path) -> None:
    answers = {"strategie.verantwortung": "niemand", "strategie.digitalstrategie": "keine", "strategie.budget": "keine"}
    path = write_answers(tmp_path, answers)
    result = run("score", str(path), "--kind", "Gemeinde", "--population", "3400", "--as-of", "2026-11-23")
    assert result.exit_code == 0
    out = result.output
    assert "Erst klären: Zu viele Fragen, nach denen sich die Module richten, sind offen" in out
    assert "Hinweis: Ältere Lesart (2020)" in out and "[Quellen: hmdis-2020, 2. Konzept „Digitalisierungsberatung“; ozg-report-2021" in out
    assert "beides vor Ort" in out and "auf eigene Kosten" in out
    assert "Stabsstelle für Digitalisierung" not in out and "Digitallotsen und „AG Digilotsen“ (IKZ Erbach" in out
    assert "zusammen 42.176 Einwohner" in out
