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
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from flask import current_app
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from digicheck import timefmt
from digicheck.assess.services import NO_EVIDENCE, Conflict, Evidence, evidence_error, evidence_text
from digicheck.forms import choices as select_choices
from digicheck.models.assessment import EVIDENCE_COMMENT_MAX, EVIDENCE_REFS_MAX
from scoring.answers import AnswerError, AnswerValue, check_answer
from scoring.conditions import hidden_items, hiding_answers
from scoring.item_kinds import NOT_SENT, SPECIAL_FIELD_SUFFIX, FormValues
from scoring.model import Area, Item, Questionnaire

NUMBER_SPECIAL = SPECIAL_FIELD_SUFFIX
VERSION_PREFIX = "v-"
LOADED_PREFIX = "o-"
CHOICE_PREFIX = "k-"
#: evidence per item: the comment, the references (one per line) and the evidence the page was loaded with (JSON)
COMMENT_PREFIX, REFS_PREFIX, LOADED_EVIDENCE_PREFIX = "e-", "r-", "oe-"
EVIDENCE_PREFIXES = (COMMENT_PREFIX, REFS_PREFIX, LOADED_EVIDENCE_PREFIX)
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
                for prefix in ("", VERSION_PREFIX, LOADED_PREFIX, CHOICE_PREFIX, *EVIDENCE_PREFIXES)
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
    name; `undecided`: conflicts shown before on which the user has not chosen an answer yet;
    `evidence`: the items whose evidence the user changed, with the new text; `evidence_errors`:
    German messages by field name for evidence that is too long (nothing of that item is stored).
    """

    answers: dict[str, AnswerValue | None] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    undecided: dict[str, AnswerValue | None] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    evidence_errors: dict[str, str] = field(default_factory=dict)
    #: the evidence the page was loaded with, for the items in `evidence` whose page said it
    evidence_loaded: dict[str, Evidence] = field(default_factory=dict)

    def anchor(self, area: Area, focused: str | None) -> str:
        """Where the page should come back to: the item the user was at, else the first one changed."""
        names = [field_name(item.id) for item in area.items]
        if focused and focused.removesuffix("-fieldset") in names:
            return focused
        touched = {field_name(i) for i in (*self.answers, *self.undecided, *self.evidence)} | set(self.errors) | set(self.evidence_errors)
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


def loaded_evidence_text(evidence: Evidence) -> str:
    """Evidence as its `oe-<name>` field carries it."""
    return json.dumps([evidence.comment, evidence.refs], ensure_ascii=False) if evidence else ""


def _loaded_evidence(text: str | None) -> Evidence | None:
    """The evidence a page was loaded with; None: not said (another client) or forged."""
    if text is None or len(text) > 4 * (EVIDENCE_COMMENT_MAX + EVIDENCE_REFS_MAX):
        return None
    if not text:
        return NO_EVIDENCE
    try:
        comment, refs = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if not all(v is None or isinstance(v, str) for v in (comment, refs)):
        return None
    return evidence_text(comment, refs)


def _posted_evidence(posted: MultiDict[str, str], name: str) -> tuple[Evidence | None, Evidence | None]:
    """The item's evidence as posted when the user changed it (else None), and the evidence the page
    was loaded with (None when the page did not say)."""
    if COMMENT_PREFIX + name not in posted and REFS_PREFIX + name not in posted:
        return None, None
    typed = evidence_text(posted.get(COMMENT_PREFIX + name), posted.get(REFS_PREFIX + name))
    loaded = _loaded_evidence(posted.get(LOADED_EVIDENCE_PREFIX + name))
    return (None if loaded is not None and typed.same_text(loaded) else typed), loaded


def loaded_text(value: AnswerValue | None) -> str:
    """An answer as its `o-<name>` field carries it."""
    return "" if value is None else json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def parse_area(posted: MultiDict[str, str], area: Area) -> PostedArea:
    """The changed answers and evidence, seen versions and field errors of a POSTed area page.

    An item whose answer or evidence is in error stores nothing (neither answer nor evidence).
    """
    result = PostedArea()
    for item in area.items:
        name = field_name(item.id)
        if VERSION_PREFIX + name not in posted:
            continue  # the item was not on the submitted page: leave it alone
        try:
            result.versions[item.id] = max(0, int(posted.get(VERSION_PREFIX + name) or 0))
        except ValueError:
            result.versions[item.id] = -1  # a forged version never matches: reported as a conflict
        evidence, loaded_evidence = _posted_evidence(posted, name)
        if evidence is not None and (message := evidence_error(evidence)):
            result.evidence_errors[name] = message
            continue
        answer = _changed_answer(result, posted, item, name)
        if name in result.errors:
            continue
        choice = [v for v in posted.getlist(CHOICE_PREFIX + name) if v]
        if answer is NOT_SENT and evidence is None:
            continue
        if CHOICE_PREFIX + name in posted and not choice:
            loaded = _loaded(item, posted.get(LOADED_PREFIX + name))
            result.undecided[item.id] = answer if answer is not NOT_SENT else None if isinstance(loaded, _Unknown) else loaded
            continue
        if TAKE_THEIRS in choice:
            continue
        if answer is not NOT_SENT:
            result.answers[item.id] = answer
        if evidence is not None:
            result.evidence[item.id] = evidence
            if loaded_evidence is not None:
                result.evidence_loaded[item.id] = loaded_evidence
    return result


def _changed_answer(result: PostedArea, posted: MultiDict[str, str], item: Item, name: str) -> Any:
    """The item's checked answer when the user changed it; NOT_SENT when unchanged or not sent, and
    then a field error may have been recorded in `result.errors`."""
    loaded = _loaded(item, posted.get(LOADED_PREFIX + name))
    value = item.kind.from_form(item, name, posted.getlist, None if isinstance(loaded, _Unknown) else loaded)
    if value is NOT_SENT:
        return NOT_SENT
    if isinstance(value, AnswerError):
        result.errors[name] = value.message
        return NOT_SENT
    if isinstance(value, str) and len(value) > 200:
        result.errors[name] = "Die Eingabe ist zu lang."
        return NOT_SENT
    try:
        answer = None if value is None else check_answer(item, value)
    except AnswerError as exc:
        result.errors[name] = _friendly(exc.message)
        return NOT_SENT
    if answer == loaded:
        return NOT_SENT  # untouched: a colleague's newer answer stays
    return answer


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
_OPEN = Markup(" open")
_FROM_ROUND = Markup(' <span class="badge">aus Runde {}</span>')
_EVIDENCE_GIVEN = Markup(' <span class="evidence-state">(eingetragen)</span>')
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
    #: the stored evidence, or as typed for the items sent back in error or conflict
    evidence: dict[str, Evidence] = field(default_factory=dict)
    evidence_baselines: dict[str, str] = field(default_factory=dict)
    evidence_errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def stored(
        cls, area: Area, answers: dict[str, Any], versions: dict[str, int], evidence: Mapping[str, Evidence] | None = None
    ) -> AreaValues:
        """What is saved, for a freshly loaded page; `evidence` by item id."""
        values = cls({field_name(item.id): str(versions.get(item.id, 0)) for item in area.items})
        for item in area.items:
            name, value = field_name(item.id), answers.get(item.id)
            values.baselines[name] = loaded_text(value)
            if value is not None:
                values.fields.update(item.kind.form_values(name, value))
            given = (evidence or {}).get(item.id)
            if given:
                values.evidence[name] = given
                values.evidence_baselines[name] = loaded_evidence_text(given)
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
        evidence: Mapping[str, Evidence] | None = None,
        evidence_errors: dict[str, str] | None = None,
    ) -> AreaValues:
        """A page that comes back after a partial save: what is stored now, except the items in
        error (as typed, still against the answer they were loaded with) and in conflict (as
        typed, now against the colleague's answer, with the choice between both)."""
        values = cls.stored(area, stored, versions, evidence)
        values.errors = errors
        values.evidence_errors = evidence_errors or {}
        values.conflicts = {field_name(c.item_id): c for c in conflicts}
        for item in area.items:
            name = field_name(item.id)
            in_error = name in errors or name in values.evidence_errors
            if not in_error and name not in values.conflicts:
                continue
            for posted_field in item.kind.field_names(name):
                values.fields.pop(posted_field, None)
            values.fields.update(item.kind.posted_values(name, posted.getlist))
            if COMMENT_PREFIX + name in posted or REFS_PREFIX + name in posted:
                typed = Evidence(posted.get(COMMENT_PREFIX + name, ""), posted.get(REFS_PREFIX + name, ""))
                values.evidence[name] = replace(typed, from_round=values.evidence.get(name, NO_EVIDENCE).from_round)
            if in_error and name not in values.conflicts and LOADED_PREFIX + name in posted:
                values.versions[name] = posted.get(VERSION_PREFIX + name, "0")
                values.baselines[name] = posted.get(LOADED_PREFIX + name, "")
                values.evidence_baselines[name] = posted.get(LOADED_EVIDENCE_PREFIX + name, "")
        return values

    def summary(self, area: Area) -> list[FieldError]:
        """The field errors in page order, for the error summary at the top."""
        errors = []
        for item in area.items:
            name = field_name(item.id)
            if name in self.errors:
                errors.append(FieldError(name, item.text, (self.errors[name],)))
            if name in self.evidence_errors:
                target = self._evidence_target(name)
                label = "Begründung" if target.startswith(COMMENT_PREFIX) else "Belege"
                errors.append(FieldError(target, f"{label} zu „{item.text}“", (self.evidence_errors[name],)))
        return errors

    def _evidence_too_long(self, name: str) -> tuple[bool, bool]:
        """(comment, references) too long, of the evidence as typed; the comment when neither says."""
        typed = self.evidence.get(name, NO_EVIDENCE)
        typed = evidence_text(typed.comment, typed.refs)
        comment = len(typed.comment or "") > EVIDENCE_COMMENT_MAX
        refs = len(typed.refs or "") > EVIDENCE_REFS_MAX
        return (comment or not refs), refs

    def _evidence_target(self, name: str) -> str:
        """The field the error summary leads to: the first one too long."""
        return (COMMENT_PREFIX if self._evidence_too_long(name)[0] else REFS_PREFIX) + name

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

    def evidence_baseline(self, name: str) -> Markup:
        return escape(self.evidence_baselines.get(name, ""))

    def evidence_comment(self, name: str) -> Markup:
        return escape(self.evidence.get(name, NO_EVIDENCE).comment or "")

    def evidence_refs(self, name: str) -> Markup:
        return escape(self.evidence.get(name, NO_EVIDENCE).refs or "")

    def evidence_open(self, name: str) -> Markup:
        """The disclosure of an item's evidence is open while there is some or it is in error."""
        return _OPEN if self.evidence.get(name) or name in self.evidence_errors else _NOTHING

    def evidence_state(self, name: str) -> Markup:
        """Beside the disclosure's summary: whether there is evidence, and from which round."""
        given = self.evidence.get(name)
        if not given:
            return _NOTHING
        return _EVIDENCE_GIVEN + (_FROM_ROUND.format(given.from_round) if given.from_round else _NOTHING)

    def evidence_error_message(self, name: str) -> Markup:
        if name not in self.evidence_errors:
            return _NOTHING
        return _ERROR_MESSAGE.format(self._evidence_target(name), self.evidence_errors[name])

    def _evidence_field_in_error(self, name: str, index: int) -> bool:
        return name in self.evidence_errors and self._evidence_too_long(name)[index]

    def evidence_invalid(self, name: str) -> Markup:
        """On the comment, when it is too long."""
        return _INVALID if self._evidence_field_in_error(name, 0) else _NOTHING

    def evidence_error_id(self, name: str) -> Markup:
        """Added to the comment's aria-describedby when it is too long."""
        return _ERROR_ID.format(self._evidence_target(name)) if self._evidence_field_in_error(name, 0) else _NOTHING

    def evidence_refs_invalid(self, name: str) -> Markup:
        """On the references, when they are too long."""
        return _INVALID if self._evidence_field_in_error(name, 1) else _NOTHING

    def evidence_refs_error_id(self, name: str) -> Markup:
        """The references' aria-describedby when they are too long (the message shown above both fields)."""
        if not self._evidence_field_in_error(name, 1):
            return _NOTHING
        return Markup(' aria-describedby="') + _ERROR_ID.format(self._evidence_target(name)).lstrip() + Markup('"')

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
        evidence_prefixes=EVIDENCE_PREFIXES,
        evidence_limits=(EVIDENCE_COMMENT_MAX, EVIDENCE_REFS_MAX),
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
