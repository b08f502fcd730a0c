"""Authorisation, decided in one place per resource.

A Kommune user sees only its own municipality's assessments; consultants and
admins see all. Anything else is a 404, so ids of other municipalities reveal
nothing, not even their existence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from types import SimpleNamespace
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select

from digicheck.extensions import db
from digicheck.models import ApiToken, Assessment, Invitation, Municipality, Note, PlanEntry, Role, User
from digicheck.models._time import utcnow
from digicheck.models.consult import NOTE_EDIT_WINDOW

CONSULTANT_ROLES = (Role.BERATER, Role.ADMIN)
#: every signed-in role reads the benchmark report (anonymised group figures); the analysts only that
BENCHMARK_ROLES = (Role.KOMMUNE, Role.BERATER, Role.ADMIN, Role.ANALYST)
T = TypeVar("T")


def is_consultant(user: User) -> bool:
    """Consultants and admins: the consultant workspace, every municipality, invitations."""
    return user.role in CONSULTANT_ROLES


def is_kommune(user: User) -> bool:
    """Staff of one municipality."""
    return user.role == Role.KOMMUNE


def is_analyst(user: User) -> bool:
    """The Land's analysts ("Analyse (Land)"): the benchmark report and its exports, nothing of a single municipality."""
    return user.role == Role.ANALYST


def reads_benchmark(user: User) -> bool:
    """The benchmark report, its CSV and PDF: every signed-in role."""
    return user.role in BENCHMARK_ROLES


def reads_municipalities(user: User) -> bool:
    """Pages about single municipalities (the overview, assessments): their own staff and the consultants."""
    return is_kommune(user) or is_consultant(user)


def manages_accounts(user: User) -> bool:
    """Admins lock, unlock and delete accounts and reset second factors."""
    return user.role == Role.ADMIN


def can_see_municipality(user: User, municipality_id: int) -> bool:
    """Analysts see no single municipality."""
    if is_consultant(user):
        return True
    return is_kommune(user) and user.municipality_id == municipality_id


def may_see_ranks(user: User, municipality_id: int) -> bool:
    """Percentile ranks and similar municipalities: the municipality's own staff, or the consultants."""
    return can_see_municipality(user, municipality_id)


def may_choose_municipality(user: User) -> bool:
    """Pick any municipality for ranks in the benchmark (a Kommune user always sees its own)."""
    return is_consultant(user)


def can_edit(user: User, assessment: Assessment | None = None) -> bool:
    """Only the municipality's own staff fill out its questionnaire and start its rounds;
    without an assessment: whether the user fills out questionnaires at all."""
    return is_kommune(user) and (assessment is None or assessment.municipality_id == user.municipality_id)


def can_edit_plan(user: User, municipality_id: int) -> bool:
    """The Maßnahmenplan: the municipality's own staff, and the consultants together with them
    (their changes carry their name and role in the history)."""
    return is_consultant(user) or (is_kommune(user) and user.municipality_id == municipality_id)


def can_validate(user: User, assessment: Assessment) -> bool:
    """Consultants set validated levels once the municipality has submitted the round."""
    return is_consultant(user) and assessment.submitted


def can_invite(user: User, role: Role) -> bool:
    """Admins invite every role, consultants only Kommune users."""
    return manages_accounts(user) or (user.role == Role.BERATER and role == Role.KOMMUNE)


def can_revoke(user: User, invitation: Invitation) -> bool:
    """Admins withdraw any invitation, consultants the ones they issued."""
    return manages_accounts(user) or (user.role == Role.BERATER and invitation.created_by_id == user.id)


#: built once, like the user loader's statement: every questionnaire page and save loads its
#: assessment, and Session.get builds and keys a new statement per call
_ASSESSMENT_BY_ID = select(Assessment).where(Assessment.id == bindparam("assessment_id"))


def load_assessment_for(user: User, assessment_id: int) -> Assessment:
    assessment = db.session.execute(_ASSESSMENT_BY_ID, {"assessment_id": assessment_id}).scalar_one_or_none()
    if assessment is None or not can_see_municipality(user, assessment.municipality_id):
        abort(404)
    return assessment


def load_assessment_to_edit(user: User, assessment_id: int) -> Assessment:
    """Only the municipality's own staff fill out its questionnaire."""
    assessment = load_assessment_for(user, assessment_id)
    if not can_edit(user, assessment):
        abort(403)
    return assessment


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


#: Every route of the consultant workspace: Kommune users and analysts get 403, anonymous visitors the login.
consultant_required = roles_required(*CONSULTANT_ROLES)
#: The benchmark report and its exports.
benchmark_required = roles_required(*BENCHMARK_ROLES)


def load_assessment_for_consultant(user: User, assessment_id: int) -> Assessment:
    """Consultants and admins see every assessment; an unknown id is a 404."""
    if not is_consultant(user):
        abort(403)
    return load_assessment_for(user, assessment_id)


def _found(model: type[T], object_id: int) -> T:
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def load_note_for_consultant(user: User, note_id: int) -> Note:
    if not is_consultant(user):
        abort(403)
    return _found(Note, note_id)


def _root(note: Note) -> Note:
    return note.parent if note.parent is not None else note


