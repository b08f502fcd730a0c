"""Several Länder imported (issue 18 part 7): the Land is a dimension of the overview, the benchmark and
the API; figures never mix Länder unless the reader chooses "Deutschland", and the anonymity guard
holds across the Länder (run on SQLite and, with DIGICHECK_TEST_DATABASE_URL, on PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from digicheck.accounts.tokens import create_token
from digicheck.benchmark.services import build_report
from digicheck.extensions import db
from digicheck.models import Municipality, Role, TokenRole
from scoring.laender import GERMANY
from tests.app.api_helpers import ApiClient, bearer
from tests.app.benchmark_helpers import municipality, submit
from tests.conftest import add_user


def land_world(sizes: dict[str, int], *, year: int = 2026, population: int = 3000) -> dict[str, list[Municipality]]:
    """Gemeinden of one Kreis per given Kreis AGS (its first two digits are the Land), each with a submission."""
    made: dict[str, list[Municipality]] = {}
    for kreis_ags, count in sizes.items():
        rb = {"06": "Darmstadt", "09": "Oberbayern"}.get(kreis_ags[:2], "")
        for i in range(count):
            m = municipality(f"{kreis_ags}{i:03d}", kreis_ags=kreis_ags, kreis=f"Kreis {kreis_ags}", rb=rb, population=population)
            value = 30.0 + 7 * i + int(kreis_ags[-1])
            submit(m, year, [value, value + 5, value - 5, value + 10, value - 10])
            made.setdefault(kreis_ags, []).append(m)
    db.session.commit()
    return made


def report(land: str, dimension: str = "land", **kwargs):  # type: ignore[no-untyped-def]
    return build_report(2026, dimension, k=5, include_demo=False, land=land, **kwargs)


def by_label(groups) -> dict:  # type: ignore[no-untyped-def]
    return {g.group.label: g for g in groups}


def test_municipality_land_follows_the_ags(app) -> None:
    m = municipality("09162000", kreis_ags="09162", kreis="München", rb="Oberbayern", population=1_500_000)
    assert m.land == "09"
    assert db.session.scalar(db.select(Municipality.land).where(Municipality.ags == "09162000")) == "09"


def test_each_land_report_counts_only_its_own_municipalities(app) -> None:
    land_world({"06411": 8, "09161": 6})
    hessen, bayern, germany = report("06"), report("09"), report(GERMANY)
    assert (hessen.land.size, bayern.land.size, germany.land.size) == (8, 6, 14)
    assert hessen.land.group.label == "Land: Hessen" and bayern.land.group.label == "Land: Bayern"
    assert germany.land.group.label == "Deutschland: alle Länder"
    # participation within the Land: its own register count is the denominator
    assert (hessen.land.registered, bayern.land.registered, germany.land.registered) == (8, 6, 14)
    assert [g.group.label for g in report("06", "kreis").groups] == ["Landkreis / kreisfreie Stadt: Kreis 06411"]
    assert hessen.land.areas["overall"].median != germany.land.areas["overall"].median
    # the trend of a Land is that Land's only
    assert [(g.group.label, g.size) for g in hessen.trend] == [("Runde 2026: Hessen", 8)]
    assert [(g.group.label, g.size) for g in germany.trend] == [("Runde 2026: Deutschland", 14)]


def test_the_laender_dimension_shows_every_land_side_by_side(app) -> None:
    land_world({"06411": 8, "09161": 6, "03101": 2})
    groups = by_label(report(GERMANY, "laender").groups)
    assert set(groups) == {"Land: Hessen", "Land: Bayern", "Land: Niedersachsen"}
    assert groups["Land: Hessen"].published and groups["Land: Bayern"].published
    assert not groups["Land: Niedersachsen"].published and groups["Land: Niedersachsen"].areas == {}


def test_a_small_second_land_withholds_germany_not_hessen(app) -> None:
    land_world({"06411": 8, "09161": 3})
    hessen, germany = report("06"), report(GERMANY)
    assert hessen.land.published and hessen.land.areas["overall"].n == 8
    # Deutschland minus Hessen would describe the three Bavarian municipalities
    assert not germany.land.published and germany.land.areas == {}
    assert "„Land: Hessen“" in germany.land.decision.reason and "3" not in germany.land.decision.reason
    assert not report("09").land.published
    assert all(not g.published for g in germany.trend)  # the year's Germany group, too


def test_germany_minus_every_published_land_is_refused(app) -> None:
    # each pair is fine (Deutschland minus Hessen is 9, minus Nordrhein-Westfalen 11), their sum leaves the 3 in Bayern
    land_world({"06411": 8, "05111": 6, "09161": 3})
    germany = report(GERMANY)
    assert report("06").land.published and report("05").land.published
    assert not germany.land.published
    assert germany.land.decision.reason.startswith("Zurückgehalten: Zusammen mit den Angaben der einzelnen Länder")
    assert germany.land.decision.conflicts_with is not None


def test_a_size_class_in_germany_may_not_reveal_that_class_in_a_small_land(app) -> None:
    land_world({"06411": 6}, population=3000)  # Hessen: 6 under 5,000
    land_world({"06412": 6}, population=7000)  # Hessen: 6 of 5,000-10,000
    land_world({"09161": 2}, population=3000)  # Bayern: 2 under 5,000
    land_world({"09162": 6}, population=7000)  # Bayern: 6 of 5,000-10,000
    hessen = by_label(report("06", "size").groups)
    germany = by_label(report(GERMANY, "size").groups)
    small, middle = "Größenklasse: unter 5.000 Einwohner", "Größenklasse: 5.000 bis unter 10.000 Einwohner"
    assert hessen[small].published and hessen[small].size == 6
    # Germany's class minus Hessen's is the two Bavarian municipalities: Germany gives way, not Hessen
    assert not germany[small].published and germany[small].areas == {}
    assert "Hessen" in germany[small].decision.reason  # the Land or its own class, both published first
    # and Bayern minus Germany's middle class would be those two as well
    assert not germany[middle].published and "„Land: Bayern“" in germany[middle].decision.reason
    assert report(GERMANY).land.published  # Deutschland minus Hessen is the eight Bavarian municipalities
    # Bayern's middle class would be Bayern minus its two small ones: withheld in Bayern's view
    assert not by_label(report("09", "size").groups)[middle].published


def test_decisions_do_not_depend_on_the_land_asked_for(app) -> None:
    land_world({"06411": 7, "06412": 5, "09161": 6, "09162": 4})
    for dimension in ("kreis", "regierungsbezirk"):
        germany = {g.group.key: g.published for g in report(GERMANY, dimension).groups}
        own = {g.group.key: g.published for land in ("06", "09") for g in report(land, dimension).groups}
        assert germany == own


def test_ranks_and_similar_municipalities_stay_within_the_land(app) -> None:
    made = land_world({"06411": 6, "09161": 6})
    own = made["06411"][0]
    hessen = report("06", municipality=own, with_similar=True)
    assert [r.group.label for r in hessen.ranks][:1] == ["Land: Hessen"]
    assert hessen.similar and all(n.ags.startswith("06") for n in hessen.similar)
    germany = report(GERMANY, municipality=own, with_similar=True)
    labels = [r.group.label for r in germany.ranks]
    assert labels[:2] == ["Deutschland: alle Länder", "Land: Hessen"]
    assert any(n.ags.startswith("09") for n in germany.similar)
    assert "je Land" in germany.archetype_note and not germany.archetypes
    elsewhere = report("09", municipality=own)
    assert elsewhere.ranks == () and elsewhere.rank_note == "Gemeinde 06411000 liegt in Hessen: Perzentilränge dort oder für Deutschland."


# --- pages ---------------------------------------------------------------------------------


def test_benchmark_page_offers_the_land_and_starts_with_the_readers_own(browser, make_browser, world) -> None:
    made = land_world({"06411": 6, "09161": 6})
    browser.login(world.berater)
    page = browser.get("/benchmark/?runde=2026").get_data(as_text=True)
    options = re.findall(
        r'<option (?:selected )?value="([^"]*)"', page[page.index('id="land"') : page.index("</select>", page.index('id="land"'))]
    )
    assert options == ["06", "09", GERMANY]
    assert 'selected value="06"' in page
    assert "Land: Hessen" in page and "Land: Bayern" not in page
    germany = browser.get("/benchmark/?runde=2026&land=DE&dimension=laender").get_data(as_text=True)
    assert "Land: Bayern" in germany and "Deutschland: alle Länder" in germany
    assert "land=DE" in germany  # the CSV and PDF links keep the choice
    csv = browser.get("/benchmark/export.csv?runde=2026&land=09").get_data(as_text=True)
    assert "Land: Bayern" in csv and "Land: Hessen" not in csv
    assert browser.get("/benchmark/?land=99").status_code == 200  # an unknown Land: the default
    # a Bavarian Kommune starts with Bayern
    kommune = add_user("rathaus@bayern.test", "Rathaus", Role.KOMMUNE, made["09161"][0])
    bavarian = make_browser()
    bavarian.login(kommune)
    own = bavarian.get("/benchmark/?runde=2026").get_data(as_text=True)
    assert 'selected value="09"' in own and "Land: Bayern" in own
    # so does its session in the API, as the page
    document = bavarian.get("/api/v1/benchmark?round=2026").get_json()
    assert document["land"] == "09" and document["groups"][0]["label"] == "Land: Bayern"


def listed(page: str) -> str:
    """The overview table's text (the filter selects name every Land and Kreis)."""
    start = page.index('<table class="overview">')
    return page[start : page.index("</table>", start)]


