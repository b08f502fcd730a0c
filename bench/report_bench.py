"""Benchmark report speed at national scale, beside a raw SQL aggregate over the same rows.

Creates about 10,800 synthetic municipalities (16 Länder, ~40 Regierungsbezirke, ~400
Kreise, log-normal populations) and 100,000 submitted assessments over 10 rounds
(2017-2026, ~93 % participation per year) with their 600,000 stored area results, in a
fresh SQLite file and in a fresh PostgreSQL database on 127.0.0.1 (created here with
`createdb`, dropped at the end). Rows are inserted with executemany (SQLite) and COPY
(PostgreSQL). Then, in the same run and on the same rows, it times:

  report  digicheck.services.benchmark.build_report(...)  (what /benchmark/ calls:
          dimension Kreis, newest round, one municipality's ranks and neighbours)
  raw     SELECT area_id, COUNT(*), AVG(score) FROM area_scores GROUP BY area_id
  median  the median per area over the same rows (PostgreSQL percentile_cont;
          SQLite ROW_NUMBER window), a raw aggregate that also has to sort

and prints the best of --repeat runs, the ratios report/raw and report/median (target
<= 2x) and the absolute report time (target < 2 s on PostgreSQL), with a breakdown
(SQL, guard, clustering). Bounded: about 2-4 minutes in all.

    python bench/report_bench.py [--assessments 100000] [--repeat 3] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AREAS = ("strategie", "organisation", "kooperation", "kommunikation", "technik")
YEARS = tuple(range(2017, 2027))
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
PG = {"host": "127.0.0.1", "user": os.environ.get("PGUSER", "postgres")}


def synthetic(n_assessments: int, seed: int = 6) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(municipalities, assessments, area_scores) rows, deterministic."""
    rng = np.random.default_rng(seed)
    municipalities, kreis_of = [], []
    ident = 0
    for land in range(1, 17):
        rbs = [f"RB {land:02d}-{r}" for r in range(int(rng.integers(1, 5)))] if land % 4 else [""]
        for k in range(25):
            kreis_ags = f"{land:02d}{k + 1:03d}"
            rb = rbs[k % len(rbs)]
            ident += 1
            municipalities.append((ident, f"{kreis_ags}000", f"Landkreis {kreis_ags}", "Landkreis", f"Landkreis {kreis_ags}",
                                   kreis_ags, rb, int(rng.integers(80_000, 600_000)), NOW, NOW))
            for g in range(26):
                ident += 1
                population = int(np.clip(rng.lognormal(8.0, 1.3), 50, 3_700_000))
                kind = "kreisfreie Stadt" if g == 0 and k % 6 == 0 else ("Stadt" if population > 8000 or g % 5 == 0 else "Gemeinde")
                municipalities.append((ident, f"{kreis_ags}{g + 1:03d}", f"Gemeinde {kreis_ags}{g + 1:03d}", kind,
                                       f"Landkreis {kreis_ags}", kreis_ags, rb, population, NOW, NOW))
    count = len(municipalities)
    per_year = n_assessments / len(YEARS)
    base = rng.uniform(10, 70, (count, len(AREAS)))
    assessments, scores = [], []
    round_no = np.zeros(count, dtype=np.int64)
    aid = 0
    for y, year in enumerate(YEARS):
        chosen = np.sort(rng.choice(count, size=int(round(per_year)), replace=False))
        values = np.clip(base[chosen] + 2.5 * y + rng.normal(0, 6, (chosen.size, len(AREAS))), 0, 100).round(2)
        for row, m in enumerate(chosen.tolist()):
            aid += 1
            round_no[m] += 1
            stamp = datetime(year, int(rng.integers(1, 13)), 10, 12, tzinfo=timezone.utc)
            assessments.append((aid, m + 1, "2026.1", int(round_no[m]), "submitted", False, stamp, stamp, stamp))
            area_values = values[row].tolist()
            for area, v in [*zip(AREAS, area_values), ("overall", round(sum(area_values) / len(AREAS), 4))]:
                scores.append((aid, area, v, 1 + (v >= 20) + (v >= 40) + (v >= 60) + (v >= 80), 1.0, False))
    return municipalities, assessments, scores


MUNICIPALITY_COLUMNS = ("id", "ags", "name", "kind", "kreis", "kreis_ags", "regierungsbezirk", "population", "created_at", "updated_at")
ASSESSMENT_COLUMNS = ("id", "municipality_id", "questionnaire_version", "round", "status", "is_demo",
                      "created_at", "updated_at", "submitted_at")
SCORE_COLUMNS = ("assessment_id", "area_id", "score", "level", "coverage", "provisional")


