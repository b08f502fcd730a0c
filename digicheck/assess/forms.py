"""The Kommune's forms: the questionnaire's area pages (parsing and checking a POSTed page, and
the page's questions as HTML) and the Ziel-Reifegrad form (`targets_form`).

Field names are item ids with "." replaced by "-". Each item also carries two hidden fields:
`v-<name>`, the answer version the page was loaded with (optimistic locking), and `o-<name>`,
the answer itself as JSON. A save changes only the items whose posted answer differs from
`o-<name>`, so an item the user did not touch never overwrites a colleague's newer answer;
a changed item whose version moved on is a conflict, shown with both answers and a choice
`k-<name>` ("mine"/"theirs"). The loaded answer travels with the page (and with a draft kept
in the browser) because the database keeps no value per version (carried-over answers have
no history). Without `o-<name>` (another client) every posted item counts as changed.
Validation goes through `scoring.answers.check_answer`, so the web and the CLI accept and
refuse exactly the same answers, in the same words. One invalid item does not stop the
others: `parse_area` checks each on its own.

Area pages use no WTForms form, unlike the fixed forms: every check here is the domain's,
so WTForms would only bind and process ~20 fields per request, a fifth of the cost of a
save. The POST is read from `request.form` by `parse_area`; the CSRF token is checked
before the view by the application-wide CSRFProtect, unknown field names are refused
(`unknown_fields`), and field errors reach the page's error summary as `FieldError`s.

Each item's kind (`scoring.item_kinds`) reads its fields from the POST and names the
values a page shows; the template `assess/_area_items.html` renders the questions, one
macro per kind (`assess/_items.html`). The questions are not rendered through WTForms
widgets (slow for the ~70 inputs of a page): the template is rendered once per
questionnaire version and area into a skeleton, whose dynamic spots (versions, checked
states, typed numbers, field errors) are filled per request from an `AreaValues`. While
templates reload (development) it is rendered in full; tests/app/test_area_skeleton.py
checks that both give the same HTML for every area, empty, filled and with errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from digicheck import timefmt
from digicheck.assess.services import Conflict
from digicheck.forms import choices as select_choices
from scoring.answers import AnswerError, AnswerValue, check_answer
from scoring.conditions import hidden_items, hiding_answers
from scoring.item_kinds import NOT_SENT, SPECIAL_FIELD_SUFFIX, FormValues
from scoring.model import Area, Item, Questionnaire

NUMBER_SPECIAL = SPECIAL_FIELD_SUFFIX
VERSION_PREFIX = "v-"
LOADED_PREFIX = "o-"
CHOICE_PREFIX = "k-"
KEEP_MINE, TAKE_THEIRS = "mine", "theirs"
#: the item the user was at (set by answers.js), for the page to come back there after a save
FOCUS_KEY = "anker"
#: posted besides the fields of the items
FORM_KEYS = frozenset({"csrf_token", "action", FOCUS_KEY})

T = TypeVar("T")
_PER_AREA: dict[tuple[str, int, str], tuple[Questionnaire, Any]] = {}


def _per_area(kind: str, q: Questionnaire, area: Area, build: Callable[[], T]) -> T:
    """Built once per questionnaire version and area (q is kept with it, so its id is not reused)."""
    key = (kind, id(q), area.id)
    if key not in _PER_AREA:
        _PER_AREA[key] = (q, build())
    return _PER_AREA[key][1]


def field_name(item_id: str) -> str:
    return item_id.replace(".", "-")


def unknown_fields(q: Questionnaire, area: Area, posted: Iterable[str]) -> list[str]:
    """Posted field names that are not fields of this area page (forged or from another area)."""
    allowed = _per_area(
        "fields",
        q,
        area,
        lambda: (
            FORM_KEYS
            | frozenset(
                name
                for item in area.items
                for prefix in ("", VERSION_PREFIX, LOADED_PREFIX, CHOICE_PREFIX)
                for name in ((prefix + field_name(item.id),) if prefix else item.kind.field_names(field_name(item.id)))
            )
        ),
    )
    return [key for key in posted if key not in allowed]


@dataclass
class PostedArea:
    """A POSTed area page, checked item by item.

    `answers`: the checked answers of the items the user changed (None clears one);
    `versions`: the versions the page was loaded with; `errors`: German messages by field
    name; `undecided`: conflicts shown before on which the user has not chosen an answer yet.
    """

    answers: dict[str, AnswerValue | None] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    undecided: dict[str, AnswerValue | None] = field(default_factory=dict)

    def anchor(self, area: Area, focused: str | None) -> str:
        """Where the page should come back to: the item the user was at, else the first one changed."""
        names = [field_name(item.id) for item in area.items]
        if focused and focused.removesuffix("-fieldset") in names:
            return focused
        touched = {field_name(i) for i in (*self.answers, *self.undecided)} | set(self.errors)
        return next((f"{name}-fieldset" for name in names if name in touched), "")


class _Unknown:
    """The page did not say what it was loaded with: every posted answer counts as changed."""


_NO_BASELINE = _Unknown()
#: the longest `o-<name>` value a page writes is a multi-choice list of option ids, well below this
MAX_LOADED_TEXT = 4096


def _loaded(item: Item, text: str | None) -> AnswerValue | _Unknown | None:
    """The answer a page was loaded with, from its `o-<name>` field."""
    if text is None:
        return _NO_BASELINE
    if not text:
        return None
    if len(text) > MAX_LOADED_TEXT:  # no answer is that long: forged
        return _NO_BASELINE
    try:
        return check_answer(item, json.loads(text))
    except (ValueError, AnswerError, RecursionError):  # forged (e.g. deeply nested) or from an older page: compare with nothing
        return _NO_BASELINE


def loaded_text(value: AnswerValue | None) -> str:
    """An answer as its `o-<name>` field carries it."""
    return "" if value is None else json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def parse_area(posted: MultiDict[str, str], area: Area) -> PostedArea:
    """The changed answers, seen versions and field errors of a POSTed area page."""
    result = PostedArea()
    for item in area.items:
        name = field_name(item.id)
        if VERSION_PREFIX + name not in posted:
            continue  # the item was not on the submitted page: leave it alone
        try:
            result.versions[item.id] = max(0, int(posted.get(VERSION_PREFIX + name) or 0))
        except ValueError:
            result.versions[item.id] = -1  # a forged version never matches: reported as a conflict
        loaded = _loaded(item, posted.get(LOADED_PREFIX + name))
        value = item.kind.from_form(item, name, posted.getlist, None if isinstance(loaded, _Unknown) else loaded)
        if value is NOT_SENT:
            continue
        if isinstance(value, AnswerError):
            result.errors[name] = value.message
            continue
        if isinstance(value, str) and len(value) > 200:
            result.errors[name] = "Die Eingabe ist zu lang."
            continue
        try:
            answer = None if value is None else check_answer(item, value)
        except AnswerError as exc:
            result.errors[name] = _friendly(exc.message)
            continue
        if answer == loaded:
            continue  # untouched: a colleague's newer answer stays
        choice = [v for v in posted.getlist(CHOICE_PREFIX + name) if v]
        if CHOICE_PREFIX + name in posted and not choice:
            result.undecided[item.id] = answer
        elif TAKE_THEIRS not in choice:
            result.answers[item.id] = answer
    return result


def _friendly(message: str) -> str:
    if message.startswith("erwartet eine ganze Zahl"):
        return "Bitte eine ganze Zahl eintragen (nur Ziffern)."
    if message.startswith("unbekannte Option"):
        return "Diese Antwort gibt es bei dieser Frage nicht. Bitte wählen Sie eine der angebotenen Antworten."
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


@dataclass(frozen=True)
class FieldError:
    """A field's error in the shape the shared `error_summary` macro reads from a WTForms field
    (`id`, `label.text`, `errors`): the summary links to the field's first input."""

    id: str
    text: str
    errors: tuple[str, ...]

    @property
    def label(self) -> FieldError:
        return self


