"""Alembic's environment for the store: runs on the connection ``migrate`` opened (inside
its serialising transaction) against ``pipeline.store.schema.metadata``.

There is no alembic.ini: ``pipeline.store.migrations.alembic_config`` builds the
configuration, and ``python -m pipeline.store.migrations`` is the ``alembic`` command.
"""

from __future__ import annotations

from alembic import context

from pipeline.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite alters a table by copying it: autogenerate writes batch operations, which
    # PostgreSQL runs as plain ALTERs.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
