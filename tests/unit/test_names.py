"""Search keys for names: the spellings people type for German place names count as equal."""

from __future__ import annotations

import pytest

from scoring.names import search_key


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Giessen", "Gießen"),
        ("GIESSEN", "Gießen"),
        ("gießen", "GIESSEN"),
        ("weissenborn", "Weißenborn"),
        ("Weißenborn", "WEISSENBORN"),
        ("Muenster", "Münster"),
        ("Mörfelden-Walldorf", "Moerfelden-Walldorf"),
        ("Baunatal", "baunatal"),
        ("Bad Homburg vor der Hoehe", "Bad Homburg vor der Höhe"),
        ("bad-homburg v.d.höhe", "Bad Homburg v. d. Höhe"),
        ("Neu Isenburg", "Neu-Isenburg"),
        ("Neu - Isenburg", "Neu-Isenburg"),
        ("neuisenburg", "Neu-Isenburg"),
        ("Lahn–Dill–Kreis", "Lahn-Dill-Kreis"),  # en dashes, as word processors write them
        ("Limburg a.d. Lahn", "Limburg a. d. Lahn"),
        ("Frankfurt (Oder)", "Frankfurt Oder"),
        ("ÄÖÜẞ", "aeoeuess"),
        ("Mu\u0308nster", "Münster"),  # a decomposed ü, as some keyboards and macOS send it
        ("Café", "Cafe"),
        ("  Erbach ", "Erbach"),
    ],
)
def test_spellings_that_mean_the_same_name_have_the_same_key(typed: str, name: str) -> None:
    assert search_key(typed) == search_key(name)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Munster", "Münster"),  # a plain u is not ü (decided: only ue is)
        ("Giesen", "Gießen"),
        ("Weisenborn", "Weißenborn"),
        ("Erbach", "Eberbach"),
    ],
)
def test_other_spellings_stay_different(typed: str, name: str) -> None:
    assert search_key(typed) != search_key(name)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("bad-homburg", "Bad Homburg v. d. Höhe"),
        ("Giessen", "Landkreis Gießen"),
        ("hoehe", "Bad Homburg v. d. Höhe"),
        ("isenb", "Neu-Isenburg"),
    ],
)
def test_a_part_of_a_name_is_a_part_of_its_key(typed: str, name: str) -> None:
    assert search_key(typed) in search_key(name)


@pytest.mark.parametrize(
    ("text", "key"), [("Gießen", "giessen"), ("Bad Homburg v. d. Höhe", "badhomburgvdhoehe"), ("Testdorf 03", "testdorf03"), ("%_-", "")]
)
def test_the_key_is_lower_case_letters_and_digits(text: str, key: str) -> None:
    assert search_key(text) == key
    assert search_key(key) == key
