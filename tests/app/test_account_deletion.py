"""Deleting an account (Art. 17 DSGVO): the person is gone, what they contributed stays.

Runs on SQLite and, with DIGICHECK_TEST_DATABASE_URL, on PostgreSQL (which enforces every
foreign key on commit); both also check that no foreign key points nowhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select

from digicheck.accounts import password_reset
from digicheck.accounts import services as accounts
from digicheck.accounts.personal_data import delete_account
from digicheck.assess import services as assessments
from digicheck.consult import services as consult_records
from digicheck.extensions import db
from digicheck.models import AnswerChange, Assessment, Invitation, Note, PasswordReset, Role, User, UserSession
from tests.app.helpers import Q
from tests.app.test_consult import submitted
from tests.conftest import PASSWORD, add_user

ITEM = Q.areas[0].items[0]


def _answered(municipality: Any, user: Any) -> Assessment:
    assessment = assessments.start_round(municipality, user)
    db.session.commit()
    option = ITEM.ranked_options[0].id if ITEM.type != "number" else ITEM.bands[0].min
    assessments.save_answers(assessment, user, {ITEM.id: option}, {})
    db.session.commit()
    return assessment


def _orphans() -> list[str]:
    """Every foreign key value that points to no row (SQLite does not enforce them by default)."""
    found = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            missing = db.session.scalar(select(func.count()).select_from(table).where(child.is_not(None), ~exists().where(parent == child)))
            if missing:
                found.append(f"{table.name}.{child.name}: {missing}")
    return found


def _snapshot(assessment_id: int, user_id: int) -> Any:
    def rows(model: Any, *where: Any) -> list[tuple[Any, ...]]:
        return sorted(tuple(getattr(r, c.key) for c in model.__table__.columns) for r in db.session.scalars(select(model).where(*where)))

    return (
        rows(AnswerChange, AnswerChange.assessment_id == assessment_id),
        rows(Note, Note.assessment_id == assessment_id),
        rows(User, User.id == user_id),
        rows(Assessment, Assessment.id == assessment_id),
    )


def _delete(browser, account: User):  # type: ignore[no-untyped-def]
    return browser.post(f"/verwaltung/konten/{account.id}/loeschen", token_from=f"/verwaltung/konten/{account.id}/loeschen")


def test_admin_deletes_an_account_and_its_contributions_stay_anonymous(make_browser, world) -> None:
    erbach = _answered(world.erbach, world.kommune)
    giessen = _answered(world.giessen, world.other)
    consult_records.add_note(giessen, world.berater, "Gießen: Rückfrage zur IT")
    consult_records.add_note(erbach, world.berater, "Erbach: Termin vereinbart")
    password_reset.create_reset_link(world.kommune, world.admin)
    db.session.commit()
    before = _snapshot(giessen.id, world.other.id)
    email, kommune_id = world.kommune.email, world.kommune.id
    kommune = make_browser()
    kommune.login(world.kommune)
    admin = make_browser()
    admin.login(world.admin)

    assert db.session.scalars(select(UserSession).where(UserSession.user_id == kommune_id)).first() is not None
    confirm = admin.get(f"/verwaltung/konten/{kommune_id}/loeschen")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and email in page and "1 Antwortänderungen" in page
    response = _delete(admin, world.kommune)
    assert response.status_code == 302
    listing = admin.get("/verwaltung/konten").get_data(as_text=True)
    assert f"Das Konto {email} ist gelöscht" in listing and f"<td>{email}</td>" not in listing

    db.session.expire_all()
    gone = db.session.get(User, kommune_id)
    assert gone.deleted_at is not None and gone.name.startswith("ehemalige Person (gelöscht am ")
    assert "hauptamt" not in gone.email and "Hauptamt" not in gone.name and not gone.active
    assert db.session.scalar(select(func.count()).select_from(AnswerChange).where(AnswerChange.user_id == kommune_id)) == 1
    assert db.session.scalars(select(Invitation).where(Invitation.email == email)).first() is None
    for model in (PasswordReset, UserSession):  # the open login's record (device) is gone too
        assert db.session.scalars(select(model).where(model.user_id == kommune_id)).first() is None
    assert _orphans() == []
    assert _snapshot(giessen.id, world.other.id) == before  # another municipality's data is untouched

    berater = make_browser()
    berater.login(world.berater)
    history = berater.get(f"/beratung/bewertung/{erbach.id}").get_data(as_text=True)
    assert "ehemalige Person (gelöscht am" in history and "Hauptamt Erbach" not in history

    refused = kommune.get("/")  # the deleted person's open session
    assert refused.status_code == 401 and "Ihr Konto wurde gelöscht" in refused.get_data(as_text=True)
    assert kommune.get("/").status_code == 302  # afterwards just a visitor
    assert make_browser().post("/anmelden", {"email": email, "password": PASSWORD}).status_code == 401
    assert admin.get(f"/verwaltung/konten/{kommune_id}/loeschen").status_code == 404


def test_a_deleted_consultant_keeps_notes_and_validations_attributed(make_browser, world) -> None:
    erbach = submitted(world.erbach, user=world.kommune)
    db.session.commit()
    consult_records.add_note(erbach, world.berater, "Notiz vor der Löschung", shared=True)
    consult_records.validate_level(erbach, Q.areas[0].id, 2, "Begründung", world.berater)
    invited = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    delete_account(world.berater, world.admin)
    db.session.commit()
    assert _orphans() == []
    note = db.session.scalars(select(Note)).one()
    assert note.text == "Notiz vor der Löschung" and note.author.name.startswith("ehemalige Person")
    assert db.session.get(Invitation, invited.invitation.id).created_by_id == world.berater.id
    kommune = make_browser()
    kommune.login(world.kommune)
    result = kommune.get(f"/bewertung/{erbach.id}/ergebnis").get_data(as_text=True)
    assert "ehemalige Person (gelöscht am" in result and "Beraterin" not in result


def test_own_and_last_admin_account_cannot_be_deleted(make_browser, world) -> None:
    admin = make_browser()
    admin.login(world.admin)
    own = admin.get(f"/verwaltung/konten/{world.admin.id}/loeschen").get_data(as_text=True)
    assert "eigene Konto" in own and "endgültig löschen" not in own
    response = _delete(admin, world.admin)
    assert response.status_code == 400 and "eigene Konto" in response.get_data(as_text=True)
    second = add_user("zweit@land.example.org", "Zweite Admin", Role.ADMIN)
    accounts.set_active(second, False, world.admin)
    try:
        delete_account(world.admin, second)
    except accounts.AccountError as exc:
        assert "letzte aktive" in str(exc)
    else:
        raise AssertionError("the last active admin was deleted")
    db.session.rollback()
    assert db.session.get(User, world.admin.id).deleted_at is None


def test_only_admins_delete_accounts(make_browser, world) -> None:
    for user in (world.kommune, world.berater):
        browser = make_browser()
        browser.login(user)
        assert browser.get(f"/verwaltung/konten/{world.other.id}/loeschen").status_code == 403
        assert browser.post(f"/verwaltung/konten/{world.other.id}/loeschen", token_from="/passwort").status_code == 403
    admin = make_browser()
    admin.login(world.admin)
    assert admin.post(f"/verwaltung/konten/{world.other.id}/loeschen", csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, world.other.id).deleted_at is None
