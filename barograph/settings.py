"""Every BAROGRAPH_* environment setting, in one table, read when asked.

Settings used to be read in seven modules, two of them at import time (so a test or a
server could not change them after `import barograph`). Here each one has a name, a type,
a default and a meaning; `get(name)` reads the environment at the moment it is called, and
`barograph settings` prints the table with the values in force. A new setting is one row
here plus its line in docs/ (tests/test_docs.py checks that line is there).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from barograph.errors import BarographError


def _whole(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise BarographError(f"{name} must be a whole number, not {raw!r}") from None


def _positive(raw: str, name: str) -> int:
    n = _whole(raw, name)
    if n < 1:
        raise BarographError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return n


def _at_least_one(raw: str, name: str) -> int:
    """A count below 1 means 1 (as `BAROGRAPH_WORKERS=0` always has)."""
    return max(1, _whole(raw, name))


def _seconds(raw: str, name: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise BarographError(f"{name} must be a number of seconds, not {raw!r}") from None


_SIZE = re.compile(r"^\d+(\.\d+)?\s*[KMGT]?i?B$", re.IGNORECASE)


def _size(raw: str, name: str) -> str:
    """A DuckDB memory size such as 256MB or 2GiB (checked: it reaches a SET statement)."""
    if not _SIZE.match(raw):
        raise BarographError(f"{name} must be a size such as 256MB or 2GB, not {raw!r}")
    return raw


def _path(raw: str, name: str) -> Path:
    return Path(raw)


def _paths(raw: str, name: str) -> list[str]:
    return [p for p in raw.split(os.pathsep) if p.strip()]


def _flag(raw: str, name: str) -> bool:
    return raw == "1"


@dataclass(frozen=True)
class Setting:
    """One environment setting: its type (as shown), its default and what it changes."""

    name: str
    type: str
    default: Any
    meaning: str
    parse: Callable[[str, str], Any]

    def read(self, environ: Mapping[str, str] | None = None) -> Any:
        """The value in force: the environment's (parsed), else the default."""
        raw = (os.environ if environ is None else environ).get(self.name, "").strip()
        if not raw:
            return self.default
        return self.parse(raw, self.name)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("BAROGRAPH_DB", "path", None, "database file when --db is not given (default: barograph.duckdb in the user data folder)", _path),
        Setting("BAROGRAPH_LOCK_WAIT", "seconds", 10.0, "how long opening a database waits for another process's lock before failing", _seconds),
        Setting("BAROGRAPH_DB_MEMORY", "size", "256MB", "DuckDB's memory limit during an ingest (keeps a long ingest flat)", _size),
        Setting("BAROGRAPH_BATCH_DOCUMENTS", "int", 4000, "most documents an ingest commits in one transaction", _positive),
        Setting("BAROGRAPH_WORKERS", "int", 1, "processes that split text in `ingest --no-code` when --workers is not given", _at_least_one),
        Setting(
            "BAROGRAPH_POOL_MIN_CHARS",
            "int",
            1_000_000,
            "below this much text a batch is split in-process even with workers (starting them costs ~1 s)",
            _whole,
        ),
        Setting("BAROGRAPH_SHARD_DOCS", "int", None, "documents per shard with --engine ray (default: the resumed run's, else 200)", _positive),
        Setting("BAROGRAPH_ACTORS", "paths", [], "extra actor dictionary files, separated by ':' (loaded after the built-in ones)", _paths),
        Setting(
            "BAROGRAPH_SERVE_READERS",
            "int",
            None,
            "requests of `barograph serve` that read the database at once, the others waiting their turn (default: no limit)",
            _positive,
        ),
        Setting(
            "BAROGRAPH_SERVE_THREADS", "int", None, "DuckDB threads of the reads of `barograph serve` (default: DuckDB's, one per core)", _positive
        ),
        Setting("BAROGRAPH_SLOW", "flag", False, "tests only: 1 runs the slow 1 GB ingest test", _flag),
    )
}


def get(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The value of setting `name` now (read from the environment at this call)."""
    try:
        setting = SETTINGS[name]
    except KeyError:
        raise BarographError(f"{name}: no such setting (see `barograph settings`)") from None
    return setting.read(environ)


def in_force(environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Every setting with its value now and where the value comes from (environment or default)."""
    env = os.environ if environ is None else environ
    rows = []
    for s in SETTINGS.values():
        raw = env.get(s.name, "").strip()
        try:
            value, source = s.read(env), ("environment" if raw else "default")
        except BarographError as e:  # shown, not raised: this is where one looks for it
            value, source = raw, f"invalid: {e}"
        rows.append({"name": s.name, "type": s.type, "value": value, "source": source, "default": s.default, "meaning": s.meaning})
    return rows
