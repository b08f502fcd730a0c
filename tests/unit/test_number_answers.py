"""Number answers: what the page promises ("nur Ziffern") is what is accepted."""

from __future__ import annotations

import pytest

from scoring import Library
from scoring.answers import AnswerError, check_answer

Q = Library.load().latest
NUMBER = next(item for item in Q.items if item.type == "number")


@pytest.mark.parametrize(
    "typed,stored",
    [(str(NUMBER.min), NUMBER.min), (f" {NUMBER.min} ", NUMBER.min), (NUMBER.min, NUMBER.min), (float(NUMBER.min), NUMBER.min)],
)
def test_plain_digits_are_numbers(typed, stored) -> None:
    assert check_answer(NUMBER, typed) == stored


@pytest.mark.parametrize("typed", ["1_0", "\u0663", "１", "1e1", "0x1", "1.5", "", "zwei"])
def test_other_notations_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError, match="ganze Zahl"):
        check_answer(NUMBER, typed)
