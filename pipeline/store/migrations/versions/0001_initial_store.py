"""The store as the first nightly runs created it: sources, crawl memory and raw archive,
articles, records, partnerships, review decisions, runs and locks.

Written out table by table (not built from ``pipeline.store.schema``) so that it stays what
it was whatever the schema becomes; later changes are later revisions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("config", sa.Text, nullable=False),
    )
    op.create_table(
        "pages",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("text_hash", sa.String(64)),
        sa.Column("fetched_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_pages_text_hash", "pages", ["text_hash"])
    op.create_table(
        "bodies",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("gzip", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
    )
    op.create_table(
        "fetches",
        sa.Column("sha256", sa.String(64), sa.ForeignKey("bodies.sha256"), primary_key=True),
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("fetched_at", sa.String(32), primary_key=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("source", sa.String(100)),
        sa.Column("published", sa.String(10)),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("extracted_with", sa.String(200)),
        sa.Column("extraction_error", sa.Text),
    )
    op.create_index("ix_articles_source", "articles", ["source"])
    op.create_table(
        "records",
        sa.Column("article_url", sa.String(2000), sa.ForeignKey("articles.url", ondelete="CASCADE"), primary_key=True),
        sa.Column("ordinal", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("record_id", sa.String(40), nullable=False),
        sa.Column("countries", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(200), nullable=False),
        sa.Column("partnership_id", sa.String(40)),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_index("ix_records_record_id", "records", ["record_id"])
    op.create_index("ix_records_countries", "records", ["countries"])
    op.create_index("ix_records_partnership_id", "records", ["partnership_id"])
    op.create_table(
        "partnerships",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("countries", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("conflicts", sa.Text, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_index("ix_partnerships_countries", "partnerships", ["countries"])
    op.create_index("ix_partnerships_status", "partnerships", ["status"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("partnership_id", sa.String(40), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("decided_at", Timestamp, nullable=False),
    )
    op.create_index("ix_review_decisions_partnership_id", "review_decisions", ["partnership_id"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("finished_at", Timestamp),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("model_version", sa.String(200), nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("failures", sa.Text, nullable=False),
    )
    op.create_table(
        "locks",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=False),
    )


def downgrade() -> None:
    for table in ("locks", "runs", "review_decisions", "partnerships", "records", "articles", "fetches", "bodies", "pages", "sources"):
        op.drop_table(table)
