"""Absolute calendar dates only: a date is read where one is written, never made up.

dateparser would happily turn "today" or "2 days ago" into the day the program runs, and
fill a missing year with the current one; both would put events at the wrong time. So it only
sees candidate strings that already carry a day, a month and a year, and must confirm all three.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTH = r"[A-Za-zÀ-ÿ]{3,10}\.?"
DATE_RE = re.compile(
    rf"""\b(
        \d{{4}}-\d{{1,2}}-\d{{1,2}}                       # 2016-03-03
      | {_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}  # March 3, 2016 / Sep 25, 2015
      | \d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}  # 3 March 2016
      | \d{{1,2}}/\d{{1,2}}/\d{{4}}                       # 03/03/2016 (month first, US)
    )\b""",
    re.VERBOSE,
)
_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "DATE_ORDER": "MDY",
}
_cache: dict[str, str | None] = {}


def parse_date(s: str) -> str | None:
    """ISO date of an absolute date string, or None (relative or partial dates are refused)."""
    if s in _cache:
        return _cache[s]
    iso = None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        try:
            iso = date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            iso = None
    else:
        import dateparser

        d = dateparser.parse(s, settings=_SETTINGS)
        iso = d.date().isoformat() if d else None
    if len(_cache) < 10000:
        _cache[s] = iso
    return iso


def find_date(text: str) -> str | None:
    """The first absolute date written in `text` (a short line: byline, dateline)."""
    for m in DATE_RE.finditer(text):
        iso = parse_date(m.group(1))
        if iso:
            return iso
    return None


def iso_date(value) -> str | None:
    """Normalise a container's date (ISO string, RFC 822, struct_time, datetime) to YYYY-MM-DD."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "tm_year"):
        return date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
    s = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:  # RFC 822 dates of feeds and mail
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    return find_date(s)
