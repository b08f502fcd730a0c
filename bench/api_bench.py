"""API speed beside what it stands for, on the synthetic national data of bench/report_bench.py.

Loads the same 100,000 submitted assessments (about 10,800 municipalities, 10 rounds) into a fresh
SQLite file and a fresh PostgreSQL database, then times in the same run, interleaved --repeat
times after one untimed pass (best time of each kept; the list and its SQL, which take milliseconds,
`--samples` times each per pass), through the Flask test client (the whole
request: routing, token or session, rate limit, query, serialisation, ETag):

  benchmark  GET /api/v1/benchmark?dimension=kreis with an analyst token, beside
  page       GET /benchmark/?dimension=kreis, the report page, for an analyst account
             (the same figures; target: API <= 1.2 x page)
  list       GET /api/v1/assessments?limit=100 with a consultant token, a page in the middle
             (cursor) and one near the end (a page must not cost more the further it is), each beside
  sql        the same 100 rows and their levels in raw SQL (the page's statement, its area levels
             and validated levels), no Flask (target: API <= 2 x SQL)
  floor      a Flask app with nothing of Digi-Check's (no token, limiter, hooks, flask-smorest, schema):
             one route runs the raw SQL's statements on the product's engine and answers the same JSON
             document, through its own test client. What any Flask route serving the list costs at
             least; printed as a ratio to the SQL beside the list's, so that the target can be read
             against it

The best times come from separate bursts, and a burst that the machine disturbed moves a ratio by a
third or more between runs. So the list and its SQL are also timed in `--pairs` pairs of calls made
right after each other (list then SQL, then SQL then list, …), as are the floor and the SQL, and the
median of the per-pair ratios is printed beside: each ratio compares two calls made a moment apart,
under the same load.

`--parts` then shows what the list's ratio is made of: the median of pairs again with the product's
own parts taken away one after another (cumulative; not the product, only a measurement): the rate
limit, the commit, the ETag, the token check (a token found once and handed out again), and
Python's collector run twenty times less often; the floor beside. What remains beyond the floor is
Flask's routing and hooks as the product installs them (request log, security headers, CSRF and
login checks), flask-smorest's parsing of the query, and the view's own Python.

The rate limit counts in Flask-Limiter's store as the app is configured: `--storage` as
RATELIMIT_STORAGE_URI (default memory://, the single-process default; redis://HOST:PORT/DB as
production with several processes runs it). Given more than once, each store is measured on the
same loaded data, one after the other.

    python bench/api_bench.py [--assessments 100000] [--repeat 5] [--pairs 100] [--skip-postgres] [--storage URI ...]
                              [--sqlite-file PATH] [--postgres-database NAME] [--parts]

`--sqlite-file` and `--postgres-database` keep the loaded data for the next run: an existing
file or database is used as it is (loaded by an earlier run with the same --assessments and
--plan-entries), a missing one is loaded and kept. Without them the data lives for this run only.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report_bench import PG, load, psql, synthetic, synthetic_plans  # noqa: E402 - after the path is set

PASSWORD = "bench-passwort-123456"
PAGE = """SELECT a.id, a.municipality_id, m.ags, m.name, a.round, a.status, a.questionnaire_version, a.submitted_at, o.level
FROM assessments a JOIN municipalities m ON m.id = a.municipality_id
LEFT JOIN area_scores o ON o.assessment_id = a.id AND o.area_id = 'overall' AND o.assessment_id > :after
WHERE a.id > :after ORDER BY a.id LIMIT 101"""
LEVELS = "SELECT assessment_id, area_id, level FROM area_scores WHERE assessment_id IN ({ids}) AND area_id <> 'overall'"
VALIDATED = (
    "SELECT * FROM validated_levels WHERE id IN (SELECT max(id) FROM validated_levels WHERE assessment_id IN ({ids}) "
    "GROUP BY assessment_id, area_id)"
)


def callers(app: Any, tag: str = "") -> tuple[str, str, Any]:
    """An analyst token, a consultant token and a test client logged in as an analyst account
    (`tag` tells the accounts of several measurements on one database apart)."""
    from digicheck.accounts.services import hash_password
    from digicheck.accounts.tokens import create_token
    from digicheck.extensions import db
    from digicheck.models import Role, TokenRole, User

    with app.app_context():
        db.session.add(User(email=f"analyse{tag}@land.test", name="Analyse", role=Role.ANALYST, password_hash=hash_password(PASSWORD)))
        berater = User(email=f"berater{tag}@land.test", name="Beratung", role=Role.BERATER, password_hash=hash_password(PASSWORD))
        db.session.add(berater)
        db.session.flush()
        analyst = create_token("BI", TokenRole.ANALYST)[1]
        consultant = create_token("Planung", TokenRole.CONSULTANT, user=berater)[1]
        db.session.commit()
    browser = app.test_client()
    form = browser.get("/anmelden").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', form)
    assert csrf
    login = browser.post("/anmelden", data={"email": f"analyse{tag}@land.test", "password": PASSWORD, "csrf_token": csrf.group(1)})
    assert login.status_code == 302, login.status_code
    return analyst, consultant, browser


def raw_page(database: Any, after: int) -> tuple[Any, Any, Any]:
    """The raw SQL's three statements on a session or a connection: the page's rows (one more than
    100, as the API asks), the area levels and the validated levels of its first 100."""
    from sqlalchemy import text

    rows = database.execute(text(PAGE), {"after": after}).all()
    ids = ", ".join(str(r[0]) for r in rows[:100])
    return rows, database.execute(text(LEVELS.format(ids=ids))).all(), database.execute(text(VALIDATED.format(ids=ids))).all()


def floor_client(app: Any, after: int) -> Any:
    """A test client of a bare Flask app (nothing of Digi-Check's but the engine) whose one route, /rows,
    runs the raw SQL's three statements and answers the list's JSON document for the same rows."""
    import orjson
    from flask import Flask, Response

    from digicheck.extensions import db

    with app.app_context():
        engine = db.engine
    bare = Flask("floor")

    @bare.get("/rows")
    def rows() -> Response:
        with engine.connect() as connection:
            found, levels, newest = raw_page(connection, after)
        areas: dict[int, dict[str, int | None]] = {}
        for assessment_id, area_id, level in levels:
            areas.setdefault(assessment_id, {})[area_id] = level
        validated: dict[int, dict[str, int]] = {}
        for row in newest:
            validated.setdefault(row.assessment_id, {})[row.area_id] = row.level
        items = [
            {
                "id": id_,
                "municipality_id": municipality_id,
                "ags": ags,
                "municipality": name,
                "round": round_,
                "status": status,
                "questionnaire_version": version,
                "submitted_at": str(submitted_at) if submitted_at else None,
                "levels": {"overall": overall, "areas": areas.get(id_, {}), "validated": validated.get(id_, {})},
            }
            for id_, municipality_id, ags, name, round_, status, version, submitted_at, overall in found[:100]
        ]
        # the encoder the API uses (digicheck/api/routes.py: dumped): the floor is what any route pays for the same work
        return Response(orjson.dumps({"items": items, "next_cursor": None}), mimetype="application/json")

    return bare.test_client()


def median_ratio(first: Callable[[], Any], second: Callable[[], Any], pairs: int) -> float:
    """The median of `pairs` ratios time(first) / time(second), each of two calls right after each other;
    every other pair calls `second` first, so that neither always runs on what the other left in the caches."""
    ratios = []
    for n in range(pairs):
        took = {}
        for call in (first, second) if n % 2 == 0 else (second, first):
            started = time.perf_counter()
            call()
            took[call] = time.perf_counter() - started
        ratios.append(took[first] / took[second])
    return statistics.median(ratios)


def without_parts(app: Any, listed: Callable[[], Any], sql: Callable[[], Any], floor: Callable[[], Any], pairs: int) -> None:
    """--parts: the list's median ratio to its SQL with the product's parts taken away one after another
    (each step keeps the ones before it), then everything put back as it was."""
    import gc
    from contextlib import ExitStack

    from digicheck import transactions
    from digicheck.accounts import tokens
    from digicheck.extensions import limiter

    def rate_limit_off(stack: ExitStack) -> None:
        limiter.enabled = False
        stack.callback(setattr, limiter, "enabled", True)

    def hook_off(stack: ExitStack, hooks: list[Any], hook: Any) -> None:
        place = hooks.index(hook)
        hooks[place] = lambda response: response
        stack.callback(hooks.__setitem__, place, hook)

    def etag_off(stack: ExitStack) -> None:
        hooks = app.after_request_funcs["api"]
        saved = list(hooks)
        hooks.clear()  # the API's only after-request hook: ETag, Cache-Control, If-None-Match
        stack.callback(hooks.extend, saved)

    def token_once(stack: ExitStack) -> None:
        found = tokens.authenticate
        known: dict[str, Any] = {}

        def once(raw: str) -> Any:
            if raw not in known:
                known[raw] = found(raw)
            return known[raw]

        tokens.authenticate = once
        stack.callback(setattr, tokens, "authenticate", found)

    def collector_rarely(stack: ExitStack) -> None:
        stack.callback(gc.set_threshold, *gc.get_threshold())
        first, *older = gc.get_threshold()
        gc.set_threshold(first * 20, *older)

    steps = [
        ("the product", lambda stack: None),
        ("without the rate limit", rate_limit_off),
        ("... and without the commit", lambda stack: hook_off(stack, app.after_request_funcs[None], transactions._commit)),
        ("... and without the ETag", etag_off),
        ("... and without the token check", token_once),
        ("... and the collector 20 x less often", collector_rarely),
    ]
    with ExitStack() as stack:
        for label, take_away in steps:
            take_away(stack)
            print(f"  parts: {label:40s} median of {pairs} pairs: API/SQL {median_ratio(listed, sql, pairs):5.2f} x")
    print(
        f"  parts: {'the floor (bare Flask, same SQL+JSON)':40s} median of {pairs} pairs: floor/SQL {median_ratio(floor, sql, pairs):5.2f} x"
    )


def measure(
    app: Any, label: str, repeat: int, n_assessments: int, tag: str = "", samples: int = 20, pairs: int = 100, parts: bool = False
) -> None:

    from digicheck.extensions import db

    analyst, consultant, browser = callers(app, tag)
    client = app.test_client()
    after = n_assessments // 2

    def get(target: Any, url: str, headers: dict[str, str] | None = None) -> Callable[[], Any]:
        def run() -> Any:
            response = target.get(url, headers=headers or {})
            assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
            return response

        return run

    def sql(after: int) -> Callable[[], Any]:
        def run() -> Any:
            with app.app_context():
                found = raw_page(db.session, after)
                db.session.rollback()
                return found

        return run

    from digicheck.api.queries import encode_cursor

    def listed(after: int) -> Callable[[], Any]:
        return get(client, f"/api/v1/assessments?limit=100&cursor={encode_cursor(after)}", {"Authorization": f"Bearer {consultant}"})

    last = n_assessments - 150  # a page near the end: what a page costs must not grow with the cursor
    floor = floor_client(app, after)
    runs = {
        "benchmark": get(client, "/api/v1/benchmark?dimension=kreis", {"Authorization": f"Bearer {analyst}"}),
        "page": get(browser, "/benchmark/?dimension=kreis"),
        "list": listed(after),
        "sql": sql(after),
        "floor": get(floor, "/rows"),
        "list_last": listed(last),
        "sql_last": sql(last),
    }
    best = dict.fromkeys(runs, float("inf"))
    outcomes: dict[str, Any] = {}
    for run in runs.values():  # one untimed pass: warm caches
        run()
    for _ in range(repeat):
        for name, run in runs.items():
            # the list and its SQL take milliseconds: `samples` calls of each per pass, back to back,
            # so that one preemption by the scheduler does not decide either's best time
            for _ in range(samples if name not in ("benchmark", "page") else 1):
                started = time.perf_counter()
                outcomes[name] = run()
                best[name] = min(best[name], time.perf_counter() - started)
    paired = {
        "list": median_ratio(runs["list"], runs["sql"], pairs),
        "floor": median_ratio(runs["floor"], runs["sql"], pairs),
        "list_last": median_ratio(runs["list_last"], runs["sql_last"], pairs),
    }
    api_ids = [item["id"] for item in outcomes["list"].get_json()["items"]]
    assert api_ids == [row[0] for row in outcomes["sql"][0][:100]], "the list and the SQL must be the same rows"
    floor_items = outcomes["floor"].get_json()["items"]
    assert [item["id"] for item in floor_items] == api_ids, "the floor route must answer the same rows"
    assert [item["levels"] for item in floor_items] == [item["levels"] for item in outcomes["list"].get_json()["items"]]
    document = outcomes["benchmark"].get_json()
    published = sum(g["published"] for g in document["groups"] if g["dimension"] == "kreis")
    ms = {name: value * 1000 for name, value in best.items()}
    print(f"\n[{label}] round {document['round']}, {published}/{len(document['groups']) - 1} Kreise published")
    print(f"  report page               {ms['page']:8.1f} ms")
    ratio = ms["benchmark"] / ms["page"]
    print(f"  API benchmark             {ms['benchmark']:8.1f} ms   ratio API/page {ratio:6.2f} x  (target <= 1.2)")
    print(f"  raw SQL, 100 rows         {ms['sql']:8.1f} ms")
    print(f"  API list, 100 rows        {ms['list']:8.1f} ms   ratio API/SQL  {ms['list'] / ms['sql']:6.2f} x  (target <= 2)")
    print(f"  bare Flask, same SQL+JSON {ms['floor']:8.1f} ms   ratio floor/SQL {ms['floor'] / ms['sql']:5.2f} x  (no target: the floor)")
    print(f"  median of {pairs} interleaved pairs: API/SQL {paired['list']:5.2f} x, floor/SQL {paired['floor']:5.2f} x")
    print(f"  near the end: raw SQL     {ms['sql_last']:8.1f} ms")
    print(
        f"  near the end: API list    {ms['list_last']:8.1f} ms   ratio API/SQL  {ms['list_last'] / ms['sql_last']:6.2f} x  (target <= 2)"
    )
    print(f"  near the end, median of {pairs} interleaved pairs: API/SQL {paired['list_last']:5.2f} x")
    if parts:
        without_parts(app, runs["list"], runs["sql"], runs["floor"], pairs)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--samples", type=int, default=20, help="calls of the list and of its SQL per pass (best kept)")
    parser.add_argument("--pairs", type=int, default=100, help="pairs of calls of the list (or floor) and its SQL (median ratio)")
    parser.add_argument("--plan-entries", type=int, default=100_000, help="plan entries, as bench/report_bench.py loads them")
    parser.add_argument("--storage", action="append", help="the rate-limit store (RATELIMIT_STORAGE_URI); default memory://")
    parser.add_argument("--sqlite-file", help="keep the SQLite data in this file and reuse it when it exists")
    parser.add_argument("--postgres-database", help="keep the PostgreSQL data in this database and reuse it when it exists")
    parser.add_argument("--parts", action="store_true", help="then the list's ratio with the product's parts taken away one by one")
    args = parser.parse_args()
    if args.pairs < 1 or args.repeat < 1 or args.samples < 1:
        parser.error("--pairs, --repeat and --samples must be at least 1")
    stores = args.storage or ["memory://"]
    from digicheck.app import create_app

    logging.disable(logging.INFO)  # one request line per call would drown the figures
    settings = {
        "SECRET_KEY": "bench-secret-of-at-least-32-characters",
        "API_RATE_LIMIT": "1000000 per hour",
        "LOGIN_RATE_LIMIT": "100 per minute",
    }

    def measure_each(database: str, label: str, loaded: bool) -> None:
        for n, store in enumerate(stores):
            app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_STORAGE_URI": store})
            if n == 0 and not loaded:
                print(f"{label} load: {load(app, data()):.1f} s")
            elif n == 0:
                print(f"{label}: data kept from an earlier run ({database})")
            tag = f"{n}-{os.getpid()}" if loaded or n else str(n)  # accounts of an earlier run on kept data stay
            measure(app, f"{label}, rate-limit store {store}", args.repeat, args.assessments, tag, args.samples, args.pairs, args.parts)

    built: list[tuple[list[tuple], ...]] = []

    def data() -> tuple[list[tuple], ...]:
        if not built:
            assessments = synthetic(args.assessments)
            built.append((*assessments, *synthetic_plans(assessments, args.plan_entries)))
            print(f"synthetic data: {len(built[0][0]):,} municipalities, {len(built[0][1]):,} submitted assessments")
        return built[0]

    if args.sqlite_file:
        kept = Path(args.sqlite_file).resolve()
        measure_each(f"sqlite:///{kept}", "SQLite", kept.exists())
    else:
        with tempfile.TemporaryDirectory() as folder:
            measure_each(f"sqlite:///{folder}/bench.sqlite3", "SQLite", False)
    if args.skip_postgres:
        return
    if args.postgres_database:
        name = args.postgres_database
        found = subprocess.run(
            ["psql", "-h", PG["host"], "-U", PG["user"], "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        exists = found.stdout.strip() == "1"
        if not exists:
            psql("-d", "postgres", "-c", f"CREATE DATABASE {name}")
        measure_each(f"postgresql://{PG['user']}@{PG['host']}/{name}", "PostgreSQL", exists)
        return
    name = f"digicheck_api_bench_{os.getpid()}"
    psql("-d", "postgres", "-c", f"CREATE DATABASE {name}")
    try:
        measure_each(f"postgresql://{PG['user']}@{PG['host']}/{name}", "PostgreSQL", False)
    finally:
        psql("-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