def test_consultant_overview_filters_by_land_of_the_imported_register(cli, browser, world, gv100ad_mini) -> None:
    result = cli("municipalities", "import", str(gv100ad_mini))  # Hessian records and Berlin, in the register's format
    assert result.exit_code == 0, result.output
    browser.login(world.berater)
    default = browser.get("/beratung/").get_data(as_text=True)
    assert '<select id="land" name="land">' in default and 'selected value="06"' in default
    assert "Erbach" in listed(default) and "Berlin" not in listed(default)  # consultants start with Hessen
    berlin = listed(browser.get("/beratung/?land=11").get_data(as_text=True))
    assert "Berlin" in berlin and "Erbach" not in berlin
    everything = listed(browser.get("/beratung/?land=DE").get_data(as_text=True))
    assert "Berlin" in everything and "Erbach" in everything
    assert browser.get("/beratung/?land=xx").status_code == 200


def options_of(page: str, name: str) -> tuple[list[str], str]:
    """The values a filter select offers and the one selected."""
    select = page[page.index(f'<select id="{name}" name="{name}">') :]
    select = select[: select.index("</select>")]
    values = re.findall(r'<option(?: selected)? value="([^"]*)"', select)
    chosen = re.search(r'<option selected value="([^"]*)"', select)
    return values, chosen.group(1) if chosen else ""


