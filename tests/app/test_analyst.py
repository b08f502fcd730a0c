"""The role "Analyse (Land)": logs in, reads the benchmark report and its exports, nothing of a single
municipality; admins invite analysts where they invite everyone else."""

from __future__ import annotations

import re

from digicheck.extensions import db
from digicheck.models import Invitation, Role, User
from tests.app.helpers import german_csv
from tests.app.test_benchmark_report import bench_world  # noqa: F401 - fixture
from tests.conftest import PASSWORD


def test_the_analyst_lands_on_the_benchmark_with_group_figures_only(browser, world, analyst, bench_world) -> None:  # noqa: F811
    browser.login(analyst)
    landing = browser.get("/")
    assert landing.status_code == 302 and landing.location.endswith("/benchmark/")

    html = browser.get("/benchmark/?dimension=kreis&kommune=06437006").get_data(as_text=True)
    assert "Benchmark: Digitalisierung im Vergleich, Runde 2026" in html
    assert "Perzentilränge" not in html and "Ähnliche Kommunen" not in html and 'id="kommune"' not in html
    assert "Erbach" not in html  # no single municipality, not even the one asked for


def test_the_analyst_downloads_the_exports(browser, world, analyst, bench_world) -> None:  # noqa: F811
    browser.login(analyst)
    response = browser.get("/benchmark/export.csv?dimension=kreis")
    assert response.status_code == 200
    rows = german_csv(response.data)
    assert any("Kreis 06432" in cell for row in rows for cell in row)
    assert not any("06433" in cell for row in rows for cell in row)


def test_the_navigation_shows_the_analyst_only_what_they_may_open(browser, world, analyst) -> None:
    browser.login(analyst)
    html = browser.get("/benchmark/").get_data(as_text=True)
    nav = html[html.index('aria-label="Hauptnavigation"') : html.index("</nav>")]
    links = re.findall(r'<a href="([^"]+)">', nav)
    assert links == ["/benchmark/", "/passwort", "/konto/sicherheit"]
    for link in links:
        assert browser.get(link).status_code == 200


def test_the_analyst_sees_no_assessment(browser, world, analyst) -> None:
    from tests.app.benchmark_helpers import submit

    assessment = submit(world.erbach, 2026, [35.0, 30.0, 40.0, 50.0, 60.0])
    db.session.commit()
    browser.login(analyst)
    for url in (f"/bewertung/{assessment.id}/ergebnis", f"/bewertung/{assessment.id}/verlauf", "/beratung/", "/verwaltung/konten"):
        assert browser.get(url).status_code in (403, 404), url


def test_an_admin_invites_an_analyst_who_then_reads_the_benchmark(make_browser, world) -> None:
    admin = make_browser()
    admin.login(world.admin)
    page = admin.get("/verwaltung/einladungen").get_data(as_text=True)
    assert '<option value="analyst">Analyse (Land)</option>' in page
    response = admin.post("/verwaltung/einladungen", {"email": "analyse@hessen.example", "role": "analyst", "municipality": ""})
    assert response.status_code == 302
    shown = admin.get("/verwaltung/einladungen").get_data(as_text=True)
    link = re.search(r'id="einladungslink">([^<]+)<', shown).group(1).replace("http://localhost", "")  # type: ignore[union-attr]
    invitation = db.session.scalars(db.select(Invitation)).one()
    assert invitation.role is Role.ANALYST and invitation.municipality_id is None

    person = make_browser()
    accepted = person.post(link, {"name": "Referat Digitalisierung", "password": PASSWORD + "x", "repeat": PASSWORD + "x"}, token_from=link)
    assert accepted.status_code == 302
    user = db.session.scalars(db.select(User).where(User.email == "analyse@hessen.example")).one()
    assert user.role is Role.ANALYST and user.municipality_id is None
    assert "Analyse (Land)" in admin.get("/verwaltung/konten").get_data(as_text=True)


def test_consultants_cannot_invite_analysts(make_browser, world) -> None:
    berater = make_browser()
    berater.login(world.berater)
    assert 'value="analyst"' not in berater.get("/verwaltung/einladungen").get_data(as_text=True)
    response = berater.post("/verwaltung/einladungen", {"email": "analyse@hessen.example", "role": "analyst", "municipality": ""})
    assert response.status_code == 400
    assert db.session.scalars(db.select(Invitation)).all() == []
