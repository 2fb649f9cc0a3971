"""Cheap language guess: the share of a text's words that are stop words of each language.

spaCy ships no language detector, but it ships stop-word lists; function words are the most
reliable short-text signal there is, and counting them costs one pass over the first words.
"""
from __future__ import annotations

import importlib.util
import re
import runpy
from pathlib import Path

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "pl", "tr", "ru", "uk", "ar", "id")
_WORD = re.compile(r"[^\W\d_]+")
_MIN_SHARE = 0.12         # below this no language is sure enough
_index: dict[str, tuple[int, ...]] | None = None   # word -> languages (positions) it is a stop word in


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
    words = _WORD.findall(text[:max_words * 8].lower())[:max_words]
    if len(words) < 5:
        return None
    hits = [0] * len(LANGUAGES)
    for ks in filter(None, map(_load().get, words)):  # one C-level pass over the sample
        for k in ks:
            hits[k] += 1
    best = max(range(len(LANGUAGES)), key=hits.__getitem__)
    return LANGUAGES[best] if hits[best] >= _MIN_SHARE * len(words) else None
