"""What the review page reads from the store, on the store's own tables.

The store (``pipeline.store``) keeps partnerships, their member records and review
decisions; ``Store.partnerships`` loads them all, which suits an export but not a queue of
10,000 partnerships shown 50 at a time. Here the queue's filters, counts and pages are SQL
on the same tables (SQLite and PostgreSQL). Writes are the store's own
(``Store.decide_versioned``, ``split``, ``merge``): each is made only when the record is
still at the version the analyst saw, the id of its latest review decision, 0 before any.

Filters read the merged document (what the articles say); reviewed values are applied on
top of each row shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from pipeline.records import PartnershipRecord
from pipeline.store import schema
from pipeline.store.repository import STATUSES, as_utc

RECORD_FIELDS = frozenset(PartnershipRecord.model_fields)
STATUS_FIELD = "status"
# Other partnerships of the same countries offered for a merge, most recent signature first.
MERGE_CANDIDATES = 100


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, as given in its query string (empty means no filter)."""

    status: str | None = None
    source: str | None = None
    country: str | None = None
    theme: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> QueueFilters:
        return cls(**{f.name: (params.get(f.name) or "").strip() or None for f in fields(cls)})

    def params(self) -> dict[str, str]:
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name))}

    def query_string(self, **changes: str | None) -> str:
        return urlencode(replace(self, **changes).params())


@dataclass(frozen=True)
class QueueRow:
    id: str
    status: str
    document: dict[str, Any]


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int
    status_counts: dict[str, int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Decision:
    id: int
    field: str
    before: Any
    after: Any
    reviewer: str
    note: str | None
    decided_at: dt.datetime


@dataclass(frozen=True)
class Member:
    """A record of one article merged into the partnership."""

    article_url: str
    ordinal: int
    document: dict[str, Any]


@dataclass(frozen=True)
class ReviewedPartnership:
    id: str
    status: str
    countries: str
    merged: dict[str, Any]
    document: dict[str, Any]
    conflicts: dict[str, list[dict[str, Any]]]
    members: list[Member]
    decisions: list[Decision]
    version: int
    updated_at: dt.datetime | None


def _signed_on(dialect: str) -> sa.ColumnElement[Any]:
    document = schema.partnerships.c.document
    if dialect == "postgresql":
        return sa.cast(document, postgresql.JSONB).op("->>")("signed_on")
    return sa.func.json_extract(document, "$.signed_on")


def _conditions(filters: QueueFilters, dialect: str, *, with_status: bool = True) -> list[sa.ColumnElement[bool]]:
    table = schema.partnerships
    conditions: list[sa.ColumnElement[bool]] = []
    if with_status and filters.status:
        conditions.append(table.c.status == filters.status)
    if filters.country:
        bounded = sa.literal("|") + table.c.countries + sa.literal("|")
        conditions.append(bounded.contains(f"|{filters.country.upper()}|", autoescape=True))
    if filters.theme:
        conditions.append(table.c.document.contains(f'"code":{json.dumps(filters.theme)}', autoescape=True))
    if filters.source:
        records, articles = schema.records, schema.articles
        conditions.append(
            sa.exists(
                sa.select(records.c.record_id)
                .join(articles, articles.c.url == records.c.article_url)
                .where(records.c.partnership_id == table.c.id, articles.c.source == filters.source)
            )
        )
    signed_on = _signed_on(dialect)
    # A partial date (2024, 2024-03) is inside a bound when its own precision of the bound says so.
    if filters.date_from:
        conditions.append(signed_on >= sa.func.substr(sa.literal(filters.date_from), 1, sa.func.length(signed_on)))
    if filters.date_to:
        conditions.append(signed_on <= sa.func.substr(sa.literal(filters.date_to), 1, sa.func.length(signed_on)))
    if filters.q:
        text = sa.func.lower(table.c.document)
        conditions.append(sa.or_(text.contains(filters.q.lower(), autoescape=True), table.c.id == filters.q))
    return conditions


def queue_page(
    engine: sa.Engine, filters: QueueFilters, page: int, per_page: int, *, updated_since: dt.datetime | None = None
) -> QueuePage:
    """One page of the queue, newest signature first, and the count per status under the
    other filters."""
    table = schema.partnerships
    dialect = engine.dialect.name
    conditions = _conditions(filters, dialect)
    if updated_since is not None:
        conditions.append(_updated_since_condition(updated_since))
    page = max(1, page)
    with engine.connect() as connection:
        total = int(connection.execute(sa.select(sa.func.count()).select_from(table).where(*conditions)).scalar_one())
        rows = connection.execute(
            sa.select(table.c.id, table.c.status, table.c.document)
            .where(*conditions)
            .order_by(_signed_on(dialect).desc().nulls_last(), table.c.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        counted = dict(
            connection.execute(
                sa.select(table.c.status, sa.func.count())
                .where(*_conditions(filters, dialect, with_status=False))
                .group_by(table.c.status)
            ).all()
        )
        overlays = _reviewed_values(connection, [row.id for row in rows])
    return QueuePage(
        rows=[QueueRow(row.id, row.status, {**json.loads(row.document), **overlays.get(row.id, {})}) for row in rows],
        total=total,
        page=page,
        per_page=per_page,
        status_counts={status: int(counted.get(status, 0)) for status in STATUSES},
    )


def _updated_since_condition(updated_since: dt.datetime) -> sa.ColumnElement[bool]:
    decisions, records, pages = schema.review_decisions, schema.records, schema.pages
    table = schema.partnerships
    since = as_utc(updated_since).astimezone(dt.UTC)
    decided = sa.exists(
        sa.select(decisions.c.id).where(decisions.c.partnership_id == table.c.id, decisions.c.decided_at >= since)
    )
    fetched = sa.exists(
        sa.select(pages.c.url)
        .join(records, records.c.article_url == pages.c.url)
        .where(records.c.partnership_id == table.c.id, pages.c.fetched_at >= since.isoformat(timespec="seconds"))
    )
    return sa.or_(decided, fetched)


def queue_ids(engine: sa.Engine, filters: QueueFilters) -> list[str]:
    """Every id of the filtered queue, in queue order (for next / previous)."""
    table = schema.partnerships
    dialect = engine.dialect.name
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(table.c.id).where(*_conditions(filters, dialect)).order_by(_signed_on(dialect).desc().nulls_last(), table.c.id)
            ).scalars()
        )


def _reviewed_values(connection: sa.Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    table = schema.review_decisions
    result: dict[str, dict[str, Any]] = {}
    if not ids:
        return result
    for pid, name, value in connection.execute(
        sa.select(table.c.partnership_id, table.c.field, table.c.value).where(table.c.partnership_id.in_(list(ids))).order_by(table.c.id)
    ):
        if name in RECORD_FIELDS:
            result.setdefault(pid, {})[name] = json.loads(value)
    return result


def load_partnership(engine: sa.Engine, partnership_id: str) -> ReviewedPartnership | None:
    """A partnership with its member records and its decisions, each with the value before it."""
    table, records, decisions = schema.partnerships, schema.records, schema.review_decisions
    with engine.connect() as connection:
        row = connection.execute(sa.select(table).where(table.c.id == partnership_id)).mappings().first()
        if row is None:
            return None
        members = [
            Member(url, ordinal, json.loads(document))
            for url, ordinal, document in connection.execute(
                sa.select(records.c.article_url, records.c.ordinal, records.c.document)
                .where(records.c.partnership_id == partnership_id)
                .order_by(records.c.article_url, records.c.ordinal)
            )
        ]
        decision_rows = connection.execute(
            sa.select(decisions).where(decisions.c.partnership_id == partnership_id).order_by(decisions.c.id)
        ).mappings().all()
    merged = json.loads(row["document"])
    current: dict[str, Any] = {**merged, STATUS_FIELD: "flagged" if json.loads(row["conflicts"]) else "new"}
    history = []
    for decision in decision_rows:
        value = json.loads(decision["value"])
        history.append(
            Decision(
                id=decision["id"],
                field=decision["field"],
                before=current.get(decision["field"]),
                after=value,
                reviewer=decision["reviewer"],
                note=decision["note"],
                decided_at=as_utc(decision["decided_at"]),
            )
        )
        if decision["field"] in current:  # a split or merge names its articles: no value before or after it
            current[decision["field"]] = value
    document = {k: v for k, v in current.items() if k in RECORD_FIELDS}
    return ReviewedPartnership(
        id=row["id"],
        status=row["status"],
        countries=row["countries"],
        merged=merged,
        document=document,
        conflicts=json.loads(row["conflicts"]),
        members=members,
        decisions=history,
        version=history[-1].id if history else 0,
        updated_at=history[-1].decided_at if history else None,
    )


def merge_candidates(engine: sa.Engine, partnership: ReviewedPartnership) -> list[QueueRow]:
    """The other partnerships of the same signatory countries, reviewed values applied: the
    only ones the store lets an analyst merge with this one."""
    table = schema.partnerships
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table.c.id, table.c.status, table.c.document)
            .where(table.c.countries == partnership.countries, table.c.id != partnership.id)
            .order_by(_signed_on(engine.dialect.name).desc().nulls_last(), table.c.id)
            .limit(MERGE_CANDIDATES)
        ).all()
        overlays = _reviewed_values(connection, [row.id for row in rows])
    return [QueueRow(row.id, row.status, {**json.loads(row.document), **overlays.get(row.id, {})}) for row in rows]


