"""gunicorn settings for Digi-Check: `gunicorn -c python:digicheck.gunicorn_conf 'digicheck.app:create_app()'`.

Options on gunicorn's command line override these. The configuration is checked once in the
master before any worker starts: a bad environment variable stops gunicorn with one German line
and exit status 1 instead of a traceback per worker.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from gunicorn.glogging import Logger

# Behind the TLS proxy on the same host (docs/operations.md): never exposed directly. The proxy
# buffers slow clients; gthread workers keep serving while a connection waits for the rest of a
# request (bench/slow_clients.py measures this).
bind = "127.0.0.1:8000"
worker_class = "gthread"
threads = 8
timeout = 30
graceful_timeout = 20
keepalive = 5
# a worker is replaced after this many requests (bounded memory growth), staggered by the jitter
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
logger_class = "digicheck.gunicorn_conf.AccessLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
# no control socket: two instances on one host would share its default path ($HOME/.gunicorn)
control_socket_disable = True
limit_request_line = 8190
limit_request_fields = 100


def on_starting(server: Any) -> None:
    from digicheck.config import ConfigError, from_environment

    try:
        from_environment()
    except ConfigError as exc:
        sys.stderr.write(f"Fehler: {exc}\n")
        sys.exit(1)


#: glibc's mallopt parameter for the number of malloc arenas
M_ARENA_MAX = -8


def post_fork(server: Any, worker: Any) -> None:
    """Two malloc arenas per worker instead of up to eight per core: each of the 8 threads would
    otherwise keep the memory it freed in an arena of its own (bench/worker_memory.py: 116 → 110 MiB
    after 1,000 mixed requests, issue 18). Python's small objects do not go through malloc."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not glibc: its own allocator, nothing to set
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 2)


#: a path segment this long of URL-safe characters is a one-time token (invitation and reset
#: links carry 43): the access log shows *** instead, as the app's own request log does
TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{24,}(?=[/?\s]|$)")


class AccessLogger(Logger):
    """gunicorn's logger with one-time tokens masked in the access log's path."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            if isinstance(atoms.get(key), str):
                atoms[key] = TOKEN.sub("***", atoms[key])
        return atoms
