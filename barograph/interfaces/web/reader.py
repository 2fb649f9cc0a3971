"""How the server reads a database another process may be writing.

DuckDB lets one process hold a file read-write, or any number hold it read-only, never
both. The server therefore keeps no permanent handle: requests share one read-only
connection (a cursor each) that is closed as soon as the server falls idle, leaving the file
free for `barograph ingest`. While a writer holds the file, opening is retried briefly and
then the request gets 503 with Retry-After. A read-only handle only ever sees committed
transactions, and the writer commits a document's articles, sentences and events together,
so no response can show half an article.

An upload ingested by the server itself goes through `writing()`: the server swaps its reader
for a read-write handle of the same in-process database instance, which the pipeline's writer
joins, and requests keep reading through cursors of it (see `writing`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb

from barograph.errors import StoreError
from barograph.store.db import migrate, writer_signal


class Busy(StoreError):
    """The database is held by a writer for longer than a request may wait."""


class ReadStore:
    """What library functions expecting a `Store` need: `.con`, `.path`, `.read_only`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path):
        self.con = con
        self.path = path
        self.read_only = True

    def close(self) -> None:
        self.con.close()


class Gate:
    """At most `n` reads at once; the others wait their turn (`BAROGRAPH_SERVE_READERS`).

    Why: requests that each cost DuckDB many milliseconds do not finish sooner sixteen at a time
    on two cores than two at a time: all running, each cost a third more CPU (threads
    contending) and every one waited for all the others (bench/serve.py before facts were
    remembered: 16.6 against 11.2 ms of server CPU per uncached events page). Off by default:
    once requests were cheap it no longer changed latency beyond the noise (docs/web.md). A
    thread that already holds the gate passes (a cached view opening its own read inside a
    page's read)."""

    def __init__(self, n: int):
        self.n = max(1, int(n))
        self._sem = threading.Semaphore(self.n)
        self._local = threading.local()

    def __enter__(self) -> Gate:
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            self._sem.acquire()
        self._local.depth = depth + 1
        return self

    def __exit__(self, *exc) -> None:
        self._local.depth -= 1
        if self._local.depth == 0:
            self._sem.release()


