"""The benchmark report's filters: a GET form (bookmarkable, no CSRF: it changes nothing).

A plain WTForms form over `request.args`, because Flask-WTF reads only POSTed data.
Choices come from the report (rounds with data, participants of the round), so a
filter never offers what cannot be shown.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from digicheck.benchmark.services import DIMENSION_LABELS, Report
from digicheck.forms import choices
from digicheck.municipalities import land_choices
from scoring.laender import GERMANY

#: Up to this many participants the municipality filter is a list, above it a field for a name or an AGS.
MAX_SELECT = 1000


class BenchFilterForm(Form):
    runde = IntegerField(
        "Runde (Jahr)", validators=[Optional(), NumberRange(min=2000, max=2100, message="Bitte ein Jahr zwischen 2000 und 2100 angeben.")]
    )
    land = SelectField("Land", choices=[], validate_choice=True)
    dimension = SelectField("Vergleichsgruppen", choices=choices(list(DIMENSION_LABELS.items())), default="land")
    kommune = StringField(
        "Kommune (Name oder Gemeindeschlüssel)",
        validators=[Optional(), Length(max=120, message="Höchstens 120 Zeichen.")],
    )

    def __init__(self, **kwargs: Any):
        super().__init__(formdata=request.args, **kwargs)
        self.municipality_choices: list[tuple[str, str]] = []

    def scope(self, present: list[tuple[str, int]], own: str) -> str:
        """The Land the report is of: the chosen one, else `own` (the viewer's default); with one Land
        imported GERMANY, which is the same and needs no filter. "Länder (je Land)" only for Deutschland."""
        self.land.choices = choices(land_choices(present))  # known only now: validate() saw none
        self.land.errors = []
        if self.land.data not in {c.value for c in self.land.choices}:
            self.land.data = own
        if len(present) < 2:
            self.dimension.choices = [c for c in self.dimension.choices if c.value != "laender"]
            self.dimension.data = "land" if self.dimension.data == "laender" else self.dimension.data
            return GERMANY
        return str(self.land.data)

    def set_choices(self, report: Report, participants: list[tuple[str, str]] | None) -> None:
        """Rounds from the data; for consultants (`participants` given) the round's participants when the list stays short."""
        if report.round is not None:
            self.runde.data = report.round
        self.dimension.data = report.dimension
        if participants is not None:
            self.municipality_choices = participants if len(participants) <= MAX_SELECT else []

    def query(self) -> str:
        """The filters as a query string, for the CSV and PDF links."""
        values = {"runde": self.runde.data, "land": self.land.data, "dimension": self.dimension.data, "kommune": self.kommune.data}
        return urlencode({k: v for k, v in values.items() if v})
