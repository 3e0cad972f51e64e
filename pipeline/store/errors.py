"""What the store raises when it cannot serve a command, each a one-line message::

    StoreError
    ├── StoreUnavailable    the store cannot be opened: its URL (password masked) and why
    │   └── StoreTooNew     its schema was written by a newer version of this program
    └── LockHeld            another run holds the store's lock (who, where, until when)

The command line prints the message and exits 2 (``StoreUnavailable``) or 75 (``LockHeld``,
EX_TEMPFAIL: try again later). An analyst's edit that lost a race is ``EditConflict``
(``pipeline.store.repository``), a message for the review page rather than for a scheduler.
"""

from __future__ import annotations

import re

import sqlalchemy as sa


class StoreError(Exception):
    """A store problem explained in one line."""


class StoreUnavailable(StoreError):
    def __init__(self, url: str, reason: str) -> None:
        self.url = masked_url(url)
        self.reason = reason
        super().__init__(f"cannot open the store {self.url}: {reason}" if url.strip() else f"cannot open the store: {reason}")


class StoreTooNew(StoreUnavailable):
    """The store was migrated by a newer version of this program."""


class LockHeld(StoreError):
    """Another run holds the store's lock."""


def masked_url(url: str) -> str:
    """The URL with its password replaced by ``***``, even when it does not parse."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