class Reader:
    """Shared, lazily opened, idle-closed read-only connection with writer-aware retry.

    `readers`: reads let in at once (`Gate`; None: no limit); `threads`: DuckDB threads of the
    read-only connection (None: DuckDB's default, every core)."""

    def __init__(
        self,
        path: str | Path,
        *,
        wait: float = 3.0,
        linger: float = 0.25,
        hold: float = 60.0,
        gap: float = 0.1,
        threads: int | None = None,
        readers: int | None = None,
    ):
        self.path = Path(path)
        self.wait = wait  # seconds a request waits for a writer before 503
        self.linger = linger  # seconds an idle connection stays open (saves re-opening under load)
        # Under steady traffic the file would never be free. A barograph writer waiting for the
        # lock touches `store.db.writer_signal(path)`; when that file is fresh the readers drain
        # and the file stays closed for `gap` seconds, enough for the writer's retry (every
        # 50 ms) to take it. Other programs do not signal: for them the readers also step aside
        # every `hold` seconds. (Stepping aside every 5 s whether or not anyone waited cost
        # every request in flight a reopen and a cold buffer cache: bench/serve.py, web.md.)
        self.hold = hold
        self.gap = gap
        self.signal = writer_signal(self.path)
        self._signal_checked = 0.0
        self._opened_at = 0.0
        self._draining = False
        self._reopen_after = 0.0
        self.threads = threads
        self.gate = Gate(readers) if readers else None
        self._lock = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._idle_since = 0.0
        self._writing = False  # an in-process upload holds the file read-write
        self._rw = False  # the shared connection is that read-write one
        self._closer: threading.Timer | None = None
        self.generation = 0  # in-process uploads begun or ended (keys of `cache.ResultCache`)

    @property
    def writing_now(self) -> bool:
        """An in-process upload is writing: what a read returns may change from one to the next."""
        return self._writing

    # -- opening -------------------------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        if not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run `barograph ingest` or `barograph import` first)")
        cfg: dict[str, str | bool | int | float | list[str]] = {"threads": self.threads} if self.threads else {}
        con = duckdb.connect(str(self.path), read_only=True, config=cfg)
        try:
            migrate(con, self.path, read_only=True)
        except Exception:
            con.close()
            raise
        return con

    @contextmanager
    def store(self) -> Iterator[ReadStore]:
        """A read-only view for one request (in turn, see `Gate`); raises `Busy` if a writer
        keeps the file too long."""
        with self.gate or nullcontext(), self._store() as store:
            yield store

    @contextmanager
    def _store(self) -> Iterator[ReadStore]:
        deadline = time.monotonic() + self.wait
        delay = 0.01
        with self._lock:
            while True:
                now = time.monotonic()
                if self._con is not None and not self._rw and not self._draining and (now - self._opened_at > self.hold or self._writer_waits(now)):
                    self._draining = True  # give a waiting writer its turn (see `hold`)
                if self._draining:
                    if self._users == 0:
                        self._close_now()
                        self._draining = False
                        self._reopen_after = now + self.gap
                    else:
                        self._wait_or_busy(deadline, 0.01, "readers are making way for a writer")
                        continue
                if self._con is None:
                    if now < self._reopen_after:
                        self._lock.wait(self._reopen_after - now)
                        continue
                    try:
                        self._con = self._open()
                        self._opened_at = time.monotonic()
                    except (duckdb.IOException, duckdb.ConnectionException) as e:
                        # another process holds the file read-write: wait a little, then give up
                        self._wait_or_busy(deadline, delay, f"a writer holds the database ({str(e).splitlines()[0][:120]})")
                        delay = min(delay * 2, 0.2)
                        continue
                break
            self._users += 1
            cur = self._con.cursor()
        try:
            yield ReadStore(cur, self.path)
        finally:
            try:
                cur.close()
            finally:
                with self._lock:
                    self._users -= 1
                    if self._users == 0:
                        self._idle_since = time.monotonic()
                        self._schedule_close()
                    self._lock.notify_all()

    def _writer_waits(self, now: float) -> bool:
        """A barograph writer touched the signal file within the last second (checked at most
        every 20 ms: one stat, not one per request under load)."""
        if now - self._signal_checked < 0.02:
            return False
        self._signal_checked = now
        try:
            return time.time() - os.stat(self.signal).st_mtime < 1.0
        except OSError:
            return False

    def _wait_or_busy(self, deadline: float, delay: float, why: str) -> None:
        if time.monotonic() >= deadline:
            raise Busy(f"{self.path}: busy, {why}")
        self._lock.wait(delay)

    # -- closing -------------------------------------------------------------------------
    def _schedule_close(self) -> None:
        if self.linger <= 0:
            self._close_now()
            return
        if self._closer is None:
            self._closer = threading.Timer(self.linger, self._close_if_idle)
            self._closer.daemon = True
            self._closer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            self._closer = None
            if self._users == 0 and self._con is not None and not self._writing:
                idle = time.monotonic() - self._idle_since
                if idle >= self.linger * 0.9:
                    self._close_now()
                else:
                    self._schedule_close()

    def _close_now(self) -> None:
        if self._con is not None and self._users == 0 and not self._writing:
            self._con.close()
            self._con = None
            self._rw = False

    def close(self) -> None:
        with self._lock:
            self._close_now()

    @contextmanager
    def writing(self, timeout: float = 30.0) -> Iterator[None]:
        """Hold the file read-write in this process for an upload; reads go on meanwhile.

        DuckDB shares one database instance between connections of a process opened with the
        same settings, so the pipeline's own `Store(path)` joins this handle and every request
        reads through a cursor of it: transactions give each query a committed snapshot, so
        readers never see half an article while the upload writes.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._writing or (self._users and not self._rw):
                if time.monotonic() >= deadline:
                    raise Busy(f"{self.path}: busy, readers or another upload hold the database")
                self._lock.wait(0.05)
            if not self._rw:
                self._close_now()
                try:
                    self._con = duckdb.connect(str(self.path))  # the settings `Store` uses
                except (duckdb.IOException, duckdb.ConnectionException) as e:
                    raise Busy(f"{self.path}: busy, another process writes it ({str(e).splitlines()[0][:120]})") from None
                self._rw = True
            self._writing = True
            self.generation += 1
        try:
            yield
        finally:
            with self._lock:
                self._writing = False
                self.generation += 1
                if self._users == 0:
                    self._close_now()
                self._lock.notify_all()
