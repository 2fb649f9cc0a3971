"""The dashboard's fast paths give the same answers as the plain ones, and never stale ones.

Real DuckDB files throughout: the answer cache is checked against writes made by another
connection (as `barograph ingest` would) and by the server's own upload path.
"""

from __future__ import annotations

import threading
import time
import warnings

import pytest
from test_web_data import build_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from barograph.interfaces.web.app import create_app
from barograph.interfaces.web.cache import ResultCache
from barograph.interfaces.web.filters import plain, records
from barograph.interfaces.web.reader import Reader
from barograph.store import query
from barograph.store.db import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("speed") / "speed.duckdb"
    build_db(path, articles=40)
    return path


CASES = [
    dict(dyad=("RUS", "TUR"), limit=7, order="-date"),
    dict(dyad=("RUSGOV", "TUR"), undirected=True, limit=5, offset=3, order="goldstein"),
    dict(actors=["USA", "NATO"], codes=["04", "05"], order="mentions", limit=50),
    dict(text="the JET", limit=4, offset=2, order="-goldstein"),
    dict(text="%_", limit=10),
    dict(outlets=["Fortune", "Japan Times"], modality=["asserted"], since="2015-10-01", limit=3),
    dict(since="2015-10", until="2015-10-20", limit=None),
    dict(order="id", limit=100, offset=1000),  # past the end
]


@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
def test_event_page_is_events_and_count(db, case):
    """The web's page read (rows as dicts, count from the same scan) matches events() + count()."""
    with Store(db, read_only=True) as store:
        df = query.events(store, **case)
        filters = {k: v for k, v in case.items() if k not in ("limit", "offset", "order")}
        page, total = query.event_page(store, total=True, **{**case, "limit": case.get("limit") or 10_000})
        plain_page, none = query.event_page(store, **{**case, "limit": case.get("limit") or 10_000})
        assert total == query.count(store, **filters)
    assert none is None and plain_page == page
    assert [r["event_id"] for r in page] == list(df["event_id"])
    expected = records(df)
    for got, want in zip(page, expected):
        assert set(got) == set(want)
        for k in got:  # pandas turns integer columns holding NULL into floats; the values agree
            assert got[k] == want[k] or (isinstance(got[k], int) and want[k] == float(got[k])), k


def test_actor_filters_match_codes_entities_and_nothing_else(db):
    with Store(db, read_only=True) as store:
        n_ent = query.count(store, actors=["TUR"])
        n_code = query.count(store, actors=["TURGOV", "TURMIL"])
        assert n_ent == n_code > 0
        assert query.count(store, actors=["TUR' OR 1=1 --"]) == 0
        direct = store.con.execute("SELECT count(*) FROM events WHERE source_entity = 'TUR' OR target_entity = 'TUR'").fetchone()[0]
        assert n_ent == direct


def test_records_keeps_values_and_types():
    import numpy as np
    import pandas as pd

    df = pd.DataFrame(
        {
            "f": [1.5, np.nan, np.inf],
            "i": np.array([1, 2, 3], dtype="int64"),
            "b": [True, False, True],
            "n": pd.array([1, None, 3], dtype="Int64"),
            "d": pd.to_datetime(["2015-01-05", None, "2015-02-01"]),
            "s": ["a", None, "c"],
        }
    )
    rows = records(df)
    slow = [{c: plain(v) for c, v in zip(df.columns, row)} for row in df.itertuples(index=False, name=None)]
    assert rows == slow
    assert rows[0] == {"f": 1.5, "i": 1, "b": True, "n": 1, "d": "2015-01-05", "s": "a"}
    assert rows[1]["f"] is None and rows[2]["f"] is None and rows[1]["n"] is None and rows[1]["d"] is None
    assert type(rows[0]["i"]) is int and type(rows[0]["b"]) is bool


