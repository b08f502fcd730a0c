"""The IKZ group view: choosing partners by name or AGS, profiles side by side, who can help whom,
joint modules, the IKZ funding for the group's size, and who may see it."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest

from digicheck.assess import services as svc
from digicheck.consult import ikz
from digicheck.extensions import db
from digicheck.models import Municipality, ValidatedLevel
from scoring import check_answers
from scoring.advice import advise
from tests.app.helpers import Q, drawn_radar
from tests.app.test_consult import count_queries, submitted


def lowest(item: Any) -> Any:
    """The weakest real answer to an item (level 1 everywhere)."""
    if item.type == "number":
        return item.bands[0].min
    if item.type == "multi":
        return [next(o.id for o in item.options if o.exclusive)]
    return item.ranked_options[0].id


def odenwald(world: Any) -> dict[str, Municipality]:
    """The four partners of the Erbach IKZ (source 003), as in the register."""
    towns = {"Erbach": world.erbach}
    for ags, name, kind, population in (
        ("06437011", "Michelstadt", "Stadt", 15396),
        ("06437016", "Oberzent", "Stadt", 9429),
        ("06437005", "Brombachtal", "Gemeinde", 3416),
    ):
        towns[name] = Municipality(
            ags=ags, name=name, kind=kind, kreis="Odenwaldkreis", kreis_ags="06437", regierungsbezirk="Darmstadt", population=population
        )
        db.session.add(towns[name])
    db.session.commit()
    return towns


@pytest.fixture
def group(app, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Erbach strong (level 5), Michelstadt middling (2-4), Oberzent weak (1), Brombachtal only started."""
    towns = odenwald(world)
    submitted(world.erbach, "high", user=world.kommune)
    michelstadt = submitted(towns["Michelstadt"], "mid")
    weak = svc.start_round(towns["Oberzent"], None)
    svc.save_demo_answers(weak, check_answers(Q, {item.id: lowest(item) for item in Q.items}))
    assert svc.submit(weak, None) == []
    svc.start_round(towns["Brombachtal"], None)
    return towns | {"michelstadt_round": michelstadt}


