"""Web speed: a questionnaire page and saving a page of answers, beside a bare Flask route.

Builds a throw-away database with the demo data (`digicheck db upgrade`,
`digicheck demo seed`): a SQLite file, or with `--postgres` a PostgreSQL database
created on 127.0.0.1 and dropped at the end. Serves the app with gunicorn (2 sync
workers, bound to 127.0.0.1) and drives it with a few client threads on
`http.client` connections. Each client thread is a Kommune user of its own
municipality (the printed demo Kommune user for Erbach, plus bench users for
other demo municipalities), logs in through the login form and starts round 2,
which is pre-filled from the submitted demo round. Then, interleaved in rounds:

  flask GET  /bench/hello     "ok" from a bare Flask app in its own gunicorn, same settings
                              (the outside baseline: what any Flask app costs here)
  hello GET  /bench/hello     "ok" without login                (for reference only)
  bare  GET  /bench/bare      "ok" behind @login_required        (the baseline of the targets)
  page  GET  /bewertung/<id>/bereich/strategie                   (expects 200)
  save  POST /bewertung/<id>/bereich/strategie                   (expects the 302 after a stored save)

Both bench routes are added to the product app here, so every request runs through
the same stack: gunicorn, the WSGI app, the signed session cookie (opened; verified
once per worker and re-signed only when the session changed), the rate limiter's
hooks (they run only for limited endpoints), CSRFProtect's hook, the security headers. `bare`
also authenticates like every page of the product: Flask-Login reads the user id
from the session and loads the user from the database (one query; the session
epoch and the active flag are checked), and the client answers a redirect to the
login as an error. It does nothing else: no template, no further query.
`hello` skips the login, i.e. the user query; its ratios are printed beside.

Every save changes every answer of the page (two answer sets, alternating) and
sends the answer versions the client tracks, so none is a no-op and none a
conflict; the session cookie from before the POST is kept, so flash messages
do not pile up. At the end each client reloads its page and checks that the
last answer set and the tracked versions are what the server shows.

Prints requests per second and p95 latency of each, the ratios
throughput(page)/throughput(bare) (target >= 0.5),
throughput(save)/throughput(bare) (target >= 0.3) and
throughput(bare)/throughput(flask) (target >= 0.35: the stack's own cost), and the gunicorn workers'
CPU time per request, which does not depend on the load generator sharing the
machine. Stops gunicorn at the end, also on error; bounded to 5 minutes (set-up included: under load it alone can take 2).

    python bench/web_bench.py [--postgres] [--threads 4] [--seconds 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
AREA = "strategie"
SPECIAL = {"weiss_nicht", "trifft_nicht_zu"}
HARD_LIMIT = 300.0  # seconds for the whole run, set-up and tear-down included
TARGETS = {"page": 0.5, "save": 0.3}
#: the logged-in bare route against a bare Flask app under the same gunicorn settings (issue 18, part 6)
STACK_TARGET = 0.35
PHASES = ("flask", "hello", "bare", "page", "save")
#: demo municipalities (see digicheck/demo_data.py) that get a bench Kommune user besides Erbach
EXTRA_AGS = ("06437011", "06437016", "06437005", "06437012", "06531005", "06411000", "06635011")


# --------------------------------------------------------------------------- the served app


def make_bench_app():  # type: ignore[no-untyped-def]
    """The product app plus the two bench routes; gunicorn loads it as `web_bench:make_bench_app()`."""
    from flask_login import login_required

    from digicheck.app import create_app

    app = create_app()
    if os.environ.get("BENCH_PLAIN_TEMPLATES") == "1":
        # --plain-templates: the area page's questions rendered by the full template on every
        # request instead of the per-area skeleton (the development path), to measure what it saves
        from markupsafe import Markup

        from digicheck.assess import forms, routes

        routes.area_items = lambda q, area, values: Markup(forms.render_items(q, area, values))  # type: ignore[assignment]

    def hello() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    app.add_url_rule("/bench/hello", "bench_hello", hello)
    app.add_url_rule("/bench/bare", "bench_bare", login_required(hello))
    return app


def make_flask_app():  # type: ignore[no-untyped-def]
    """The outside baseline: a bare Flask app with the same route, nothing of ours; gunicorn loads it
    as `web_bench:make_flask_app()` with the same settings as the product."""
    from flask import Flask

    app = Flask("bare")

    def hello() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    app.add_url_rule("/bench/hello", "bench_hello", hello)
    return app


# --------------------------------------------------------------------------- HTTP client


class Client:
    """A client with its own cookie jar; gunicorn's sync workers close the connection after each
    response (no keep-alive), and http.client opens the next one, so every request pays a TCP connect."""

    def __init__(self, port: int, timeout: float = 15):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, Any] | list[tuple[str, str]] | None = None, keep_cookies: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": f"{HOST}:{self.port}", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # the server closed an idle keep-alive connection: reconnect once
                self.conn.close()
                if attempt == 2:
                    raise
        if keep_cookies:
            for raw in resp.headers.get_all("Set-Cookie") or []:
                name, _, rest = raw.partition("=")
                value = rest.split(";", 1)[0]
                if value:
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload

    def close(self) -> None:
        self.conn.close()


class FormParser(HTMLParser):
    """Inputs of one form (by id, or the first form when none given)."""

    def __init__(self, form_id: str | None = None):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.inputs: list[dict[str, str | None]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and not self.done and (self.form_id is None or a.get("id") == self.form_id):
            self.inside = True
        elif self.inside and tag == "input":
            self.inputs.append(a)
        elif self.inside and tag == "label" and a.get("for"):
            self._label_for = a["for"]
            self.labels[self._label_for] = ""

    def handle_data(self, data: str) -> None:
        if self._label_for:
            self.labels[self._label_for] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def parse_form(html: bytes, form_id: str | None = None) -> FormParser:
    parser = FormParser(form_id)
    parser.feed(html.decode("utf-8"))
    return parser


def csrf_of(html: bytes, form_id: str | None = None) -> str:
    for attrs in parse_form(html, form_id).inputs:
        if attrs.get("name") == "csrf_token" and attrs.get("value"):
            return str(attrs["value"])
    raise BenchError("kein csrf_token im Formular gefunden")


class BenchError(RuntimeError):
    pass


# --------------------------------------------------------------------------- the questionnaire page as a client sees it


@dataclass
class PageState:
    """What a client knows about its area page: CSRF token, answers shown, versions, two answer sets."""

    csrf: str
    kinds: dict[str, str]  # field name -> single | multi | number
    current: dict[str, Any]  # field name -> value shown on the page
    versions: dict[str, int]  # field name -> answer version
    sets: tuple[dict[str, Any], dict[str, Any]]  # two answer sets differing in every item
    turn: int = 0

    @classmethod
    def from_html(cls, html: bytes) -> PageState:
        form = parse_form(html, "fragebogen")
        csrf = ""
        versions: dict[str, int] = {}
        radios: dict[str, list[str]] = {}
        boxes: dict[str, list[str]] = {}
        checked: dict[str, list[str]] = {}
        texts: dict[str, str] = {}
        for attrs in form.inputs:
            name, kind, value = attrs.get("name") or "", attrs.get("type") or "text", attrs.get("value") or ""
            if name == "csrf_token":
                csrf = value
            elif kind == "hidden" and name.startswith("v-"):
                versions[name[2:]] = int(value or 0)
            elif kind == "radio":
                radios.setdefault(name, []).append(value)
            elif kind == "checkbox":
                boxes.setdefault(name, []).append(value)
            elif kind == "text":
                texts[name] = value
            if kind in ("radio", "checkbox") and "checked" in attrs:
                checked.setdefault(name, []).append(value)
        if not csrf or not versions:
            raise BenchError("Fragebogenseite ohne csrf_token oder Versionsfelder")
        kinds: dict[str, str] = {}
        current: dict[str, Any] = {}
        set_a: dict[str, Any] = {}
        set_b: dict[str, Any] = {}
        for name in versions:
            if name in radios:
                plain = [v for v in radios[name] if v not in SPECIAL]
                kinds[name] = "single"
                current[name] = (checked.get(name) or [None])[0]
                set_a[name], set_b[name] = plain[0], plain[1]
            elif name in boxes:
                plain = [v for v in boxes[name] if v not in SPECIAL]
                kinds[name] = "multi"
                current[name] = tuple(sorted(checked.get(name, []))) or None
                set_a[name], set_b[name] = (plain[0],), (plain[1],)
            elif name in texts:
                kinds[name] = "number"
                special = (checked.get(name + "-special") or [None])[0]
                current[name] = texts[name].strip() or special
                bounds = re.search(r"(-?\d+) bis (-?\d+)", form.labels.get(name, ""))
                low = int(bounds.group(1)) if bounds else 0
                set_a[name], set_b[name] = str(low), str(low + 1)
            else:
                raise BenchError(f"Feld {name} hat keine Eingabe auf der Seite")
        return cls(csrf, kinds, current, versions, (set_a, set_b))

    def next_body(self) -> tuple[list[tuple[str, str]], dict[str, Any]]:
        answers = self.sets[self.turn % 2]
        self.turn += 1
        body: list[tuple[str, str]] = [("csrf_token", self.csrf)]
        for name, value in answers.items():
            body.append(("v-" + name, str(self.versions[name])))
            if self.kinds[name] == "multi":
                body.extend((name, v) for v in value)
            else:
                body.append((name, value))
        body.append(("action", "speichern"))
        return body, answers

    def saved(self, answers: dict[str, Any]) -> None:
        for name, value in answers.items():
            if self.current.get(name) != value:
                self.versions[name] += 1
                self.current[name] = value


# --------------------------------------------------------------------------- a client session: one Kommune user


@dataclass
class Session:
    client: Client
    email: str
    area_path: str = ""
    state: PageState | None = None
    saves: int = 0
    outside: Client | None = None  # a connection to the bare Flask app (the outside baseline)

    def login(self, password: str) -> None:
        status, _, html = self.client.request("GET", "/anmelden")
        if status != 200:
            raise BenchError(f"GET /anmelden: {status}")
        body = {"csrf_token": csrf_of(html), "email": self.email, "password": password}
        status, _, _ = self.client.request("POST", "/anmelden", body)
        if status != 302:
            raise BenchError(f"Anmeldung von {self.email} fehlgeschlagen: HTTP {status}")

    def start_round(self) -> None:
        status, _, html = self.client.request("GET", "/")
        if status != 200:
            raise BenchError(f"GET /: {status}")
        status, headers, _ = self.client.request("POST", "/runden", {"csrf_token": csrf_of(html, None)})
        location = urlsplit(headers.get("location", "")).path
        if status != 302 or not location.startswith("/bewertung/"):
            raise BenchError(f"POST /runden: HTTP {status}, Location {location!r}")
        # the new round's start page (or, before it existed, its first area page): the bench's area page of that round
        self.area_path = re.sub(r"/(bereich/[^/]+|start)$", f"/bereich/{AREA}", location)
        self.reload()

    def reload(self) -> PageState:
        status, _, html = self.client.request("GET", self.area_path)
        if status != 200:
            raise BenchError(f"GET {self.area_path}: {status}")
        self.state = PageState.from_html(html)
        return self.state

    # the measured operations; each returns True when the answer is the expected one
    def flask(self) -> bool:
        assert self.outside is not None
        status, _, body = self.outside.request("GET", "/bench/hello")
        return status == 200 and body == b"ok"

    def hello(self) -> bool:
        status, _, body = self.client.request("GET", "/bench/hello")
        return status == 200 and body == b"ok"

    def bare(self) -> bool:
        status, _, body = self.client.request("GET", "/bench/bare")
        return status == 200 and body == b"ok"  # a 302 to the login page would be an error

    def page(self) -> bool:
        status, _, body = self.client.request("GET", self.area_path)
        return status == 200 and b'id="fragebogen"' in body

    def save(self) -> bool:
        assert self.state is not None
        body, answers = self.state.next_body()
        status, headers, _ = self.client.request("POST", self.area_path, body, keep_cookies=False)
        if status == 302 and urlsplit(headers.get("location", "")).path == self.area_path:
            self.state.saved(answers)
            self.saves += 1
            return True
        self.reload()  # a refused save (e.g. 409): carry on with what the server shows
        return False

    def verify(self) -> None:
        """The server shows the last saved answer set with the versions this client counted."""
        assert self.state is not None
        expected_current, expected_versions = dict(self.state.current), dict(self.state.versions)
        shown = PageState.from_html(self.client.request("GET", self.area_path)[2])
        if shown.current != expected_current or shown.versions != expected_versions:
            raise BenchError(f"{self.email}: gespeicherte Antworten/Versionen weichen ab")


# --------------------------------------------------------------------------- load phases


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    server_cpu: float = 0.0
    per_round: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def throughput_ratio(phase: Phase, baseline: Phase) -> float:
    return phase.rps / baseline.rps if baseline.rps else 0.0


def cpu_ratio(phase: Phase, baseline: Phase) -> float:
    """Server CPU per request of the baseline over that of the phase (1.0: as cheap as the baseline)."""
    if not (phase.server_cpu and phase.count and baseline.count):
        return float("nan")
    return (baseline.server_cpu / baseline.count) / (phase.server_cpu / phase.count)


def worker_cpu(master: int) -> float:
    """User + system CPU seconds of gunicorn's worker processes (children of the master)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def run_phase(
    phase: Phase, sessions: list[Session], op: Callable[[Session], bool], seconds: float, warmup: float, master: int, patience: float = 30
) -> None:
    """All sessions hit the server as fast as they get answers; only the window after the warm-up counts
    (`patience`: seconds a request begun in the window may take to finish)."""
    start = time.perf_counter() + 0.05
    measure_from, measure_to = start + warmup, start + warmup + seconds
    results: list[tuple[list[float], int]] = [([], 0) for _ in sessions]
    failures: list[BaseException] = []
    cpu_marks: dict[str, float] = {}

    def loop(index: int, session: Session) -> None:
        latencies: list[float] = []
        errors = 0
        try:
            while time.perf_counter() < start:
                time.sleep(0.001)
            while True:
                t0 = time.perf_counter()
                if t0 >= measure_to:
                    break
                ok = op(session)
                t1 = time.perf_counter()
                if t0 >= measure_from and t1 <= measure_to:
                    if ok:
                        latencies.append(t1 - t0)
                    else:
                        errors += 1
        except BaseException as exc:
            failures.append(exc)
        results[index] = (latencies, errors)

    def cpu_clock() -> None:
        time.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu_marks["from"] = worker_cpu(master)
        time.sleep(max(0.0, measure_to - time.perf_counter()))
        cpu_marks["to"] = worker_cpu(master)

    threads = [threading.Thread(target=loop, args=(i, s), daemon=True) for i, s in enumerate(sessions)]
    threads.append(threading.Thread(target=cpu_clock, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + seconds + patience)
        if t.is_alive():
            raise BenchError(f"{phase.name}: ein Client hängt")
    if failures:
        raise BenchError(f"{phase.name}: {failures[0]!r}")
    done = sum(len(lat) for lat, _ in results)
    for latencies, errors in results:
        phase.latencies.extend(latencies)
        phase.errors += errors
    phase.seconds += seconds
    phase.server_cpu += cpu_marks["to"] - cpu_marks["from"]
    phase.per_round.append(done / seconds)


# --------------------------------------------------------------------------- set-up and the server


@contextmanager
def bench_database(folder: str, postgres: bool, name: str | None = None) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in `folder`, or a PostgreSQL database created
    for this run on $PGHOST (127.0.0.1) as $PGUSER (postgres) and dropped afterwards (`name`: its
    name, for a run that needs several)."""
    if not postgres:
        yield f"sqlite:///{folder}/bench.sqlite3"
        return
    from sqlalchemy import create_engine, text

    server = f"postgresql+psycopg://{os.environ.get('PGUSER', 'postgres')}@{os.environ.get('PGHOST', '127.0.0.1')}"
    name = name or f"digicheck_web_bench_{os.getpid()}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield f"{server}/{name}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cli(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from digicheck.cli import run; sys.argv[0] = 'digicheck'; run()", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise BenchError(f"digicheck {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def kommune_credentials(seed_output: str) -> tuple[str, str]:
    for line in seed_output.splitlines():
        match = re.match(r"\s*Kommune\S*\s+(\S+@\S+)\s+Passwort:\s*(\S+)", line)
        if match:
            return match.group(1), match.group(2)
    raise BenchError("digicheck demo seed hat keinen Kommune-Zugang ausgegeben:\n" + seed_output)


def add_bench_users(env: dict[str, str], count: int) -> list[tuple[str, str]]:
    """Kommune users for further demo municipalities, so each client thread has an assessment of its own."""
    if count > len(EXTRA_AGS):
        raise BenchError(f"höchstens {len(EXTRA_AGS) + 1} Client-Threads")
    password = "Bench-" + secrets.token_urlsafe(12)
    code = (
        "import sys\n"
        "from digicheck.app import create_app\n"
        "from digicheck import municipalities\n"
        "from digicheck.accounts.services import hash_password\n"
        "from digicheck.extensions import db\n"
        "from digicheck.models import Role, User\n"
        "with create_app().app_context():\n"
        "    for ags in sys.argv[2:]:\n"
        "        m = municipalities.by_ags(ags)\n"
        "        db.session.add(User(email=f'bench-{ags}@bench.digicheck.invalid', name=f'Bench {m.name}', role=Role.KOMMUNE,\n"
        "                            password_hash=hash_password(sys.argv[1]), municipality_id=m.id))\n"
        "    db.session.commit()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, password, *EXTRA_AGS[:count]], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise BenchError("Bench-Benutzer anlegen: " + done.stderr.strip())
    return [(f"bench-{ags}@bench.digicheck.invalid", password) for ags in EXTRA_AGS[:count]]


def start_gunicorn(
    env: dict[str, str], port: int, log: Path, app: str = "web_bench:make_bench_app()", timeout: int = 30
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "2",
        "-b",
        f"{HOST}:{port}",
        "--pythonpath",
        str(Path(__file__).resolve().parent),
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
        "--timeout",
        str(timeout),
        app,
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_serving(server: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError("gunicorn hat sich beendet:\n" + log.read_text(errors="replace")[-2000:])
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bench/hello")
            if conn.getresponse().status == 200:
                conn.close()
                # both workers must be up before we measure: the master forks them one by one
                if len(_children(server.pid)) >= 2:
                    return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError("gunicorn antwortet nicht")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(entry))
    return found


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    workers = _children(server.pid)
    server.terminate()  # SIGTERM to the master: it stops its workers
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)
    for pid in workers:  # only the workers this run's master forked
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL on $PGHOST (127.0.0.1) instead of SQLite")
    parser.add_argument("--threads", type=int, default=4, help="client threads, each its own Kommune user (1-8)")
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per operation and round")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each window")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of hello/bare/page/save, interleaved")
    parser.add_argument("--plain-templates", action="store_true", help="render the area page's questions in full per request (no skeleton)")
    args = parser.parse_args()
    if not 1 <= args.threads <= len(EXTRA_AGS) + 1:
        parser.error(f"--threads zwischen 1 und {len(EXTRA_AGS) + 1}")
    budget = args.rounds * len(PHASES) * (args.seconds + args.warmup)
    if budget > 80:
        parser.error(f"{budget:.0f} s Messzeit: zu lang, die Bench bleibt unter 5 Minuten")

    began = time.monotonic()

    def over_time(signum: int, frame: Any) -> None:
        raise BenchError(f"Zeitlimit von {HARD_LIMIT:.0f} s überschritten")

    signal.signal(signal.SIGALRM, over_time)
    signal.alarm(int(HARD_LIMIT))

    server: subprocess.Popen[bytes] | None = None
    outside: subprocess.Popen[bytes] | None = None
    sessions: list[Session] = []
    database = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory(prefix="digicheck-bench-") as tmp, bench_database(tmp, args.postgres) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGICHECK_", "RATELIMIT_"))}
        env.update(
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=url,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
            BENCH_PLAIN_TEMPLATES="1" if args.plain_templates else "0",
        )
        log = Path(tmp) / "gunicorn.log"
        try:
            steps: list[str] = []

            def step(label: str, since: float) -> float:
                now = time.monotonic()
                steps.append(f"{label} {now - since:.1f} s")
                return now

            mark = step("start", began)
            cli(env, "db", "upgrade")
            mark = step("db upgrade", mark)
            accounts = [kommune_credentials(cli(dict(env, DIGICHECK_DEMO="1"), "demo", "seed"))]
            mark = step("demo seed", mark)
            accounts += add_bench_users(env, args.threads - 1)
            mark = step("bench users", mark)
            port = free_port()
            server = start_gunicorn(env, port, log)
            wait_until_serving(server, port, log)
            outside_port = free_port()
            outside = start_gunicorn(env, outside_port, Path(tmp) / "gunicorn-flask.log", "web_bench:make_flask_app()")
            wait_until_serving(outside, outside_port, Path(tmp) / "gunicorn-flask.log")
            step("gunicorn up", mark)
            print(
                f"gunicorn 2 workers (sync) on {HOST}:{port}, {database} demo database, {args.threads} client threads; "
                f"set-up {time.monotonic() - began:.1f} s ({', '.join(steps[1:])})",
                flush=True,
            )

            for email, password in accounts:
                session = Session(Client(port), email, outside=Client(outside_port))
                session.login(password)
                session.start_round()
                sessions.append(session)
            items = len(sessions[0].state.kinds) if sessions[0].state else 0
            print(f"logged in, round 2 started per user; page {sessions[0].area_path} ({items} items)", flush=True)

            phases = {name: Phase(name) for name in PHASES}
            ops: dict[str, Callable[[Session], bool]] = {name: getattr(Session, name) for name in PHASES}
            for _ in range(args.rounds):
                for name, phase in phases.items():
                    master = outside.pid if name == "flask" else server.pid
                    run_phase(phase, sessions, ops[name], args.seconds, args.warmup, master)
            for session in sessions:
                session.verify()

            bare, hello = phases["bare"], phases["hello"]
            print()
            print(f"{'':<6}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'requests':>10}{'errors':>8}{'server CPU ms/req':>19}   per round req/s")
            for phase in phases.values():
                cpu = 1000 * phase.server_cpu / phase.count if phase.count else float("nan")
                rounds = ", ".join(f"{r:.0f}" for r in phase.per_round)
                print(
                    f"{phase.name:<6}{phase.rps:>9.1f}{1000 * phase.percentile(50):>9.2f}"
                    f"{1000 * phase.percentile(95):>9.2f}{phase.count:>10}{phase.errors:>8}{cpu:>19.2f}   {rounds}"
                )
            print()
            verdict = 0
            for name, target in TARGETS.items():
                ratio = throughput_ratio(phases[name], bare)
                ok = ratio >= target
                verdict |= 0 if ok else 1
                print(
                    f"throughput({name})/throughput(bare) = {ratio:.3f}   target >= {target}   "
                    f"{'met' if ok else 'MISSED'}   (server CPU per request, bare/{name}: {cpu_ratio(phases[name], bare):.3f}; "
                    f"against hello: throughput {throughput_ratio(phases[name], hello):.3f}, CPU {cpu_ratio(phases[name], hello):.3f})"
                )
            stack = throughput_ratio(bare, phases["flask"])
            verdict |= 0 if stack >= STACK_TARGET else 1
            print(
                f"throughput(bare)/throughput(flask) = {stack:.3f}   target >= {STACK_TARGET}   "
                f"{'met' if stack >= STACK_TARGET else 'MISSED'}   (the stack without login, hello/flask: "
                f"{throughput_ratio(hello, phases['flask']):.3f}; server CPU per request, flask/bare: {cpu_ratio(bare, phases['flask']):.3f})"
            )
            saves = sum(s.saves for s in sessions)
            print(
                f"\n{saves} saves, each changing all {items} answers of the page; final state verified for "
                f"{len(sessions)} users. Errors: " + ", ".join(f"{p.name} {p.errors}" for p in phases.values())
            )
            print(f"total {time.monotonic() - began:.1f} s")
            if any(p.errors for p in phases.values()):
                verdict = 1
            return verdict
        finally:
            for session in sessions:
                session.client.close()
                if session.outside is not None:
                    session.outside.close()
            for process in (server, outside):
                if process is not None:
                    stop_gunicorn(process)
            signal.alarm(0)
            if log.exists() and log.stat().st_size:
                tail = log.read_text(errors="replace").strip().splitlines()[-5:]
                if any("Traceback" in line or "ERROR" in line for line in tail):
                    print("gunicorn log (end):\n  " + "\n  ".join(tail), file=sys.stderr)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"web_bench: {exc}", file=sys.stderr)
        sys.exit(2)
