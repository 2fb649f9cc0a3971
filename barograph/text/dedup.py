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
from barograph.text.language import plain_punctuation

if TYPE_CHECKING:  # datasketch pulls in scipy (~0.5 s): imported on first use only
    from datasketch import MinHash

THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles at or above which two bodies are one story
NUM_PERM = 128
SHINGLE = 3
MAX_WORDS = 4000  # shingles of the first words only: a 50 MB "article" must not need GBs
SCHEME = "affine32"  # datasketch's permutation scheme; stored signatures are only valid with it
_WORD = re.compile(r"\w+")
# bytes.translate table: ASCII characters that are not \w become spaces, all other bytes stay
_ASCII_WORDS = bytes(b if (chr(b).isalnum() or b == 95) else 32 for b in range(128)) + bytes(range(128, 256))
_word_hash: dict[bytes, int] = {}  # CRC-32 of words seen, the vocabulary repeats across articles
_perms: dict[int, np.ndarray] = {}
_MAX32 = np.uint32(0xFFFFFFFF)


def _words(text: str) -> list[bytes]:
    r"""The first MAX_WORDS `\w+` words of the lowercased text, as UTF-8 bytes (what CRC-32 reads).

    Lowercasing comes first (it can change which characters are word characters: "İ" -> "i̇").
    The regex costs most of a signature, so the UTF-8 text is cut at ASCII non-word characters
    by bytes.translate + split instead (curly quotes and dashes made spaces first); only the
    few pieces still holding non-ASCII characters ("erdoğan") go through the regex, which
    finds the same words in them.
    """
    low = plain_punctuation(text.lower()[: MAX_WORDS * 16])
    if low.isascii():
        return low.encode("ascii").translate(_ASCII_WORDS).split(None, MAX_WORDS)[:MAX_WORDS]
    pieces = low.encode("utf-8", "surrogatepass").translate(_ASCII_WORDS).split()
    odd = [i for i, p in enumerate(pieces) if not p.isascii()]
    if not odd:
        return pieces[:MAX_WORDS]
    words, k = [], 0
    for i in odd:
        words += pieces[k:i]
        words += [w.encode("utf-8") for w in _WORD.findall(pieces[i].decode("utf-8", "surrogatepass"))]
        k = i + 1
        if len(words) >= MAX_WORDS:
            return words[:MAX_WORDS]
    words += pieces[k:]
    return words[:MAX_WORDS]


def _word_hashes(words: list[bytes]) -> list[int]:
    """CRC-32 of each word, from the cache; new words are hashed once."""
    vals = list(map(_word_hash.get, words))
    if None in vals:
        if len(_word_hash) > 1_000_000:
            _word_hash.clear()
        for w in set(words).difference(_word_hash):  # only the new words, not every word again
            _word_hash[w] = zlib.crc32(w)
        vals = list(map(_word_hash.__getitem__, words))
    return vals


