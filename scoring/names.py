"""Search keys for names of municipalities and Kreise: spellings people type count as equal.

"Giessen" finds Gießen, "weissenborn" Weißenborn, "Muenster" Münster, "bad-homburg" and
"Bad Homburg v.d. Hoehe" find Bad Homburg v. d. Höhe. Both sides of a search go through
`search_key`: the stored name (a column of its own, so the database compares plain text
the same way on SQLite and PostgreSQL) and what was typed.

The rules, in this order:
- case does not count (Unicode case folding, which also turns ß and ẞ into ss);
- ä, ö, ü are written ae, oe, ue; a plain u does not match ü ("Munster" is not Münster,
  as a German reader would not write it so);
- other accents are dropped (é is e);
- everything but letters and digits is dropped: spaces, hyphens, dots, slashes, brackets,
  so "Neu-Isenburg", "Neu - Isenburg" and "Neuisenburg" are one name.
"""

from __future__ import annotations

import unicodedata

__all__ = ["search_key"]

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def search_key(text: str) -> str:
    """The spelling-insensitive form of a name: lower case ASCII letters and digits for German names."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    return "".join(ch for ch in unicodedata.normalize("NFKD", folded) if ch.isalnum())
