"""Tables built from data files, kept as a pickle in the user's cache folder.

Why: the actor dictionaries and the gazetteer take seconds to build from their sources and
a fraction of that to unpickle; every coding process needs them at start. The file's name
carries a hash of what it was built from, so a change to the data gives a new file (and the
older ones of the same family are removed); a damaged or foreign file is built again, and a
cache folder that cannot be written only costs the speed-up.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def load_or_build(path: Path | None, build: Callable[[], T], family: str) -> T:
    """The table pickled at `path`, else `build()` written there; `family` is the glob of the
    cache files of the same table built from other data (removed once the new one is in)."""
    if path is not None and path.exists():
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:  # a damaged or foreign file: build again
            pass
    table = build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                pickle.dump(table, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            for old in path.parent.glob(family):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    return table
