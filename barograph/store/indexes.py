"""Two tables derived from `events` so the dashboard answers without scanning every event.

Why: on a store of millions of events, the search route's `text ILIKE '%word%'` reads every
event's sentence, and a dyad's series groups every event of the store by the dyad filter. Both
took tens of milliseconds on ICEWS14 (90k events) and seconds at 10 M. DuckDB's `fts`
extension is downloaded at run time (not bundled in the wheel), so the word index is a plain
table of our own.

- `search_words`: one row per distinct word of an event's sentence (word, event_id, date,
  hidden), sorted by word on a rebuild so a word's rows sit in few row groups; `search_vocab`
  holds the distinct words. Words are runs of letters, digits and marks of `lower(text)`, cut in
  SQL with the same `lower` that `ILIKE` uses, so a lookup finds exactly what the scan finds
  (`query.search_candidates` says how).
- `dyad_days`: the collapsed events of the series (one row per source/target entity and code,
  source/target code, cameo, day, historical flag, claimed flag) with their QuadClass,
  Goldstein sum and count and mentions, for asserted and claimed events of articles that are
  not near-duplicates. `series_rows` groups it as `analysis.series.dyad_series` groups events.

Kept in step in the transaction that writes events: `add_events` after an ingest batch
(`store.writer`), `rebuild` after a recode or an ICEWS/GDELT import (which delete events too).
`hidden` (historical, or of a near-duplicate article) is fixed when an event is written:
`articles.duplicate_of` is only ever set when the article is inserted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date as _date

import numpy as np

from barograph.store import facts
from barograph.store.facts import remember
from barograph.store.query import _in, _window

# Letters, digits and combining marks make a word; everything else separates words.
WORD_SPLIT = r"[^\p{L}\p{N}\p{M}]+"

TABLES = """
    CREATE TABLE search_words (
        word     VARCHAR NOT NULL,      -- lower-case word of the event's sentence
        event_id VARCHAR NOT NULL,
        date     DATE,
        hidden   BOOLEAN NOT NULL       -- historical, or of a near-duplicate article
    );
    CREATE TABLE search_vocab (word VARCHAR NOT NULL);
    -- the series' default reading (historical events left out, claimed counted) summed per
    -- source entity, target entity and day: a dyad's series of entity codes reads only its days
    CREATE TABLE dyad_series_days (
        source_entity VARCHAR,
        target_entity VARCHAR,
        date          DATE NOT NULL,
        quad1         INTEGER NOT NULL,
        quad2         INTEGER NOT NULL,
        quad3         INTEGER NOT NULL,
        quad4         INTEGER NOT NULL,
        goldstein_sum DOUBLE,
        events        INTEGER NOT NULL,
        mentions      BIGINT NOT NULL
    );
    -- every (code, entity) pair of a source or target side: which entities an actor as people
    -- type it (entity RUS, code RUSGOV, imported name) can stand for
    CREATE TABLE actor_entities (code VARCHAR NOT NULL, entity VARCHAR);
    -- how many events the tables cover: an insert or delete that bypassed the writers (plain
    -- SQL on the file) leaves it different from count(*), and reads scan events instead
    CREATE TABLE index_state (events BIGINT NOT NULL);
    CREATE TABLE dyad_days (
        source_entity VARCHAR,
        target_entity VARCHAR,
        source        VARCHAR,
        target        VARCHAR,
        cameo         VARCHAR NOT NULL,
        date          DATE NOT NULL,
        historical    BOOLEAN NOT NULL,
        claimed       BOOLEAN NOT NULL,  -- modality claimed (else asserted)
        quad_class    TINYINT NOT NULL,  -- the smallest of the group's
        goldstein_sum DOUBLE,
        goldstein_n   INTEGER NOT NULL,  -- events with a Goldstein score
        mentions      BIGINT NOT NULL
    );
