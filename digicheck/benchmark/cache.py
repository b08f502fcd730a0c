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
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import text

from digicheck.extensions import db

T = TypeVar("T")

#: seconds after which a remembered value is computed again whatever the probe says
MAX_AGE = 300.0
#: values kept per process (rounds × dimensions × Länder a reader may ask for)
SIZE = 48

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


#: the worker's threads share the store; computing happens outside the lock (two threads may both compute)
_LOCK = threading.Lock()


def remembered(key: Hashable, version: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """The value remembered under `key` if it was computed at `version` less than MAX_AGE ago, else
    `compute()`, remembered. One value per key: a new version replaces the old one."""
    store: dict[Hashable, _Entry] = current_app.extensions.setdefault("digicheck.benchmark_cache", {})
    now = time.monotonic()
    with _LOCK:
        entry = store.get(key)
    if entry is None or entry.version != version or now - entry.at > MAX_AGE:
        entry = _Entry(version, compute(), now)
    with _LOCK:
        store.pop(key, None)
        store[key] = entry  # newest last: the least recently used goes first
        while len(store) > SIZE:
            del store[next(iter(store))]
    return entry.value
