"""Drop ``schema_migrations``, the hand-written runner's version table: Alembic keeps the
store's revision in ``alembic_version`` now.

Only stores adopted from that runner have the table (``migrate`` stamps them at the revision
matching their last version before upgrading).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("schema_migrations"):
        op.drop_table("schema_migrations")


def downgrade() -> None:
    op.create_table(
        "schema_migrations",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )
