"""Data at scale: municipalities of the official register (every Land, or beyond it synthetic ones)
with rounds of assessments, answers, answer history, area results, validated levels, notes, targets
and Maßnahmenplan entries with their history.

    python bench/scale_seed.py --database-url URL --scale hessen|germany
    python bench/scale_seed.py --database-url URL --municipalities N --rounds R [--seed 18]

The database must be empty; its schema is created with `digicheck db upgrade`. The municipalities
come from the newest GV100AD file in ../shared/data (or --register FILE), Hessen first and then
the other Länder in AGS order, so that every size contains Hessen's Kreise; sizes beyond the
register add synthetic Länder (AGS 17… and up, Kreise of 25 Gemeinden and their Landkreis).
About 90 % of them take part: R rounds each, one a year, the older ones submitted (area results
scored from the answers by `scoring`), the newest submitted or half filled in. Answers are the
demo's generator (`digicheck.demo_data.synthetic_answers`) around a maturity per municipality;
every answer has its history (a quarter of them changed once). A consultant validated some
submitted rounds and wrote notes; some rounds have targets. Municipalities with a submitted round
have 0-18 plan entries (`plan_rows`: catalogue measures and modules, a fifth own entries, the older
the more often done, each with its history rows). Every participating municipality has
a Kommune user; all users share one password (printed). Everything is drawn from --seed: the same
arguments give the same rows.

Rows are written in chunks with COPY (PostgreSQL) or executemany (SQLite), never one ORM object
per row; then the sequences are moved past the ids written and the planner statistics refreshed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import JSON, Date, Table, text  # noqa: E402 - after the path is set
from sqlalchemy.engine import Engine  # noqa: E402

from digicheck.models._time import UTCDateTime  # noqa: E402
from scoring import Questionnaire, check_answers, score_checked  # noqa: E402
from scoring.laender import land_of  # noqa: E402
from scoring.names import search_key  # noqa: E402

#: --scale: (Land prefix or None for all of the register, rounds)
SCALES = {"hessen": ("06", 3), "germany": (None, 3)}
HESSEN = "06"
#: the instant the data describe ("today" of the newest round); fixed, so the rows do not depend on the clock
REFERENCE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PARTICIPATION = 0.9
CHUNK = 400  # municipalities per written chunk
PASSWORD = "Scale-Bench-2026"
CONSULTANT = "berater@scale.digicheck.invalid"
ADMIN = "admin@scale.digicheck.invalid"


def kommune_email(ags: str) -> str:
    return f"kommune-{ags}@scale.digicheck.invalid"


class SeedError(RuntimeError):
    """A one-line reason the seed cannot run."""


# --------------------------------------------------------------------------- writing rows


def bulk_insert(connection: Any, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows (Python values in `columns` order) into `table` on a raw DBAPI connection:
    COPY on PostgreSQL, one executemany on SQLite, with the columns' own conversions (JSON, UTC
    instants; None in a JSON column is JSON null, as the app writes it). Returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    is_json = [isinstance(table.c[name].type, JSON) for name in columns]
    cursor = connection.cursor()
    names = ", ".join(columns)
    if _dialect(connection) == "postgresql":
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(v) if j else v for v, j in zip(row, is_json, strict=True)])
    else:
        converters = [_sqlite_converter(table.c[name].type) for name in columns]
        cursor.executemany(
            f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' for _ in columns)})",
            [
                [
                    v if convert is None or (v is None and convert is not json.dumps) else convert(v)
                    for v, convert in zip(row, converters, strict=True)
                ]
                for row in rows
            ],
        )
    return len(rows)


def _sqlite_converter(column_type: Any) -> Any:
    """What SQLAlchemy's SQLite types store, without their per-value overhead: JSON as text (None as
    JSON null, as SQLAlchemy's JSON type writes it), an
    instant as naive UTC text (`UTCDateTime`), a boolean as 0/1. Instants must be aware UTC here."""
    if isinstance(column_type, JSON):
        return json.dumps
    if isinstance(column_type, UTCDateTime):
        return _utc_text
    if isinstance(column_type, Date):
        return date.isoformat
    return None


def _utc_text(value: datetime) -> str:
    assert value.utcoffset() == timedelta(0), value
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _dialect(connection: Any) -> str:
    driver = getattr(connection, "driver_connection", connection)  # under SQLAlchemy's pool proxy
    return "postgresql" if type(driver).__module__.startswith("psycopg") else "sqlite"


def finish_load(engine: Engine, tables: Iterable[str]) -> None:
    """The municipalities' stored newest round recomputed from the rounds written (as every writer of
    assessments does, `digicheck.newest_round`), and the notes' open-question marker (`digicheck.talk.waiting`), sequences past the ids written (PostgreSQL), then
    planner statistics and a checkpoint, so the first measurements do not pay for writing back the bulk load."""
    from digicheck import newest_round
    from digicheck.talk import waiting

    with engine.connect() as conn:
        newest_round.refresh_all(conn)
        waiting.refresh_all(conn)
        if engine.dialect.name == "postgresql":
            for name in tables:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), GREATEST((SELECT max(id) FROM {name}), 1))"))
        conn.commit()
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        if engine.dialect.name == "postgresql":
            driver.autocommit = True  # type: ignore[union-attr]
            driver.execute("VACUUM ANALYZE")  # type: ignore[union-attr]
            driver.execute("CHECKPOINT")  # type: ignore[union-attr]
        else:
            raw.cursor().execute("ANALYZE")
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    engine.dispose()


# --------------------------------------------------------------------------- the municipalities


def chosen_entries(register: Sequence[Any], land: str | None, count: int | None) -> list[Any]:
    """Hessen first, then the other Länder in AGS order; `land` keeps one Land; beyond the register synthetic entries."""
    ordered = sorted(register, key=lambda e: (not e.ags.startswith(HESSEN), e.ags))
    if land is not None:
        ordered = [e for e in ordered if e.ags.startswith(land)]
    if count is None:
        return ordered
    return ordered[:count] + synthetic_entries(max(0, count - len(ordered)), template=register[0])


def synthetic_entries(count: int, template: Any) -> list[Any]:
    """Entries of made-up Länder 17 and up (no real AGS starts so): per Kreis a Landkreis and 25 Gemeinden."""
    rng = random.Random(count)
    entries: list[Any] = []
    number = 0
    while len(entries) < count:
        land, kreis = 17 + number // 900, number % 900
        kreis_ags = f"{land:02d}{kreis // 100 + 1}{kreis % 100:02d}"
        rb = f"Synthetischer Bezirk {land}-{kreis // 100 + 1}"
        lk = f"Synthetischer Kreis {kreis_ags}"
        entries.append(
            replace(
                template,
                ags=kreis_ags,
                name=lk,
                name_official=lk,
                kind="Landkreis",
                kreis=lk,
                kreis_ags=kreis_ags,
                regierungsbezirk=rb,
                population=rng.randint(80_000, 600_000),
                area_km2=None,
            )
        )
        for g in range(1, 26):
            population = int(min(3_000_000, max(50, rng.lognormvariate(8.0, 1.3))))
            kind = "Stadt" if population > 8000 or g % 5 == 0 else "Gemeinde"
            name = f"Synthetische Gemeinde {kreis_ags}{g:03d}"
            entries.append(
                replace(
                    template,
                    ags=f"{kreis_ags}{g:03d}",
                    name=name,
                    name_official=name,
                    kind=kind,
                    kreis=lk,
                    kreis_ags=kreis_ags,
                    regierungsbezirk=rb,
                    population=population,
                    area_km2=None,
                )
            )
        number += 1
    return entries[:count]


# --------------------------------------------------------------------------- the rows


@dataclass
class Rows:
    """One chunk's rows per table, in `COLUMNS` order."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


