"""Per-process memory of the benchmark's figures, valid for one version of the data they come from.

The report's figures depend only on submitted assessments and the register, the plan section only
on the plans and the register; none of them on who reads them (the access decision and a
municipality's ranks are taken per request). A probe of a few counts and maxima, one statement,
tells whether what this process computed before is still the data's:

- a submission turns an assessment submitted (the count of submitted rounds grows; submitted
  rounds are never changed or deleted, their area results are written with them);
- the register import adds municipalities or moves their `updated_at`;
- a plan entry is added or changed: either writes one row of its history (`plan_entry_changes`).

Counts, not only maxima: on PostgreSQL two transactions can commit in the other order
than they took their ids and timestamps. Another worker's write is therefore seen at this worker's
next request. Rows changed by hand in SQL, past the app, are seen after MAX_AGE seconds at the latest.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import text

from digicheck.extensions import db
from digicheck.memo import Bounded

T = TypeVar("T")

#: seconds after which a remembered value is computed again whatever the probe says
MAX_AGE = 300.0
#: values kept per process (rounds × dimensions × Länder a reader may ask for)
SIZE = 48
#: where an app keeps its memory (`current_app.extensions`)
MEMORY = "digicheck.benchmark_cache"

_PROBE = text(
    "SELECT (SELECT COUNT(*) FROM assessments WHERE submitted_at IS NOT NULL) AS submitted,"
    " (SELECT MAX(submitted_at) FROM assessments) AS newest,"
    " (SELECT COUNT(*) FROM municipalities) AS municipalities,"
    " (SELECT MAX(updated_at) FROM municipalities) AS register,"
    " (SELECT COUNT(*) FROM plan_entry_changes) AS changes"
)


@dataclass(frozen=True)
class DataVersion:
    """What the figures (`figures`) and the plan section (`plans`) were computed from."""

    figures: tuple[Any, ...]
    plans: tuple[Any, ...]


def data_version() -> DataVersion:
    """The probe, in the current transaction."""
    row = db.session.execute(_PROBE).one()
    register = (row.municipalities, str(row.register))
    return DataVersion((row.submitted, str(row.newest), *register), (row.changes, *register))


@dataclass
class _Entry:
    version: tuple[Any, ...]
    value: Any
    at: float

    def serves(self, version: tuple[Any, ...], now: float) -> bool:
        return self.version == version and now - self.at <= MAX_AGE


@dataclass
class _Memory:
    """One app's remembered values. The worker's threads share it: `lock` guards the dicts; per key, one
    thread computes while the others asking for the same key wait for its value (`computing`); the
    values themselves are the least recently used SIZE (`digicheck.memo.Bounded`, as the result page's)."""

    values: Bounded[_Entry] = field(default_factory=lambda: Bounded(SIZE))
    computing: dict[Hashable, threading.Lock] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _memory() -> _Memory:
    memory: _Memory | None = current_app.extensions.get(MEMORY)
    if memory is None:
        memory = current_app.extensions.setdefault(MEMORY, _Memory())
    return memory


def remembered(key: Hashable, version: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """The value remembered under `key` if it was computed at `version` less than MAX_AGE ago, else
    `compute()`, remembered. One value per key: a new version replaces the old one."""
    memory = _memory()
    with memory.lock:
        entry = memory.values.get(key)
        if entry is not None and entry.serves(version, time.monotonic()):
            return entry.value
        computing = memory.computing.setdefault(key, threading.Lock())
    with computing:  # a thread computing the same key finishes first: then its value serves here
        with memory.lock:
            entry = memory.values.get(key)
        if entry is None or not entry.serves(version, time.monotonic()):
            entry = _Entry(version, compute(), time.monotonic())
        with memory.lock:
            memory.values.put(key, entry)
            if memory.computing.get(key) is computing:
                del memory.computing[key]
    return entry.value
