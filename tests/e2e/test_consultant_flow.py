"""A Berater prepares a consultation in a real Chromium: filters the overview, opens an assessment,
switches radar overlays on and off, sets a validated level and shares a note; the Kommune then
sees the validated level with its reason and the shared note only. axe-core checks the pages.

Screenshots for a human look land in /tmp/e2e-shots/.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from digicheck.assess import services as svc
from digicheck.assess.advice import references
from digicheck.extensions import db
from digicheck.models import Assessment, Target
from tests.app.helpers import Q, drawn_radar
from tests.app.test_consult import submitted, town
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")
AREA_NAMES = [a.name for a in Q.areas]
TARGETS = {"strategie": 5, "organisation": 4, "kooperation": 4, "kommunikation": 3, "technik": 5}
REASON = "Vor Ort geprüft: ISMS nur als Entwurf, kein Informationssicherheitsbeauftragter benannt."
SHARED_NOTE = "Bitte bis zum Termin klären, wer das ISMS verantwortet."
INTERNAL_NOTE = "Intern: Bürgermeister vorab anrufen."


@dataclass
class Prepared:
    first: Assessment
    second: Assessment


@pytest.fixture
def prepared(world: World) -> Prepared:
    """Erbach with two submitted rounds (targets in the second), four more towns of its size class
    (10,000 to under 20,000: the median has its 5), one town still answering, one never invited."""
    first = submitted(world.erbach, "mid", user=world.kommune)
    second = submitted(world.erbach, "high", user=world.kommune, technik__isms=["keiner"])
    db.session.add_all(Target(assessment_id=second.id, area_id=area, level=level) for area, level in TARGETS.items())
    db.session.commit()
    submitted(town(1, population=12001), "high")
    submitted(town(2, population=12002), "mid")
    submitted(town(3, population=12003, kreis="Kreis Bergstraße"), "mid")
    submitted(town(4, population=12004, kreis="Kreis Bergstraße"), "high")
    svc.save_answers(svc.start_round(town(5, population=12005), None), world.kommune, {"strategie.budget": "keine"}, {})
    town(6, population=3000)
    return Prepared(first, second)


def levels(assessment: Assessment) -> list[int | None]:
    return [a.level for a in svc.profile_of(assessment)[1].areas]


def size_class_median() -> list[float]:
    """Median level per area over the latest submitted rounds of the 10k-20k class, computed here in Python."""
    latest: dict[int, Assessment] = {}
    for a in db.session.scalars(db.select(Assessment).where(Assessment.status == "submitted").order_by(Assessment.round)):
        if 10_000 <= a.municipality.population < 20_000:
            latest[a.municipality_id] = a
    assert len(latest) == 5
    per_assessment = [levels(a) for a in latest.values()]
    return [statistics.median(column) for column in zip(*per_assessment, strict=True)]  # type: ignore[type-var]


def stufe(value: float | None) -> str:
    return "–" if value is None else "Stufe " + f"{value:g}".replace(".", ",")


def row_names(page: Page) -> list[str]:
    return [text.split("\n")[0].strip() for text in page.locator("table.overview tbody th[scope=row]").all_inner_texts()]


def show(page: Page, form: str = "form.filters") -> None:
    """Submit a GET form and wait for the new page (the old one has the same elements)."""
    with page.expect_navigation():
        page.locator(form).get_by_role("button", name="Anzeigen").click()


def radar_traces(page: Page) -> dict[str, list[float | None]]:
    """What the radar draws: series name -> the five values, as its markers' hover titles say."""
    expect(page.locator("#radar")).to_be_visible()
    return drawn_radar(page.content())


def expect_chart_and_table(page: Page, expected: dict[str, list[Any]]) -> None:
    """Chart traces, legend and data-table columns show exactly these series, with these values."""
    assert list(radar_traces(page).items()) == list(expected.items())
    expect(page.locator("#radar text.legend")).to_have_text(list(expected))
    expect(page.locator("#radar-tabelle thead th")).to_have_text(["Bereich", "Punkte", "Beantwortet", "Mögliche Stufen", *expected])
    body = page.locator("#radar-tabelle tbody")
    expect(body.locator("th[scope=row]")).to_have_text([*AREA_NAMES, "Gesamt"])
    for column, values in enumerate(expected.values(), start=5):
        cells = body.locator(f"tr:not(:last-child) td:nth-child({column})")
        expect(cells).to_have_text([stufe(v) for v in values])