"""

_DUPLICATE = "(e.article_id IS NOT NULL AND e.article_id IN (SELECT a.article_id FROM articles a WHERE a.duplicate_of IS NOT NULL))"


def _words_sql(where: str) -> str:
    return f"""
        SELECT w.word, w.event_id, w.date, w.hidden FROM (
            SELECT unnest(list_distinct(regexp_split_to_array(lower(e.text), '{WORD_SPLIT}'))) AS word, e.event_id, e.date,
                   coalesce(e.historical, FALSE) OR {_DUPLICATE} AS hidden
            FROM events e WHERE e.text IS NOT NULL AND {where}) w
        WHERE w.word <> ''"""


def _days_sql(where: str) -> str:
    return f"""
        SELECT e.source_entity, e.target_entity, e.source, e.target, e.cameo, e.date,
               coalesce(e.historical, FALSE), e.modality = 'claimed', min(e.quad_class),
               sum(e.goldstein), count(e.goldstein), sum(coalesce(e.mentions, 1))
        FROM events e
        WHERE e.modality IN ('asserted', 'claimed') AND e.date IS NOT NULL AND e.quad_class IS NOT NULL
          AND NOT {_DUPLICATE} AND {where}
        GROUP BY ALL"""


def fill_sql() -> str:
    """Statements filling the empty tables from every stored event (the migration runs them)."""
    return f"""
        INSERT INTO search_words SELECT * FROM ({_words_sql("TRUE")}) ORDER BY word, date DESC;
        INSERT INTO search_vocab SELECT DISTINCT word FROM search_words ORDER BY word;
        INSERT INTO dyad_days SELECT * FROM ({_days_sql("TRUE")}) ORDER BY 1, 2, 3, 4, 6;
        INSERT INTO dyad_series_days {_series_days_sql("TRUE")} ORDER BY 1, 2, 3;
        INSERT INTO actor_entities {_actors_sql("TRUE")};
        DELETE FROM index_state;
        INSERT INTO index_state SELECT count(*) FROM events;
    """


def _series_days_sql(where: str) -> str:
    """Per entity dyad and day, from `dyad_days` (alias e in `where`): collapsed events as the
    series counts them (one per source/target entity, cameo and day) with the default filters."""
    return f"""
        SELECT source_entity, target_entity, date,
               count(*) FILTER (WHERE quad_class = 1), count(*) FILTER (WHERE quad_class = 2),
               count(*) FILTER (WHERE quad_class = 3), count(*) FILTER (WHERE quad_class = 4),
               sum(goldstein), count(*), sum(mentions)
        FROM (SELECT e.source_entity, e.target_entity, e.cameo, e.date, min(e.quad_class) AS quad_class,
                     sum(e.goldstein_sum) / nullif(sum(e.goldstein_n), 0) AS goldstein, sum(e.mentions) AS mentions
              FROM dyad_days e WHERE NOT e.historical AND {where}
              GROUP BY e.source_entity, e.target_entity, e.cameo, e.date)
        GROUP BY source_entity, target_entity, date"""


def _actors_sql(where: str) -> str:
    return f"""
        SELECT DISTINCT code, entity FROM (
            SELECT e.source AS code, e.source_entity AS entity FROM events e WHERE e.source IS NOT NULL AND {where}
            UNION ALL SELECT e.source_entity, e.source_entity FROM events e WHERE e.source_entity IS NOT NULL AND {where}
            UNION ALL SELECT e.target, e.target_entity FROM events e WHERE e.target IS NOT NULL AND {where}
            UNION ALL SELECT e.target_entity, e.target_entity FROM events e WHERE e.target_entity IS NOT NULL AND {where})"""


def entities_of(con, codes: Iterable[str]) -> dict[str, set[str | None]]:
    """The entities each actor of `codes` can stand for on a side of an event (`_actor_match` in
    query.py matches entity or code): itself, and the entity of every event side with that code
    (None: a side without an entity). One small query."""
    codes = sorted(set(codes))

    def ask() -> dict[str, frozenset[str | None]]:
        ph = ", ".join("?" for _ in codes)
        out: dict[str, set[str | None]] = {c: {c} for c in codes}
        for code, entity in con.execute(f"SELECT DISTINCT code, entity FROM actor_entities WHERE code IN ({ph})", codes).fetchall():
            out[code].add(entity)
        return {c: frozenset(e) for c, e in out.items()}

    return {c: set(e) for c, e in remember(("entities of", tuple(codes)), ask).items()}


def dyad_prefilter(con, f, alias: str = "e", checked: bool = False) -> tuple[str, list] | None:
    """A clause implied by `f`'s dyad filter that DuckDB can push into the scan (plain IN lists on
    the entity columns, where the dyad filter's ORs of entity and code cannot be): it changes no
    answer and lets the scan skip rows, and row groups of a table sorted by entity. None when
    there is no dyad or `actor_entities` may miss pairs (`current`; `checked`: the caller knows)."""
    if not f.dyad or not (checked or current(con)):
        return None
    a, b = [str(x) for x in f.dyad]
    of = entities_of(con, [a, b])
    ea, eb = (of[a] | of[b], of[a] | of[b]) if f.undirected else (of[a], of[b])
    parts: list[str] = []
    params: list = []
    for col, ents in ((f"{alias}.source_entity", ea), (f"{alias}.target_entity", eb)):
        if None not in ents:  # a side without an entity may match by its code: no list covers it
            parts.append(f"{col} IN ({', '.join('?' for _ in ents)})")
            params.extend(sorted(str(x) for x in ents))
    return (" AND ".join(parts), params) if parts else None


def entity_dyad(con, f, alias: str = "e") -> tuple[str, list] | None:
    """`f`'s dyad filter as a clause on the entity columns alone, when both actors are entities
    that no event side names otherwise (`entities_of` gives each only itself): then "source_entity
    = a OR source = a" is "source_entity = a", and the scan reads two columns instead of four.
    None when that does not hold or `actor_entities` may miss pairs (`current`)."""
    if not f.dyad or not current(con):
        return None
    a, b = [str(x) for x in f.dyad]
    of = entities_of(con, [a, b])
    if of[a] != {a} or of[b] != {b}:
        return None
    s, t = f"{alias}.source_entity", f"{alias}.target_entity"
    if not f.undirected or a == b:
        return f"{s} = ? AND {t} = ?", [a, b]
    return f"{s} IN (?, ?) AND {t} IN (?, ?) AND (({s} = ? AND {t} = ?) OR ({s} = ? AND {t} = ?))", [a, b, a, b, a, b, b, a]


def rebuild(con) -> None:
    """Both tables again from every event, in the caller's transaction (after a recode or an
    import, which delete events as well as add them). Sorted, so lookups skip row groups."""
    con.execute("DELETE FROM search_words; DELETE FROM search_vocab; DELETE FROM dyad_days; DELETE FROM dyad_series_days; DELETE FROM actor_entities")
    _ordered(con, fill_sql())


def _ordered(con, sql: str) -> None:
    """Run `sql` with insertion order kept (ingest switches it off to save memory)."""
    was = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(sql)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if was else 'false'}")


def add_events(con, event_ids: Iterable[str]) -> None:
    """Index events just inserted (an ingest batch), in the caller's transaction.

    Their words are appended; the dyad-days groups they fall in (source/target entity and day)
    are computed again from the events, so a group an earlier batch began is merged, not doubled.
    The recomputation reads only the batch's entities and dates (filters the scans can push down).
    """
    ids = list(event_ids)
    if not ids:
        return
    import pyarrow as pa

    con.register("_indexed_ids", pa.table({"event_id": pa.array(ids, pa.string())}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _new AS SELECT * FROM events WHERE event_id IN (SELECT event_id FROM _indexed_ids)")
    finally:
        con.unregister("_indexed_ids")
    words = _words_sql("TRUE").replace("FROM events e", "FROM _new e")
    con.execute("CREATE OR REPLACE TEMP TABLE _new_words AS " + words)
    con.execute("INSERT INTO search_words SELECT * FROM _new_words")
    con.execute("INSERT INTO search_vocab SELECT DISTINCT n.word FROM _new_words n WHERE n.word NOT IN (SELECT v.word FROM search_vocab v)")
    con.execute("DROP TABLE _new_words")
    con.execute("CREATE OR REPLACE TEMP TABLE _days AS SELECT DISTINCT source_entity, target_entity, date FROM _new WHERE date IS NOT NULL")
    lo, hi = con.execute("SELECT min(date), max(date) FROM _days").fetchone()
    if lo is not None:
        ents = [r[0] for r in con.execute("SELECT DISTINCT source_entity FROM _days").fetchall()]
        known = [x for x in ents if x is not None]
        narrow, params = "{a}.date BETWEEN ? AND ?", [lo, hi]
        if known:
            narrow += f" AND ({{a}}.source_entity IN ({', '.join('?' for _ in known)})" + (" OR {a}.source_entity IS NULL)" if None in ents else ")")
            params += known
        same = "d.source_entity IS NOT DISTINCT FROM x.source_entity AND d.target_entity IS NOT DISTINCT FROM x.target_entity AND d.date = x.date"
        in_days = f"{narrow.format(a='e')} AND EXISTS (SELECT 1 FROM _days x WHERE {same.replace('d.', 'e.')})"
        for table, fill in (("dyad_days", _days_sql), ("dyad_series_days", _series_days_sql)):
            con.execute(f"DELETE FROM {table} d WHERE {narrow.format(a='d')} AND EXISTS (SELECT 1 FROM _days x WHERE {same})", params)
            con.execute(f"INSERT INTO {table} {fill(in_days)}", params)
    con.execute("DROP TABLE _days")
    con.execute(
        f"""INSERT INTO actor_entities SELECT n.code, n.entity FROM ({_actors_sql("TRUE").replace("FROM events e", "FROM _new e")}) n
            WHERE NOT EXISTS (SELECT 1 FROM actor_entities x WHERE x.code = n.code AND x.entity IS NOT DISTINCT FROM n.entity)"""
    )
    con.execute("DROP TABLE _new")
    # counts up only from a current state: events written around the writers stay unindexed
    con.execute("UPDATE index_state SET events = events + ?", [len(ids)])


# -- reads ---------------------------------------------------------------------------------


def current(con) -> bool:
    """Whether the tables cover the stored events (see `index_state`); one cheap query."""

    def ask() -> bool:
        row = con.execute("SELECT (SELECT max(events) FROM index_state) = (SELECT count(*) FROM events)").fetchone()
        return bool(row and row[0])

    return remember(("index current",), ask)


def series_rows(con, a: str, b: str, fr: str, *, directed: bool = True, since=None, until=None, historical: bool = False, claimed: bool = True):
    """(period, quad1..4, goldstein_sum, events, mentions) rows of the dyad a -> b (both ways
    when not `directed`) from `dyad_days`: what `analysis.series.dyad_series` computes from
    events, grouped the same way (one collapsed event per source/target entity, code and day)."""
    from barograph.store.query import event_filter

    f = event_filter(dyad=(a, b), undirected=not directed, since=since, until=until, historical=True, include_duplicates=True)
    of = entities_of(con, [a, b])
    if not historical and claimed and of[a] == {a} and of[b] == {b}:
        # a and b are entities that no event side names otherwise: the dyad filter is
        # source_entity = a AND target_entity = b, and the days table has the answer summed
        pair = "(e.source_entity = ? AND e.target_entity = ?)"
        where, params = f"e.source_entity IN (?, ?) AND e.target_entity IN (?, ?) AND ({pair}", [a, b, a, b, a, b]
        if not directed:
            where += f" OR {pair}"
            params += [b, a]
        where += ")"
        for op, d in ((">=", f.since), ("<=", f.until)):
            if d:
                where += f" AND e.date {op} CAST(? AS DATE)"
                params.append(d)
        return con.execute(
            f"""SELECT CAST(date_trunc('{fr}', e.date) AS DATE) AS period, sum(e.quad1), sum(e.quad2), sum(e.quad3), sum(e.quad4),
                       round(coalesce(sum(e.goldstein_sum), 0), 9), sum(e.events), sum(e.mentions)
                FROM dyad_series_days e WHERE {where} GROUP BY 1 ORDER BY 1""",
            params,
        ).fetchall()
    where, params = f.sql()  # the dyad and window clauses, on the alias e
    pre = dyad_prefilter(con, f, checked=True)  # (views.series asked `current` first)
    if pre:
        where += " AND " + pre[0]
        params += pre[1]
    if not historical:
        where += " AND NOT e.historical"
    if not claimed:
        where += " AND NOT e.claimed"
    sql = f"""
        SELECT CAST(date_trunc('{fr}', date) AS DATE) AS period,
               count(*) FILTER (WHERE quad_class = 1), count(*) FILTER (WHERE quad_class = 2),
               count(*) FILTER (WHERE quad_class = 3), count(*) FILTER (WHERE quad_class = 4),
               round(coalesce(sum(goldstein), 0), 9), count(*), sum(mentions)
        FROM (SELECT e.source_entity, e.target_entity, e.cameo, e.date, min(e.quad_class) AS quad_class,
                     sum(e.goldstein_sum) / nullif(sum(e.goldstein_n), 0) AS goldstein, sum(e.mentions) AS mentions
              FROM dyad_days e WHERE {where}
              GROUP BY e.source_entity, e.target_entity, e.cameo, e.date)
        GROUP BY 1 ORDER BY 1"""
    return con.execute(sql, params).fetchall()


def search_words_of(con, q: str) -> tuple[str | None, bool]:
    """The longest word of the phrase `q` (as the index cuts words), and whether `q` is that one
    word alone. Every sentence containing `q` (any case) has a word containing that word, so
    the index's candidates hold every match; when `q` is one word they are exactly the matches."""
    # DuckDB's lower, as ILIKE and the index use (the same as Python's for ASCII)
    low = q.lower() if q.isascii() else con.execute("SELECT lower(?)", [q]).fetchone()[0]
    words = split_words(low)
    if not words:
        return None, False
    w = max(words, key=len)
    return w, low == w


