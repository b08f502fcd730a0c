"""The advice as stable JSON (docs/advice.md) and as German text."""

from __future__ import annotations

import json
from datetime import date

from scoring.advice import ADVICE_SCHEMA, MunicipalityFacts, advice_to_dict, advice_to_text
from scoring.advice.render import status_label
from scoring.advice.rules import DateStatus
from tests.unit.test_advice_factory import TODAY, advice

RICH = {
    "strategie.ozg_grundlagen": "einzelne",
    "organisation.prozessoptimierung": "einzelne",
    "technik.dms_eakte": "pilot",
    "strategie.digitalstrategie": "grobkonzept",
    "kooperation.ikz_partner": 6,
    "kooperation.ratsbeschluss": "ja",
    "technik.isms": "kein",
    "technik.isb": "nein",
    "technik.notfallmanagement": "nein",
}


def document(as_of: date = date(2021, 6, 1)) -> dict:
    return advice_to_dict(advice(RICH, as_of=as_of, municipality=MunicipalityFacts("Gemeinde", 4800), targets={"technik": 4}))


def test_top_level_keys_and_json_round_trip() -> None:
    doc = document()
    assert list(doc) == ["schema", "questionnaire", "as_of", "municipality", "targets", "modules", "funding", "measures"]
    assert doc["schema"] == ADVICE_SCHEMA == "digicheck/advice-1"
    assert doc["as_of"] == "2021-06-01" and doc["municipality"] == {"kind": "Gemeinde", "population": 4800}
    assert doc["targets"] == {"technik": 4}
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc


def test_modules_schema() -> None:
    modules = document()["modules"]
    assert list(modules) == ["plan", "days", "invite", "skipped", "clarify", "low_coverage", "notes"]
    assert modules["days"] == {"total": 11.0, "contingent": 5.5, "own": 5.5, "contingent_ended": 0.0}
    assert [n["id"] for n in modules["notes"]] == ["aeltere-lesart", "durchfuehrung"]
    assert modules["notes"][0]["cites"][1] == {"source": "ozg-report-2021", "section": "Digitalisierungsberatung, Allgemeines"}
    first = modules["plan"][0]
    assert set(first) == {
        "id",
        "number",
        "title",
        "goal",
        "contents",
        "note",
        "why",
        "reason",
        "required_by",
        "days",
        "weak_items",
        "target_groups",
        "slot",
        "cost",
        "cost_label",
        "slot_reason",
        "funding",
        "cite",
    }
    assert first["days"] == {
        "on_site": 2.0,
        "results": 0.5,
        "total": 2.5,
        "label": "2,5 Tage: 2 Tage Beratung und 0,5 Tage Ergebnisbesprechung, beides vor Ort",
    }
    assert first["slot"]["id"] == "ozg" and first["cost"] == "contingent"
    assert first["funding"]["state"] == "open" and first["funding"]["until"] == "2022-12-31"
    assert set(first["weak_items"][0]) == {"item", "area", "text", "answer", "score", "below"}
    assert modules["invite"][0] == {"group": "Verwaltungsspitze", "modules": [1, 2, 3, 4]}


def test_funding_schema() -> None:
    funding = {f["id"]: f for f in document()["funding"]}
    ikz = funding["ikz-foerderung"]
    assert set(ikz) == {
        "fit_label",
        "id",
        "name",
        "funder",
        "what",
        "status",
        "period",
        "eligible",
        "fit",
        "reasons",
        "addresses",
        "conditions",
        "exclusions",
        "amount",
        "cite",
    }
    assert ikz["amount"]["value"] == 100_000 and ikz["amount"]["partners"] == 6
    assert ikz["status"] == {
        "state": "unknown",
        "date": None,
        "days_left": None,
        "label": "Laufzeit in der Quelle nicht angegeben – aktuellen Stand beim Fördergeber prüfen",
    }
    assert {c["id"]: c["status"] for c in ikz["conditions"]}["beschluesse"] == "met"
    assert funding["starke-heimat-phase1"]["status"]["label"] == "Antragsfrist endete am 31.08.2020"
    assert funding["starke-heimat-phase1"]["amount"]["grant_share"] == 0.75


