"""Pages at two sizes in one run: Hessen (442 municipalities × 3 rounds) against Germany (the whole register × 3).

Seeds two databases with `bench/scale_seed.py` (or takes them: --hessen-url, --germany-url), serves each
with gunicorn (2 sync workers, `web_bench`'s app and machinery) at the same time, logs in a consultant
and a Kommune user per client thread on each, and measures, interleaved (every page at both sizes in
turn, --rounds times), the requests per second of

  area          a Kommune's questionnaire page (the in-run baseline, as in web_bench)
  overview      /beratung/ by name; ?kreis=Odenwaldkreis; sorted by population; page 5; and the two
                that need every assessment: ?status=in_progress and sorted by level
  bench         /benchmark/ by Kreis, without and with the ranks of one municipality
  result        the Kommune's result page of a submitted round
  consult       the consultant's view of that assessment
  ikz           the IKZ view of three municipalities of one Kreis
  csv           the overview's CSV export of one Kreis (Odenwaldkreis)

Hessen's municipalities come first in both databases and are drawn from the same seed, so every
page shows the same municipality with the same answers at both sizes. Prints per page the
throughput ratio Germany/Hessen (target ≥ 0.8 for pages that show a fixed amount of data) and the
ratio to the area page at each size, with the load average before and after.

    python bench/scale_bench.py [--postgres] [--germany-municipalities N] [--hessen-url URL --germany-url URL]
                                [--threads 2] [--seconds 2] [--rounds 3] [--pages "bench,bench ranks,result"]
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import scale_seed  # noqa: E402 - after the path is set
import web_bench  # noqa: E402
from web_bench import BenchError, Client, Phase, Session, run_phase, throughput_ratio  # noqa: E402

KREIS = "Odenwaldkreis"
AREA = "strategie"
#: pages that show a fixed amount of data: their Germany/Hessen ratio should stay at or above this
FLAT_TARGET = 0.8
#: seconds a request may take (gunicorn's worker timeout and the client's): the benchmark report at
#: Germany's size takes several seconds on a loaded machine
SLOW = 180


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    consultant: bool
    flat: bool  # shows a fixed amount of data whatever the number of municipalities


@dataclass
class Server:
    label: str
    url: str
    process: subprocess.Popen[bytes]
    port: int
    consultants: list[Session]
    kommunen: list[Session]
    pages: list[Page]


def targets(url: str) -> tuple[str, int, int, list[str]]:
    """(AGS, open round id, submitted round id, IKZ partners) of the first Hessian municipality in the
    Odenwaldkreis with a submitted and an open round; the same in both databases (same seed, Hessen first)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT m.ags, a.id, a.status FROM municipalities m JOIN assessments a ON a.municipality_id = m.id "
                    "WHERE m.kreis = :kreis AND m.kind <> 'Landkreis' ORDER BY m.ags, a.round"
                ),
                {"kreis": KREIS},
            ).all()
    finally:
        engine.dispose()
    rounds: dict[str, list[tuple[int, str]]] = {}
    for ags, ident, status in rows:
        rounds.setdefault(ags, []).append((ident, status))
    for ags, found in rounds.items():
        if found[-1][1] == "in_progress" and any(s == "submitted" for _, s in found):
            submitted = max(i for i, s in found if s == "submitted")
            partners = [a for a in rounds if a != ags][:2]
            return ags, found[-1][0], submitted, [ags, *partners]
    raise BenchError(f"keine Kommune im {KREIS} mit offener und abgeschlossener Runde")


def pages_for(ags: str, open_id: int, submitted_id: int, partners: list[str]) -> list[Page]:
    return [
        Page("area", f"/bewertung/{open_id}/bereich/{AREA}", False, True),
        Page("overview", "/beratung/", True, True),
        Page("overview kreis", f"/beratung/?kreis={KREIS}", True, True),
        Page("overview population", "/beratung/?sortierung=population&richtung=ab", True, True),
        Page("overview page 5", "/beratung/?seite=5", True, True),
        Page("overview status", "/beratung/?status=in_progress", True, False),
        Page("overview level", "/beratung/?sortierung=level&richtung=ab", True, False),
        Page("bench", "/benchmark/?dimension=kreis", True, False),
        Page("bench ranks", f"/benchmark/?dimension=kreis&kommune={ags}", True, False),
        Page("result", f"/bewertung/{submitted_id}/ergebnis", False, True),
        Page("consult", f"/beratung/bewertung/{submitted_id}", True, True),
        Page("ikz", "/beratung/ikz?kommunen=" + ",".join(partners), True, True),
        Page("csv", f"/beratung/export.csv?kreis={KREIS}", True, True),
    ]


def fetch(path: str) -> Callable[[Session], bool]:
    def op(session: Session) -> bool:
        status, _, body = session.client.request("GET", path)
        return status == 200 and bool(body)

    return op


@contextmanager
def database(label: str, postgres: bool, folder: str) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{folder}/{label}.sqlite3"
        return
    with web_bench.bench_database(folder, True, name=f"digicheck_scale_bench_{label}_{os.getpid()}") as url:
        yield url