def split_words(s: str) -> list[str]:
    """`s` cut as `WORD_SPLIT` cuts it in SQL (Unicode letters, numbers and marks make words); a
    regular expression with Unicode classes costs DuckDB milliseconds to compile per query."""
    out, cur = [], []
    for ch in s:
        if unicodedata.category(ch)[0] in "LNM":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def matching_words(con, w: str) -> list[str]:
    """Indexed words containing `w` (the vocabulary is small: thousands of words, not events)."""
    like = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(
        remember(
            ("words containing", w),
            lambda: tuple(r[0] for r in con.execute("SELECT word FROM search_vocab WHERE word LIKE ? ESCAPE '\\'", [like]).fetchall()),
        )
    )


def search_page(con, f, *, columns: list[tuple[str, str]], limit: int, offset: int) -> tuple[list[tuple], int] | None:
    """A page (newest first) of events whose sentence contains `f.text`, and how many match, from
    the word index; None when the index cannot answer alone (filters beyond since/until, a
    phrase of several words, no word in `f.text`): the caller then scans events as before.

    `columns`: (SQL expression on alias e, name) of the rows to return.
    """
    found = search_ids(con, f, limit=limit, offset=offset)
    if found is None:
        return None
    dated, total = found
    got = rows_by_id(con, columns, dated) if dated else {}
    return [got[i] for i in dated if i in got], total