def can_see_note(user: User, note: Note) -> bool:
    """Consultants see every entry; the municipality's staff the threads whose root is shared."""
    if is_consultant(user):
        return True
    return can_see_municipality(user, note.assessment.municipality_id) and _root(note).shared


def can_ask(user: User, assessment: Assessment) -> bool:
    """The municipality's own staff start a question to the consultation (on the assessment or an item)."""
    return is_kommune(user) and assessment.municipality_id == user.municipality_id


def can_reply(user: User, note: Note) -> bool:
    """Anyone who sees a thread answers in it while its first entry stands."""
    return note.parent_id is None and note.deleted_at is None and reads_municipalities(user) and can_see_note(user, note)


def can_edit_note(user: User, note: Note, now: datetime | None = None) -> bool:
    """Authors edit or delete their own entries within `NOTE_EDIT_WINDOW` (24 hours) of writing them."""
    if note.author_id != user.id or note.deleted_at is not None or not can_see_note(user, note):
        return False
    return (now or utcnow()) - note.created_at <= NOTE_EDIT_WINDOW


def can_resolve(user: User, note: Note) -> bool:
    """Consultants close a thread's open question."""
    return is_consultant(user) and note.parent_id is None and note.resolved_at is None and note.deleted_at is None


def can_share_note(user: User, note: Note) -> bool:
    """Consultants share their notes' threads or take them back; what a Kommune user wrote stays shared."""
    return is_consultant(user) and note.parent_id is None and note.author.role != Role.KOMMUNE


def load_note_for(user: User, note_id: int) -> Note:
    """An entry of a conversation the user may see; any other (another municipality's, internal) is a 404."""
    note = db.session.get(Note, note_id)
    if note is None or not reads_municipalities(user) or not can_see_note(user, note):
        abort(404)
    return note


def load_plan_municipality_for(user: User, municipality_id: int) -> Municipality:
    """The municipality whose Maßnahmenplan `user` reads and edits, with its documents (Fahrplan PDF,
    exports): analysts read no single municipality (403); another municipality, or an unknown id, is a 404."""
    if not reads_municipalities(user):
        abort(403)
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or not can_edit_plan(user, municipality.id):
        abort(404)
    return municipality


def load_plan_entry_for(user: User, entry_id: int) -> PlanEntry:
    """A plan entry of a municipality whose plan `user` edits (see `load_plan_municipality_for`)."""
    if not reads_municipalities(user):
        abort(403)
    entry = db.session.get(PlanEntry, entry_id)
    if entry is None:
        abort(404)
    load_plan_municipality_for(user, entry.municipality_id)
    return entry


def load_user_for_admin(user: User, user_id: int) -> User:
    """Accounts are managed by admins only; a deleted account is gone (404)."""
    if not manages_accounts(user):
        abort(403)
    account = _found(User, user_id)
    if account.deleted_at is not None:
        abort(404)
    return account


def load_token_for_admin(user: User, token_id: int) -> ApiToken:
    """API tokens are managed by admins only."""
    if not manages_accounts(user):
        abort(403)
    return _found(ApiToken, token_id)


def can_create_reset_link(user: User, account: User) -> bool:
    """Admins for every other account; consultants for the Kommune users who joined by their invitation."""
    if account.deleted_at is not None or account.id == user.id:
        return False
    if manages_accounts(user):
        return True
    return user.role == Role.BERATER and account.role == Role.KOMMUNE and account.invited_by_id == user.id


def load_account_for_reset(user: User, account_id: int) -> User:
    """The account whose password `user` may let be reset; others are not theirs (404)."""
    if not is_consultant(user):
        abort(403)
    account = db.session.get(User, account_id)
    if account is None or not can_create_reset_link(user, account):
        abort(404)
    return account


def load_invitation_to_revoke(user: User, invitation_id: int) -> Invitation:
    """Admins withdraw any invitation, consultants the ones they issued (others are not theirs: 404)."""
    if not is_consultant(user):
        abort(403)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not can_revoke(user, invitation):
        abort(404)
    return invitation


#: what templates may ask (the one context processor `policy`): predicates only, no loaders
POLICY = SimpleNamespace(
    is_consultant=is_consultant,
    is_kommune=is_kommune,
    is_analyst=is_analyst,
    reads_benchmark=reads_benchmark,
    reads_municipalities=reads_municipalities,
    manages_accounts=manages_accounts,
    can_see_municipality=can_see_municipality,
    may_see_ranks=may_see_ranks,
    may_choose_municipality=may_choose_municipality,
    can_edit=can_edit,
    can_edit_plan=can_edit_plan,
    can_validate=can_validate,
    can_invite=can_invite,
    can_revoke=can_revoke,
    can_create_reset_link=can_create_reset_link,
    can_see_note=can_see_note,
    can_ask=can_ask,
    can_reply=can_reply,
    can_edit_note=can_edit_note,
    can_resolve=can_resolve,
    can_share_note=can_share_note,
)


def install(app: Flask) -> None:
    """Templates decide what to show with the same predicates as the views: `policy.can_edit(current_user, a)`."""
    app.context_processor(lambda: {"policy": POLICY})
