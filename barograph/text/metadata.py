"""Article metadata read from the lines around a story: outlet, author, date, URL.

The text's own words win (a "Source:" line, a byline, a "Published on" line); the container's
metadata (feed entry, JSONL record, HTML meta) is the fallback; nothing is guessed beyond that.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from barograph.ingest.dates import DATE_RE, find_date

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_DATE_TAIL = re.compile(r"(?:,|\s+on|\s+in)?\s*$")
# dateline opening a story: "MOSCOW, March 3, 2016 (Reuters) -", "March 3, 2016 —"
_DATELINE_START = re.compile(r"^(?:[A-Z][A-Za-z .'’-]{1,40},\s*)?(?P<d>[^()—–-]{6,30}?)\s*(?:\(|—|–|-|:)")


def clean(s: str | None) -> str | None:
    """Collapse white space (non-breaking spaces of scraped pages included)."""
    if s is None:
        return None
    s = _SPACE.sub(" ", s).strip()
    return s or None


def outlet_and_url(value: str | None) -> tuple[str | None, str | None]:
    """Outlet name and URL from a source marker's value ("The Nation", "https://x.org/a")."""
    if not value:
        return None, None
    url = None
    m = _URL_RE.search(value)
    if m:
        url = m.group(0).rstrip(".,;)")
        rest = clean((value[: m.start()] + value[m.end() :]).strip(" .,;:-–—()"))
        host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
        host = host.removeprefix("www.")
        return rest or host or None, url
    d = DATE_RE.search(value)
    if d:  # "Foreign Policy on March 3, 2016"
        value = _DATE_TAIL.sub("", value[: d.start()])
    value = value.strip(" .,;:-–—")
    if value.lower().startswith(("the website ", "the site ")):
        value = value.split(" ", 2)[2]
    return clean(value), None


def dateline_date(first_paragraph: str) -> str | None:
    """A date opening the story ("MOSCOW, March 3, 2016 (Reuters) -")."""
    m = _DATELINE_START.match(first_paragraph[:80])
    return find_date(m.group("d")) if m else None


def body_id(body: str) -> str:
    """Content hash of the normalised body: exact reposts share it."""
    norm = " ".join(body.lower().split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:32]
