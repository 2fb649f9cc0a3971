"""Near-duplicate search against a DuckDB store, with memory that does not grow with the corpus.

An in-memory MinHashLSH costs ~12 KB per article, so a large corpus ran out of memory. Here the
LSH buckets live in the store's ``lsh_bands`` table (bucket key, article, order), one row per
band of every original story, written next to its ``signatures`` row. A batch of new
articles is matched with one hash join of its band keys against that table; the candidates'
signatures are read back and the estimated Jaccard confirms them, exactly as MinHashLSH and
`NearDuplicates.match` do (same bands/rows, same threshold, earliest original wins). Only the
current batch's originals are held in memory.

This module takes a DuckDB connection and imports nothing of `barograph.store`, so the text
stage stays below the store in the architecture.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from barograph.text.dedup import NUM_PERM, THRESHOLD, band_keys, jaccard, lsh_params, to_bytes


class BandIndex:
    """LSH buckets in a DuckDB table; `check_many` finds a batch's near-duplicates in one query."""

    def __init__(self, con, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        self.con, self.threshold, self.num_perm = con, threshold, num_perm
        self.bands, self.rows = lsh_params(threshold, num_perm)
        self._next = self._max_seq() + 1
        self._pending: list[tuple[str, np.ndarray, int]] = []  # (id, band keys, seq) not yet stored

    def _max_seq(self) -> int:
        return int(self.con.execute("SELECT coalesce(max(seq), -1) FROM lsh_bands").fetchall()[0][0])

    def backfill(self) -> int:
        """Band rows for stored signatures that have none (older stores, an interrupted run)."""
        n = 0
        while rows := self.con.execute(
            "SELECT s.article_id, s.minhash FROM signatures s "
            "WHERE s.article_id NOT IN (SELECT article_id FROM lsh_bands) ORDER BY s.rowid LIMIT 20000"
        ).fetchall():
            sigs = np.stack([np.frombuffer(r[1], dtype="<u8") for r in rows])
            keys = band_keys(sigs, self.bands, self.rows)
            seqs = np.arange(self._next, self._next + len(rows), dtype=np.int64)
            self._next += len(rows)
            self._insert([r[0] for r in rows], keys, seqs)
            n += len(rows)
        return n

    def check_many(self, items: Sequence[tuple[str, object]]) -> list[str | None]:
        """For each (article id, MinHash or hash values), in order: the earliest original it repeats, or None.

        An item that repeats nothing becomes an original that later items (of this batch and,
        after `flush`, of later batches) are matched against.
        """
        if not items:
            return []
        sigs = np.stack([np.asarray(getattr(m, "hashvalues", m), dtype=np.uint64) for _, m in items])
        keys = band_keys(sigs, self.bands, self.rows)
        stored = self._stored_candidates(keys)
        out: list[str | None] = []
        batch_buckets: dict[int, list[int]] = {}  # bucket key -> positions of batch originals
        originals: list[int] = []
        for i, (aid, _m) in enumerate(items):
            best, best_seq = None, None
            for cand_id, cand_seq, cand_sig in stored.get(i, ()):
                if (best_seq is None or cand_seq < best_seq) and jaccard(sigs[i], cand_sig) >= self.threshold:
                    best, best_seq = cand_id, cand_seq
            if best is None:  # earlier originals of this batch come after every stored one
                seen: set[int] = set()
                for k in keys[i].tolist():
                    for j in batch_buckets.get(k, ()):
                        if j not in seen:
                            seen.add(j)
                            if (best_seq is None or j < best_seq) and jaccard(sigs[i], sigs[j]) >= self.threshold:
                                best, best_seq = items[j][0], j
            out.append(best)
            if best is None:
                originals.append(i)
                for k in keys[i].tolist():
                    batch_buckets.setdefault(k, []).append(i)
                self._pending.append((aid, keys[i], self._next))
                self._next += 1
        return out

    def _stored_candidates(self, keys: np.ndarray) -> dict[int, list[tuple[str, int, np.ndarray]]]:
        """Stored originals sharing a bucket with each batch item: item -> [(id, seq, signature)]."""
        import pyarrow as pa

        if not self._next:  # nothing stored yet
            return {}
        n, b = keys.shape
        probe = pa.table({"bucket": keys.reshape(-1), "item": np.repeat(np.arange(n, dtype=np.int64), b)})
        self.con.register("_probe_bands", probe)
        try:
            rows = self.con.execute(
                """WITH hits AS (SELECT DISTINCT p.item, l.article_id, l.seq
                                 FROM _probe_bands p JOIN lsh_bands l USING (bucket))
                   SELECT h.item, h.article_id, h.seq, s.minhash
                   FROM hits h JOIN signatures s USING (article_id)"""
            ).fetchall()
        finally:
            self.con.unregister("_probe_bands")
        out: dict[int, list] = {}
        for item, aid, seq, sig in rows:
            out.setdefault(item, []).append((aid, seq, np.frombuffer(sig, dtype="<u8")))
        return out

    def pending_ids(self) -> set[str]:
        return {aid for aid, _, _ in self._pending}

    def flush(self, keep: set[str] | None = None) -> int:
        """Store the band rows of this batch's originals (those in `keep`, when given)."""
        rows = [p for p in self._pending if keep is None or p[0] in keep]
        self._pending = []
        if not rows:
            return 0
        self._insert([r[0] for r in rows], np.stack([r[1] for r in rows]), np.array([r[2] for r in rows], dtype=np.int64))
        return len(rows)

    def _insert(self, ids: list[str], keys: np.ndarray, seqs: np.ndarray) -> None:
        import pyarrow as pa

        b = keys.shape[1]
        tbl = pa.table(
            {"bucket": keys.reshape(-1), "article_id": pa.array(np.repeat(np.array(ids, dtype=object), b), pa.string()), "seq": np.repeat(seqs, b)}
        )
        self.con.register("_new_bands", tbl)
        try:
            self.con.execute("INSERT INTO lsh_bands SELECT bucket, seq, article_id FROM _new_bands")
        finally:
            self.con.unregister("_new_bands")


__all__ = ["BandIndex", "to_bytes"]
