"""Marshmallow schemas of the API: the query parameters and bodies it reads (with German messages)
and the documents it returns. The OpenAPI document is generated from these (flask-smorest/apispec)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from digicheck import timefmt
from digicheck.benchmark.services import DIMENSION_LABELS
from digicheck.consult.queries import STATUSES
from digicheck.models.booking import BookingStatus
from digicheck.models.consult import REASON_MAX
from scoring.benchmark.peers import SIZE_CLASSES
from scoring.kinds import KINDS
from scoring.laender import GERMANY, LAENDER

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
#: marshmallow's messages, in German (every field of these schemas uses them)
MESSAGES = {
    "required": "Pflichtangabe fehlt.",
    "null": "Darf nicht null sein.",
    "invalid": "Ungültiger Wert.",
    "validator_failed": "Ungültiger Wert.",
}


def _de(field: type[fields.Field], *args: Any, **kwargs: Any) -> Any:
    messages = {**MESSAGES, **kwargs.pop("error_messages", {})}
    return field(*args, error_messages=messages, **kwargs)


#: what the app refuses in any input (digicheck/app.py CONTROL_CHARACTERS); documented as a pattern
NO_CONTROL = validate.Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$", error="Die Eingabe enthält unzulässige Steuerzeichen.")


def _text(max_length: int, message: str | None = None, *, min_length: int | None = None, **kwargs: Any) -> Any:
    """A string field without control characters, at most `max_length` long."""
    length = validate.Length(min=min_length, max=max_length, error=message or f"Höchstens {max_length} Zeichen.")
    return _de(fields.String, validate=[length, NO_CONTROL], **kwargs)


def _one_of(choices: list[str] | tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error="Erlaubt sind: {choices}.")


class LocalDateTime(fields.AwareDateTime):
    """An instant as ISO 8601 in local time (Europe/Berlin) with its offset, like every other surface."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else timefmt.iso_with_offset(value)


class Schema(ma.Schema):
    class Meta:
        ordered = True

    error_messages = {"unknown": "Unbekanntes Feld.", "type": "Ungültige Eingabe: ein JSON-Objekt wird erwartet."}  # noqa: RUF012 - marshmallow reads the class attribute


# --- query parameters -----------------------------------------------------------------------


class QuerySchema(Schema):
    error_messages = {**Schema.error_messages, "unknown": "Unbekannter Parameter; welche es gibt, nennt /api/v1/openapi.json."}  # noqa: RUF012 - marshmallow reads the class attribute


class PageQuery(QuerySchema):
    cursor = _text(200, "Ungültiger Cursor.", metadata={"description": "`next_cursor` der vorigen Seite; ohne: die erste Seite"})
    limit = _de(
        fields.Integer,
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT, error=f"Bitte eine Zahl von 1 bis {MAX_LIMIT}."),
        metadata={"description": f"Einträge je Seite (1–{MAX_LIMIT})"},
        error_messages={"invalid": "Bitte eine ganze Zahl."},
    )


#: the `land` parameter: a Land key (AGS digits 1-2) or GERMANY
LAND_CHOICE = _one_of([*LAENDER, GERMANY])
LAND_HELP = "Land: die ersten zwei Stellen des AGS (z. B. 06 Hessen) oder DE für alle Länder"


class RegionFilter(PageQuery):
    """The overview's filters (digicheck/consult/forms.py OverviewForm)."""

    land = _de(fields.String, validate=LAND_CHOICE, metadata={"description": LAND_HELP})
    kreis = _text(120, metadata={"description": "Landkreis / kreisfreie Stadt (Name)"})
    regierungsbezirk = _text(80)
    kind = _de(fields.String, validate=_one_of(KINDS), metadata={"description": "Art der Kommune"})
    size = _de(fields.String, validate=_one_of([s.id for s in SIZE_CLASSES]), metadata={"description": "Größenklasse"})


class MunicipalityQuery(RegionFilter):
    status = _de(fields.String, validate=_one_of(list(STATUSES)), metadata={"description": "Status wie in der Beratungsübersicht"})
    q = _text(100, metadata={"description": "Name oder AGS"})