@dataclass(frozen=True)
class OverviewCounts:
    years: dict[str, int]
    countries: dict[str, int]
    themes: dict[str, int]
    total: int


def overview_counts(engine: sa.Engine) -> OverviewCounts:
    """Partnerships per year of signature, per partner country (not France) and per theme,
    reviewed values applied, rejected partnerships left out."""
    table = schema.partnerships
    years: dict[str, int] = {}
    countries: dict[str, int] = {}
    themes: dict[str, int] = {}
    total = 0
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table.c.id, table.c.document).where(table.c.status != "rejected")).all()
        overlays = _reviewed_values(connection, [row.id for row in rows])
    for row in rows:
        document = {**json.loads(row.document), **overlays.get(row.id, {})}
        total += 1
        if document.get("signed_on"):
            year = document["signed_on"][:4]
            years[year] = years.get(year, 0) + 1
        for code in sorted({p["country"] for p in document["signatories"] if p["country"] != "FR"}):
            countries[code] = countries.get(code, 0) + 1
        for code in sorted({t["code"] for t in document.get("themes", [])}):
            themes[code] = themes.get(code, 0) + 1
    return OverviewCounts(
        years=dict(sorted(years.items())),
        countries=dict(sorted(countries.items(), key=lambda item: (-item[1], item[0]))),
        themes=dict(sorted(themes.items(), key=lambda item: (-item[1], item[0]))),
        total=total,
    )
