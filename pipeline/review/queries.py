"""What the review page and the API read from the store: SQL on its reviewed values.

Every filter, sort, count and page reads ``reviewed_partnerships`` and ``reviewed_documents``
(the merged record with the analysts' decisions in force, kept by the store in the
transaction of each decision), so
a correction moves a partnership in every view at once: corrected from TG to BJ, it is found
under BJ and no longer under TG, in the queue, its counts, the overview and the API.
A page is two queries: the sorted ids on the short columns (joined to the search text only
for a search), then the documents of the page's ids only. Writes are the store's own (``Store.decide_versioned``, ``undo``, ``split``,
``merge``), each made only when the record is still at the version the analyst saw.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pipeline.review.filters import ACTIVE, QueueFilters
from pipeline.store import schema
from pipeline.store.labels import agreement_type_labels
from pipeline.store.repository import STATUSES
from pipeline.store.reviewed import RECORD_FIELDS, STATUS, UNDO, DecisionRow, bounded, decision_rows, in_force, reviewed_values, status_of
from pipeline.store.schema import as_utc

# Other partnerships offered for a merge, the likeliest first.
MERGE_CANDIDATES = 100
# The order of work: what needs an analyst first.
STATUS_ORDER = ("flagged", "new", "accepted", "rejected")


@dataclass(frozen=True)
class QueueRow:
    id: str
    status: str
    document: dict[str, Any]
    open_conflicts: list[str]
    sources: list[str]


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
    """One row of the history with the values before and after it (a dict of the fields it
    gave back for an undo)."""

    id: int
    field: str
    before: Any
    after: Any
    reviewer: str
    note: str | None
    decided_at: dt.datetime
    undone: bool


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
    countries: str  # the store's grouping key (extracted signatories' countries)
    merged: dict[str, Any]  # what the articles say
    document: dict[str, Any]  # what the analysts decided on top of it
    conflicts: dict[str, list[dict[str, Any]]]
    open_conflicts: list[str]
    members: list[Member]
    decisions: list[Decision]
    corrections: dict[str, Decision]  # record field -> the decision in force on it
    status_decision: Decision | None  # the decision in force on the status
    version: int
    updated_at: dt.datetime | None

    @property
    def undoable(self) -> Decision | None:
        """The latest decision, when undo can take it back (not a split, merge or undo)."""
        standing = [d for d in self.decisions if not d.undone and d.field != UNDO]
        latest = standing[-1] if standing else None
        if latest is None or latest.id != self.version or latest.field in ("split", "merge"):
            return None
        return latest


@dataclass(frozen=True)
class Neighbours:
    """Where a partnership stands in a filtered, sorted queue."""

    previous: str | None
    next: str | None
    position: int | None  # 1-based; None when the partnership is not in this queue
    total: int


def _conditions(filters: QueueFilters, *, with_status: bool = True) -> list[sa.ColumnElement[bool]]:
    reviewed, documents = schema.reviewed_partnerships, schema.reviewed_documents
    conditions: list[sa.ColumnElement[bool]] = []
    if with_status and filters.status == ACTIVE:
        conditions.append(reviewed.c.status != "rejected")
    elif with_status and filters.status:
        conditions.append(reviewed.c.status == filters.status)
    if filters.country:
        conditions.append(reviewed.c.countries.contains(f"|{filters.country}|", autoescape=True))
    if filters.theme:
        conditions.append(reviewed.c.themes.contains(f"|{filters.theme}|", autoescape=True))
    if filters.source:
        conditions.append(reviewed.c.sources.contains(f"|{filters.source.lower()}|", autoescape=True))
    signed_on = reviewed.c.signed_on
    # A partial date (2024, 2024-03) is inside a bound when the bound at its precision says so.
    if filters.first_day:
        conditions.append(signed_on >= sa.func.substr(sa.literal(filters.first_day), 1, sa.func.length(signed_on)))
    if filters.last_day:
        conditions.append(signed_on <= sa.func.substr(sa.literal(filters.last_day), 1, sa.func.length(signed_on)))
    if filters.folded_query:  # both sides folded alike (reviewed.search_fold): a plain substring test
        conditions.append(documents.c.search_text.contains(filters.folded_query, autoescape=True))
    return conditions


def _source(filters: QueueFilters) -> sa.FromClause:
    """The short rows, joined to the long texts only for a search."""
    reviewed, documents = schema.reviewed_partnerships, schema.reviewed_documents
    return reviewed.join(documents, documents.c.id == reviewed.c.id) if filters.folded_query else reviewed


def _order(filters: QueueFilters) -> list[sa.ColumnElement[Any]]:
    reviewed = schema.reviewed_partnerships
    types = agreement_type_labels()
    keys: dict[str, sa.ColumnElement[Any]] = {
        "date": reviewed.c.signed_on,
        "country": reviewed.c.partner_names,
        "type": sa.case({code: rank for rank, code in enumerate(sorted(types, key=types.__getitem__))}, value=reviewed.c.agreement_type, else_=len(types)),
        "confidence": reviewed.c.confidence,
        "status": sa.case({status: rank for rank, status in enumerate(STATUS_ORDER)}, value=reviewed.c.status, else_=len(STATUS_ORDER)),
    }
    key = keys[filters.sort_key]
    first = (key.desc() if filters.descending else key.asc()).nulls_last()
    return [first, reviewed.c.signed_on.desc().nulls_last(), reviewed.c.id]


def queue_page(
    engine: sa.Engine, filters: QueueFilters, page: int, per_page: int, *, updated_since: dt.datetime | None = None
) -> QueuePage:
    """One page of the filtered, sorted queue, and the count per status under the other
    filters: one scan gives the sorted ids and statuses under every filter but the status,
    from which the counts, the total and the page are taken."""
    reviewed = schema.reviewed_partnerships
    conditions = _conditions(filters, with_status=False)
    if updated_since is not None:
        conditions.append(reviewed.c.updated_at >= as_utc(updated_since).astimezone(dt.UTC))
    page = max(1, page)
    with engine.connect() as connection:
        ranked = connection.execute(sa.select(reviewed.c.id, reviewed.c.status).select_from(_source(filters)).where(*conditions).order_by(*_order(filters))).all()
        counted = Counter(status for _, status in ranked)
        wanted = _status_test(filters.status)
        selected = [pid for pid, status in ranked if wanted(status)]
        rows = _rows(connection, selected[(page - 1) * per_page : page * per_page])
    return QueuePage(
        rows=rows,
        total=len(selected),
        page=page,
        per_page=per_page,
        status_counts={status: counted.get(status, 0) for status in STATUSES},
    )


def _status_test(status: str | None) -> Callable[[str], bool]:
    if status == ACTIVE:
        return lambda found: found != "rejected"
    if status:
        return lambda found: found == status
    return lambda found: True


def _rows(connection: sa.Connection, ids: Sequence[str]) -> list[QueueRow]:
    """The queue rows of these ids, in this order."""
    if not ids:
        return []
    reviewed, documents = schema.reviewed_partnerships, schema.reviewed_documents
    found = {
        row.id: QueueRow(row.id, row.status, json.loads(row.document), _split(row.open_conflicts), _split(row.sources))
        for row in connection.execute(
            sa.select(reviewed.c.id, reviewed.c.status, reviewed.c.open_conflicts, reviewed.c.sources, documents.c.document)
            .join(documents, documents.c.id == reviewed.c.id)
            .where(reviewed.c.id.in_(list(ids)))
        )
    }
    return [found[i] for i in ids if i in found]


def _split(bounded: str) -> list[str]:
    return [item for item in bounded.split("|") if item]


def neighbours(engine: sa.Engine, filters: QueueFilters, partnership_id: str) -> Neighbours:
    """The partnerships before and after this one in the filtered, sorted queue."""
    reviewed = schema.reviewed_partnerships
    order = _order(filters)
    ranked = (
        sa.select(
            reviewed.c.id,
            sa.func.lag(reviewed.c.id).over(order_by=order).label("previous"),
            sa.func.lead(reviewed.c.id).over(order_by=order).label("next"),
            sa.func.row_number().over(order_by=order).label("position"),
            sa.func.count().over().label("total"),
        )
        .select_from(_source(filters))
        .where(*_conditions(filters))
        .subquery()
    )
    with engine.connect() as connection:
        row = connection.execute(sa.select(ranked).where(ranked.c.id == partnership_id)).first()
        if row is None:
            total = int(connection.execute(sa.select(sa.func.count()).select_from(_source(filters)).where(*_conditions(filters))).scalar_one())
            return Neighbours(None, None, None, total)
    return Neighbours(row.previous, row.next, int(row.position), int(row.total))


def first_in_queue(engine: sa.Engine, filters: QueueFilters) -> str | None:
    reviewed = schema.reviewed_partnerships
    with engine.connect() as connection:
        return connection.execute(sa.select(reviewed.c.id).select_from(_source(filters)).where(*_conditions(filters)).order_by(*_order(filters)).limit(1)).scalar()


def load_partnership(engine: sa.Engine, partnership_id: str) -> ReviewedPartnership | None:
    """A partnership with its member records and its history, each decision with the
    values before and after it."""
    table, records = schema.partnerships, schema.records
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
        history = decision_rows(connection, [partnership_id]).get(partnership_id, [])
    merged, conflicts = json.loads(row["document"]), json.loads(row["conflicts"])
    decisions = _replayed(merged, conflicts, history)
    standing = in_force(history)
    by_id = {decision.id: decision for decision in decisions}
    return ReviewedPartnership(
        id=row["id"],
        status=row["status"],
        countries=row["countries"],
        merged=merged,
        document={**merged, **reviewed_values(history)},
        conflicts=conflicts,
        open_conflicts=sorted(name for name in conflicts if name not in standing),
        members=members,
        decisions=decisions,
        corrections={name: by_id[decision.id] for name, decision in standing.items() if name in RECORD_FIELDS},
        status_decision=by_id[standing[STATUS].id] if STATUS in standing else None,
        version=history[-1].id if history else 0,
        updated_at=history[-1].decided_at if history else None,
    )


def _replayed(merged: dict[str, Any], conflicts: dict[str, Any], history: list[DecisionRow]) -> list[Decision]:
    """Each decision with the state before and after it, undo rows included."""
    undone = {int(i) for row in history if row.field == UNDO for i in row.value.get("decisions", [])}

    def state(rows: list[DecisionRow]) -> dict[str, Any]:
        return {**merged, **reviewed_values(rows), STATUS: status_of(rows, conflicts)}

    result = []
    for index, row in enumerate(history):
        before, after = state(history[:index]), state(history[: index + 1])
        if row.field == UNDO:
            changed = [name for name in after if before.get(name) != after.get(name)]
            old, new = {name: before.get(name) for name in changed}, {name: after.get(name) for name in changed}
        elif row.field in before:
            old, new = before.get(row.field), row.value
        else:  # a split or a merge names its articles: no value before it
            old, new = None, row.value
        result.append(Decision(row.id, row.field, old, new, row.reviewer, row.note, row.decided_at, row.id in undone))
    return result


def merge_candidates(engine: sa.Engine, partnership: ReviewedPartnership) -> list[QueueRow]:
    """The other partnerships the store can merge with this one, on their reviewed values:
    those of the same signatory countries as reviewed (whatever was extracted) and those the
    store grouped with it; likeliest first: the same reviewed countries, then the same year
    of signature, then the most recent."""
    reviewed, table = schema.reviewed_partnerships, schema.partnerships
    countries = bounded(p["country"] for p in partnership.document.get("signatories", []))
    year = (partnership.document.get("signed_on") or "")[:4]
    with engine.connect() as connection:
        ids = list(
            connection.execute(
                sa.select(reviewed.c.id)
                .join(table, table.c.id == reviewed.c.id)
                .where(sa.or_(table.c.countries == partnership.countries, reviewed.c.countries == countries), table.c.id != partnership.id)
                .order_by(
                    sa.case((reviewed.c.countries == countries, 0), else_=1),
                    sa.case((sa.func.substr(reviewed.c.signed_on, 1, 4) == year, 0), else_=1),
                    reviewed.c.signed_on.desc().nulls_last(),
                    reviewed.c.id,
                )
                .limit(MERGE_CANDIDATES)
            ).scalars()
        )
        return _rows(connection, ids)


@dataclass(frozen=True)
class OverviewCounts:
    """Figures of the overview; ``years``, ``countries`` and ``themes`` count the partnerships
    that are not rejected (the queue's ``status=active``), as their links open them."""

    years: dict[str, int]
    countries: dict[str, int]
    themes: dict[str, int]
    total: int
    statuses: dict[str, int]
    sources: dict[str, dict[str, int]]  # source -> status -> count


def overview_counts(engine: sa.Engine) -> OverviewCounts:
    reviewed = schema.reviewed_partnerships
    active = reviewed.c.status != "rejected"
    years: dict[str, int] = {}
    countries: dict[str, int] = {}
    themes: dict[str, int] = {}
    sources: dict[str, dict[str, int]] = {}
    # Inline numbers: PostgreSQL groups by the select's expression only if it is the same text.
    year_of = sa.func.substr(reviewed.c.signed_on, sa.literal_column("1"), sa.literal_column("4"))
    with engine.connect() as connection:
        for year, count in connection.execute(
            sa.select(year_of, sa.func.count()).where(active, reviewed.c.signed_on.is_not(None)).group_by(year_of)
        ):
            years[year] = int(count)
        for combination, count in connection.execute(sa.select(reviewed.c.countries, sa.func.count()).where(active).group_by(reviewed.c.countries)):
            for code in _split(combination):
                if code != "FR":
                    countries[code] = countries.get(code, 0) + int(count)
        for combination, count in connection.execute(sa.select(reviewed.c.themes, sa.func.count()).where(active).group_by(reviewed.c.themes)):
            for code in _split(combination):
                themes[code] = themes.get(code, 0) + int(count)
        statuses = dict(connection.execute(sa.select(reviewed.c.status, sa.func.count()).group_by(reviewed.c.status)).all())
        for combination, status, count in connection.execute(
            sa.select(reviewed.c.sources, reviewed.c.status, sa.func.count()).group_by(reviewed.c.sources, reviewed.c.status)
        ):
            for source in _split(combination) or [""]:
                per_status = sources.setdefault(source, {})
                per_status[status] = per_status.get(status, 0) + int(count)
    return OverviewCounts(
        years=dict(sorted(years.items())),
        countries=dict(sorted(countries.items(), key=lambda item: (-item[1], item[0]))),
        themes=dict(sorted(themes.items(), key=lambda item: (-item[1], item[0]))),
        total=sum(int(count) for status, count in statuses.items() if status != "rejected"),
        statuses={status: int(statuses.get(status, 0)) for status in STATUSES},
        sources=dict(sorted(sources.items())),
    )


def published_dates(engine: sa.Engine, urls: Sequence[str]) -> dict[str, dt.date | None]:
    """The publication date of each of these articles."""
    articles = schema.articles
    with engine.connect() as connection:
        found = dict(connection.execute(sa.select(articles.c.url, articles.c.published).where(articles.c.url.in_(list(urls)))).all())
    return {url: dt.date.fromisoformat(found[url]) if found.get(url) else None for url in urls}


def known_sources(engine: sa.Engine) -> list[str]:
    """The configured sources and those of stored articles (the source filter's choices)."""
    with engine.connect() as connection:
        configured = set(connection.execute(sa.select(schema.sources.c.id)).scalars())
        stored = set(connection.execute(sa.select(schema.articles.c.source).where(schema.articles.c.source.is_not(None)).distinct()).scalars())
    return sorted(configured | stored, key=str.lower)


def present_countries(engine: sa.Engine) -> list[str]:
    """Every signatory country of the reviewed partnerships (the country filter's choices)."""
    reviewed = schema.reviewed_partnerships
    with engine.connect() as connection:
        combinations = connection.execute(sa.select(reviewed.c.countries).distinct()).scalars()
        return sorted({code for combination in combinations for code in _split(combination)})
