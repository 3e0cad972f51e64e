"""The analysts' decisions on a partnership: reviewed field values and statuses, undo, split
and merge, each appended to the history (``review_decisions``) in the caller's transaction (which
holds the partnership writers' lock: no run rebuilds the partnership meanwhile) with the
reviewed row made again (``pipeline.store.reviewed``).

The versioned decisions are what the review page makes: each is taken only when the
partnership is still at the version the analyst saw (the id of its latest decision, 0 before
any), under the partnership's write lock, so two analysts never overwrite each other.
Splits and merges are kept as ``partnership_overrides`` that every later run applies after
the automatic grouping (``pipeline.store.rebuild``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pipeline.records import PartnershipRecord
from pipeline.store import reviewed, schema
from pipeline.store.rebuild import MERGE, MOVE, SPLIT, merge_groups
from pipeline.store.schema import as_utc, canonical_json, utc_now

# What a status decision may say: accepted, rejected, or back to review ("new").
REVIEW_STATUSES = (*reviewed.DECIDED_STATUSES, reviewed.REOPENED)


class EditConflict(Exception):
    """The partnership changed since the analyst opened it; nothing was written."""

    def __init__(self, reviewer: str | None, decided_at: dt.datetime | None) -> None:
        self.reviewer = reviewer
        self.decided_at = decided_at
        when = f" le {decided_at:%d/%m/%Y à %H:%M:%S} UTC" if decided_at else ""
        who = f" par {reviewer}" if reviewer else ""
        super().__init__(
            f"Ce partenariat a été modifié{who}{when} depuis que vous l'avez ouvert : "
            "vos changements n'ont pas été enregistrés. Rechargez la page pour voir la version actuelle."
        )


@dataclass(frozen=True)
class Split:
    """Where the records went: the partnership the article left and the one it now forms."""

    remaining: str
    split_out: str


def decide(connection: sa.Connection, partnership_id: str, field: str, value: Any, reviewer: str, note: str | None) -> None:
    """Record a review decision: a field's reviewed value, or ``status`` accepted / rejected /
    new (back to review)."""
    check(field, value)
    document = connection.execute(sa.select(schema.partnerships.c.document).where(schema.partnerships.c.id == partnership_id)).scalar()
    if document is None:
        raise KeyError(f"no partnership {partnership_id!r}")
    if field != reviewed.STATUS:  # the reviewed value must leave a valid record
        PartnershipRecord.model_validate({**json.loads(document), field: value})
    _insert_decision(connection, partnership_id, field, value, reviewer, note, utc_now())
    reviewed.refresh(connection, [partnership_id])


def decide_versioned(
    connection: sa.Connection, partnership_id: str, changes: Mapping[str, Any], reviewer: str, expected_version: int, note: str | None
) -> int:
    """One decision per changed field (a record field, or ``status``), only when the
    partnership is still at ``expected_version``; returns the new version. Raises
    ``EditConflict`` when another analyst decided in between, ``KeyError`` when the
    partnership is gone."""
    for name, value in changes.items():
        check(name, value)
    _lock_at_version(connection, partnership_id, expected_version)
    now, version = utc_now(), expected_version
    for name, value in changes.items():
        version = _insert_decision(connection, partnership_id, name, value, reviewer, note, now)
    reviewed.refresh(connection, [partnership_id], now)
    return version


def undo(connection: sa.Connection, partnership_id: str, reviewer: str, expected_version: int, note: str | None) -> list[str]:
    """Undo the partnership's latest decision (every field one save changed), when it is still
    the latest (``expected_version``): the undone rows stay in the history, an ``undo`` row
    says they no longer count. Returns the fields given back their former value;
    ``ValueError`` when there is nothing to undo or it was a split or a merge (the grouping is
    undone by the opposite decision)."""
    _lock_at_version(connection, partnership_id, expected_version)
    history = reviewed.decision_rows(connection, [partnership_id]).get(partnership_id, [])
    standing = {row.id for row in reviewed.in_force(history).values()}
    latest = next((row for row in reversed(history) if row.id in standing), None)
    if latest is None or latest.id != expected_version:
        raise ValueError("nothing to undo: the latest decision was an undo, or there is none")
    batch = [row for row in history if row.id in standing and row.decided_at == latest.decided_at and row.reviewer == latest.reviewer]
    if any(row.field in (SPLIT, MERGE) for row in batch):
        raise ValueError("a split or a merge is undone by the opposite decision, not by undo")
    now = utc_now()
    _insert_decision(connection, partnership_id, reviewed.UNDO, {"decisions": [row.id for row in batch]}, reviewer, note, now)
    reviewed.refresh(connection, [partnership_id], now)
    return [row.field for row in batch]


def split(
    connection: sa.Connection, partnership_id: str, article_url: str, reviewer: str, expected_version: int, note: str | None
) -> Split:
    """Take the records of one article out of a partnership, for good: later runs keep them
    apart from every other article of it, whatever the automatic grouping says. Versioned
    like ``decide_versioned``; ``ValueError`` when the article is not one of several
    supporting the partnership."""
    key = _lock_at_version(connection, partnership_id, expected_version)
    articles = _member_articles(connection, partnership_id)
    if article_url not in articles or len(articles) < 2:
        raise ValueError(f"{article_url} is not one of several articles of {partnership_id}")
    decision = _insert_decision(connection, partnership_id, SPLIT, {"article": article_url}, reviewer, note, utc_now())
    _insert_overrides(connection, key, SPLIT, [(article_url, other) for other in articles if other != article_url], decision)
    merge_groups(connection, [key])
    remaining = _partnership_of(connection, next(other for other in articles if other != article_url), key)
    return Split(remaining=remaining, split_out=_partnership_of(connection, article_url, key))


def merge(connection: sa.Connection, partnership_id: str, other_id: str, reviewer: str, expected_version: int, note: str | None) -> str:
    """Join another partnership into this one, for good: later runs keep their articles
    together. The other has the same signatory countries as extracted (the same group), or
    the same as reviewed: an analyst corrected a country, and the records of the other's
    articles then move to this partnership's group, in this run and in later ones (a
    ``move`` override). Versioned on ``partnership_id`` like ``decide_versioned``; returns
    the id of the joined partnership. ``ValueError`` when the other is this one or has other
    countries, ``KeyError`` when it does not exist."""
    table, reviewed_table = schema.partnerships, schema.reviewed_partnerships
    key = _lock_at_version(connection, partnership_id, expected_version)
    other_key = connection.execute(sa.select(table.c.countries).where(table.c.id == other_id)).scalar()
    if other_key is None:
        raise KeyError(other_id)
    countries = dict(
        connection.execute(
            sa.select(reviewed_table.c.id, reviewed_table.c.countries).where(reviewed_table.c.id.in_([partnership_id, other_id]))
        ).all()
    )
    if other_id == partnership_id or (other_key != key and countries.get(other_id) != countries.get(partnership_id)):
        raise ValueError(f"{other_id} is not another partnership of the countries {key}")
    articles, others = _member_articles(connection, partnership_id), _member_articles(connection, other_id)
    decision = _insert_decision(connection, partnership_id, MERGE, {"with": other_id, "articles": others}, reviewer, note, utc_now())
    if other_key != key:
        records = schema.records
        connection.execute(sa.update(records).where(records.c.partnership_id == other_id).values(countries=key))
        _insert_overrides(connection, key, MOVE, [(url, other_key) for url in others], decision)
    _insert_overrides(connection, key, MERGE, [(a, b) for a in articles for b in others if a != b], decision)
    merge_groups(connection, sorted({key, other_key}))
    return _partnership_of(connection, articles[0], key)


def check(field: str, value: Any) -> None:
    """``ValueError`` unless ``field`` is a record field, or ``status`` with a review status."""
    if field == reviewed.STATUS:
        if value not in REVIEW_STATUSES:
            raise ValueError(f"a review status is one of {', '.join(REVIEW_STATUSES)}, not {value!r}")
    elif field not in PartnershipRecord.model_fields:
        raise ValueError(f"{field!r} is not a record field")


def _lock_at_version(connection: sa.Connection, partnership_id: str, expected_version: int) -> str:
    """Take the partnership's write lock, then check nobody decided on it since
    ``expected_version``; returns its signatory-country key."""
    table, decisions = schema.partnerships, schema.review_decisions
    # Taking the row's write lock first serialises two analysts on this partnership
    # (PostgreSQL row lock, SQLite database write lock) before the version is read.
    locked = connection.execute(sa.update(table).where(table.c.id == partnership_id).values(status=table.c.status))
    if locked.rowcount != 1:
        raise KeyError(partnership_id)
    latest = connection.execute(
        sa.select(decisions.c.id, decisions.c.reviewer, decisions.c.decided_at)
        .where(decisions.c.partnership_id == partnership_id)
        .order_by(decisions.c.id.desc())
        .limit(1)
    ).first()
    if (latest.id if latest else 0) != expected_version:
        raise EditConflict(latest.reviewer if latest else None, as_utc(latest.decided_at) if latest else None)
    return str(connection.execute(sa.select(table.c.countries).where(table.c.id == partnership_id)).scalar_one())


def _insert_decision(
    connection: sa.Connection, partnership_id: str, field: str, value: Any, reviewer: str, note: str | None, decided_at: dt.datetime
) -> int:
    """One row of the review history; returns its id (the partnership's new version)."""
    table = schema.review_decisions
    return int(
        connection.execute(
            sa.insert(table)
            .values(partnership_id=partnership_id, field=field, value=canonical_json(value), reviewer=reviewer, note=note, decided_at=decided_at)
            .returning(table.c.id)
        ).scalar_one()
    )


def _insert_overrides(connection: sa.Connection, key: str, kind: str, pairs: list[tuple[str, str]], decision: int) -> None:
    if pairs:
        connection.execute(
            sa.insert(schema.partnership_overrides),
            [{"countries": key, "kind": kind, "article_url": a, "other_url": b, "decision_id": decision} for a, b in pairs],
        )


def _member_articles(connection: sa.Connection, partnership_id: str) -> list[str]:
    records = schema.records
    return list(
        connection.execute(
            sa.select(records.c.article_url).where(records.c.partnership_id == partnership_id).distinct().order_by(records.c.article_url)
        ).scalars()
    )


def _partnership_of(connection: sa.Connection, article_url: str, key: str) -> str:
    records = schema.records
    return str(
        connection.execute(
            sa.select(records.c.partnership_id)
            .where(records.c.article_url == article_url, records.c.countries == key)
            .order_by(records.c.ordinal)
            .limit(1)
        ).scalar_one()
    )
