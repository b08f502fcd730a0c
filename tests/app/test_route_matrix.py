"""The route × role matrix, generated from the URL map: every endpoint and method has an expected
outcome for each role, so a new route without a rule here fails.

Roles: anonymous, the Kommune of Erbach (whose submitted assessment the ids point at), the Kommune
of Gießen (another municipality), a consultant, an admin, the Land's analyst (benchmark only). Outcomes: a status code, "login" (sent
to the login page), "-> /path" (another redirect; `{name}` stands for a URL parameter's value). GETs run for every role; POSTs run where the
role is turned away (or the link is invalid) and must change nothing in the database; ALLOWED
marks a POST the role may make, which the feature's own tests exercise.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.routing import Rule

from digicheck.accounts import services as accounts
from digicheck.accounts import tokens
from digicheck.assess import services as svc
from digicheck.consult import services as consult
from digicheck.content import questionnaire
from digicheck.extensions import db
from digicheck.models import Role, TokenRole
from digicheck.plan import services as plan
from scoring.answers import check_answers
from tests.app.helpers import answer_for

ROLES = ("anonymous", "kommune", "other", "berater", "admin", "analyst")
ALLOWED = "allowed"
Outcome = int | str
PUBLIC: tuple[Outcome, ...] = (200,) * 6
SIGNED_IN: tuple[Outcome, ...] = ("login", 200, 200, 200, 200, 200)
CONSULTANTS: tuple[Outcome, ...] = ("login", 403, 403, 200, 200, 403)
OWN_ACCOUNT_POST: tuple[Outcome, ...] = ("login", ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)
CONSULTANT_POST: tuple[Outcome, ...] = ("login", 403, 403, ALLOWED, ALLOWED, 403)
ADMIN_POST: tuple[Outcome, ...] = ("login", 403, 403, 403, ALLOWED, 403)
ADMINS: tuple[Outcome, ...] = ("login", 403, 403, 403, 200, 403)
FILL_OUT_POST: tuple[Outcome, ...] = ("login", ALLOWED, 404, 403, 403, 404)
#: a single municipality's assessment: the analysts read nothing of it, not even that it exists
ASSESSMENT_READ: tuple[Outcome, ...] = ("login", 200, 404, 200, 200, 404)

#: a municipality's Maßnahmenplan: its own Kommune and the consultants (together with it); analysts read none
PLAN_READ: tuple[Outcome, ...] = ("login", 200, 404, 200, 200, 403)
PLAN_POST: tuple[Outcome, ...] = ("login", ALLOWED, 404, ALLOWED, ALLOWED, 403)

#: (endpoint, method) -> outcome per role, in the order of ROLES
MATRIX: dict[tuple[str, str], tuple[Outcome, ...]] = {
    # public pages and probes
    ("health.healthz", "GET"): PUBLIC,
    ("health.readyz", "GET"): PUBLIC,
    ("favicon", "GET"): PUBLIC,
    ("legal.impressum", "GET"): PUBLIC,
    ("legal.datenschutz", "GET"): PUBLIC,
    ("legal.barrierefreiheit", "GET"): PUBLIC,
    ("auth.login", "GET"): (200, "-> /", "-> /", "-> /", "-> /", "-> /"),
    ("auth.login", "POST"): (ALLOWED,) * 6,
    ("auth.logout", "POST"): OWN_ACCOUNT_POST,
    ("security.code", "GET"): ("login",) * 6,  # only between password and second factor
    ("security.code", "POST"): ("login",) * 6,
    # one-time links: an unknown token is gone for everyone
    ("auth.invitation", "GET"): (410,) * 6,
    ("auth.invitation", "POST"): (410,) * 6,
    ("account.reset", "GET"): (410,) * 6,
    ("account.reset", "POST"): (410,) * 6,
    # the own account
    ("account.own_data", "GET"): SIGNED_IN,
    ("auth.password", "GET"): SIGNED_IN,
    ("auth.password", "POST"): OWN_ACCOUNT_POST,
    ("security.account", "GET"): SIGNED_IN,
    ("security.enrol", "GET"): SIGNED_IN,
    ("security.enrol", "POST"): OWN_ACCOUNT_POST,
    ("security.disable", "POST"): OWN_ACCOUNT_POST,
    ("security.end_sessions", "POST"): OWN_ACCOUNT_POST,
    # the assessment: the own Kommune fills out, consultants read, another Kommune sees nothing
    ("assess.home", "GET"): ("login", 200, 200, "-> /beratung/", "-> /beratung/", "-> /benchmark/"),
    ("assess.new_round", "POST"): ("login", ALLOWED, ALLOWED, 403, 403, 403),
    ("assess.area", "GET"): ("login", 200, 404, 403, 403, 404),
    ("assess.area", "POST"): FILL_OUT_POST,
    ("assess.start", "GET"): ASSESSMENT_READ,
    ("assess.resume", "GET"): ("login", "-> /bewertung/{assessment_id}/naechste-schritte", 404, 403, 403, 404),  # submitted
    ("assess.submit", "GET"): ("login", 200, 404, 403, 403, 404),
    ("assess.next_steps", "GET"): ASSESSMENT_READ,
    ("assess.submit", "POST"): FILL_OUT_POST,
    ("assess.targets", "POST"): FILL_OUT_POST,
    ("assess.result", "GET"): ASSESSMENT_READ,
    ("assess.history", "GET"): ASSESSMENT_READ,
    ("assess.report_pdf", "GET"): ASSESSMENT_READ,
    ("assess.answers_csv", "GET"): ASSESSMENT_READ,
    ("assess.answers_xlsx", "GET"): ASSESSMENT_READ,
    # the Maßnahmenplan (Erbach's): the navigation's link leads each role to what it may open
    ("plan.own", "GET"): (
        "login",
        "-> /plan/kommune/{municipality_id}",
        "-> /plan/kommune/{other_municipality_id}",
        "-> /beratung/",
        "-> /beratung/",
        403,
    ),
    ("plan.page", "GET"): PLAN_READ,
    ("plan.new", "GET"): PLAN_READ,
    ("plan.new", "POST"): PLAN_POST,
    ("plan.take", "POST"): PLAN_POST,
    ("plan.entry", "GET"): PLAN_READ,
    ("plan.entry", "POST"): PLAN_POST,
    # the plan's documents: the municipality's own staff and the consultants
    ("plan_documents.fahrplan_pdf", "GET"): ("login", 200, 404, 200, 200, 403),
    ("plan_documents.plan_export", "GET"): ("login", 200, 404, 200, 200, 403),
    # the benchmark: every signed-in role, the analysts included
    ("bench.report", "GET"): SIGNED_IN,
    ("bench.export_csv", "GET"): SIGNED_IN,
    ("bench.export_pdf", "GET"): SIGNED_IN,
    # the consultants' workspace
    ("consult.overview", "GET"): CONSULTANTS,
    ("consult.assessment", "GET"): CONSULTANTS,
    ("consult.add_note", "POST"): CONSULTANT_POST,
    ("consult.share_note", "POST"): CONSULTANT_POST,
    ("consult.validate", "POST"): CONSULTANT_POST,
    ("briefing.page", "GET"): CONSULTANTS,
    ("briefing.document", "GET"): CONSULTANTS,
    ("consult_tools.ikz", "GET"): CONSULTANTS,
    ("consult_tools.selection_export", "GET"): CONSULTANTS,
    ("consult_tools.assessment_export", "GET"): CONSULTANTS,
    ("consult_tools.profile_json", "GET"): CONSULTANTS,
    # the conversation (issue 16): `note_id` is the consultant's internal note, which no Kommune sees
    ("talk.page", "GET"): ASSESSMENT_READ,
    ("talk.ask", "POST"): FILL_OUT_POST,
    ("talk.reply", "POST"): ("login", 404, 404, ALLOWED, ALLOWED, 404),
    ("talk.edit", "POST"): ("login", 404, 404, ALLOWED, 403, 404),  # the admin is not its author
    ("talk.delete", "POST"): ("login", 404, 404, ALLOWED, 403, 404),
    ("talk.resolve", "POST"): ("login", 404, 404, ALLOWED, ALLOWED, 404),
    # administration: consultants invite Kommune accounts and see the accounts; the rest is the admin's
    ("admin.invitations", "GET"): CONSULTANTS,
    ("admin.invitations", "POST"): CONSULTANT_POST,
    ("admin.users", "GET"): CONSULTANTS,
    # the invitation and the account of these links belong to an admin and to Erbach's Kommune
    ("admin.revoke", "POST"): ("login", 403, 403, 404, ALLOWED, 403),
    ("admin.reset_link", "POST"): ("login", 403, 403, 404, ALLOWED, 403),
    ("admin.delete_account", "GET"): ADMINS,
    ("admin.delete_account", "POST"): ADMIN_POST,
    ("admin.user_status", "POST"): ADMIN_POST,
    ("security.reset", "POST"): ADMIN_POST,
    # API tokens: admins only; the page of a new token shows nothing once it was shown (back to the list)
    ("tokens.index", "GET"): ADMINS,
    ("tokens.index", "POST"): ADMIN_POST,
    ("tokens.issued", "GET"): ("login", 403, 403, 403, "-> /verwaltung/api-tokens/", 403),
    ("tokens.revoke", "GET"): ADMINS,
    ("tokens.revoke", "POST"): ADMIN_POST,
    # the API with a browser session (tokens: API_MATRIX below): no login page but 401; the Kommune
    # reads its own municipality, another's is a 404; the analysts the benchmark only
    ("api_docs.openapi_json", "GET"): PUBLIC,
    ("api_docs.page", "GET"): PUBLIC,
    ("api.municipalities", "GET"): (401, 200, 200, 200, 200, 403),
    ("api.municipality", "GET"): (401, 200, 404, 200, 200, 403),
    ("api.bookings", "GET"): (401, 403, 403, 200, 200, 403),
    ("api.book", "PUT"): (401, 403, 403, 403, 403, 403),
    ("api.assessments", "GET"): (401, 200, 200, 200, 200, 403),
    ("api.profile", "GET"): (401, 200, 404, 200, 200, 403),
    ("api.answers", "GET"): (401, 200, 404, 200, 200, 403),
    ("api.validate", "POST"): (401, 403, 403, ALLOWED, ALLOWED, 403),
    ("api.benchmark", "GET"): (401, 200, 200, 200, 200, 200),
}

TOKEN_ROLES = (TokenRole.ANALYST, TokenRole.CONSULTANT, TokenRole.PROVIDER)
#: every API route per token role (analyst, consultant, provider); writes marked ALLOWED are the
#: features' own tests (tests/app/test_api_tokens_use.py)
API_MATRIX: dict[tuple[str, str], tuple[Outcome, ...]] = {
    ("api_docs.openapi_json", "GET"): (200, 200, 200),
    ("api_docs.page", "GET"): (200, 200, 200),
    ("api.municipalities", "GET"): (403, 200, 200),
    ("api.municipality", "GET"): (403, 200, 200),
    ("api.bookings", "GET"): (403, 200, 200),
    ("api.book", "PUT"): (403, 403, ALLOWED),
    ("api.assessments", "GET"): (403, 200, 403),
    ("api.profile", "GET"): (403, 200, 403),
    ("api.answers", "GET"): (403, 200, 403),
    ("api.validate", "POST"): (403, ALLOWED, 403),
    ("api.benchmark", "GET"): (200, 200, 403),
}


def routes(app: Any) -> list[tuple[Rule, str]]:
    """Every (rule, method) of the URL map that the matrix covers: GET, POST and PUT, static files aside."""
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in ("GET", "POST", "PUT")
        if method in (rule.methods or ())
    ]


@pytest.fixture
def targets(app, world) -> dict[str, Any]:
    """Values of the URL parameters: Erbach's submitted assessment, a consultant's note on it,
    an admin's invitation, Erbach's Kommune account, a one-time link token that was never issued, an API token,
    an entry of Erbach's Maßnahmenplan."""
    q = questionnaire()
    assessment = svc.start_round(world.erbach, world.kommune)
    svc.save_demo_answers(assessment, check_answers(q, {item.id: answer_for(item) for item in q.items}))
    assert svc.submit(assessment, world.kommune) == []
    note = consult.add_note(assessment, world.berater, "Notiz der Beratung")
    invitation = accounts.invite("neu@erbach.test", Role.KOMMUNE, world.erbach, world.admin).invitation
    api_token, _ = tokens.create_token("BI des Landes", TokenRole.ANALYST, created_by=world.admin)
    entry = plan.add_entry(world.erbach, world.kommune, plan.EntryValues("strategie", "Digitalisierungsstrategie beschließen"))
    db.session.commit()
    return {
        "assessment_id": assessment.id,
        "area_id": "strategie",
        "fmt": "csv",
        "note_id": note.id,
        "invitation_id": invitation.id,
        "account_id": world.kommune.id,
        "user_id": world.kommune.id,
        "token": "nie-ausgegeben",
        "token_id": api_token.id,
        "municipality_id": world.erbach.id,
        "other_municipality_id": world.giessen.id,
        "entry_id": entry.id,
        "module_id": "modul1",
    }


