"""One transaction per request and per CLI command: services flush, the boundary commits once,
and an error anywhere stores nothing of what came before it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select

from digicheck.accounts.services import AccountError, invite
from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Answer, Assessment, Invitation, Municipality, Role
from tests.app.helpers import area_answers, form_data


def _stored(model: type[Any]) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("failure", ["exception", "abort"])
def test_a_request_whose_second_operation_fails_stores_nothing_of_the_first(world, other_app, failure: str) -> None:
    from tests.conftest import Browser

    app = other_app(TESTING=False)

    @app.post("/test/zwei")
    def two_operations() -> str:
        from flask import abort
        from flask_login import current_user

        svc.start_round(current_user.municipality, current_user)  # the first operation: a new round
        try:
            invite(world.other.email, Role.KOMMUNE, current_user.municipality, current_user)  # an account exists
        except AccountError:
            if failure == "abort":
                abort(409)
            raise
        return "nicht erreicht"

    browser = Browser(app.test_client())
    browser.login(world.kommune)
    response = browser.post("/test/zwei", token_from="/passwort")
    assert response.status_code == (409 if failure == "abort" else 500)
    assert _stored(Assessment) == 0 and _stored(Invitation) == 0


@contextmanager
def request_commits() -> Iterator[list[Any]]:
    """The commits of the requests' sessions (not the test's own) while the block runs."""
    test_session = db.session()
    commits: list[Any] = []

    def count(session: Any) -> None:
        if session is not test_session:
            commits.append(session)

    event.listen(db.session, "after_commit", count)
    try:
        yield commits
    finally:
        event.remove(db.session, "after_commit", count)


def test_a_normal_post_commits_its_changes_exactly_once(browser, world) -> None:
    assessment = svc.start_round(world.erbach, world.kommune)
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/bereich/strategie"
    data = form_data(area_answers("strategie", "high"))
    data["csrf_token"] = browser.token(url)
    with request_commits() as commits:
        response = browser.post(url, data)
    assert response.status_code == 302
    assert len(commits) == 1
    assert _stored(Answer) == len(area_answers("strategie", "high"))


def test_a_request_that_never_used_the_database_commits_nothing_one_that_read_still_commits(browser, world) -> None:
    with request_commits() as commits:
        assert browser.get("/favicon.ico").status_code == 200  # answered without the database
        assert commits == []
        browser.login(world.kommune)
        commits.clear()
        assert browser.get("/").status_code == 200  # reads the user and the start page's data
        assert len(commits) == 1


@pytest.fixture
def command_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret-of-at-least-32-characters")


def _run(command: click.Command) -> Any:
    db.session.commit()
    result = CliRunner().invoke(command, [])
    db.session.expire_all()
    return result


def test_a_command_whose_second_operation_fails_stores_nothing_of_the_first(world, command_env) -> None:
    from digicheck.cli.base import app_context

    erbach_id, taken = world.erbach.id, world.other.email

    @click.command()
    def both() -> None:
        with app_context():
            erbach = db.session.get(Municipality, erbach_id)
            invite("neu@erbach.example.org", Role.KOMMUNE, erbach, None)  # the first operation
            invite(taken, Role.KOMMUNE, erbach, None)  # an account exists: AccountExists

    result = _run(both)
    assert isinstance(result.exception, AccountError)
    assert _stored(Invitation) == 0


def test_a_command_commits_what_its_operations_flushed(world, command_env) -> None:
    from digicheck.cli.base import app_context

    erbach_id = world.erbach.id

    @click.command()
    def one() -> None:
        with app_context():
            invite("neu@erbach.example.org", Role.KOMMUNE, db.session.get(Municipality, erbach_id), None)

    result = _run(one)
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(Invitation.email)).all() == ["neu@erbach.example.org"]
