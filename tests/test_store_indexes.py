"""The word index and the dyad days (store/indexes.py) answer exactly as the plain scans of
events do, after every kind of write: ingest, a second ingest into the same dyads and days,
recode, ICEWS and GDELT imports, the upgrade of a store written before them; and a store
written around the writers falls back to the scans."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_web_data import build_db

from barograph.analysis.series import dyad_series
from barograph.interfaces.web import views
from barograph.interfaces.web.filters import records
from barograph.store import indexes, query
from barograph.store.db import Store
from barograph.store.facts import Facts, remembering

DATA = Path(__file__).parent / "data"
WORDS = ["russia", "Turkey", "TALKS", "border", "ank", "a", "jet", "zzzz", "airspace", "Moscow", "talks on", "in", "ß"]


def _dyads(store, n=6):
    rows = store.con.execute(
        "SELECT source_entity, target_entity FROM events WHERE source_entity IS NOT NULL AND target_entity IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT ?",
        [n],
    ).fetchall()
    codes = store.con.execute("SELECT source, target FROM events WHERE source <> source_entity LIMIT 1").fetchall()
    return [tuple(r) for r in rows] + [tuple(r) for r in codes] + [("NOBODY", "TUR")]


def _window(store):
    lo, hi = store.con.execute("SELECT min(date), max(date) FROM events").fetchone()
    if lo is None:
        return [(None, None)]
    mid = lo + (hi - lo) / 2
    return [(None, None), (str(mid), None), (None, str(mid)), (str(lo), str(mid)), (str(hi), str(hi)), (str(hi), str(lo))]


def remembered_too(store, f, want, **kw) -> None:
    """With a reader remembering facts and rows (store/facts.py), the page is the same the first
    time (rows read) and the second (rows from memory), and changing what it returned does not
    change the next answer."""
    memo = Facts(lambda: True)
    with remembering(memo):
        first = query.event_page(store, f, columns=views.EVENT_FIELDS, **kw)
        assert first == want, (f, kw)
        for row in first[0]:
            row["text"] = "changed by the caller"
        assert query.event_page(store, f, columns=views.EVENT_FIELDS, **kw) == want, (f, kw)


def same_answers(db, words=WORDS, expect_index=True):
    """Indexed search and series equal the scans on `db`, also when a reader remembers facts and
    rows; returns how many answers were compared."""
    checked = 0
    with Store(db, read_only=True) as store:
        assert indexes.current(store.con) is expect_index
        for since, until in _window(store):
            for w in words:
                for offset in (0, 3):
                    f = query.event_filter(text=w, since=since, until=until)
                    got = query.event_page(store, f, columns=views.EVENT_FIELDS, limit=7, offset=offset, order="-date", total=True)
                    want = query.event_page(store, f, columns=views.EVENT_FIELDS, limit=7, offset=offset, order="-date", total=True, indexed=False)
                    assert got == want, (w, since, until, offset)
                    remembered_too(store, f, want, limit=7, offset=offset, order="-date", total=True)
                    checked += 1
            for a, b in _dyads(store):
                for directed in (True, False):
                    got = views.series(store, a, b, freq="week", directed=directed, since=since, until=until)
                    want = records(dyad_series(store, a, b, freq="week", directed=directed, since=since, until=until))
                    assert got == want, (a, b, directed, since, until)
                    f = query.event_filter(dyad=(a, b), undirected=not directed, since=since, until=until)
                    got = query.event_page(store, f, columns=views.EVENT_FIELDS, limit=50, order="-date", total=True)
                    want = query.event_page(store, f, columns=views.EVENT_FIELDS, limit=50, order="-date", total=True, indexed=False)
                    assert got == want, (a, b, directed, since, until)
                    remembered_too(store, f, want, limit=50, order="-date", total=True)
                    want = query.event_page(store, f, columns=views.EVENT_FIELDS, limit=4, offset=3, order="-date", total=True, indexed=False)
                    remembered_too(store, f, want, limit=4, offset=3, order="-date", total=True)
                    for order, offset in (("date", 0), ("-goldstein", 2), ("mentions", 0)):
                        want = query.event_page(store, f, columns=views.EVENT_FIELDS, limit=9, offset=offset, order=order, indexed=False)
                        assert query.event_page(store, f, columns=views.EVENT_FIELDS, limit=9, offset=offset, order=order) == want
                        remembered_too(store, f, want, limit=9, offset=offset, order=order)
                    checked += 2
    return checked


def _index_used(db, word):
    """The word index answers a one-word search (not the scan)."""
    with Store(db, read_only=True) as store:
        f = query.event_filter(text=word)
        cols = [(e, n) for e, n in query.COLUMNS if n in views.EVENT_FIELDS]
        return indexes.search_page(store.con, f, columns=cols, limit=5, offset=0)


def test_index_built_by_direct_writes_then_rebuild(tmp_path):
    db = tmp_path / "w.duckdb"
    build_db(db, articles=30)  # plain SQL, then indexes.rebuild (as a writer would)
    got = _index_used(db, "turkey")
    assert got is not None and got[1] > 0
    assert same_answers(db) > 100


def test_events_written_around_the_writers_fall_back_to_scans(tmp_path):
    db = tmp_path / "w.duckdb"
    build_db(db, articles=20)
    with Store(db) as store:
        store.con.execute(
            """INSERT INTO events (event_id, source, source_entity, target, target_entity, cameo, root_code, quad_class,
               goldstein, modality, date, text) VALUES ('raw1', 'RUSGOV', 'RUS', 'TUR', 'TUR', '190', '19', 4, -10, 'asserted',
               DATE '2015-11-20', 'Russia shelled a Turkish border post.')"""
        )
    assert _index_used(db, "shelled") is None  # the index knows it is behind: the scan answers
    assert same_answers(db, words=["shelled", "turkey"], expect_index=False) > 10
    with Store(db, read_only=True) as store:
        f = query.event_filter(text="shelled")
        assert query.event_page(store, f, columns=views.EVENT_FIELDS, limit=5, order="-date", total=True)[1] == 1


def _write_jsonl(path, n, seed):
    from test_web_concurrency import write_jsonl

    write_jsonl(path, n, seed=seed)


@pytest.mark.slow
def test_ingest_twice_and_recode_keep_the_index_in_step(tmp_path):
    from barograph.pipeline import ingest, recode

    db = tmp_path / "i.duckdb"
    news = tmp_path / "a.jsonl"
    _write_jsonl(news, 12, seed=3)
    ingest([str(news)], db, corpus="news", progress=False)
    with Store(db, read_only=True) as store:
        n1 = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
        days1 = store.con.execute("SELECT count(*) FROM dyad_days").fetchone()[0]
    assert n1 > 10 and days1 > 0
    assert same_answers(db) > 50
    # the same dyads on the same days again: dyad-day groups are merged, not doubled
    more = tmp_path / "b.jsonl"
    _write_jsonl(more, 12, seed=4)
    ingest([str(more)], db, corpus="news", progress=False)
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM events").fetchone()[0] > n1
        dup = store.con.execute(
            "SELECT count(*) FROM (SELECT source_entity, target_entity, source, target, cameo, date, historical, claimed "
            "FROM dyad_days GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        assert dup == 0
    assert same_answers(db) > 50
    rep = recode(db, corpus="news")
    assert rep.events > 0
    assert same_answers(db) > 50


def test_icews_and_gdelt_imports_keep_the_index_in_step(tmp_path):
    from typer.testing import CliRunner

    from barograph.interfaces.cli import app

    db = tmp_path / "g.duckdb"
    for args in (["icews", DATA / "icews" / "events.2014.20150313084929.tab"], ["gdelt", DATA / "gdelt" / "20150218230000.export.CSV"]):
        r = CliRunner().invoke(app, ["import", *map(str, args), "--db", str(db), "--quiet"])
        assert r.exit_code == 0, r.output
        # imported events carry no sentence: give some a text as the bench does, then rebuild as a writer must
        with Store(db) as store:
            store.con.execute("UPDATE events SET text = coalesce(source_name, source) || ' met ' || coalesce(target_name, target) || '.'")
            indexes.rebuild(store.con)
        assert same_answers(db, words=["met", "government", "russia", "police"]) > 20
    # a re-import replaces the ICEWS events: the index follows (no words of removed texts left)
    r = CliRunner().invoke(app, ["import", "icews", str(DATA / "icews" / "events.2014.20150313084929.tab"), "--db", str(db), "--quiet"])
    assert r.exit_code == 0, r.output
    assert same_answers(db, words=["met", "government"]) > 10


def test_upgrade_fills_the_tables_from_stored_events(tmp_path):
    db = tmp_path / "u.duckdb"
    build_db(db, articles=20)
    with Store(db) as store:  # back to the schema before migration 7, as an older barograph left it
        v = len([m for m in __import__("barograph.store.schema", fromlist=["MIGRATIONS"]).MIGRATIONS])
        store.con.execute(
            "DROP TABLE search_words; DROP TABLE search_vocab; DROP TABLE dyad_days; DROP TABLE dyad_series_days; DROP TABLE actor_entities; DROP TABLE index_state"
        )
        store.con.execute("DELETE FROM schema_version WHERE version = 7")
        assert v >= 7
    with Store(db) as store:  # opening read-write applies migration 7, filling the tables
        assert store.con.execute("SELECT count(*) FROM search_words").fetchone()[0] > 100
    assert same_answers(db) > 50


def test_remembered_postings_give_way_to_the_statement_past_their_bounds(tmp_path, monkeypatch):
    """A word with too many postings, a union of too many, a page too deep: the remembered
    search falls back to the statement, with the same answers; a word found too big is
    remembered as such (not counted again)."""
    from barograph.store import facts as store_facts

    db = tmp_path / "b.duckdb"
    build_db(db, articles=20)
    monkeypatch.setattr(indexes, "WORD_POSTINGS", 3)
    monkeypatch.setattr(indexes, "UNION_POSTINGS", 5)
    monkeypatch.setattr(indexes, "PAGE_DEPTH", 4)
    assert same_answers(db) > 50
    with Store(db, read_only=True) as store:
        memo = store_facts.Facts(lambda: True)
        with store_facts.remembering(memo):
            assert indexes._postings(store.con, "turkey") is None
            assert memo._postings[("postings", "turkey")][0] is indexes._TOO_MANY
            calls = []
            counting = type("Counting", (), {"execute": lambda self, *a: calls.append(a) or store.con.execute(*a)})()
            assert indexes._postings(counting, "turkey") is None and not calls
            got = indexes._postings(counting, "zzzz")  # a word not seen yet: counted, then read
            assert got is not None and got[0] == [] and len(calls) == 2