def url_of(app: Any, rule: Rule, targets: dict[str, Any]) -> str:
    return app.url_map.bind("localhost").build(rule.endpoint, {name: targets[name] for name in rule.arguments})


def outcome(response: Any) -> Outcome:
    if response.status_code in (301, 302, 303):
        path = urlsplit(response.location).path
        return "login" if path == "/anmelden" else f"-> {path}"
    return int(response.status_code)


def database() -> dict[str, list[str]]:
    """Every row of every table, to show that a refused POST changed nothing."""
    return {table.name: sorted(repr(tuple(row)) for row in db.session.execute(table.select()).all()) for table in db.metadata.sorted_tables}


def test_every_route_has_a_rule_and_every_rule_a_route(app) -> None:
    present = {(rule.endpoint, method) for rule, method in routes(app)}
    assert sorted(present - MATRIX.keys()) == [], "routes without an expected outcome per role in MATRIX"
    assert sorted(MATRIX.keys() - present) == [], "MATRIX entries for routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, make_browser, world, analyst, targets, role) -> None:
    browser = make_browser()
    if role != "anonymous":
        browser.login(analyst if role == "analyst" else getattr(world, role))
    index = ROLES.index(role)
    wrong: list[str] = []
    for rule, method in routes(app):
        expected = MATRIX.get((rule.endpoint, method), ("no rule in MATRIX",) * len(ROLES))[index]
        if isinstance(expected, str):  # a redirect may name the URL parameters: "-> /bewertung/{assessment_id}/…"
            expected = expected.format(**targets)
        url = url_of(app, rule, targets)
        if method == "GET":
            got = outcome(browser.get(url))
        elif expected == ALLOWED:
            continue
        else:
            token = browser.token("/passwort" if role != "anonymous" else "/anmelden")
            before = database()
            got = outcome(browser._request(method.lower(), url, data={"csrf_token": token}))
            changed = [name for name, rows in database().items() if rows != before[name]]
            if changed:
                wrong.append(f"{method} {url}: changed {changed}")
        if got != expected:
            wrong.append(f"{method} {url} ({rule.endpoint}): expected {expected!r}, got {got!r}")
    assert wrong == []


