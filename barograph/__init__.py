"""barograph: who does what to whom in world politics, read from the news.

The data flows one way: ingest (bytes -> Document) -> text (Document -> Article, Sentence)
-> events (Sentence -> Event) -> store (DuckDB) -> analysis -> interfaces (CLI, web).
"""

from __future__ import annotations

__version__ = "0.1.0"


def open(db=None, *, read_only: bool = True):  # noqa: A001 - mirrors sqlite_utils.Database / duckdb.connect
    """Open a barograph store for reading (`read_only=True`, the default), so the CLI and the
    dashboard can read the same file while a notebook holds it open; writing is explicit:
    `barograph.open(path, read_only=False)` creates the file if needed and holds the write lock.
    See `barograph.store.Store`."""
    from barograph.store.db import Store

    return Store(db, read_only=read_only)
