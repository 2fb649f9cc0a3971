"""The follow log: one JSON object a line in a file (for machines: jq, Loki, journald) and a short
line on the terminal (for people), from the same call so the two never disagree."""

from __future__ import annotations

import json
import os
import threading
from typing import Callable

from barograph.live.state import now


class Log:
    """`event(kind, **fields)`: appended to `path` (flushed at once, so a kill -9 loses no line) and,
    for warnings, errors and cycle summaries, said on the terminal through `say`."""

    LOUD = {"error", "warning", "summary", "start", "stop"}

    def __init__(self, path: str | os.PathLike | None, say: Callable[[str], None] | None = None, quiet: bool = False):
        self.path = path
        self.quiet = quiet
        self.say = say
        self._lock = threading.Lock()
        self._f = open(path, "a", encoding="utf-8") if path else None

    def event(self, kind: str, message: str, level: str = "info", **fields) -> None:
        rec = {"time": now().isoformat() + "Z", "level": level, "event": kind, "message": message, **fields}
        line = json.dumps(rec, ensure_ascii=False, default=str)
        with self._lock:
            if self._f is not None:
                self._f.write(line + "\n")
                self._f.flush()
        loud = level == "error" or kind == "summary" or (not self.quiet and (level in self.LOUD or kind in self.LOUD))
        if self.say and loud:
            self.say(message)

    def error(self, kind: str, message: str, **fields) -> None:
        self.event(kind, message, level="error", **fields)

    def warning(self, kind: str, message: str, **fields) -> None:
        self.event(kind, message, level="warning", **fields)

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