def test_every_api_route_has_a_rule_for_every_token_role(app) -> None:
    present = {(rule.endpoint, method) for rule, method in routes(app) if rule.endpoint.startswith(("api.", "api_docs."))}
    assert sorted(present ^ API_MATRIX.keys()) == []


@pytest.mark.parametrize("role", TOKEN_ROLES, ids=lambda r: r.value)
def test_api_token_matrix(app, make_browser, world, targets, role) -> None:
    """Every API route with a token of each role: reads answer as the matrix says; refused writes,
    sent without a CSRF token (tokens need none), change nothing."""
    user = world.berater if role == TokenRole.CONSULTANT else None
    _, raw = tokens.create_token(f"System {role.value}", role, created_by=world.admin, user=user)
    db.session.commit()
    browser = make_browser()
    headers = {"Authorization": f"Bearer {raw}"}
    wrong: list[str] = []
    for rule, method in routes(app):
        if (rule.endpoint, method) not in API_MATRIX:
            continue
        expected = API_MATRIX[(rule.endpoint, method)][TOKEN_ROLES.index(role)]
        url = url_of(app, rule, targets)
        if expected == ALLOWED:
            continue
        before = database()
        got = outcome(browser._request(method.lower(), url, json={}, headers=headers))
        changed = [name for name, rows in database().items() if rows != before[name] and name != "api_tokens"]  # last use
        if changed:
            wrong.append(f"{method} {url}: changed {changed}")
        if got != expected:
            wrong.append(f"{method} {url} ({rule.endpoint}): expected {expected!r}, got {got!r}")
    assert wrong == []
