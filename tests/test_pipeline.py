"""The ingest pipeline end to end on real files and real DuckDB databases."""

from __future__ import annotations

import json

import pytest

from barograph.errors import StoreError
from barograph.pipeline import ingest, recode
from barograph.store.db import Store
from barograph.store.stats import stats

STORIES = [
    (
        "Turkey shot down a Russian warplane near the Syrian border on Tuesday, and Moscow summoned "
        "the Turkish ambassador to protest the attack. The Kremlin said the jet never left Syrian airspace "
        "and warned of serious consequences for relations between the two countries."
    ),
    (
        "Delegations from Colombia and the FARC rebels met in Havana to discuss a ceasefire. Negotiators "
        "said the talks were constructive and that a final agreement could be signed within months, "
        "while critics in Bogota accused the government of conceding too much."
    ),
    (
        "Thousands of teachers marched through the capital of Haiti demanding higher pay and better "
        "working conditions. The union said the strike would continue until the education ministry "
        "agreed to reopen negotiations on the contract."
    ),
]


def jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def count(db, table, where="TRUE"):
    with Store(db, read_only=True) as st:
        return st.con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchall()[0][0]


def test_sample_page_stored_with_traceable_sentences(tmp_path, sample_path):
    db = tmp_path / "b.duckdb"
    r = ingest([sample_path], db, code=False, progress=False)
    assert r.documents == 1 and r.articles >= 5 and r.duplicates == 0 and not r.rejected
    assert r.sentences == count(db, "sentences") > 100
    with Store(db, read_only=True) as st:
        bad = st.con.execute(
            "SELECT count(*) FROM sentences s JOIN documents d USING (doc_id) "
            "WHERE substr(d.text, s.start_char + 1, s.end_char - s.start_char) <> s.text"
        ).fetchall()[0][0]
        assert bad == 0
        assert st.con.execute("SELECT count(*) FROM articles WHERE coder IS NOT NULL").fetchall()[0][0] == 0
    again = ingest([sample_path], db, code=False, progress=False)
    assert (again.documents, again.articles, again.already_stored, again.duplicates) == (0, 0, 1, r.articles)
    assert count(db, "articles") == r.articles and count(db, "appearances") == r.articles


def test_reposts_and_bad_records(tmp_path):
    db = tmp_path / "b.duckdb"
    a = jsonl(tmp_path / "a.jsonl", [{"id": f"a{i}", "text": t, "source": "Reuters"} for i, t in enumerate(STORIES)])
    b = tmp_path / "b.jsonl"
    b.write_text(
        json.dumps({"id": "b0", "text": STORIES[0], "source": "AFP"})
        + "\n"  # exact repost
        + "{not json\n"
        + json.dumps({"id": "b2", "title": "no text"})
        + "\n",
        encoding="utf-8",
    )
    seen = []
    r = ingest([a, b, tmp_path / "missing.txt"], db, code=False, progress=False, on_reject=seen.append)
    assert (r.documents, r.articles, r.duplicates) == (4, 3, 1)
    assert len(r.rejected) == 3 == len(seen)
    msgs = sorted(str(x) for x in r.rejected)
    assert any(f"{b}:2" in m and "JSON" in m for m in msgs)
    assert any(f"{b}:3" in m and "text" in m for m in msgs)
    assert any("missing.txt" in m for m in msgs)
    assert count(db, "rejects") == 2  # the missing path is reported, but was never read: no row
    with Store(db, read_only=True) as st:
        assert not st.con.execute("SELECT count(*) FROM rejects WHERE path LIKE '%missing.txt'").fetchone()[0]
    assert count(db, "appearances") == 4 and count(db, "articles") == 3
    # the repost's appearance keeps its own outlet
    with Store(db, read_only=True) as st:
        outlets = sorted(x[0] for x in st.con.execute("SELECT outlet FROM appearances").fetchall())
    assert outlets.count("AFP") == 1


