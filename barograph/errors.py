"""Errors meant to be read by a person: one line, naming the file (and line) and the problem."""

from __future__ import annotations


class BarographError(Exception):
    """Base of every error barograph reports to a user instead of a traceback."""


class BadInput(BarographError):
    """An input (file, record, line) that cannot be read; the run goes on without it.

    `unread`: the input was never read (a path that does not exist); reported, but not a row
    of the store's `rejects` table, which is for inputs that were read and refused."""

    def __init__(self, where: str, problem: str, line: int | None = None, *, unread: bool = False):
        self.where, self.problem, self.line, self.unread = where, problem, line, unread
        loc = f"{where}:{line}" if line is not None else where
        super().__init__(f"{loc}: {problem}")


class StoreError(BarographError):
    """The database cannot be opened or written (read-only, full disk, newer schema)."""
