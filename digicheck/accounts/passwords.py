"""The password policy for every new password (invitation, change, reset).

Strength is estimated offline by zxcvbn (its dictionaries of common passwords, names and
words ship inside the package; nothing is sent anywhere). A password is refused when it is
shorter than 10 characters, contains the person's e-mail address or name, or scores below 3
of 4 ("safely unguessable": about 10^10 guesses). The reason is always German.
"""

from __future__ import annotations

import re

MIN_LENGTH = 10
MAX_LENGTH = 256
MIN_SCORE = 3
#: zxcvbn looks at this many characters; a longer password is at least as strong as its start
_ESTIMATE_LENGTH = 72
#: parts of a name or address this short are too common inside other words to refuse them
_MIN_PART = 4

#: zxcvbn's warnings (English) in German; an unknown one falls back to the general reason
WARNINGS = {
    "Straight rows of keys are easy to guess.": "Tastenreihen wie „qwertz“ sind leicht zu erraten.",
    "Short keyboard patterns are easy to guess.": "Kurze Tastaturmuster sind leicht zu erraten.",
    'Repeats like "aaa" are easy to guess.': "Wiederholungen wie „aaa“ sind leicht zu erraten.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "Wiederholungen wie „abcabcabc“ sind kaum schwerer zu erraten als „abc“.",
    "Sequences like abc or 6543 are easy to guess.": "Folgen wie „abc“ oder „6543“ sind leicht zu erraten.",
    "Recent years are easy to guess.": "Jahreszahlen sind leicht zu erraten.",
    "Dates are often easy to guess.": "Datumsangaben sind leicht zu erraten.",
    "This is a top-10 common password.": "Es gehört zu den häufigsten Passwörtern überhaupt.",
    "This is a top-100 common password.": "Es steht in einer Liste häufig verwendeter Passwörter.",
    "This is a very common password.": "Es steht in einer Liste häufig verwendeter Passwörter.",
    "This is similar to a commonly used password.": "Es ähnelt einem häufig verwendeten Passwort.",
    "A word by itself is easy to guess.": "Ein einzelnes Wort ist leicht zu erraten.",
    "Names and surnames by themselves are easy to guess.": "Ein Vor- oder Nachname allein ist leicht zu erraten.",
    "Common names and surnames are easy to guess.": "Häufige Vor- und Nachnamen sind leicht zu erraten.",
}
ADVICE = "Verlängern Sie es, z. B. um zwei oder drei weitere, ungewöhnliche Wörter."


def check_password(password: str, email: str, name: str) -> str | None:
    """Why `password` may not be used by the person with this e-mail address and name
    (one German sentence or two), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein."
    if len(password) > MAX_LENGTH:
        return f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein."
    lowered = password.casefold()
    local_part = email.strip().casefold().split("@")[0]
    if _contains(lowered, [local_part, *_parts(local_part)]):
        return "Das Passwort darf Ihre E-Mail-Adresse nicht enthalten."
    if _contains(lowered, _parts(name.casefold())):
        return "Das Passwort darf Ihren Namen nicht enthalten."
    # imported here: its dictionaries take 12 MiB, which a worker carries only once it has
    # checked a password (issue 18)
    from zxcvbn import zxcvbn

    result = zxcvbn(
        password[:_ESTIMATE_LENGTH], user_inputs=[email, local_part, *_parts(local_part), *_parts(name)], max_length=_ESTIMATE_LENGTH
    )
    if result["score"] >= MIN_SCORE:
        return None
    warning = WARNINGS.get(result["feedback"]["warning"])
    if warning is None and any(match.get("dictionary_name") == "passwords" for match in result["sequence"]):
        warning = "Es enthält ein häufig verwendetes Passwort."
    return f"Das Passwort ist zu leicht zu erraten. {warning or ''} {ADVICE}".replace("  ", " ")


def _parts(text: str) -> list[str]:
    """Words of a name or an address' local part (`anna.mueller-schmidt` → anna, mueller, schmidt)."""
    return [part for part in re.split(r"[\W_\d]+", text) if len(part) >= _MIN_PART]


def _contains(password: str, pieces: list[str]) -> bool:
    return any(len(piece) >= 3 and piece in password for piece in pieces)
