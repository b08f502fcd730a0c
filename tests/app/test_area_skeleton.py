"""The area page's two ways of rendering its questions give the same HTML.

Production fills a skeleton rendered once per questionnaire version and area; development
(templates reloading) renders the template in full. Every area of every shipped version is
rendered both ways, empty, filled, with reserved answers, with field errors and with conflicts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from digicheck.assess.forms import LOADED_PREFIX, NUMBER_SPECIAL, VERSION_PREFIX, AreaValues, field_name, render_items, skeleton_items
from digicheck.assess.services import Conflict
from scoring import Library
from scoring.model import DONT_KNOW, Area, Item, Questionnaire

LIBRARY = Library.load()
AREAS = [(q, area) for q in LIBRARY.versions.values() for area in q.areas]


@pytest.fixture
def context(app_factory: Any) -> Iterator[None]:
    with app_factory.app_context():
        yield


def _strong(item: Item) -> Any:
    if item.type == "number":
        return item.bands[-1].min
    if item.type == "multi":
        return tuple(o.id for o in item.options if not o.exclusive)
    return item.ranked_options[-1].id


def _special(item: Item) -> str:
    return item.special_answers[-1]


def _posted_with_errors(area: Area) -> tuple[MultiDict[str, str], dict[str, str]]:
    """A page sent back: odd characters typed, a radio and checkboxes ticked, every other item and every number in error."""
    posted: MultiDict[str, str] = MultiDict()
    errors: dict[str, str] = {}
    for index, item in enumerate(area.items):
        name = field_name(item.id)
        posted.add(VERSION_PREFIX + name, str(index))
        posted.add(LOADED_PREFIX + name, '"<stale> & „old“"')
        if item.type == "number":
            posted.add(name, '<12> & "13"')
            posted.add(name + NUMBER_SPECIAL, DONT_KNOW)
        elif item.type == "multi":
            for option in item.options:
                posted.add(name, option.id)
        else:
            posted.add(name, item.options[0].id)
        if index % 2 == 0 or item.type == "number":
            errors[name] = f"Fehler <{index}> & „Zitat“."
    return posted, errors


def _skipped(area: Area) -> frozenset[str]:
    """Every item with an `applies_if`, as if not asked."""
    return frozenset(field_name(item.id) for item in area.items if item.applies_if)


def _conflicts(area: Area) -> list[Conflict]:
    at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    return [Conflict(item.id, item.text, "<Theirs> & „Zitat“", "Anna <B>", at, "mine & <me>") for item in area.items[::2]]


def _states(area: Area) -> dict[str, AreaValues]:
    versions = {item.id: n + 1 for n, item in enumerate(area.items)}
    posted, errors = _posted_with_errors(area)
    filled = {item.id: _strong(item) for item in area.items}
    return {
        "empty": AreaValues.stored(area, {}, {}),
        "filled": AreaValues.stored(area, filled, versions),
        "skipped": replace(AreaValues.stored(area, filled, versions), hidden=_skipped(area)),
        "skipped with errors": replace(AreaValues.after_save(area, {}, {}, posted, errors, []), hidden=_skipped(area)),
        "special": AreaValues.stored(area, {item.id: _special(item) for item in area.items}, versions),
        "errors": AreaValues.after_save(area, {}, {}, posted, errors, []),
        "conflicts after a save": AreaValues.after_save(area, filled, versions, posted, errors, _conflicts(area)),
    }


@pytest.mark.parametrize(("q", "area"), AREAS, ids=[f"{q.version}-{area.id}" for q, area in AREAS])
def test_skeleton_and_template_give_the_same_page(context: None, q: Questionnaire, area: Area) -> None:
    for state, values in _states(area).items():
        full = render_items(q, area, values)
        assert str(skeleton_items(q, area, values)) == full, state


def test_the_states_show_what_they_hold(context: None) -> None:
    """The comparison above means something: the states differ where a user would see it."""
    q = LIBRARY.latest
    area = next(a for a in q.areas if any(i.type == "number" for i in a.items))
    states = {state: render_items(q, area, values) for state, values in _states(area).items()}
    no_answer = re.compile(r'<input checked id="[^"]+-leer"')
    assert len(no_answer.findall(states["empty"])) == states["empty"].count(" checked") == len([i for i in area.items if i.type != "multi"])
    assert "field-error" not in states["empty"]
    assert states["filled"].count(" checked") >= len([i for i in area.items if i.type != "number"])
    assert not no_answer.search(states["special"])
    assert "field-error" in states["errors"] and 'aria-invalid="true"' in states["errors"]
    assert "&lt;12&gt; &amp; &#34;13&#34;" in states["errors"] or "&lt;12&gt; &amp; &quot;13&quot;" in states["errors"]
    assert "Fehler &lt;0&gt; &amp; „Zitat“." in states["errors"]
    assert "&#34;&lt;stale&gt; &amp; „old“&#34;" in states["errors"]
    conflicts = states["conflicts after a save"]
    assert conflicts.count('class="conflict-choice"') == len(area.items[::2])
    assert "Antwort von Anna &lt;B&gt;: „&lt;Theirs&gt; &amp; „Zitat““" in conflicts and "02.07.2026, 00:30 Uhr" in conflicts
    assert "Meine Eingabe: „mine &amp; &lt;me&gt;“" in conflicts


def test_a_skipped_item_is_hidden_with_a_note_in_its_place(context: None) -> None:
    q = LIBRARY.latest
    area = q.area("kooperation")
    assert area is not None
    assert _skipped(area) == {
        "kooperation-ikz_laufzeit",
        "kooperation-ikz_personalkosten",
        "kooperation-ikz_partner",
        "kooperation-ratsbeschluss",
    }
    states = _states(area)
    asked, skipped = (render_items(q, area, states[state]) for state in ("filled", "skipped"))
    for html in (asked, skipped):
        assert len(re.findall(r"<fieldset [^>]*data-applies-if='[^']*'", html)) == 4  # skip.js works on both
    assert len(re.findall(r"<fieldset [^>]*data-applies-if='[^']*' hidden>", skipped)) == 4
    assert not re.findall(r"<fieldset [^>]* hidden>", asked)
    assert len(re.findall(r'<p class="skip-note" id="[a-z_-]+-entfaellt" hidden>', asked)) == 4
    assert len(re.findall(r'<p class="skip-note" id="[a-z_-]+-entfaellt">', skipped)) == 4
    assert "Entfällt nach Ihrer Antwort auf Frage 1 und zählt als „Trifft nicht zu“." in skipped
