"""The store: one class in front of the database, the same code on SQLite and PostgreSQL
(how each is opened: ``pipeline.store.engine``; what it raises: ``pipeline.store.errors``).

Every write that must be all-or-nothing is one transaction: an article, its records and the
partnerships they are merged into are committed together.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from time import perf_counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pipeline.records import Article, PartnershipRecord
from pipeline.scraper.state import SeenPage
from pipeline.store import reviewed, schema
from pipeline.store.crawl_state import DatabaseCrawlState, write_pages
from pipeline.store.merge import ClusterItem, MergedPartnership, Overrides, StoredRecord, apply_overrides, cluster, countries_key, merge
from pipeline.store.engine import DEFAULT_CONNECT_TIMEOUT, create_store_engine, unavailable
from pipeline.store.errors import LockHeld, StoreTooNew
from pipeline.store.migrations import migrate

# The run's lease on the store, renewed as the run goes (pipeline.store.ingest).
RUN_LEASE = dt.timedelta(minutes=15)
STATUSES = ("new", "accepted", "rejected", "flagged")
# What a status decision may say: accepted, rejected, or back to review ("new").
REVIEW_STATUSES = (*reviewed.DECIDED_STATUSES, reviewed.REOPENED)
# Grouping decisions: their kind in ``partnership_overrides`` and their field in the history.
SPLIT, MERGE = "split", "merge"
# An article's records moved to another signatory-country group by a merge across groups.
MOVE = "move"


def canonical_json(value: Any) -> str:
    """The one JSON spelling of a value, so equal facts are equal bytes."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives timestamps back without their zone; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


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


@dataclass(frozen=True)
class Lock:
    """A lease on the store: which run holds it, from which process, until when."""

    name: str
    holder: str
    host: str
    pid: int
    expires_at: dt.datetime

    def __str__(self) -> str:
        until = self.expires_at.isoformat(timespec="seconds")
        return f"lock {self.name!r} held by run {self.holder} (host {self.host}, pid {self.pid}) until {until}"

    def alive_on_this_host(self) -> bool:
        return self.host == socket.gethostname() and _process_alive(self.pid)

    def gone_from_this_host(self) -> bool:
        return self.host == socket.gethostname() and not _process_alive(self.pid)


@dataclass(frozen=True)
class RunSummary:
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    model_version: str
    counts: dict[str, Any]
    failures: list[dict[str, str]]


@dataclass(frozen=True)
class StoredPartnership:
    """A partnership as exported: review decisions applied on top of the merged values."""

    id: str
    status: str
    document: dict[str, Any]
    conflicts: dict[str, list[dict[str, Any]]]
    articles: list[str]
    records: list[dict[str, Any]]


@dataclass(frozen=True)
class ArticleToStore:
    """One article with what extraction gave for it, and the crawl memory of its pages."""

    article: Article
    records: list[PartnershipRecord]
    model_version: str
    error: str | None = None
    pages: Mapping[str, SeenPage] | None = None


