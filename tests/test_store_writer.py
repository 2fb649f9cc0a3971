"""The store writer on real DuckDB files: idempotence, dedup rules, atomicity, read-only."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from barograph.errors import BadInput, StoreError
from barograph.records import Article, Document, Event, Sentence
from barograph.store import writer
from barograph.store.db import Store
from barograph.store.stats import stats, top_dyads
from barograph.store.writer import DocBatch, write_batch, write_many


def make_doc(name: str, bodies: list[str], outlet: str = "Example Times"):
    """A document of several articles, each with two sentences and one event."""
    text, arts, sents, evs = "", [], [], []
    for i, body in enumerate(bodies):
        title = f"Title {i} of {name}"
        start = len(text)
        text += title + "\n\n"
        bstart = len(text)
        text += body
        bend = len(text)
        text += "\n\n"
        aid = hashlib.sha1(body.encode()).hexdigest()[:16]
        arts.append(
            Article(
                doc=name,
                index=i,
                start=start,
                end=bend,
                title=title,
                outlet=outlet,
                date="2016-01-0%d" % (i + 1),
                body_start=bstart,
                body_end=bend,
                text=body,
                id=aid,
            )
        )
        pos = bstart
        for j, s in enumerate(body.split(". ")):
            sents.append(Sentence(article_id=aid, index=j, start=pos, end=pos + len(s), text=s))
            pos += len(s) + 2
        evs.append(
            Event(
                doc=name,
                start=bstart,
                end=bend,
                text=body[:40],
                source="RUSGOV",
                source_entity="RUS",
                target="UKR",
                target_entity="UKR",
                cameo="042",
                quad_class=1,
                goldstein=1.9,
                article_id=aid,
                article_index=i,
                sentence_index=0,
                coder="test-1",
            )
        )
    doc = Document(doc=name, text=text, kind="text", path=f"/in/{name}", sha256=hashlib.sha256(text.encode()).hexdigest())
    return doc, arts, sents, evs


BODIES = [
    "Russia met Ukraine in Minsk. Talks went on for hours",
    "Turkey shot down a Russian jet. Moscow protested loudly",
    "NATO ministers gathered in Brussels. They issued a statement",
]


def counts(path) -> dict:
    with Store(path) as st:
        return {
            t: st.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "articles", "appearances", "sentences", "events", "signatures")
        }


def test_write_and_reingest_adds_nothing(tmp_path):
    db = tmp_path / "b.duckdb"
    doc, arts, sents, evs = make_doc("a.txt", BODIES)
    with Store(db) as st:
        r = write_batch(st, doc, arts, sents, evs, coder="test-1")
        assert (r.documents, r.articles, r.duplicates, r.sentences, r.events) == (1, 3, 0, 6, 3)
        r2 = write_batch(st, doc, arts, sents, evs, coder="test-1")
        assert (r2.documents, r2.already_stored, r2.articles, r2.duplicates) == (0, 1, 0, 3)
        row = st.con.execute("SELECT title, date, coder FROM articles WHERE article_index = 1").fetchone()
        assert row[0] == "Title 1 of a.txt" and str(row[1]) == "2016-01-02" and row[2] == "test-1"
        # every stored offset points at the text it claims
        for s_start, s_end, s_text, d_text in st.con.execute(
            "SELECT s.start_char, s.end_char, s.text, d.text FROM sentences s JOIN documents d USING (doc_id)"
        ).fetchall():
            assert d_text[s_start:s_end] == s_text
        ev = st.con.execute("SELECT source_sector, root_code, doc_id FROM events LIMIT 1").fetchone()
        assert ev == ("GOV", "04", doc.sha256)
    assert counts(db) == {"documents": 1, "articles": 3, "appearances": 3, "sentences": 6, "events": 3, "signatures": 0}


def test_repost_in_other_document_adds_only_an_appearance(tmp_path):
    db = tmp_path / "b.duckdb"
    with Store(db) as st:
        write_batch(st, *make_doc("a.txt", BODIES), coder="t")
        doc2, arts2, sents2, evs2 = make_doc("b.txt", [BODIES[1], "A brand new story. With two sentences"])
        r = write_batch(st, doc2, arts2, sents2, evs2, coder="t")
        assert (r.documents, r.articles, r.duplicates, r.events) == (1, 1, 1, 1)
        s = stats(st)
        assert s["articles"] == 4 and s["appearances"] == 5 and s["reposts"] == 1 and s["events"] == 4
        n = st.con.execute("SELECT count(*) FROM appearances WHERE article_id = ?", [arts2[0].id]).fetchone()[0]
        assert n == 2


def test_repeats_inside_one_batch_are_counted_once(tmp_path):
    db = tmp_path / "b.duckdb"
    d1 = make_doc("a.txt", BODIES)
    d2 = make_doc("b.txt", [BODIES[0], BODIES[0]])  # the same story twice in one page
    with Store(db) as st:
        r = write_many(st, [DocBatch(*d1, coder="t"), DocBatch(*d2, coder="t"), DocBatch(*d1, coder="t")])
        assert (r.documents, r.already_stored, r.articles) == (2, 1, 3)
        assert r.duplicates == 2 + 3
    c = counts(db)
    assert c["articles"] == 3 and c["appearances"] == 5 and c["events"] == 3


def test_near_duplicate_keeps_text_but_is_not_counted_or_coded(tmp_path):
    db = tmp_path / "b.duckdb"
    doc, arts, sents, evs = make_doc("a.txt", BODIES)
    doc2, arts2, sents2, evs2 = make_doc("b.txt", ["Russia met Ukraine in Minsk. Talks went on for hours!"])
    arts2[0].duplicate_of = arts[0].id
    with Store(db) as st:
        write_batch(st, doc, arts, sents, evs, coder="t")
        r = write_many(st, [DocBatch(doc2, arts2, sents2, evs2, signatures={arts2[0].id: b"\x01" * 16}, coder="t")])
        assert (r.articles, r.duplicates, r.near_duplicates, r.sentences, r.events) == (0, 1, 1, 2, 0)
        s = stats(st)
        assert s["articles"] == 3 and s["near_duplicates"] == 1 and s["events"] == 3
        app = st.con.execute("SELECT article_id FROM appearances WHERE doc_id = ?", [doc2.sha256]).fetchone()
        assert app[0] == arts[0].id  # the appearance is linked to the original
        assert st.con.execute("SELECT minhash FROM signatures").fetchone()[0] == b"\x01" * 16


def test_failure_mid_batch_leaves_nothing_half_written(tmp_path, monkeypatch):
    db = tmp_path / "b.duckdb"
    with Store(db) as st:
        write_batch(st, *make_doc("a.txt", BODIES[:1]), coder="t")
    before = counts(db)
    real = writer._insert

    def failing(con, table, cols, **kw):
        if table == "sentences":  # documents and articles are already inserted by now
            raise RuntimeError("disk on fire")
        return real(con, table, cols, **kw)

    monkeypatch.setattr(writer, "_insert", failing)
    with Store(db) as st:
        with pytest.raises(RuntimeError):
            write_many(st, [DocBatch(*make_doc("b.txt", BODIES[1:]), coder="t")])
        # the same connection goes on working after the rollback
        assert st.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert counts(db) == before
    monkeypatch.setattr(writer, "_insert", real)
    with Store(db) as st:
        r = write_many(st, [DocBatch(*make_doc("b.txt", BODIES[1:]), coder="t")])
        assert r.articles == 2


def test_keyboard_interrupt_rolls_back(tmp_path, monkeypatch):
    db = tmp_path / "b.duckdb"
    real = writer.insert_events

    def interrupted(con, cols):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "insert_events", interrupted)
    with Store(db) as st:
        with pytest.raises(KeyboardInterrupt):
            write_batch(st, *make_doc("a.txt", BODIES), coder="t")
    monkeypatch.setattr(writer, "insert_events", real)
    assert counts(db)["articles"] == 0 and counts(db)["documents"] == 0


def test_rejects_are_recorded(tmp_path):
    with Store(tmp_path / "b.duckdb") as st:
        write_many(st, [], rejects=[BadInput("x.jsonl", "not JSON", line=3)], corpus="c1")
        assert st.con.execute("SELECT path, line, problem, corpus FROM rejects").fetchall() == [("x.jsonl", 3, "not JSON", "c1")]


def test_read_only_file_is_one_store_error_and_stays_intact(tmp_path):
    db = tmp_path / "b.duckdb"
    with Store(db) as st:
        write_batch(st, *make_doc("a.txt", BODIES), coder="t")
    before = counts(db)
    size = db.stat().st_size
    os.chmod(db, stat.S_IRUSR | stat.S_IRGRP)
    try:
        if os.access(db, os.W_OK):
            pytest.skip("running as a user who can write read-only files")
        with pytest.raises(StoreError) as e:
            Store(db)
        assert str(db) in str(e.value) and "\n" not in str(e.value)
    finally:
        os.chmod(db, stat.S_IRUSR | stat.S_IWUSR)
    assert db.stat().st_size == size and counts(db) == before


def test_store_opened_read_only_refuses_to_write(tmp_path):
    db = tmp_path / "b.duckdb"
    Store(db).close()
    with Store(db, read_only=True) as st:
        with pytest.raises(StoreError, match="read-only"):
            write_batch(st, *make_doc("a.txt", BODIES))
    assert counts(db)["documents"] == 0


def test_top_dyads(tmp_path):
    with Store(tmp_path / "b.duckdb") as st:
        write_batch(st, *make_doc("a.txt", BODIES), coder="t")
        d = top_dyads(st)
        assert d == [dict(source="RUS", target="UKR", events=3, goldstein=1.9, conflict=0, undated=3)]  # the test events carry no date


def test_how_an_event_was_made_and_unresolved_names_are_stored(tmp_path):
    """Coder 1.0's `method` and per-side `resolved` reach the store; an actor no dictionary knows
    keeps its words as source_name/target_name (as GDELT keeps Actor1Name)."""
    from dataclasses import replace

    from barograph.store.query import events

    db = tmp_path / "m.duckdb"
    doc, arts, sents, evs = make_doc("m.txt", BODIES[:2])
    evs[1] = replace(evs[1], method="model", target="", target_entity="", target_resolved=False, target_text="the Qorvath Brigade")
    with Store(db) as st:
        write_batch(st, doc, arts, sents, evs, coder="test-1")
        rows = events(st).sort_values("cameo").to_dict("records")
        got = {
            (r["method"], bool(r["source_resolved"]), bool(r["target_resolved"]), r["target_name"] if isinstance(r["target_name"], str) else None)
            for r in rows
        }
    assert got == {("rules", True, True, None), ("model", True, False, "the Qorvath Brigade")}
