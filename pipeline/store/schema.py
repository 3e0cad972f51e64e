"""The store's tables (SQLAlchemy 2 Core), the same on SQLite and PostgreSQL.

A record is kept as its contract JSON document (``pipeline.records`` is the only place that
spells its shape) beside the few columns the store queries: who it belongs to, the model
version that produced it, the partnership it was merged into. Documents are canonical JSON
text (sorted keys) so that two stores holding the same facts dump byte-identically, whatever
the engine. Timestamps are timezone-aware UTC.

Every change here comes with an Alembic revision in ``pipeline/store/migrations/versions/``
(how to write one: that package's docstring); a test checks that a migrated store and this
``metadata`` agree.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()

Timestamp = sa.DateTime(timezone=True)


def canonical_json(value: Any) -> str:
    """The one JSON spelling of a value, so equal facts are equal bytes."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives timestamps back without their zone; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# Configured sources as last crawled (their TOML entry as JSON).
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("config", sa.Text, nullable=False),
)

# The crawler's memory: per fetched URL, the server's validators and what the body held.
pages = sa.Table(
    "pages",
    metadata,
    sa.Column("url", sa.String(2000), primary_key=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("etag", sa.String(500)),
    sa.Column("last_modified", sa.String(100)),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("text_hash", sa.String(64), index=True),
    sa.Column("fetched_at", sa.String(32), nullable=False),
)

# The raw archive: every distinct body once (gzip), by sha256 ...
bodies = sa.Table(
    "bodies",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("gzip", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
)

# ... and every fetch that returned it (the archive's index).
fetches = sa.Table(
    "fetches",
    metadata,
    sa.Column("sha256", sa.String(64), sa.ForeignKey("bodies.sha256"), primary_key=True),
    sa.Column("url", sa.String(2000), primary_key=True),
    sa.Column("fetched_at", sa.String(32), primary_key=True),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("headers", sa.Text, nullable=False),
)

# Parsed articles (the contract's Article), the input of extraction and re-extraction.
articles = sa.Table(
    "articles",
    metadata,
    sa.Column("url", sa.String(2000), primary_key=True),
    sa.Column("source", sa.String(100), index=True),
    sa.Column("published", sa.String(10)),
    sa.Column("text_hash", sa.String(64), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    # Version of the model whose records are stored; NULL while extraction is owed.
    sa.Column("extracted_with", sa.String(200)),
    sa.Column("extraction_error", sa.Text),
)

# Extracted records, one per agreement an article reports.
records = sa.Table(
    "records",
    metadata,
    sa.Column("article_url", sa.String(2000), sa.ForeignKey("articles.url", ondelete="CASCADE"), primary_key=True),
    sa.Column("ordinal", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("record_id", sa.String(40), nullable=False, index=True),
    sa.Column("countries", sa.String(200), nullable=False, index=True),
    sa.Column("model_version", sa.String(200), nullable=False),
    sa.Column("partnership_id", sa.String(40), index=True),
    sa.Column("document", sa.Text, nullable=False),
)

# Canonical partnerships: the records of every article describing one agreement.
partnerships = sa.Table(
    "partnerships",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("countries", sa.String(200), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    # Field name -> the differing values, each with the articles that give it.
    sa.Column("conflicts", sa.Text, nullable=False),
    # The merged record (contract shape), before review decisions.
    sa.Column("document", sa.Text, nullable=False),
)

# Review decisions with their history: the latest per (partnership, field) is in force.
review_decisions = sa.Table(
    "review_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partnership_id", sa.String(40), nullable=False, index=True),
    # A record field, or "status" (value: accepted / rejected).
    sa.Column("field", sa.String(40), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("reviewer", sa.String(200), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("decided_at", Timestamp, nullable=False),
)

# Analysts' grouping decisions (revision 0002), by article within a signatory-country
# group: "split" keeps the records of ``article_url`` apart from those of ``other_url``,
# "merge" puts them together. Records are named by article, not by ordinal or record id,
# because re-extraction may renumber them or change their id (a corrected year). The latest
# decision on a pair of articles is in force; ``decision_id`` is its row in the history.
# "move" (a merge across groups, after an analyst corrected a country) takes the records of
# ``article_url`` extracted in the group ``other_url`` (a countries key, not a URL) into the
# group ``countries``.
partnership_overrides = sa.Table(
    "partnership_overrides",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("countries", sa.String(200), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("article_url", sa.String(2000), nullable=False),
    sa.Column("other_url", sa.String(2000), nullable=False),
    sa.Column("decision_id", sa.Integer, sa.ForeignKey("review_decisions.id"), nullable=False),
)

# The partnership as the analysts' decisions leave it (revision 0004): derived from
# ``partnerships`` and ``review_decisions`` by ``pipeline.store.reviewed.refresh`` in the
# transaction of every decision and rebuild, so that every view, filter, sort, count and API
# answer reads the reviewed values. Only short columns, so that a scan of the whole queue
# reads a few hundred pages; the record itself and its search text are in
# ``reviewed_documents``.
reviewed_partnerships = sa.Table(
    "reviewed_partnerships",
    metadata,
    sa.Column("id", sa.String(40), sa.ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),  # partnerships.status, set in the same statement batch
    sa.Column("signed_on", sa.String(10), index=True),
    # Signatory countries, bounded by "|" so that a code is matched whole: "|BJ|FR|".
    sa.Column("countries", sa.String(200), nullable=False),
    # Sort key: the partner countries' French names, folded (a France-only record: "france").
    sa.Column("partner_names", sa.String(500), nullable=False),
    sa.Column("agreement_type", sa.String(40), nullable=False),
    sa.Column("themes", sa.String(1000), nullable=False),  # "|energy|youth|"
    sa.Column("sources", sa.String(1000), nullable=False),  # sources of its articles, lower case: "|lianes|"
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("open_conflicts", sa.String(500), nullable=False),  # fields the articles disagree on, not yet decided
    sa.Column("updated_at", Timestamp, nullable=False, index=True),  # last decision or rebuild
)

# The reviewed record (contract shape) and the folded text the queue's search reads: the
# values, their French labels and the articles' titles and texts (``reviewed.search_fold``).
reviewed_documents = sa.Table(
    "reviewed_documents",
    metadata,
    sa.Column("id", sa.String(40), sa.ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),
)

# Every run of the scheduled job.
runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", Timestamp, nullable=False),
    sa.Column("finished_at", Timestamp),
    # running, done, failed (some inputs failed), interrupted (found running by a later run)
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("model_version", sa.String(200), nullable=False),
    sa.Column("counts", sa.Text, nullable=False),
    sa.Column("failures", sa.Text, nullable=False),
)

# Leases: one row per lock name; a holder owns it until it releases it or the lease expires.
locks = sa.Table(
    "locks",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False),
    sa.Column("host", sa.String(200), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False),
)
