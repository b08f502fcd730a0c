"""Consultation bookings: the provider's booking system reports per municipality and consultation
module whether it is booked (for a date) or held (on a date); consultants see them beside the assessment.

`set_booking` checks its input itself (the API's schema checks it first) and keeps one row per
municipality and module, the newest report; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from digicheck.consult.services import RecordError
from digicheck.content import catalogue, questionnaire
from digicheck.extensions import db
from digicheck.models import BookingStatus, ConsultationBooking, Municipality


@dataclass(frozen=True)
class BookingRow:
    booking: ConsultationBooking
    #: the module's title from the catalogue in force ("Modul 1: …")
    module: str


def module_title(module_id: str) -> str | None:
    try:
        module = catalogue(questionnaire()).module(module_id)
    except KeyError:
        return None
    return f"Modul {module.number}: {module.title}"


def set_booking(municipality: Municipality, module_id: str, status: str, on: date, reported_by: str) -> ConsultationBooking:
    """Record the newest status of one module for one municipality (created or overwritten)."""
    if module_title(module_id) is None:
        raise RecordError(f"Das Beratungsmodul „{module_id}“ gibt es im Modulkatalog nicht.")
    try:
        checked = BookingStatus(status)
    except ValueError:
        raise RecordError("Der Status muss „booked“ (gebucht) oder „held“ (durchgeführt) sein.") from None
    booking = db.session.scalar(
        select(ConsultationBooking).where(
            ConsultationBooking.municipality_id == municipality.id, ConsultationBooking.module_id == module_id
        )
    )
    if booking is None:
        booking = ConsultationBooking(municipality_id=municipality.id, module_id=module_id)
        db.session.add(booking)
    booking.status, booking.on, booking.reported_by = checked, on, reported_by[:120]
    db.session.flush()
    return booking


def bookings_of(municipality: Municipality) -> list[BookingRow]:
    """The municipality's bookings in module order."""
    rows = db.session.scalars(select(ConsultationBooking).where(ConsultationBooking.municipality_id == municipality.id))
    found = [BookingRow(b, module_title(b.module_id) or b.module_id) for b in rows]
    return sorted(found, key=lambda r: (r.module, r.booking.id))