def test_the_kreis_selects_list_the_chosen_lands_and_a_kreis_of_another_land_falls_back(browser, world) -> None:
    for ags, kreis, rb in (
        ("09162000", "München", "Oberbayern"),
        ("09184119", "München", "Oberbayern"),
        ("09471111", "Bamberg", "Oberfranken"),
    ):
        municipality(ags, kreis_ags=ags[:5], kreis=kreis, rb=rb, population=5000)
    db.session.commit()
    browser.login(world.berater)
    hessen = browser.get("/beratung/").get_data(as_text=True)
    assert options_of(hessen, "kreis") == (["", "Gießen", "Odenwaldkreis"], "")
    assert options_of(hessen, "regierungsbezirk") == (["", "Darmstadt", "Gießen"], "")
    bayern = browser.get("/beratung/?land=09&kreis=M%C3%BCnchen").get_data(as_text=True)
    assert options_of(bayern, "kreis") == (["", "Bamberg", "München"], "München")
    assert options_of(bayern, "regierungsbezirk")[0] == ["", "Oberbayern", "Oberfranken"]
    assert "2 Kommunen gefunden" in bayern
    germany = browser.get("/beratung/?land=DE&kreis=M%C3%BCnchen").get_data(as_text=True)  # Deutschland: every Kreis
    assert options_of(germany, "kreis") == (["", "Bamberg", "Gießen", "München", "Odenwaldkreis"], "München")
    assert "2 Kommunen gefunden" in germany
    # a Kreis of another Land than the one chosen (also the default): "alle" Kreise of the chosen Land
    for url in ("/beratung/?land=06&kreis=M%C3%BCnchen", "/beratung/?kreis=M%C3%BCnchen&regierungsbezirk=Oberbayern"):
        page = browser.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and options_of(text, "kreis") == (["", "Gießen", "Odenwaldkreis"], "")
        assert options_of(text, "regierungsbezirk")[1] == "" and "Erbach" in listed(text) and "München" not in listed(text)