_CHECKED, _NOTHING = Markup(" checked"), Markup("")
_HAS_ERROR, _INVALID = Markup(" has-error"), Markup(' aria-invalid="true"')
_ERROR_ID = Markup(" {}-error")
_HIDDEN = Markup(" hidden")
_ERROR_MESSAGE = Markup('<p class="field-error" id="{}-error"><span class="visually-hidden">Fehler:</span> {}</p>')


_CONFLICT = Markup(
    '<fieldset class="conflict-choice" id="{choice}">'
    "<legend>Inzwischen hat {by} ({at}) hier eine andere Antwort gespeichert. Welche soll gelten?</legend>"
    '<input name="{choice}" type="hidden" value="">'
    '<div class="choice"><input id="{choice}-mine" name="{choice}" type="radio" value="{keep}"> '
    '<label for="{choice}-mine">Meine Eingabe: „{mine}“</label></div>'
    '<div class="choice"><input id="{choice}-theirs" name="{choice}" type="radio" value="{take}"> '
    '<label for="{choice}-theirs">Antwort von {by}: „{theirs}“</label></div>'
    "</fieldset>"
)


@dataclass
class AreaValues:
    """The dynamic parts of an area page: answer versions, loaded answers, field values, errors,
    conflicts, by field name.

    `fields` holds what a browser would send: the chosen options of a radio group or of
    checkboxes, the typed text of a number (its reserved answers under `<name>-special`).
    `baselines` holds each item's loaded answer as `o-<name>` carries it.
    """

    versions: dict[str, str]
    baselines: dict[str, str] = field(default_factory=dict)
    fields: FormValues = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    #: field names of the items not asked (their `applies_if` is not met): see `skipped_fields`
    hidden: frozenset[str] = frozenset()
    conflicts: dict[str, Conflict] = field(default_factory=dict)

    @classmethod
    def stored(cls, area: Area, answers: dict[str, Any], versions: dict[str, int]) -> AreaValues:
        """What is saved, for a freshly loaded page."""
        values = cls({field_name(item.id): str(versions.get(item.id, 0)) for item in area.items})
        for item in area.items:
            name, value = field_name(item.id), answers.get(item.id)
            values.baselines[name] = loaded_text(value)
            if value is not None:
                values.fields.update(item.kind.form_values(name, value))
        return values

    @classmethod
    def after_save(
        cls,
        area: Area,
        stored: dict[str, Any],
        versions: dict[str, int],
        posted: MultiDict[str, str],
        errors: dict[str, str],
        conflicts: list[Conflict],
    ) -> AreaValues:
        """A page that comes back after a partial save: what is stored now, except the items in
        error (as typed, still against the answer they were loaded with) and in conflict (as
        typed, now against the colleague's answer, with the choice between both)."""
        values = cls.stored(area, stored, versions)
        values.errors = errors
        values.conflicts = {field_name(c.item_id): c for c in conflicts}
        for item in area.items:
            name = field_name(item.id)
            if name not in errors and name not in values.conflicts:
                continue
            for posted_field in item.kind.field_names(name):
                values.fields.pop(posted_field, None)
            values.fields.update(item.kind.posted_values(name, posted.getlist))
            if name in errors and name not in values.conflicts and LOADED_PREFIX + name in posted:
                values.versions[name] = posted.get(VERSION_PREFIX + name, "0")
                values.baselines[name] = posted.get(LOADED_PREFIX + name, "")
        return values

    def summary(self, area: Area) -> list[FieldError]:
        """The field errors in page order, for the error summary at the top."""
        return [
            FieldError(field_name(item.id), item.text, (self.errors[field_name(item.id)],))
            for item in area.items
            if field_name(item.id) in self.errors
        ]

    # the fillers of the dynamic spots return escaped markup, so the skeleton joins them as they are

    def version(self, name: str) -> Markup:
        return escape(self.versions[name])

    def baseline(self, name: str) -> Markup:
        return escape(self.baselines.get(name, ""))

    def checked(self, name: str, value: str) -> Markup:
        return _CHECKED if value in self.fields.get(name, ()) else _NOTHING

    def checked_if_empty(self, name: str) -> Markup:
        """The "no answer" choice of a radio group: chosen while none of the others is."""
        return _NOTHING if self.fields.get(name) else _CHECKED

    def text(self, name: str) -> Markup:
        return escape(next(iter(self.fields.get(name, ())), ""))

    def error_class(self, name: str) -> Markup:
        return _HAS_ERROR if name in self.errors or name in self.conflicts else _NOTHING

    def error_id(self, name: str) -> Markup:
        """Added to the fieldset's aria-describedby when the field has an error."""
        return _ERROR_ID.format(name) if name in self.errors else _NOTHING

    def error_message(self, name: str) -> Markup:
        return _ERROR_MESSAGE.format(name, self.errors[name]) if name in self.errors else _NOTHING

    def invalid(self, name: str) -> Markup:
        return _INVALID if name in self.errors else _NOTHING

    def skipped(self, name: str) -> Markup:
        """On the question of an item that is not asked: hidden, with or without JavaScript."""
        return _HIDDEN if name in self.hidden else _NOTHING

    def asked(self, name: str) -> Markup:
        """On the note that says an item is not asked: hidden while it is asked."""
        return _NOTHING if name in self.hidden else _HIDDEN

    def conflict(self, name: str) -> Markup:
        """Both answers of an item the user and a colleague changed, to choose one."""
        c = self.conflicts.get(name)
        if c is None:
            return _NOTHING
        return _CONFLICT.format(
            choice=CHOICE_PREFIX + name,
            by=c.by,
            at=timefmt.local_datetime(c.at) + " Uhr" if c.at else "vorhin",
            mine=c.my_value,
            theirs=c.their_value,
            keep=KEEP_MINE,
            take=TAKE_THEIRS,
        )


