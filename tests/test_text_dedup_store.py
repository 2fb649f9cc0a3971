"""Near-duplicates against the store's LSH bands agree with the in-memory MinHashLSH index."""

from __future__ import annotations

import csv
import itertools

import duckdb
import numpy as np
import pytest

from barograph.records import Document
from barograph.store.db import connect
from barograph.text.articles import split_articles
from barograph.text.dedup import NearDuplicates, band_keys, from_signature, lsh_params, minhash, signature, to_bytes
from barograph.text.dedup_store import BandIndex


def article(text: str, title="Headline"):
    (a,) = split_articles(Document("x", f"{title}\n\n{text}\n", "text"))
    return a


@pytest.fixture(scope="module")
def stories():
    from tests.conftest import SHARED

    if not SHARED.exists():
        pytest.skip("../shared is not beside the repository")
    with open(SHARED / "train" / "ngec-synthetic-events.csv", newline="", encoding="utf-8") as f:
        rows = [r["text"] for r in itertools.islice(csv.DictReader(f), 400) if len(r["text"]) > 300]
    arts = [article(t) for t in rows[:120]]
    # edited reposts: a word changed near the start, the last sentence dropped
    for t in rows[:40]:
        arts.append(article(t.replace(" the ", " a ", 1).rsplit(".", 2)[0] + ".", title="Repost"))
    return arts


def test_reloaded_signature_is_the_same_minhash():
    m = minhash("Turkey shot down a Russian warplane near the Syrian border on Tuesday morning")
    r = from_signature(to_bytes(m))
    assert r.hashvalues.dtype == m.hashvalues.dtype and r.scheme == m.scheme
    assert np.array_equal(r.hashvalues, m.hashvalues) and r.jaccard(m) == 1.0
    assert np.array_equal(band_keys(r.hashvalues[None], 25, 5), band_keys(m.hashvalues[None], 25, 5))


def test_signature_bytes_reload_into_the_in_memory_index(stories):
    index, fresh = NearDuplicates(), NearDuplicates()
    for a in stories[:120]:
        index.add_signature(a.id, signature(a))
        fresh.add(a)
    found = [index.find(a) for a in stories[120:]]
    assert found == [fresh.find(a) for a in stories[120:]]
    assert sum(f == a.id for f, a in zip(found, stories[:40])) >= 30 and None in found


def test_vectorised_minhash_equals_datasketch_update_batch(stories):
    from datasketch import MinHash

    from barograph.text.dedup import SCHEME, shingle_hashes

    for a in stories[:20] + [article("one two")]:
        ref = MinHash(num_perm=128, scheme=SCHEME, hashfunc=int)
        ref.update_batch(shingle_hashes(a.text).tolist())
        assert np.array_equal(minhash(a.text).hashvalues, ref.hashvalues)
    assert minhash("").jaccard(MinHash(num_perm=128, scheme=SCHEME)) == 1.0


def test_bands_follow_datasketch_parameters():
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    assert lsh_params(0.5, 128) == (lsh.b, lsh.r)


def test_band_index_matches_in_memory_index_across_batches(tmp_path, stories):
    con = connect(tmp_path / "b.duckdb")
    memory = NearDuplicates()
    expected = [memory.check(a) for a in stories]
    assert sum(e is not None for e in expected) >= 30  # the reposts are found
    index = BandIndex(con)
    got = []
    for i in range(0, len(stories), 50):  # batches: originals are stored between them
        chunk = stories[i : i + 50]
        got += index.check_many([(a.id, minhash(a.text)) for a in chunk])
        _store_signatures(con, chunk, got[i:])
        index.flush()
    assert got == expected
    rows = con.execute("SELECT count(*), count(DISTINCT article_id) FROM lsh_bands").fetchall()[0]
    assert rows[1] == sum(e is None for e in expected) and rows[0] == rows[1] * lsh_params()[0]
    con.close()


def test_backfill_indexes_signatures_stored_without_bands(tmp_path, stories):
    con = connect(tmp_path / "b.duckdb")
    _store_signatures(con, stories[:40], [None] * 40)
    index = BandIndex(con)
    assert index.backfill() == 40 and index.backfill() == 0
    found = BandIndex(con).check_many([(a.id, minhash(a.text)) for a in stories[120:160]])
    memory = NearDuplicates()
    for a in stories[:40]:
        memory.add(a)
    assert found == [memory.find(a) for a in stories[120:160]] and sum(f is not None for f in found) >= 30
    con.close()


def _store_signatures(con: duckdb.DuckDBPyConnection, arts, dups) -> None:
    for a, d in zip(arts, dups):
        if d is None:
            con.execute("INSERT INTO signatures (article_id, minhash) VALUES (?, ?)", [a.id, signature(a)])