def search_ids(con, f, *, limit: int, offset: int) -> tuple[dict, int] | None:
    """The page of `search_page` as event id -> date (in page order), and the total; None when
    the index cannot answer alone."""
    plain = f.values()
    plain.update(text=None, since=None, until=None)
    if any(v not in (None, False) for v in plain.values()) or f.include_duplicates or f.extra:
        return None
    w, whole = search_words_of(con, f.text or "")
    if w is None or not whole or not current(con):
        return None
    words = matching_words(con, w)
    if not words:
        return {}, 0
    remembered = _remembered_page(con, words, f.since, f.until, limit, offset)
    if remembered is not None:
        return remembered
    # one word: an equality DuckDB pushes into the scan of the word-sorted table; several: a list
    # it tests per row, where an IN list would become a join reading every column of every row
    # (25 against 14 ms for the 18 words containing "aid" on ICEWS14)
    params: list = [words[0]] if len(words) == 1 else [list(words)]
    where = ["s.word = ?" if len(words) == 1 else "s.word = ANY(?)", "NOT s.hidden", *_window("s.date", f.since, f.until, params)]
    # an event has each word once; several words containing `w` may share an event
    distinct = "DISTINCT " if len(words) > 1 else ""
    hits = f"SELECT {distinct}s.event_id, s.date FROM search_words s WHERE {' AND '.join(where)}"
    page = con.execute(
        f"""SELECT h.event_id, h.date, count(*) OVER () FROM ({hits}) h
            ORDER BY h.date DESC NULLS LAST, h.event_id LIMIT ? OFFSET ?""",
        params + [int(limit), int(offset)],
    ).fetchall()
    if not page:
        total = con.execute(f"SELECT count(*) FROM ({hits})", params).fetchone()[0] if offset else 0
        return {}, int(total)
    return {r[0]: r[1] for r in page}, int(page[0][2])


