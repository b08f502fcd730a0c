"""The benchmark through the API: the report's own figures and the same anonymity guard; withheld
groups and cells are null with a reason code (and never a group's size)."""

from __future__ import annotations

import pytest

from digicheck.accounts.tokens import create_token
from digicheck.extensions import db
from digicheck.models import TokenRole
from tests.app.api_helpers import ApiClient, bearer
from tests.app.benchmark_helpers import kreis_world, municipality, submit
from tests.app.page_figures import german_number, table_rows


@pytest.fixture
def analyst(make_browser, world):
    _, raw = create_token("BI des Landes", TokenRole.ANALYST)
    db.session.commit()
    client = ApiClient(make_browser())
    return lambda url: client.get(url, headers=bearer(raw))


def group(document: dict, key: str) -> dict:
    return next(g for g in document["groups"] if g["key"] == key)


def test_published_groups_carry_the_figures_of_the_report_page(analyst, browser, world) -> None:
    kreis_world({"06431": 6, "06432": 8, "06433": 3, "06434": 7})
    response = analyst("/api/v1/benchmark?dimension=kreis&round=2026")
    assert response.status_code == 200
    document = response.get_json()
    assert document["round"] == 2026 and document["k"] == 5 and document["dimension"] == "kreis"
    browser.login(world.berater)
    page = table_rows(browser.get("/benchmark/?dimension=kreis&runde=2026").get_data(as_text=True), "quartile-overall")
    assert [g["label"] for g in document["groups"]] == list(page)  # the Land, then the Kreise, in the page's order
    published = [g for g in document["groups"] if g["published"]]
    assert len(published) >= 2
    for g in published:
        overall = next(c for c in g["areas"] if c["area"] == "overall")
        n, q1, median, q3 = page[g["label"]]
        assert g["reason_code"] is None and g["assessments"] == int(n) == overall["n"]
        assert [round(overall[f], 1) for f in ("q1", "median", "q3")] == [german_number(v) for v in (q1, median, q3)]
        assert sum(overall["levels"]) == overall["n"]
    for g in document["groups"]:
        if not g["published"]:
            assert page[g["label"]] == [f"keine Angabe – {g['reason']}"]


def test_a_group_below_k_is_null_with_its_reason_code(analyst) -> None:
    kreis_world({"06431": 6, "06432": 8, "06433": 3})
    small = group(analyst("/api/v1/benchmark?dimension=kreis").get_json(), "06433")
    assert small["published"] is False and small["reason_code"] == "too_few"
    assert small["reason"] == "Weniger als 5 abgeschlossene Bewertungen."
    assert small["assessments"] is None and small["registered"] is None  # not even the group's size
    assert all(c["n"] is None and c["median"] is None and c["levels"] is None and c["reason_code"] == "too_few" for c in small["areas"])


def test_the_differencing_guard_withholds_what_the_page_withholds(analyst, browser, world) -> None:
    kreis_world({"06631": 5}, rb="Kassel")
    submit(municipality("06632001", kreis_ags="06632", kreis="Kreis 06632", rb="Kassel", population=3000), 2026, [40.0] * 5)
    kreis_world({"06411": 10}, rb="Darmstadt")
    db.session.commit()
    document = analyst("/api/v1/benchmark?dimension=kreis").get_json()
    withheld = [g for g in document["groups"] if g["reason_code"] == "differencing"]
    assert withheld and all(g["assessments"] is None and all(c["median"] is None for c in g["areas"]) for g in withheld)
    browser.login(world.admin)
    html = browser.get("/benchmark/?dimension=kreis").get_data(as_text=True)
    for g in withheld:
        assert f'<th scope="row">{g["label"]}</th>' in html and g["reason"] in html
    published_on_page = {label for label, cells in table_rows(html, "quartile-overall").items() if "keine Angabe" not in " ".join(cells)}
    assert published_on_page == {g["label"] for g in document["groups"] if g["published"]}


def test_an_area_with_too_few_values_is_null_in_a_published_group(analyst) -> None:
    for i in range(6):
        m = municipality(f"06431{i:03d}", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000)
        submit(m, 2026, [30.0 + i, 40.0, 50.0, 60.0, None if i else 70.0])  # the fifth area scored only once
    db.session.commit()
    land = group(analyst("/api/v1/benchmark").get_json(), "all")
    cells = {c["area"]: c for c in land["areas"]}
    fifth = list(cells)[-1]
    assert land["published"] and cells["overall"]["n"] == 6
    assert cells[fifth]["n"] is None and cells[fifth]["reason_code"] == "too_few_values"
