"""Half-sent requests against gunicorn, the packaged settings against plain sync workers.

Opens N connections that send a request's headers and part of its body and then stall (a slow
or malicious client), then times a normal request to /healthz. Prints, per worker setting and
N, how long the normal request took (or that it timed out). Run on the loopback address only.

Usage: python bench/slow_clients.py [--stalled 4,16,64]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SETTINGS = {
    "sync, 2 workers (the old README)": ["-k", "sync", "-w", "2", "--timeout", "30"],
    "digicheck.gunicorn_conf (gthread, 2 workers × 8 threads)": ["-c", "python:digicheck.gunicorn_conf", "-w", "2"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz_ms(port: int, timeout: float) -> str:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
            response.read()
        return f"{(time.monotonic() - started) * 1000:.0f} ms"
    except OSError:
        return f"no answer within {timeout:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stalled", default="4,16,64")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="digicheck-slow-"))
    env = dict(
        os.environ, SECRET_KEY=secrets.token_hex(32), DIGICHECK_INSTANCE_PATH=str(work), DATABASE_URL=f"sqlite:///{work / 'slow.sqlite3'}"
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    for label, options in SETTINGS.items():
        port = free_port()
        server = subprocess.Popen(
            [gunicorn, *options, "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "digicheck.app:create_app()"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                if not healthz_ms(port, 1).startswith("no"):
                    break
                time.sleep(0.2)
            print(label)
            for count in (int(n) for n in args.stalled.split(",")):
                stalled = []
                for _ in range(count):
                    s = socket.create_connection(("127.0.0.1", port), timeout=5)
                    s.sendall(
                        b"POST /anmelden HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: 1000\r\n\r\nemail="
                    )
                    stalled.append(s)
                time.sleep(0.5)
                print(f"  {count:>3} half-sent requests open: /healthz {healthz_ms(port, 10)}")
                for s in stalled:
                    s.close()
                time.sleep(1)
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