class AssessmentQuery(RegionFilter):
    status = _de(fields.String, validate=_one_of(["in_progress", "submitted"]))
    round = _de(
        fields.Integer,
        validate=validate.Range(1, 1000, error="Bitte eine Runde von 1 bis 1000."),
        error_messages={"invalid": "Bitte eine ganze Zahl."},
        metadata={
            "description": "die Runde der Kommune (1, 2, …), wie das Feld „round“ einer Bewertung; das Jahr eines Benchmarks heißt dort „round“"
        },
    )
    municipality_id = _de(fields.Integer, validate=validate.Range(1, 2**31 - 1), error_messages={"invalid": "Bitte eine ganze Zahl."})


class BenchmarkQuery(QuerySchema):
    round = _de(
        fields.Integer,
        validate=validate.Range(2000, 2100, error="Bitte ein Jahr zwischen 2000 und 2100."),
        metadata={"description": "Runde (Jahr); ohne: die neueste mit Daten"},
        error_messages={"invalid": "Bitte ein Jahr."},
    )
    dimension = _de(
        fields.String, load_default="land", validate=_one_of(list(DIMENSION_LABELS)), metadata={"description": "Vergleichsgruppen"}
    )
    land = _de(
        fields.String,
        validate=LAND_CHOICE,
        metadata={
            "description": f"{LAND_HELP}; ohne: Hessen, wenn importiert, sonst das Land mit den meisten Kommunen "
            "(die Sitzung einer Kommune: ihr eigenes Land)"
        },
    )


# --- bodies -----------------------------------------------------------------------------


class ValidatedLevelIn(Schema):
    area_id = _text(40, "Bitte einen Bereich angeben.", min_length=1, required=True)
    level = _de(
        fields.Integer,
        required=True,
        strict=True,
        validate=validate.Range(1, 5, error="Die validierte Stufe muss zwischen 1 und 5 liegen."),
        error_messages={"invalid": "Bitte eine ganze Zahl von 1 bis 5."},
    )
    reason = _text(REASON_MAX, f"Bitte begründen Sie die Stufe (1 bis {REASON_MAX} Zeichen).", min_length=1, required=True)


class BookingIn(Schema):
    status = _de(fields.String, required=True, validate=_one_of([s.value for s in BookingStatus]))
    date = _de(
        fields.Date,
        required=True,
        metadata={"description": "gebucht für / durchgeführt am"},
        error_messages={"invalid": "Bitte ein Datum JJJJ-MM-TT."},
    )


# --- documents ----------------------------------------------------------------------------


class Levels(Schema):
    overall = fields.Integer(allow_none=True, metadata={"description": "Gesamtstufe der Selbsteinschätzung"})
    areas = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), metadata={"description": "Stufe je Bereich"})
    validated = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "validierte Stufe je Bereich"})


class Municipality(Schema):
    id = fields.Integer(required=True)
    ags = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    land = fields.String(required=True, metadata={"description": "Land: die ersten zwei Stellen des AGS"})
    kreis = fields.String(required=True)
    regierungsbezirk = fields.String(required=True)
    population = fields.Integer(required=True)
    in_register = fields.Boolean(required=True)
    status = fields.String(validate=validate.OneOf(list(STATUSES)), metadata={"description": "nicht für den Dienstleister"})
    latest_assessment_id = fields.Integer(allow_none=True)
    latest_round = fields.Integer(allow_none=True)
    submitted_assessment_id = fields.Integer(allow_none=True)
    submitted_round = fields.Integer(allow_none=True)
    levels = fields.Nested(Levels, metadata={"description": "Stufen der neuesten abgeschlossenen Runde"})


class MunicipalityPage(Schema):
    items = fields.List(fields.Nested(Municipality), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class AssessmentSummary(Schema):
    id = fields.Integer(required=True)
    municipality_id = fields.Integer(required=True)
    ags = fields.String(required=True)
    municipality = fields.String(required=True)
    round = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["in_progress", "submitted"]))
    questionnaire_version = fields.String(required=True)
    submitted_at = LocalDateTime(allow_none=True, required=True)
    levels = fields.Nested(Levels, required=True)


