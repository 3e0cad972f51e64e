"""partnership_overrides: the analysts' split and merge decisions.

A store adopted from the hand-written runner (``pipeline.store.migrations``) at its version 1
may already have the table: that runner's first step created every table of the schema of
its day, so only a store made before this table existed lacks it.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("partnership_overrides"):
        return
    op.create_table(
        "partnership_overrides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("countries", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("article_url", sa.String(2000), nullable=False),
        sa.Column("other_url", sa.String(2000), nullable=False),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("review_decisions.id"), nullable=False),
    )
    op.create_index("ix_partnership_overrides_countries", "partnership_overrides", ["countries"])


def downgrade() -> None:
    op.drop_table("partnership_overrides")
