"""A second factor: TOTP (RFC 6238, pyotp) and ten one-time recovery codes.

Enrolment shows a QR code drawn locally as inline SVG (segno): the secret never leaves the
server except to the person's own browser. Recovery codes have 80 random bits each, so a
SHA-256 of them is safe to store; they are shown once. A TOTP code is accepted for the
current 30-second step and one step either side, and each step only once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from digicheck.extensions import db, rowcount
from digicheck.models import RecoveryCode, Role, SecondFactor, User
from digicheck.models._time import utcnow

ISSUER = "Digi-Check"
RECOVERY_CODES = 10
#: no 0/O, 1/I/L: codes are read off paper
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 16
PRIVILEGED = (Role.BERATER, Role.ADMIN)
_verifier = PasswordHasher()


class TwoFactorError(ValueError):
    """A German, user-facing reason why a second-factor operation was refused."""


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code (no image request, fits the CSP)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, title="QR-Code für die Authenticator-App", svgclass="qr-code")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR-Code für die Authenticator-App" ', 1))


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def factor_of(user: User) -> SecondFactor | None:
    return db.session.get(SecondFactor, user.id)


def is_enrolled(user: User) -> bool:
    return factor_of(user) is not None


def enrolled_user_ids() -> set[int]:
    return set(db.session.scalars(select(SecondFactor.user_id)))


def required_for(user: User, required: bool) -> bool:
    """Whether `user` must have a second factor (DIGICHECK_REQUIRE_2FA: consultants and admins)."""
    return required and user.role in PRIVILEGED


def password_matches(user: User, password: str) -> bool:
    try:
        return _verifier.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is (now, or one step either side), else None."""
    totp = pyotp.TOTP(secret)
    for offset in (0, -1, 1):
        moment = now + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _digits(code: str) -> str | None:
    plain = re.sub(r"\s", "", code)
    return plain if re.fullmatch(r"\d{6}", plain) else None


def enrol(user: User, secret: str, password: str, code: str) -> list[str]:
    """Confirm a new authenticator with the user's password and one of its codes; replaces any
    earlier one and its recovery codes. Returns the new recovery codes (shown once)."""
    if not password_matches(user, password):
        raise TwoFactorError("Das Passwort stimmt nicht.")
    digits = _digits(code)
    if digits is None or _step(secret, digits, utcnow()) is None:
        raise TwoFactorError("Der Code stimmt nicht. Geben Sie den sechsstelligen Code ein, den die App gerade anzeigt.")
    _remove(user)
    db.session.add(SecondFactor(user_id=user.id, secret=secret, enrolled_at=utcnow()))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(c)) for c in codes)
    db.session.flush()
    return codes


def disable(user: User, password: str, required: bool) -> None:
    if required_for(user, required):
        raise TwoFactorError(
            "Für Ihre Rolle ist der zweite Faktor vorgeschrieben. Sie können ein neues Gerät einrichten, ihn aber nicht abschalten."
        )
    if not password_matches(user, password):
        raise TwoFactorError("Das Passwort stimmt nicht.")
    _remove(user)
    db.session.flush()


def reset(user: User) -> None:
    """An admin removes a user's second factor (a lost phone): every session of the user ends,
    and the next login needs the password alone (then enrolment again, if it is required)."""
    _remove(user)
    user.session_epoch += 1
    db.session.flush()


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))


def verify(user: User, code: str) -> str | None:
    """Check a login code: 'totp' or 'recovery' for the kind that matched, None if none did.
    A TOTP step and a recovery code each work once, also under concurrent requests."""
    factor = factor_of(user)
    if factor is None:
        return None
    digits = _digits(code)
    if digits is not None:
        step = _step(factor.secret, digits, utcnow())
        if step is None:
            return None
        used = db.session.execute(
            update(SecondFactor)
            .where(
                SecondFactor.user_id == user.id,
                or_(SecondFactor.last_used_step.is_(None), SecondFactor.last_used_step < step),
            )
            .values(last_used_step=step)
        )
        return "totp" if rowcount(used) == 1 else None
    normalised = re.sub(r"[\s-]", "", code).upper()
    if len(normalised) != _RECOVERY_LENGTH:
        return None
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return "recovery" if rowcount(used) == 1 else None


def recovery_codes_left(user: User) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").upper().encode()).hexdigest()
