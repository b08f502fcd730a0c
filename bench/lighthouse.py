"""Lighthouse (desktop) on the pages users wait for: login, an area page, the result, the benchmark
report and the consultant's assessment view, on a locally served demo app.

Builds a throw-away SQLite database with the demo data, serves it with gunicorn (2 sync workers
on 127.0.0.1, as bench/web_bench.py does), logs in as the demo Kommune and the demo Berater
through the login form, and runs the `lighthouse` npm package against Debian's Chromium with
`--preset=desktop`, the session cookie passed as an extra header. Prints per page the
performance and accessibility scores (targets: >= 0.9 and 1.0), the bytes transferred,
total blocking time and largest contentful paint, and which audits cost accessibility points.
Not a test: scores vary with the machine's load. Exit status 1 when a target is missed.

    PUPPETEER_SKIP_DOWNLOAD=1 npm i -g lighthouse     # once
    python bench/lighthouse.py [--chromium /usr/bin/chromium] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from web_bench import (  # bench/ is on the path when this runs as a script
    HOST,
    ROOT,
    BenchError,
    Client,
    Session,
    cli,
    free_port,
    start_gunicorn,
    stop_gunicorn,
    wait_until_serving,
)

TARGETS = {"performance": 0.9, "accessibility": 1.0}
CREDENTIALS = re.compile(r"^\s*(Beratung|Kommune)\s+(\S+@\S+)\s+Passwort:\s*(\S+)", re.M)


def links(client: Client, path: str, pattern: str) -> list[str]:
    status, _, html = client.request("GET", path)
    if status != 200:
        raise BenchError(f"GET {path}: {status}")
    return re.findall(pattern, html.decode("utf-8"))


def cookie_header(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def lighthouse(url: str, cookie: str | None, chromium: str, out: Path) -> dict[str, Any]:
    command = [
        "lighthouse",
        url,
        f"--chrome-path={chromium}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--preset=desktop",
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not out.is_file():
        raise BenchError(f"lighthouse {url}: {done.stderr.strip()[-2000:]}")
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise BenchError(f"lighthouse {url}: {report['runtimeError']}")
    if report["finalDisplayedUrl"].rstrip("/").endswith("/anmelden") and not url.endswith("/anmelden"):
        raise BenchError(f"lighthouse {url}: landed on the login page (cookie not accepted)")
    return report


def summary(report: dict[str, Any]) -> dict[str, Any]:
    audits = report["audits"]
    failed = [
        key
        for ref in report["categories"]["accessibility"]["auditRefs"]
        if ref["weight"] > 0 and (audits[key := ref["id"]].get("score") is not None and audits[key]["score"] < 1)
    ]
    return {
        "performance": report["categories"]["performance"]["score"],
        "accessibility": report["categories"]["accessibility"]["score"],
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "a11y_failed": failed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--keep", type=Path, help="keep the Lighthouse JSON reports in this folder")
    args = parser.parse_args()
    if not shutil.which("lighthouse"):
        parser.error("lighthouse fehlt: PUPPETEER_SKIP_DOWNLOAD=1 npm i -g lighthouse")
    server = None
    with tempfile.TemporaryDirectory(prefix="digicheck-lighthouse-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGICHECK_", "RATELIMIT_"))}
        env.update(
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=f"sqlite:///{tmp}/lighthouse.sqlite3",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
            BENCH_PLAIN_TEMPLATES="0",
        )
        log = Path(tmp) / "gunicorn.log"
        try:
            cli(env, "db", "upgrade")
            accounts = {
                role: (email, password) for role, email, password in CREDENTIALS.findall(cli(dict(env, DIGICHECK_DEMO="1"), "demo", "seed"))
            }
            port = free_port()
            server = start_gunicorn(env, port, log)
            wait_until_serving(server, port, log)
            base = f"http://{HOST}:{port}"

            kommune = Session(Client(port), accounts["Kommune"][0])
            kommune.login(accounts["Kommune"][1])
            results = links(kommune.client, "/", r'href="(/bewertung/\d+/ergebnis)"')
            kommune.start_round()  # round 2, pre-filled from the submitted round 1: an area page with answers
            berater = Session(Client(port), accounts["Beratung"][0])
            berater.login(accounts["Beratung"][1])
            consult = links(berater.client, "/beratung/", r'href="(/beratung/bewertung/\d+)"')
            if not results or not consult:
                raise BenchError("keine Ergebnisseite bzw. keine Bewertung in der Beratungsübersicht gefunden")
            pages = [
                ("Anmeldung", "/anmelden", None),
                ("Bereichsseite", kommune.area_path, kommune.client),
                ("Ergebnis", results[0], kommune.client),
                ("Benchmark", "/benchmark/", kommune.client),
                ("Beratung: Bewertung", consult[0], berater.client),
            ]
            print(
                f"Lighthouse {subprocess.run(['lighthouse', '--version'], capture_output=True, text=True).stdout.strip()}, desktop preset, {args.chromium}"
            )
            print(f"{'page':<22}{'performance':>12}{'accessibility':>15}{'KB':>8}{'TBT ms':>8}{'LCP ms':>8}  path")
            missed = 0
            for name, path, client in pages:
                out = (args.keep or Path(tmp)) / f"{re.sub(r'[^a-z]+', '-', name.lower())}.json"
                out.parent.mkdir(parents=True, exist_ok=True)
                s = summary(lighthouse(base + path, cookie_header(client) if client else None, args.chromium, out))
                ok = all(s[key] >= target for key, target in TARGETS.items())
                missed += not ok
                print(
                    f"{name:<22}{s['performance']:>12.2f}{s['accessibility']:>15.2f}{s['bytes'] / 1000:>8.0f}"
                    f"{s['tbt_ms']:>8.0f}{s['lcp_ms']:>8.0f}  {path}"
                    + ("" if ok else "   MISSED")
                    + (f"\n{'':<22}accessibility audits failed: {', '.join(s['a11y_failed'])}" if s["a11y_failed"] else ""),
                    flush=True,
                )
            print(
                f"targets: performance >= {TARGETS['performance']}, accessibility >= {TARGETS['accessibility']}: "
                + ("met" if not missed else f"{missed} page(s) MISSED")
            )
            return 1 if missed else 0
        finally:
            if server is not None:
                stop_gunicorn(server)


if __name__ == "__main__":
    sys.exit(main())
