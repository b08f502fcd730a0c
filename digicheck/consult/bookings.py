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


def _modules() -> dict[str, tuple[int, str]]:
    """module id -> (number, "Modul N: title") in the catalogue in force."""
    return {m.id: (m.number, f"Modul {m.number}: {m.title}") for m in catalogue(questionnaire()).modules}


def module_title(module_id: str) -> str | None:
    found = _modules().get(module_id)
    return found[1] if found else None


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
    """The municipality's bookings in module order (a module no longer in the catalogue by its id, last)."""
    modules = _modules()
    rows = db.session.scalars(select(ConsultationBooking).where(ConsultationBooking.municipality_id == municipality.id))
    found = [(modules.get(b.module_id, (10**6, b.module_id)), b) for b in rows]
    return [BookingRow(b, title) for (_, title), b in sorted(found, key=lambda pair: (pair[0][0], pair[1].module_id))]