def test_size_class_median_of_the_consultant_view_stays_within_the_land(app) -> None:
    from digicheck.consult.queries import size_class_median

    land_world({"09161": 6}, population=3000)
    areas = ["strategie"]
    assert size_class_median(3000, areas, "09").counts == {"strategie": 6}
    assert size_class_median(3000, areas, "06").counts == {"strategie": 0}


# --- API -----------------------------------------------------------------------------------


@pytest.fixture
def api(make_browser, world):  # type: ignore[no-untyped-def]
    _, raw = create_token("BI des Bundes", TokenRole.ANALYST)
    _, consultant = create_token("Beratung", TokenRole.CONSULTANT, user=world.berater)
    db.session.commit()
    client = ApiClient(make_browser())
    return lambda url, token=raw: client.get(url, headers=bearer(consultant if token == "consultant" else raw))


def test_api_benchmark_and_municipality_filters_take_the_land(api) -> None:
    land_world({"06411": 6, "09161": 6})
    default = api("/api/v1/benchmark?round=2026").get_json()
    assert default["land"] == "06" and default["groups"][0]["label"] == "Land: Hessen" and default["groups"][0]["assessments"] == 6
    bayern = api("/api/v1/benchmark?round=2026&land=09").get_json()
    assert bayern["land"] == "09" and bayern["groups"][0]["assessments"] == 6
    germany = api("/api/v1/benchmark?round=2026&land=DE").get_json()
    assert germany["groups"][0]["assessments"] == 12
    refused = api("/api/v1/benchmark?land=99")
    assert refused.status_code == 422 and "Erlaubt sind" in str(refused.get_json()["errors"])
    listed = api("/api/v1/municipalities?land=09&limit=100", "consultant").get_json()["items"]
    assert listed and {m["land"] for m in listed} == {"09"}
    everyone = api("/api/v1/municipalities?land=DE&limit=100", "consultant").get_json()["items"]
    assert {m["land"] for m in everyone} == {"06", "09"}
    assessments = api("/api/v1/assessments?land=09&limit=100", "consultant").get_json()["items"]
    assert len(assessments) == 6 and all(a["ags"].startswith("09") for a in assessments)


def test_germany_with_data_of_one_land_is_named_germany(app) -> None:
    land_world({"06411": 6})
    municipality("09162000", kreis_ags="09162", kreis="München", rb="Oberbayern", population=1_500_000)  # imported, no data
    db.session.commit()
    germany = report(GERMANY)
    assert germany.land.group.label == "Deutschland: alle Länder" and germany.land.published and germany.land.size == 6
    assert germany.land.registered == 7 and [g.group.label for g in germany.trend] == ["Runde 2026: Deutschland"]
    assert report("06").land.group.label == "Land: Hessen" and report("06").land.registered == 6


def test_the_plan_section_is_per_land_and_never_sums_over_laender(browser, world) -> None:
    """Module 1 in the plans of 6 Hessian and 5 Bavarian Gemeinden: each Land's section counts its own;
    "Deutschland" shows no sum (11 minus a Land's cell would be the other Land's, which may be below k)."""
    from digicheck.models.plan import PlanSource
    from tests.app.test_benchmark_plans import plan, section, table_rows

    made = land_world({"06411": 6, "09161": 5})
    for m in [*made["06411"], *made["09161"]]:
        plan(m, PlanSource.MODULE, "modul1", done_after=20)
    db.session.commit()
    browser.login(world.berater)
    hessen = section(browser.get("/benchmark/?runde=2026&land=06").get_data(as_text=True))
    assert table_rows(hessen, "plaene-all") == {"Modul 1: Einführung und Überblick zum OZG": ["Beratungsmodul", "6", "6", "20"]}
    assert "Häufigste Maßnahmen in Plänen – Land: Hessen" in hessen
    bayern = section(browser.get("/benchmark/?runde=2026&land=09").get_data(as_text=True))
    assert table_rows(bayern, "plaene-all") == {"Modul 1: Einführung und Überblick zum OZG": ["Beratungsmodul", "5", "5", "20"]}
    germany = section(browser.get("/benchmark/?runde=2026&land=DE").get_data(as_text=True))
    assert table_rows(germany, "plaene-all") == {} and "nur je Land" in germany
