"""Kommunen, keyed by the Amtlicher Gemeindeschlüssel (AGS)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow
from scoring.kinds import LANDKREIS
from scoring.laender import land_of
from scoring.names import search_key


class Municipality(Model):
    __tablename__ = "municipalities"
    __table_args__ = (
        # the overview's default order, and its Kreis filter and filter selects (migration 0015)
        Index("ix_municipalities_name_ags", "name", "ags"),
        Index("ix_municipalities_kreis_regierungsbezirk", "kreis", "regierungsbezirk"),
        # the overview's status filter (migration 0016; its sort by level below)
        Index("ix_municipalities_round_status_name_ags", "round_status", "name", "ags"),
        # the filter selects of the chosen Land, from the index alone (migration 0017)
        Index("ix_municipalities_land_kreis_regierungsbezirk", "land", "kreis", "regierungsbezirk"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ags: Mapped[str] = mapped_column(String(8), unique=True, index=True)
    # the Land key (AGS digits 1-2, `scoring.laender`), kept in step with `ags`; filters and the benchmark scope by it
    land: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # `scoring.names.search_key(name)`, kept in step with `name` on every assignment; name search compares against it
    name_search: Mapped[str] = mapped_column(Text)
    name_official: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    kreis: Mapped[str] = mapped_column(String(120))
    kreis_ags: Mapped[str | None] = mapped_column(String(5), index=True)
    regierungsbezirk: Mapped[str] = mapped_column(String(80))
    population: Mapped[int] = mapped_column(Integer)
    area_km2: Mapped[float | None]
    register_edition: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    merged_on: Mapped[date | None] = mapped_column(Date)
    # the register edition in which this AGS no longer appeared (merged or dissolved); never deleted
    left_register: Mapped[date | None] = mapped_column(Date)
    # the newest round, stored so that the overview filters and sorts without reading every assessment;
    # derived data, recomputed from the assessments by `digicheck.newest_round` wherever they are written.
    #: "in_progress", "submitted" or "validated" (the newest round submitted with validated levels); None: no round
    round_status: Mapped[str | None] = mapped_column(String(16))
    #: the overall level of the newest submitted round; 0: none (never NULL: both databases order it alike)
    round_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: when the newest round last changed (`Assessment.updated_at`); None: no round
    last_activity: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    merged_into: Mapped[Municipality | None] = relationship(remote_side=[id])

    @validates("ags")
    def _set_land(self, _key: str, ags: str) -> str:
        self.land = land_of(ags)
        return ags

    @validates("name")
    def _set_name_search(self, _key: str, name: str) -> str:
        self.name_search = search_key(name)
        return name

    @property
    def in_register(self) -> bool:
        return self.left_register is None and self.merged_into_id is None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind}, {self.kreis})" if self.kind != LANDKREIS else f"{self.name} ({LANDKREIS})"


# the overview's sort by level, highest first, ties by name (migration 0016): the page is read from the index
Index("ix_municipalities_round_level_name_ags", Municipality.round_level.desc(), Municipality.name, Municipality.ags)
# the Länder with their municipalities in the register (`digicheck.municipalities.laender`), counted from
# this partial index alone (migration 0017)
_LISTED = text("left_register IS NULL AND merged_into_id IS NULL")
Index("ix_municipalities_land_listed", Municipality.land, sqlite_where=_LISTED, postgresql_where=_LISTED)
