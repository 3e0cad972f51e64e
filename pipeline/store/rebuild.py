"""Rebuilding partnerships from their records, one signatory-country group at a time.

Records describing one agreement always share their signatories' countries (their group,
``merge.countries_key``), so a change to an article only ever re-clusters its groups. The
clusters are corrected by the analysts' grouping decisions (``partnership_overrides``: split,
merge, move), and only the partnerships whose members changed are rebuilt, with their
reviewed rows (``pipeline.store.reviewed``), in the caller's transaction: one that holds the
partnership writers' lock, so that no analyst's decision is taken between the reading of a
group and the writing of its partnerships (``Store.changing_partnerships``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa

from pipeline.records import PartnershipRecord
from pipeline.store import reviewed, schema
from pipeline.store.merge import ClusterItem, MergedPartnership, Overrides, StoredRecord, apply_overrides, cluster, merge
from pipeline.store.schema import canonical_json

# Grouping decisions: their kind in ``partnership_overrides`` and their field in the history.
SPLIT, MERGE = "split", "merge"
# An article's records moved to another signatory-country group by a merge across groups.
MOVE = "move"


def merge_groups(connection: sa.Connection, keys: Iterable[str], changed_article: str | None = None) -> None:
    """Re-cluster the records of these signatory-country groups, correct the clusters by the
    analysts' split and merge decisions, and rebuild the partnerships whose members changed
    (or include a record of ``changed_article``).

    When two groups would take the same id, the larger one keeps it (on a split, the
    partnership the article left). Review decisions of an id that is gone follow the group
    holding most of its former members (a new article can make another record id the most
    supported one; a merge joins two histories)."""
    records_table, table = schema.records, schema.partnerships
    for key in sorted(keys):
        rows = connection.execute(
            sa.select(records_table.c.article_url, records_table.c.ordinal, records_table.c.partnership_id, records_table.c.document)
            .where(records_table.c.countries == key)
        ).all()
        previous = {(url, ordinal): pid for url, ordinal, pid, _ in rows}
        documents = {(url, ordinal): document for url, ordinal, _, document in rows}
        former_members: dict[str, set[tuple[str, int]]] = {}
        for member, pid in previous.items():
            if pid is not None:
                former_members.setdefault(pid, set()).add(member)
        existing = set(connection.execute(sa.select(table.c.id).where(table.c.countries == key)).scalars())
        items = [ClusterItem.of(url, ordinal, json.loads(document)) for (url, ordinal), document in documents.items()]
        kept: set[str] = set()
        rebuilt: list[set[tuple[str, int]]] = []
        overrides = _overrides(connection, key)
        for group in apply_overrides(cluster(items), overrides):
            members = {(m.article_url, m.ordinal) for m in group}
            pids = {previous[m] for m in members}
            if len(pids) == 1 and (pid := next(iter(pids))) in existing and former_members.get(pid) == members and all(
                url != changed_article for url, _ in members
            ):
                kept.add(pid)  # same members, none changed: the partnership stands as it is
            else:
                rebuilt.append(members)
        built: list[tuple[MergedPartnership, set[tuple[str, int]]]] = []
        # Stable: cluster order among equals.
        for members in sorted(rebuilt, key=lambda m: overrides.rank([url for url, _ in m]), reverse=True):
            stored = [StoredRecord(url, ordinal, PartnershipRecord.model_validate_json(documents[(url, ordinal)])) for url, ordinal in members]
            partnership = merge(stored)
            base_id, suffix = partnership.id, 1
            while partnership.id in kept:  # two groups whose most supported record id is the same
                suffix += 1
                partnership.id = f"{base_id}-{suffix}"
                partnership.document["record_id"] = partnership.id
            kept.add(partnership.id)
            built.append((partnership, members))
        for former in sorted(set(former_members) - kept):
            heir = max(built, key=lambda b: len(b[1] & former_members[former]), default=None)
            if heir is not None and heir[1] & former_members[former]:
                connection.execute(
                    sa.update(schema.review_decisions)
                    .where(schema.review_decisions.c.partnership_id == former)
                    .values(partnership_id=heir[0].id)
                )
        for partnership, members in built:
            connection.execute(sa.delete(table).where(table.c.id == partnership.id))
            connection.execute(
                sa.insert(table).values(
                    id=partnership.id,
                    countries=key,
                    status="new",
                    conflicts=canonical_json(partnership.conflicts),
                    document=canonical_json(partnership.document),
                )
            )
            for url, ordinal in sorted(members):
                if previous[(url, ordinal)] != partnership.id:
                    connection.execute(
                        sa.update(records_table)
                        .where(records_table.c.article_url == url, records_table.c.ordinal == ordinal)
                        .values(partnership_id=partnership.id)
                    )
        reviewed.refresh(connection, [partnership.id for partnership, _ in built])
        gone = sorted(existing - kept)
        if gone:
            connection.execute(sa.delete(table).where(table.c.id.in_(gone)))


def moves(connection: sa.Connection, article_url: str) -> dict[str, str]:
    """Where merges across groups moved this article's records: extracted key -> group."""
    table = schema.partnership_overrides
    return {
        source: target
        for target, source in connection.execute(
            sa.select(table.c.countries, table.c.other_url).where(table.c.kind == MOVE, table.c.article_url == article_url).order_by(table.c.id)
        )
    }


def _overrides(connection: sa.Connection, key: str) -> Overrides:
    """The latest split or merge decision per pair of articles of this group."""
    table = schema.partnership_overrides
    latest: dict[frozenset[str], tuple[str, str]] = {}  # pair -> (kind, the article it acted on)
    for kind, url, other in connection.execute(
        sa.select(table.c.kind, table.c.article_url, table.c.other_url)
        .where(table.c.countries == key, table.c.kind.in_([SPLIT, MERGE]))
        .order_by(table.c.id)
    ):
        latest[frozenset((url, other))] = (kind, url)
    return Overrides(
        together=frozenset(pair for pair, (kind, _) in latest.items() if kind == MERGE),
        apart=frozenset(pair for pair, (kind, _) in latest.items() if kind == SPLIT),
        split_out=frozenset(url for kind, url in latest.values() if kind == SPLIT),
    )