#: tables in the order they are written (foreign keys point backwards)
COLUMNS: dict[str, tuple[str, ...]] = {
    "municipalities": (
        "id",
        "ags",
        "land",
        "name",
        "name_search",
        "name_official",
        "kind",
        "kreis",
        "kreis_ags",
        "regierungsbezirk",
        "population",
        "area_km2",
        "register_edition",
        "created_at",
        "updated_at",
    ),
    "users": ("id", "email", "name", "password_hash", "role", "municipality_id", "active", "session_epoch", "created_at"),
    "assessments": (
        "id",
        "municipality_id",
        "questionnaire_version",
        "round",
        "status",
        "is_demo",
        "created_at",
        "updated_at",
        "submitted_at",
        "submitted_by_id",
        "previous_id",
    ),
    "answers": ("assessment_id", "item_id", "value", "version", "updated_by_id", "updated_at"),
    "answer_changes": ("assessment_id", "item_id", "old_value", "new_value", "user_id", "changed_at"),
    "area_scores": ("assessment_id", "area_id", "score", "level", "coverage", "provisional"),
    "targets": ("assessment_id", "area_id", "level"),
    "validated_levels": ("assessment_id", "area_id", "level", "reason", "consultant_id", "created_at"),
    "notes": ("assessment_id", "item_id", "text", "author_id", "created_at", "shared"),
    "plan_entries": (
        "id",
        "municipality_id",
        "area_id",
        "title",
        "source",
        "source_id",
        "item_ids",
        "owner",
        "start_on",
        "due_on",
        "status",
        "drop_reason",
        "funding_id",
        "note",
        "version",
        "added_in_id",
        "closed_in_id",
        "created_by_id",
        "updated_by_id",
        "created_at",
        "updated_at",
        "closed_at",
    ),
    "plan_entry_changes": ("entry_id", "user_id", "changed_at", "changes"),
}