ITEMS_TEMPLATE = "assess/_area_items.html"

#: a dynamic spot of the skeleton: the AreaValues method that fills it, and its arguments
_Slot = tuple[Callable[..., Markup], tuple[str, ...]]


class _SlotRecorder:
    """Stands in for AreaValues while the skeleton is rendered: every dynamic spot becomes a marker."""

    MARK = "\x00"

    def __init__(self) -> None:
        self.slots: list[_Slot] = []

    def __getattr__(self, method: str) -> Callable[..., Markup]:
        filler = getattr(AreaValues, method)

        def mark(*args: str) -> Markup:
            self.slots.append((filler, args))
            return Markup(self.MARK)

        return mark


@dataclass(frozen=True)
class _Skeleton:
    """The questions of an area as static HTML: `texts[i]`, then slot i filled, then `texts[i + 1]` ..."""

    texts: tuple[str, ...]
    slots: tuple[_Slot, ...]

    def fill(self, values: AreaValues) -> Markup:
        out = [self.texts[0]]
        for (method, args), text in zip(self.slots, self.texts[1:], strict=True):
            out += (method(values, *args), text)  # each filler returns escaped markup
        return Markup("".join(out))


def render_items(q: Questionnaire, area: Area, page: AreaValues | _SlotRecorder) -> str:
    """The questions of an area rendered in full by the template."""
    return current_app.jinja_env.get_template(ITEMS_TEMPLATE).render(
        q=q,
        area=area,
        page=page,
        field_name=field_name,
        version_prefix=VERSION_PREFIX,
        client_conditions=client_conditions,
        skip_note=skip_note,
        loaded_prefix=LOADED_PREFIX,
    )


