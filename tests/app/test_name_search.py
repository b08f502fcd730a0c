"""Name search that forgives spelling, on the real database (SQLite, or PostgreSQL when configured):
ß/ss, ä/ae, ö/oe, ü/ue, case, hyphens and spaces count as equal in the consultant overview, the IKZ
form and the benchmark's choice of a municipality."""

from __future__ import annotations

import html
from typing import Any

import pytest

from digicheck.benchmark import forms as bench_forms
from digicheck.consult.queries import OverviewQuery, overview
from digicheck.extensions import db
from digicheck.models import Municipality
from tests.app.benchmark_helpers import kreis_world, submit
from tests.app.test_ikz import page_of, text_of


def add(ags: str, name: str, kind: str = "Gemeinde") -> Municipality:
    m = Municipality(ags=ags, name=name, kind=kind, kreis="Kreis", kreis_ags=ags[:5], regierungsbezirk="Darmstadt", population=5000)
    db.session.add(m)
    return m


@pytest.fixture
def spelled(world: Any) -> dict[str, Municipality]:
    """Besides Erbach and Gießen: names with ß, umlauts, hyphens and abbreviations."""
    made = {
        name: add(ags, name, kind)
        for ags, name, kind in (
            ("06636013", "Weißenborn", "Gemeinde"),
            ("06432015", "Münster", "Gemeinde"),
            ("06434001", "Bad Homburg v. d. Höhe", "Stadt"),
            ("06438008", "Neu-Isenburg", "Stadt"),
            ("06433009", "Mörfelden-Walldorf", "Stadt"),
        )
    }
    db.session.commit()
    return made


def names(search: str) -> list[str]:
    """The names found, sorted here (the databases' collations may order umlauts differently)."""
    return sorted(r.name for r in overview(OverviewQuery(search=search)).rows)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("Giessen", ["Gießen"]),
        ("GIESSEN", ["Gießen"]),
        ("gieß", ["Gießen"]),
        ("weissenborn", ["Weißenborn"]),
        ("WEISSENB", ["Weißenborn"]),
        ("Muenster", ["Münster"]),
        ("Munster", []),  # a plain u is not ü
        ("bad-homburg", ["Bad Homburg v. d. Höhe"]),
        ("Bad Homburg v.d. Hoehe", ["Bad Homburg v. d. Höhe"]),
        ("neu isenburg", ["Neu-Isenburg"]),
        ("Neuisenburg", ["Neu-Isenburg"]),
        ("moerfelden - walldorf", ["Mörfelden-Walldorf"]),
        ("en", ["Gießen", "Mörfelden-Walldorf", "Münster", "Neu-Isenburg", "Weißenborn"]),
        ("0643", ["Bad Homburg v. d. Höhe", "Erbach", "Münster", "Mörfelden-Walldorf", "Neu-Isenburg"]),  # AGS from its start
        ("-", []),
    ],
)
def test_overview_search_forgives_spelling(spelled, search, expected) -> None:
    assert names(search) == sorted(expected)


def test_overview_page_finds_giessen_for_giessen(browser, world, spelled) -> None:
    browser.login(world.berater)
    page = html.unescape(browser.get("/beratung/?q=Giessen").get_data(as_text=True))
    assert "1 Kommune gefunden." in page
    assert "Gießen" in page.split("<tbody>")[1] and "Erbach" not in page.split("<tbody>")[1]
    assert 'value="Giessen"' in page  # what was typed stays in the field


def test_a_renamed_municipality_is_found_by_its_new_name(world) -> None:
    world.erbach.name = "Erbach (Odenwald)"
    db.session.commit()
    assert names("erbach odenwald") == ["Erbach (Odenwald)"]


def test_ikz_partners_by_any_spelling(browser, world, spelled) -> None:
    status, page = page_of(browser, world, "kommunen=Giessen, weissenborn; MUENSTER, neu isenburg")
    assert status == 200, text_of(page)
    assert "Die Partner (4 Kommunen" in page
    for name in ("Gießen", "Weißenborn", "Münster", "Neu-Isenburg"):
        assert f"<strong>{name}</strong>" in page


def test_ikz_suggests_the_full_name_for_a_part(browser, world, spelled) -> None:
    _, page = page_of(browser, world, "kommunen=bad-homburg,Erbach")
    assert "Keine Kommune heißt „bad-homburg“. Meinten Sie: Bad Homburg v. d. Höhe (Stadt, 06434001)?" in text_of(page)
    _, page = page_of(browser, world, "kommunen=Munster,Erbach")
    assert "Keine Kommune heißt „Munster“." in text_of(page) and "Meinten Sie" not in text_of(page)


def test_ikz_spellings_of_one_name_are_one_partner(browser, world, spelled) -> None:
    _, page = page_of(browser, world, "kommunen=Gießen,Giessen")
    assert "Bitte nennen Sie mindestens 2 verschiedene Kommunen." in text_of(page)


@pytest.fixture
def bench_round(world: Any) -> None:
    """A published round 2026 (Kreis 06431 of 6) in which Gießen took part."""
    kreis_world({"06431": 6})
    submit(world.giessen, 2026, [35.0, 30.0, 40.0, 50.0, 60.0])
    db.session.commit()


def test_benchmark_chooses_a_municipality_by_any_spelling(browser, world, bench_round) -> None:
    browser.login(world.berater)
    page = html.unescape(browser.get("/benchmark/?kommune=GIESSEN").get_data(as_text=True))
    assert "Perzentilränge: Gießen" in page
    assert '<option value="06531005" selected>' in page  # the list shows the choice
    assert "kommune=06531005" in page  # and the CSV and PDF links carry its AGS


def test_benchmark_name_field_above_the_list_size(browser, world, bench_round, monkeypatch) -> None:
    monkeypatch.setattr(bench_forms, "MAX_SELECT", 3)
    browser.login(world.berater)
    page = html.unescape(browser.get("/benchmark/?kommune=giessen").get_data(as_text=True))
    assert "Perzentilränge: Gießen" in page and 'value="06531005"' in page
    wrong = html.unescape(browser.get("/benchmark/?kommune=Giesen").get_data(as_text=True))
    assert "Keine Kommune heißt „Giesen“." in wrong and 'value="Giesen"' in wrong and 'aria-invalid="true"' in wrong
    assert "Perzentilränge:" not in wrong
