"""Near-duplicate articles: the same story reposted with another headline, outlet or ending.

Each body becomes a datasketch MinHash over its word 3-shingles (lowercased, punctuation
dropped); LSH bands propose earlier articles likely above the Jaccard threshold and the
estimated Jaccard confirms them. THRESHOLD and NUM_PERM were chosen with
bench/dedup_threshold.py (figures in docs/dedup.md). Signatures serialise to bytes so a store
can keep the index: `NearDuplicates` holds it in memory (datasketch's MinHashLSH), and
`barograph.text.dedup_store.BandIndex` keeps the same bands in DuckDB so memory stays flat.
"""
from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from barograph.records import Article

if TYPE_CHECKING:  # datasketch pulls in scipy (~0.5 s): imported on first use only
    from datasketch import MinHash

THRESHOLD = 0.5       # estimated Jaccard of word 3-shingles at or above which two bodies are one story
NUM_PERM = 128
SHINGLE = 3
MAX_WORDS = 4000      # shingles of the first words only: a 50 MB "article" must not need GBs
SCHEME = "affine32"   # datasketch's permutation scheme; stored signatures are only valid with it
_WORD = re.compile(r"\w+")
_word_hash: dict[str, int] = {}   # CRC-32 of words seen, the vocabulary repeats across articles
_perms: dict[int, tuple] = {}


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes of the word k-shingles, stable across runs and machines.

    Words are hashed once (CRC-32) and shingles combined with numpy, instead of hashing every
    shingle string through SHA-1 as datasketch does by default (the slow part of dedup).
    """
    words = _WORD.findall(text.lower(), 0, MAX_WORDS * 16)[:MAX_WORDS]
    if not words:
        return np.zeros(0, dtype=np.uint64)
    vals = list(map(_word_hash.get, words))
    if None in vals:
        if len(_word_hash) > 1_000_000:
            _word_hash.clear()
        for i, v in enumerate(vals):
            if v is None:
                vals[i] = _word_hash.setdefault(words[i], zlib.crc32(words[i].encode("utf-8")))
    w = np.array(vals, dtype=np.uint64)
    n = max(len(w) - k + 1, 1)
    h = w[:n].copy()
    for j in range(1, min(k, len(w))):
        h = (h * np.uint64(0x9E3779B1) + w[j:j + n]) & np.uint64(0xFFFFFFFF)
    return np.unique(h)


def _permutations(num_perm: int):
    if num_perm not in _perms:  # drawing them costs more than hashing a whole article
        from datasketch import MinHash

        _perms[num_perm] = MinHash(num_perm=num_perm, scheme=SCHEME).permutations
    return _perms[num_perm]


def minhash(text: str, num_perm: int = NUM_PERM) -> "MinHash":
    """datasketch MinHash of the body's shingles, the same values `update_batch` gives.

    update_batch calls its hash function once per shingle in Python; here the shingle hashes
    are already 32-bit integers, so datasketch's own pre-mix and affine permutations run on the
    whole array at once (tests compare the two).
    """
    from datasketch import MinHash
    from datasketch.minhash import _fmix

    perms = _permutations(num_perm)
    hv = shingle_hashes(text)
    if not len(hv):
        return MinHash(num_perm=num_perm, scheme=SCHEME, hashfunc=int, permutations=perms)
    a, b = perms
    x = _fmix(hv.astype(np.uint32).reshape(-1, 1), 32)
    values = (x * a + b).min(axis=0)
    return MinHash(num_perm=num_perm, scheme=SCHEME, hashfunc=int, permutations=perms, hashvalues=values)


def to_bytes(m: "MinHash") -> bytes:
    """A MinHash as stored: its hash values as little-endian uint64."""
    return np.asarray(m.hashvalues).astype("<u8").tobytes()


def signature(article: Article | str, num_perm: int = NUM_PERM) -> bytes:
    """The article's MinHash as bytes (num_perm little-endian uint64), for storing."""
    text = article if isinstance(article, str) else article.text
    return to_bytes(minhash(text, num_perm))


def from_signature(sig: bytes) -> "MinHash":
    """The MinHash stored by `signature`: same scheme, permutations and dtype as a fresh one."""
    from datasketch import MinHash

    values = np.frombuffer(sig, dtype="<u8")
    return MinHash(num_perm=len(values), scheme=SCHEME, permutations=_permutations(len(values)),
                   hashvalues=values.astype(np.uint32))


@lru_cache(maxsize=None)
def lsh_params(threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for this threshold."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def band_keys(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) int64 keys of the LSH buckets of n signatures (an (n, num_perm) array).

    Two signatures share a key (bar a 2^-64 collision) exactly when they agree on every value
    of that band, as datasketch's MinHashLSH buckets do; the band number and (bands, rows) are
    mixed in so bands never collide with each other or with another parameter choice.
    """
    v = np.asarray(values, dtype=np.uint64).reshape(len(values), -1)[:, :bands * rows]
    v = v.reshape(len(v), bands, rows)
    with np.errstate(over="ignore"):
        h = np.full((len(v), bands), np.uint64(bands * 1_000_003 + rows), dtype=np.uint64)
        h = h + np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for j in range(rows):
            h = (h ^ v[:, :, j]) * _M1
            h ^= h >> np.uint64(31)
        h ^= h >> np.uint64(30)
        h *= _M2
        h ^= h >> np.uint64(31)
    return h.view(np.int64)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard of two signatures: the share of equal hash values."""
    return float(np.count_nonzero(np.asarray(a, np.uint64) == np.asarray(b, np.uint64))) / len(a)


class NearDuplicates:
    """An in-memory index of the articles seen so far; `find` names the earliest one a new article repeats."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        from datasketch import MinHashLSH

        self.threshold, self.num_perm = threshold, num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._hashes: dict[str, MinHash] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._hashes

    def match(self, article_id: str, m: "MinHash") -> str | None:
        """Id of the earliest indexed article whose signature `m` repeats (itself if indexed), or None."""
        if article_id in self._hashes:
            return article_id  # an exact repost: same normalised body
        best = None
        for cand in self._lsh.query(m):
            if m.jaccard(self._hashes[cand]) >= self.threshold:
                if best is None or self._order[cand] < self._order[best]:
                    best = cand
        return best

    def find(self, article: Article) -> str | None:
        """Id of an earlier article this one repeats (itself, for an exact repost), or None."""
        if article.id in self._hashes:
            return article.id
        return self.match(article.id, minhash(article.text, self.num_perm))

    def add(self, article: Article) -> None:
        if article.id not in self._hashes:
            self.add_signature(article.id, minhash(article.text, self.num_perm))

    def add_signature(self, article_id: str, sig: "bytes | MinHash") -> None:
        """Index an article known by its MinHash or its stored signature bytes."""
        if article_id in self._hashes:
            return
        m = from_signature(sig) if isinstance(sig, (bytes, bytearray, memoryview)) else sig
        self._lsh.insert(article_id, m)
        self._hashes[article_id] = m
        self._order[article_id] = len(self._order)

    def check(self, article: Article) -> str | None:
        """find + add in one step: the duplicate's id (or None); the article is indexed if new."""
        m = minhash(article.text, self.num_perm)
        dup = self.match(article.id, m)
        self.add_signature(article.id, m)
        return dup