def _shingles(text: str, k: int) -> np.ndarray:
    """32-bit hashes of the word k-shingles, in text order, repeats included."""
    words = _words(text)
    if not words:
        return np.zeros(0, dtype=np.uint64)
    w = np.array(_word_hashes(words), dtype=np.uint64)
    n = max(len(w) - k + 1, 1)
    h = w[:n].copy()
    for j in range(1, min(k, len(w))):
        h = (h * np.uint64(0x9E3779B1) + w[j : j + n]) & np.uint64(0xFFFFFFFF)
    return h


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes of the word k-shingles, stable across runs and machines.

    Words are hashed once (CRC-32) and shingles combined with numpy, instead of hashing every
    shingle string through SHA-1 as datasketch does by default (the slow part of dedup).
    """
    return np.unique(_shingles(text, k))


def _permutations(num_perm: int) -> np.ndarray:
    """datasketch's affine32 permutations for seed 1, drawn the way MinHash draws them.

    Computed here so a signature needs no datasketch import (it pulls scipy, ~0.3 s);
    a test compares them with datasketch's.
    """
    if num_perm not in _perms:
        gen = np.random.RandomState(1)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        _perms[num_perm] = np.array([a, b])
    return _perms[num_perm]


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix for the affine32 scheme."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(text: str, num_perm: int = NUM_PERM) -> np.ndarray:
    """The hash values (uint32) of `minhash(text)`, without building a datasketch object.

    Repeated shingles are not removed first: they cannot change a minimum.
    """
    hv = _shingles(text, SHINGLE)
    if not len(hv):
        return np.full(num_perm, _MAX32, dtype=np.uint32)
    a, b = _permutations(num_perm)
    x = _fmix32(hv.astype(np.uint32).reshape(-1, 1))
    y = x * a
    y += b
    return y.min(axis=0)


def minhash(text: str, num_perm: int = NUM_PERM) -> "MinHash":
    """datasketch MinHash of the body's shingles, the same values `update_batch` gives.

    update_batch calls its hash function once per shingle in Python; here the shingle hashes
    are already 32-bit integers, so datasketch's own pre-mix and affine permutations run on the
    whole array at once (tests compare the two). Code that only needs the values (storing,
    `BandIndex`) can call `minhash_values` and never import datasketch.
    """
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, scheme=SCHEME, hashfunc=int, permutations=_permutations(num_perm), hashvalues=minhash_values(text, num_perm))


def to_bytes(m: "MinHash | np.ndarray") -> bytes:
    """A MinHash (or its hash values) as stored: little-endian uint64."""
    return np.asarray(getattr(m, "hashvalues", m)).astype("<u8").tobytes()


def signature(article: Article | str, num_perm: int = NUM_PERM) -> bytes:
    """The article's MinHash as bytes (num_perm little-endian uint64), for storing."""
    text = article if isinstance(article, str) else article.text
    return to_bytes(minhash_values(text, num_perm))


def from_signature(sig: bytes) -> "MinHash":
    """The MinHash stored by `signature`: same scheme, permutations and dtype as a fresh one."""
    from datasketch import MinHash

    values = np.frombuffer(sig, dtype="<u8")
    return MinHash(num_perm=len(values), scheme=SCHEME, permutations=_permutations(len(values)), hashvalues=values.astype(np.uint32))


@lru_cache(maxsize=None)
def lsh_params(threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for this threshold.

    The same search as datasketch's `_optimal_param` (minimise the false-positive plus
    false-negative areas under the band collision curve, equal weights, first minimum in
    (bands, rows) order), with the integrals done by Gauss-Legendre quadrature in numpy
    instead of scipy's quad: the integrands are polynomials of degree bands * rows <= num_perm,
    which num_perm // 2 + 1 nodes integrate exactly, and importing scipy costs ~0.3 s.
    A test checks the choice against datasketch's over a grid of thresholds and sizes.
    """
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float)
    x, w = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    b, r = pairs[:, :1], pairs[:, 1:]

    def area(lo: float, hi: float, below: bool) -> np.ndarray:
        s = (hi - lo) / 2 * x + (hi + lo) / 2  # nodes mapped to [lo, hi]
        p = 1 - (1 - s**r) ** b  # probability that a pair shares a bucket
        return (p if below else 1 - p) @ w * ((hi - lo) / 2)

    error = 0.5 * area(0.0, threshold, True) + 0.5 * area(threshold, 1.0, False)
    best = int(np.argmin(error))
    return int(pairs[best, 0]), int(pairs[best, 1])


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def band_keys(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) int64 keys of the LSH buckets of n signatures (an (n, num_perm) array).

    Two signatures share a key (bar a 2^-64 collision) exactly when they agree on every value
    of that band, as datasketch's MinHashLSH buckets do; the band number and (bands, rows) are
    mixed in so bands never collide with each other or with another parameter choice.
    """
    v = np.asarray(values, dtype=np.uint64).reshape(len(values), -1)[:, : bands * rows]
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


def is_repeat(article: Article, seen: set[str]) -> bool:
    """Whether a run has had this story already, so it is not coded again: marked a
    near-duplicate, or its body hash is in `seen`. A first sighting is added to `seen`.

    The rule of the paths that code without a store (`barograph code`, the Ray shards); an
    ingest decides against the store as well (`pipeline.Planner`).
    """
    if article.duplicate_of or (article.id and article.id in seen):
        return True
    if article.id:
        seen.add(article.id)
    return False