# --------------------------------------------------------------------------- plan entries

#: entries per participating municipality on average (scale_seed); the report bench asks for a total
PLAN_ENTRIES_MEAN = 9
OWNERS = ("Hauptamt", "IT-Stelle", "Bürgermeisterin", "Digitallotse", "Ordnungsamt", "Bauamt")


@dataclass(frozen=True)
class PlanChoice:
    """What an entry can be taken from: a catalogue measure or module (source, id, area, title)."""

    source: str
    source_id: str | None
    area: str
    title: str
    items: tuple[str, ...] = ()


def plan_choices(q: Questionnaire) -> list[PlanChoice]:
    """The catalogue's measures and modules (popular first: the draw favours the front of the list)."""
    from scoring.advice.loader import catalogue_dir_for, load_catalogue

    cat = load_catalogue(q, catalogue_dir_for(q))
    choices = [PlanChoice("measure", m.id, m.area, m.title[:200], m.items) for m in cat.measures]
    choices += [PlanChoice("module", m.id, q.area_ids[0], f"Beratungsmodul {m.number}: {m.title}"[:200]) for m in cat.modules]
    return choices


def plan_rows(
    rng: random.Random,
    municipality_id: int,
    user_id: int | None,
    rounds: Sequence[tuple[int, datetime]],
    choices: Sequence[PlanChoice],
    first_id: int,
    count: int,
    areas: Sequence[str],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """`count` plan entries of one municipality (ids from `first_id`) and their history: each added
    after one of its submitted `rounds` (assessment id, submitted at), a fifth own entries, the rest
    from the catalogue (the front of `choices` more often); older entries are more often done or
    dropped, closed in the newest round before REFERENCE. One change row for the creation, one for
    the closing."""
    entries: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    newest = rounds[-1][0]
    weights = [1.0 / (1 + i) for i in range(len(choices))]
    for n in range(count):
        ident = first_id + n
        added_in, submitted_at = rounds[rng.randrange(len(rounds))]
        created = submitted_at + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 8))
        if created >= REFERENCE:
            created = REFERENCE - timedelta(days=rng.randint(1, 30))
        if rng.random() < 0.2:
            choice = PlanChoice("own", None, rng.choice(list(areas)), f"Eigene Maßnahme {n + 1}")
        else:
            choice = rng.choices(choices, weights)[0]
        start = created.date() + timedelta(days=rng.randint(0, 90))
        due = start + timedelta(days=rng.randint(30, 540))
        age = (REFERENCE - created).days
        roll = rng.random()
        status = "done" if roll < min(0.7, age / 900) else "dropped" if roll > 0.95 else "in_progress" if roll > 0.6 else "planned"
        closed_at = None
        if status in ("done", "dropped"):
            closed_at = min(created + timedelta(days=rng.randint(14, 420), hours=rng.randint(0, 8)), REFERENCE - timedelta(hours=1))
        updated = closed_at or created
        entries.append(
            (
                ident,
                municipality_id,
                choice.area,
                choice.title,
                choice.source,
                choice.source_id,
                list(choice.items),
                rng.choice(OWNERS),
                start,
                due,
                status,
                "Andere Lösung im Landkreis (synthetisch)" if status == "dropped" else None,
                None,
                "",
                2 if closed_at else 1,
                added_in,
                newest if closed_at else None,
                user_id,
                user_id,
                created,
                updated,
                closed_at,
            )
        )
        changes.append((ident, user_id, created, {"status": [None, "planned"], "title": [None, choice.title]}))
        if closed_at is not None:
            changes.append((ident, user_id, closed_at, {"status": ["planned", status]}))
    return entries, changes