def test_near_duplicates_found_across_runs(tmp_path):
    db = tmp_path / "b.duckdb"
    ingest([jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": STORIES[0]}])], db, code=False, progress=False)
    variant = STORIES[0].replace("on Tuesday", "on Tuesday morning") + " Ankara defended the decision."
    r = ingest([jsonl(tmp_path / "b.jsonl", [{"id": "b", "text": variant}])], db, code=False, progress=False)
    assert (r.articles, r.duplicates, r.near_duplicates) == (0, 1, 1)
    with Store(db, read_only=True) as st:
        s = stats(st)
        assert s["articles"] == 1 and s["near_duplicates"] == 1 and s["appearances"] == 2
        orig = st.con.execute("SELECT article_id FROM articles WHERE duplicate_of IS NULL").fetchall()[0][0]
        assert st.con.execute("SELECT duplicate_of FROM articles WHERE duplicate_of IS NOT NULL").fetchall()[0][0] == orig
        # its sentences are kept so the wording can be shown
        assert st.con.execute("SELECT count(DISTINCT article_id) FROM sentences").fetchall()[0][0] == 2


class FailingCoder:
    """Codes the first article, then fails: a coder crash mid-recode."""

    version = "failing-1"

    def code_many(self, items):
        for i, (a, sents) in enumerate(items):
            if i == 1:
                raise RuntimeError("model exploded")
            yield []

    def code(self, a, sents):
        raise RuntimeError("model exploded")


@pytest.fixture(scope="module")
def coder():
    from barograph.events.coder import Coder

    return Coder()


def test_ingest_codes_and_recode_replaces_atomically(tmp_path, coder):
    db = tmp_path / "b.duckdb"
    src = jsonl(tmp_path / "a.jsonl", [{"id": f"a{i}", "text": t, "date": "2015-11-24"} for i, t in enumerate(STORIES)])
    r = ingest([src], db, corpus="news", progress=False, coder=coder)
    assert r.events == count(db, "events") > 0 and r.coder == coder.version
    assert count(db, "articles", f"coder = '{coder.version}'") == 3
    with Store(db, read_only=True) as st:
        before = st.con.execute("SELECT event_id, cameo, source, target FROM events ORDER BY 1").fetchall()
        # every event's evidence is the stored sentence it came from
        assert st.con.execute(
            "SELECT count(*) FROM events e JOIN sentences s ON s.article_id = e.article_id AND s.idx = e.sentence_idx AND s.start_char = e.start_char"
        ).fetchall()[0][0] == len(before)

    with pytest.raises(RuntimeError):
        recode(db, corpus="news", coder=FailingCoder())
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT event_id, cameo, source, target FROM events ORDER BY 1").fetchall() == before
    assert count(db, "articles", f"coder = '{coder.version}'") == 3

    rep = recode(db, corpus="news", coder=coder)
    assert rep.articles == 3 and rep.replaced == len(before) and rep.events == len(before)
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT event_id, cameo, source, target FROM events ORDER BY 1").fetchall() == before
    with pytest.raises(StoreError, match="no articles in corpus"):
        recode(db, corpus="nope", coder=coder)


def test_failing_coder_rejects_only_its_document(tmp_path):
    db = tmp_path / "b.duckdb"
    src = jsonl(tmp_path / "a.jsonl", [{"id": f"a{i}", "text": t} for i, t in enumerate(STORIES)])
    r = ingest([src], db, progress=False, coder=FailingCoder())
    # every article fails when coded alone, so every document is rejected and nothing is half-stored
    assert r.articles == 0 and len(r.rejected) == 3 and "event coding failed" in str(r.rejected[0])
    assert count(db, "articles") == 0 and count(db, "sentences") == 0 and count(db, "rejects") == 3
    # and the same input goes in whole once coding works
    r2 = ingest([src], db, code=False, progress=False)
    assert r2.articles == 3 and count(db, "sentences") == r2.sentences > 0


@pytest.mark.parametrize("batch", [1, 1000])
def test_counts_do_not_depend_on_batch_size(tmp_path, monkeypatch, batch):
    monkeypatch.setenv("BAROGRAPH_BATCH_DOCUMENTS", str(batch))
    recs = [{"id": f"a{i}", "text": t} for i, t in enumerate(STORIES)]
    a = jsonl(tmp_path / "a.jsonl", recs)
    b = jsonl(tmp_path / "b.jsonl", recs + recs[:1])  # the same record bytes again, twice
    r = ingest([a, b], tmp_path / "b.duckdb", code=False, progress=False)
    assert (r.articles, r.duplicates, r.already_stored, r.documents) == (3, 4, 4, 3)
