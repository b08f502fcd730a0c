"""Who calls the API and what they may do, decided here for every API resource.

A caller is an API token (analyst, consultant, provider: `Authorization: Bearer …`) or a
signed-in account using its session cookie. Analysts read the benchmark aggregates only;
consultants (and consultant or admin accounts) read everything and record validated levels;
the provider's system reads the register fields of the municipalities, and reads and sets the
consultation bookings. Kommune accounts get no API token (v1); their session may read their
own municipality's data and the benchmark, any other municipality is a 404 as on the pages.
Beyond a caller's rights: 403.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import abort, g, request
from flask_login import current_user

from digicheck.accounts import tokens
from digicheck.extensions import csrf, db
from digicheck.models import Assessment, Municipality, Role, TokenRole, User


class Audience(str, enum.Enum):
    ANALYST = "analyst"
    CONSULTANT = "consultant"
    PROVIDER = "provider"
    KOMMUNE = "kommune"


_TOKEN_AUDIENCE = {TokenRole.ANALYST: Audience.ANALYST, TokenRole.CONSULTANT: Audience.CONSULTANT, TokenRole.PROVIDER: Audience.PROVIDER}
_USER_AUDIENCE = {
    Role.KOMMUNE: Audience.KOMMUNE,
    Role.BERATER: Audience.CONSULTANT,
    Role.ADMIN: Audience.CONSULTANT,
    Role.ANALYST: Audience.ANALYST,
}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Caller:
    audience: Audience
    #: the token's or the account's name: who reported a booking
    name: str
    #: the rate limit counts per token, or per account for session callers
    rate_key: str
    token: tokens.TokenUse | None = None
    user: User | None = None

    @property
    def kommune(self) -> User | None:
        """The account of a Kommune session, which sees its own municipality only; None for every other caller."""
        return self.user if self.audience == Audience.KOMMUNE else None

    @property
    def municipality_id(self) -> int | None:
        """The one municipality a Kommune session may see; None: not limited to one."""
        return self.kommune.municipality_id if self.kommune is not None else None

    @property
    def own(self) -> Municipality | None:
        """That municipality, loaded (the benchmark starts with its Land)."""
        return self.kommune.municipality if self.kommune is not None else None


def authenticate() -> Caller:
    """The caller of this request, once per request; no or a bad token: 401."""
    if "api_caller" in g:
        return g.api_caller
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            abort(401, description="Bitte senden Sie das API-Token als „Authorization: Bearer TOKEN“.")
        token = tokens.authenticate(raw.strip())
        if token is None:
            abort(
                401,
                description="Das API-Token ist unbekannt, abgelaufen oder widerrufen, oder sein Beratungskonto ist gesperrt oder gelöscht.",
            )
        caller = Caller(_TOKEN_AUDIENCE[token.role], token.name, f"token:{token.id}", token=token)
    elif current_user.is_authenticated:
        user: User = current_user._get_current_object()
        caller = Caller(_USER_AUDIENCE[user.role], user.name, f"user:{user.id}", user=user)
    else:
        abort(401)
    g.api_caller = caller
    return caller


# --- what a caller may do -----------------------------------------------------------------


def reads_benchmark(caller: Caller) -> bool:
    return caller.audience in (Audience.ANALYST, Audience.CONSULTANT, Audience.KOMMUNE)


def reads_register(caller: Caller) -> bool:
    return caller.audience in (Audience.CONSULTANT, Audience.PROVIDER, Audience.KOMMUNE)


def reads_assessments(caller: Caller) -> bool:
    """Status, levels, profiles and answers: consultants, and a Kommune session for its own municipality."""
    return caller.audience in (Audience.CONSULTANT, Audience.KOMMUNE)


def validates(caller: Caller) -> bool:
    return caller.audience == Audience.CONSULTANT


def reads_bookings(caller: Caller) -> bool:
    return caller.audience in (Audience.CONSULTANT, Audience.PROVIDER)


def books(caller: Caller) -> bool:
    return caller.audience == Audience.PROVIDER


def require(allowed: bool) -> None:
    if not allowed:
        abort(403, description="Ihre Rolle darf diese Ressource nicht abrufen oder ändern.")


def require_route(caller: Caller, allowed: bool) -> None:
    """A route's role rule (403), then for a session caller's write the CSRF token (X-CSRFToken);
    a token caller's write needs none: a browser never sends the token by itself."""
    require(allowed)
    if caller.token is None and request.method not in SAFE_METHODS:
        csrf.protect()


def sees(caller: Caller, municipality_id: int) -> bool:
    return caller.municipality_id is None or caller.municipality_id == municipality_id


def load_municipality(caller: Caller, municipality_id: int) -> Municipality:
    """The municipality if visible to the caller (the route checked the role); else 404."""
    found = db.session.get(Municipality, municipality_id)
    if found is None or not sees(caller, found.id):
        abort(404)
    return found


def load_assessment(caller: Caller, assessment_id: int) -> Assessment:
    """The assessment if visible to the caller (the route checked the role); else 404."""
    found = db.session.get(Assessment, assessment_id)
    if found is None or not sees(caller, found.municipality_id):
        abort(404)
    return found


def recording_consultant(caller: Caller) -> User:
    """The account a validated level is recorded under: the consultant's own, or the consultant
    account the token is bound to (authentication refused the token if that account is not active)."""
    if caller.token is None:
        user = caller.user
    else:
        user = db.session.get(User, caller.token.user_id) if caller.token.user_id is not None else None
    if user is None or user.role not in (Role.BERATER, Role.ADMIN) or not user.active:
        abort(403, description="Dieses Token ist keinem aktiven Beratungskonto zugeordnet; validierte Stufen brauchen eines.")
    return user
