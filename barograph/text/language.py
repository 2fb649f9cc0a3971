"""Cheap language guess: the share of a text's words that are stop words of each language.

spaCy ships no language detector, but it ships stop-word lists; function words are the most
reliable short-text signal there is, and counting them costs one pass over the first words.
"""

from __future__ import annotations

import importlib.util
import re
import runpy
from collections import Counter
from pathlib import Path

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "pl", "tr", "ru", "uk", "ar", "id")
_WORD = re.compile(r"[^\W\d_]+")
# str.translate table: ASCII characters that are not letters become spaces (ASCII `[^\W\d_]`)
_ASCII_LETTERS = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalpha()})
_MIN_SHARE = 0.12  # below this no language is sure enough
_index: dict[str, tuple[int, ...]] | None = None  # word -> languages (positions) it is a stop word in


# typographic punctuation common in news text; none is a word character (\W), so replacing
# them by spaces changes no word, and often leaves an ASCII string the fast paths can split
_TYPOGRAPHIC = (
    "\u2019",
    "\u2018",
    "\u201c",
    "\u201d",
    "\u2014",
    "\u2013",
    "\u2026",
    "\u00a0",
    "\u00ab",
    "\u00bb",
    "\u201e",
    "\u201a",
    "\u2022",
    "\u00b7",
)


def plain_punctuation(s: str) -> str:
    """`s` with curly quotes, dashes, ellipses and no-break spaces replaced by spaces."""
    if not s.isascii():
        for c in _TYPOGRAPHIC:
            if c in s:
                s = s.replace(c, " ")
    return s


def _load() -> dict[str, tuple[int, ...]]:
    global _index
    if _index is None:
        index: dict[str, list[int]] = {}
        # run the plain stop_words.py files by path: importing spacy.lang.xx would load all
        # of spaCy and each language's tokenizer exceptions (seconds) for a list of words
        spec = importlib.util.find_spec("spacy")
        root = Path(spec.origin).parent / "lang" if spec and spec.origin else None
        for k, lang in enumerate(LANGUAGES):
            path = root / lang / "stop_words.py" if root else None
            if path is None or not path.exists():
                continue
            scope = runpy.run_path(str(path))
            for w in {w.lower() for w in scope.get("STOP_WORDS", ())}:
                index.setdefault(w, []).append(k)
        _index = {w: tuple(ks) for w, ks in index.items()}
    return _index


def detect_language(text: str, max_words: int = 150) -> str | None:
    """ISO 639-1 code of the language of `text`, or None if too short or unclear."""
    low = plain_punctuation(text[: max_words * 8].lower())
    if low.isascii():  # the same words as the regex, at a third of its cost
        words = low.translate(_ASCII_LETTERS).split(None, max_words)[:max_words]
    else:
        words = _WORD.findall(low)[:max_words]
    if len(words) < 5:
        return None
    hits = [0] * len(LANGUAGES)
    # count each distinct set of languages once (a C-level Counter pass), then spread the counts
    for ks, n in Counter(filter(None, map(_load().get, words))).items():
        for k in ks:
            hits[k] += n
    best = max(range(len(LANGUAGES)), key=hits.__getitem__)
    return LANGUAGES[best] if hits[best] >= _MIN_SHARE * len(words) else None
