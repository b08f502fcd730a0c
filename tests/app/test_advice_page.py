"""The result page's advice for a small Gemeinde: size from the register, contingent note, 'erst klären'."""

from __future__ import annotations

import re

import pytest

from digicheck.extensions import db
from tests.app.test_questionnaire import save

#: Nobody responsible, no strategy, no budget: Strategie is weak, everything else is still open.
NO_START = {"strategie.verantwortung": "niemand", "strategie.digitalstrategie": "keine", "strategie.budget": "keine"}


@pytest.fixture
def begun(browser, world):
    """The Kommune user has started a round: (browser, assessment id)."""
    browser.login(world.kommune)
    response = browser.post("/runden")
    assert response.status_code == 302
    return browser, int(re.search(r"/bewertung/(\d+)/", response.location).group(1))


def small_gemeinde(world) -> None:
    """Make the Kommune's municipality a Gemeinde of Brombachtal's size (register: 3,416 inhabitants)."""
    municipality = db.session.merge(world.erbach)
    municipality.kind, municipality.population = "Gemeinde", 3_416
    db.session.commit()


def test_small_gemeinde_gets_advice_for_its_size(begun, world) -> None:
    browser, assessment_id = begun
    small_gemeinde(world)
    assert save(browser, assessment_id, "strategie", NO_START).status_code == 302
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)
    measures = page[page.index('id="massnahmen"') :]
    assert "Stabsstelle für Digitalisierung und Organisationsentwicklung" not in measures
    assert "Digitallotsen" in measures and "Eine verantwortliche Führungskraft mit Auftrag und Ressourcen" in measures
    assert "IKZ Erbach, Michelstadt, Oberzent, Brombachtal, zusammen 42.176 Einwohner" in measures
    assert "Gemeindeverzeichnis GV100AD" in measures
    assert "319.224" not in measures  # Gießen's package is no example for 3,416 inhabitants


def test_result_page_shows_contingent_note_on_site_days_and_clarify_first(begun, world) -> None:
    browser, assessment_id = begun
    assert save(browser, assessment_id, "strategie", NO_START).status_code == 302
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)
    advice = page[page.index('id="empfehlung"') : page.index('id="foerderung"')]
    assert "Erst klären:" in advice and "Wie weit ist die elektronische Akte (E-Akte) in Ihrer Verwaltung eingeführt?" in advice
    assert "Ältere Lesart (2020)" in advice and "eine weitere Beratung von bis zu 3 Tagen" in advice
    assert "können die Beratungstage auch online stattfinden" in advice
    assert "beides vor Ort" in advice  # module 4 is called for by the missing strategy
    funding = page[page.index('id="foerderung"') : page.index('id="massnahmen"')]
    ended = re.findall(r"(?:beendet am|endete am) \d\d\.\d\d\.\d{4} – Eignung: ([^<]+)</summary>", funding)
    assert len(ended) >= 5  # every dated programme of the sources has ended by now
    assert all(label.startswith("hätte") or label == "passt nicht" for label in ended), ended
