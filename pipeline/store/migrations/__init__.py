"""A small versioned-migration runner (chosen over Alembic to keep the store one dependency).

Each migration is a numbered step applied once, in order, inside one transaction, and noted in
``schema_migrations``. Step 1 creates the tables of ``pipeline.store.schema`` as they are in
schema version 1; any later change to ``schema.py`` must come with a new step here that
alters existing stores (explicit DDL through ``connection.execute``), so an old store is
brought up to date by running ``migrate`` and a new one gets the same result.
A store newer than this code is refused rather than written to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from pipeline.store import schema

Migration = tuple[int, str, Callable[[sa.Connection], None]]


def _create_version_1(connection: sa.Connection) -> None:
    tables = [t for t in schema.metadata.sorted_tables if t is not schema.schema_migrations]
    schema.metadata.create_all(connection, tables=tables)


def _create_partnership_overrides(connection: sa.Connection) -> None:
    # Step 1 creates every table of today's ``schema``: a store created by this code already
    # has it, a store of version 1 does not.
    schema.partnership_overrides.create(connection, checkfirst=True)


MIGRATIONS: list[Migration] = [
    (1, "sources, pages, archive, articles, records, partnerships, reviews, runs, locks", _create_version_1),
    (2, "partnership_overrides: analysts' split and merge decisions", _create_partnership_overrides),
]
LATEST_VERSION = MIGRATIONS[-1][0]


class StoreTooNew(RuntimeError):
    """The store was migrated by a newer version of this program."""


def current_version(connection: sa.Connection) -> int:
    if not sa.inspect(connection).has_table(schema.schema_migrations.name):
        return 0
    return connection.execute(sa.select(sa.func.max(schema.schema_migrations.c.version))).scalar() or 0


def migrate(engine: sa.Engine) -> list[int]:
    """Apply the missing migrations; returns the versions applied."""
    applied: list[int] = []
    with engine.begin() as connection:
        schema.schema_migrations.create(connection, checkfirst=True)
    for version, name, step in MIGRATIONS:
        with engine.begin() as connection:
            found = current_version(connection)
            if found > LATEST_VERSION:
                raise StoreTooNew(f"store schema version {found} is newer than this program's {LATEST_VERSION}")
            if found >= version:
                continue
            step(connection)
            connection.execute(
                sa.insert(schema.schema_migrations).values(version=version, name=name, applied_at=dt.datetime.now(dt.UTC))
            )
            applied.append(version)
    return applied
