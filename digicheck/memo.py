"""Small bounded caches per worker for results that never change under their key (a submitted
round's scored profile and its advice): each worker keeps the most recently used few, so memory
stays bounded, and nothing has to be shared between workers, since a key names everything the
result depends on."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock
from typing import Generic, TypeVar, cast

from flask import current_app

V = TypeVar("V")


class Bounded(Generic[V]):
    """A least-recently-used mapping of at most `size` entries, safe for the threads of a worker."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def bounded(name: str, size: int) -> Bounded[V]:
    """The running app's cache of that name, made at its first use."""
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions.setdefault(name, Bounded[V](size))
    return cast(Bounded[V], cache)
