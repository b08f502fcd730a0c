"""Funding matches: amounts, condition checklists, fit, and status by a fixed date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scoring.advice import CLOSING_DAYS, MunicipalityFacts, grant_split, ikz_amount, status_on
from scoring.advice.funding import euro, match_programme
from scoring.advice.rules import ItemFacts
from tests.unit.test_advice_factory import CATALOGUE, IN_2021, TODAY, Q, advice, profile

GEMEINDE = MunicipalityFacts("Gemeinde", 4800)
IKZ_ALL_MET = {
    "kooperation.ratsbeschluss": "ja",
    "kooperation.ikz_vereinbarung": "vereinbarung",
    "kooperation.ikz_laufzeit": 5,
    "kooperation.ikz_personalkosten": "ab_15",
    "kooperation.ikz_partner": 3,
}


def match(programme_id: str, changes=None, as_of: date = IN_2021, municipality=GEMEINDE):
    found = {m.programme.id: m for m in advice(changes, as_of=as_of, municipality=municipality).funding}
    return found[programme_id]


def conditions(m) -> dict[str, str]:
    return {c.id: c.status for c in m.conditions}


# --- amounts ----------------------------------------------------------------------


@pytest.mark.parametrize(("partners", "total"), [(2, 50_000), (3, 75_000), (4, 100_000), (5, 100_000), (6, 100_000)])
def test_ikz_amount_25000_each_capped_at_100000_above_three(partners, total) -> None:
    assert ikz_amount(partners, 25_000, 100_000, 3) == total
    m = match("ikz-foerderung", {"kooperation.ikz_partner": partners})
    assert m.amount.value == total and m.amount.partners == partners
    assert m.amount.per_municipality == round(total / partners, 2)


def test_ikz_amount_for_six_partners_per_municipality() -> None:
    assert match("ikz-foerderung", {"kooperation.ikz_partner": 6}).amount.per_municipality == 16_666.67


@pytest.mark.parametrize("partners", [1, "weiss_nicht", "trifft_nicht_zu"])
def test_ikz_amount_not_computable_without_two_partners(partners) -> None:
    amount = match("ikz-foerderung", {"kooperation.ikz_partner": partners}).amount
    assert amount.value is None and "25.000 € je Kommune" in amount.text


def test_starke_heimat_phase1_is_75_percent_grant_25_percent_own_share() -> None:
    assert grant_split(319_224, 0.75) == (239_418, 79_806)
    amount = match("starke-heimat-phase1").amount
    assert (amount.grant_share, amount.own_share, amount.value) == (0.75, 0.25, None)
    assert "239.418 € Zuschuss" in amount.example and "79.806 € Eigenanteil" in amount.example


@pytest.mark.parametrize("partners", [1, 2, 4, "weiss_nicht"])
def test_model_municipality_awards_are_history_not_an_amount_to_expect(partners) -> None:
    # hmdis-2020 §3: 15 projects were selected in a competition; 87,000 / 65,000 / 130,000 € were their awards
    amount = match("ozg-modellkommunen", {"kooperation.ikz_partner": partners}).amount
    assert amount.value is None
    assert "15 Vorhaben" in amount.text and "kein Betrag, mit dem eine Kommune rechnen kann" in amount.text


def test_euro_format() -> None:
    assert euro(100_000) == "100.000 €" and euro(16_666.67) == "16.666,67 €" and euro(0.5) == "0,50 €"


# --- condition checklists ---------------------------------------------------------------


def test_ikz_checklist_all_met_except_the_one_no_answer_covers() -> None:
    m = match("ikz-foerderung", IKZ_ALL_MET)
    assert conditions(m) == {
        "beschluesse": "met",
        "vereinbarung": "met",
        "laufzeit": "met",
        "personalkosten": "met",
        "partner": "met",
        "keine_reine_it_investition": "unknown",
    }
    assert m.fit == "conditional"


@pytest.mark.parametrize(
    ("item", "answer", "condition", "status"),
    [
        ("kooperation.ratsbeschluss", "nein", "beschluesse", "not_met"),
        ("kooperation.ratsbeschluss", "weiss_nicht", "beschluesse", "unknown"),
        ("kooperation.ratsbeschluss", "trifft_nicht_zu", "beschluesse", "not_met"),
        ("kooperation.ikz_vereinbarung", "projekte", "vereinbarung", "not_met"),
        ("kooperation.ikz_laufzeit", 4, "laufzeit", "not_met"),
        ("kooperation.ikz_laufzeit", 10, "laufzeit", "met"),
        ("kooperation.ikz_personalkosten", "unter_15", "personalkosten", "not_met"),
        ("kooperation.ikz_personalkosten", "keine", "personalkosten", "not_met"),
        ("kooperation.ikz_partner", 1, "partner", "not_met"),
    ],
)
def test_ikz_condition_from_answer(item, answer, condition, status) -> None:
    m = match("ikz-foerderung", {**IKZ_ALL_MET, item: answer})
    assert conditions(m)[condition] == status
    result = next(c for c in m.conditions if c.id == condition)
    assert result.item == item and result.answer


def test_ikz_excludes_pure_it_investment() -> None:
    m = match("ikz-foerderung")
    assert any("Software" in e for e in m.programme.exclusions)
    assert next(c for c in m.conditions if c.id == "keine_reine_it_investition").note


def test_phase1_not_met_when_allocation_already_used() -> None:
    used = match("starke-heimat-phase1", {"strategie.foerderung": ["shh_zuwendung", "weitere"]})
    unused = match("starke-heimat-phase1", {"strategie.foerderung": ["keine"]})
    assert conditions(used)["noch_nicht_genutzt"] == "not_met"
    assert conditions(unused)["noch_nicht_genutzt"] == "met"


# --- fit ----------------------------------------------------------------------------------


def test_programme_without_conditions_fits_when_its_weakness_shows() -> None:
    m = match("ozg-hessen-kommunal", {"technik.online_dienste": 5})
    assert m.fit == "yes" and [w.item for w in m.addresses] == ["technik.online_dienste"]


def test_no_fit_when_all_addressed_answers_are_strong() -> None:
    strong = {
        "technik.online_dienste": 200,
        "kooperation.nachnutzung": "systematisch",
        "kommunikation.auffindbarkeit": "portal",
        "technik.bundid": "postfach",
    }
    m = match("ozg-hessen-kommunal", strong)
    assert m.fit == "no" and m.addresses == ()


def test_unknown_answers_make_a_fit_conditional_not_no() -> None:
    m = match("ozg-hessen-kommunal", {})
    assert m.fit == "conditional" and any("offen" in r for r in m.reasons)


def test_without_municipality_facts_eligibility_is_unknown() -> None:
    m = match("ozg-hessen-kommunal", {"technik.online_dienste": 5}, municipality=None)
    assert m.eligible is None and m.fit == "conditional"


def test_kind_and_size_decide_eligibility() -> None:
    facts = ItemFacts(Q, profile({"technik.online_dienste": 5}))
    base = next(p for p in CATALOGUE.programmes if p.id == "ozg-hessen-kommunal")
    only_counties = replace(base, kinds=("Landkreis",))
    small_only = replace(base, population_max=20_000)
    assert match_programme(only_counties, facts, GEMEINDE, IN_2021).fit == "no"
    assert match_programme(only_counties, facts, MunicipalityFacts("Landkreis", 250_000), IN_2021).fit == "yes"
    assert match_programme(small_only, facts, MunicipalityFacts("Stadt", 90_000), IN_2021).eligible is False
    assert match_programme(small_only, facts, GEMEINDE, IN_2021).eligible is True
    assert match_programme(small_only, facts, MunicipalityFacts("Stadt"), IN_2021).eligible is None


def test_ikz_is_favoured_for_smaller_kinds() -> None:
    gemeinde = match("ikz-foerderung", {"kooperation.ikz_vereinbarung": "keine"})
    landkreis = match("ikz-foerderung", {"kooperation.ikz_vereinbarung": "keine"}, municipality=MunicipalityFacts("Landkreis"))
    assert any("kleinere Kommunen" in r for r in gemeinde.reasons)
    assert not any("kleinere Kommunen" in r for r in landkreis.reasons)


def test_municipality_facts_are_validated() -> None:
    with pytest.raises(ValueError, match="Art von Kommune"):
        MunicipalityFacts("Dorf")
    with pytest.raises(ValueError):
        MunicipalityFacts("Stadt", -1)


# --- status by date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "state", "on", "days_left"),
    [
        (date(2020, 6, 1), "open", date(2020, 8, 31), 91),
        (date(2020, 6, 2), "closing", date(2020, 8, 31), 90),
        (date(2020, 8, 31), "closing", date(2020, 8, 31), 0),
        (date(2020, 9, 1), "ended", date(2020, 8, 31), None),
        (date(2019, 12, 31), "upcoming", date(2020, 1, 1), None),
    ],
)
def test_phase1_status_follows_the_application_deadline(as_of, state, on, days_left) -> None:
    status = match("starke-heimat-phase1", as_of=as_of).status
    assert (status.state, status.date, status.days_left) == (state, on, days_left)


def test_closing_window_is_90_days() -> None:
    assert CLOSING_DAYS == 90
    last = date(2024, 12, 31)
    assert status_on(date(2024, 10, 2), None, last).state == "closing"
    assert status_on(date(2024, 10, 1), None, last).state == "open"
    assert status_on(date(2025, 1, 1), None, last).state == "ended"
    assert status_on(date(2025, 1, 1), None, None).state == "unknown"


def test_in_2026_every_dated_programme_has_ended_and_stays_listed() -> None:
    matches = advice(as_of=TODAY, municipality=GEMEINDE).funding
    assert [m.programme.id for m in matches] == [p.id for p in CATALOGUE.programmes]
    ended = {m.programme.id: m.status.date for m in matches if m.status.state == "ended"}
    assert ended == {
        "ozg-hessen-kommunal": date(2023, 12, 31),
        "starke-heimat-phase1": date(2020, 8, 31),
        "starke-heimat-phase2": date(2024, 12, 31),
        "civento": date(2024, 12, 31),
        "ozg-modellkommunen": date(2020, 9, 30),
    }
    undated = [m for m in matches if m.status.state != "ended"]
    # no source dates "Smarte Kommunen und Regionen": its status is unknown, not ended
    assert [(m.programme.id, m.status.state) for m in undated] == [("ikz-foerderung", "unknown"), ("smarte-kommunen-regionen", "unknown")]


def test_phase2_was_upcoming_in_2020() -> None:
    status = match("starke-heimat-phase2", as_of=date(2020, 6, 3)).status
    assert (status.state, status.date) == ("upcoming", date(2021, 1, 1))
