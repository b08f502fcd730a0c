#!/usr/bin/env python3
"""The installed path, as an operator runs it (issue 11), on every CI run.

Builds the wheel, installs it into a new virtual environment outside the checkout and works
from an empty directory:
- `digicheck questionnaire check`, `digicheck config check`;
- `digicheck db upgrade` twice at once against a fresh PostgreSQL database;
- two gunicorn instances (2 workers each, the packaged gunicorn settings) on one database and
  one Redis (a private redis-server this script starts and stops);
- with a real HTTP client: login page, fingerprinted CSS compressed and cacheable, a demo login,
  an area page, the result page (radar as SVG), the benchmark's partial plotly.js compressed, an XLSX export
  and a PDF (both made by the `python -m digicheck.offload` child of the installed package), /readyz; the session, a save and
  the rate limit hold across both instances; with Redis stopped a login still works and /readyz
  answers 503; after Redis is back /readyz answers 200 again;
- half-sent requests do not stop the app from answering;
- one instance stopped, the other keeps serving;
- backup with pg_dump, drop, restore with pg_restore: the same rows in every table, and the app
  serves the restored data;
- behind nginx with TLS (when nginx is installed; under CI=true it must be): the configuration
  of docs/operations.md, HSTS and Secure cookies, gzip from nginx for pages;
- nothing was written into site-packages.
Any failed check (a missing asset, too) ends the script with exit status 1.

Usage: python3 .ci/installed_check.py [--keep]   (PostgreSQL at 127.0.0.1:5432, user postgres)
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
SECRET = hashlib.sha256(b"installed-check").hexdigest()
IN_CI = os.environ.get("CI") == "true"
CHECKS: list[str] = []


class Failure(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failure(message)
    CHECKS.append(message)
    print(f"  ok  {message}", flush=True)


def step(title: str) -> None:
    print(f"== {title}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], env: dict[str, str], cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    if ok and done.returncode != 0:
        raise Failure(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """A browser's view: one cookie jar, no automatic redirects, German pages."""

    def __init__(self, base: str, context: ssl.SSLContext | None = None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        handlers: list[Any] = [urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)

    def at(self, base: str) -> Client:
        """The same browser (cookies) talking to another instance."""
        other = Client(base)
        other.jar = self.jar
        other.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        return other

    def request(
        self, path: str, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None, timeout: float = 30
    ) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path if path.startswith("/") else path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def page(self, path: str) -> tuple[int, str]:
        status, headers, body = self.request(path)
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return status, body.decode("utf-8", "replace")

    def post_form(self, path: str, fields: dict[str, Any], token_from: str | None = None) -> tuple[int, dict[str, str], str]:
        fields = dict(fields)
        if "csrf_token" not in fields:
            _, page = self.page(token_from or path)
            fields["csrf_token"] = csrf(page)
        # browsers send the page's address with a same-origin form (Referrer-Policy: same-origin);
        # Flask-WTF requires it on HTTPS
        status, headers, body = self.request(path, fields, headers={"Referer": self.base + (token_from or path)})
        return status, headers, body.decode("utf-8", "replace")

    def login(self, email: str, password: str) -> int:
        status, _, _ = self.post_form("/anmelden", {"email": email, "password": password})
        return status


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    if not match:
        raise Failure("no CSRF token on the page")
    return match.group(1)


def wait_until(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise Failure(f"timed out after {seconds:.0f} s: {what}")


class Installed:
    def __init__(self, work: Path):
        self.work = work
        self.venv = work / "venv"
        self.run_dir = work / "run"
        self.run_dir.mkdir()
        self.database = f"digicheck_installed_{os.getpid()}"
        self.database_url = f"{PG}/{self.database}"
        self.redis_port = free_port()
        self.redis: subprocess.Popen[bytes] | None = None
        self.servers: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}
        self.env = {
            "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}",
            "HOME": str(work),
            "LANG": "C.UTF-8",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": self.database_url,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{self.redis_port}",
            "DIGICHECK_LOGIN_RATE_LIMIT": "6 per minute",
        }

    # -- build and install -------------------------------------------------------------------
    def install(self) -> None:
        step("build the wheel and install it outside the checkout")
        dist = self.work / "dist"
        run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)], dict(os.environ), self.work)
        wheels = list(dist.glob("digicheck-*.whl"))
        check(len(wheels) == 1, f"one wheel built: {wheels[0].name if wheels else '-'}")
        run([sys.executable, "-m", "venv", str(self.venv)], dict(os.environ), self.work)
        run([str(self.venv / "bin" / "pip"), "install", "-q", f"{wheels[0]}[redis]"], dict(os.environ), self.work)
        self.site = Path(
            run(
                [
                    str(self.venv / "bin" / "python"),
                    "-c",
                    "import digicheck, pathlib; print(pathlib.Path(digicheck.__file__).parent.parent)",
                ],
                self.env,
                self.run_dir,
            ).stdout.strip()
        )
        check(str(ROOT) not in str(self.site), f"digicheck imported from the virtual environment ({self.site})")
        self.snapshot = self.site_files()

    def site_files(self) -> dict[str, float]:
        return {
            str(p): p.stat().st_mtime
            for top in ("digicheck", "scoring")
            for p in (self.site / top).rglob("*")
            if "__pycache__" not in p.parts
        }

    def cli(self, *args: str, env: dict[str, str] | None = None, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return run([str(self.venv / "bin" / "digicheck"), *args], env or self.env, self.run_dir, ok)

    # -- content and database ----------------------------------------------------------------
    def content_and_database(self) -> None:
        step("content, configuration and database from an empty directory")
        done = self.cli("questionnaire", "check")
        check("ok" in done.stdout and "Kataloge" in done.stdout, "digicheck questionnaire check passes")
        check(self.cli("config", "check").returncode == 0, "digicheck config check passes")
        psql(f'DROP DATABASE IF EXISTS "{self.database}"')
        psql(f'CREATE DATABASE "{self.database}"')
        upgrades = [
            subprocess.Popen(
                [str(self.venv / "bin" / "digicheck"), "db", "upgrade"],
                env=self.env,
                cwd=self.run_dir,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=300), p.stdout.read() if p.stdout else "") for p in upgrades]
        for _code, output in results:
            print("     " + output.strip().replace("\n", "\n     "))
        check(all(code == 0 for code, _ in results), "two `digicheck db upgrade` at once both exit 0")
        current = self.cli("db", "current").stdout
        check("head" in current or "neueste" in current, f"schema at the newest revision ({current.strip()})")
        check(self.cli("questionnaire", "check").returncode == 0, "questionnaire check still passes")
        register = sorted((ROOT.parent / "shared" / "data" / "gv100ad").glob("GV100AD_*.txt"))
        check(register, "the official register is beside the project (../shared/data/gv100ad)")
        demo_env = dict(self.env, DIGICHECK_DEMO="1", DIGICHECK_REGISTER_FILE=str(register[-1]))
        seeded = self.cli("demo", "seed", env=demo_env).stdout
        self.logins = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"^\s+(\S+)\s+(\S+@\S+)\s+Passwort: (\S+)", seeded, re.M)}
        check(len(self.logins) >= 3, f"demo logins printed: {', '.join(self.logins)}")
        check((self.run_dir / "instance").is_dir(), "the instance folder is ./instance where the app starts")

    # -- processes ---------------------------------------------------------------------------
    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.redis_port), timeout=1).close() is None, 20, "redis-server")

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=20)
            self.redis = None

    def start_server(self, name: str, extra: dict[str, str] | None = None) -> str:
        port = self.ports.setdefault(name, free_port())
        env = dict(self.env, DIGICHECK_DEMO="1", **(extra or {}))
        with open(self.work / f"gunicorn-{name}.log", "ab") as log:  # the child keeps its own copy of the file
            self.servers[name] = subprocess.Popen(
                [
                    str(self.venv / "bin" / "gunicorn"),
                    "-c",
                    "python:digicheck.gunicorn_conf",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{port}",
                    "digicheck.app:create_app()",
                ],
                env=env,
                cwd=self.run_dir,
                stdout=log,
                stderr=log,
            )
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: Client(base).request("/healthz", timeout=2)[0] == 200, 60, f"gunicorn {name} answers /healthz")
        return base

    def stop_server(self, name: str) -> None:
        process = self.servers.pop(name, None)
        if process is not None:
            process.terminate()
            process.wait(timeout=30)

    # -- the web checks ----------------------------------------------------------------------
    def web(self) -> None:
        step("two gunicorn instances, one database, one Redis")
        self.start_redis()
        a, b = self.start_server("a"), self.start_server("b")
        browser = Client(a)
        status, login_page = browser.page("/anmelden")
        check(status == 200, "login page 200")
        styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', login_page)
        check(styles and re.search(r"[0-9a-f]{8,}", styles[0]), f"the page links a fingerprinted stylesheet ({styles[:1]})")
        for encoding in ("br", "gzip"):
            status, headers, body = browser.request(styles[0], headers={"Accept-Encoding": encoding})
            check(status == 200 and headers.get("content-encoding") == encoding, f"CSS comes back {encoding}-compressed")
            check(
                "immutable" in headers.get("cache-control", "") and "max-age=31536000" in headers.get("cache-control", ""),
                f"CSS is cacheable: {headers.get('cache-control')}",
            )
        status, headers, body = browser.request(styles[0], headers={"Accept-Encoding": "gzip"})
        check(b"{" in gzip.decompress(body), "compressed CSS decompresses to a stylesheet")

        email, password = self.logins["Kommune"]
        check(browser.login(email, password) == 302, f"demo login as {email} on instance a")
        other = browser.at(b)
        status, home = other.page("/")
        check(status == 200 and "Abmelden" in home, "the session holds on instance b")
        area_path = self.area_page(other, home)
        status, area = other.page(area_path)
        check(status == 200 and "<fieldset" in area, f"area page renders on b ({area_path})")
        item, value, fields = changed_answer(area)
        status, headers, _ = other.post_form(area_path, fields)
        check(status == 302, f"an answer saved through instance b ({item} = {value})")
        _, again = browser.page(area_path)
        check(checked_values(again, item) == [value], "instance a shows the answer saved through b")
        self.saved = (area_path, item, value)
        result_path = area_path.split("/bereich/")[0] + "/ergebnis"
        status, result = browser.page(result_path)
        check(status == 200 and "Reifegrad" in result, "result page renders")
        check('<svg id="radar"' in result and "plotly" not in result, "the result page draws its radar as SVG, without plotly.js")
        status, report = browser.page("/benchmark/")
        scripts = [s for s in re.findall(r'<script src="([^"]+)"', report) if "plotly" in s]
        check(status == 200 and bool(scripts), "the benchmark report loads the partial plotly.js bundle")
        # PDFs and XLSX are made by a child process, `python -m digicheck.offload` of the installed package
        status, headers, body = browser.request(result_path.replace("/ergebnis", "/antworten.xlsx"))
        check(status == 200 and body.startswith(b"PK"), f"the answers as XLSX from the installed wheel ({status})")
        status, headers, body = browser.request("/benchmark/bericht.pdf")
        check(status == 200 and body.startswith(b"%PDF"), f"the benchmark report as PDF from the installed wheel ({status})")
        status, headers, body = browser.request(scripts[0], headers={"Accept-Encoding": "gzip, deflate, br"})
        check(
            status == 200 and headers.get("content-encoding") in ("br", "gzip"),
            f"plotly.js comes back compressed ({headers.get('content-encoding')})",
        )
        check(len(body) <= 450_000, f"plotly.js is {len(body) / 1e3:.0f} KB compressed (at most 450 KB)")
        status, _, body = browser.request("/readyz")
        probes = {name: value for name, value in json.loads(body).items() if name != "hinweise"}  # legal texts: below
        check(status == 200 and probes == {"database": "ok", "ratelimit": "ok"}, f"/readyz 200 {body.decode()}")
        check(
            "Impressum: Platzhalter nicht ersetzt (mitgelieferte Vorlage)" in json.loads(body).get("hinweise", []),
            "/readyz names the legal texts still to be filled in",
        )
        status, impressum = browser.page("/impressum")
        check(status == 200 and "[BETREIBER:" in impressum, "the shipped Impressum template comes from the wheel")

        step("the rate limit holds across both instances (6 failed logins per minute)")
        stranger = Client(a)
        codes = [stranger.login(email, "falsch") for _ in range(3)] + [stranger.at(b).login(email, "falsch") for _ in range(3)]
        last = stranger.at(b).login(email, "falsch")
        check(codes.count(429) == 0 and last == 429, f"6 failures over a and b, then 429 (saw {codes + [last]})")

        step("Redis stopped: logins go on, /readyz says 503")
        self.stop_redis()
        fresh = Client(a)
        check(fresh.login(email, password) == 302, "a login works with Redis down (in-memory fallback)")
        status, _, body = fresh.request("/readyz")
        check(status == 503 and json.loads(body).get("ratelimit") != "ok", f"/readyz 503 with Redis down: {body.decode()}")
        self.start_redis()
        wait_until(lambda: Client(a).request("/readyz", timeout=3)[0] == 200, 60, "/readyz 200 again after Redis is back")
        check(True, "/readyz 200 again after Redis is back")

        step("half-sent requests (slow clients) straight at gunicorn")
        self.half_sent(a)

        step("one instance stopped, the other keeps serving")
        self.stop_server("b")
        status, page = browser.page(result_path)
        check(status == 200 and "Reifegrad" in page, "instance a still serves the logged-in user")

    def area_page(self, client: Client, home: str) -> str:
        links = re.findall(r'href="(/bewertung/\d+/bereich/[a-z_]+)"', home)
        if links:
            status, page = client.page(links[0])
            if 'value="speichern"' in page:
                return links[0]
        status, headers, _ = client.post_form("/runden", {}, token_from="/")
        check(status == 302, "a new round started")
        status, start = client.page(urllib.parse.urlparse(headers["location"]).path)  # its start page
        links = re.findall(r'href="(/bewertung/\d+/bereich/[a-z_]+)"', start)
        check(status == 200 and bool(links), "the new round's start page links its areas")
        return links[0]

    def half_sent(self, base: str) -> None:
        port = int(base.rsplit(":", 1)[1])
        sockets = []
        for _ in range(4):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(
                b"POST /anmelden HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail="
            )
            sockets.append(s)
        started = time.monotonic()
        status, _, _ = Client(base).request("/healthz", timeout=10)
        elapsed = time.monotonic() - started
        for s in sockets:
            s.close()
        check(status == 200 and elapsed < 5, f"with 4 half-sent requests open, /healthz answered in {elapsed * 1000:.0f} ms")

    # -- backup and restore ------------------------------------------------------------------
    def backup_restore(self) -> None:
        step("backup, drop, restore")
        self.stop_server("a")
        before = table_counts(self.database)
        check(before.get("answers", 0) > 0 and before.get("users", 0) >= 3, f"rows before: {before}")
        dump = self.work / "digicheck.dump"
        run(["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-f", str(dump), self.database], dict(os.environ), self.work)
        archive = self.work / "instance.tar.gz"
        run(["tar", "-czf", str(archive), "-C", str(self.run_dir), "instance"], dict(os.environ), self.work)
        psql(f'DROP DATABASE "{self.database}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{self.database}"')
        check(table_counts(self.database) == {}, "database dropped and created empty")
        run(["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", self.database, "--no-owner", str(dump)], dict(os.environ), self.work)
        after = table_counts(self.database)
        check(after == before, f"the same rows in all {len(after)} tables after pg_restore")
        current = self.cli("db", "current").stdout
        check("head" in current or "neueste" in current, "restored schema at the newest revision")
        a = self.start_server("a")
        browser = Client(a)
        email, password = self.logins["Kommune"]
        check(browser.login(email, password) == 302, "login against the restored database")
        area_path, item, value = self.saved
        _, page = browser.page(area_path)
        check(checked_values(page, item) == [value], "the answer saved before the backup is there")
        self.stop_server("a")

    # -- nginx with TLS ----------------------------------------------------------------------
    def nginx(self) -> None:
        step("behind nginx with TLS (docs/nginx/digicheck.conf)")
        if shutil.which("nginx") is None:
            if IN_CI:
                raise Failure("nginx is not installed (.ci/run installs it)")
            print("  skip: nginx is not installed (apt-get install nginx)")
            return
        folder = self.work / "nginx"
        (folder / "tmp").mkdir(parents=True)
        os.chmod(self.work, 0o755)
        key, cert = folder / "digicheck.key", folder / "digicheck.crt"
        run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            dict(os.environ),
            folder,
        )
        app_port, https_port, http_port = free_port(), free_port(), free_port()
        self.ports["a"] = app_port
        site = (ROOT / "docs" / "nginx" / "digicheck.conf").read_text(encoding="utf-8")
        for old, new in (
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;", ""),
            ("/etc/ssl/certs/digicheck.example.de.crt", str(cert)),
            ("/etc/ssl/private/digicheck.example.de.key", str(key)),
            ("server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}"),
            ("digicheck.example.de", "localhost"),
        ):
            check(old in site, f"docs/nginx/digicheck.conf has `{old}`")
            site = site.replace(old, new)
        (folder / "digicheck.conf").write_text(site, encoding="utf-8")
        (folder / "nginx.conf").write_text(
            f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  access_log {folder}/access.log;
  client_body_temp_path {folder}/tmp/body;
  proxy_temp_path {folder}/tmp/proxy;
  fastcgi_temp_path {folder}/tmp/fastcgi;
  uwsgi_temp_path {folder}/tmp/uwsgi;
  scgi_temp_path {folder}/tmp/scgi;
  include {folder}/digicheck.conf;
}}
""",
            encoding="utf-8",
        )
        for path in folder.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        run(["nginx", "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], dict(os.environ), folder)
        nginx = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self.start_server("a", {"DIGICHECK_PROXY_HOPS": "1", "DIGICHECK_SECURE_COOKIES": "1"})
            context = ssl.create_default_context(cafile=str(cert))
            base = f"https://localhost:{https_port}"
            wait_until(lambda: Client(base, context).request("/healthz", timeout=2)[0] == 200, 30, "nginx answers over TLS")
            browser = Client(base, context)
            status, headers, body = browser.request("/anmelden", headers={"Accept-Encoding": "gzip"})
            check(status == 200 and headers.get("content-encoding") == "gzip", "through nginx: login page 200, gzip by nginx")
            check("max-age=31536000" in headers.get("strict-transport-security", ""), f"HSTS: {headers.get('strict-transport-security')}")
            page = gzip.decompress(body).decode()
            style = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)[0]
            status, headers, _ = browser.request(style, headers={"Accept-Encoding": "br, gzip"})
            check(status == 200 and headers.get("content-encoding") == "br", "through nginx: CSS keeps the app's br encoding")
            email, password = self.logins["Beratung"]
            status, headers, body = browser.post_form("/anmelden", {"email": email, "password": password})
            shown = "" if status == 302 else " ".join(re.sub(r"<[^>]+>", " ", body).split())[:300]
            check(status == 302, f"login through nginx (status {status}) {shown}")
            cookie = headers.get("set-cookie", "")
            check("Secure" in cookie and "HttpOnly" in cookie, "the session cookie is Secure and HttpOnly")
            status, page = browser.page("/beratung/")  # consultants land in their workspace
            check(status == 200 and "Abmelden" in page, "logged in through nginx: the consultant workspace")
            status, headers, _ = Client(f"http://127.0.0.1:{http_port}").request("/anmelden")
            check(status == 301 and headers.get("location", "").startswith("https://"), "plain HTTP is redirected to HTTPS")
            sockets = []
            for _ in range(50):  # more than gunicorn's 2 × 8 threads could hold
                s = context.wrap_socket(socket.create_connection(("127.0.0.1", https_port), timeout=5), server_hostname="localhost")
                s.sendall(
                    b"POST /anmelden HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 1000\r\n\r\nemail="
                )
                sockets.append(s)
            started = time.monotonic()
            status, _, _ = Client(base, context).request("/healthz", timeout=10)
            for s in sockets:
                s.close()
            check(
                status == 200,
                f"with 50 half-sent requests held by nginx, /healthz answered in {(time.monotonic() - started) * 1000:.0f} ms",
            )
        finally:
            self.stop_server("a")
            nginx.terminate()
            nginx.wait(timeout=20)

    def finish(self) -> None:
        step("nothing written into site-packages")
        now = self.site_files()
        changed = sorted(set(now) ^ set(self.snapshot)) + sorted(p for p in now if p in self.snapshot and now[p] != self.snapshot[p])
        check(not changed, f"site-packages unchanged ({len(now)} files)" if not changed else f"changed: {changed[:5]}")

    def close(self) -> None:
        for name in list(self.servers):
            self.stop_server(name)
        self.stop_redis()
        psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)', ok=False)


def input_tags(page: str) -> list[tuple[dict[str, str], bool]]:
    """Every <input> of a page: its attributes and whether it is checked."""
    return [
        (dict(re.findall(r'([a-z-]+)="([^"]*)"', tag)), re.search(r"\schecked[\s>=]", tag) is not None)
        for tag in re.findall(r"<input[^>]*>", page)
    ]


def checked_values(page: str, name: str) -> list[str]:
    return [attrs.get("value", "") for attrs, checked in input_tags(page) if attrs.get("name") == name and checked]


def changed_answer(page: str) -> tuple[str, str, dict[str, Any]]:
    """The form of an area page with one single-choice answer changed, as a browser would post it."""
    form = page[page.index("<form", page.index("<main")) :]
    fields: dict[str, Any] = {}
    radios: dict[str, list[tuple[str, bool]]] = {}
    for attrs, checked in input_tags(form):
        kind, name, value = attrs.get("type", "text"), attrs.get("name"), attrs.get("value", "")
        if not name:
            continue
        if kind == "hidden":
            fields[name] = value
        elif kind == "radio":
            radios.setdefault(name, []).append((value, checked))
        elif kind == "checkbox" and checked:
            fields.setdefault(name, []).append(value)
        elif kind in ("text", "number") and value:
            fields[name] = value
    for name, options in radios.items():
        chosen = [v for v, c in options if c]
        if chosen:
            fields[name] = chosen[0]
    name, options = next((n, o) for n, o in radios.items() if len(o) >= 3)
    current = fields.get(name)
    value = next(v for v, _ in options if v != current and v not in ("weiss_nicht", "trifft_nicht_zu"))
    fields[name] = value
    fields["action"] = "speichern"
    return name, value, fields


def psql(sql: str, database: str = "postgres", ok: bool = True) -> str:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if ok and done.returncode != 0:
        raise Failure(f"psql: {done.stderr.strip()}")
    return done.stdout


def table_counts(database: str) -> dict[str, int]:
    tables = [t for t in psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database).split() if t]
    if not tables:
        return {}
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
    return {name: int(count) for name, count in (line.split("|") for line in psql(query, database).splitlines() if line)}


def main() -> int:
    keep = "--keep" in sys.argv
    work = Path(tempfile.mkdtemp(prefix="digicheck-installed-"))
    installed = Installed(work)
    started = time.monotonic()
    try:
        installed.install()
        installed.content_and_database()
        installed.web()
        installed.backup_restore()
        installed.nginx()
        installed.finish()
    except Failure as failure:
        print(f"FEHLGESCHLAGEN: {failure}", file=sys.stderr)
        for log in sorted(work.glob("gunicorn-*.log")):
            print(f"--- {log.name} (last lines)", file=sys.stderr)
            print("\n".join(log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
        return 1
    finally:
        installed.close()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"installed path: all {len(CHECKS)} checks held ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