@dataclass
class Seeder:
    q: Questionnaire
    rounds: int
    rng: random.Random
    password_hash: str
    edition: Any
    consultant_id: int = 2
    next_municipality: int = 0
    next_user: int = 2
    next_assessment: int = 0
    next_plan_entry: int = 0
    plan_choices: Sequence[PlanChoice] = ()
    #: its own stream, so the plans do not change the rows drawn before they existed
    plan_rng: random.Random = field(default_factory=lambda: random.Random(16))
    counts: dict[str, int] = field(default_factory=dict)

    def chunk(self, entries: Sequence[Any]) -> Rows:
        rows = Rows()
        for entry in entries:
            self.next_municipality += 1
            m = self.next_municipality
            rows.add(
                "municipalities",
                (
                    m,
                    entry.ags,
                    land_of(entry.ags),
                    entry.name,
                    search_key(entry.name),
                    entry.name_official or None,
                    entry.kind,
                    entry.kreis,
                    entry.kreis_ags or None,
                    entry.regierungsbezirk,
                    entry.population,
                    entry.area_km2,
                    self.edition,
                    REFERENCE,
                    REFERENCE,
                ),
            )
            if self.rng.random() < PARTICIPATION:
                self.next_user += 1
                rows.add(
                    "users",
                    (
                        self.next_user,
                        kommune_email(entry.ags),
                        f"Hauptamt {entry.name}"[:120],
                        self.password_hash,
                        "kommune",
                        m,
                        True,
                        0,
                        REFERENCE - timedelta(days=365 * self.rounds),
                    ),
                )
                self._rounds(rows, m, self.next_user)
        return rows

    def _rounds(self, rows: Rows, municipality_id: int, user_id: int) -> None:
        from digicheck.assess.services import area_score_rows
        from digicheck.demo_data import synthetic_answers

        rng, q = self.rng, self.q
        maturity = rng.uniform(0.15, 0.75)
        previous = None
        submitted_rounds: list[tuple[int, datetime]] = []
        for number in range(1, self.rounds + 1):
            self.next_assessment += 1
            aid = self.next_assessment
            newest = number == self.rounds
            submitted = not newest or rng.random() < 0.6
            start = REFERENCE - timedelta(days=365 * (self.rounds - number) + rng.randint(60, 200))
            done = start + timedelta(days=rng.randint(5, 50))
            level = min(0.95, maturity + 0.07 * (number - 1))
            final = check_answers(q, synthetic_answers(q, level, rng))
            draft = check_answers(q, synthetic_answers(q, level - 0.15, rng))
            items = [item.id for item in q.items]
            if not submitted:  # half filled in: a share of the items, in questionnaire order
                items = items[: int(len(items) * rng.uniform(0.1, 0.9))]
            last = start
            for index, item_id in enumerate(items):
                at = start + timedelta(minutes=3 * index + 1)
                value: Any = final[item_id]
                first = draft[item_id]
                changed = first != value and rng.random() < 0.25
                cleared = not submitted and rng.random() < 0.02  # entered, then cleared again: stored as JSON null
                rows.add("answer_changes", (aid, item_id, None, first if changed or cleared else value, user_id, at))
                version = 1
                if changed or cleared:
                    later = at + timedelta(days=rng.randint(1, 4))
                    value = None if cleared else value
                    rows.add("answer_changes", (aid, item_id, first, value, user_id, later))
                    version, at = 2, later
                rows.add("answers", (aid, item_id, value, version, user_id, at))
                last = max(last, at)
            stamp = max(done, last) if submitted else last
            rows.add(
                "assessments",
                (
                    aid,
                    municipality_id,
                    q.version,
                    number,
                    "submitted" if submitted else "in_progress",
                    False,
                    start,
                    stamp,
                    stamp if submitted else None,
                    user_id if submitted else None,
                    previous,
                ),
            )
            profile = score_checked(q, {i: final[i] for i in items})
            if submitted:
                for score in area_score_rows(profile):
                    rows.add(
                        "area_scores", (aid, score["area_id"], score["score"], score["level"], score["coverage"], score["provisional"])
                    )
                self._consultant(rows, aid, profile, stamp)
            if rng.random() < 0.4:
                for area in profile.areas:
                    rows.add("targets", (aid, area.id, min(5, (area.level or 1) + 1)))
            if submitted:
                previous = aid
                submitted_rounds.append((aid, stamp))
        if submitted_rounds and self.plan_choices:
            count = self.plan_rng.randint(0, 2 * PLAN_ENTRIES_MEAN)
            entries, changes = plan_rows(
                self.plan_rng, municipality_id, user_id, submitted_rounds, self.plan_choices, self.next_plan_entry + 1, count, q.area_ids
            )
            self.next_plan_entry += count
            for row in entries:
                rows.add("plan_entries", row)
            for row in changes:
                rows.add("plan_entry_changes", row)

    def _consultant(self, rows: Rows, aid: int, profile: Any, submitted_at: datetime) -> None:
        """Validated levels for a third of the submitted rounds, notes on a fifth."""
        rng = self.rng
        at = submitted_at + timedelta(days=rng.randint(3, 30))
        if rng.random() < 0.3:
            for area in profile.areas:
                if rng.random() < 0.6:
                    level = min(5, max(1, (area.level or 2) + rng.choice((-1, 0, 0, 1))))
                    reason = f"Im Vor-Ort-Gespräch bestätigt (synthetisch, Stufe {level})."
                    rows.add("validated_levels", (aid, area.id, level, reason, self.consultant_id, at))
        if rng.random() < 0.2:
            for n in range(rng.randint(1, 3)):
                item = rng.choice(self.q.items).id if rng.random() < 0.5 else None
                rows.add(
                    "notes",
                    (
                        aid,
                        item,
                        f"Synthetische Notiz {n + 1}: im Gespräch nachfragen.",
                        self.consultant_id,
                        at + timedelta(hours=n),
                        rng.random() < 0.3,
                    ),
                )