class AssessmentPage(Schema):
    items = fields.List(fields.Nested(AssessmentSummary), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class Citation(Schema):
    source = fields.String(required=True, metadata={"description": "Quelldokument (Kennung aus sources.yaml)"})
    section = fields.String(required=True)


class Reason(Schema):
    kind = fields.String(required=True)
    text = fields.String(required=True)
    item = fields.String(allow_none=True)
    cite = fields.Nested(Citation, allow_none=True, metadata={"description": "Quelle einer Stufengrenze (gate)"})


class LiftStep(Schema):
    item = fields.String(required=True)
    text = fields.String(required=True)
    current = fields.String(required=True)
    to_option = fields.String(required=True)
    to_label = fields.String(required=True)
    gain = fields.Float(required=True)


class Lift(Schema):
    to_level = fields.Integer(allow_none=True, required=True)
    to_level_name = fields.String(allow_none=True, required=True)
    steps = fields.List(fields.Nested(LiftStep), required=True)
    gates = fields.List(fields.String(), required=True)
    reachable = fields.Boolean(required=True)
    note = fields.String(required=True)


class Validated(Schema):
    level = fields.Integer(required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)
    at = fields.String(required=True, metadata={"description": "ISO 8601, Ortszeit mit Versatz"})


class AreaProfile(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    score = fields.Float(allow_none=True, required=True)
    level = fields.Integer(allow_none=True, required=True)
    level_name = fields.String(allow_none=True, required=True)
    score_level = fields.Integer(allow_none=True, required=True)
    coverage = fields.Float(required=True)
    provisional = fields.Boolean(required=True)
    level_min = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "niedrigste Stufe, wenn alle offenen Fragen am schlechtesten beantwortet würden"},
    )
    level_max = fields.Integer(
        allow_none=True, required=True, metadata={"description": "höchste Stufe, wenn alle offenen Fragen am besten beantwortet würden"}
    )
    answered = fields.Integer(required=True)
    applicable = fields.Integer(required=True)
    total = fields.Integer(required=True)
    unknown_items = fields.List(fields.String(), required=True, attribute="unknown", data_key="unknown")
    reasons = fields.List(fields.Nested(Reason), required=True)
    lift = fields.Nested(Lift, required=True)
    validated = fields.Nested(Validated, allow_none=True, required=True)
    target = fields.Integer(allow_none=True, required=True)


class Overall(Schema):
    score = fields.Float(allow_none=True, required=True)
    level = fields.Integer(allow_none=True, required=True)
    name = fields.String(allow_none=True, required=True)
    provisional = fields.Boolean(required=True)
    rule = fields.String(required=True, metadata={"description": "wie die Gesamtstufe gebildet wird"})
    level_min = fields.Integer(allow_none=True, required=True)
    level_max = fields.Integer(allow_none=True, required=True)
    open = fields.Integer(required=True, metadata={"description": "offene Fragen aller Bereiche, von denen die Spanne abhängt"})


class UnknownItem(Schema):
    item = fields.String(required=True)
    text = fields.String(required=True)


class SharedNote(Schema):
    text = fields.String(required=True)
    item = fields.String(allow_none=True, required=True)
    by = fields.String(required=True)
    at = fields.String(required=True)


class ProfileMunicipality(Schema):
    ags = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    population = fields.Integer(required=True)


class ProfileAssessment(Schema):
    id = fields.Integer(required=True)
    round = fields.Integer(required=True)
    status = fields.String(required=True)
    submitted_at = fields.String(allow_none=True, required=True)
    municipality = fields.Nested(ProfileMunicipality, required=True)


class Profile(Schema):
    """The consultants' profil.json (schema digicheck/profile-1) with validated levels, targets and shared notes."""

    schema = fields.String(required=True)
    questionnaire = fields.String(required=True)
    overall = fields.Nested(Overall, required=True)
    areas = fields.List(fields.Nested(AreaProfile), required=True)
    unknown_items = fields.List(fields.Nested(UnknownItem), required=True, attribute="unknown", data_key="unknown")
    notes = fields.List(fields.Nested(SharedNote), required=True)
    assessment = fields.Nested(ProfileAssessment, required=True)
    attribution = fields.String(required=True)


