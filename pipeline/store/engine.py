"""From a store URL to a SQLAlchemy engine, or to one line saying what is wrong with it.

``sqlite:///FILE`` (the default, ``partnerships.db`` in the working directory) is opened in
WAL mode (readers never block the writer; a process killed mid-write leaves the last
committed state) with a busy timeout; a file on a read-only file system is opened
``immutable`` so that the commands that only read still serve it. ``postgresql://`` URLs go
through psycopg 3 with a connect timeout, so an address that accepts connections but never
answers costs seconds, not minutes.

The store uses a connection only inside ``transaction`` or ``reading``: a run stopped by a
signal stops after the call, never inside it (``pipeline.store.interruption``).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.store.errors import StoreUnavailable
from pipeline.store.interruption import uninterrupted

DEFAULT_DATABASE_URL = "sqlite:///partnerships.db"
DEFAULT_CONNECT_TIMEOUT = 10.0
SQLITE_BUSY_SECONDS = 60
EXPECTED = "expected sqlite:///FILE or postgresql://USER@HOST/DATABASE"
_POSTGRESQL = ("postgresql", "postgres", "postgresql+psycopg")
_SQLITE = ("sqlite", "sqlite+pysqlite")


def default_database_url() -> str:
    return os.environ.get("PARTNERSHIPS_DB") or DEFAULT_DATABASE_URL


def database_url(given: str | None) -> str:
    """``--db`` as given, else the default; an empty ``--db ""`` is refused, not defaulted."""
    if given is None:
        return default_database_url()
    if not given.strip():
        raise StoreUnavailable(given, f"--db is empty ({EXPECTED})")
    return given


def create_store_engine(url: str, *, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> sa.Engine:
    """The engine of a store URL (nothing is connected yet); ``StoreUnavailable`` when the
    URL cannot name a store."""
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        hint = f"; for a file, write sqlite:///{url}" if "://" not in url else ""
        raise StoreUnavailable(url, f"not a database URL ({EXPECTED}){hint}") from None
    if parsed.drivername in _POSTGRESQL:
        # psycopg counts whole seconds (and, like libpq, at least 2).
        timeout = {"connect_timeout": max(1, math.ceil(connect_timeout))}
        return sa.create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True, connect_args=timeout)
    if parsed.drivername not in _SQLITE:
        raise StoreUnavailable(url, f"unsupported database {parsed.drivername!r} ({EXPECTED})")
    immutable = False
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        path = Path(parsed.database)
        if path.is_dir():
            raise StoreUnavailable(url, f"{path} is a directory, not a database file")
        if not path.parent.is_dir():
            raise StoreUnavailable(url, f"directory {path.parent} does not exist")
        if path.exists() and os.statvfs(path).f_flag & os.ST_RDONLY:
            # Nobody can write it: read it as it is, without the WAL index SQLite cannot create.
            parsed = parsed.set(database=f"file:{path}", query={"immutable": "1", "uri": "true"})
            immutable = True
    engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    sa.event.listen(engine, "connect", _sqlite_pragmas(immutable))
    return engine


@contextlib.contextmanager
def transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """``engine.begin()``: committed at the end of the block, rolled back on an error, and
    not interrupted by a stopping signal."""
    with uninterrupted(), engine.begin() as connection:
        yield connection


@contextlib.contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """``engine.connect()`` for reads, not interrupted by a stopping signal."""
    with uninterrupted(), engine.connect() as connection:
        yield connection


def serialise(connection: sa.Connection, key: int) -> None:
    """Hold the store-wide lock ``key`` until this transaction ends: a PostgreSQL
    transaction-level advisory lock; on SQLite, the database's write lock (``BEGIN
    IMMEDIATE``, waited for under the busy timeout), so before this transaction's first write."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    elif connection.dialect.name == "sqlite":
        # pysqlite begins a transaction only at the first write: begin one that takes the
        # write lock now, so that what is read next is what the transaction writes over.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(immutable: bool) -> Any:
    def set_pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        if not immutable:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process; WAL keeps it consistent
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    return set_pragmas


def unavailable(url: str, error: sa.exc.DBAPIError, connect_timeout: float | None = None) -> StoreUnavailable:
    """The database driver's refusal as one line: its first line, made plainer for SQLite
    files (which file, which directory, read-only) and for a server that never answered."""
    message = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
    if connect_timeout is not None and "timeout expired" in message:
        message = f"no answer within {max(1, math.ceil(connect_timeout))} s (--connect-timeout)"
    parsed = sa.engine.make_url(url)
    if parsed.drivername in _SQLITE and parsed.database:
        path = Path(parsed.database)
        if "readonly database" in message or "unable to open database file" in message:
            if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
                message = f"{path} is on a read-only file system (this command writes to the store)"
            elif not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
                message = f"{path} or its directory is not writable (this command writes to the store)"
        elif "file is not a database" in message:
            message = f"{path} is not an SQLite database"
    return StoreUnavailable(url, message.removeprefix("connection failed: "))
