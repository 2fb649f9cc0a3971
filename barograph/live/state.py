"""What `follow` remembers, kept in the store beside what it stored (migration 6 of `barograph.store.schema`).

Living in the same file as the articles is what makes a restart safe: a batch of articles is
committed first and the URLs it came from are marked read just after, so a kill -9 between
the two at worst fetches those pages again, and ingest's own deduplication (same bytes, same
body hash) stores nothing twice. Validators (ETag, Last-Modified) and back-off survive too.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

MAX_TRIES = 3  # an article page that failed this often is not asked for again


@dataclass
class SourceState:
    source: str
    name: str | None = None
    kind: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_read: dt.datetime | None = None
    last_ok: dt.datetime | None = None
    last_error: str | None = None
    failures: int = 0
    next_try: dt.datetime | None = None
    articles: int = 0
    # this cycle only (not stored)
    new: int = field(default=0, compare=False)

    def due(self, now: dt.datetime) -> bool:
        return self.next_try is None or self.next_try <= now


_COLS = ("source", "name", "kind", "etag", "last_modified", "last_read", "last_ok", "last_error", "failures", "next_try", "articles")


def now() -> dt.datetime:
    """UTC now, naive (DuckDB TIMESTAMP)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def load_sources(con) -> dict[str, SourceState]:
    rows = con.execute(f"SELECT {', '.join(_COLS)} FROM follow_sources").fetchall()
    return {r[0]: SourceState(*r) for r in rows}


def save_sources(con, states: list[SourceState]) -> None:
    if not states:
        return
    con.executemany(
        f"INSERT OR REPLACE INTO follow_sources ({', '.join(_COLS)}) VALUES ({', '.join('?' for _ in _COLS)})",
        [[getattr(s, c) for c in _COLS] for s in states],
    )


def seen(con, items: list[str]) -> dict[str, tuple[str, int, str | None]]:
    """item -> (status, tries, stamp) for those of `items` read before."""
    if not items:
        return {}
    import pyarrow as pa

    con.register("_follow_items", pa.table({"item": pa.array(items, pa.string())}))
    try:
        rows = con.execute("SELECT item, status, tries, stamp FROM follow_seen WHERE item IN (SELECT item FROM _follow_items)").fetchall()
    finally:
        con.unregister("_follow_items")
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def mark(con, rows: list[tuple[str, str, str | None, str, int]]) -> None:
    """(item, source, stamp, status, tries) rows, replacing what was known of those items.

    Through an Arrow table in one statement: DuckDB's executemany costs milliseconds a row."""
    if not rows:
        return
    import pyarrow as pa

    last = {r[0]: r for r in rows}  # an item twice in one call: its last row
    cols = list(zip(*last.values()))
    table = pa.table(
        {
            "item": pa.array(cols[0], pa.string()),
            "source": pa.array(cols[1], pa.string()),
            "stamp": pa.array(cols[2], pa.string()),
            "status": pa.array(cols[3], pa.string()),
            "tries": pa.array(cols[4], pa.int32()),
        }
    )
    con.register("_follow_marks", table)
    try:
        con.execute(
            "INSERT OR REPLACE INTO follow_seen (item, source, stamp, status, tries, seen_at) "
            "SELECT item, source, stamp, status, tries, current_timestamp FROM _follow_marks"
        )
    finally:
        con.unregister("_follow_marks")


def to_retry(con, source: str, max_tries: int) -> list[str]:
    """Article URLs of `source` that failed fewer than `max_tries` times: asked for again even when the listing is unchanged."""
    rows = con.execute(
        "SELECT item FROM follow_seen WHERE source = ? AND status = 'failed' AND tries < ? ORDER BY seen_at", [source, max_tries]
    ).fetchall()
    return [r[0] for r in rows]


def alert_key(a) -> str:
    return f"{a.source}|{a.target}|{a.direction}|{a.window_start}"


def known_alerts(con, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    rows = con.execute(f"SELECT alert_key FROM follow_alerts WHERE alert_key IN ({', '.join('?' for _ in keys)})", keys).fetchall()
    return {r[0] for r in rows}


def save_alert(con, a, payload: dict) -> None:
    con.execute(
        "INSERT OR IGNORE INTO follow_alerts (alert_key, source, target, direction, window_start, window_end, score, alert) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [alert_key(a), a.source, a.target, a.direction, a.window_start, a.window_end, a.score, json.dumps(payload, default=str)],
    )


def overview(con, alerts: int = 10) -> dict:
    """Each source's last read and state, and the newest alerts follow raised: for the dashboard."""
    srcs = con.execute(
        """SELECT source, name, kind, CAST(last_read AS VARCHAR), CAST(last_ok AS VARCHAR), last_error, failures,
                  CAST(next_try AS VARCHAR), articles FROM follow_sources ORDER BY source"""
    ).fetchall()
    names = ("source", "name", "kind", "last_read", "last_ok", "last_error", "failures", "next_try", "articles")
    al = con.execute(
        "SELECT alert, CAST(raised_at AS VARCHAR) FROM follow_alerts ORDER BY raised_at DESC, alert_key LIMIT ?", [int(alerts)]
    ).fetchall()
    return {"sources": [dict(zip(names, r)) for r in srcs], "alerts": [{**json.loads(a), "raised_at": t} for a, t in al]}
