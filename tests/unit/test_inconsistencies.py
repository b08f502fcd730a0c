"""Inconsistency rules: loading refuses broken files naming file and rule; every shipped rule
fires on its contradiction and stays silent while an answer is missing or "Weiß nicht"."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring import ContentError, Library
from scoring.answers import check_answers
from scoring.inconsistencies import RULES_FILE, find_inconsistencies, load_inconsistency_rules

LIBRARY = Library.load()
Q = LIBRARY.latest
OLD = LIBRARY.get("2026.1")
RULES = load_inconsistency_rules(Q)
SHIPPED = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))

#: Rules for every version: a hand-made answer set that contradicts itself that way (valid in both).
BOTH: dict[str, dict[str, Any]] = {
    "eakte-ohne-dms": {"technik.dms_eakte": "alle", "technik.dms_vorhanden": "nein"},
    "epayment-ohne-online-dienste": {"technik.epayment": "viele", "technik.online_dienste": 0},
    "strategie-ohne-budget": {"strategie.digitalstrategie": "beschlossen", "strategie.budget": "keine"},
    "monitoring-ohne-strategie": {"strategie.monitoring": "gremium", "strategie.digitalstrategie": "keine"},
    "strategie-schriftlich-ohne-inhalte": {"strategie.digitalstrategie": "schriftlich", "strategie.strategie_inhalte": ["keines"]},
    "online-dienste-ohne-nutzerkonto": {"technik.online_dienste": 20, "technik.bundid": "kein_konto"},
    "ikz-ohne-partner": {"kooperation.ikz_vereinbarung": "projekte", "kooperation.ikz_partner": 1},
}
#: For every shipped rule of each version, its contradiction.
FIRING: dict[str, dict[str, dict[str, Any]]] = {
    "2026.1": {
        **BOTH,
        "bundid-postfach-ohne-online-dienste": {"technik.bundid": "postfach", "technik.online_dienste": 0},
        "isms-ohne-isb": {"technik.isms": "zertifiziert", "technik.isb": "nein"},
        "ikz-vereinbarung-ohne-beschluss": {"kooperation.ikz_vereinbarung": "vereinbarung", "kooperation.ratsbeschluss": "nein"},
    },
    "2026.2": {
        **BOTH,
        "postfach-ohne-online-dienste": {"kommunikation.postfach": "alle", "technik.online_dienste": 0},
        "postfach-ohne-nutzerkonto": {"kommunikation.postfach": "einzelne", "technik.bundid": "kein_konto"},
        "isms-audit-ohne-leitlinie": {"technik.isms": ["strukturanalyse", "audit"]},
        "isms-profil-ohne-isb": {"technik.isms": ["leitlinie", "profil"], "technik.isb": "nein"},
        "ikz-laufzeit-ohne-vereinbarung": {"kooperation.ikz_vereinbarung": "austausch", "kooperation.ikz_laufzeit": "unbefristet"},
        "medienbruchfrei-ohne-online-dienste": {"organisation.medienbruchfrei": "meiste", "technik.online_dienste": 0},
        "fabrik-widerspruch": {"strategie.ozg_grundlagen": ["fabrik"], "kooperation.digitalisierungsfabriken": "nein"},
        "civento-ohne-online-dienste": {"strategie.ozg_grundlagen": ["modul1", "civento"], "technik.online_dienste": 0},
    },
}
CASES = [(version, rule_id) for version, rules in FIRING.items() for rule_id in sorted(rules)]


def fired(answers: dict[str, Any], version: str = Q.version) -> list[str]:
    q = LIBRARY.get(version)
    return [f.rule.id for f in find_inconsistencies(q, load_inconsistency_rules(q), check_answers(q, answers))]


@pytest.mark.parametrize("version", sorted(FIRING))
def test_every_shipped_rule_has_a_case(version: str) -> None:
    assert sorted(r.id for r in load_inconsistency_rules(LIBRARY.get(version))) == sorted(FIRING[version])


@pytest.mark.parametrize(("version", "rule_id"), CASES)
def test_rule_fires_on_its_contradiction_only(version: str, rule_id: str) -> None:
    q = LIBRARY.get(version)
    answers = check_answers(q, FIRING[version][rule_id])
    assert fired(FIRING[version][rule_id], version) == [rule_id]
    finding = find_inconsistencies(q, load_inconsistency_rules(q), answers)[0]
    assert [a.item for a in finding.answers] == list(dict.fromkeys(c.item for c in finding.rule.when))
    assert all(a.answer != "nicht beantwortet" for a in finding.answers)


@pytest.mark.parametrize(("version", "rule_id"), CASES)
@pytest.mark.parametrize("missing", ["unanswered", "weiss_nicht"])
def test_rule_does_not_fire_while_an_answer_is_missing(version: str, rule_id: str, missing: str) -> None:
    for item_id in FIRING[version][rule_id]:
        answers = dict(FIRING[version][rule_id])
        if missing == "unanswered":
            del answers[item_id]
        else:
            answers[item_id] = "weiss_nicht"
        assert rule_id not in fired(answers, version), item_id


def test_consistent_answers_fire_nothing() -> None:
    answers = {
        "technik.dms_eakte": "alle",
        "technik.dms_vorhanden": "ja",
        "technik.epayment": "viele",
        "technik.online_dienste": 40,
        "technik.bundid": "konto",
        "kommunikation.postfach": "alle",
        "technik.isms": ["leitlinie", "strukturanalyse", "profil", "audit"],
        "technik.isb": "ja",
        "kooperation.ikz_vereinbarung": "vereinbarung",
        "kooperation.ikz_partner": 4,
        "kooperation.ikz_laufzeit": "unbefristet",
        "strategie.ozg_grundlagen": ["fabrik", "civento"],
        "kooperation.digitalisierungsfabriken": "mehrfach",
        "organisation.medienbruchfrei": "meiste",
    }
    assert fired(answers) == []
    assert (
        fired({"technik.dms_eakte": "alle", "technik.dms_vorhanden": "ja", "technik.isms": "zertifiziert", "technik.isb": "ja"}, "2026.1")
        == []
    )


def test_a_rule_for_other_versions_is_neither_checked_nor_used(tmp_path: Path) -> None:
    """2026.1's rule on the old option technik.bundid: postfach is not an error for 2026.2, whose
    technik.bundid has no such option: it is written for 2026.1 only."""
    assert "bundid-postfach-ohne-online-dienste" in [r.id for r in load_inconsistency_rules(OLD)]
    assert "bundid-postfach-ohne-online-dienste" not in [r.id for r in RULES]
    data = copy.deepcopy(SHIPPED)
    rule = next(r for r in data["rules"] if r["id"] == "bundid-postfach-ohne-online-dienste")
    del rule["versions"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"technik\.bundid hat keine Option 'postfach'"):
        load_inconsistency_rules(Q, path)
    assert len(load_inconsistency_rules(OLD, path)) == len(load_inconsistency_rules(OLD))


def test_not_applicable_meets_no_condition() -> None:
    assert fired({"kooperation.ikz_vereinbarung": "vereinbarung", "kooperation.ratsbeschluss": "trifft_nicht_zu"}) == []


def test_max_score_and_none_of(tmp_path: Path) -> None:
    data = {
        "schema": "digicheck/inconsistencies-1",
        "rules": [
            {
                "id": "probe",
                "message": "Test",
                "cite": SHIPPED["rules"][0]["cite"],
                "when": [{"item": "technik.online_dienste", "max_score": 30}, {"item": "technik.epayment", "none_of": ["nein"]}],
            }
        ],
    }
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rules = load_inconsistency_rules(Q, path)
    assert [f.rule.id for f in find_inconsistencies(Q, rules, {"technik.online_dienste": 5, "technik.epayment": "alle"})] == ["probe"]
    assert find_inconsistencies(Q, rules, {"technik.online_dienste": 25, "technik.epayment": "alle"}) == []  # 25 % score 55
    assert find_inconsistencies(Q, rules, {"technik.online_dienste": 5, "technik.epayment": "nein"}) == []


def broken(tmp_path: Path, change) -> ContentError:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(SHIPPED)
    change(data)
    path = tmp_path / "inconsistencies.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_inconsistency_rules(Q, path)
    assert str(path) in str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["rules"][1]["when"][0].update(item="technik.gibt_es_nicht"), "unbekannte Frage 'technik.gibt_es_nicht'"),
        (lambda d: d["rules"][1]["when"][0].update(any_of=["vielleicht"]), "hat keine Option 'vielleicht'"),
        (lambda d: d["rules"][1]["when"][1].update(max_score=120), "zwischen 0 und 100"),
        (
            lambda d: d["rules"][1]["when"][1].update({"any_of": ["a"], "max_score": None}) or d["rules"][1]["when"][1].pop("max_score"),
            "Zahlenfragen haben keine Optionen",
        ),
        (lambda d: d["rules"][1]["when"][1].update(any_of=["x"]), "genau eines von"),
        (lambda d: d["rules"][1]["when"].pop(), "mindestens zwei verschiedenen Fragen"),
        (lambda d: d["rules"][1].pop("message"), "Feld 'message' fehlt"),
        (lambda d: d["rules"][1].update(cite={"source": "erbach-ikz-2023", "section": "99 Erfunden"}), "nicht verzeichnet"),
        (lambda d: d["rules"][1].update(severity="hoch"), "unbekannte Felder severity"),
        (lambda d: d["rules"][1].update(versions=["neu"]), "Version 'neu' hat nicht die Form JJJJ.N"),
        (
            lambda d: d["rules"][1]["when"].__setitem__(1, {"item": "technik.epayment", "none_of": ["alle"]}),
            "oder zwei zu einer Mehrfachauswahl",
        ),
    ],
)
def test_broken_rule_names_file_and_rule(tmp_path: Path, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    error = broken(tmp_path, change)
    assert error.where.startswith(f"Regel {SHIPPED['rules'][1]['id']}") and expected in error.problem


def test_duplicate_rule_id(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["rules"].append(copy.deepcopy(d["rules"][0])))
    assert f"Regel {SHIPPED['rules'][0]['id']}" in error.where and "doppelt" in error.problem


def test_unknown_schema_and_missing_file(tmp_path: Path) -> None:
    assert "unbekanntes Format" in broken(tmp_path, lambda d: d.update(schema="digicheck/inconsistencies-9")).problem
    with pytest.raises(ContentError, match="Datei nicht gefunden"):
        load_inconsistency_rules(Q, tmp_path / "fehlt.yaml")


def test_reference_profiles_are_consistent() -> None:
    """The documented reference profiles (Gießen 2020, Erbach-IKZ 2023) contradict no rule."""
    from scoring.advice import load_references

    for q in LIBRARY.versions.values():
        for reference in load_references(q, library=LIBRARY):
            assert fired(reference.answers, q.version) == [], (q.version, reference.id)
