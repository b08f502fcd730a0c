"""One instant, one local time on every surface: pages, CSV, XLSX, JSON, the briefing (HTML and
PDF) and the CLI, on both sides of both daylight saving changes of 2026 in Europe/Berlin.

Each instant lies near midnight, so a wrong offset also shows as a wrong day. On PostgreSQL the
database session runs in America/New_York: stored and shown values must not depend on it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import DateTime, event, text
from sqlalchemy.exc import StatementError

from digicheck import pdf
from digicheck.cli import main
from digicheck.extensions import db
from digicheck.models import AnswerChange, Assessment, Note, ValidatedLevel
from digicheck.models._time import UTCDateTime
from tests.app.helpers import german_csv_rows
from tests.app.test_consult import submitted
from tests.conftest import skip_or_fail


class Case(NamedTuple):
    utc: datetime
    shown: str  # pages, CLI: "dd.MM.yyyy, HH:mm"
    iso: str  # JSON: local time with its offset


def case(utc: str, shown: str, iso: str) -> Case:
    return Case(datetime.fromisoformat(utc).replace(tzinfo=UTC), shown, iso)


CASES = {
    "before-spring-change": case("2026-03-28 23:30", "29.03.2026, 00:30", "2026-03-29T00:30:00+01:00"),
    "spring-change-cet": case("2026-03-29 00:30", "29.03.2026, 01:30", "2026-03-29T01:30:00+01:00"),
    "spring-change-cest": case("2026-03-29 01:30", "29.03.2026, 03:30", "2026-03-29T03:30:00+02:00"),
    "after-spring-change": case("2026-03-29 22:30", "30.03.2026, 00:30", "2026-03-30T00:30:00+02:00"),
    "before-autumn-change": case("2026-10-24 22:30", "25.10.2026, 00:30", "2026-10-25T00:30:00+02:00"),
    "after-autumn-change": case("2026-10-25 23:30", "26.10.2026, 00:30", "2026-10-26T00:30:00+01:00"),
    "issue-example": case("2026-01-15 23:30", "16.01.2026, 00:30", "2026-01-16T00:30:00+01:00"),
}
SERVER_ZONE = "America/New_York"


@pytest.fixture
def session_zone(app) -> Iterator[str | None]:
    """On PostgreSQL every connection of the app runs with SET TIME ZONE 'America/New_York'."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        yield None
        return

    def set_zone(dbapi_connection: Any, connection_record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET TIME ZONE '{SERVER_ZONE}'")
        dbapi_connection.commit()

    db.session.commit()  # the session gives its connection back: dispose closes every pooled one
    engine.dispose()  # every new connection gets the zone
    event.listen(engine, "connect", set_zone)
    try:
        assert db.session.execute(text("SHOW TimeZone")).scalar() == SERVER_ZONE
        yield SERVER_ZONE
    finally:
        db.session.remove()
        event.remove(engine, "connect", set_zone)
        engine.dispose()


@pytest.fixture(params=list(CASES), ids=list(CASES))
def moment(request) -> Case:  # type: ignore[no-untyped-def]
    return CASES[request.param]


@pytest.fixture
def stamped(world, session_zone, moment: Case) -> Assessment:
    """Erbach's submitted round; its submission, a validated level, a shared note and an answer
    change all happened at `moment`."""
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    assessment.submitted_at = moment.utc
    db.session.add_all(
        [
            ValidatedLevel(
                assessment_id=assessment.id,
                area_id="technik",
                level=2,
                reason="Kein DMS.",
                consultant_id=world.berater.id,
                created_at=moment.utc,
            ),
            Note(
                assessment_id=assessment.id, text="Ortstermin vereinbaren.", author_id=world.berater.id, shared=True, created_at=moment.utc
            ),
            AnswerChange(
                assessment_id=assessment.id,
                item_id="technik.isb",
                old_value=None,
                new_value="ja",
                user_id=world.kommune.id,
                changed_at=moment.utc,
            ),
        ]
    )
    db.session.commit()
    return assessment


def flat(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def day_of(shown: str) -> str:
    return shown.split(",")[0]


def test_pages_show_local_time(session_zone, browser, make_browser, world, stamped, moment: Case) -> None:
    browser.login(world.berater)
    page = flat(browser.get(f"/beratung/bewertung/{stamped.id}").get_data(as_text=True))
    assert f"Abgeschlossen am {day_of(moment.shown)}" in page
    assert f"(Beraterin, {moment.shown})" in page  # validated level
    assert f"Beraterin (Beratung), {moment.shown} Uhr" in page  # the note
    assert f"{moment.shown} Hauptamt Erbach" in page  # answer history

    kommune = make_browser()
    kommune.login(world.kommune)
    result = flat(kommune.get(f"/bewertung/{stamped.id}/ergebnis").get_data(as_text=True))
    assert f"Abgeschlossen am {day_of(moment.shown)}." in result
    assert f"Beraterin, {day_of(moment.shown)}" in result  # the shared note
    history = flat(kommune.get(f"/bewertung/{stamped.id}/verlauf").get_data(as_text=True))
    assert f"{moment.shown} Hauptamt Erbach" in history


def test_exports_show_the_same_local_time(session_zone, browser, world, stamped, moment: Case) -> None:
    browser.login(world.berater)
    local = datetime.strptime(moment.shown, "%d.%m.%Y, %H:%M")

    body = browser.get(f"/beratung/bewertung/{stamped.id}/export.csv").data
    rows = german_csv_rows(body)
    technik = next(r for r in rows if r["Zeile"] == "Stufe" and r["Bereich"] == "Technik & Sicherheit")
    assert technik["validiert am"] == technik["Abgeschlossen am"] == f"{local:%Y-%m-%d %H:%M}"

    book = load_workbook(io.BytesIO(browser.get(f"/beratung/bewertung/{stamped.id}/export.xlsx").data))
    rows_ = list(book["Stufen"].iter_rows())
    header = [c.value for c in rows_[0]]
    row = next(r for r in rows_ if r[header.index("Bereich")].value == "Technik & Sicherheit")
    cells = {name: row[header.index(name)] for name in ("Abgeschlossen am", "validiert am")}
    for name in ("Abgeschlossen am", "validiert am"):
        assert cells[name].value == local and cells[name].number_format == "DD.MM.YYYY HH:MM"  # a date cell, local wall time
    head = {row[0]: row[1] for row in book["Export"].iter_rows(values_only=True)}
    assert head["Zeiten"] == "Ortszeit (Europe/Berlin)"

    document = json.loads(browser.get(f"/beratung/bewertung/{stamped.id}/profil.json").data)
    assert document["assessment"]["submitted_at"] == moment.iso
    assert next(a for a in document["areas"] if a["id"] == "technik")["validated"]["at"] == moment.iso
    assert datetime.fromisoformat(moment.iso) == moment.utc


def test_briefing_shows_the_local_day(session_zone, browser, world, stamped, moment: Case, tmp_path: Path) -> None:
    browser.login(world.berater)
    day = day_of(moment.shown)
    page = flat(browser.get(f"/beratung/bewertung/{stamped.id}/briefing").get_data(as_text=True))
    assert f"abgeschlossen am {day} von Hauptamt Erbach" in page
    assert f"Fristen zum Stichtag {day}." in page  # funding status as of the local day of submission
    assert f"(Beraterin, {day})" in page
    if pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "briefing.pdf"
    path.write_bytes(browser.get(f"/beratung/bewertung/{stamped.id}/briefing.pdf").get_data())
    text_ = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout)
    assert f"abgeschlossen am {day}" in text_ and f"Stichtag {day}" in text_


def test_cli_shows_local_time(tmp_path: Path, moment: Case) -> None:
    """`digicheck catalogue show`: when a catalogue was imported (the file's time), outside any app."""
    from scoring import Library

    folder = tmp_path / "instance" / "catalogues"
    folder.mkdir(parents=True)
    imported = folder / "funding.yaml"
    shutil.copy(Path(Library.load().latest.path).parent / "catalogues" / "funding.yaml", imported)
    os.utime(imported, (moment.utc.timestamp(), moment.utc.timestamp()))
    env = {"DIGICHECK_INSTANCE_PATH": str(tmp_path / "instance"), "DIGICHECK_TIMEZONE": None}
    shown = CliRunner().invoke(main, ["catalogue", "show"], env=env)
    assert shown.exit_code == 0, shown.output
    assert f"eingespielt am {moment.shown}" in shown.output


def test_stored_values_are_utc_whatever_the_session_zone(session_zone, world) -> None:
    """What the database holds is the UTC instant, and it reads back as aware UTC."""
    moment = CASES["spring-change-cest"]
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    assessment.submitted_at = moment.utc
    db.session.commit()
    db.session.expire_all()
    assert assessment.submitted_at == moment.utc and assessment.submitted_at.tzinfo == UTC
    if session_zone:  # PostgreSQL shows timestamptz in the session's zone; the instant is the same
        raw = db.session.execute(text("SELECT CAST(submitted_at AS TEXT), submitted_at AT TIME ZONE 'UTC' FROM assessments")).one()
        assert raw[0] == "2026-03-28 21:30:00-04", raw  # New York, already on summer time
        assert raw[1] == moment.utc.replace(tzinfo=None)
    else:
        raw = db.session.execute(text("SELECT submitted_at FROM assessments")).scalar()
        assert raw.startswith("2026-03-29 01:30:00"), raw  # UTC text, as benchmark_sql reads it
    with pytest.raises(StatementError, match="naive datetime"):  # local wall time never slips in
        assessment.submitted_at = datetime(2026, 3, 29, 3, 30)
        db.session.flush()
    db.session.rollback()


def test_every_instant_column_is_utc_datetime() -> None:
    """One column type for every instant (digicheck.models._time.UTCDateTime)."""
    columns = [c for table in db.metadata.tables.values() for c in table.columns if isinstance(c.type, (DateTime, UTCDateTime))]
    assert columns and all(isinstance(c.type, UTCDateTime) for c in columns), [
        f"{c.table.name}.{c.name}" for c in columns if not isinstance(c.type, UTCDateTime)
    ]