class EvidenceOut(Schema):
    comment = fields.String(allow_none=True, required=True, metadata={"description": "warum die Kommune so geantwortet hat"})
    refs = fields.List(fields.String(), required=True, metadata={"description": "Nachweise (Beschlüsse, Dokumente, Links), je Zeile einer"})
    from_round = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "aus einer früheren Runde übernommen: deren Nummer; null: in dieser Runde geschrieben"},
    )


class AnswerOut(Schema):
    area_id = fields.String(required=True)
    area = fields.String(required=True)
    item_id = fields.String(required=True)
    question = fields.String(required=True)
    value = fields.Raw(
        allow_none=True, required=True, metadata={"description": "gespeicherter Wert (Schlüssel, Liste oder Zahl); null: unbeantwortet"}
    )
    answer = fields.String(required=True, metadata={"description": "die Antwort, wie sie gelesen wird"})
    score = fields.Float(allow_none=True, required=True, metadata={"description": "Punkte 0–100"})
    evidence = fields.Nested(EvidenceOut, allow_none=True, required=True, metadata={"description": "Begründung und Nachweise; null: keine"})


class Answers(Schema):
    assessment_id = fields.Integer(required=True)
    questionnaire_version = fields.String(required=True)
    items = fields.List(fields.Nested(AnswerOut), required=True)


class ValidatedLevelOut(Schema):
    id = fields.Integer(required=True)
    assessment_id = fields.Integer(required=True)
    area_id = fields.String(required=True)
    level = fields.Integer(required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)
    at = LocalDateTime(required=True)


class BookingOut(Schema):
    municipality_id = fields.Integer(required=True)
    module_id = fields.String(required=True)
    module = fields.String(required=True, metadata={"description": "Titel des Beratungsmoduls"})
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in BookingStatus]))
    date = fields.Date(required=True)
    reported_by = fields.String(required=True)
    updated_at = LocalDateTime(required=True)


class Bookings(Schema):
    items = fields.List(fields.Nested(BookingOut), required=True)


REASON_CODES = ("too_few", "differencing", "too_few_values")


class Cell(Schema):
    """One area of one group; figures are null where suppressed, `reason_code` says why."""

    area = fields.String(required=True)
    n = fields.Integer(allow_none=True, required=True)
    q1 = fields.Float(allow_none=True, required=True)
    median = fields.Float(allow_none=True, required=True)
    q3 = fields.Float(allow_none=True, required=True)
    levels = fields.List(fields.Integer(), allow_none=True, required=True, metadata={"description": "Bewertungen je Stufe 1–5"})
    reason_code = fields.String(allow_none=True, required=True, validate=validate.OneOf(REASON_CODES))


class Group(Schema):
    dimension = fields.String(required=True)
    key = fields.String(required=True)
    label = fields.String(required=True)
    published = fields.Boolean(required=True)
    reason_code = fields.String(allow_none=True, required=True, validate=validate.OneOf(REASON_CODES))
    reason = fields.String(allow_none=True, required=True)
    assessments = fields.Integer(
        allow_none=True, required=True, metadata={"description": "abgeschlossene Bewertungen; null, wo zurückgehalten"}
    )
    registered = fields.Integer(allow_none=True, required=True)
    participation = fields.Float(allow_none=True, required=True)
    areas = fields.List(fields.Nested(Cell), required=True)


class Benchmark(Schema):
    land = fields.String(required=True, metadata={"description": "das Land der Zahlen oder DE für alle Länder"})
    round = fields.Integer(allow_none=True, required=True)
    rounds = fields.List(fields.Integer(), required=True)
    dimension = fields.String(required=True)
    k = fields.Integer(required=True)
    demo = fields.Boolean(required=True)
    areas = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    groups = fields.List(fields.Nested(Group), required=True, metadata={"description": "das Land, dann die Gruppen der Dimension"})
    trend = fields.List(fields.Nested(Group), required=True, metadata={"description": "das Land je Runde (ohne Stufenverteilung)"})


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(required=True)
    errors = fields.Dict(metadata={"description": "je Ort (query, json) und Feld die Meldungen"})
