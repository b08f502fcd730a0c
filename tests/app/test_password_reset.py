"""Password reset links: created by an admin or the inviting consultant, one use, expiry, withdrawal."""

from __future__ import annotations

import re
from datetime import timedelta

from digicheck.accounts import password_reset
from digicheck.accounts import services as accounts
from digicheck.extensions import db
from digicheck.models import PasswordReset, Role, User
from tests.app.test_logging import audit_lines
from tests.conftest import PASSWORD

NEW = "ein-ganz-neues-passwort"
LINK = re.compile(r'id="ruecksetzlink">http://localhost(/passwort-zuruecksetzen/[^<]+)<')


def _create(browser, account: User):  # type: ignore[no-untyped-def]
    return browser.post(f"/verwaltung/konten/{account.id}/ruecksetzlink", token_from="/verwaltung/konten")


def _shown_link(browser, account: User) -> str:  # type: ignore[no-untyped-def]
    response = _create(browser, account)
    assert response.status_code == 302 and response.location == "/verwaltung/konten"
    page = browser.get("/verwaltung/konten").get_data(as_text=True)
    match = LINK.search(page)
    assert match, page[:2000]
    return match.group(1)


def _set(browser, link: str, password: str = NEW):  # type: ignore[no-untyped-def]
    return browser.post(link, {"password": password, "repeat": password}, token_from=link)


def test_admin_creates_a_link_that_sets_a_new_password_and_ends_sessions(make_browser, world, capsys) -> None:
    old_session = make_browser()
    old_session.login(world.kommune)
    admin = make_browser()
    admin.login(world.admin)
    link = _shown_link(admin, world.kommune)
    assert not LINK.search(admin.get("/verwaltung/konten").get_data(as_text=True))  # shown once only
    guest = make_browser()
    form = guest.get(link)
    assert form.status_code == 200 and world.kommune.email in form.get_data(as_text=True)
    done = _set(guest, link)
    assert done.status_code == 302 and done.location == "/anmelden"
    assert "neues Passwort ist gesetzt" in guest.get("/anmelden").get_data(as_text=True)
    assert old_session.get("/").status_code == 302  # every earlier session of the account has ended
    assert make_browser().post("/anmelden", {"email": world.kommune.email, "password": PASSWORD}).status_code == 401
    make_browser().login(world.kommune, NEW)
    again = make_browser().get(link)
    assert again.status_code == 410 and "bereits verwendet" in again.get_data(as_text=True)
    log = capsys.readouterr().out
    assert '"path": "/passwort-zuruecksetzen/***"' in log and link.rsplit("/", 1)[1] not in log
    assert '"event": "password_reset_link_created"' in log and '"event": "password_reset"' in log


def test_link_token_is_stored_hashed_and_expires_after_the_configured_hours(app, make_browser, world) -> None:
    app.config["RESET_HOURS"] = 2
    try:
        issued = password_reset.create_reset_link(world.kommune, world.admin)
        db.session.commit()
    finally:
        del app.config["RESET_HOURS"]
    stored = db.session.get(PasswordReset, issued.reset.id)
    assert issued.token not in stored.token_hash and len(stored.token_hash) == 64
    assert timedelta(hours=1, minutes=59) < stored.expires_at - stored.created_at <= timedelta(hours=2)
    stored.expires_at = stored.created_at - timedelta(minutes=1)
    db.session.commit()
    guest = make_browser()
    response = guest.get(f"/passwort-zuruecksetzen/{issued.token}")
    assert response.status_code == 410 and "abgelaufen" in response.get_data(as_text=True)
    assert guest.post(f"/passwort-zuruecksetzen/{issued.token}", {"password": NEW, "repeat": NEW}).status_code == 410
    assert accounts.authenticate(world.kommune.email, PASSWORD) is not None


def test_default_lifetime_is_24_hours(app, world) -> None:
    issued = password_reset.create_reset_link(world.kommune, world.admin)
    assert timedelta(hours=23, minutes=59) < issued.reset.expires_at - issued.reset.created_at <= timedelta(hours=24)


def test_a_newer_link_withdraws_the_older(make_browser, world) -> None:
    admin = make_browser()
    admin.login(world.admin)
    first = _shown_link(admin, world.kommune)
    second = _shown_link(admin, world.kommune)
    old = make_browser().get(first)
    assert old.status_code == 410 and "neuerer Link" in old.get_data(as_text=True)
    assert make_browser().get(second).status_code == 200