def _add_event(path, event_id: str, day: str) -> None:
    """Another connection writes the file, as `barograph ingest` does (waits for the reader)."""
    with Store(path) as store, store.transaction() as con:
        con.execute(
            """INSERT INTO events (event_id, source, source_entity, target, target_entity, cameo, root_code,
                       quad_class, goldstein, modality, date, text)
                       VALUES (?, 'RUSGOV', 'RUS', 'TURGOV', 'TUR', '190', '19', 4, -10.0, 'asserted', ?,
                               'Russian jets struck again.')""",
            [event_id, day],
        )


def test_cached_answers_follow_writes_to_the_file(tmp_path):
    path = tmp_path / "c.duckdb"
    build_db(path, articles=20)
    app = create_app(path, linger=0.05)
    with TestClient(app) as client:
        cache = app.state.cache
        url = "/api/dyads/RUS/TUR/series"
        r1, r2 = (client.get(url, params={"freq": "month"}) for _ in range(2))
        assert r1.headers["x-barograph-cache"] == "miss" and r2.headers["x-barograph-cache"] == "hit"
        first = r1.json()
        assert r2.json() == first and cache.hits >= 1
        before = client.get("/api/events", params={"dyad": "RUS,TUR", "limit": 5000}).json()
        alerts_before = client.get("/api/alerts").json()
        assert isinstance(alerts_before, list)
        time.sleep(0.2)  # the reader lets go of the idle file
        _add_event(path, "new-1", "2016-03-02")
        after = client.get(url, params={"freq": "month"}).json()
        assert after != first
        assert after[-1]["period"] == "2016-03-01" and after[-1]["quad4"] >= 1
        listed = client.get("/api/events", params={"dyad": "RUS,TUR", "limit": 5000}).json()
        assert len(listed) == len(before) + 1 and listed[0]["event_id"] == "new-1"
        found = client.get("/api/search", params={"q": "jets struck"}).json()
        assert found["total"] == 1 and found["events"][0]["event_id"] == "new-1"


def test_nothing_is_cached_while_the_server_itself_writes(tmp_path):
    path = tmp_path / "u.duckdb"
    build_db(path, articles=6)
    reader = Reader(path, linger=0.05)
    cache = ResultCache(reader)
    calls = []
    assert cache.get("k", lambda: calls.append(1) or "a") == "a"
    assert cache.get("k", lambda: calls.append(1) or "b") == "a" and len(calls) == 1
    state = cache.state()
    with reader.writing():
        assert cache.state() is None
        assert cache.get("k", lambda: "during") == "during"
        assert cache.get("k", lambda: "during 2") == "during 2"
    assert cache.state() != state  # the upload's end starts a new state: old answers are gone
    assert cache.get("k", lambda: "after") == "after"
    reader.close()


