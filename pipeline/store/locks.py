"""Leases on the store (``locks``): one run at a time.

A run takes the ``run`` lease before it writes and renews it as it goes
(``pipeline.store.ingest``). A lease is taken over when it expired, or when its holder was a
process of this host that no longer exists (killed); a holder on another host keeps it until
it expires or ``partnerships unlock`` releases it. Each function works in the caller's
transaction (``Store`` opens it).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

import sqlalchemy as sa

from pipeline.store import schema
from pipeline.store.errors import LockHeld
from pipeline.store.schema import as_utc, utc_now

# The run's lease on the store, renewed as the run goes (pipeline.store.ingest).
RUN_LEASE = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Lock:
    """A lease on the store: which run holds it, from which process, until when."""

    name: str
    holder: str
    host: str
    pid: int
    expires_at: dt.datetime

    def __str__(self) -> str:
        until = self.expires_at.isoformat(timespec="seconds")
        return f"lock {self.name!r} held by run {self.holder} (host {self.host}, pid {self.pid}) until {until}"

    def alive_on_this_host(self) -> bool:
        return self.host == socket.gethostname() and _process_alive(self.pid)

    def gone_from_this_host(self) -> bool:
        return self.host == socket.gethostname() and not _process_alive(self.pid)


def acquire(connection: sa.Connection, name: str, holder: str, lease: dt.timedelta) -> None:
    """Take the named lease for ``holder``, or raise ``LockHeld``."""
    now = utc_now()
    values = {"holder": holder, "host": socket.gethostname(), "pid": os.getpid(), "expires_at": now + lease}
    table = schema.locks
    row = connection.execute(sa.select(table).where(table.c.name == name)).mappings().first()
    if row is None:
        try:
            with connection.begin_nested():
                connection.execute(sa.insert(table).values(name=name, **values))
            return
        except sa.exc.IntegrityError:
            raise _taken_just_now(connection, name) from None
    held = _lock_of(name, row)
    if held.holder != holder and not (held.expires_at < now or held.gone_from_this_host()):
        raise LockHeld(f"{held}; if that run is gone for good (another host), `partnerships unlock` releases it")
    taken = connection.execute(sa.update(table).where(table.c.name == name, table.c.holder == row["holder"]).values(**values))
    if taken.rowcount != 1:
        raise _taken_just_now(connection, name)


def renew(connection: sa.Connection, name: str, holder: str, lease: dt.timedelta) -> None:
    table = schema.locks
    renewed = connection.execute(
        sa.update(table).where(table.c.name == name, table.c.holder == holder).values(expires_at=utc_now() + lease)
    )
    if renewed.rowcount != 1:
        raise LockHeld(f"lock {name!r} is no longer held by {holder}")


def holder_of(connection: sa.Connection, name: str) -> Lock | None:
    """Who holds the named lease, if anyone (expired or not)."""
    table = schema.locks
    row = connection.execute(sa.select(table).where(table.c.name == name)).mappings().first()
    return None if row is None else _lock_of(name, row)


def release(connection: sa.Connection, name: str, holder: str) -> None:
    connection.execute(sa.delete(schema.locks).where(schema.locks.c.name == name, schema.locks.c.holder == holder))


def _taken_just_now(connection: sa.Connection, name: str) -> LockHeld:
    """Another run took the lease between our read and our write: name it when it can be read."""
    try:
        taken = holder_of(connection, name)
    except sa.exc.DBAPIError:
        taken = None
    if taken is None:
        return LockHeld(f"lock {name!r} held by run started at the same moment by another process")
    return LockHeld(f"{taken} (taken at the same moment)")


def _lock_of(name: str, row: sa.RowMapping) -> Lock:
    return Lock(name, row["holder"], row["host"], row["pid"], as_utc(row["expires_at"]))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
