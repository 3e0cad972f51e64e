"""Stopping ``partnerships run`` with SIGINT or SIGTERM, never in the middle of a database call.

Python runs a signal handler in the main thread between two bytecodes, wherever that thread
is. Blocking the signals in the main thread (``pthread_sigmask``) does not keep the handler
out: the process has other threads (numpy's OpenBLAS starts workers when it is imported,
and they block nothing), the kernel hands the signal to one of them, and Python's C handler
flags it for the main thread all the same. An exception raised by the handler inside
SQLAlchemy or psycopg can end a transaction half way, or leave a pooled connection inside a
transaction that the next checkout's ping refuses ("can't change 'autocommit' now").

So the run's handler (``stop_on_signals``) raises ``Stopped`` at once only outside the
``uninterrupted()`` blocks; inside one, it notes the signal and the block raises ``Stopped``
when it ends, its transaction committed or rolled back. The store wraps every use of a
connection in such a block (``pipeline.store.engine.transaction`` and ``reading``). Other
handlers (a web server's) are not affected: the blocks only set a flag that this handler reads.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM asked ``run`` to stop. A KeyboardInterrupt, so that nothing meant for
    ordinary errors catches it, asyncio stops the crawl as it does on Ctrl-C, and the run is
    recorded as interrupted (``pipeline.store.ingest.run_ingestion``)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Deferral(threading.local):
    """Per thread (handlers only ever run in the main one): how deep in ``uninterrupted()``
    blocks it is, and the signal that came meanwhile."""

    depth = 0
    pending: int | None = None


_deferral = _Deferral()


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A stop asked by a signal while this block runs is raised when it ends."""
    _deferral.depth += 1
    try:
        yield
    finally:
        _deferral.depth -= 1
        if _deferral.depth == 0 and _deferral.pending is not None:
            signum, _deferral.pending = _deferral.pending, None
            raise Stopped(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise ``Stopped`` once, outside ``uninterrupted()`` blocks; while
    the run records its interruption and releases its lock, further ones are ignored (kill -9
    still ends it: the next run finds the run unfinished and marks it interrupted)."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        if _deferral.depth:
            _deferral.pending = signum
        else:
            raise Stopped(signum)

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
