"""Failed logins counted per account, beside the per-address limit on the login routes.

The counts live in the rate-limit store (Flask-Limiter's storage: Redis with several
processes, memory otherwise) rather than in a table: they expire by themselves, every process
sees the same numbers, a failed login costs no database write, and nothing needs purging.
Two counters per account, so strangers cannot lock a careful user out:

- wrong passwords, keyed by a pseudonym of the typed address (existing or not, so the
  answer never tells whether an account exists). Over the limit, an account without a second
  factor waits; one with a second factor logs in as always, since the password alone is
  useless to an attacker.
- wrong codes at the second step, keyed by the account. Only someone who knows the password
  can make these; over the limit the code step waits, or codes could be guessed.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from digicheck.accounts.services import normalise_email
from digicheck.extensions import limiter

DEFAULT_LIMIT = "10 per 15 minutes"
log = logging.getLogger("digicheck.login_guard")


@functools.cache
def _fallback() -> FixedWindowRateLimiter:
    """Used only while the shared store is unreachable (as Flask-Limiter does for route limits)."""
    return FixedWindowRateLimiter(MemoryStorage())


def account_limit() -> RateLimitItem:
    return parse(str(current_app.config.get("ACCOUNT_LOGIN_LIMIT", DEFAULT_LIMIT)))


def _password_key(email: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def password_attempts_exhausted(email: str) -> bool:
    """True while the address has had too many wrong passwords in the window."""
    return not _test("login-account", _password_key(email))


def password_failed(email: str) -> None:
    _hit("login-account", _password_key(email))


def code_attempts_exhausted(user_id: int) -> bool:
    return not _test("login-code", str(user_id))


def code_failed(user_id: int) -> None:
    _hit("login-code", str(user_id))


def _test(*key: str) -> bool:
    try:
        return limiter.limiter.test(account_limit(), *key)
    except Exception as failed:
        log.warning("rate limit store unavailable for the account limit: %s", failed)
        return _fallback().test(account_limit(), *key)


def _hit(*key: str) -> None:
    try:
        limiter.limiter.hit(account_limit(), *key)
    except Exception as failed:
        log.warning("rate limit store unavailable for the account limit: %s", failed)
        _fallback().hit(account_limit(), *key)
