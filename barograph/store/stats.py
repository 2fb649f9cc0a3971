"""What a store holds, in counts: the `barograph stats` figures and the demo's summary."""

from __future__ import annotations

from typing import Any

from barograph.store.db import Store


def stats(store: Store) -> dict[str, Any]:
    """Counts of every table, plus how events split by origin and modality."""
    con = store.con
    one = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
    s: dict[str, Any] = {
        "documents": one("SELECT count(*) FROM documents"),
        "articles": one("SELECT count(*) FROM articles WHERE duplicate_of IS NULL"),
        "near_duplicates": one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
        "appearances": one("SELECT count(*) FROM appearances"),
        "sentences": one("SELECT count(*) FROM sentences"),
        "events": one("SELECT count(*) FROM events"),
        "rejects": one("SELECT count(*) FROM rejects"),
    }
    s["reposts"] = one(
        "SELECT count(*) FROM appearances p JOIN articles a USING (article_id) WHERE p.doc_id <> a.doc_id OR p.article_index <> a.article_index"
    )
    s["corpora"] = dict(con.execute("SELECT corpus, count(*) FROM articles WHERE duplicate_of IS NULL GROUP BY 1 ORDER BY 1").fetchall())
    s["events_by_origin"] = dict(con.execute("SELECT origin, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC").fetchall())
    s["events_by_modality"] = dict(con.execute("SELECT modality, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC").fetchall())
    s["coders"] = dict(con.execute("SELECT coder, count(*) FROM events WHERE origin = 'barograph' GROUP BY 1 ORDER BY 1").fetchall())
    return s


def top_dyads(store: Store, limit: int = 10, corpus: str | None = None) -> list[dict[str, Any]]:
    """Most reported source->target pairs of barograph's own events, with mean Goldstein."""
    where = "origin = 'barograph' AND source_entity IS NOT NULL AND target_entity IS NOT NULL"
    params: list = []
    if corpus:
        where += " AND corpus = ?"
        params.append(corpus)
    rows = store.con.execute(
        f"""SELECT source_entity, target_entity, count(*) AS n, round(avg(goldstein), 2) AS goldstein,
                   count(*) FILTER (WHERE quad_class IN (3, 4)) AS conflict,
                   count(*) FILTER (WHERE date IS NULL) AS undated
            FROM events WHERE {where}
            GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT {int(limit)}""",
        params,
    ).fetchall()
    return [dict(source=r[0], target=r[1], events=r[2], goldstein=r[3], conflict=r[4], undated=r[5]) for r in rows]


def article_rows(store: Store, limit: int = 50, corpus: str | None = None) -> list[dict[str, Any]]:
    """Stored stories (near-duplicates left out), with how often each was seen and coded."""
    where, params = "a.duplicate_of IS NULL", []
    if corpus:
        where += " AND a.corpus = ?"
        params.append(corpus)
    rows = store.con.execute(
        f"""SELECT a.title, a.outlet, a.author, strftime(a.date, '%Y-%m-%d'),
                   (SELECT count(*) FROM appearances p WHERE p.article_id = a.article_id),
                   (SELECT count(*) FROM sentences s WHERE s.article_id = a.article_id),
                   (SELECT count(*) FROM events e WHERE e.article_id = a.article_id)
            FROM articles a WHERE {where} ORDER BY a.rowid LIMIT {int(limit)}""",
        params,
    ).fetchall()
    keys = ("title", "outlet", "author", "date", "appearances", "sentences", "events")
    return [dict(zip(keys, r)) for r in rows]


def event_rows(store: Store, limit: int = 40, corpus: str | None = None) -> list[dict[str, Any]]:
    """Barograph's coded events in reading order, with the evidence sentence."""
    where, params = "origin = 'barograph'", []
    if corpus:
        where += " AND corpus = ?"
        params.append(corpus)
    rows = store.con.execute(
        f"""SELECT source, cameo, target, modality, goldstein, text, start_char, end_char, doc
            FROM events WHERE {where}
            ORDER BY doc_id, start_char, event_id LIMIT {int(limit)}""",
        params,
    ).fetchall()
    keys = ("source", "cameo", "target", "modality", "goldstein", "text", "start", "end", "doc")
    return [dict(zip(keys, r)) for r in rows]