class Store:
    def __init__(self, url: str, *, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        """Open the store and bring its schema up to date; ``StoreUnavailable`` in one line
        (the URL, password masked, and why) when it cannot be opened."""
        self.url = url
        self.engine = create_store_engine(url, connect_timeout=connect_timeout)
        try:
            migrate(self.engine)
            with self.engine.begin() as connection:
                reviewed.fill_missing(connection)
        except StoreTooNew as error:
            self.engine.dispose()
            raise StoreTooNew(url, error.reason) from None
        except sa.exc.DBAPIError as error:
            self.engine.dispose()
            raise unavailable(url, error, connect_timeout) from None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def crawl_state(self) -> DatabaseCrawlState:
        return DatabaseCrawlState(self.engine)

    # ------------------------------------------------------------------ lock
    def acquire_lock(self, holder: str, lease: dt.timedelta, name: str = "run") -> None:
        """Take the named lease, or raise LockHeld. A lease is taken over when it expired or
        when its holder was a process of this host that no longer exists (killed). The first
        write of a run: a store that cannot be written raises ``StoreUnavailable``."""
        try:
            self._acquire_lock(holder, lease, name)
        except sa.exc.DBAPIError as error:
            raise unavailable(self.url, error) from None

    def _acquire_lock(self, holder: str, lease: dt.timedelta, name: str) -> None:
        now = utc_now()
        host, pid = socket.gethostname(), os.getpid()
        values = {"holder": holder, "host": host, "pid": pid, "expires_at": now + lease}
        table = schema.locks
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(table).where(table.c.name == name)).mappings().first()
            if row is None:
                try:
                    with connection.begin_nested():
                        connection.execute(sa.insert(table).values(name=name, **values))
                    return
                except sa.exc.IntegrityError:
                    raise LockHeld(f"lock {name!r} was just taken by another run") from None
            held = Lock(name, row["holder"], row["host"], row["pid"], as_utc(row["expires_at"]))
            if held.holder != holder and not (held.expires_at < now or held.gone_from_this_host()):
                raise LockHeld(f"{held}; if that run is gone for good (another host), `partnerships unlock` releases it")
            taken = connection.execute(
                sa.update(table).where(table.c.name == name, table.c.holder == row["holder"]).values(**values)
            )
            if taken.rowcount != 1:
                raise LockHeld(f"lock {name!r} was just taken by another run")

    def renew_lock(self, holder: str, lease: dt.timedelta, name: str = "run") -> None:
        table = schema.locks
        with self.engine.begin() as connection:
            renewed = connection.execute(
                sa.update(table).where(table.c.name == name, table.c.holder == holder).values(expires_at=utc_now() + lease)
            )
        if renewed.rowcount != 1:
            raise LockHeld(f"lock {name!r} is no longer held by {holder}")

    def lock(self, name: str = "run") -> Lock | None:
        """Who holds the named lease, if anyone (expired or not)."""
        table = schema.locks
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(table).where(table.c.name == name)).mappings().first()
        return None if row is None else Lock(name, row["holder"], row["host"], row["pid"], as_utc(row["expires_at"]))

    def release_lock(self, holder: str, name: str = "run") -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(schema.locks).where(schema.locks.c.name == name, schema.locks.c.holder == holder))

    # ------------------------------------------------------------------ runs
    def start_run(self, model_version: str) -> int:
        """Record a new run; runs still marked running died without finishing (we hold the lock)."""
        table = schema.runs
        with self.engine.begin() as connection:
            connection.execute(sa.update(table).where(table.c.status == "running").values(status="interrupted"))
            return int(
                connection.execute(
                    sa.insert(table)
                    .values(started_at=utc_now(), status="running", model_version=model_version, counts="{}", failures="[]")
                    .returning(table.c.id)
                ).scalar_one()
            )

    def update_run(self, run_id: int, counts: Mapping[str, Any], failures: list[dict[str, str]], status: str | None = None) -> None:
        values: dict[str, Any] = {"counts": canonical_json(dict(counts)), "failures": canonical_json(failures)}
        if status is not None:
            values.update(status=status, finished_at=utc_now())
        with self.engine.begin() as connection:
            connection.execute(sa.update(schema.runs).where(schema.runs.c.id == run_id).values(**values))

    def recent_runs(self, limit: int = 10) -> list[RunSummary]:
        table = schema.runs
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(table).order_by(table.c.id.desc()).limit(limit)).mappings().all()
        return [
            RunSummary(
                id=row["id"],
                started_at=as_utc(row["started_at"]),
                finished_at=as_utc(row["finished_at"]) if row["finished_at"] else None,
                status=row["status"],
                model_version=row["model_version"],
                counts=json.loads(row["counts"]),
                failures=json.loads(row["failures"]),
            )
            for row in rows
        ]

    # ------------------------------------------------------------------ sources
    def save_sources(self, sources: Iterable[tuple[str, str, str]]) -> None:
        """(id, name, config JSON) of the configured sources."""
        rows = [{"id": i, "name": n, "config": c} for i, n, c in sources]
        if not rows:
            return
        with self.engine.begin() as connection:
            connection.execute(sa.delete(schema.sources).where(schema.sources.c.id.in_([r["id"] for r in rows])))
            connection.execute(sa.insert(schema.sources), rows)

    # ------------------------------------------------------------------ articles and records
    def stored_text_hash(self, url: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(schema.articles.c.text_hash).where(schema.articles.c.url == url)).scalar()

    def remember_pages(self, pages: Mapping[str, SeenPage]) -> None:
        with self.engine.begin() as connection:
            write_pages(connection, pages)

    def owed_articles(self, model_version: str, *, reextract: bool, after: str = "", limit: int = 64) -> list[Article]:
        """The next key range of stored articles whose extraction is owed (never done or failed;
        with ``reextract`` also done by another model version): up to ``limit`` of them, by URL,
        after ``after``. A run reads the archive range by range, never all of it at once."""
        column = schema.articles.c.extracted_with
        owed = column.is_(None)
        if reextract:
            owed = sa.or_(owed, column != model_version)
        table = schema.articles
        query = sa.select(table.c.document).where(owed, table.c.url > after).order_by(table.c.url).limit(limit)
        with self.engine.connect() as connection:
            return [Article.model_validate_json(document) for document in connection.execute(query).scalars()]

    def load_articles(self, urls: list[str]) -> list[Article]:
        with self.engine.connect() as connection:
            documents = dict(
                connection.execute(
                    sa.select(schema.articles.c.url, schema.articles.c.document).where(schema.articles.c.url.in_(urls))
                ).all()
            )
        return [Article.model_validate_json(documents[url]) for url in urls if url in documents]

    def save_article(self, item: ArticleToStore, text_hash: str) -> dict[str, float]:
        """Article, records, crawl memory and merged partnerships in one transaction.

        Returns the seconds spent storing and merging (for the run's stage times)."""
        article = item.article
        started = perf_counter()
        with self.engine.begin() as connection:
            table = schema.records
            old_keys = set(connection.execute(sa.select(table.c.countries).where(table.c.article_url == article.url)).scalars())
            connection.execute(sa.delete(table).where(table.c.article_url == article.url))
            connection.execute(sa.delete(schema.articles).where(schema.articles.c.url == article.url))
            connection.execute(
                sa.insert(schema.articles).values(
                    url=article.url,
                    source=article.source,
                    published=article.published.isoformat() if article.published else None,
                    text_hash=text_hash,
                    document=canonical_json(article.model_dump(mode="json")),
                    extracted_with=None if item.error else item.model_version,
                    extraction_error=item.error,
                )
            )
            moved = _moves(connection, article.url)
            rows = [
                {
                    "article_url": article.url,
                    "ordinal": ordinal,
                    "record_id": record.record_id,
                    "countries": moved.get(countries_key(record), countries_key(record)),
                    "model_version": record.model_version,
                    "partnership_id": None,
                    "document": canonical_json(record.model_dump(mode="json")),
                }
                for ordinal, record in enumerate(item.records)
            ]
            if rows:
                connection.execute(sa.insert(table), rows)
            write_pages(connection, item.pages or {})
            stored = perf_counter()
            merge_groups(connection, old_keys | {row["countries"] for row in rows}, changed_article=article.url)
        merged = perf_counter()
        return {"store": stored - started, "merge": merged - stored}

    # ------------------------------------------------------------------ review decisions
    def decide(self, partnership_id: str, field: str, value: Any, reviewer: str, note: str | None = None) -> None:
        """Record a review decision: a field's reviewed value, or ``status`` accepted /
        rejected / new (back to review)."""
        _check_decision(field, value)
        with self.engine.begin() as connection:
            document = connection.execute(
                sa.select(schema.partnerships.c.document).where(schema.partnerships.c.id == partnership_id)
            ).scalar()
            if document is None:
                raise KeyError(f"no partnership {partnership_id!r}")
            if field != "status":  # the reviewed value must leave a valid record
                PartnershipRecord.model_validate({**json.loads(document), field: value})
            _insert_decision(connection, partnership_id, field, value, reviewer, note, utc_now())
            reviewed.refresh(connection, [partnership_id])

    def decide_versioned(
        self,
        partnership_id: str,
        changes: Mapping[str, Any],
        reviewer: str,
        expected_version: int,
        note: str | None = None,
    ) -> int:
        """Store one decision per changed field (a record field, or ``status``) in one
        transaction, only when the partnership is still at ``expected_version`` (the id of
        its latest decision, 0 before any: what the analyst saw); returns the new version.
        Raises ``EditConflict`` when another analyst decided in between, ``KeyError`` when
        the partnership is gone."""
        for name, value in changes.items():
            _check_decision(name, value)
        with self.engine.begin() as connection:
            _lock_at_version(connection, partnership_id, expected_version)
            now, version = utc_now(), expected_version
            for name, value in changes.items():
                version = _insert_decision(connection, partnership_id, name, value, reviewer, note, now)
            reviewed.refresh(connection, [partnership_id], now)
        return version

    def undo(self, partnership_id: str, reviewer: str, expected_version: int, note: str | None = None) -> list[str]:
        """Undo the partnership's latest decision (every field one save changed), when it is
        still the latest (``expected_version``): the undone rows stay in the history, an
        ``undo`` row says they no longer count. Returns the fields given back their former
        value; ``ValueError`` when there is nothing to undo or it was a split or a merge
        (the grouping is undone by the opposite decision)."""
        with self.engine.begin() as connection:
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
        self, partnership_id: str, article_url: str, reviewer: str, expected_version: int, note: str | None = None
    ) -> Split:
        """Take the records of one article out of a partnership, for good: later runs keep
        them apart from every other article of it (``partnership_overrides``), whatever the
        automatic grouping says. Versioned like ``decide_versioned``; ``ValueError`` when the
        article is not one of several supporting the partnership."""
        with self.engine.begin() as connection:
            key = _lock_at_version(connection, partnership_id, expected_version)
            articles = _member_articles(connection, partnership_id)
            if article_url not in articles or len(articles) < 2:
                raise ValueError(f"{article_url} is not one of several articles of {partnership_id}")
            decision = _insert_decision(connection, partnership_id, SPLIT, {"article": article_url}, reviewer, note, utc_now())
            _insert_overrides(connection, key, SPLIT, [(article_url, other) for other in articles if other != article_url], decision)
            merge_groups(connection, [key])
            remaining = _partnership_of(connection, next(other for other in articles if other != article_url), key)
            return Split(remaining=remaining, split_out=_partnership_of(connection, article_url, key))

    def merge(
        self, partnership_id: str, other_id: str, reviewer: str, expected_version: int, note: str | None = None
    ) -> str:
        """Join another partnership into this one, for good: later runs keep their articles
        together. The other has the same signatory countries as extracted (the same group),
        or the same as reviewed: an analyst corrected a country, and the records of the
        other's articles then move to this partnership's group, in this run and in later
        ones (a ``move`` override). Versioned on ``partnership_id`` like ``decide_versioned``;
        returns the id of the joined partnership. ``ValueError`` when the other is this one
        or has other countries, ``KeyError`` when it does not exist."""
        table, reviewed_table = schema.partnerships, schema.reviewed_partnerships
        with self.engine.begin() as connection:
            key = _lock_at_version(connection, partnership_id, expected_version)
            other_key = connection.execute(sa.select(table.c.countries).where(table.c.id == other_id)).scalar()
            if other_key is None:
                raise KeyError(other_id)
            countries = dict(
                connection.execute(sa.select(reviewed_table.c.id, reviewed_table.c.countries).where(reviewed_table.c.id.in_([partnership_id, other_id]))).all()
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

    # ------------------------------------------------------------------ reading
    def partnerships(self, status: str | None = None) -> list[StoredPartnership]:
        """Partnerships sorted by id, reviewed values applied, with their supporting records."""
        table = schema.partnerships
        query = sa.select(table).order_by(table.c.id)
        if status is not None:
            query = query.where(table.c.status == status)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
            ids = [row["id"] for row in rows]
            members: dict[str, list[tuple[str, int, str]]] = {}
            for chunk in _chunks(ids, 500):
                for pid, url, ordinal, document in connection.execute(
                    sa.select(schema.records.c.partnership_id, schema.records.c.article_url, schema.records.c.ordinal, schema.records.c.document)
                    .where(schema.records.c.partnership_id.in_(chunk))
                ):
                    members.setdefault(pid, []).append((url, ordinal, document))
            decisions = reviewed.decision_rows(connection, ids)
        result = []
        for row in rows:
            overlay = reviewed.reviewed_values(decisions.get(row["id"], []))
            records = [
                {**json.loads(document), **overlay, "record_id": row["id"]}
                for _, _, document in sorted(members.get(row["id"], []))
            ]
            result.append(
                StoredPartnership(
                    id=row["id"],
                    status=row["status"],
                    document={**json.loads(row["document"]), **overlay},
                    conflicts=json.loads(row["conflicts"]),
                    articles=sorted({url for url, _, _ in members.get(row["id"], [])}),
                    records=records,
                )
            )
        return result

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {
                table.name: int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for table in schema.metadata.sorted_tables
            }


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


def _moves(connection: sa.Connection, article_url: str) -> dict[str, str]:
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


def _check_decision(field: str, value: Any) -> None:
    if field == reviewed.STATUS:
        if value not in REVIEW_STATUSES:
            raise ValueError(f"a review status is one of {', '.join(REVIEW_STATUSES)}, not {value!r}")
    elif field not in PartnershipRecord.model_fields:
        raise ValueError(f"{field!r} is not a record field")


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
