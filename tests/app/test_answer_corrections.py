"""Answers can always be corrected, and a save changes only what its user changed.

The form is sent as a browser without JavaScript would send the page it shows
(`page_form`: hidden versions and loaded answers, typed text, ticked boxes).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, update

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Answer
from scoring.model import DONT_KNOW, NOT_APPLICABLE
from tests.app.helpers import page_form

NUMBER = "technik-notebooks"  # a number question without "Trifft nicht zu"
PERSONALVERTRETUNG = "organisation-personalvertretung"
VERANTWORTUNG = "strategie-verantwortung"
DIGITALSTRATEGIE = "strategie-digitalstrategie"
INHALTE = "strategie-strategie_inhalte"


@pytest.fixture
def started(browser, world):
    browser.login(world.kommune)
    response = browser.post("/runden")
    return browser, int(re.search(r"/bewertung/(\d+)/", response.location).group(1))


def url_of(assessment_id: int, area_id: str) -> str:
    return f"/bewertung/{assessment_id}/bereich/{area_id}"


def stored(assessment_id: int) -> dict:
    rows = db.session.scalars(db.select(Answer).where(Answer.assessment_id == assessment_id)).all()
    return {r.item_id.replace(".", "-"): r.value for r in rows if r.value is not None}


def save_as_shown(browser, url: str, **changes: list[str]):
    """Load the page, change some fields as a user would, save; returns the response."""
    form = page_form(browser.get(url).get_data(as_text=True)) | changes
    return browser.post(url, form, token_from=url)


def test_dont_know_on_a_number_gives_way_to_a_typed_number_and_can_be_cleared(started) -> None:
    browser, assessment_id = started
    url = url_of(assessment_id, "technik")
    assert save_as_shown(browser, url, **{f"{NUMBER}-special": [DONT_KNOW]}).status_code == 302
    assert stored(assessment_id) == {NUMBER: DONT_KNOW}
    # typed without touching the radio button, as before the fix ended in "nicht beides"
    assert save_as_shown(browser, url, **{NUMBER: ["4"]}).status_code == 302
    assert stored(assessment_id) == {NUMBER: 4}
    assert save_as_shown(browser, url, **{f"{NUMBER}-special": [DONT_KNOW]}).status_code == 302  # the stale 4 stays in the field
    assert stored(assessment_id) == {NUMBER: DONT_KNOW}
    assert save_as_shown(browser, url, **{f"{NUMBER}-special": [""]}).status_code == 302  # "Keine davon", field empty
    assert stored(assessment_id) == {}
    page = browser.get(url).get_data(as_text=True)
    assert re.search(rf'<input checked id="{NUMBER}-special-leer"', page)


def test_keine_angabe_clears_trifft_nicht_zu_and_weiss_nicht_on_a_choice(started) -> None:
    browser, assessment_id = started
    url = url_of(assessment_id, "organisation")
    assert save_as_shown(browser, url, **{PERSONALVERTRETUNG: [NOT_APPLICABLE]}).status_code == 302
    assert "Fortschritt: 1 von" in browser.get(url).get_data(as_text=True)
    assert save_as_shown(browser, url, **{PERSONALVERTRETUNG: ["frueh"]}).status_code == 302
    assert stored(assessment_id) == {PERSONALVERTRETUNG: "frueh"}
    assert save_as_shown(browser, url, **{PERSONALVERTRETUNG: [""]}).status_code == 302
    assert stored(assessment_id) == {}
    assert "Fortschritt: 0 von" in browser.get(url).get_data(as_text=True)


def test_a_box_ticked_beside_a_stale_weiss_nicht_wins_and_unticking_all_clears(started) -> None:
    browser, assessment_id = started
    url = url_of(assessment_id, "strategie")
    assert save_as_shown(browser, url, **{INHALTE: [DONT_KNOW]}).status_code == 302
    assert save_as_shown(browser, url, **{INHALTE: [DONT_KNOW, "ziele"]}).status_code == 302
    assert stored(assessment_id) == {INHALTE: ["ziele"]}
    assert save_as_shown(browser, url, **{INHALTE: ["ziele", "keines"]}).status_code == 302
    assert stored(assessment_id) == {INHALTE: ["keines"]}
    form = page_form(browser.get(url).get_data(as_text=True))
    del form[INHALTE]
    assert browser.post(url, form, token_from=url).status_code == 302
    assert stored(assessment_id) == {}


def test_one_invalid_field_does_not_hold_back_the_others(started) -> None:
    browser, assessment_id = started
    url = url_of(assessment_id, "strategie")
    response = save_as_shown(browser, url, **{DIGITALSTRATEGIE: ["beschlossen"], INHALTE: [DONT_KNOW, "ziele"], VERANTWORTUNG: ["benannt"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert stored(assessment_id) == {DIGITALSTRATEGIE: "beschlossen", VERANTWORTUNG: "benannt"}
    assert "2 Antworten sind gespeichert." in page
    assert f'<a href="#{INHALTE}">' in page and "„Weiß nicht“ lässt sich nicht mit anderen Antworten kombinieren." in page
    assert page_form(page)[INHALTE] == ["ziele", DONT_KNOW]  # kept as ticked
    # corrected, the page saves; the stored answers of the first save stay as they are
    fixed = browser.post(url, page_form(page) | {INHALTE: ["ziele"]}, token_from=url)
    assert fixed.status_code == 302
    assert stored(assessment_id) == {DIGITALSTRATEGIE: "beschlossen", VERANTWORTUNG: "benannt", INHALTE: ["ziele"]}


def test_zwischenspeichern_comes_back_to_the_item(started) -> None:
    browser, assessment_id = started
    url = url_of(assessment_id, "strategie")
    focused = save_as_shown(browser, url, anker=[f"{VERANTWORTUNG}-fieldset"], **{DIGITALSTRATEGIE: ["keine"]})
    assert focused.location.endswith(f"{url}#{VERANTWORTUNG}-fieldset")
    forged = save_as_shown(browser, url, anker=['x"><script>'], **{VERANTWORTUNG: ["niemand"]})
    assert forged.location.endswith(f"{url}#{VERANTWORTUNG}-fieldset")  # the first changed item instead
    onwards = save_as_shown(browser, url, action=["weiter"], anker=[f"{VERANTWORTUNG}-fieldset"], **{VERANTWORTUNG: ["benannt"]})
    assert onwards.location.endswith(url_of(assessment_id, "organisation"))


@pytest.fixture
def colleague(make_browser, world):
    """A second browser of the same Kommune."""
    other = make_browser()
    other.login(world.kommune)
    return other


def test_a_colleagues_answer_stays_unless_both_changed_the_item(started, colleague) -> None:
    browser, assessment_id = started
    url = url_of(assessment_id, "strategie")
    mine = page_form(browser.get(url).get_data(as_text=True))
    assert save_as_shown(colleague, url, **{DIGITALSTRATEGIE: ["beschlossen"], VERANTWORTUNG: ["benannt"]}).status_code == 302
    # my stale page still shows no answer for both; I change only the budget and one of theirs
    response = browser.post(url, mine | {"strategie-budget": ["jaehrlich"], VERANTWORTUNG: ["stabsstelle"]}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert stored(assessment_id) == {DIGITALSTRATEGIE: "beschlossen", VERANTWORTUNG: "benannt", "strategie-budget": "jaehrlich"}
    assert page.count('class="conflict-choice"') == 1 and f'id="k-{VERANTWORTUNG}"' in page
    assert page_form(page)[DIGITALSTRATEGIE] == ["beschlossen"]  # the colleague's answer shown, not my stale nothing
    assert page_form(page)[VERANTWORTUNG] == ["stabsstelle"]  # my own input kept
    keep_theirs = browser.post(url, page_form(page) | {f"k-{VERANTWORTUNG}": ["", "theirs"]}, token_from=url)
    assert keep_theirs.status_code == 302
    assert stored(assessment_id)[VERANTWORTUNG] == "benannt"


def test_a_colleague_saving_between_read_and_write_is_a_conflict_and_the_rest_is_stored(world) -> None:
    """The race the version check alone cannot see: a colleague commits after this save read the
    stored answers and before it writes them. The database refuses the stale UPDATE; the save is
    repeated without that item, which is reported with the colleague's answer."""
    assessment = svc.start_round(world.erbach, world.kommune)
    svc.save_answers(assessment, world.kommune, {"strategie.digitalstrategie": "begonnen"}, {})
    db.session.commit()

    raced: list[str] = []

    def colleague_saves(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE assessments") and not raced:
            raced.append(statement)
            with db.engine.connect() as other:
                other.execute(update(Answer).where(Answer.item_id == "strategie.digitalstrategie").values(value="beschlossen", version=2))
                other.commit()

    event.listen(db.engine, "before_cursor_execute", colleague_saves)
    mine = {"strategie.digitalstrategie": "grobkonzept", "strategie.budget": "jaehrlich"}
    try:
        result = svc.save_answers(assessment, world.kommune, mine, {"strategie.digitalstrategie": 1, "strategie.budget": 0})
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", colleague_saves)
    assert raced
    assert result.changed == 1
    assert [(c.item_id, c.their_value, c.my_value) for c in result.conflicts] == [
        (
            "strategie.digitalstrategie",
            "Die schriftliche Strategie ist von Verwaltungsspitze bzw. Gremium beschlossen und mit einer Mehrjahresplanung hinterlegt",
            "Es gibt ein Grob- oder Eckpunktepapier (z. B. Liste von Sofortmaßnahmen), aber noch keine ausgearbeitete Strategie",
        )
    ]
    assert stored(assessment.id) == {DIGITALSTRATEGIE: "beschlossen", "strategie-budget": "jaehrlich"}


@pytest.mark.parametrize("forged", ["[" * 1200, "x" * 100_000, '{"a": ', "null"])
def test_a_forged_loaded_value_is_compared_with_nothing(started, forged: str) -> None:
    """`o-<name>` comes from the page; a forged one (deeply nested, huge, broken) counts as unknown:
    the typed answer is saved as changed, never a server error."""
    browser, assessment_id = started
    url = url_of(assessment_id, "technik")
    response = save_as_shown(browser, url, **{NUMBER: ["4"], f"o-{NUMBER}": [forged]})
    assert response.status_code == 302
    assert stored(assessment_id) == {NUMBER: 4}
