"""Opening a store: where the file lives, and bringing its schema up to date."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from barograph.errors import StoreError
from barograph.store.schema import LATEST, MIGRATIONS


def default_db_path() -> Path:
    """The user's data directory, unless BAROGRAPH_DB says otherwise."""
    from barograph import settings

    env = settings.get("BAROGRAPH_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    return Path(user_data_dir("barograph")) / "barograph.duckdb"


def bound_memory(con) -> None:
    """Cap DuckDB's buffers (BAROGRAPH_DB_MEMORY, default 256MB) so a long ingest stays flat."""
    from barograph import settings

    con.execute(f"SET memory_limit = '{settings.get('BAROGRAPH_DB_MEMORY')}'")
    con.execute("SET preserve_insertion_order = false")


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Connect and migrate; errors name the file and say what is wrong with it."""
    p = Path(path) if path else default_db_path()
    if read_only and not p.exists():
        raise StoreError(f"{p}: no such database (run `barograph ingest` or `barograph import` first)")
    if not read_only:
        p.parent.mkdir(parents=True, exist_ok=True)
    # A reader such as `barograph serve` holds the file for moments at a time: wait a little
    # for its lock (BAROGRAPH_LOCK_WAIT seconds) instead of failing at once.
    import time

    from barograph import settings

    deadline = time.monotonic() + settings.get("BAROGRAPH_LOCK_WAIT")
    waiting = False
    try:
        while True:
            try:
                con = duckdb.connect(str(p), read_only=read_only)
                break
            except duckdb.IOException as e:
                msg = str(e).splitlines()[0]
                if "lock" in msg.lower() and time.monotonic() < deadline:
                    if not read_only:
                        waiting = _want_write(p)  # ask a serving reader to step aside (web/reader.py)
                    time.sleep(0.05)
                    continue
                raise StoreError(f"{p}: cannot open the database ({msg})") from None
            except duckdb.Error as e:
                raise StoreError(f"{p}: not a barograph database ({str(e).splitlines()[0]})") from None
    finally:
        if waiting:
            try:
                writer_signal(p).unlink()
            except OSError:
                pass
    migrate(con, p, read_only)
    return con


def writer_signal(path: Path) -> Path:
    """The file a writer waiting for the lock touches: `barograph serve` keeps a shared read-only
    handle open under steady traffic and closes it for a moment when this file is fresh."""
    return path.with_name(path.name + ".want-write")


def _want_write(p: Path) -> bool:
    try:
        writer_signal(p).touch()
        return True
    except OSError:  # a read-only folder: the reader's periodic step-aside still lets us in
        return False


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'").fetchall()[0][0]
    if not has:
        return 0
    v = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    return int(v or 0)


def migrate(con: duckdb.DuckDBPyConnection, where: Path, read_only: bool = False) -> int:
    """Apply the missing migrations, each in its own transaction."""
    current = schema_version(con)
    if current > LATEST:
        raise StoreError(f"{where}: written by a newer barograph (schema {current}, this one knows {LATEST}); upgrade barograph")
    if current == LATEST:
        return current
    if read_only:
        raise StoreError(f"{where}: schema {current} is older than {LATEST}; open it once read-write to upgrade")
    for version in range(current + 1, LATEST + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            if version == 1:
                con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
            con.execute(MIGRATIONS[version - 1])
            con.execute("INSERT INTO schema_version VALUES (?, current_timestamp)", [version])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return LATEST


class Store:
    """A barograph database: the one object the CLI, the API and the web app share.

    Writers and readers are added by their stages' modules (`barograph.store.writer`,
    `barograph.store.query`); this class only owns the connection.
    """

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_db_path()
        self.read_only = read_only
        self.con = connect(self.path, read_only=read_only)

    def events(self, **filters):
        """Filtered events as a DataFrame; see `barograph.store.query.events` for the filters."""
        from barograph.store.query import events

        return events(self, **filters)

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: any exception (Ctrl-C included) rolls back before it travels on.

        DuckDB write failures (read-only file, full disk) become one StoreError line naming
        the file; what was committed before stays as it was.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; cannot write")
        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
        except duckdb.Error as e:
            raise StoreError(f"{self.path}: cannot write ({_first_line(e)})") from None
        try:
            yield con
            con.execute("COMMIT")
        except BaseException as e:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # the failed statement may already have ended the transaction
            if isinstance(e, duckdb.Error) and "KeyboardInterrupt" in str(e):
                # Ctrl-C while DuckDB was calling back into Python (reading an Arrow table)
                raise KeyboardInterrupt from None
            if isinstance(e, duckdb.Error) and not isinstance(e, duckdb.InterruptException):
                raise StoreError(f"{self.path}: cannot write ({_first_line(e)})") from None
            raise

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]