def test_concurrent_misses_compute_once_and_the_budget_holds(tmp_path):
    path = tmp_path / "m.duckdb"
    build_db(path, articles=3)
    reader = Reader(path)
    cache = ResultCache(reader, size=4, max_bytes=8 * 1000)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return b"x" * 10

    out = []
    threads = [threading.Thread(target=lambda: out.append(cache.get("same", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [b"x" * 10] * 8 and len(calls) == 1
    for i in range(10):  # at most `size` entries, the least recently used go first
        cache.get(("k", i), lambda i=i: bytes(100 + i))
    assert len(cache._data) == 4 and ("k", 9) in cache._data and ("k", 0) not in cache._data
    cache.get("big", lambda: b"y" * 5000)  # over an eighth of the budget: answered, not kept
    assert "big" not in cache._data and cache.bytes <= 8 * 1000
    failing = []

    def boom():
        failing.append(1)
        raise RuntimeError("query failed")

    for _ in range(2):  # a failure is not remembered
        with pytest.raises(RuntimeError):
            cache.get("bad", boom)
    assert len(failing) == 2
    reader.close()


def test_remembered_facts_and_rows_follow_writes_to_the_file(tmp_path):
    """What the server remembers beside its answers (store/facts.py: is the index current, which
    entities a code stands for, the fields of events already shown) belongs to one state of the
    file: a write by another connection, even one that changes an event in place, is seen."""
    path = tmp_path / "f.duckdb"
    build_db(path, articles=20)
    app = create_app(path, linger=0.05)
    with TestClient(app) as client:
        cache = app.state.cache
        page = client.get("/api/events", params={"dyad": "RUS,TUR", "since": "2015-01-01"}).json()
        assert page
        facts = cache.facts()
        assert ("index current",) in facts._data and len(facts._rows) >= len(page)
        again = client.get("/api/events", params={"dyad": "RUS,TUR", "since": "2015-01-02"})  # a new question, rows known
        assert again.headers["x-barograph-cache"] == "miss" and again.json() == [e for e in page if e["date"] >= "2015-01-02"]
        assert cache.facts() is facts
        newest = page[0]["event_id"]
        time.sleep(0.2)  # the reader lets go of the idle file
        with Store(path) as store, store.transaction() as con:
            con.execute("UPDATE events SET text = 'Rewritten in place.' WHERE event_id = ?", [newest])
        fresh = cache.facts()
        assert fresh is not facts and len(fresh) == 0 and not facts.still()
        after = client.get("/api/events", params={"dyad": "RUS,TUR", "since": "2015-01-03"}).json()
        assert after[0]["event_id"] == newest and after[0]["text"] == "Rewritten in place."


def test_facts_are_kept_only_for_the_state_they_were_read_in():
    from barograph.store import facts as store_facts

    calls = []
    same = [True]
    memo = store_facts.Facts(lambda: same[0])
    assert memo.get("k", lambda: calls.append(1) or "a") == "a"
    assert memo.get("k", lambda: calls.append(1) or "b") == "a" and len(calls) == 1
    same[0] = False  # the file changed while "j" was read: answered, not kept
    assert memo.get("j", lambda: "old") == "old" and "j" not in memo._data
    assert memo.rows("kind", ["x"], lambda ids: {i: (i,) for i in ids}) == {"x": ("x",)} and not memo._rows
    # no reader remembering: computed every time
    assert store_facts.remember("k", lambda: calls.append(1) or "c") == "c" and len(calls) == 2
    with store_facts.remembering(memo):
        assert store_facts.remember("k", lambda: "d") == "a"


def test_gate_lets_n_reads_in_and_a_thread_that_holds_it_pass():
    from barograph.interfaces.web.reader import Gate

    gate = Gate(1)
    inside = threading.Event()
    release = threading.Event()
    order = []

    def first():
        with gate:
            with gate:  # a nested read of the same thread does not wait for itself
                order.append("first in")
                inside.set()
                release.wait(5)
            order.append("first out")  # still inside the outer read

    def second():
        inside.wait(5)
        with gate:
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    inside.wait(5)
    time.sleep(0.1)
    assert order == ["first in"]  # the second waits while the first holds the only place
    release.set()
    for t in threads:
        t.join(5)
    assert order == ["first in", "first out", "second in"]


def test_a_page_whose_row_ids_moved_is_read_by_event_id(db, monkeypatch):
    """The fields of a remembered page are read by the row ids its first statement saw; should a
    writer's checkpoint move them before the second, the page is read by event id instead."""
    from barograph.store import facts as store_facts
    from barograph.store import indexes

    f = query.event_filter(dyad=("RUS", "TUR"), undirected=True)
    with Store(db, read_only=True) as store:
        want = query.event_page(store, f, limit=20, order="-date", total=True, indexed=False)
        assert want[0]
        monkeypatch.setattr(indexes, "rows_by_rowid", lambda con, columns, rowids: {})
        with store_facts.remembering(store_facts.Facts(lambda: True)):
            assert query.event_page(store, f, limit=20, order="-date", total=True) == want