def test_measures_schema() -> None:
    measures = document()["measures"]
    technik = next(a for a in measures if a["area"] == "technik")
    assert set(technik) == {"area", "area_name", "level", "target", "reason", "measures"}
    assert technik["target"] == 4
    assert set(technik["measures"][0]) == {
        "id",
        "title",
        "description",
        "who",
        "origin",
        "state",
        "year",
        "items",
        "addresses",
        "cost",
        "cite",
    }


def test_text_is_german_and_names_every_part() -> None:
    text = advice_to_text(advice(RICH, as_of=TODAY, municipality=MunicipalityFacts("Gemeinde")))
    assert text.startswith("Empfehlungen (Stand 23.11.2026)")
    for phrase in (
        "Beratungsmodule",
        "Modul 1 – Einführung und Überblick zum OZG (2,5 Tage",
        "Voraussetzung für: Modul 2",
        "beendet am 31.12.2022",
        "Förderprogramme",
        "nachweislich offen",
        "100.000 € für 6 Kommunen",
        "[erfüllt]",
        "[offen]",
        "So haben es andere gemacht",
        "Einladen: Verwaltungsspitze",
    ):
        assert phrase in text, phrase
    assert text.endswith("\n") and "None" not in text


def test_text_with_everything_open_says_clarify_first() -> None:
    text = advice_to_text(advice({}))
    assert "Erst klären: Zu viele Fragen, nach denen sich die Module richten, sind offen" in text
    assert "Erst klären: Modul 3 – Weiterführende Beratung" in text
    assert "Wie weit ist die elektronische Akte (E-Akte) in Ihrer Verwaltung eingeführt? (technik.dms_eakte)" in text
    assert "Keine Antwort weist auf Bedarf" not in text and "Nicht vorgesehen" not in text
    assert "Kein Bereich liegt unter Stufe 3" in text


def test_ended_programme_would_have_fitted_instead_of_fits() -> None:
    # civento was free of charge until the end of "Starke Heimat Hessen" (2024): a weak online offer fitted it
    text = advice_to_text(advice({"technik.online_dienste": 5}, as_of=TODAY, municipality=MunicipalityFacts("Gemeinde", 4800)))
    line = next(line for line in text.splitlines() if line.startswith("  - Digitalisierungsplattform civento"))
    assert line.endswith("Eignung: hätte gepasst (beendet am 31.12.2024) [Quelle: presse-37mio-2020, civento kostenfrei]"), line
    doc = advice_to_dict(advice({"technik.online_dienste": 5}, as_of=TODAY, municipality=MunicipalityFacts("Gemeinde", 4800)))
    civento = next(f for f in doc["funding"] if f["id"] == "civento")
    assert (civento["fit"], civento["fit_label"]) == ("yes", "hätte gepasst (beendet am 31.12.2024)")


def test_status_labels() -> None:
    day = date(2024, 12, 31)
    assert status_label(DateStatus("open", day, 120)) == "läuft bis 31.12.2024 (noch 120 Tage)"
    assert status_label(DateStatus("closing", day, 5), applications=True) == "Antragsfrist endet am 31.12.2024 (noch 5 Tage)"
    assert status_label(DateStatus("ended", day, None)) == "beendet am 31.12.2024"
    assert status_label(DateStatus("upcoming", day, None)) == "beginnt am 31.12.2024"


def test_counts_in_german_plural() -> None:
    from scoring.words import count

    assert [count(n, "Bedingung", "Bedingungen") for n in (0, 1, 2)] == ["0 Bedingungen", "1 Bedingung", "2 Bedingungen"]
