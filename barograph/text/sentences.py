"""Sentence spans of an article body, as offsets in the document text.

Scraped pages put every paragraph on its own line, so each line break is a boundary. Inside
a line a rule splitter cuts after sentence-final punctuation followed by a capital or digit,
except after abbreviations ("Mr.", "Gen.", "Jan."), initials ("J.") and dotted acronyms
("U.S."), the same decisions spaCy's sentencizer with its English tokenizer exceptions makes
(a test compares them on the sample) at a small fraction of the cost: this runs on every
ingested article, where spaCy's tokenizer would dominate the time of a plain ingest.
"""
from __future__ import annotations

import re

from barograph.records import Article, Sentence

_LINE = re.compile(r"[^\r\n\u2028\u2029]+")
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_OPENERS = "\"'“‘([«"
ABBREVIATIONS = frozenset(["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "adm", "cmdr", "gov", "sen", "rep", "pres", "amb", "rev", "fr", "hon", "messrs", "mme", "mlle", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos", "vol", "vols", "p", "pp", "fig", "figs", "art", "ch", "sec", "dept", "corp", "inc", "ltd", "co", "bros", "approx", "est", "vs", "v", "al", "cf", "e.g", "i.e", "viz"])
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")


def _is_boundary(line: str, m: re.Match) -> bool:
    end = m.end()
    n = len(line)
    j = end
    while j < n and line[j].isspace():
        j += 1
    while j < n and line[j] in _OPENERS:
        j += 1
    if j >= n or not (line[j].isupper() or line[j].isdigit()):
        return False
    punct = m.group(0)
    if punct[0] != "." or len(punct.rstrip("\"'”’)]")) > 1:
        return True  # ! ? … or an ellipsis "..." before a capital
    ws = max(line.rfind(" ", 0, m.start()), line.rfind("(", 0, m.start()), line.rfind("\u00a0", 0, m.start()))
    word = line[ws + 1:m.start()]
    if not word:
        return True
    if word.lower() in ABBREVIATIONS or word.rstrip(".").lower() in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "Patrick J. Buchanan"
    if "." in word and _ACRONYM.fullmatch(word):
        return False  # "U.S.", "e.g."
    return True


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of text[start:end], white space stripped, empty skipped."""
    end = len(text) if end is None else end
    spans = []
    for lm in _LINE.finditer(text, start, end):
        line = lm.group(0)
        base = lm.start()
        cut = 0
        for m in _END.finditer(line):
            if _is_boundary(line, m):
                spans.append((base + cut, base + m.end()))
                cut = m.end()
        spans.append((base + cut, base + len(line)))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        stripped = chunk.strip()
        if stripped:
            s += len(chunk) - len(chunk.lstrip())
            out.append((s, s + len(stripped)))
    return out


def split_sentences(article: Article, doc_text: str) -> list[Sentence]:
    """Sentences of the article body, offsets in the document text."""
    a = article.body_start if article.body_start is not None else article.start
    b = article.body_end if article.body_end is not None else article.end
    return [Sentence(article_id=article.id, index=i, start=s, end=e, text=doc_text[s:e])
            for i, (s, e) in enumerate(sentence_spans(doc_text, a, b))]
