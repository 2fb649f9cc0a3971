"""barograph: who does what to whom in world politics, read from the news.

The data flows one way: ingest (bytes -> Document) -> text (Document -> Article, Sentence)
-> events (Sentence -> Event) -> store (DuckDB) -> analysis -> interfaces (CLI, web).
"""

from __future__ import annotations

__version__ = "0.1.0"


def open(db=None):  # noqa: A001 - mirrors sqlite_utils.Database / duckdb.connect
    """Open (creating if needed) a barograph store; see `barograph.store.Store`."""
    from barograph.store.db import Store

    return Store(db)
