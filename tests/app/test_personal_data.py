"""A person's own data (Art. 15 DSGVO) and the purge of ended one-time links."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from digicheck.accounts import password_reset
from digicheck.accounts import services as accounts
from digicheck.assess import services as assessments
from digicheck.cli import main
from digicheck.consult import services as consult_records
from digicheck.extensions import db
from digicheck.models import Invitation, PasswordReset, Role, UserSession
from digicheck.models._time import utcnow
from digicheck.plan import services as plan
from digicheck.talk import services as talk
from tests.app.test_account_deletion import ITEM, Q, _answered
from tests.conftest import add_user


def test_a_user_downloads_their_own_data(make_browser, world) -> None:
    erbach = _answered(world.erbach, world.kommune)
    _answered(world.giessen, world.other)
    shared = consult_records.add_note(erbach, world.berater, "Notiz der Beraterin", shared=True)
    versions = assessments.answers_of(erbach)[1]
    evidence = {ITEM.id: assessments.evidence_text("Beschluss vom 12.03.", "Drucksache 17/204")}
    assessments.save_answers(erbach, world.kommune, {}, versions, evidence)
    talk.reply(shared, world.kommune, "Der Beschluss liegt bei.")
    entry = plan.add_entry(world.erbach, world.kommune, plan.EntryValues(area_id=Q.areas[0].id, title="E-Akte-Pilot", owner="Hauptamt"))
    db.session.commit()
    kommune = make_browser()
    kommune.login(world.kommune)
    assert "/konto/daten" in kommune.get("/passwort").get_data(as_text=True)
    response = kommune.get("/konto/daten")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="digicheck-meine-daten-')
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == world.kommune.email and data["account"]["name"] == "Hauptamt Erbach"
    assert data["account"]["municipality"] == {"ags": "06437006", "name": "Erbach"}
    assert [c["municipality_ags"] for c in data["answer_changes"]] == ["06437006"] * 2  # not the colleague's in Gießen
    assert data["answer_changes"][0]["changed_at"][-6:] in ("+01:00", "+02:00")
    assert data["answer_changes"][1]["new_evidence"] == {"comment": "Beschluss vom 12.03.", "refs": "Drucksache 17/204"}
    assert [(n["text"], n["reply_to"]) for n in data["notes"]] == [("Der Beschluss liegt bei.", shared.id)]
    assert [(c["entry_id"], c["entry_title"], c["changes"]["owner"]) for c in data["plan_changes"]] == [
        (entry.id, "E-Akte-Pilot", [None, "Hauptamt"])
    ]

    berater = make_browser()
    berater.login(world.berater)
    own = json.loads(berater.get("/konto/daten").get_data(as_text=True))
    assert [(n["id"], n["text"]) for n in own["notes"]] == [(shared.id, "Notiz der Beraterin")] and own["answer_changes"] == own[
        "plan_changes"
    ] == []
    assert make_browser().get("/konto/daten").status_code == 302  # only with a login


def _purge(app):  # type: ignore[no-untyped-def]
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"]}
    result = CliRunner().invoke(main, ["maintenance", "purge"], env=env)
    db.session.expire_all()
    return result


def test_purge_deletes_links_ended_more_than_90_days_ago(app, world) -> None:
    long_ago = utcnow() - timedelta(days=91)
    recently = utcnow() - timedelta(days=89)
    old_expired = accounts.invite("a@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin).invitation
    old_expired.expires_at = long_ago
    old_withdrawn = accounts.invite("b@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin).invitation
    old_withdrawn.revoked_at = long_ago
    recent_withdrawn = accounts.invite("c@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin).invitation
    recent_withdrawn.revoked_at = recently
    still_open = accounts.invite("d@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin).invitation
    resets = [password_reset.create_reset_link(user, world.admin).reset for user in (world.kommune, world.other, world.berater)]
    resets[0].expires_at = long_ago
    resets[1].revoked_at = long_ago
    db.session.add_all(
        [
            UserSession(id="a" * 64, user_id=world.kommune.id, epoch=0, created_at=long_ago, ended_at=long_ago),
            UserSession(id="b" * 64, user_id=world.kommune.id, epoch=0, created_at=recently, ended_at=recently),
        ]
    )
    db.session.commit()
    kept = {recent_withdrawn.id, still_open.id}

    first = _purge(app)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Gelöscht: 2 Einladungen, 2 Links zum Zurücksetzen und 1 beendete Anmeldung,")
    assert set(db.session.scalars(db.select(Invitation.id))) == kept
    assert list(db.session.scalars(db.select(PasswordReset.id))) == [resets[2].id]
    assert list(db.session.scalars(db.select(UserSession.id))) == ["b" * 64]

    again = _purge(app)
    assert again.output.startswith("Gelöscht: 0 Einladungen, 0 Links zum Zurücksetzen und 0 beendete Anmeldungen,")
    db.session.get(Invitation, recent_withdrawn.id).revoked_at = long_ago
    db.session.commit()
    assert _purge(app).output.startswith("Gelöscht: 1 Einladung, 0 Links zum Zurücksetzen und 0 beendete Anmeldungen,")


def test_consultant_cannot_withdraw_others_invitations_by_reinviting(make_browser, world) -> None:
    by_admin = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    berater = make_browser()
    berater.login(world.berater)
    response = berater.post(
        "/verwaltung/einladungen",
        {"email": "neu@erbach.example.org", "role": "kommune", "municipality": "06437006"},
        token_from="/verwaltung/einladungen",
    )
    assert response.status_code == 400 and "offene Einladung, die jemand anderes ausgestellt hat" in response.get_data(as_text=True)
    assert make_browser().get(f"/einladung/{by_admin.token}").status_code == 200  # still valid

    colleague = add_user("kollege@ekom.example.org", "Kollege", Role.BERATER)
    by_colleague = accounts.invite("zwei@erbach.example.org", Role.KOMMUNE, world.erbach, colleague)
    try:
        accounts.invite("zwei@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    except accounts.AccountError as exc:
        assert "jemand anderes" in str(exc)
    else:
        raise AssertionError("a consultant withdrew a colleague's invitation")
    assert db.session.get(Invitation, by_colleague.invitation.id).is_open
    withdraw = berater.post(f"/verwaltung/einladungen/{by_colleague.invitation.id}/zurueckziehen", token_from="/verwaltung/einladungen")
    assert withdraw.status_code == 404


def test_consultant_replaces_their_own_and_expired_invitations(make_browser, world) -> None:
    own = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    again = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    assert again.withdrawn == 1 and make_browser().get(f"/einladung/{own.token}").status_code == 410
    expired = accounts.invite("alt@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    expired.invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    fresh = accounts.invite("alt@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    assert fresh.withdrawn == 0 and db.session.get(Invitation, expired.invitation.id).revoked_at is None
    by_consultant = accounts.invite("drei@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    assert accounts.invite("drei@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin).withdrawn == 1  # admins may
    assert make_browser().get(f"/einladung/{by_consultant.token}").status_code == 410
