"""Answers of read routes, kept while the database file stays as it is.

A dashboard asks the same questions over and over (the overview's alerts, a dyad's series as
people click around), and the answers can only change when the file does. Entries are keyed
by the route's parameters and belong to one *state* of the file: the size and modification
time of the database and of its write-ahead log, plus the reader's count of in-process
uploads. Any commit changes that state and the whole cache is dropped; during an in-process
upload nothing is cached at all. An answer computed while the state changed under it is
handed back but not kept.

Concurrent requests for the same missing entry wait for the first one's answer instead of
all computing it (the alert detector takes a good part of a second on a year of ICEWS).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from barograph.store.facts import Facts


# What an entry that is not bytes (parsed alerts, page parts) is assumed to weigh.
OBJECT_WEIGHT = 256 * 1024


def weight(value: Any) -> int:
    return len(value) if isinstance(value, (bytes, bytearray)) else OBJECT_WEIGHT


class ResultCache:
    """Least recently used answers, at most `size` of them and about `max_bytes` in all."""

    def __init__(self, reader, size: int = 2048, max_bytes: int = 64 * 1024 * 1024):
        self.reader = reader
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._lock = threading.Lock()
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._state: tuple | None = None
        self._pending: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0
        self._facts: Facts | None = None
        self._facts_state: tuple | None = None

    def state(self) -> tuple | None:
        """What identifies the file's contents now; None while they may be changing in-process."""
        r = self.reader
        if r.writing_now:
            return None
        out: list = [r.generation]
        for p in (r.path, r.path.with_name(r.path.name + ".wal")):
            try:
                st = os.stat(p)
                out += [st.st_size, st.st_mtime_ns]
            except FileNotFoundError:
                out += [None, None]
        return tuple(out)

    def facts(self) -> Facts | None:
        """What the library may remember about the file as it is now (`store/facts.py`); None
        while an in-process upload may be changing it."""
        state = self.state()
        if state is None:
            return None
        with self._lock:
            if self._facts is None or self._facts_state != state:
                self._facts = Facts(lambda: self.state() == state)
                self._facts_state = state
            return self._facts

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        return self.lookup(key, compute)[0]

    def lookup(self, key: Hashable, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """The answer for `key`, and whether it came from the cache."""
        if self.size <= 0:
            return compute(), False
        while True:
            state = self.state()
            if state is None:
                return compute(), False
            with self._lock:
                if state != self._state:
                    self._data.clear()
                    self.bytes = 0
                    self._state = state
                if key in self._data:
                    self._data.move_to_end(key)
                    self.hits += 1
                    return self._data[key], True
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = threading.Event()
                    self.misses += 1
                    break
            waiting.wait(30)  # the first request's answer (or its failure) then look again
        try:
            value = compute()
            w = weight(value)
            with self._lock:
                if self.state() == state == self._state and w <= self.max_bytes // 8 and key not in self._data:
                    self._data[key] = value
                    self.bytes += w
                    while len(self._data) > self.size or self.bytes > self.max_bytes:
                        self.bytes -= weight(self._data.popitem(last=False)[1])
            return value, False
        finally:
            with self._lock:
                self._pending.pop(key).set()