# A word with more visible postings is read by the statement each time rather than remembered;
# pages deeper than PAGE_DEPTH or windows of more than UNION_POSTINGS postings over several
# words too (the statement beats Python there).
WORD_POSTINGS = 50_000
PAGE_DEPTH = 5_000
UNION_POSTINGS = 200_000
_NO_DATE = 10**9  # sorts after every -ordinal: undated postings come last, as NULLS LAST
_TOO_MANY = object()  # what is remembered of a word with more than WORD_POSTINGS


def _newest_first(con, key: tuple, source: str, params: list):
    """The events `source` selects (a statement giving event_id and date), newest first (date
    DESC NULLS LAST, event_id, as the page statements order them): (event ids, dates, -ordinal of
    each date ascending), remembered for the file as it is now (`store/facts.py`); None when no
    reader remembers or there are more than WORD_POSTINGS (remembered as too many, so the next
    request does not count them again)."""

    def ask():
        n = con.execute(f"SELECT count(*) FROM ({source})", params).fetchone()[0]
        if n > WORD_POSTINGS:
            return _TOO_MANY, 1
        got = con.execute(f"SELECT event_id, date FROM ({source}) ORDER BY date DESC NULLS LAST, event_id", params).fetchall()
        neg = np.array([-d.toordinal() if d is not None else _NO_DATE for _, d in got], dtype=np.int64)
        return ([r[0] for r in got], [r[1] for r in got], neg), max(len(got), 1)

    got = facts.remembered_postings(key, ask)
    return None if got is _TOO_MANY else got