def test_unknown_token_and_weak_password(make_browser, world) -> None:
    unknown = make_browser().get("/passwort-zuruecksetzen/gibt-es-nicht")
    assert unknown.status_code == 410 and "gibt es nicht" in unknown.get_data(as_text=True)
    issued = password_reset.create_reset_link(world.kommune, world.admin)
    db.session.commit()
    guest = make_browser()
    link = f"/passwort-zuruecksetzen/{issued.token}"
    short = _set(guest, link, "kurz")
    assert short.status_code == 400 and "10 bis 256 Zeichen" in short.get_data(as_text=True)
    assert guest.get(link).status_code == 200  # a refused password does not use the link up


def test_consultant_resets_only_the_kommune_users_they_invited(make_browser, world) -> None:
    issued = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    invited = accounts.accept_invitation(issued.token, "Neue Kollegin", "ein-gutes-passwort")
    berater = make_browser()
    berater.login(world.berater)
    page = berater.get("/verwaltung/konten").get_data(as_text=True)
    assert invited.email in page and world.kommune.email not in page and "Sperren" not in page
    assert _shown_link(berater, invited).startswith("/passwort-zuruecksetzen/")
    assert _create(berater, world.kommune).status_code == 404  # not invited by this consultant
    assert _create(berater, world.admin).status_code == 404
    kommune = make_browser()
    kommune.login(world.kommune)
    assert kommune.post(f"/verwaltung/konten/{invited.id}/ruecksetzlink", token_from="/passwort").status_code == 403
    assert db.session.scalars(db.select(PasswordReset).where(PasswordReset.user_id != invited.id)).first() is None


def test_reinviting_an_existing_address_offers_the_reset(make_browser, world) -> None:
    world.kommune.email = "hauptamt@erbach.example.org"  # the form's address check refuses the .test domain
    db.session.commit()
    admin = make_browser()
    admin.login(world.admin)
    response = admin.post(
        "/verwaltung/einladungen",
        {"email": world.kommune.email, "role": "kommune", "municipality": "06437006"},
        token_from="/verwaltung/einladungen",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "bereits ein Konto" in page
    assert f"/verwaltung/konten/{world.kommune.id}/ruecksetzlink" in page
    berater = make_browser()
    berater.login(world.berater)
    page = berater.post(
        "/verwaltung/einladungen",
        {"email": world.kommune.email, "role": "kommune", "municipality": "06437006"},
        token_from="/verwaltung/einladungen",
    ).get_data(as_text=True)
    assert "bereits ein Konto" in page and "ruecksetzlink" not in page  # not this consultant's invitee


def test_locked_accounts_get_no_link(browser, world) -> None:
    accounts.set_active(world.kommune, False, world.admin)
    browser.login(world.admin)
    response = _create(browser, world.kommune)
    assert response.status_code == 400 and "gesperrt" in response.get_data(as_text=True)


def test_login_page_says_whom_to_ask(browser) -> None:
    page = browser.get("/anmelden").get_data(as_text=True)
    assert "Passwort vergessen?" in page and "Beraterin oder Ihren Berater" in page and "Administration" in page


def test_cli_prints_a_working_link(app, make_browser, world) -> None:
    from click.testing import CliRunner

    from digicheck.cli import main

    result = CliRunner().invoke(
        main,
        ["user", "reset-link", world.kommune.email, "--base-url", "https://digicheck.example.org/"],
        env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"]},
    )
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()  # the link alone on stdout; the audit line on stderr
    assert link.startswith("https://digicheck.example.org/passwort-zuruecksetzen/")
    assert "24 Stunden" in result.stderr
    [audited] = audit_lines(result.stderr, "password_reset_link_created")
    assert audited["account_id"] == world.kommune.id and audited["user_id"] is None
    assert link.rsplit("/", 1)[1] not in result.stderr
    db.session.expire_all()
    assert _set(make_browser(), link.replace("https://digicheck.example.org", "")).status_code == 302
    unknown = CliRunner().invoke(
        main,
        ["user", "reset-link", "niemand@x.test"],
        env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"]},
    )
    assert unknown.exit_code == 1 and "Fehler: kein Konto" in unknown.output and "Traceback" not in unknown.output


def test_cli_invite_of_an_existing_address_points_to_the_reset(app, world) -> None:
    from click.testing import CliRunner

    from digicheck.cli import main

    result = CliRunner().invoke(
        main,
        ["invite", "hauptamt@erbach.example.org", "--role", "kommune", "--ags", "06437006"],
        env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"]},
    )
    assert result.exit_code == 0, result.output  # a new address: an invitation
    world.kommune.email = "hauptamt@erbach.example.org"
    db.session.commit()
    again = CliRunner().invoke(
        main,
        ["invite", "hauptamt@erbach.example.org", "--role", "kommune", "--ags", "06437006"],
        env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"]},
    )
    assert again.exit_code == 1 and "bereits ein Konto" in again.output and "digicheck user reset-link" in again.output