def load(app: Any, data: tuple[list[tuple], list[tuple], list[tuple]]) -> float:
    """Create the schema and bulk-insert; returns seconds."""
    from digicheck.extensions import db

    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            tables = (("municipalities", MUNICIPALITY_COLUMNS), ("assessments", ASSESSMENT_COLUMNS), ("area_scores", SCORE_COLUMNS))
            for (table, columns), rows in zip(tables, data, strict=True):
                if db.engine.dialect.name == "postgresql":
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join("?" for _ in columns)
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                       [tuple(v.isoformat(" ") if isinstance(v, datetime) else v for v in r) for r in rows]
                                       if table != "area_scores" else rows)
            raw.commit()
            if db.engine.dialect.name == "postgresql":
                driver = raw.driver_connection
                driver.autocommit = True  # type: ignore[union-attr]
                driver.execute("VACUUM ANALYZE")  # type: ignore[union-attr]
            else:
                raw.cursor().execute("ANALYZE")
        finally:
            raw.close()
    return time.perf_counter() - started


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


MEDIAN_SQLITE = """SELECT area_id, AVG(score) FROM (
  SELECT area_id, score, ROW_NUMBER() OVER (PARTITION BY area_id ORDER BY score) AS rn,
         COUNT(*) OVER (PARTITION BY area_id) AS n FROM area_scores WHERE score IS NOT NULL
) t WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY area_id"""
MEDIAN_PG = "SELECT area_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM area_scores GROUP BY area_id"
RAW = "SELECT area_id, COUNT(*), AVG(score) FROM area_scores GROUP BY area_id"


def measure(app: Any, label: str, repeat: int) -> None:
    from sqlalchemy import text

    import digicheck.services.benchmark as service
    import digicheck.services.benchmark_guard as guarding
    from digicheck.extensions import db
    from digicheck.models import Municipality

    spent = {"sql": 0.0, "guard": 0.0, "cluster": 0.0}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return wrapper

    originals = (service._rows, guarding.guard, service.cluster_profiles)
    service._rows, guarding.guard, service.cluster_profiles = (
        timed("sql", originals[0]), timed("guard", originals[1]), timed("cluster", originals[2]))
    try:
        with app.app_context():
            dialect = db.engine.dialect.name
            who = db.session.scalars(db.select(Municipality).where(Municipality.ags == "06003007")).one()
            db.session.expunge(who)
            def query(sql: str) -> Callable[[], Any]:
                def run() -> Any:
                    if dialect == "postgresql":  # the same session settings as the report's transaction
                        db.session.execute(text(f"SET LOCAL work_mem = '{service.WORK_MEM}'"))
                        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
                    rows = db.session.execute(text(sql)).all()
                    db.session.rollback()
                    return rows
                return run

            def report() -> Any:
                result = service.build_report(None, "kreis", k=5, include_demo=False, municipality=who, with_similar=True)
                db.session.rollback()
                return result

            raw_time, _ = best(query(RAW), repeat)
            median_time, _ = best(query(MEDIAN_PG if dialect == "postgresql" else MEDIAN_SQLITE), repeat)
            for key in spent:
                spent[key] = 0.0
            report_time, report = best(report, repeat)
            shares = {key: value / repeat for key, value in spent.items()}
            published = sum(g.published for g in report.groups)
            print(f"\n[{label}] rows: {db.session.scalar(text('SELECT COUNT(*) FROM area_scores')):,} area results, "
                  f"round {report.round}: {report.land.size:,} assessments, {published}/{len(report.groups)} Kreise published, "
                  f"{sum(r.decision.published for r in report.archetypes)}/{len(report.archetypes)} types")
            print(f"  raw GROUP BY area      {raw_time * 1000:8.1f} ms")
            print(f"  median per area        {median_time * 1000:8.1f} ms")
            print(f"  benchmark report       {report_time * 1000:8.1f} ms   (per run: SQL {shares['sql'] * 1000:.0f} ms, "
                  f"guard {shares['guard'] * 1000:.0f} ms, clustering {shares['cluster'] * 1000:.0f} ms)")
            print(f"  ratio report/raw       {report_time / raw_time:8.2f} x   (target <= 2)")
            print(f"  ratio report/median    {report_time / median_time:8.2f} x   (target <= 2)")
            if dialect == "postgresql":
                print(f"  absolute report time   {report_time:8.2f} s   (target < 2 s): {'ok' if report_time < 2 else 'MISSED'}")
            db.session.remove()
            db.engine.dispose()
    finally:
        service._rows, guarding.guard, service.cluster_profiles = originals


def psql(*args: str) -> None:
    subprocess.run(["psql", "-h", PG["host"], "-U", PG["user"], "-v", "ON_ERROR_STOP=1", "-q", *args], check=True,
                   capture_output=True, timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    from digicheck import create_app

    started = time.perf_counter()
    data = synthetic(args.assessments)
    print(f"synthetic data: {len(data[0]):,} municipalities, {len(data[1]):,} submitted assessments, "
          f"{len(data[2]):,} area results ({time.perf_counter() - started:.1f} s)")
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_SQLITE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        print(f"SQLite load (executemany): {load(app, data):.1f} s")
        measure(app, "SQLite", args.repeat)
    if args.skip_postgres:
        return
    name = f"digicheck_report_bench_{os.getpid()}"
    psql("-d", "postgres", "-c", f"CREATE DATABASE {name}")
    try:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"postgresql://{PG['user']}@{PG['host']}/{name}"})
        print(f"PostgreSQL load (COPY): {load(app, data):.1f} s")
        measure(app, "PostgreSQL", args.repeat)
    finally:
        psql("-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
