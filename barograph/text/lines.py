"""A page as a list of classified lines: the unit the article splitter reasons about.

Only short lines are tested against the marker/byline/date patterns (long ones are plain
paragraphs), so a page costs one pass of cheap string checks plus a few anchored regexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from barograph.ingest.dates import find_date

SHORT = 200  # longer lines are paragraphs, never titles or markers

# "Source: X", "Originally published at X", "Read more at X", "This article originally appeared on X"
MARKER_RE = re.compile(
    r"""^(?:
        (?:source|sources|via|courtesy)\s*:
      | (?:originally|first)\s+(?:published|posted|appeared)\s+(?:at|in|on|by)\b
      | read\s+(?:more|the\s+(?:full|original)\s+(?:article|story|piece))\s+(?:at|on|in)\b
      | (?:this|the)\s+(?:article|story|post|piece|column|essay|op-ed)\s+(?:was\s+)?
            (?:originally\s+|first\s+)?(?:appeared|published|posted|ran)\s+(?:on|in|at|by)\b
      | (?:republished|reprinted|reposted)\s+(?:from|with\s+permission\s+(?:of|from))\b
    )\s*[:\-–—]?\s*(?P<value>.*?)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_NAME_WORD = r"(?:[A-Z][\w'’.\-]*|(?:de|da|del|der|van|von|al|el|bin|ibn|la|le|du|di)(?:[-'’][\w'’.\-]+)?)"
BYLINE_RE = re.compile(
    rf"""^(?i:by|written\s+by|posted\s+by|reported\s+by|words\s+by|author\s*:)\s*
        (?P<name>[A-Z][\w'’.\-]*(?:\s+{_NAME_WORD}){{0,4}}
                (?:\s+(?:and|&)\s+[A-Z][\w'’.\-]*(?:\s+{_NAME_WORD}){{0,3}})?)?
        \s*(?P<rest>(?:[,|•·(—–-].*|\s+on\s+.*|\s+\d.*)?)$""",
    re.VERBOSE,
)
DATELINE_RE = re.compile(r"^(?:published|posted|updated|first\s+published|dated?|last\s+modified)\b", re.IGNORECASE)
BIO_RE = re.compile(
    rf"^(?P<name>[A-Z][\w'’.\-]+(?:\s+{_NAME_WORD}){{1,3}})\s*(?:,[^,]{{1,60}},\s*)?"
    r"(?:is|was|has\s+been|writes|served|teaches|covers)\b"
)
COPYRIGHT_RE = re.compile(r"^(?:©|\(c\)|copyright\b|all\s+rights\s+reserved)", re.IGNORECASE)
BOILERPLATE = frozenset(
    {
        "advertisement",
        "advertisements",
        "advertising",
        "sponsored",
        "sponsored content",
        "share",
        "share this",
        "share this article",
        "like this",
        "related",
        "related posts",
        "related articles",
        "loading",
        "loading...",
        "tweet",
        "email",
        "print",
        "facebook",
        "twitter",
        "whatsapp",
        "reddit",
        "linkedin",
        "pinterest",
        "telegram",
        "subscribe",
        "comments",
        "leave a comment",
        "leave a reply",
        "continue reading",
        "read more",
        "report this ad",
    }
)
_BOILER_LEN = max(map(len, BOILERPLATE))
_STRIP = " \t\r\n\f\v\u00a0\ufeff\u200b"


@dataclass(slots=True)
class Line:
    start: int  # offsets of the stripped content in the document
    end: int
    text: str  # stripped
    kind: str = "para"  # blank | para | short | marker | byline | dateline | boiler | copyright
    value: str | None = None  # outlet/URL for markers, name for bylines, ISO date for datelines

    @property
    def short(self) -> bool:
        return len(self.text) <= SHORT


def title_like(s: str) -> bool:
    """A headline: short, few words, not ending like a sentence fragment."""
    if not (3 <= len(s) <= SHORT) or s[-1] in ".,;:" or s.count(" ") > 24:
        return False
    return any(c.isalpha() for c in s[:3]) or s[0] in "\"“‘'"


def classify(s: str) -> tuple[str, str | None]:
    """(kind, value) of one stripped short line."""
    # lowercasing never shortens a string nor makes " .:!", so a line longer than every
    # boilerplate phrase (trailing " .:!" aside) cannot be one: skip the lower() for it
    if len(s) <= _BOILER_LEN or len(s.rstrip(" .:!")) <= _BOILER_LEN:
        low = s.lower()
        if low.rstrip(" .:!") in BOILERPLATE or low in BOILERPLATE:
            return "boiler", None
    c = s[0]
    if c in "SsOoFfRrTtVvCc":
        m = MARKER_RE.match(s)
        if m:
            return "marker", m.group("value") or None
    if c in "BbWwPpRrAa":
        m = BYLINE_RE.match(s)
        if m and (m.group("name") or not m.group("rest")):
            return "byline", m.group("name")
    if c in "PpUuFfDdLl" and DATELINE_RE.match(s):
        d = find_date(s)
        if d:
            return "dateline", d
    if len(s) <= 40 and any(map(str.isdigit, s)):
        d = find_date(s)
        if d and len(s) <= 40:
            return "dateline", d
    if COPYRIGHT_RE.match(s):
        return "copyright", None
    return "short", None


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Classified lines of text[start:end] (offsets in `text`)."""
    out: list[Line] = []
    append = out.append
    pos = start
    chunk = text[start:end] if (start or end is not None) else text
    for raw in chunk.splitlines(True):
        s = raw.strip(_STRIP)
        if not s:
            append(Line(pos, pos, "", "blank"))
        else:
            a = pos + raw.index(s[0])  # s[0] is the first character strip kept
            if len(s) <= SHORT:
                kind, value = classify(s)
                append(Line(a, a + len(s), s, kind, value))
            else:
                append(Line(a, a + len(s), s))
        pos += len(raw)
    return out
