"""Near-duplicate articles: the same story reposted with another headline, outlet or ending.

Each body becomes a MinHash over its word 3-shingles (lowercased, punctuation dropped);
MinHashLSH proposes earlier articles likely above the Jaccard threshold and the estimated
Jaccard confirms them. THRESHOLD and NUM_PERM were chosen with bench/dedup_threshold.py
(figures in docs/dedup.md). Signatures serialise to bytes so a store can keep the index.
"""
from __future__ import annotations

import re
import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH

from barograph.records import Article

THRESHOLD = 0.5       # estimated Jaccard of word 3-shingles at or above which two bodies are one story
NUM_PERM = 128
SHINGLE = 3
SCHEME = "affine32"   # datasketch's permutation scheme; stored signatures are only valid with it
_WORD = re.compile(r"\w+")
_word_hash: dict[str, int] = {}   # CRC-32 of words seen, the vocabulary repeats across articles
_perms: dict[int, tuple] = {}


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes of the word k-shingles, stable across runs and machines.

    Words are hashed once (CRC-32) and shingles combined with numpy, instead of hashing every
    shingle string through SHA-1 as datasketch does by default (the slow part of dedup).
    """
    words = _WORD.findall(text.lower())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    get = _word_hash.get
    vals = [get(x) for x in words]
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
        _perms[num_perm] = MinHash(num_perm=num_perm, scheme=SCHEME).permutations
    return _perms[num_perm]


def minhash(text: str, num_perm: int = NUM_PERM) -> MinHash:
    m = MinHash(num_perm=num_perm, scheme=SCHEME, hashfunc=int, permutations=_permutations(num_perm))
    m.update_batch(shingle_hashes(text).tolist())
    return m


def signature(article: Article | str, num_perm: int = NUM_PERM) -> bytes:
    """The article's MinHash as bytes (num_perm little-endian uint64), for storing."""
    text = article if isinstance(article, str) else article.text
    return minhash(text, num_perm).hashvalues.astype("<u8").tobytes()


def from_signature(sig: bytes) -> MinHash:
    values = np.frombuffer(sig, dtype="<u8").astype(np.uint64)
    return MinHash(num_perm=len(values), hashvalues=values, scheme=SCHEME)


class NearDuplicates:
    """An index of the articles seen so far; `find` names the earliest one a new article repeats."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        self.threshold, self.num_perm = threshold, num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._hashes: dict[str, MinHash] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._hashes

    def _match(self, article_id: str, m: MinHash) -> str | None:
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
        return self._match(article.id, minhash(article.text, self.num_perm))

    def add(self, article: Article) -> None:
        if article.id not in self._hashes:
            self.add_signature(article.id, minhash(article.text, self.num_perm))

    def add_signature(self, article_id: str, sig: bytes | MinHash) -> None:
        """Index an article known only by its stored signature."""
        if article_id in self._hashes:
            return
        m = sig if isinstance(sig, MinHash) else from_signature(sig)
        self._lsh.insert(article_id, m)
        self._hashes[article_id] = m
        self._order[article_id] = len(self._order)

    def check(self, article: Article) -> str | None:
        """find + add in one step: the duplicate's id (or None); the article is indexed if new."""
        m = minhash(article.text, self.num_perm)
        dup = self._match(article.id, m)
        if article.id not in self._hashes:
            self._lsh.insert(article.id, m)
            self._hashes[article.id] = m
            self._order[article.id] = len(self._order)
        return dup
