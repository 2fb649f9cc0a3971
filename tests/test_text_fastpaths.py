"""The text stage's fast paths give exactly what the plain regex / datasketch versions give."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from barograph.text import dedup, language
from barograph.text.sentences import sentence_spans

TRICKY = [
    "",
    "a",
    "Word",
    "İstanbul’da Erdoğan’s “visit” — naïve café…",
    "ΣΑΣ ΟΔΟΣ. σας ΌΣΟΣ",
    "a\udc80b c",
    "under_score 1_2 ²³ ½ Ⅻ ǅemal",
    "no\u00a0break\u2009thin\u3000ideo",
    "Москва и Анкара",
    "x" * 70_000 + " y z",
    " ".join(["word"] * 5000),
    "ünï " * 5000,
    "— " * 3000 + "a b c d",
    "K\u212a \ufb01ne straße",
    "tab\tsep\x0bvt\x1cfs\x85nel",
    "“‘«»„‚•·" * 50 + "end",
]


def _regex_words(text: str) -> list[bytes]:
    return [w.encode() for w in re.compile(r"\w+").findall(text.lower(), 0, dedup.MAX_WORDS * 16)[: dedup.MAX_WORDS]]


@pytest.mark.parametrize("text", TRICKY)
def test_shingle_words_equal_the_regex(text):
    assert dedup._words(text) == _regex_words(text)


@pytest.mark.parametrize("text", TRICKY)
def test_language_sample_words_equal_the_regex(text, monkeypatch):
    seen = []
    monkeypatch.setattr(language, "Counter", lambda it: seen.append(list(it)) or {})
    monkeypatch.setattr(language, "_load", lambda: {})
    language.detect_language(text)
    words = re.findall(r"[^\W\d_]+", text[:1200].lower())[:150]
    assert seen == ([[]] if len(words) >= 5 else [])
    monkeypatch.undo()
    idx = language._load()
    hits = [0] * len(language.LANGUAGES)
    for w in words:
        for k in idx.get(w, ()):
            hits[k] += 1
    best = max(range(len(hits)), key=hits.__getitem__)
    want = None if len(words) < 5 or hits[best] < 0.12 * len(words) else language.LANGUAGES[best]
    assert language.detect_language(text) == want


def test_minhash_values_equal_the_datasketch_object():
    for text in TRICKY:
        m = dedup.minhash(text)
        assert np.array_equal(dedup.minhash_values(text), m.hashvalues)
        assert dedup.signature(text) == dedup.to_bytes(m) == dedup.to_bytes(m.hashvalues)


def test_permutations_and_premix_match_datasketch():
    pytest.importorskip("datasketch")
    from datasketch import MinHash
    from datasketch.minhash import _fmix

    for n in (16, 32, 64, 128, 256):
        want = MinHash(num_perm=n, scheme=dedup.SCHEME).permutations
        got = dedup._permutations(n)
        assert got.dtype == want.dtype and np.array_equal(got, want)
    h = np.random.default_rng(0).integers(0, 2**32, 1000, dtype=np.uint64).astype(np.uint32)
    assert np.array_equal(dedup._fmix32(h), _fmix(h, 32))


def test_lsh_params_match_datasketch():
    pytest.importorskip("datasketch")
    from datasketch.lsh import _optimal_param

    dedup.lsh_params.cache_clear()
    for n in (16, 32, 64, 128, 256):
        for k in range(1, 20):
            t = round(0.05 * k, 2)
            assert dedup.lsh_params(t, n) == _optimal_param(t, n, 0.5, 0.5), (t, n)


def test_signatures_and_band_parameters_need_neither_datasketch_nor_scipy():
    code = (
        "import sys\nfrom barograph.text.dedup import lsh_params, minhash_values, signature\n"
        "signature('Turkey shot down a Russian jet'); minhash_values('a b c'); lsh_params(0.5, 128)\n"
        "assert not {'scipy', 'datasketch'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sentence_cuts_at_every_line_break_and_only_within_lines():
    text = "One. Two\r\nThree! four\u2028Five? “Six.” (Seven.) U.S. Army\u2029Mr. X. 3 p.m. Then\n\n  \nEnd."
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["One.", "Two", "Three! four", "Five?", "“Six.”", "(Seven.)", "U.S. Army", "Mr. X. 3 p.m. Then", "End."]
    # the lookahead stops at the end of the range, as a line end
    assert [text[s:e] for s, e in sentence_spans(text, 0, 5)] == ["One."]
    other = "A. b. C.\x0bD… E"
    assert [other[s:e] for s, e in sentence_spans(other)] == ["A. b.", "C.\x0bD…", "E"]
