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
And the postings of search words and a dyad's events newest first (`sized`, bounded by how
many postings are kept): a search or a dyad's events page in any window is then a binary
search in them, where the statement scanned the word table (12.5 ms for the 18 words
containing "aid" on ICEWS14) or the dyad's events.
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
# ... and the postings of search words (event id and date each): at most this many in all
MAX_POSTINGS = 500_000


class Facts:
    """Answers computed for one state of the file; `still()` says whether it is still that one."""

    def __init__(self, still: Callable[[], bool]):
        self.still = still
        self._data: dict[Hashable, Any] = {}
        self._rows: OrderedDict[tuple, Any] = OrderedDict()
        self._postings: OrderedDict[Hashable, Any] = OrderedDict()
        self._posting_count = 0
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

    def sized(self, key: Hashable, compute: Callable[[], tuple[Any, int] | None]) -> Any:
        """`compute()`'s value (a value and its size in postings, or None: too big to keep),
        kept while the postings kept stay under MAX_POSTINGS (least recently used dropped)."""
        with self._lock:
            if key in self._postings:
                self._postings.move_to_end(key)
                return self._postings[key][0]
        got = compute()
        if got is None:
            return None
        value, size = got
        if self.still() and size <= MAX_POSTINGS:
            with self._lock:
                if key not in self._postings:
                    self._postings[key] = (value, size)
                    self._posting_count += size
                    while self._posting_count > MAX_POSTINGS:
                        self._posting_count -= self._postings.popitem(last=False)[1][1]
        return value

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


def remembered_postings(key: Hashable, compute: Callable[[], tuple[Any, int] | None]) -> Any:
    """`Facts.sized` when a reader remembers; None (ask the store) otherwise."""
    facts = _current.get()
    return None if facts is None else facts.sized(key, compute)


def remembering_rows() -> bool:
    """Whether `rows` can answer from memory (a reader remembers): callers that would otherwise
    read a page in one statement then split it into the page's ids and their rows."""
    return _current.get() is not None


def rows(kind: Hashable, ids: list[str], fetch: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
    """Event rows by id (`kind`: which columns), remembered for the file as it is now when a
    reader remembers, else all fetched."""
    facts = _current.get()
    return fetch(ids) if facts is None else facts.rows(kind, ids, fetch)
