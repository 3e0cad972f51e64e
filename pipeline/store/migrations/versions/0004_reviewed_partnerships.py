"""reviewed_partnerships and reviewed_documents: each partnership with the analysts'
decisions in force, the columns the review page and the API filter, sort and count by, and
the reviewed record with its search text.

A derived table: its rows are made by ``pipeline.store.reviewed`` (``refresh`` in the
transaction of every decision and rebuild; ``fill_missing`` when a store is opened), not
here, so this revision stays what it was whatever that code becomes. An upgraded store gets
its rows the first time ``Store`` opens it.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviewed_partnerships",
        sa.Column("id", sa.String(40), sa.ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("signed_on", sa.String(10)),
        sa.Column("countries", sa.String(200), nullable=False),
        sa.Column("partner_names", sa.String(500), nullable=False),
        sa.Column("agreement_type", sa.String(40), nullable=False),
        sa.Column("themes", sa.String(1000), nullable=False),
        sa.Column("sources", sa.String(1000), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("open_conflicts", sa.String(500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reviewed_partnerships_signed_on", "reviewed_partnerships", ["signed_on"])
    op.create_index("ix_reviewed_partnerships_updated_at", "reviewed_partnerships", ["updated_at"])
    op.create_table(
        "reviewed_documents",
        sa.Column("id", sa.String(40), sa.ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reviewed_documents")
    op.drop_table("reviewed_partnerships")