def _postings(con, word: str):
    """A word's visible postings newest first (`_newest_first`)."""
    return _newest_first(con, ("postings", word), "SELECT event_id, date FROM search_words WHERE word = ? AND NOT hidden", [word])


def _days(since, until) -> tuple[int | None, int | None] | None:
    """-ordinals of a window's ends (None: open), or None when a date does not read."""
    try:
        return (-_date.fromisoformat(str(until)).toordinal() if until else None, -_date.fromisoformat(str(since)).toordinal() if since else None)
    except ValueError:
        return None


def _cut(neg: np.ndarray, hi_day: int | None, lo_day: int | None, until) -> tuple[int, int]:
    """The slice of newest-first postings inside the window (undated ones only when it is open)."""
    lo = int(np.searchsorted(neg, hi_day, "left")) if hi_day is not None else 0
    if lo_day is not None:
        hi = int(np.searchsorted(neg, lo_day, "right"))
    else:
        hi = int(np.searchsorted(neg, _NO_DATE, "left")) if until else len(neg)
    return lo, max(lo, hi)  # (since after until: nothing)


def _remembered_page(con, words: list[str], since, until, limit: int, offset: int) -> tuple[dict, int] | None:
    """`search_ids`' answer from remembered postings: a window is a slice of each word's
    postings (binary search on the dates), one word's page a slice of that, several words' page
    the best of each word's first offset + limit (an event has each word once, so the union's
    best are among them). None when the postings are not remembered or the page is too deep."""
    days = _days(since, until)
    if days is None:
        return None
    depth = int(offset) + int(limit)
    if len(words) > 1 and depth > PAGE_DEPTH:
        return None
    cuts = []
    for word in words:
        got = _postings(con, word)
        if got is None:
            return None
        ids, dates, neg = got
        cuts.append((ids, dates, *_cut(neg, *days, until)))
    if len(cuts) == 1:
        ids, dates, lo, hi = cuts[0]
        a, b = lo + int(offset), min(hi, lo + depth)
        return {ids[i]: dates[i] for i in range(a, b)}, hi - lo
    if sum(hi - lo for _, _, lo, hi in cuts) > UNION_POSTINGS:
        return None
    total = len({i for ids, _, lo, hi in cuts for i in ids[lo:hi]})
    best = {ids[i]: dates[i] for ids, dates, lo, hi in cuts for i in range(lo, min(hi, lo + depth))}
    order = sorted(best, key=lambda e: (best[e] is None, -(best[e].toordinal() if best[e] is not None else 0), e))
    return {e: best[e] for e in order[int(offset) : depth]}, total


