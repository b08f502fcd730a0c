"""Each item kind parses, checks, scores, labels and names the next better answer."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import Library
from scoring.answers import AnswerError, answer_label, check_answer, item_score
from scoring.item_kinds import KINDS, NOT_SENT, MultiChoice, Number, SingleChoice, Step, YesNo
from scoring.model import DONT_KNOW, NOT_APPLICABLE, Item

Q = Library.load().latest
SINGLE = Q.item("strategie.digitalstrategie")
YESNO = Q.item("strategie.leitlinien")
MULTI = Q.item("strategie.strategie_inhalte")
#: a number item without "Trifft nicht zu" (2026.2 asks Digilotsen as a share of Fachbereiche)
NUMBER = Library.load().get("2026.1").item("organisation.digilotsen")
NUMBER_NA = Q.item("kooperation.ikz_partner")


def _posted(**fields: list[str]) -> Any:
    return lambda name: fields.get(name.replace("-", "_"), [])


def test_the_registry_maps_every_yaml_type_to_its_kind() -> None:
    assert {t: type(k) for t, k in KINDS.items()} == {"single": SingleChoice, "yesno": YesNo, "multi": MultiChoice, "number": Number}
    assert {item.type for item in Q.items} == set(KINDS)
    for item in Q.items:
        assert item.kind is KINDS[item.type] and item.kind.type == item.type


# --- single choice and yes/no


@pytest.mark.parametrize("item", [SINGLE, YESNO], ids=["single", "yesno"])
def test_choice_checks_scores_and_labels(item: Item) -> None:
    best = item.ranked_options[-1]
    assert check_answer(item, best.id) == best.id
    assert item_score(item, best.id) == 100.0
    assert answer_label(item, best.id) == best.label
    with pytest.raises(AnswerError, match="unbekannte Option 'gibtsnicht'"):
        check_answer(item, "gibtsnicht")
    with pytest.raises(AnswerError, match="erwartet eine Option, nicht 3"):
        check_answer(item, 3)


def test_single_next_better_is_the_next_higher_option() -> None:
    assert SINGLE.kind.next_better(SINGLE, "begonnen", 25.0) == Step("grobkonzept", SINGLE.option("grobkonzept").label, 45.0)  # type: ignore[union-attr]
    assert SINGLE.kind.next_better(SINGLE, "beschlossen", 100.0) is None
    assert SINGLE.kind.reaching(SINGLE, 45.0) == Step("grobkonzept", SINGLE.option("grobkonzept").label, 45.0)  # type: ignore[union-attr]
    assert YESNO.kind.next_better(YESNO, "nein", 0.0) == Step("ja", YESNO.option("ja").label, 100.0)  # type: ignore[union-attr]


def test_choice_form_reads_the_first_value_and_offers_the_reserved_answers_last() -> None:
    assert SINGLE.kind.from_form(SINGLE, "x", _posted(x=["begonnen", "keine"])) == "begonnen"
    assert SINGLE.kind.from_form(SINGLE, "x", _posted()) is NOT_SENT  # a group left out changes nothing
    assert SINGLE.kind.from_form(SINGLE, "x", _posted(x=[""])) is None  # "Keine Angabe" clears
    assert SINGLE.kind.field_names("x") == ("x",)
    assert SINGLE.kind.choices(SINGLE)[-1] == (DONT_KNOW, "Weiß nicht")
    assert SINGLE.kind.form_values("x", "begonnen") == {"x": ("begonnen",)}


# --- multiple choice


def test_multi_checks_in_option_order_and_refuses_an_exclusive_with_others() -> None:
    assert check_answer(MULTI, ["zeitplan", "ziele", "ziele"]) == ("ziele", "zeitplan")
    assert check_answer(MULTI, "ziele") == ("ziele",)
    with pytest.raises(AnswerError, match="lässt sich nicht mit anderen Optionen kombinieren"):
        check_answer(MULTI, ["keines", "ziele"])
    with pytest.raises(AnswerError, match="keine Option gewählt"):
        check_answer(MULTI, [])
    with pytest.raises(AnswerError, match="erwartet eine Liste von Optionen"):
        check_answer(MULTI, [1])
    with pytest.raises(AnswerError, match="unbekannte Option 'nix'"):
        check_answer(MULTI, ["nix"])


def test_multi_scores_the_sum_capped_and_labels_the_list() -> None:
    assert item_score(MULTI, ("ziele", "zeitplan")) == 40.0
    assert item_score(MULTI, tuple(o.id for o in MULTI.options if not o.exclusive)) == 100.0
    labels = [MULTI.option(o).label for o in ("ziele", "zeitplan")]  # type: ignore[union-attr]
    assert answer_label(MULTI, ("ziele", "zeitplan")) == ", ".join(labels)


def test_multi_next_better_adds_an_option_and_remembers_it() -> None:
    step = MULTI.kind.next_better(MULTI, ("ziele",), 20.0)
    assert step is not None and step.answer != "ziele" and step.score == 40.0
    assert step.label.startswith("zusätzlich „")
    assert MULTI.kind.after(("ziele",), step) == ("ziele", step.answer)
    assert MULTI.kind.next_better(MULTI, None, 100.0) is None


def test_multi_form_keeps_every_ticked_box_and_refuses_a_reserved_answer_with_others() -> None:
    assert MULTI.kind.from_form(MULTI, "x", _posted(x=["ziele", "", "zeitplan"])) == ["ziele", "zeitplan"]
    assert MULTI.kind.from_form(MULTI, "x", _posted(x=[DONT_KNOW])) == DONT_KNOW
    error = MULTI.kind.from_form(MULTI, "x", _posted(x=[DONT_KNOW, "ziele"]))
    assert isinstance(error, AnswerError) and error.message == "„Weiß nicht“ lässt sich nicht mit anderen Antworten kombinieren."
    assert MULTI.kind.from_form(MULTI, "x", _posted()) is None  # every box unticked clears
    assert MULTI.kind.form_values("x", ("ziele", "zeitplan")) == {"x": ("ziele", "zeitplan")}


# --- number


def test_number_parses_whole_numbers_only_within_its_range() -> None:
    assert check_answer(NUMBER, " 12 ") == 12
    assert check_answer(NUMBER, 3.0) == 3
    for bad in ("1_0", "٣", "1.5", 1.5, True, [1]):
        with pytest.raises(AnswerError, match="erwartet eine ganze Zahl"):
            check_answer(NUMBER, bad)
    with pytest.raises(AnswerError, match="die Zahl muss zwischen 0 und 500 liegen"):
        check_answer(NUMBER, 501)


def test_number_scores_by_band_and_labels_with_its_unit() -> None:
    assert [item_score(NUMBER, n) for n in (0, 2, 3, 5, 6, 500)] == [0.0, 40.0, 70.0, 70.0, 100.0, 100.0]
    assert answer_label(NUMBER, 4) == "4 Personen"


def test_number_next_better_is_the_next_band() -> None:
    assert NUMBER.kind.next_better(NUMBER, 2, 40.0) == Step("3", "3 Personen", 70.0)
    assert NUMBER.kind.next_better(NUMBER, 9, 100.0) is None
    assert NUMBER.kind.reaching(NUMBER, 50.0) == Step("3", "3 Personen", 70.0)
    assert NUMBER.kind.after(2, Step("3", "3 Personen", 70.0)) == 2


def test_number_form_has_a_text_field_and_the_reserved_answers_beside_it() -> None:
    assert NUMBER.kind.field_names("x") == ("x", "x-special")
    assert NUMBER.kind.choices(NUMBER) == [(DONT_KNOW, "Weiß nicht")]
    assert NUMBER.kind.from_form(NUMBER, "x", _posted(x=[" 7 "])) == "7"
    assert NUMBER.kind.from_form(NUMBER, "x", _posted(x_special=[DONT_KNOW])) == DONT_KNOW
    assert NUMBER.kind.from_form(NUMBER, "x", _posted(x=[""])) is None
    error = NUMBER.kind.from_form(NUMBER, "x", _posted(x=["7"], x_special=[DONT_KNOW]))
    assert isinstance(error, AnswerError) and "nicht beides" in error.message
    assert NUMBER.kind.from_form(NUMBER, "x", _posted(x=[""], x_special=[""])) is None  # "Keine davon", empty field
    assert NUMBER.kind.form_values("x", 7) == {"x": ("7",)}
    assert NUMBER.kind.form_values("x", DONT_KNOW) == {"x-special": (DONT_KNOW,)}


# --- the reserved answers, the same for every kind


@pytest.mark.parametrize("item", [SINGLE, YESNO, MULTI, NUMBER], ids=["single", "yesno", "multi", "number"])
def test_every_kind_understands_the_reserved_answers(item: Item) -> None:
    assert check_answer(item, DONT_KNOW) == DONT_KNOW
    assert item_score(item, DONT_KNOW) is None
    assert answer_label(item, DONT_KNOW) == "Weiß nicht"
    assert answer_label(item, None) == "nicht beantwortet"
    with pytest.raises(AnswerError, match="„Trifft nicht zu“ ist bei dieser Frage nicht vorgesehen"):
        check_answer(item, NOT_APPLICABLE)


def test_not_applicable_where_offered() -> None:
    assert check_answer(NUMBER_NA, NOT_APPLICABLE) == NOT_APPLICABLE
    assert NUMBER_NA.kind.choices(NUMBER_NA) == [(DONT_KNOW, "Weiß nicht"), (NOT_APPLICABLE, "Trifft nicht zu")]


# --- a new answer beside a stale one: what changed since the page was loaded wins


def test_number_typed_over_a_stale_reserved_answer_wins_and_the_other_way_round() -> None:
    typed_over_dont_know = _posted(x=["4"], x_special=[DONT_KNOW])
    assert NUMBER.kind.from_form(NUMBER, "x", typed_over_dont_know, DONT_KNOW) == "4"
    assert NUMBER.kind.from_form(NUMBER, "x", typed_over_dont_know, 4) == DONT_KNOW  # "Weiß nicht" chosen over a stale 4
    both_new = NUMBER.kind.from_form(NUMBER, "x", typed_over_dont_know, None)
    assert isinstance(both_new, AnswerError) and "nicht beides" in both_new.message
    assert NUMBER_NA.kind.from_form(NUMBER_NA, "x", _posted(x=["2"], x_special=[NOT_APPLICABLE]), NOT_APPLICABLE) == "2"


def test_multi_box_ticked_beside_a_stale_one_that_stands_alone_wins() -> None:
    assert MULTI.kind.from_form(MULTI, "x", _posted(x=["ziele", DONT_KNOW]), DONT_KNOW) == ["ziele"]
    assert MULTI.kind.from_form(MULTI, "x", _posted(x=["ziele", DONT_KNOW]), ("ziele",)) == DONT_KNOW
    assert MULTI.kind.from_form(MULTI, "x", _posted(x=["ziele", "keines"]), ("ziele",)) == ["keines"]
    assert MULTI.kind.from_form(MULTI, "x", _posted(x=["ziele", "zeitplan", "keines"]), ("keines",)) == ["ziele", "zeitplan"]
    error = MULTI.kind.from_form(MULTI, "x", _posted(x=["ziele", "keines"]), None)
    assert isinstance(error, AnswerError) and "lässt sich nicht mit anderen Antworten kombinieren" in error.message