def page_of(browser: Any, world: Any, query: str) -> tuple[int, str]:
    browser.login(world.berater)
    response = browser.get("/beratung/ikz?" + query)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def text_of(page: str) -> str:
    """The page as read: inline tags vanish, other tags separate words."""
    inline = re.sub(r"</?(?:span|strong|a|abbr)\b[^>]*>", "", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


def test_group_view_side_by_side_with_who_helps_whom_and_funding(browser, world, group) -> None:
    status, page = page_of(browser, world, "kommunen=Erbach, michelstadt; 06437016, Brombachtal")
    assert status == 200
    text = text_of(page)
    assert "Die Partner (4 Kommunen, 42.117 Einwohner)" in text
    # Brombachtal has no submitted assessment: listed as such, not hidden
    assert "Brombachtal (06437005, Gemeinde, 3.416 Einwohner): keine abgeschlossene Bewertung – Runde 1 ist in Bearbeitung" in text
    assert "in Vergleich, Radar und Modulen nicht enthalten: Brombachtal" in text
    # the table: one column per partner, one row per area
    table = text_of(page.split('id="radar-tabelle"')[1].split("</table>")[0])
    assert "Bereich Erbach Michelstadt Oberzent Brombachtal (keine abgeschlossene Bewertung)" in table
    assert "Strategie & Steuerung Stufe 5 Stufe 2 Stufe 1 –" in table
    # the radar: one series per assessed partner, in the order given
    drawn = drawn_radar(page)
    assert list(drawn) == ["Erbach", "Michelstadt", "Oberzent"]
    assert drawn["Erbach"][0] == 5 and drawn["Michelstadt"][0] == 2 and drawn["Oberzent"][0] == 1  # Strategie, as in the table
    # who helps whom: partners two levels apart, with the items where it shows
    assert "Strategie & Steuerung: Erbach (Stufe 5) kann Michelstadt (Stufe 2) unterstützen." in text
    assert "Technik & Sicherheit: Michelstadt (Stufe 3) kann Oberzent (Stufe 1) unterstützen." in text
    assert "Michelstadt (Stufe 2) kann Oberzent" not in text  # one level apart is no help line
    assert "Brombachtal (Stufe" not in text
    # funding: 4 partners x 25,000 EUR, with its conditions per partner and the source
    assert "100.000 € für die Gruppe (4 Kommunen × 25.000 €)" in text
    assert (
        "Der Betrag hängt nach der Quelle von der Zahl der beteiligten Kommunen ab, nicht von ihrer Einwohnerzahl. Quelle: Fördermöglichkeiten für Kommunen durch das Land Hessen, im Zusammenhang mit der Digitalisierung der Verwaltung, 4. Interkommunale Zusammenarbeit – OZG"
        in text
    )
    conditions = text_of(page.split("Voraussetzungen und ihr Stand")[1].split("</table>")[0])
    assert "Laufzeit von mindestens fünf Jahren" in conditions and "keine Bewertung" in conditions


def test_joint_modules_are_those_the_advice_engine_recommends_to_several_partners(browser, world, group) -> None:
    _, page = page_of(browser, world, "kommunen=Erbach,Michelstadt,Oberzent")
    text = text_of(page)
    today = date.today()
    plans = {}
    for name in ("Erbach", "Michelstadt", "Oberzent"):
        assessment = svc.latest_round(db.session.query(Municipality).filter_by(name=name).one().id)
        q, profile = svc.profile_of(assessment)
        plans[name] = {p.module.number: p.module.title for p in advise(q, profile, as_of=today).modules.modules}
    joint = {n for n in plans["Oberzent"] if n in plans["Michelstadt"] or n in plans["Erbach"]}
    assert joint, "the test data should give the weak partners a module in common"
    for number in joint:
        title = plans["Oberzent"][number]
        partners = ", ".join(name for name in ("Erbach", "Michelstadt", "Oberzent") if number in plans[name])
        assert f"Gemeinsam: Modul {number} – {title} für {partners}" in text
    assert "75.000 € für die Gruppe (3 Kommunen × 25.000 €)" in text


def test_validated_levels_count_and_stand_beside_the_self_assessment(browser, world, group) -> None:
    db.session.add(
        ValidatedLevel(
            assessment_id=group["michelstadt_round"].id,
            area_id="strategie",
            level=4,
            reason="Strategie liegt beschlossen vor",
            consultant_id=world.berater.id,
        )
    )
    db.session.commit()
    _, page = page_of(browser, world, "kommunen=Erbach,Michelstadt")
    table = text_of(page.split('id="radar-tabelle"')[1].split("</table>")[0])
    assert "Strategie & Steuerung Stufe 5 Stufe 2 / validiert: Stufe 4" in table
    assert "Erbach (Stufe 5) kann Michelstadt (Stufe 2)" not in text_of(page)  # validated 4: one level apart
    assert "50.000 € für die Gruppe (2 Kommunen × 25.000 €)" in text_of(page)


def test_funding_is_capped_above_three_partners(app, world) -> None:
    towns = odenwald(world)
    extra = Municipality(
        ags="06437012", name="Mossautal", kind="Gemeinde", kreis="Odenwaldkreis", regierungsbezirk="Darmstadt", population=2400
    )
    db.session.add(extra)
    db.session.commit()
    funding = ikz.group([*towns.values(), extra], date(2026, 5, 1)).funding
    assert [f.programme.id for f in funding] == ["ikz-foerderung"]
    assert funding[0].value == 100000 and funding[0].calculation == (
        "100.000 € für die Gruppe (5 Kommunen × 25.000 € = 125.000 €; bei mehr als 3 Kommunen höchstens 100.000 €)"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kommunen=Erbach,06437099", "Keine Kommune mit dem AGS 06437099 gefunden."),
        ("kommunen=Erbach,0643", "„0643“ ist kein Amtlicher Gemeindeschlüssel"),
        ("kommunen=Erbach,Michel", "Keine Kommune heißt „Michel“. Meinten Sie: Michelstadt (Stadt, 06437011)?"),
        (
            "kommunen=Michel,06437099",
            "Keine Kommune heißt „Michel“. Meinten Sie: Michelstadt (Stadt, 06437011)? Keine Kommune mit dem AGS 06437099 gefunden.",
        ),
        ("kommunen=Erbach,Atlantis", "Keine Kommune heißt „Atlantis“."),
        ("kommunen=Erbach", "Bitte nennen Sie mindestens 2 verschiedene Kommunen."),
        ("kommunen=Erbach,06437006", "Bitte nennen Sie mindestens 2 verschiedene Kommunen."),
        ("kommunen=", "Bitte nennen Sie mindestens zwei Kommunen."),
        ("kommunen=" + ",".join(["Erbach"] * 8), "Bitte nennen Sie höchstens 7 Kommunen (genannt: 8)"),
        ("kommunen=" + "x" * 501, "Höchstens 500 Zeichen."),
    ],
)
def test_bad_partners_get_a_message_next_to_the_field(browser, world, group, query, message) -> None:
    status, page = page_of(browser, world, query)
    assert status == 400
    field = page.split('<div class="field has-error">')[1].split("</div>")[0]
    assert message in field and 'aria-invalid="true"' in field
    assert message in page.split('class="error-summary"')[1].split("</div>")[0]
    assert "Die Partner" not in page