def dyad_page(con, f, exact: tuple[str, list], *, limit: int, offset: int) -> tuple[dict, int] | None:
    """A page newest first of a dyad's events (`exact`: `entity_dyad`'s clause) in a window and
    how many there are, from its events remembered newest first: the dashboard's events page
    asks this with a new window each time. None when `f` filters on more than the dyad and the
    window, or nothing is remembered."""
    plain = f.values()
    plain.update(dyad=None, undirected=False, since=None, until=None, include_duplicates=False)
    if any(v not in (None, False) for v in plain.values()) or not f.include_duplicates or f.extra:
        return None
    days = _days(f.since, f.until)
    if days is None:
        return None
    got = _newest_first(
        con,
        ("dyad", tuple(exact[1]), exact[0]),
        f"SELECT e.event_id, e.date FROM events e WHERE {exact[0]} AND NOT coalesce(e.historical, FALSE)",
        exact[1],
    )
    if got is None:
        return None
    ids, dates, neg = got
    lo, hi = _cut(neg, *days, f.until)
    return {ids[i]: dates[i] for i in range(lo + int(offset), min(hi, lo + int(offset) + int(limit)))}, hi - lo


def rows_by_rowid(con, columns: list[tuple[str, str]], rowids: list[int]) -> dict[str, tuple]:
    """The rows (`columns` as in `rows_by_id`) of events at `rowids` of this read, by event id;
    a semi-join on row ids costs DuckDB less than an IN list of 100 event ids (4 against 10 ms
    on ICEWS14)."""
    cols = ", ".join(f'{expr} AS "{name}"' for expr, name in columns)
    sql = f"SELECT e.event_id, {cols} FROM events e SEMI JOIN (SELECT unnest(?::BIGINT[]) AS r) page ON e.rowid = page.r"
    return {r[0]: r[1:] for r in con.execute(sql, [rowids]).fetchall()}


def rows_by_id(con, columns: list[tuple[str, str]], dated: dict) -> dict[str, tuple]:
    """The rows (`columns`: SQL expression on alias e, name) of the events `dated` names (event
    id -> its date), in one statement; the dates bound the scan to the row groups of their span
    (events are mostly stored by date)."""
    ids = list(dated)
    dates = [d for d in dated.values() if d is not None]
    p2: list = []
    cond = [_in("e.event_id", ids, p2)]
    if dates:
        span = "e.date BETWEEN ? AND ?"
        p2 += [min(dates), max(dates)]
        cond.append(f"({span} OR e.date IS NULL)" if len(dates) < len(ids) else span)
    cols = ", ".join(f'{expr} AS "{name}"' for expr, name in columns)
    return {r[0]: r[1:] for r in con.execute(f"SELECT e.event_id, {cols} FROM events e WHERE {' AND '.join(cond)}", p2).fetchall()}
