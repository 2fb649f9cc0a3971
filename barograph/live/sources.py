"""What `barograph follow` reads: the list of sources and the durations they are read at.

A source list is plain text, one source a line, so it can be kept in version control and edited
by hand: the location (an http(s) URL of a feed, sitemap or front page, or a local folder), then
optionally an outlet name (any words) and a per-source interval (`30m`, the last word when it is
a duration). `#` starts a comment. The same locations may be given on the command line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from barograph.errors import BadInput

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smh])$")
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(raw: str, where: str = "--every") -> float:
    """Seconds in `90s`, `15m`, `1.5h`; BadInput naming `where` otherwise."""
    m = _DURATION.match(raw.strip().lower())
    if not m or float(m.group(1)) <= 0:
        raise BadInput(where, f"not a duration: {raw!r} (a number and s, m or h: 90s, 15m, 1h)")
    return float(m.group(1)) * _UNITS[m.group(2)]


def is_url(s: str) -> bool:
    return s.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class FollowSource:
    """One place to read: a URL (feed, sitemap or front page: told apart when fetched) or a folder."""

    location: str
    name: str | None = None  # outlet name given in the list (else the page's or feed's own)
    every: float | None = None  # seconds between reads (None: the run's --every)

    @property
    def is_folder(self) -> bool:
        return not is_url(self.location)


def parse_line(line: str, where: str) -> FollowSource | None:
    """A source from one line of a list (None for blank and comment lines)."""
    text = "" if line.lstrip().startswith("#") else _strip_comment(line)
    if not text:
        return None
    words = text.split()
    location, rest = words[0], words[1:]
    every = None
    if rest and _DURATION.match(rest[-1].lower()):
        every = parse_duration(rest[-1], where)
        rest = rest[:-1]
    if not is_url(location):
        if "://" in location:
            raise BadInput(where, f"{location}: only http and https URLs can be followed")
        if not os.path.isdir(location):
            raise BadInput(where, f"{location}: not a URL and no such folder")
        location = os.path.abspath(location)
    return FollowSource(location, " ".join(rest) or None, every)


def _strip_comment(line: str) -> str:
    """A URL may hold '#' (a fragment): after the location only ' #' starts a comment."""
    return re.split(r"\s#", line, maxsplit=1)[0].strip()


def read_sources(args: list[str]) -> list[FollowSource]:
    """Sources from the command line: URLs and folders themselves, files as lists of sources.

    Each problem is one BadInput naming the file (and line) or the argument; a source listed
    twice is read once (the first listing's name and interval win).
    """
    found: list[FollowSource] = []
    for a in args:
        if is_url(a) or os.path.isdir(a):
            s = parse_line(a, a)
            if s:
                found.append(s)
        elif os.path.isfile(a):
            try:
                with open(a, encoding="utf-8") as f:
                    lines = f.read().splitlines()
            except (OSError, UnicodeDecodeError) as e:
                raise BadInput(a, f"cannot read the source list ({getattr(e, 'strerror', None) or e})") from None
            for n, line in enumerate(lines, 1):
                s = parse_line(line, f"{a}:{n}")
                if s:
                    found.append(s)
        else:
            raise BadInput(a, "not a URL, a folder, or a file listing sources")
    seen: set[str] = set()
    unique = []
    for s in found:
        if s.location not in seen:
            seen.add(s.location)
            unique.append(s)
    if not unique:
        raise BadInput(" ".join(args) or "SOURCES", "no sources to follow (the lists are empty)")
    return unique
