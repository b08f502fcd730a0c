"""Memory per gunicorn worker, for the sizing in docs/operations.md.

Prints
1. what each heavy library costs when imported into a fresh interpreter (RSS above a bare
   `python -c pass` measured in the same run): Flask stack, numpy, scikit-learn, WeasyPrint,
   openpyxl, zxcvbn, Flask-Migrate, and the whole app (which imports none of the last five);
2. the resident memory of one gunicorn worker (the packaged settings, demo data on SQLite)
   right after start and after N mixed requests as a logged-in consultant and Kommune user
   (login page, area pages, result, consultant overview and view, benchmark report, briefing PDF,
   XLSX export; no saves).

Usage: python bench/worker_memory.py [--requests 1000]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IMPORTS = {
    "flask stack": "import flask, flask_sqlalchemy, flask_login, flask_wtf, flask_limiter, flask_babel, sqlalchemy",
    "numpy": "import numpy",
    "scikit-learn (KMeans, silhouette)": "from sklearn.cluster import KMeans; from sklearn.metrics import silhouette_score",
    "WeasyPrint": "import weasyprint",
    "openpyxl": "import openpyxl",
    "zxcvbn (password strength)": "import zxcvbn",
    "flask stack with Flask-Migrate and Alembic": (
        "import flask, flask_sqlalchemy, flask_login, flask_wtf, flask_limiter, flask_babel, sqlalchemy, flask_migrate"
    ),
    "the whole app (create_app + every blueprint)": (
        "from digicheck.app import create_app; app = create_app({'SECRET_KEY': 'x' * 40, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})"
    ),
}


def rss_kib(pid: int) -> int:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) if match else 0


def pss_kib(pid: int) -> int:
    """Proportional set size: shared pages (the interpreter, libraries) counted once per sharer."""
    match = re.search(r"Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text())
    return int(match.group(1)) if match else 0


def import_cost(statement: str) -> float:
    """MiB of resident memory `statement` adds to a fresh interpreter (median of 3)."""
    code = f"{statement}\nimport re, pathlib; print(re.search(r'VmRSS:\\s+(\\d+)', pathlib.Path('/proc/self/status').read_text()).group(1))"
    samples = []
    for _ in range(3):
        samples.append(
            int(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=dict(os.environ, DIGICHECK_DEMO="1")
                ).stdout.split()[-1]
            )
        )
    return sorted(samples)[1] / 1024


#: native libraries that show a heavy package is loaded (openpyxl is pure Python: not visible here)
HEAVY_NATIVE = {"WeasyPrint (Pango)": "libpango", "scikit-learn": "/sklearn/", "SciPy": "/scipy/"}


def heavy_mapped(pid: int) -> list[str]:
    """Which heavy packages a process has loaded, by the shared objects in its memory map."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name, marker in HEAVY_NATIVE.items() if marker in maps]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.read().decode("utf-8", "replace")

    def post(self, path: str, fields: dict[str, str], token_from: str) -> str:
        token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', self.get(token_from))
        data = urllib.parse.urlencode(dict(fields, csrf_token=token.group(1) if token else "")).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as response:
                return response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.read().decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()

    baseline = import_cost("pass")
    print(f"bare interpreter: {baseline:.0f} MiB")
    for name, statement in IMPORTS.items():
        print(f"  + {name:<45} {import_cost(statement) - baseline:6.1f} MiB")

    work = Path(tempfile.mkdtemp(prefix="digicheck-memory-"))
    env = dict(
        os.environ,
        DIGICHECK_DEMO="1",
        SECRET_KEY=secrets.token_hex(32),
        DIGICHECK_INSTANCE_PATH=str(work),
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
    )
    digicheck = str(Path(sys.executable).parent / "digicheck")
    subprocess.run([digicheck, "db", "upgrade"], env=env, check=True, capture_output=True)
    seeded = subprocess.run([digicheck, "demo", "seed"], env=env, check=True, capture_output=True, text=True).stdout
    logins = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"^\s+(\S+)\s+(\S+@\S+)\s+Passwort: (\S+)", seeded, re.M)}
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "python:digicheck.gunicorn_conf",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--max-requests",
            "0",
            "digicheck.app:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/anmelden", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
        worker = workers[0]
        started = rss_kib(worker) / 1024
        kommune, berater = Browser(base), Browser(base)
        kommune.post("/anmelden", {"email": logins["Kommune"][0], "password": logins["Kommune"][1]}, "/anmelden")
        berater.post("/anmelden", {"email": logins["Beratung"][0], "password": logins["Beratung"][1]}, "/anmelden")
        home = kommune.get("/")
        assessment = re.search(r"/bewertung/(\d+)/", home)
        if assessment is None or 'value="speichern"' not in kommune.get(f"/bewertung/{assessment.group(1)}/bereich/strategie"):
            kommune.post("/runden", {}, "/")
            assessment = re.search(r"/bewertung/(\d+)/", kommune.get("/"))
        aid = assessment.group(1) if assessment else "1"
        overview = berater.get("/beratung/")
        reviewed = re.search(r"/beratung/bewertung/(\d+)", overview)
        rid = reviewed.group(1) if reviewed else aid
        pages = [
            (kommune, f"/bewertung/{aid}/bereich/strategie"),
            (kommune, f"/bewertung/{aid}/bereich/technik"),
            (kommune, f"/bewertung/{aid}/ergebnis"),
            (kommune, "/benchmark/"),
            (berater, "/beratung/"),
            (berater, f"/beratung/bewertung/{rid}"),
            (berater, "/benchmark/"),
            (berater, f"/beratung/bewertung/{rid}/briefing.pdf"),
            (berater, f"/beratung/bewertung/{rid}/export.xlsx"),
            (kommune, "/anmelden"),
        ]
        started_at = time.monotonic()
        for n in range(args.requests):
            client, path = pages[n % len(pages)]
            client.get(path)
        elapsed = time.monotonic() - started_at
        after, proportional = rss_kib(worker) / 1024, pss_kib(worker) / 1024
        print("gunicorn worker (gthread, packaged settings), demo data on SQLite:")
        print(
            f"  RSS after start: {started:.0f} MiB; after {args.requests} mixed requests: {after:.0f} MiB "
            f"(PSS {proportional:.0f} MiB; {args.requests / elapsed:.0f} req/s over {len(pages)} kinds of page, PDFs included)"
        )
        print(
            f"  heavy native libraries mapped in the worker: {', '.join(heavy_mapped(worker)) or 'none'} (PDFs, XLSX and archetypes run in child processes)"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
