"""Heavy work in a short-lived child process, so that no web worker imports the library behind it.

WeasyPrint (PDFs), openpyxl (XLSX) and scikit-learn (archetypes) would stay resident in a
gunicorn worker for its whole life after a single PDF, export or benchmark report (issue 18:
349 MiB per worker instead of about 110). `call(job, args)` runs one of the `JOBS` in
`python -m digicheck.offload` — a module of the installed package, not a path in a checkout —
with the arguments pickled over stdin and the result pickled back over stdout. What the child
writes to stderr (warnings, a traceback) goes into this process's log.

Failures raise `OffloadError` with a German `message` and the HTTP `status` the app answers
with (500, or 503 for a timeout); the app's error pages show the message, never a traceback.
This module imports no Flask: the child loads only what its job needs.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The only functions a child runs, as "module:function".
JOBS = frozenset(
    {
        "digicheck.pdf_writer:write_pdf",
        "digicheck.pdf_writer:problem",
        "digicheck.workbook:write_xlsx",
        "scoring.benchmark.archetypes:fit_labels",
    }
)
#: Seconds a job may take: below nginx's proxy_read_timeout (60 s, docs/nginx/digicheck.conf), so
#: the user reads our German page rather than the proxy's 504. A busy two-core host needed 14 s
#: for the archetypes of 442 profiles, scikit-learn's import included.
TIMEOUT = 50.0
COMMAND = (sys.executable, "-m", "digicheck.offload")

FAILED = "Die Erzeugung ist fehlgeschlagen. Der Fehler wurde protokolliert; Ihre gespeicherten Daten sind nicht betroffen."
TIMED_OUT = "Die Erzeugung hat zu lange gedauert und wurde abgebrochen. Bitte versuchen Sie es in einigen Minuten erneut."


class OffloadError(Exception):
    """A job that did not deliver: `message` for the user, `status` for the answer, and
    `error_type` the name of the exception the job raised ("" when the child died or timed out)."""

    def __init__(self, job: str, detail: str, *, message: str = FAILED, status: int = 500, error_type: str = "") -> None:
        super().__init__(f"{job}: {detail}")
        self.message, self.status, self.error_type = message, status, error_type


def reference(job: Callable[..., Any]) -> str:
    return f"{job.__module__}:{job.__qualname__}"


def call(job: Callable[..., T], args: tuple[Any, ...] = (), kwargs: Mapping[str, Any] | None = None, timeout: float | None = None) -> T:
    """`job(*args, **kwargs)` computed in a child process; raises OffloadError if it fails or takes
    longer than `timeout` seconds (TIMEOUT by default)."""
    name = reference(job)
    if name not in JOBS:
        raise ValueError(f"{name} is not one of offload.JOBS")
    payload = pickle.dumps((name, args, dict(kwargs or {})), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(COMMAND, input=payload, capture_output=True, timeout=TIMEOUT if timeout is None else timeout, check=False)
    except subprocess.TimeoutExpired as expired:  # subprocess.run has killed the child
        _log_stderr(name, expired.stderr, logging.ERROR)
        raise OffloadError(name, f"no result after {expired.timeout:g} s", message=TIMED_OUT, status=503) from None
    try:
        outcome = pickle.loads(done.stdout)
    except Exception:
        _log_stderr(name, done.stderr, logging.ERROR)
        raise OffloadError(name, f"the child process ended with status {done.returncode} and no result") from None
    _log_stderr(name, done.stderr, logging.WARNING if outcome[0] == "ok" else logging.ERROR)
    if outcome[0] == "ok":
        return outcome[1]
    raise OffloadError(name, f"{outcome[1]}: {outcome[2]}", error_type=outcome[1])


def _log_stderr(job: str, stderr: bytes | None, level: int) -> None:
    text = (stderr or b"").decode("utf-8", "replace").strip()
    if text:
        log.log(level, "offloaded %s wrote to stderr:\n%s", job, text)


def main() -> int:
    """The child: read (job, args, kwargs) from stdin, write ("ok", result) or ("error", type, text)
    to stdout. Anything else the job prints lands on stderr, so stdout carries only the result."""
    result_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    name, args, kwargs = pickle.load(sys.stdin.buffer)
    outcome: tuple[Any, ...]
    if name not in JOBS:
        outcome = ("error", "ValueError", f"{name} is not one of offload.JOBS")
    else:
        module, _, function = name.partition(":")
        try:
            outcome = ("ok", getattr(importlib.import_module(module), function)(*args, **kwargs))
        except Exception as exc:
            traceback.print_exc()
            outcome = ("error", type(exc).__name__, str(exc))
    result_out.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    result_out.close()
    return 0 if outcome[0] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