def skeleton_items(q: Questionnaire, area: Area, values: AreaValues) -> Markup:
    """The questions of an area filled into its skeleton (built on first use)."""
    return _per_area("skeleton", q, area, lambda: _skeleton(q, area)).fill(values)


def _skeleton(q: Questionnaire, area: Area) -> _Skeleton:
    recorder = _SlotRecorder()
    texts = render_items(q, area, recorder).split(_SlotRecorder.MARK)
    assert len(texts) == len(recorder.slots) + 1, "questionnaire texts must not contain NUL characters"
    return _Skeleton(tuple(texts), tuple(recorder.slots))


def area_items(q: Questionnaire, area: Area, values: AreaValues) -> Markup:
    """The questions of an area page with these values: through the skeleton, or in full while
    templates reload (development), so a changed template shows at once."""
    if current_app.jinja_env.auto_reload:
        return Markup(render_items(q, area, values))
    return skeleton_items(q, area, values)


# --- skip logic: items whose `applies_if` is not met are not asked (scoring.conditions) ---------
#
# The server decides: a page shows such items hidden, with a note in their place, and answers
# posted for them are not stored (an answer stored earlier stays, unused, until the item applies
# again). static/js/skip.js only anticipates this while the user answers, from each question's
# `data-applies-if`: the answers that hide it, worked out by the domain's evaluator.