def test_ambiguous_name_asks_for_the_ags(browser, world, group) -> None:
    db.session.add(Municipality(ags="06999001", name="Michelstadt", kind="Gemeinde", kreis="K", regierungsbezirk="Kassel", population=10))
    db.session.commit()
    status, page = page_of(browser, world, "kommunen=Erbach,Michelstadt")
    assert status == 400
    assert (
        "„Michelstadt“ ist mehrdeutig: Michelstadt (Stadt, 06437011), Michelstadt (Gemeinde, 06999001). Bitte geben Sie den AGS an." in page
    )
    assert page_of(browser, world, "kommunen=Erbach,06999001")[0] == 200


def test_empty_form_and_link_from_the_overview(browser, world) -> None:
    browser.login(world.berater)
    page = browser.get("/beratung/").get_data(as_text=True)
    assert 'href="/beratung/ikz"' in page
    response = browser.get("/beratung/ikz")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and '<label for="kommunen">Kommunen der Gruppe</label>' in body
    assert "has-error" not in body and "Die Partner" not in body


def test_a_group_needs_the_same_queries_for_two_and_seven_partners(browser, world, group) -> None:
    browser.login(world.berater)
    two = count_queries(browser, "/beratung/ikz?kommunen=Erbach,Michelstadt")
    more = []
    for index in range(3):
        town = Municipality(
            ags=f"0643790{index}",
            name=f"Partnerort {index}",
            kind="Gemeinde",
            kreis="Odenwaldkreis",
            regierungsbezirk="Darmstadt",
            population=2000,
        )
        db.session.add(town)
        db.session.commit()
        submitted(town, "mid")
        more.append(town.name)
    seven = count_queries(browser, "/beratung/ikz?kommunen=" + ",".join(["Erbach", "Michelstadt", "Oberzent", "Brombachtal", *more]))
    assert two == seven


def test_kommune_users_get_403_and_anonymous_visitors_the_login(browser, make_browser, world) -> None:
    assert browser.get("/beratung/ikz?kommunen=Erbach,Gießen").status_code == 302
    browser.login(world.kommune)
    assert browser.get("/beratung/ikz?kommunen=Erbach,Gießen").status_code == 403
    admin = make_browser()
    admin.login(world.admin)
    assert admin.get("/beratung/ikz?kommunen=Erbach,Gießen").status_code == 200
