"""The reference profiles Gießen 2020 and Erbach-IKZ 2023: format, honesty rules, golden results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from scoring import score
from scoring.advice import REFERENCE_DIR, MunicipalityFacts, advise, load_references
from scoring.advice.references import FILE_KEYS, load_reference
from scoring.content import ContentError
from scoring.model import DONT_KNOW
from tests.unit.test_advice_factory import CATALOGUE, TODAY, Q

REFERENCES = {r.id: r for r in load_references(Q)}
GIESSEN_DATE = date(2020, 6, 3)  # "Stand 03.06.2020"
ERBACH_DATE = date(2023, 12, 1)  # "vorgelegt im Dezember 2023"


def profile_of(ref_id: str):
    return score(Q, REFERENCES[ref_id].answers)


def advice_of(ref_id: str, as_of: date):
    return advise(Q, profile_of(ref_id), MunicipalityFacts("Stadt"), as_of=as_of, catalogue=CATALOGUE)


# --- format and honesty ----------------------------------------------------------


def test_both_reference_files_are_shipped() -> None:
    assert sorted(REFERENCES) == ["erbach-ikz-2023", "giessen-2020"]
    assert {r.label for r in REFERENCES.values()} == {"Gießen 2020", "Erbach-IKZ 2023"}


@pytest.mark.parametrize("path", sorted(REFERENCE_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_file_uses_exactly_the_answer_file_keys(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) == set(FILE_KEYS) == {"questionnaire", "answers", "label", "description", "citations"}
    assert data["description"].startswith("Abgeleitet aus öffentlichen Dokumenten, keine offizielle Selbsteinschätzung")


@pytest.mark.parametrize("ref_id", ["giessen-2020", "erbach-ikz-2023"])
def test_every_item_answered_and_every_answer_cited(ref_id: str) -> None:
    ref = REFERENCES[ref_id]
    assert set(ref.answers) == {item.id for item in Q.items}
    for item_id, value in ref.answers.items():
        if value != DONT_KNOW:
            cite = ref.citations[item_id]
            assert cite.passage.strip() and cite.cite.section.strip()
            assert cite.cite.source == ref_id  # each profile rests on its own document


def test_missing_answer_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load((REFERENCE_DIR / "giessen-2020.yaml").read_text(encoding="utf-8"))
    del data["answers"]["technik.isb"]
    path = tmp_path / "kaputt.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"kaputt\.yaml: Frage technik\.isb: keine Antwort"):
        load_reference(path, Q, CATALOGUE.sections)


def test_answer_without_citation_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load((REFERENCE_DIR / "erbach-ikz-2023.yaml").read_text(encoding="utf-8"))
    del data["citations"]["technik.epayment"]
    path = tmp_path / "kaputt.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"Frage technik\.epayment: Antwort ohne Zitat"):
        load_reference(path, Q, CATALOGUE.sections)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(source_url="x"), "unbekannte Felder source_url"),
        (lambda d: d.update(questionnaire="2025.1"), "Fragebogen 2025.1"),
        (lambda d: d["answers"].update({"technik.isb": "vielleicht"}), "Frage technik.isb"),
        (lambda d: d["citations"]["technik.epayment"].update(section="9.9 Erfunden"), "9.9 Erfunden"),
        (lambda d: d["citations"]["technik.epayment"].update(passage=""), "passage"),
    ],
)
def test_broken_reference_file(tmp_path: Path, change, expected) -> None:
    data = yaml.safe_load((REFERENCE_DIR / "erbach-ikz-2023.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "kaputt.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_reference(path, Q, CATALOGUE.sections)
    assert "kaputt.yaml" in str(info.value) and expected in str(info.value)


# --- golden: scored levels per area ------------------------------------------------------


def levels(ref_id: str) -> dict[str, tuple]:
    """Per area: score, level, provisional, and the range (lowest, highest level) the open answers allow."""
    return {
        a.id: (None if a.score is None else round(a.score, 1), a.level, a.provisional, a.level_min, a.level_max)
        for a in profile_of(ref_id).areas
    }


def test_giessen_2020_levels() -> None:
    assert levels("giessen-2020") == {
        # capped at 2: only a Grobkonzept, no written strategy yet; the one open question (funding used)
        # cannot lift that gate, and at 0 points it still leaves the area above 20 points: firm
        "strategie": (59.5, 2, False, 2, 2),
        # 7 of 11 open: with them at their best the area reaches 5, at their worst 2
        "organisation": (63.0, 4, True, 2, 5),
        "kooperation": (None, None, True, 1, 5),  # the document says nothing about cooperation
        "kommunikation": (25.0, 2, True, 1, 5),
        # capped at 3: no ISMS documented; at best 4, because the E-Akte is only piloted (gate below 5)
        "technik": (64.0, 3, True, 1, 4),
    }
    overall = profile_of("giessen-2020").overall
    assert (round(overall.score, 1), overall.level, overall.provisional) == (52.9, 3, True)
    # at best: areas 2, 5, 5, 5, 4 and a mean above 80, but at most one above the weakest area (2)
    assert (overall.level_min, overall.level_max) == (1, 3)


def test_erbach_ikz_2023_levels() -> None:
    assert levels("erbach-ikz-2023") == {
        "strategie": (57.2, 3, False, 3, 3),  # capped at 3: responsibility not yet formally assigned
        "organisation": (28.1, 2, True, 2, 3),
        # council resolutions, knowledge base and Digitalisierungsfabriken open (weights 2, 1, 1): 2-4
        "kooperation": (47.7, 3, True, 2, 4),
        "kommunikation": (42.9, 3, True, 1, 4),
        "technik": (23.6, 2, True, 1, 3),  # at best 3: no ISMS
    }
    overall = profile_of("erbach-ikz-2023").overall
    assert (round(overall.score, 1), overall.level, overall.provisional) == (39.9, 2, True)
    assert (overall.level_min, overall.level_max) == (2, 4)


# --- golden: advice ------------------------------------------------------------------------------


def test_giessen_2020_advice_at_the_time_of_the_document() -> None:
    result = advice_of("giessen-2020", GIESSEN_DATE)
    plan = result.modules
    assert [(m.module.number, m.why, m.slot.id if m.slot else None, m.cost) for m in plan.modules] == [
        (1, "needed", "ozg", "contingent"),
        (3, "needed", "verwaltungsdigitalisierung", "contingent"),
        (4, "needed", None, "own"),
    ]
    assert (plan.days_total, plan.days_contingent, plan.days_own) == (8.5, 5.5, 3.0)
    funding = {m.programme.id: (m.status.state, m.fit) for m in result.funding}
    assert funding == {
        "ozg-hessen-kommunal": ("open", "conditional"),
        "starke-heimat-phase1": ("closing", "conditional"),  # 89 days to the 31.08.2020 deadline
        "starke-heimat-phase2": ("upcoming", "conditional"),
        "civento": ("open", "conditional"),
        "ozg-modellkommunen": ("open", "conditional"),
        "ikz-foerderung": ("unknown", "conditional"),
        "smarte-kommunen-regionen": ("open", "conditional"),
    }
    assert {a.area: [s.measure.id for s in a.measures] for a in result.measures} == {
        "strategie": ["giessen-grobkonzept", "erbach-zielbild", "giessen-haushalt", "giessen-sofortmassnahmen", "erbach-fokusleistungen"],
        "kommunikation": ["giessen-videokonferenz", "erbach-kollaborationstool"],
    }


def test_giessen_2020_advice_today() -> None:
    plan = advice_of("giessen-2020", TODAY).modules
    assert (plan.days_total, plan.days_contingent, plan.days_own, plan.days_contingent_ended) == (8.5, 0.0, 8.5, 5.5)


def test_erbach_ikz_2023_advice_at_the_time_of_the_document() -> None:
    result = advice_of("erbach-ikz-2023", ERBACH_DATE)
    plan = result.modules
    assert [(m.module.number, m.slot.id if m.slot else None, m.funding.state, m.cost) for m in plan.modules] == [
        (1, "ozg", "ended", "own"),
        (2, "starke-heimat-modul2", "ended", "own"),
        (3, "verwaltungsdigitalisierung", "open", "contingent"),
    ]
    assert plan.modules[0].required_by == ("modul2",)
    assert (plan.days_total, plan.days_contingent, plan.days_own, plan.days_contingent_ended) == (8.0, 3.0, 5.0, 5.0)
    ikz = next(m for m in result.funding if m.programme.id == "ikz-foerderung")
    assert (ikz.amount.value, ikz.amount.per_municipality) == (100_000, 25_000)
    assert {c.id: c.status for c in ikz.conditions} == {
        "beschluesse": "unknown",
        "vereinbarung": "not_met",
        "laufzeit": "met",
        "personalkosten": "not_met",
        "partner": "met",
        "keine_reine_it_investition": "unknown",
    }
    assert ikz.fit == "conditional"
    assert {a.area: [s.measure.id for s in a.measures] for a in result.measures} == {
        "organisation": [
            "giessen-prozessinventur",
            "erbach-prozessoptimierung",
            "erbach-fuehrungskonzept",
            "erbach-personalentwicklung",
            "erbach-organisationsabteilung",
        ],
        "technik": ["erbach-dms-gemeinsam", "giessen-eakte-pilot", "erbach-isms", "giessen-arbeitsplatz", "erbach-scanstrategie"],
    }
