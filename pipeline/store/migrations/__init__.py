"""The store's schema migrations: Alembic revisions shipped in the package (``versions/``).

``migrate(engine)`` brings a store to the latest revision. A store already there is only
read, so a read-only SQLite file still serves the commands that read. Otherwise the upgrade
is serialised, so that commands started at the same moment on a new store never create
tables side by side: on PostgreSQL under a transaction-level advisory lock, on SQLite in a
``BEGIN IMMEDIATE`` transaction (the database's write lock, waited for under the busy
timeout). Whoever comes second finds the store up to date. The whole upgrade is that one
transaction (both engines have transactional DDL), so a killed migration changes nothing.

Each revision is written out as it was (never built from today's ``schema.py``), so an old
store upgraded and a new store created end up the same; ``tests/test_store_migrations.py``
checks that a migrated store equals ``schema.metadata`` on both engines.

Adding a migration: change ``pipeline/store/schema.py``, then run
``python -m pipeline.store.migrations revision --autogenerate -m "what changes"`` (Alembic's
command line, against a scratch SQLite store brought to the latest revision, or ``--db URL``),
read the new ``versions/NNNN_what_changes.py`` and keep what is right.

Stores made by the former hand-written runner (a ``schema_migrations`` table, versions 1 and
2) are stamped at the revision of their last version and then upgraded; revision 0003 drops
that table. A store at a revision this program does not know (written by a newer version)
is refused rather than written to.
"""

from __future__ import annotations

import logging
from importlib.resources import files
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from pipeline.store.engine import serialise
from pipeline.store.errors import StoreTooNew

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the store's migrations (any constant the store owns: "part").
ADVISORY_LOCK_KEY = 0x70617274
# The hand-written runner's table of applied versions, read once to adopt its stores.
LEGACY_VERSION_TABLE = "schema_migrations"


def migrations_dir() -> Path:
    return Path(str(files("pipeline.store.migrations")))


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Alembic's configuration without an ini file; ``env.py`` runs on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts shipped"
    return head


def current_revision(connection: sa.Connection) -> str | None:
    """The store's revision, None for an empty database (reads only)."""
    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: sa.Engine) -> list[str]:
    """Bring the store to the latest revision; returns the revisions applied, oldest first."""
    head = head_revision()
    with engine.connect() as connection:
        if current_revision(connection) == head:
            return []
    with engine.begin() as connection:
        serialise(connection, ADVISORY_LOCK_KEY)  # the store's migration lock, until this transaction ends
        current = current_revision(connection) or _adopt_legacy(connection)
        script = ScriptDirectory.from_config(alembic_config())
        if current is not None and current not in {s.revision for s in script.walk_revisions()}:
            reason = f"its schema revision {current} is newer than this program's {head}: upgrade partnerships"
            raise StoreTooNew(engine.url.render_as_string(hide_password=False), reason)
        pending = [s.revision for s in script.iterate_revisions(head, current or "base")][::-1]
        if pending:
            command.upgrade(alembic_config(connection), "head")
            log.info("store schema upgraded to revision %s (applied %s)", head, ", ".join(pending))
        return pending


def _adopt_legacy(connection: sa.Connection) -> str | None:
    """A store of the hand-written runner: stamp the revision of its last version."""
    if not sa.inspect(connection).has_table(LEGACY_VERSION_TABLE):
        return None
    version = connection.exec_driver_sql(f"SELECT max(version) FROM {LEGACY_VERSION_TABLE}").scalar()
    if not version:
        return None
    revision = f"{int(version):04d}"
    command.stamp(alembic_config(connection), revision)
    log.info("store of the former migration runner at version %s: stamped as revision %s", version, revision)
    return revision
