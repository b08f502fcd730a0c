"""Consultation bookings: which consultation module a municipality has booked or held, as the
service provider's booking system reports it through the API (one row per municipality and module)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow
from digicheck.models.municipality import Municipality


class BookingStatus(str, enum.Enum):
    BOOKED = "booked"
    HELD = "held"

    @property
    def label(self) -> str:
        return {"booked": "gebucht", "held": "durchgeführt"}[self.value]


class ConsultationBooking(Model):
    """The newest status of one consultation module for one municipality: booked for, or held on, `on`."""

    __tablename__ = "consultation_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    module_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[BookingStatus] = mapped_column(
        Enum(BookingStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    on: Mapped[date] = mapped_column(Date)
    #: who reported it: the name of the API token or account
    reported_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (UniqueConstraint("municipality_id", "module_id", name="uq_consultation_bookings_municipality_module"),)
