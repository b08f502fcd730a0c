"""The consultation-module plan: prerequisites, order, contingent arithmetic, funding by date."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.test_advice_factory import TODAY, advice

#: Answers that call for each module (and nothing that decides OZG basics).
CALLS_MODULE_1 = {"kommunikation.auffindbarkeit": "liste"}
CALLS_MODULE_2 = {"organisation.prozessoptimierung": "einzelne"}
CALLS_MODULE_3 = {"technik.dms_eakte": "pilot"}
CALLS_MODULE_4 = {"strategie.digitalstrategie": "grobkonzept"}
BASICS_KNOWN = {"strategie.ozg_grundlagen": "gut"}
BASICS_WEAK = {"strategie.ozg_grundlagen": "einzelne"}


def plan(changes, as_of=date(2021, 6, 1)):
    return advice(changes, as_of=as_of).modules


def numbers(p) -> list[int]:
    return [m.module.number for m in p.modules]


# --- prerequisites -------------------------------------------------------------


def test_module_2_pulls_in_module_1_when_basics_unknown() -> None:
    p = plan(CALLS_MODULE_2)
    assert numbers(p) == [1, 2]
    first, second = p.modules
    assert first.why == "prerequisite" and first.required_by == ("modul2",) and first.weak_items == ()
    assert second.why == "needed" and [w.item for w in second.weak_items] == ["organisation.prozessoptimierung"]


def test_module_2_alone_when_ozg_basics_are_known() -> None:
    p = plan({**CALLS_MODULE_2, **BASICS_KNOWN})
    assert numbers(p) == [2]
    skipped = {s.module.number: s.reason for s in p.skipped}
    assert "direkt mit Modul 2" in skipped[1]


def test_basics_exactly_at_threshold_count_as_known() -> None:
    # "sehr_gut" (100) and "gut" (80) meet min_score 75, "ueberblick" (55) does not.
    assert numbers(plan({**CALLS_MODULE_2, "strategie.ozg_grundlagen": "sehr_gut"})) == [2]
    assert numbers(plan({**CALLS_MODULE_2, "strategie.ozg_grundlagen": "ueberblick"})) == [1, 2]


def test_weak_basics_make_module_1_needed_and_a_prerequisite() -> None:
    p = plan({**CALLS_MODULE_2, **BASICS_WEAK})
    first = p.modules[0]
    assert numbers(p) == [1, 2]
    assert first.why == "needed" and first.required_by == ("modul2",)
    assert [w.item for w in first.weak_items] == ["strategie.ozg_grundlagen"]


def test_known_basics_skip_module_1_even_with_other_module_1_weaknesses() -> None:
    p = plan({**CALLS_MODULE_1, **BASICS_KNOWN})
    assert numbers(p) == []
    assert p.skipped[0].module.number == 1


def test_all_unknown_asks_to_clarify_first_instead_of_no_need() -> None:
    p = plan({})
    assert p.modules == () and p.days_total == 0 and p.skipped == ()
    assert p.low_coverage
    assert [c.module.number for c in p.clarify] == [1, 2, 3, 4]
    assert [q.item for q in p.clarify[2].questions] == ["technik.dms_eakte", "technik.dms_vorhanden", "technik.poststelle_scan"]


def test_every_deciding_answer_strong_means_no_need() -> None:
    strong = {
        "strategie.ozg_grundlagen": "sehr_gut",
        "strategie.ozg_planung": "umsetzungsplan",
        "technik.online_dienste": 200,
        "organisation.prozessoptimierung": "optimiert",
        "technik.dms_eakte": "alle",
        "technik.dms_vorhanden": "ja",
    }
    p = plan(strong)
    assert 2 in [s.module.number for s in p.skipped]
    assert "Umsetzungsplan" in next(s.reason for s in p.skipped if s.module.number == 2)


def test_module_2_recommended_whenever_its_skip_reason_does_not_hold() -> None:
    # The city: OZG basics known (module 1 skipped, "start directly with module 2"),
    # answers exactly at module 2's weakness thresholds. Module 2 must be recommended, not "nicht vorgesehen".
    city = {
        **BASICS_KNOWN,
        "strategie.ozg_planung": "priorisiert",
        "technik.online_dienste": 70,
        "organisation.prozessoptimierung": "inventur",
    }
    p = plan(city)
    assert numbers(p) == [2]
    assert p.modules[0].weak_items == () and "Modul 2 entfiele nur" in p.modules[0].reason
    skipped = {s.module.number: s.reason for s in p.skipped}
    assert 2 not in skipped and "direkt mit Modul 2" in skipped[1]


def test_skipped_module_1_names_module_2_only_when_module_2_is_planned() -> None:
    p = plan(
        {
            **BASICS_KNOWN,
            "strategie.ozg_planung": "umsetzungsplan",
            "technik.online_dienste": 200,
            "organisation.prozessoptimierung": "optimiert",
        }
    )
    reasons = {s.module.number: s.reason for s in p.skipped}
    assert 2 in reasons and "Modul 2" not in reasons[1]


def test_plan_is_ordered_by_module_number() -> None:
    p = plan({**CALLS_MODULE_4, **CALLS_MODULE_3, **CALLS_MODULE_1})
    assert numbers(p) == [1, 3, 4]


# --- contingent arithmetic -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected", "total", "contingent", "own"),
    [
        # two free modules in all (ozg-report-2021): module 1 from 1/2, module 3 from 3/4 (equal need, lower number)
        (
            {**CALLS_MODULE_1, **CALLS_MODULE_2, **CALLS_MODULE_3, **CALLS_MODULE_4},
            {1: "ozg", 2: None, 3: "verwaltungsdigitalisierung", 4: None},
            11.0,
            5.5,
            5.5,
        ),
        # module 2 without module 1 uses the OZG slot itself
        ({**CALLS_MODULE_2, **BASICS_KNOWN, **CALLS_MODULE_4}, {2: "ozg", 4: "verwaltungsdigitalisierung"}, 5.5, 5.5, 0.0),
        # both of 3/4 with equal need: only one is free, the lower number
        ({**CALLS_MODULE_3, **CALLS_MODULE_4}, {3: "verwaltungsdigitalisierung", 4: None}, 6.0, 3.0, 3.0),
        # module 4 needs more (no strategy at all, no target picture, no guidelines): it gets the free slot
        (
            {**CALLS_MODULE_3, "strategie.digitalstrategie": "keine", "strategie.zielbild": "nein", "strategie.leitlinien": "nein"},
            {3: None, 4: "verwaltungsdigitalisierung"},
            6.0,
            3.0,
            3.0,
        ),
        ({**CALLS_MODULE_1}, {1: "ozg"}, 2.5, 2.5, 0.0),
    ],
)
def test_contingent_covers_one_module_per_area(changes, expected, total, contingent, own) -> None:
    p = plan(changes)
    slots = {m.module.number: (m.slot.id if m.slot else None) for m in p.modules}
    assert slots == expected
    assert (p.days_total, p.days_contingent, p.days_own, p.days_contingent_ended) == (total, contingent, own, 0.0)
    assert all(m.cost == ("contingent" if m.slot else "own") for m in p.modules)


def test_free_3_4_slot_names_the_larger_need() -> None:
    p = plan({**CALLS_MODULE_3, "strategie.digitalstrategie": "keine", "strategie.zielbild": "nein", "strategie.leitlinien": "nein"})
    module_4 = next(m for m in p.modules if m.module.number == 4)
    assert module_4.slot_reason.startswith("Größerer Bedarf")
    assert "Modul 4 mit 3 schwachen Antworten, zusammen 275 Punkte" in module_4.slot_reason
    assert "Modul 3 mit 1 schwachen Antwort, zusammen 30 Punkte" in module_4.slot_reason


def test_days_per_module_split_on_site_and_results() -> None:
    p = plan({**CALLS_MODULE_1, **CALLS_MODULE_2, **CALLS_MODULE_3, **CALLS_MODULE_4})
    assert [(m.module.days_on_site, m.module.days_results, m.module.days) for m in p.modules] == [
        (2.0, 0.5, 2.5),
        (2.0, 0.5, 2.5),
        (2.5, 0.5, 3.0),
        (2.5, 0.5, 3.0),
    ]


# --- funding period as of the assessment date ---------------------------------------

ALL_FOUR = {**CALLS_MODULE_1, **CALLS_MODULE_2, **CALLS_MODULE_3, **CALLS_MODULE_4}


def test_ozg_modules_ended_after_2022_are_shown_not_hidden() -> None:
    p = plan(ALL_FOUR, as_of=date(2023, 6, 1))
    assert numbers(p) == [1, 2, 3, 4]
    states = {m.module.number: (m.funding.state, m.funding.date, m.cost) for m in p.modules}
    assert states[1] == ("ended", date(2022, 12, 31), "own")
    assert states[2] == ("ended", date(2022, 12, 31), "own")
    assert states[3] == ("open", date(2024, 12, 31), "contingent")
    assert (p.days_contingent, p.days_own, p.days_contingent_ended) == (3.0, 8.0, 2.5)


def test_in_2026_every_module_is_at_own_cost() -> None:
    p = plan(ALL_FOUR, as_of=TODAY)
    assert all(m.funding.state == "ended" and m.cost == "own" for m in p.modules)
    assert (p.days_total, p.days_contingent, p.days_own, p.days_contingent_ended) == (11.0, 0.0, 11.0, 5.5)


def test_closing_within_90_days_still_covered() -> None:
    p = plan(CALLS_MODULE_1, as_of=date(2022, 11, 1))
    module = p.modules[0]
    assert (module.funding.state, module.funding.days_left, module.covered) == ("closing", 60, True)


def test_before_the_programme_started_nothing_is_covered() -> None:
    p = plan(CALLS_MODULE_1, as_of=date(2019, 12, 1))
    assert p.modules[0].funding.state == "upcoming" and p.days_contingent == 0.0


# --- whom to invite -----------------------------------------------------------------------


def test_invitations_collect_target_groups_in_plan_order() -> None:
    p = plan({**CALLS_MODULE_1, **CALLS_MODULE_3})
    invite = {i.group: i.modules for i in p.invite}
    assert invite["Verwaltungsspitze"] == (1, 3)
    assert invite["Internet-/CMS-Beauftragte"] == (1,)
    assert invite["Personalvertretungen"] == (3,)
    assert p.invite[0].group == "Verwaltungsspitze"