def page_answers(stored: Mapping[str, AnswerValue], answers: Mapping[str, AnswerValue | None]) -> dict[str, AnswerValue]:
    """The answers once a page's `answers` are saved over the `stored` ones (None clears)."""
    merged = {**stored, **answers}
    return {item_id: value for item_id, value in merged.items() if value is not None}


def skipped_fields(q: Questionnaire, area: Area, answers: Mapping[str, AnswerValue | None]) -> frozenset[str]:
    """Field names of the area's items that these answers leave unasked."""
    hidden = hidden_items(q, answers)
    return frozenset(field_name(item.id) for item in area.items if item.id in hidden)


def without_skipped(
    area: Area, skipped: frozenset[str], answers: dict[str, AnswerValue | None], errors: dict[str, str]
) -> tuple[dict[str, AnswerValue | None], dict[str, str]]:
    """A page's answers and field errors less those of the items it does not ask: not stored, not reported."""
    dropped = {item.id for item in area.items if field_name(item.id) in skipped}
    return (
        {item_id: value for item_id, value in answers.items() if item_id not in dropped},
        {name: message for name, message in errors.items() if name not in skipped},
    )


def client_conditions(q: Questionnaire, item: Item) -> list[dict[str, Any]]:
    """An item's `applies_if` for skip.js: per condition, the answers to the item it names that hide
    this one, as the values a browser posts (sorted), and for a number the hiding ranges."""
    conditions = []
    for check in item.applies_if:
        source = q.item(check.item)
        assert source is not None  # the loader checks every condition's item
        name = field_name(source.id)
        hiding = hiding_answers(source, check)
        posted = [sorted(v for values in source.kind.form_values(name, answer).values() for v in values) for answer in hiding.answers]
        conditions.append({"item": name, "fields": list(source.kind.field_names(name)), "hide": posted, "numbers": hiding.numbers})
    return conditions


def skip_note(area: Area, item: Item) -> str:
    """What a page says in place of an item it does not ask."""
    numbers = [str(index) for index, other in enumerate(area.items, 1) if any(c.item == other.id for c in item.applies_if)]
    which = f"Frage {numbers[0]}" if len(numbers) == 1 else f"die Fragen {', '.join(numbers[:-1])} und {numbers[-1]}"
    return f"Entfällt nach Ihrer Antwort auf {which} und zählt als „Trifft nicht zu“."


class TargetsForm(FlaskForm):
    """The Ziel-Reifegrad form: one select per area (`target-<area_id>`, choices '' and 1-5),
    added at runtime from the questionnaire by `targets_form`."""


TARGET_CHOICES = [("", "kein Ziel gesetzt")] + [(str(n), f"Stufe {n}") for n in range(1, 6)]
_TARGET_CLASSES: dict[int, type[TargetsForm]] = {}


def targets_form(q: Questionnaire, current: dict[str, int]) -> TargetsForm:
    form_class = _TARGET_CLASSES.get(id(q))
    if form_class is None:
        attrs = {f"target-{a.id}": SelectField(f"Ziel für {a.name}", choices=select_choices(TARGET_CHOICES)) for a in q.areas}
        form_class = _TARGET_CLASSES[id(q)] = type("AreaTargetsForm", (TargetsForm,), attrs)
    form = form_class(data={f"target-{area_id}": str(level) for area_id, level in current.items()})
    return form


def targets_from_form(q: Questionnaire, form: TargetsForm) -> dict[str, int | None]:
    return {a.id: int(form[f"target-{a.id}"].data) if form[f"target-{a.id}"].data else None for a in q.areas}
