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

_BREAK = "\r\n\u2028\u2029"  # line breaks: every one ends a sentence
_OPENERS = "\"'“‘([«"
# One scan of the body finds both kinds of cut: a run of line breaks, or sentence-final
# punctuation followed by white space on the same line. For the latter the lookahead also
# captures the first character after that white space and any opening quotes/brackets
# (`nxt`, absent at the end of the line), so the boundary test needs no character loop.
# Both branches start with one character class, which lets the regex engine skip quickly to
# the candidates (a pattern starting with an alternation is tried at every position).
_CUT = re.compile(
    rf"""[.!?…{_BREAK}]
        (?: (?<=[{_BREAK}]) [{_BREAK}]*
          | (?<=[.!?…]) [.!?…]* ["'”’)\]]* (?=[^\S{_BREAK}]+ [{re.escape(_OPENERS)}]* (?P<nxt>[^{_BREAK}])?)
        )""",
    re.VERBOSE,
)
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "adm",
        "cmdr",
        "gov",
        "sen",
        "rep",
        "pres",
        "amb",
        "rev",
        "fr",
        "hon",
        "messrs",
        "mme",
        "mlle",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "nos",
        "vol",
        "vols",
        "p",
        "pp",
        "fig",
        "figs",
        "art",
        "ch",
        "sec",
        "dept",
        "corp",
        "inc",
        "ltd",
        "co",
        "bros",
        "approx",
        "est",
        "vs",
        "v",
        "al",
        "cf",
        "e.g",
        "i.e",
        "viz",
    ]
)
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")
_CLOSERS = "\"'”’)]"


def _ends_sentence(word: str) -> bool:
    """Whether a full stop after `word` (the text since the last space) ends a sentence."""
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
    """(start, end) of each sentence of text[start:end], white space stripped, empty skipped.

    A cut falls after sentence-final punctuation when the next character on the line (past
    white space and opening quotes/brackets) is a capital or digit, unless a single full stop
    follows an abbreviation, an initial or a dotted acronym.
    """
    end = len(text) if end is None else end
    out = []
    cut = line = start  # start of the current sentence / of the current line
    for m in _CUT.finditer(text, start, end):
        nxt = m.group("nxt")
        if nxt is None:
            if text[m.start()] not in _BREAK:
                continue  # punctuation ending the line: the line break cuts
            stop = m.start()
        else:
            if not (nxt.isupper() or nxt.isdigit()):
                continue
            ms, stop = m.span()
            punct = text[ms:stop]
            if punct[0] == "." and len(punct.rstrip(_CLOSERS)) == 1:  # one full stop: abbreviation?
                ws = max(text.rfind(" ", line, ms), text.rfind("(", line, ms), text.rfind("\u00a0", line, ms))
                if not _ends_sentence(text[(ws + 1 if ws >= 0 else line) : ms]):
                    continue
        chunk = text[cut:stop]
        stripped = chunk.strip()
        if stripped:
            s = cut + len(chunk) - len(chunk.lstrip())
            out.append((s, s + len(stripped)))
        cut = m.end()
        if nxt is None:
            line = cut
    chunk = text[cut:end]
    stripped = chunk.strip()
    if stripped:
        s = cut + len(chunk) - len(chunk.lstrip())
        out.append((s, s + len(stripped)))
    return out


def body_sentence_spans(article: Article, doc_text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the article body, in the document text."""
    a = article.body_start if article.body_start is not None else article.start
    b = article.body_end if article.body_end is not None else article.end
    return sentence_spans(doc_text, a, b)


def to_sentences(article_id: str, spans: list[tuple[int, int]], doc_text: str) -> list[Sentence]:
    return [Sentence(article_id, i, s, e, doc_text[s:e]) for i, (s, e) in enumerate(spans)]


def split_sentences(article: Article, doc_text: str) -> list[Sentence]:
    """Sentences of the article body, offsets in the document text."""
    return to_sentences(article.id, body_sentence_spans(article, doc_text), doc_text)
