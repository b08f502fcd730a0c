"""`digicheck db upgrade | downgrade | current` as a deploy runs them, on fresh databases; concurrent
upgrades as two real processes."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from digicheck.app import MIGRATIONS
from tests.conftest import own_postgres_database

DIGICHECK = str(Path(sys.executable).parent / "digicheck")
SCRIPTS = ScriptDirectory(str(MIGRATIONS))
HEAD = SCRIPTS.get_current_head()
PREVIOUS = SCRIPTS.get_revision(HEAD).down_revision


def start(database_url: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=secrets.token_hex(20))
    env.pop("DIGICHECK_DEMO", None)
    return subprocess.Popen([DIGICHECK, *args], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def digicheck(database_url: str, *args: str) -> tuple[int, str, str]:
    """The command in this process (quicker than a new one): exit status, stdout, stderr."""
    from click.testing import CliRunner

    from digicheck.cli import main

    env = {"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(20), "DIGICHECK_DEMO": None}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def fresh_postgres(postgres_server_url: str) -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped after the test."""
    with own_postgres_database(postgres_server_url, "digicheck_migrate") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres"))


def schema_state(database_url: str) -> tuple[set[str], str | None, list[object]]:
    """Tables, the stored revision and the differences between the models and the schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import digicheck.models  # noqa: F401 - fills the metadata
    from digicheck.extensions import db

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            context = MigrationContext.configure(connection)
            revision = context.get_current_revision()
            diffs = compare_metadata(context, db.metadata) if revision else []
    finally:
        engine.dispose()
    return tables, revision, diffs


def test_two_upgrades_at_once_on_a_fresh_postgres_database(fresh_postgres: str) -> None:
    from digicheck.extensions import db

    first, second = start(fresh_postgres, "db", "upgrade"), start(fresh_postgres, "db", "upgrade")
    results = [(*p.communicate(timeout=120), p.returncode) for p in (first, second)]
    password = make_url(fresh_postgres).password
    for out, err, code in results:
        assert code == 0, err
        assert "Traceback" not in out + err
        assert not password or str(password) not in out + err
    outputs = sorted(out for out, _, _ in results)
    assert [line.split(":")[0] for line in outputs] == [
        f"Datenbank bereits aktuell (Revision {HEAD})",
        f"Datenbank migriert von leer auf {HEAD}",
    ]
    tables, revision, diffs = schema_state(fresh_postgres)
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    assert revision == HEAD
    assert diffs == [], "schema after concurrent upgrades differs from the models"


def test_downgrade_one_step_and_back(fresh_database: str) -> None:
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0

    code, out, _ = digicheck(fresh_database, "db", "downgrade", str(PREVIOUS))
    assert code == 0 and out.startswith(f"Datenbank zurückgesetzt von {HEAD} auf {PREVIOUS}")
    assert schema_state(fresh_database)[1] == PREVIOUS
    code, out, _ = digicheck(fresh_database, "db", "current")
    assert code == 0 and out.startswith(f"Revision {PREVIOUS} (veraltet; `digicheck db upgrade` migriert auf {HEAD})")
    assert "neueste" not in out  # deploy scripts look for "(neueste)"

    code, out, _ = digicheck(fresh_database, "db", "upgrade")
    assert code == 0 and out.startswith(f"Datenbank migriert von {PREVIOUS} auf {HEAD}")
    _, revision, diffs = schema_state(fresh_database)
    assert revision == HEAD and diffs == []
    code, out, _ = digicheck(fresh_database, "db", "current")
    assert code == 0 and out.startswith(f"Revision {HEAD} (neueste)")


def test_current_on_an_empty_database(fresh_database: str) -> None:
    code, out, _ = digicheck(fresh_database, "db", "current")
    assert code == 0 and out.startswith(f"Datenbank leer (keine Revision; `digicheck db upgrade` legt Revision {HEAD} an)")


def test_unknown_revision_is_one_line(fresh_database: str) -> None:
    digicheck(fresh_database, "db", "upgrade")
    code, out, err = digicheck(fresh_database, "db", "downgrade", "gibtsnicht")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"Fehler: unbekannte Revision 'gibtsnicht'; vorhanden sind {', '.join(reversed([s.revision for s in SCRIPTS.walk_revisions()]))} und base"
    ]
    assert schema_state(fresh_database)[1] == HEAD  # nothing changed


def test_downgrade_to_a_newer_revision_is_refused(fresh_database: str) -> None:
    digicheck(fresh_database, "db", "upgrade")
    digicheck(fresh_database, "db", "downgrade", str(PREVIOUS))
    code, _, err = digicheck(fresh_database, "db", "downgrade", HEAD)
    assert code == 1 and len(err.splitlines()) == 1 and err.startswith(f"Fehler: Revision {HEAD} liegt nicht vor")


def test_database_of_a_newer_release_is_named(fresh_database: str) -> None:
    """A rollback of the code without `db downgrade` first: say what to do, touch nothing."""
    digicheck(fresh_database, "db", "upgrade")
    engine = create_engine(fresh_database)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for command in (["db", "upgrade"], ["db", "current"], ["db", "downgrade", str(PREVIOUS)]):
        code, out, err = digicheck(fresh_database, *command)
        assert code == 1 and out == "", command
        assert err.splitlines() == [
            "Fehler: Die Datenbank hat Revision 9999, die diese Version nicht kennt: sie stammt von "
            f"einer neueren Version; mit dieser zuerst `digicheck db downgrade {HEAD}` ausführen"
        ]
    assert schema_state(fresh_database)[1] == "9999"


@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["db", "downgrade", "base"]])
def test_unreachable_database_is_one_line(command: list[str]) -> None:
    code, out, err = digicheck("postgresql+psycopg://postgres:geheim@127.0.0.1:1/keine", *command)
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("Fehler: Datenbank nicht erreichbar: ")
    assert "geheim" not in err


def test_0008_fills_the_name_search_key_of_existing_rows_and_goes_back(fresh_database: str) -> None:
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert digicheck(fresh_database, "db", "downgrade", "0007")[0] == 0
    engine = create_engine(fresh_database)
    try:
        with engine.begin() as connection:
            for ags, name in (("06531005", "Gießen"), ("06636013", "Weißenborn"), ("06434001", "Bad Homburg v. d. Höhe")):
                connection.execute(
                    text(
                        "INSERT INTO municipalities (ags, name, kind, kreis, regierungsbezirk, population, created_at, updated_at) "
                        "VALUES (:ags, :name, 'Stadt', 'Kreis', 'Gießen', 1000, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"ags": ags, "name": name},
                )
        assert digicheck(fresh_database, "db", "upgrade")[0] == 0
        with engine.connect() as connection:
            keys = dict(connection.execute(text("SELECT name, name_search FROM municipalities")).all())
            assert keys == {"Gießen": "giessen", "Weißenborn": "weissenborn", "Bad Homburg v. d. Höhe": "badhomburgvdhoehe"}
            found = connection.execute(text("SELECT name FROM municipalities WHERE name_search LIKE '%giessen%'")).scalars().all()
            assert found == ["Gießen"]
        code, out, _ = digicheck(fresh_database, "db", "downgrade", "0007")
        assert code == 0 and out.startswith(f"Datenbank zurückgesetzt von {HEAD} auf 0007")
        with engine.connect() as connection:
            assert "name_search" not in {c["name"] for c in inspect(connection).get_columns("municipalities")}
            assert connection.execute(text("SELECT COUNT(*) FROM municipalities")).scalar() == 3
    finally:
        engine.dispose()


def test_0009_adds_api_tokens_and_the_analyst_role_and_goes_back_only_without_analysts(fresh_database: str) -> None:
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    engine = create_engine(fresh_database)
    insert_user = text(
        "INSERT INTO users (email, name, password_hash, role, active, session_epoch, created_at) "
        "VALUES (:email, 'Analyse', 'x', :role, :active, 0, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as connection:
            connection.execute(insert_user, {"email": "analyse@land.test", "role": "analyst", "active": True})
        with engine.connect() as connection:
            assert connection.execute(text("SELECT role FROM users")).scalar() == "analyst"
            assert "api_tokens" in inspect(connection).get_table_names()

        code, out, err = digicheck(fresh_database, "db", "downgrade", "0008")
        assert code == 1 and out == "" and len(err.splitlines()) == 1
        assert "Migration fehlgeschlagen (Revision vorher: " in err and "1 Konto/Konten mit der Rolle Analyse (Land)" in err
        # PostgreSQL rolls the whole downgrade back; SQLite keeps the steps above 0009 undone (its DDL
        # commits per statement), but never goes below the revision that refused
        assert schema_state(fresh_database)[1] in (HEAD, "0009")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT role FROM users")).scalar() == "analyst"
            assert "api_tokens" in inspect(connection).get_table_names()

        with engine.begin() as connection:
            connection.execute(text("DELETE FROM users"))
        code, out, _ = digicheck(fresh_database, "db", "downgrade", "0008")
        assert code == 0 and out.startswith("Datenbank zurückgesetzt von ") and " auf 0008" in out
        with engine.connect() as connection:
            assert "api_tokens" not in inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_0011_marks_stored_levels_provisional_by_their_range_and_goes_back(fresh_database: str) -> None:
    """Erbach-IKZ 2023: Kooperation has 73 % coverage (not provisional by the old rule) but three open
    questions that leave it between level 2 and 4; Strategie is firm either way."""
    import json

    from scoring.advice.references import load_references
    from scoring.library import Library

    q = Library.load().versions["2026.1"]
    answers = next(r for r in load_references(q) if r.id == "erbach-ikz-2023").answers
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert digicheck(fresh_database, "db", "downgrade", "0008")[0] == 0
    engine = create_engine(fresh_database)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO municipalities (ags, name, kind, kreis, regierungsbezirk, population, name_search, created_at, updated_at) "
                    "VALUES ('06437006', 'Erbach', 'Stadt', 'Odenwaldkreis', 'Darmstadt', 13000, 'erbach', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO assessments (id, municipality_id, questionnaire_version, round, status, is_demo, created_at, updated_at, submitted_at) "
                    "VALUES (1, (SELECT id FROM municipalities), '2026.1', 1, 'submitted', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            for item_id, value in answers.items():
                connection.execute(
                    text(
                        "INSERT INTO answers (assessment_id, item_id, value, version, updated_at) VALUES (1, :item, :value, 1, CURRENT_TIMESTAMP)"
                    ),
                    {"item": item_id, "value": json.dumps(list(value) if isinstance(value, tuple) else value)},
                )
            for area_id, coverage, provisional in (("strategie", 0.82, False), ("kooperation", 0.73, False), ("overall", 0.36, True)):
                connection.execute(
                    text(
                        "INSERT INTO area_scores (assessment_id, area_id, score, level, coverage, provisional) "
                        "VALUES (1, :area, 50.0, 3, :coverage, :provisional)"
                    ),
                    {"area": area_id, "coverage": coverage, "provisional": provisional},
                )

        def flags() -> dict[str, bool]:
            with engine.connect() as connection:
                return {a: bool(p) for a, p in connection.execute(text("SELECT area_id, provisional FROM area_scores")).all()}

        assert digicheck(fresh_database, "db", "upgrade")[0] == 0
        assert flags() == {"strategie": False, "kooperation": True, "overall": True}  # overall: level 2, range 2-4
        assert digicheck(fresh_database, "db", "downgrade", "0008")[0] == 0
        assert flags() == {"strategie": False, "kooperation": False, "overall": False}  # by coverage of the stored areas
    finally:
        engine.dispose()


def insert_places(connection: Any, ags_list: Sequence[str], *, with_land: bool) -> None:
    """Municipalities as an older schema holds them (`land` from 0014 on), written with plain SQL."""
    land = (", land", ", :land") if with_land else ("", "")
    for ags in ags_list:
        connection.execute(
            text(
                f"INSERT INTO municipalities (ags{land[0]}, name, name_search, kind, kreis, regierungsbezirk, population, created_at, updated_at) "
                f"VALUES (:ags{land[1]}, 'Ort', 'ort', 'Stadt', 'Kreis', '', 1000, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"ags": ags, "land": ags[:2]},
        )


def test_0014_fills_the_land_of_existing_rows_and_goes_back(fresh_database: str) -> None:
    before = str(SCRIPTS.get_revision("0014").down_revision)
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert digicheck(fresh_database, "db", "downgrade", before)[0] == 0
    engine = create_engine(fresh_database)
    try:
        with engine.begin() as connection:
            insert_places(connection, ("06437006", "09162000", "11000000", "06437"), with_land=False)
        assert digicheck(fresh_database, "db", "upgrade")[0] == 0
        with engine.connect() as connection:
            lands = dict(connection.execute(text("SELECT ags, land FROM municipalities")).all())
            assert lands == {"06437006": "06", "09162000": "09", "11000000": "11", "06437": "06"}
            indexes = {i["name"] for i in inspect(connection).get_indexes("municipalities")}
            assert "ix_municipalities_land" in indexes
        assert digicheck(fresh_database, "db", "downgrade", before)[0] == 0
        with engine.connect() as connection:
            assert "land" not in {c["name"] for c in inspect(connection).get_columns("municipalities")}
            assert connection.execute(text("SELECT COUNT(*) FROM municipalities")).scalar() == 4
    finally:
        engine.dispose()


def test_0015_adds_the_overview_indexes_and_goes_back(fresh_database: str) -> None:
    wanted = {"ix_municipalities_name_ags": ["name", "ags"], "ix_municipalities_kreis_regierungsbezirk": ["kreis", "regierungsbezirk"]}

    def indexes() -> dict[str, list[str]]:
        engine = create_engine(fresh_database)
        try:
            return {i["name"]: list(i["column_names"]) for i in inspect(engine).get_indexes("municipalities") if i["name"] in wanted}
        finally:
            engine.dispose()

    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert indexes() == wanted
    assert digicheck(fresh_database, "db", "downgrade", str(SCRIPTS.get_revision("0015").down_revision))[0] == 0
    assert indexes() == {}
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert indexes() == wanted


def test_0016_stores_the_newest_round_of_existing_municipalities_and_goes_back(fresh_database: str) -> None:
    """Rows written before 0016 get their newest round's status, the level of the newest submitted
    round and the last activity; 0 and NULL where there is no round."""
    before = str(SCRIPTS.get_revision("0016").down_revision)
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert digicheck(fresh_database, "db", "downgrade", before)[0] == 0
    engine = create_engine(fresh_database)
    columns = ("round_status", "round_level", "last_activity")
    try:
        with engine.begin() as connection:
            insert_places(connection, ("06437006", "06531005", "06411000", "06412000"), with_land=True)
            ids = dict(connection.execute(text("SELECT ags, id FROM municipalities")).all())
            connection.execute(text("INSERT INTO users (email, name, password_hash, role, active, session_epoch, created_at) "
                                    "VALUES ('b@x.test', 'B', '!', 'berater', true, 0, CURRENT_TIMESTAMP)"))  # fmt: skip
            rounds = [  # (ags, round, status, updated_at, overall level, validated)
                ("06437006", 1, "submitted", "2026-03-01 10:00:00+00:00", 2, False),
                ("06437006", 2, "in_progress", "2026-09-01 10:00:00+00:00", None, False),
                ("06531005", 1, "submitted", "2026-04-01 10:00:00+00:00", 3, False),
                ("06531005", 2, "submitted", "2026-05-01 10:00:00+00:00", 4, True),
                ("06411000", 1, "submitted", "2026-06-01 10:00:00+00:00", 1, False),
            ]
            for ags, number, status, updated, level, validated in rounds:
                assessment_id = connection.execute(
                    text(
                        "INSERT INTO assessments (municipality_id, questionnaire_version, round, status, is_demo, created_at, updated_at) "
                        "VALUES (:m, '2026.1', :r, :s, false, :u, :u) RETURNING id"
                    ),
                    {"m": ids[ags], "r": number, "s": status, "u": updated},
                ).scalar_one()
                if level is not None:
                    connection.execute(
                        text("INSERT INTO area_scores (assessment_id, area_id, score, level, coverage, provisional) "
                             "VALUES (:a, 'overall', 50, :l, 1, false)"),
                        {"a": assessment_id, "l": level},
                    )  # fmt: skip
                if validated:
                    connection.execute(
                        text("INSERT INTO validated_levels (assessment_id, area_id, level, reason, consultant_id, created_at) "
                             "VALUES (:a, 'technik', 3, 'geprüft', (SELECT id FROM users), CURRENT_TIMESTAMP)"),
                        {"a": assessment_id},
                    )  # fmt: skip
        assert digicheck(fresh_database, "db", "upgrade")[0] == 0
        with engine.connect() as connection:
            found = {
                ags: (status, level, str(activity)[:10] if activity else None)
                for ags, status, level, activity in connection.execute(text(f"SELECT ags, {', '.join(columns)} FROM municipalities"))
            }
            assert found == {
                "06437006": ("in_progress", 2, "2026-09-01"),
                "06531005": ("validated", 4, "2026-05-01"),
                "06411000": ("submitted", 1, "2026-06-01"),
                "06412000": (None, 0, None),
            }
            indexes = {i["name"] for i in inspect(connection).get_indexes("municipalities")}
            assert {"ix_municipalities_round_status_name_ags", "ix_municipalities_round_level_name_ags"} <= indexes
        assert digicheck(fresh_database, "db", "downgrade", before)[0] == 0
        with engine.connect() as connection:
            assert not set(columns) & {c["name"] for c in inspect(connection).get_columns("municipalities")}
            assert connection.execute(text("SELECT COUNT(*) FROM assessments")).scalar() == 5
    finally:
        engine.dispose()


def test_0017_marks_the_waiting_threads_of_existing_notes_and_adds_the_filter_indexes_and_goes_back(fresh_database: str) -> None:
    """Notes written before 0017 get `waiting_since` (the root's creation) exactly on the roots that wait
    for the consultation: not resolved or deleted, with an entry of a Kommune user that stands."""
    before = str(SCRIPTS.get_revision("0017").down_revision)
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert digicheck(fresh_database, "db", "downgrade", before)[0] == 0
    engine = create_engine(fresh_database)
    new_indexes = {
        "notes": {"ix_notes_waiting_since"},
        "municipalities": {"ix_municipalities_land_kreis_regierungsbezirk", "ix_municipalities_land_listed"},
    }

    def indexes(connection: Any) -> dict[str, set[str]]:
        return {table: {i["name"] for i in inspect(connection).get_indexes(table)} & names for table, names in new_indexes.items()}

    try:
        with engine.begin() as connection:
            insert_places(connection, ("06437006",), with_land=True)
            for email, role in (("b@x.test", "berater"), ("k@x.test", "kommune")):
                connection.execute(text("INSERT INTO users (email, name, password_hash, role, active, session_epoch, created_at) "
                                        "VALUES (:e, 'N', '!', :r, true, 0, CURRENT_TIMESTAMP)"), {"e": email, "r": role})  # fmt: skip
            users = dict(connection.execute(text("SELECT role, id FROM users")).all())
            assessment_id = connection.execute(
                text(
                    "INSERT INTO assessments (municipality_id, questionnaire_version, round, status, is_demo, created_at, updated_at) "
                    "VALUES ((SELECT id FROM municipalities), '2026.1', 1, 'in_progress', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
                    "RETURNING id"
                )
            ).scalar_one()

            def note(text_: str, author: str, day: int, parent: int | None = None, deleted: bool = False, resolved: bool = False) -> int:
                return int(
                    connection.execute(
                        text(
                            "INSERT INTO notes (assessment_id, text, author_id, created_at, shared, parent_id, deleted_at, resolved_at) "
                            "VALUES (:a, :t, :u, :c, true, :p, :d, :r) RETURNING id"
                        ),
                        {
                            "a": assessment_id,
                            "t": text_,
                            "u": users[author],
                            "c": f"2026-10-{day:02d} 10:00:00+00:00",
                            "p": parent,
                            "d": "2026-11-01 10:00:00+00:00" if deleted else None,
                            "r": "2026-11-02 10:00:00+00:00" if resolved else None,
                        },
                    ).scalar_one()
                )

            note("Frage der Kommune", "kommune", 1)
            answered = note("Notiz der Beratung, die Kommune antwortet", "berater", 2)
            note("Antwort der Kommune", "kommune", 3, parent=answered)
            withdrawn = note("Notiz der Beratung, Antwort gelöscht", "berater", 4)
            note("", "kommune", 5, parent=withdrawn, deleted=True)
            note("Erledigte Frage", "kommune", 6, resolved=True)
            note("", "kommune", 7, deleted=True)
            note("Notiz der Beratung allein", "berater", 8)
        assert digicheck(fresh_database, "db", "upgrade")[0] == 0
        with engine.connect() as connection:
            found = {t: str(w)[:10] if w else None for t, w in connection.execute(text("SELECT text, waiting_since FROM notes"))}
            assert found == {
                "Frage der Kommune": "2026-10-01",
                "Notiz der Beratung, die Kommune antwortet": "2026-10-02",
                "Antwort der Kommune": None,
                "Notiz der Beratung, Antwort gelöscht": None,
                "Erledigte Frage": None,
                "": None,
                "Notiz der Beratung allein": None,
            }
            assert indexes(connection) == new_indexes
        assert digicheck(fresh_database, "db", "downgrade", before)[0] == 0
        with engine.connect() as connection:
            assert "waiting_since" not in {c["name"] for c in inspect(connection).get_columns("notes")}
            assert indexes(connection) == {"notes": set(), "municipalities": set()}
            assert connection.execute(text("SELECT COUNT(*) FROM notes")).scalar() == 8
    finally:
        engine.dispose()


def test_0013_binds_consultant_tokens_to_their_creator_or_revokes_them_and_goes_back(fresh_database: str) -> None:
    """Consultant tokens recorded validated levels under the account that created them: they stay
    bound to it; one created on the command line (no account) is revoked, the other roles untouched."""
    assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    assert digicheck(fresh_database, "db", "downgrade", "0012")[0] == 0
    engine = create_engine(fresh_database)
    user = text(
        "INSERT INTO users (id, email, name, password_hash, role, active, session_epoch, created_at) "
        "VALUES (:id, :email, :email, 'x', :role, true, 0, CURRENT_TIMESTAMP)"
    )
    token = text(
        "INSERT INTO api_tokens (id, name, role, secret_hash, prefix, created_by_id, created_at, expires_at) "
        "VALUES (:id, :name, :role, :hash, 'dc_', :by, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as connection:
            connection.execute(
                user, [{"id": 1, "email": "admin@x.test", "role": "admin"}, {"id": 2, "email": "b@x.test", "role": "berater"}]
            )
            rows = [
                (1, "Planung (Admin)", "consultant", 1),
                (2, "Planung (Beratung)", "consultant", 2),
                (3, "Planung (CLI)", "consultant", None),
                (4, "Buchung", "provider", 1),
                (5, "BI (CLI)", "analyst", None),
            ]
            connection.execute(token, [{"id": i, "name": n, "role": r, "hash": f"{i:064d}", "by": by} for i, n, r, by in rows])
        assert digicheck(fresh_database, "db", "upgrade")[0] == 0
        assert schema_state(fresh_database)[2] == []
        with engine.connect() as connection:
            found = connection.execute(text("SELECT id, user_id, revoked_at IS NOT NULL FROM api_tokens ORDER BY id")).all()
        assert [tuple(r) for r in found] == [(1, 1, False), (2, 2, False), (3, None, True), (4, None, False), (5, None, False)]

        code, out, _ = digicheck(fresh_database, "db", "downgrade", "0012")
        assert code == 0 and " auf 0012" in out
        with engine.connect() as connection:
            assert "user_id" not in {c["name"] for c in inspect(connection).get_columns("api_tokens")}
            assert connection.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 5
        assert digicheck(fresh_database, "db", "upgrade")[0] == 0
    finally:
        engine.dispose()
