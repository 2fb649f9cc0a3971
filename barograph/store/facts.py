"""Facts about a store that hold until the store is written: asked once, not on every read.

Why: a dashboard request is one query that matters and several small ones around it: is the
word index current, is any article a near-duplicate, which entities does "RUS" stand for,
which indexed words contain "attack", does the store hold any sentences. Each small query
costs DuckDB about a millisecond however little it reads, so on ICEWS14 they were a quarter
of the CPU of an events page and of a search (bench/serve.py, docs/web.md). Their answers
change only when the file does.

A reader that knows when the file changes (the web server's answer cache, `cache.py`) opens a
`Facts` for the file's present state around a request (`remembering`); the library asks
through `remember(key, compute)`, which computes every time when no one remembers (the CLI,
the tests, a writer), so the answers are the same with and without it.

The same holds for the rows of events a page shows (`rows`): the ids of a page are one narrow
query, and the 32 fields of each event are read once per state of the file, not for every page
that shows it. A dashboard's pages overlap (a dyad's newest events in any window that ends
today, a word's newest hits), and reading the fields was most of a page's cost: on ICEWS14 a
dyad's page is ~2.6 ms of CPU for the ids and ~4 ms more for their fields (docs/web.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# Bounds on what one state of the file keeps: facts (entity lists, word lists: small) and event
# rows (a page's 32 fields each; 10,000 rows of news sentences are about 20 MB).
MAX_FACTS = 4096
MAX_ROWS = 10_000


class Facts:
    """Answers computed for one state of the file; `still()` says whether it is still that one."""

    def __init__(self, still: Callable[[], bool]):
        self.still = still
        self._data: dict[Hashable, Any] = {}
        self._rows: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                return self._data[key]
        value = compute()
        # kept only if the file did not change while it was computed (a commit in between
        # may or may not be in what the query saw)
        if self.still():
            with self._lock:
                if len(self._data) < MAX_FACTS:
                    self._data[key] = value
        return value

    def rows(self, kind: Hashable, ids: list[str], fetch: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """The rows of `ids`, those read before for this state from memory, the others by one
        `fetch(missing)` (kept, least recently used dropped first)."""
        out: dict[str, Any] = {}
        with self._lock:
            for i in ids:
                row = self._rows.get((kind, i))
                if row is not None:
                    self._rows.move_to_end((kind, i))
                    out[i] = row
        missing = [i for i in ids if i not in out]
        if missing:
            got = fetch(missing)
            out.update(got)
            if self.still():
                with self._lock:
                    for i, row in got.items():
                        self._rows[(kind, i)] = row
                    while len(self._rows) > MAX_ROWS:
                        self._rows.popitem(last=False)
        return out

    def __len__(self) -> int:
        return len(self._data)


_current: ContextVar[Facts | None] = ContextVar("barograph_store_facts", default=None)


@contextmanager
def remembering(facts: Facts | None) -> Iterator[None]:
    """Within the block, `remember` keeps answers in `facts` (None: computes every time)."""
    token = _current.set(facts)
    try:
        yield
    finally:
        _current.reset(token)


def remember(key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`, or its answer for the file as it is now when a reader remembers facts."""
    facts = _current.get()
    return compute() if facts is None else facts.get(key, compute)


def remembering_rows() -> bool:
    """Whether `rows` can answer from memory (a reader remembers): callers that would otherwise
    read a page in one statement then split it into the page's ids and their rows."""
    return _current.get() is not None


def rows(kind: Hashable, ids: list[str], fetch: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
    """Event rows by id (`kind`: which columns), remembered for the file as it is now when a
    reader remembers, else all fetched."""
    facts = _current.get()
    return fetch(ids) if facts is None else facts.rows(kind, ids, fetch)