def test_consultant_prepares_and_the_kommune_sees_the_feedback(page: Page, world: World, prepared: Prepared, axe: AxeAudit) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.goto("/anmelden")
    log_in(page, world.berater.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Beratung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beratung: Übersicht der Kommunen")
    expect(page.locator("#treffer")).to_have_text("8 Kommunen gefunden.")
    assert row_names(page) == ["Erbach", "Gießen", *(f"Testdorf {i:02d}" for i in range(1, 7))]
    page.screenshot(path=str(SHOTS / "consult-overview.png"), full_page=True)
    axe.check(page, "Übersicht")

    # filter: Odenwaldkreis, submitted; then the largest first
    page.get_by_label("Kreis", exact=True).select_option("Odenwaldkreis")
    page.get_by_label("Status", exact=True).select_option(label="abgeschlossen")
    show(page)
    expect(page.locator("#treffer")).to_have_text("3 Kommunen gefunden.")
    assert row_names(page) == ["Erbach", "Testdorf 01", "Testdorf 02"]
    expect(page.locator("table.overview tbody .status")).to_have_text(["abgeschlossen"] * 3)
    page.get_by_label("Sortieren nach").select_option(label="Einwohnerzahl")
    page.get_by_label("Reihenfolge").select_option(label="absteigend")
    show(page)
    assert row_names(page) == ["Erbach", "Testdorf 02", "Testdorf 01"]
    # a search keeps the filters; a name that is not in the Kreis finds nothing
    page.get_by_label("Name oder AGS").fill("erb")
    show(page)
    expect(page.locator("#treffer")).to_have_text("1 Kommune gefunden.")
    assert row_names(page) == ["Erbach"]
    expect(page.get_by_label("Kreis", exact=True)).to_have_value("Odenwaldkreis")
    page.get_by_label("Name oder AGS").fill("Gießen")
    show(page)
    expect(page.locator("#treffer")).to_have_text("0 Kommunen gefunden.")
    expect(page.get_by_text("Keine Kommune passt zu diesen Filtern.")).to_be_visible()
    page.get_by_role("link", name="Filter zurücksetzen").click()
    expect(page.locator("#treffer")).to_have_text("8 Kommunen gefunden.")
    row = page.locator("table.overview tbody tr").filter(has=page.get_by_role("link", name="Erbach", exact=True))
    expect(row).to_contain_text("Runde 2")
    row.get_by_role("link", name="Erbach", exact=True).click()

    # the newest submitted round, with only the self-assessment drawn
    expect(page.get_by_role("heading", level=1)).to_have_text("Erbach: Bewertung Runde 2")
    own = levels(prepared.second)
    expect_chart_and_table(page, {"Selbsteinschätzung": own})

    # every overlay on
    overlays = page.locator("form.overlays")
    names = {
        "vorrunde": "Vorrunde (Runde 1)",
        "median": "Median der Größenklasse (10.000 bis unter 20.000 Einwohner)",
        "ziel": "Ziel in 2–3 Jahren",
        "giessen": "Gießen 2020",
        "erbach": "Erbach-IKZ 2023",
    }
    for label in names.values():
        overlays.get_by_label(label, exact=True).check()
    show(page, "form.overlays")
    refs = {ref.label: [a.level for a in profile.areas] for ref, profile in references(Q)}
    everything = {
        "Selbsteinschätzung": own,
        names["vorrunde"]: levels(prepared.first),
        names["median"]: size_class_median(),
        names["ziel"]: [TARGETS[a.id] for a in Q.areas],
        **refs,  # in the catalogue's order
    }
    assert set(refs) == {names["giessen"], names["erbach"]}
    expect_chart_and_table(page, everything)
    assert everything[names["vorrunde"]] != own, "round 1 ('mid') should differ from round 2 ('high')"
    for label in names.values():
        expect(overlays.get_by_label(label, exact=True)).to_be_checked()
    page.locator("section[aria-labelledby=radar-titel]").screenshot(path=str(SHOTS / "consult-overlays.png"))
    axe.check(page, "Bewertung mit Vergleichslinien")

    # two off again: gone from the chart, the legend and the table; the others stay
    overlays.get_by_label(names["vorrunde"], exact=True).uncheck()
    overlays.get_by_label(names["giessen"], exact=True).uncheck()
    show(page, "form.overlays")
    expect_chart_and_table(page, {k: v for k, v in everything.items() if k not in (names["vorrunde"], names["giessen"])})

    # a validated level with its reason, beside the self-assessment
    technik = Q.area("technik")
    own_technik = own[Q.areas.index(technik)]
    validated = 2 if own_technik != 2 else 3
    block = page.locator("#validierung-technik")
    expect(block).to_contain_text("Validiert: noch nicht")
    block.locator("summary").filter(has_text=f"Validierte Stufe für {technik.name} setzen").click()
    block.get_by_label("Validierte Stufe", exact=True).select_option(label=f"Stufe {validated}")
    block.get_by_label(re.compile(r"^Begründung")).fill(REASON)
    block.get_by_role("button", name="Validierte Stufe speichern").click()
    expect(page.locator(".flash-success")).to_have_text("Die validierte Stufe ist gespeichert.")
    expect(block).to_contain_text(
        re.compile(rf"Selbsteinschätzung: Stufe {own_technik} \w+ ·\s+Validiert: Stufe {validated} \(Beraterin, ")
    )
    expect(block).to_contain_text(f"„{REASON}“")
    drawn = radar_traces(page)
    still_on = {k for k in everything if k not in (names["vorrunde"], names["giessen"], "Selbsteinschätzung")}
    assert list(drawn)[:2] == ["Selbsteinschätzung", "Validiert"] and set(list(drawn)[2:]) == still_on  # overlays stay on after a save
    assert drawn["Validiert"] == [validated if a.id == "technik" else None for a in Q.areas]
    expect(page.locator("#radar-tabelle tbody tr").filter(has_text=technik.name).locator("td").last).to_have_text(f"Stufe {validated}")

    # two notes: one stays internal, one (on an item) is shared after saving
    notes = page.locator("#notiz")
    notes.get_by_label("Notiz", exact=True).fill(INTERNAL_NOTE)
    notes.get_by_role("button", name="Notiz speichern").click()
    expect(page.locator(".flash-success")).to_have_text("Die Notiz ist gespeichert (nur intern sichtbar).")
    notes.get_by_label("Bezug der Notiz").select_option("technik.isms")
    notes.get_by_label("Notiz", exact=True).fill(SHARED_NOTE)
    notes.get_by_role("button", name="Notiz speichern").click()
    note = page.locator("li.note").filter(has_text=SHARED_NOTE)
    expect(note).to_contain_text("nur intern")
    expect(page.locator("#frage-technik-isms")).to_contain_text(SHARED_NOTE)  # beside its answer
    note.get_by_role("button", name=re.compile(r"^Für die Kommune freigeben")).click()
    expect(page.locator(".flash-success")).to_have_text("Die Notiz ist jetzt für die Kommune sichtbar.")
    expect(note).to_contain_text("für die Kommune sichtbar")
    expect(page.locator("li.note").filter(has_text=INTERNAL_NOTE)).to_contain_text("nur intern")

    # the Kommune: validated level and reason beside its own level, the shared note only
    page.get_by_role("button", name=re.compile(r"^Abmelden")).click()
    log_in(page, world.kommune.email)
    expect(page.get_by_role("heading", name=re.compile(r"^Runde 2 \(abgeschlossen"))).to_be_visible()
    page.get_by_role("link", name="Ergebnis ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reifegrad-Profil Erbach, Runde 2")
    feedback = page.locator("section.consult-feedback")
    expect(feedback.get_by_role("heading", level=2)).to_have_text("Rückmeldung der Digitalisierungsberatung")
    expect(feedback.locator("tbody tr").filter(has_text=technik.name).locator("td")).to_have_text(
        [f"Stufe {own_technik}", f"Stufe {validated}", REASON, re.compile(r"^Beraterin, \d\d\.\d\d\.\d{4}$")]
    )
    other = feedback.locator("tbody tr").filter(has_text=Q.area("strategie").name).locator("td")
    expect(other.nth(1)).to_have_text("–")
    expect(feedback.locator("li.note")).to_have_count(1)
    expect(feedback.locator("li.note")).to_contain_text(SHARED_NOTE)
    expect(feedback.locator("li.note")).to_contain_text(f"zur Frage „{Q.item('technik.isms').text}“")
    expect(page.get_by_text(INTERNAL_NOTE)).to_have_count(0)
    feedback.screenshot(path=str(SHOTS / "kommune-feedback.png"))
    axe.check(page, "Ergebnis der Kommune mit validierter Stufe")

    assert axe.clean, axe.report()
