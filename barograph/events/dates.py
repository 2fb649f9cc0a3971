"""When an event happened: the article's date unless the event's own words fix another.

Only date expressions attached to the trigger count ("joined NATO in 1952", "met on
September 18th", "last week"), found in the trigger's dependents, so a date elsewhere in the
sentence does not move the event. Parsing is a few regular expressions (no dateparser in
the hot loop). Choices: a bare year becomes YYYY-01-01 and a month-year YYYY-MM-01, with
``precision`` saying so ("year"/"month"/"day"); relative expressions count back from the
article date (a weekday names the latest such day up to the article's own: "on Monday" in a
Monday article is that day); an event placed two or more years before the article is
``historical``.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
# named periods (start year), general historical knowledge
ERAS = {
    "cold war": 1947,
    "second world war": 1939,
    "world war ii": 1939,
    "world war two": 1939,
    "first world war": 1914,
    "world war i": 1914,
    "soviet era": 1922,
    "soviet times": 1922,
}

_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)s?\b")
_MONTH_DAY = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b(?:,?\s+(\d{4}))?")
_MONTH_YEAR = re.compile(r"\b([a-z]{3,9})\s+(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
HISTORICAL_YEARS = 2


def _safe(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_expression(text: str, ref: dt.date | None) -> tuple[dt.date, str] | None:
    """A date expression -> (date, precision); None when it names no date we can place."""
    t = text.lower().strip()
    m = _ISO.search(t)
    if m:
        d = _safe(int(m[1]), int(m[2]), int(m[3]))
        return (d, "day") if d else None
    m = _MONTH_DAY.search(t)
    if m and m[1] in MONTHS:
        year = int(m[3]) if m[3] else (ref.year if ref else None)
        if year is None:
            return None
        d = _safe(year, MONTHS[m[1]], int(m[2]))
        if d and not m[3] and ref and d > ref + dt.timedelta(days=31):
            d = _safe(year - 1, MONTHS[m[1]], int(m[2]))  # "on December 30" in a January article
        return (d, "day") if d else None
    m = _DAY_MONTH.search(t)
    if m and m[2] in MONTHS:
        year = int(m[3]) if m[3] else (ref.year if ref else None)
        d = _safe(year, MONTHS[m[2]], int(m[1])) if year else None
        return (d, "day") if d else None
    m = _MONTH_YEAR.search(t)
    if m and m[1] in MONTHS:
        return dt.date(int(m[2]), MONTHS[m[1]], 1), "month"
    for era, year in ERAS.items():
        if era in t:
            return dt.date(year, 1, 1), "year"
    m = _YEAR.search(t)
    if m:
        return dt.date(int(m[1]), 1, 1), "year"
    if ref is None:
        return None
    if "yesterday" in t:
        return ref - dt.timedelta(days=1), "day"
    if "today" in t or "tonight" in t or "this morning" in t:
        return ref, "day"
    for unit, days in (("week", 7), ("month", 30), ("year", 365)):
        if f"last {unit}" in t or f"past {unit}" in t or f"previous {unit}" in t:
            return ref - dt.timedelta(days=days), "week" if unit == "week" else unit
        n = re.search(rf"\b(\d+|two|three|four|five|six|ten)\s+{unit}s?\s+ago\b", t)
        if n:
            k = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}.get(n[1]) or int(n[1])
            return ref - dt.timedelta(days=days * k), "week" if unit == "week" else unit
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", t):
            # "on Monday" in an article dated Monday is that Monday; "last Monday" a week back
            back = (ref.weekday() - wd) % 7
            if back == 0 and re.search(rf"\b(last|previous|past)\s+{name}\b", t):
                back = 7
            return ref - dt.timedelta(days=back), "day"
    return None


def _iso(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


_DATE_PREPS = {"in", "on", "during", "since", "at", "by", "until", "before", "after", "of"}


def date_phrases(tok):
    """Date expressions governed by the trigger: NER DATE entities in its prepositional or
    noun-modifier dependents (not inside its objects' own clauses)."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _DATE_PREPS:
            for p in c.children:
                if p.dep_ == "pobj" and (p.ent_type_ in ("DATE", "EVENT") or _YEAR.fullmatch(p.text)):
                    yield " ".join(x.text for x in p.subtree)
        elif c.dep_ in ("npadvmod", "tmod") and c.ent_type_ == "DATE":
            yield " ".join(x.text for x in c.subtree)
        elif c.dep_ == "advmod" and c.lower_ in ("yesterday", "today"):
            yield c.text


def _date_holders(tok):
    """The trigger, then the verbs whose date it shares: an xcomp or conjunct shares its
    governor's ("managed in 2013 to resolve"), a when-clause takes the date of the clause it
    modifies ("what we saw in 2013, when X and Y resolved the issue")."""
    yield tok
    cur = tok
    for _ in range(4):
        if cur.dep_ in ("xcomp", "conj") and cur.head != cur:
            cur = cur.head
            yield cur
        else:
            break
    if cur.dep_ in ("advcl", "relcl") and any(c.lower_ == "when" and c.dep_ in ("advmod", "mark") for c in cur.children):
        yield cur.head


def event_date(tok, article_date: str | None) -> tuple[str | None, bool, str]:
    """(ISO date, historical, precision) for the event triggered by ``tok``."""
    ref = _iso(article_date)
    for phrase in (ph for t in _date_holders(tok) for ph in date_phrases(t)):
        got = parse_expression(phrase, ref)
        if got:
            d, precision = got
            historical = bool(ref and (ref.year - d.year) >= HISTORICAL_YEARS)
            return d.isoformat(), historical, precision
    return (ref.isoformat() if ref else None), False, "day"
