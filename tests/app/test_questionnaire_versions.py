"""Questionnaire 2026.2 on a real database: a Kommune with a submitted 2026.1 round starts round 2
on 2026.2 with its answers carried over by the declared migration, new and changed questions
open; the submitted 2026.1 round keeps its profile; the consultant's comparison with the previous
round says that the versions differ and which questions cannot be compared."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import AreaScore, Assessment
from scoring import Library, check_answers
from scoring.progress import missing_items

LIBRARY = Library.load()
OLD, NEW = LIBRARY.get("2026.1"), LIBRARY.get("2026.2")

#: a complete 2026.1 answer set with the answers whose carry-over the migration spells out
OLD_ANSWERS: dict[str, Any] = {
    **{
        item.id: (
            item.bands[1].min if item.type == "number" else [item.options[0].id] if item.type == "multi" else item.ranked_options[-2].id
        )
        for item in OLD.items
    },
    "strategie.digitalstrategie": "beschlossen",
    "technik.netz": "meiste",
    "technik.bundid": "postfach",
    "technik.notfallmanagement": "notfallplan",
    "technik.isms": "eingefuehrt",
    "technik.online_dienste": 40,
    "kooperation.ikz_vereinbarung": "vereinbarung",
    "kooperation.ikz_personalkosten": "keine",
    "kooperation.ikz_laufzeit": 0,
}


def submitted_2026_1(municipality: Any, user: Any) -> Assessment:
    assessment = Assessment(municipality_id=municipality.id, questionnaire_version="2026.1", round=1)
    db.session.add(assessment)
    db.session.flush()
    svc.save_demo_answers(assessment, check_answers(OLD, OLD_ANSWERS))
    assert svc.submit(assessment, user) == []
    db.session.commit()
    return assessment


def stored_levels(assessment: Assessment) -> dict[str, int | None]:
    rows = db.session.execute(select(AreaScore.area_id, AreaScore.level).where(AreaScore.assessment_id == assessment.id))
    return dict(rows.all())


def test_a_new_round_after_2026_1_runs_on_2026_2_with_carried_answers_and_new_items_open(app, world) -> None:
    first = submitted_2026_1(world.erbach, world.kommune)
    levels_before = stored_levels(first)
    q_first, profile_first = svc.profile_of(first)
    assert q_first.version == "2026.1"

    second = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    assert (second.round, second.questionnaire_version, second.previous_id) == (2, "2026.2", first.id)
    carried, _ = svc.answers_of(second)
    # unchanged questions carry their answers; mapped options arrive in their new terms
    assert carried["strategie.digitalstrategie"] == "beschlossen"
    assert carried["technik.netz"] == "meiste"
    assert carried["technik.bundid"] == "konto"  # a postbox needs an account
    assert carried["technik.notfallmanagement"] == "vorhanden"  # the emergency-planning half of the old answer
    assert carried["kooperation.ikz_personalkosten"] == "weiss_nicht"  # "Keine oder unbekannt" says neither
    # questions that are new or measure something else now start open
    for item_id in (
        "technik.glasfaser",
        "organisation.datenschutz",
        "organisation.medienbruchfrei",
        "kooperation.weitergabe",
        "kommunikation.postfach",
        "technik.online_dienste",
        "technik.isms",
        "kooperation.ikz_laufzeit",
        "strategie.ozg_grundlagen",
        "organisation.digilotsen",
    ):
        assert item_id not in carried, item_id
    q, profile = svc.profile_of(second)
    open_items = set(missing_items(q, profile.answers))
    assert {"technik.glasfaser", "organisation.datenschutz", "technik.online_dienste", "kooperation.ikz_laufzeit"} <= open_items
    assert "strategie.digitalstrategie" not in open_items

    # the submitted 2026.1 round is untouched and still scores on 2026.1
    assert stored_levels(first) == levels_before
    assert svc.profile_of(first) == (q_first, profile_first)


def test_the_consultant_sees_that_the_versions_differ_and_what_cannot_be_compared(browser, world) -> None:
    first = submitted_2026_1(world.erbach, world.kommune)
    second = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    browser.login(world.berater)
    page = browser.get(f"/beratung/bewertung/{second.id}").get_data(as_text=True)
    assert f"Die Vorrunde (Runde {first.round}) wurde mit Fragebogen 2026.1 bewertet, diese Runde mit 2026.2." in page
    glasfaser = NEW.item("technik.glasfaser")
    assert glasfaser is not None and f'<a href="#frage-technik-glasfaser">{glasfaser.text}</a>' in page
    assert "Vorrunde: nicht vergleichbar (Frage in Version 2026.2 neu oder geändert)" in page
    # a comparable question shows the previous answer in the previous version's words
    old_notfall = OLD.item("technik.notfallmanagement")
    assert old_notfall is not None
    label = next(o.label for o in old_notfall.options if o.id == "notfallplan")
    assert f"Vorrunde: {label}" in page


def test_no_version_notice_within_one_version(browser, world) -> None:
    first = svc.start_round(world.erbach, world.kommune)
    svc.save_demo_answers(first, check_answers(NEW, {item.id: "weiss_nicht" for item in NEW.items}))
    assert svc.submit(first, world.kommune) == []
    second = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    browser.login(world.berater)
    page = browser.get(f"/beratung/bewertung/{second.id}").get_data(as_text=True)
    assert "wurde mit Fragebogen" not in page and "nicht vergleichbar" not in page


def test_2026_2_contradictions_are_shown_to_the_kommune_before_submitting_and_to_the_consultant(make_browser, world) -> None:
    submitted_2026_1(world.erbach, world.kommune)
    second = svc.start_round(world.erbach, world.kommune)
    _, versions = svc.answers_of(second)
    contradictory = {
        "technik.online_dienste": 30,
        "technik.bundid": "kein_konto",
        "technik.isms": ("strukturanalyse", "audit"),
        "kooperation.ikz_partner": 1,
    }
    svc.save_answers(second, world.kommune, contradictory, versions)
    db.session.commit()
    kommune = make_browser()
    kommune.login(world.kommune)
    page = kommune.get(f"/bewertung/{second.id}/abschliessen").get_data(as_text=True)
    for message in (
        "aber Nutzende können sich mit keinem Nutzerkonto anmelden",  # online-dienste-ohne-nutzerkonto
        "aber eine Leitlinie zur Informationssicherheit ist nicht beschlossen",  # isms-audit-ohne-leitlinie
        "aber der Zusammenarbeit gehört laut Antwort nur die eigene Kommune an",  # ikz-ohne-partner
    ):
        assert message in page, message
    berater = make_browser()
    berater.login(world.berater)
    page = berater.get(f"/beratung/bewertung/{second.id}").get_data(as_text=True)
    assert (
        "Regel online-dienste-ohne-nutzerkonto" in page and "Regel isms-audit-ohne-leitlinie" in page and "Regel ikz-ohne-partner" in page
    )
