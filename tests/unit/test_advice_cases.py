"""The consultant's checklist (docs/advice.md "Fälle"): eight profiles on questionnaire 2026.2.

Each expectation below is the one written out in words in docs/advice.md, reasoned from the
level descriptions and gates in questionnaires/digicheck-2026.2.yaml, docs/scoring.md and the
catalogues' cited rules -- not copied from the program's output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digicheck.cli import main
from scoring import Library, score
from scoring.advice import MunicipalityFacts, advise
from scoring.advice.render import advice_to_text, fit_label
from scoring.answers import check_answers
from scoring.inconsistencies import find_inconsistencies, load_inconsistency_rules
from scoring.report import profile_to_text

CASES_DIR = Path(__file__).parent / "cases"
Q = Library.load().get("2026.2")
RULES = load_inconsistency_rules(Q)
AREAS = ("strategie", "organisation", "kooperation", "kommunikation", "technik")
SMALL_MEASURES = {"erbach-verantwortliche-person", "erbach-digilotsen", "erbach-ikz-strategie"}
NOT_FOR_SMALL = {"giessen-stabsstelle", "giessen-sofortmassnahmen"}


@dataclass(frozen=True)
class Case:
    facts: MunicipalityFacts
    as_of: date
    #: (level, lowest, highest) per area in AREAS order, then overall
    levels: tuple[tuple[int | None, int | None, int | None], ...]
    overall: tuple[int, int, int]
    #: planned module number -> "contingent" | "own"
    plan: dict[int, str]
    #: days total, contingent, own, contingent that would have paid after its end
    days: tuple[float, float, float, float]
    #: modules left out: skip reason holds, or no answer calls for them
    skipped: tuple[int, ...] = ()
    clarify: tuple[int, ...] = ()
    low_coverage: bool = False
    #: module that takes the free 3/4 slot (None: neither 3 nor 4 planned)
    slot34: int | None = None
    #: programme id -> fit label (exact)
    funding: dict[str, str] = field(default_factory=dict)
    ikz_amount: float | None = None
    ikz_favoured: bool = False
    inconsistencies: tuple[str, ...] = ()
    #: areas that get reference measures
    measure_areas: tuple[str, ...] = ()


ENDED_0820 = "Antragsfrist endete am 31.08.2020"
ENDED_0920 = "Antragsfrist endete am 30.09.2020"

CASES: dict[str, Case] = {
    "1-gemeinde-ohne-start": Case(
        facts=MunicipalityFacts("Gemeinde", 3400),
        as_of=date(2021, 6, 15),
        levels=((1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 1)),
        overall=(1, 1, 1),
        plan={1: "contingent", 2: "own", 3: "own", 4: "contingent"},
        days=(11.0, 5.5, 5.5, 0.0),
        slot34=4,
        funding={
            "ozg-hessen-kommunal": "passt",
            "civento": "passt",
            "starke-heimat-phase1": f"hätte unter Bedingungen gepasst ({ENDED_0820})",
            "starke-heimat-phase2": "passt unter Bedingungen",
            "ikz-foerderung": "passt unter Bedingungen",
        },
        ikz_favoured=True,
        measure_areas=AREAS,
    ),
    "2-stadt-stabsstelle": Case(
        facts=MunicipalityFacts("Stadt", 28000),
        as_of=date(2021, 6, 15),
        levels=((4, 4, 4), (4, 4, 4), (2, 2, 2), (3, 3, 3), (3, 3, 3)),
        overall=(3, 3, 3),
        plan={2: "contingent", 3: "contingent"},
        days=(5.5, 5.5, 0.0, 0.0),
        skipped=(1, 4),
        slot34=3,
        funding={
            "ozg-hessen-kommunal": "passt",
            "civento": "passt",
            "starke-heimat-phase1": f"hätte unter Bedingungen gepasst ({ENDED_0820})",
            "starke-heimat-phase2": "passt unter Bedingungen",
            "ikz-foerderung": "passt unter Bedingungen",
        },
        ikz_amount=75000,
        measure_areas=("kooperation",),
    ),
    "3-ikz-vier": Case(
        facts=MunicipalityFacts("Gemeinde", 6500),
        as_of=date(2026, 11, 23),
        levels=((3, 3, 3), (2, 2, 2), (4, 4, 4), (2, 2, 2), (3, 3, 3)),
        overall=(3, 3, 3),
        plan={2: "own", 3: "own"},
        days=(5.5, 0.0, 5.5, 5.5),
        skipped=(1, 4),
        slot34=3,
        funding={
            "ozg-hessen-kommunal": "hätte gepasst (beendet am 31.12.2023)",
            "civento": "hätte gepasst (beendet am 31.12.2024)",
            "starke-heimat-phase2": "passt nicht",
            "ikz-foerderung": "passt unter Bedingungen",
        },
        ikz_amount=100000,
        ikz_favoured=True,
        measure_areas=("organisation", "kommunikation"),
    ),
    "4-landkreis": Case(
        facts=MunicipalityFacts("Landkreis", 240000),
        as_of=date(2022, 3, 1),
        levels=((5, 5, 5), (4, 4, 4), (3, 3, 3), (4, 4, 4), (3, 3, 3)),
        overall=(4, 4, 4),
        plan={1: "contingent", 2: "own"},
        days=(5.0, 2.5, 2.5, 0.0),
        skipped=(3, 4),
        funding={
            "ozg-hessen-kommunal": "passt",
            "civento": "passt",
            "starke-heimat-phase1": "passt nicht",
            "starke-heimat-phase2": "passt nicht",
            "ozg-modellkommunen": f"hätte unter Bedingungen gepasst ({ENDED_0920})",
            "ikz-foerderung": "passt unter Bedingungen",
        },
        ikz_amount=50000,
    ),
    "5-grossstadt-spitze": Case(
        facts=MunicipalityFacts("kreisfreie Stadt", 180000),
        as_of=date(2026, 11, 23),
        levels=((5, 5, 5), (5, 5, 5), (5, 5, 5), (5, 5, 5), (4, 4, 4)),
        overall=(5, 5, 5),
        plan={},
        days=(0.0, 0.0, 0.0, 0.0),
        skipped=(1, 2, 3, 4),
        funding={
            "ozg-hessen-kommunal": "passt nicht",
            "civento": "passt nicht",
            "starke-heimat-phase1": "passt nicht",
            "starke-heimat-phase2": "passt nicht",
            "ozg-modellkommunen": f"hätte unter Bedingungen gepasst ({ENDED_0920})",
            "ikz-foerderung": "passt nicht",
            "smarte-kommunen-regionen": "passt nicht",
        },
        ikz_amount=75000,
    ),
    "6-weiss-nicht": Case(
        facts=MunicipalityFacts("Stadt", 12000),
        as_of=date(2026, 11, 23),
        levels=((2, 1, 2), (2, 1, 5), (1, 1, 5), (3, 1, 5), (1, 1, 2)),
        overall=(2, 1, 3),
        plan={3: "own", 4: "own"},
        days=(6.0, 0.0, 6.0, 3.0),
        clarify=(1, 2),
        low_coverage=True,
        slot34=3,
        funding={
            "ozg-hessen-kommunal": "hätte unter Bedingungen gepasst (beendet am 31.12.2023)",
            "starke-heimat-phase1": f"hätte unter Bedingungen gepasst ({ENDED_0820})",
        },
        ikz_favoured=True,
        measure_areas=("strategie", "organisation", "kooperation", "technik"),
    ),
    "7-widerspruechlich": Case(
        facts=MunicipalityFacts("Gemeinde", 8000),
        as_of=date(2026, 11, 23),
        levels=((2, 2, 2), (2, 2, 2), (2, 2, 2), (2, 2, 2), (2, 2, 2)),
        overall=(2, 2, 2),
        plan={1: "own", 2: "own", 3: "own", 4: "own"},
        days=(11.0, 0.0, 11.0, 5.5),
        slot34=3,
        inconsistencies=(
            "eakte-ohne-dms",
            "epayment-ohne-online-dienste",
            "strategie-ohne-budget",
            "postfach-ohne-online-dienste",
            "postfach-ohne-nutzerkonto",
            "isms-audit-ohne-leitlinie",
            "isms-profil-ohne-isb",
            "ikz-laufzeit-ohne-vereinbarung",
            "medienbruchfrei-ohne-online-dienste",
            "fabrik-widerspruch",
            "civento-ohne-online-dienste",
        ),
        ikz_amount=50000,
        ikz_favoured=True,
        funding={"civento": "hätte gepasst (beendet am 31.12.2024)"},
        measure_areas=AREAS,
    ),
    "8-ikz-sechs": Case(
        facts=MunicipalityFacts("Stadt", 15000),
        as_of=date(2022, 3, 1),
        levels=((2, 2, 2), (3, 3, 3), (4, 4, 4), (3, 3, 3), (2, 2, 2)),
        overall=(3, 3, 3),
        plan={1: "contingent", 2: "own", 3: "own", 4: "contingent"},
        days=(11.0, 5.5, 5.5, 0.0),
        slot34=4,
        funding={
            "ozg-hessen-kommunal": "passt",
            "civento": "passt",
            "starke-heimat-phase1": f"hätte unter Bedingungen gepasst ({ENDED_0820})",
            "starke-heimat-phase2": "passt nicht",
            "ikz-foerderung": "passt unter Bedingungen",
        },
        ikz_amount=100000,
        ikz_favoured=True,
        measure_areas=("strategie", "technik"),
    ),
}


def run(name: str):
    data = yaml.safe_load((CASES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    assert data["questionnaire"] == Q.version
    case = CASES[name]
    profile = score(Q, data["answers"])
    return case, profile, advise(Q, profile, case.facts, as_of=case.as_of), data["answers"]


def test_every_case_file_has_an_expectation() -> None:
    assert sorted(p.stem for p in CASES_DIR.glob("*.yaml")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_levels_and_ranges(name: str) -> None:
    case, profile, _, _ = run(name)
    areas = {a.id: a for a in profile.areas}
    got = tuple((areas[a].level, areas[a].level_min, areas[a].level_max) for a in AREAS)
    assert got == case.levels
    o = profile.overall
    assert (o.level, o.level_min, o.level_max) == case.overall
    for area, (_, low, high) in zip(AREAS, case.levels, strict=True):
        assert areas[area].provisional == (low != high)


@pytest.mark.parametrize("name", sorted(CASES))
def test_module_plan_and_contingent(name: str) -> None:
    case, _, advice, _ = run(name)
    plan = advice.modules
    assert {p.module.number: p.cost for p in plan.modules} == case.plan
    assert (plan.days_total, plan.days_contingent, plan.days_own, plan.days_contingent_ended) == case.days
    assert tuple(s.module.number for s in plan.skipped) == case.skipped
    assert tuple(c.module.number for c in plan.clarify) == case.clarify
    assert plan.low_coverage == case.low_coverage
    # two modules at most are state-paid (or would have been): one of 1/2, one of 3/4 (ozg-report-2021 "Allgemeines")
    slotted = {p.module.number for p in plan.modules if p.slot is not None}
    assert len(slotted & {1, 2}) <= 1 and len(slotted & {3, 4}) <= 1
    assert len(slotted & {3, 4}) == (case.slot34 is not None)
    if case.slot34 is not None:
        assert slotted & {3, 4} == {case.slot34}
        chosen = next(p for p in plan.modules if p.module.number == case.slot34)
        if {3, 4} <= set(case.plan):  # both needed: the slot goes to the larger need, with the reason
            assert chosen.slot_reason.startswith(f"Größerer Bedarf – Modul {case.slot34} ")
    assert "aeltere-lesart" in {n.id for n in plan.notes}
    if 1 in case.skipped and 2 in case.plan:
        skipped1 = next(s for s in plan.skipped if s.module.number == 1)
        assert "direkt mit Modul 2" in skipped1.reason


@pytest.mark.parametrize("name", sorted(CASES))
def test_funding(name: str) -> None:
    case, _, advice, _ = run(name)
    matches = {f.programme.id: f for f in advice.funding}
    for programme, label in case.funding.items():
        assert fit_label(matches[programme]) == label, programme
    ikz = matches["ikz-foerderung"]
    assert ikz.status.state == "unknown"  # no source dates the IKZ framework (hmdis-2020 §4)
    assert ikz.amount.value == case.ikz_amount
    assert any("kleinere Kommunen" in r for r in ikz.reasons) == case.ikz_favoured
    assert matches["smarte-kommunen-regionen"].status.state == "unknown"


@pytest.mark.parametrize("name", sorted(CASES))
def test_inconsistencies(name: str) -> None:
    case, _, _, answers = run(name)
    fired = [f.rule.id for f in find_inconsistencies(Q, RULES, check_answers(Q, answers))]
    assert sorted(fired) == sorted(case.inconsistencies)


@pytest.mark.parametrize("name", sorted(CASES))
def test_measures_fit_the_size(name: str) -> None:
    case, _, advice, _ = run(name)
    by_area = {m.area: {s.measure.id for s in m.measures} for m in advice.measures if m.measures}
    assert tuple(a for a in AREAS if a in by_area) == case.measure_areas
    shown = set().union(*by_area.values()) if by_area else set()
    population = case.facts.population
    assert population is not None
    if population < 5000:
        assert by_area["strategie"] >= SMALL_MEASURES
        assert not shown & NOT_FOR_SMALL


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_cites_every_module_programme_and_measure(name: str) -> None:
    """What a consultant reads (`digicheck score`): each module, contingent, programme and measure names its source."""
    case, profile, advice, _ = run(name)
    gates = [line for line in profile_to_text(Q, profile).splitlines() if "begrenzt:" in line]
    assert all(re.search(r"\[Quelle: [a-z0-9-]+, [^]]+\]$", line) for line in gates), gates
    lines = advice_to_text(advice).splitlines()
    cited = [line for line in lines if line.startswith(("  1.", "  2.", "  3.", "  4.", "  - ", "    - ", "  Nicht vorgesehen:"))]
    cited += [line for line in lines if line.startswith("     Kosten:")]
    assert cited
    for line in cited:
        if re.search(r"\([a-z]+\.[a-z_]+\)$", line):  # a question to clarify (item id), not a claim
            continue
        assert "[Quelle" in line, line
    for line in lines:
        if "hätte gezahlt" in line:  # the contingent's rule and the module's funding period
            assert "ozg-report-2021, Digitalisierungsberatung, Allgemeines; ozg-report-2021, Digitalisierungsberatung]" in line
    if case.ikz_favoured:
        population = f"{case.facts.population:,}".replace(",", ".")
        assert f"gerade für kleinere Kommunen als Weg, IT-Fachkräfte gemeinsam zu gewinnen. Mit {population} Einwohnern" in "\n".join(lines)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_text_names_each_contradiction_with_its_source(name: str) -> None:
    """`digicheck score` shows the consultant the contradictions the case expects, each cited, before the advice."""
    case = CASES[name]
    facts = case.facts
    assert facts.population is not None
    args = ["score", str(CASES_DIR / f"{name}.yaml"), "--as-of", case.as_of.isoformat(), "--kind", facts.kind]
    result = CliRunner().invoke(main, [*args, "--population", str(facts.population)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    if not case.inconsistencies:
        assert "Widersprüche in den Antworten" not in result.output
        return
    start = lines.index("Widersprüche in den Antworten (vor der Beratung klären)")
    assert start < lines.index("Empfehlungen (Stand " + case.as_of.strftime("%d.%m.%Y") + ")")
    shown = lines[start + 1 : start + 1 + len(case.inconsistencies)]
    assert all(line.startswith("  - ") and re.search(r"\[Quelle: [a-z0-9-]+, [^]]+\]$", line) for line in shown), shown
    assert lines[start + 1 + len(case.inconsistencies)] == ""
    messages = {r.id: r.message for r in RULES}
    assert [line[4:].split(" (")[0] for line in shown] == [messages[i].split(" (")[0] for i in case.inconsistencies]