def serve(label: str, url: str, folder: str, threads: int, stack: ExitStack) -> Server:
    ags, open_id, submitted_id, partners = targets(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGICHECK_", "RATELIMIT_"))}
    env.update(
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH", "")])),
    )
    port = web_bench.free_port()
    log = Path(folder) / f"gunicorn-{label}.log"
    process = web_bench.start_gunicorn(env, port, log, timeout=SLOW)
    stack.callback(web_bench.stop_gunicorn, process)
    web_bench.wait_until_serving(process, port, log, timeout=SLOW)
    consultants: list[Session] = []
    kommunen: list[Session] = []
    for _ in range(threads):
        for email, group in ((scale_seed.CONSULTANT, consultants), (scale_seed.kommune_email(ags), kommunen)):
            session = Session(Client(port, timeout=SLOW), email)
            stack.callback(session.client.close)
            session.login(scale_seed.PASSWORD)
            group.append(session)
    server = Server(label, url, process, port, consultants, kommunen, pages_for(ags, open_id, submitted_id, partners))
    for page in server.pages:  # every page answers before anything is timed
        if not fetch(page.path)((consultants if page.consultant else kommunen)[0]):
            raise BenchError(f"{label}: GET {page.path} antwortet nicht mit 200")
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL on $PGHOST (127.0.0.1) instead of SQLite files")
    parser.add_argument("--germany-municipalities", type=int, help="the larger size (default: the whole register)")
    parser.add_argument("--hessen-url", help="an already seeded database of the smaller size (scale_seed --scale hessen)")
    parser.add_argument("--germany-url", help="an already seeded database of the larger size")
    parser.add_argument("--threads", type=int, default=2, help="client threads per server")
    parser.add_argument("--seconds", type=float, default=2.0, help="measured seconds per page, size and round")
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", help="comma-separated page names to time (the area page, the baseline, always), e.g. bench,result")
    args = parser.parse_args()
    chosen = {"area", *args.pages.split(",")} if args.pages else None
    began = time.monotonic()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="digicheck-scale-") as folder, ExitStack() as stack:
        urls = {}
        for label, given, count in (("hessen", args.hessen_url, None), ("germany", args.germany_url, args.germany_municipalities)):
            if given:
                urls[label] = given
                continue
            urls[label] = stack.enter_context(database(label, args.postgres, folder))
            land = scale_seed.HESSEN if label == "hessen" else None
            written = scale_seed.seed(urls[label], land=land, count=count, rounds=3, quiet=True)
            print(
                f"seeded {label}: {written['municipalities']:,} municipalities, {written['assessments']:,} assessments, "
                f"{written['answers']:,} answers ({written['seconds']} s)",
                flush=True,
            )
        servers = [serve(label, url, folder, args.threads, stack) for label, url in urls.items()]
        if chosen is not None:
            unknown = chosen - {p.name for p in servers[0].pages}
            if unknown:
                raise BenchError(f"unbekannte Seite(n): {', '.join(sorted(unknown))}")
            for server in servers:
                server.pages = [p for p in server.pages if p.name in chosen]
        print(f"gunicorn 2 workers each, {args.threads} client threads; set-up {time.monotonic() - began:.0f} s", flush=True)
        phases = {(s.label, p.name): Phase(p.name) for s in servers for p in s.pages}
        for _ in range(args.rounds):
            for page_index in range(len(servers[0].pages)):
                for server in servers:  # the same page at both sizes back to back
                    page = server.pages[page_index]
                    sessions = server.consultants if page.consultant else server.kommunen
                    run_phase(
                        phases[(server.label, page.name)], sessions, fetch(page.path), args.seconds, args.warmup, server.process.pid, SLOW
                    )
        load_after = os.getloadavg()
        hessen = servers[0]
        print(f"\n{'page':<22}{'Hessen req/s':>13}{'Germany req/s':>15}{'DE/HE':>8}{'/area HE':>10}{'/area DE':>10}  per round DE/HE")
        verdict = 0
        for page in hessen.pages:
            he, de = phases[("hessen", page.name)], phases[("germany", page.name)]
            ratio = throughput_ratio(de, he)
            rounds = ", ".join(f"{d / h:.2f}" for d, h in zip(de.per_round, he.per_round, strict=True) if h)
            missed = page.flat and ratio < FLAT_TARGET
            verdict |= missed or bool(he.errors or de.errors)
            print(
                f"{page.name:<22}{he.rps:>13.1f}{de.rps:>15.1f}{ratio:>8.2f}{throughput_ratio(he, phases[('hessen', 'area')]):>10.2f}"
                f"{throughput_ratio(de, phases[('germany', 'area')]):>10.2f}  {rounds}"
                + ("   MISSED (target >= 0.8)" if missed else "")
                + (f"   errors {he.errors}/{de.errors}" if he.errors or de.errors else "")
            )
        print(
            f"\nload average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f}; "
            f"total {time.monotonic() - began:.0f} s"
        )
        return int(verdict)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BenchError, scale_seed.SeedError) as exc:
        print(f"scale_bench: {exc}", file=sys.stderr)
        sys.exit(2)