# --------------------------------------------------------------------------- the run


def upgrade(url: str) -> None:
    """The schema as a deploy creates it: `digicheck db upgrade`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGICHECK_")}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="scale-seed-secret-of-at-least-32-characters",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    from web_bench import BenchError, cli

    try:
        cli(env, "db", "upgrade", timeout=300)
    except BenchError as exc:
        raise SeedError(str(exc)) from None


def seed(
    url: str,
    *,
    land: str | None,
    count: int | None,
    rounds: int,
    seed_value: int = 18,
    register_file: str | None = None,
    password: str = PASSWORD,
    quiet: bool = False,
) -> dict[str, int]:
    """Build the data into the empty database at `url`; returns rows written per table."""
    from digicheck.accounts.services import hash_password
    from digicheck.app import create_app
    from digicheck.content import questionnaire
    from digicheck.demo_data import register_file as default_register
    from digicheck.extensions import db
    from digicheck.register import read_register

    started = time.perf_counter()
    upgrade(url)
    app = create_app({"SECRET_KEY": "scale-seed-secret-of-at-least-32-characters", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.session.scalar(text("SELECT count(*) FROM municipalities")) or db.session.scalar(text("SELECT count(*) FROM users")):
            raise SeedError("die Datenbank ist nicht leer (Kommunen oder Konten vorhanden); bitte eine leere Datenbank angeben")
        db.session.remove()
        path = Path(register_file) if register_file else default_register()
        register = read_register(path)
        entries = chosen_entries(register.entries, land, count)
        secret = hash_password(password)
        q = questionnaire()
        seeder = Seeder(
            q,
            rounds,
            random.Random(seed_value),
            secret,
            register.gebietsstand,
            plan_choices=plan_choices(q),
            plan_rng=random.Random(seed_value + 16),
        )
        tables = {name: db.metadata.tables[name] for name in COLUMNS}
        written = dict.fromkeys(COLUMNS, 0)
        raw = db.engine.raw_connection()
        try:
            staff = [
                (1, ADMIN, "Bench Administration", secret, "admin", None, True, 0, REFERENCE),
                (2, CONSULTANT, "Bench Beratung", secret, "berater", None, True, 0, REFERENCE),
            ]
            written["users"] += bulk_insert(raw, tables["users"], COLUMNS["users"], staff)
            for offset in range(0, len(entries), CHUNK):
                rows = seeder.chunk(entries[offset : offset + CHUNK])
                for name, columns in COLUMNS.items():
                    written[name] += bulk_insert(raw, tables[name], columns, rows.tables.get(name, ()))
                raw.commit()
                if not quiet:
                    print(f"  {min(offset + CHUNK, len(entries)):,} / {len(entries):,} municipalities", file=sys.stderr, flush=True)
        finally:
            raw.close()
        finish_load(db.engine, COLUMNS)
    written["seconds"] = round(time.perf_counter() - started)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty database: sqlite:///file or postgresql+psycopg://…")
    parser.add_argument("--scale", choices=sorted(SCALES), help="hessen: 442 municipalities × 3 rounds; germany: the whole register × 3")
    parser.add_argument("--municipalities", type=int, help="how many (Hessen first; beyond the register synthetic ones)")
    parser.add_argument("--rounds", type=int, help="rounds per participating municipality (default 3)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--register", help="GV100AD or CSV file (default: the newest GV100AD in ../shared/data)")
    parser.add_argument("--password", default=PASSWORD, help="the password of every account written")
    args = parser.parse_args()
    if (args.scale is None) == (args.municipalities is None):
        parser.error("entweder --scale oder --municipalities angeben")
    land, rounds = SCALES[args.scale] if args.scale else (None, 3)
    rounds = args.rounds or rounds
    if not 1 <= rounds <= 20 or (args.municipalities is not None and args.municipalities < 1):
        parser.error("--rounds zwischen 1 und 20, --municipalities mindestens 1")
    try:
        written = seed(
            args.database_url,
            land=land,
            count=args.municipalities,
            rounds=rounds,
            seed_value=args.seed,
            register_file=args.register,
            password=args.password,
        )
    except SeedError as exc:
        print(f"scale_seed: {exc}", file=sys.stderr)
        return 1
    seconds = written.pop("seconds")
    print(", ".join(f"{name} {n:,}" for name, n in written.items()) + f"  ({seconds} s)")
    print(f"logins (password {args.password}): {CONSULTANT}, {ADMIN}, kommune-<AGS>@scale.digicheck.invalid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
