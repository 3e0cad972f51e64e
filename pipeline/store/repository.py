"""The store: one class in front of the database, the same code on SQLite and PostgreSQL
(how each is opened: ``pipeline.store.engine``; what it raises: ``pipeline.store.errors``).

Every write that must be all-or-nothing is one transaction: an article, its records and the
partnerships they are merged into are committed together. ``Store`` opens the transactions;
the work in them is done by the store's modules, one responsibility each: ``locks`` (the
run's lease), ``runs`` (the record of each run), ``rebuild`` (partnerships made again from
their records), ``decisions`` (the analysts' decisions), ``reviewed`` (the reviewed rows),
``crawl_state`` (the crawler's memory). The types of its answers are importable from here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import sqlalchemy as sa

from pipeline.records import Article, PartnershipRecord
from pipeline.scraper.state import SeenPage
from pipeline.store import decisions, locks, rebuild, reviewed, runs, schema
from pipeline.store.crawl_state import DatabaseCrawlState, write_pages
from pipeline.store.decisions import EditConflict, Split
from pipeline.store.engine import DEFAULT_CONNECT_TIMEOUT, create_store_engine, reading, serialise, transaction, unavailable
from pipeline.store.errors import LockHeld, StoreTooNew
from pipeline.store.locks import RUN_LEASE, Lock
from pipeline.store.merge import countries_key
from pipeline.store.migrations import migrate
from pipeline.store.runs import RunSummary
from pipeline.store.schema import canonical_json

__all__ = [
    "RUN_LEASE", "STATUSES", "ArticleToStore", "EditConflict", "Lock", "LockHeld", "RunSummary", "Split", "Store", "StoredPartnership",
]

STATUSES = ("new", "accepted", "rejected", "flagged")
# pg_advisory_xact_lock key of the transactions that change partnerships ("prtw").
PARTNERSHIP_WRITERS_LOCK = 0x70727477


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
            with reading(self.engine) as connection:
                incomplete = bool(reviewed.missing(connection))
            if incomplete:  # a store upgraded from revision 3 (a read-only one has none missing)
                with self.changing_partnerships() as connection:
                    reviewed.fill_missing(connection)
        except StoreTooNew as error:
            self.engine.dispose()
            raise StoreTooNew(url, error.reason) from None
        except sa.exc.DBAPIError as error:
            self.engine.dispose()
            raise unavailable(url, error, connect_timeout) from None

    @contextlib.contextmanager
    def changing_partnerships(self) -> Iterator[sa.Connection]:
        """The transaction of a change to partnerships: an article stored and merged, or an
        analyst's decision. One at a time, whole: the run and the analysts change the same
        partnerships, their records, history and reviewed rows, and a rebuild that read a
        group before a decision committed would write over it (a partnership id deleted and
        made again under a waiting decision, a decision left on an id the rebuild retired,
        two reviewed rows for one partnership). On SQLite the database's write lock already
        admits one writer; this takes it from the transaction's start."""
        with transaction(self.engine) as connection:
            serialise(connection, PARTNERSHIP_WRITERS_LOCK)
            yield connection

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
            with transaction(self.engine) as connection:
                locks.acquire(connection, name, holder, lease)
        except sa.exc.DBAPIError as error:
            raise unavailable(self.url, error) from None

    def renew_lock(self, holder: str, lease: dt.timedelta, name: str = "run") -> None:
        with transaction(self.engine) as connection:
            locks.renew(connection, name, holder, lease)

    def lock(self, name: str = "run") -> Lock | None:
        """Who holds the named lease, if anyone (expired or not)."""
        with reading(self.engine) as connection:
            return locks.holder_of(connection, name)

    def release_lock(self, holder: str, name: str = "run") -> None:
        with transaction(self.engine) as connection:
            locks.release(connection, name, holder)

    # ------------------------------------------------------------------ runs
    def start_run(self, model_version: str) -> int:
        """Record a new run; runs still marked running died without finishing (we hold the lock)."""
        with transaction(self.engine) as connection:
            return runs.start(connection, model_version)

    def update_run(self, run_id: int, counts: Mapping[str, Any], failures: list[dict[str, str]], status: str | None = None) -> None:
        with transaction(self.engine) as connection:
            runs.update(connection, run_id, counts, failures, status)

    def recent_runs(self, limit: int = 10) -> list[RunSummary]:
        with reading(self.engine) as connection:
            return runs.recent(connection, limit)

    # ------------------------------------------------------------------ sources
    def save_sources(self, sources: Iterable[tuple[str, str, str]]) -> None:
        """(id, name, config JSON) of the configured sources."""
        rows = [{"id": i, "name": n, "config": c} for i, n, c in sources]
        if not rows:
            return
        with transaction(self.engine) as connection:
            connection.execute(sa.delete(schema.sources).where(schema.sources.c.id.in_([r["id"] for r in rows])))
            connection.execute(sa.insert(schema.sources), rows)

    # ------------------------------------------------------------------ articles and records
    def stored_text_hash(self, url: str) -> str | None:
        with reading(self.engine) as connection:
            return connection.execute(sa.select(schema.articles.c.text_hash).where(schema.articles.c.url == url)).scalar()

    def remember_pages(self, pages: Mapping[str, SeenPage]) -> None:
        with transaction(self.engine) as connection:
            write_pages(connection, pages)

    def owed_articles(self, model_version: str, *, reextract: bool, after: str = "", limit: int = 64) -> list[Article]:
        """The next key range of stored articles whose extraction is owed (never done or failed;
        with ``reextract`` also done by another model version): up to ``limit`` of them, by URL,
        after ``after``. A run reads the archive range by range, never all of it at once."""
        column = schema.articles.c.extracted_with
        owed: sa.ColumnElement[bool] = column.is_(None)
        if reextract:
            owed = sa.or_(owed, column != model_version)
        table = schema.articles
        query = sa.select(table.c.document).where(owed, table.c.url > after).order_by(table.c.url).limit(limit)
        with reading(self.engine) as connection:
            return [Article.model_validate_json(document) for document in connection.execute(query).scalars()]

    def load_articles(self, urls: list[str]) -> list[Article]:
        with reading(self.engine) as connection:
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
        with self.changing_partnerships() as connection:
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
            moved = rebuild.moves(connection, article.url)
            rows: list[dict[str, Any]] = [
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
            rebuild.merge_groups(connection, old_keys | {row["countries"] for row in rows}, changed_article=article.url)
        merged = perf_counter()
        return {"store": stored - started, "merge": merged - stored}

    # ------------------------------------------------------------------ review decisions (pipeline.store.decisions)
    def decide(self, partnership_id: str, field: str, value: Any, reviewer: str, note: str | None = None) -> None:
        """A field's reviewed value, or ``status`` accepted / rejected / new (``decisions.decide``)."""
        with self.changing_partnerships() as connection:
            decisions.decide(connection, partnership_id, field, value, reviewer, note)

    def decide_versioned(
        self, partnership_id: str, changes: Mapping[str, Any], reviewer: str, expected_version: int, note: str | None = None
    ) -> int:
        """The fields an analyst changed, in one transaction, if nobody decided since
        ``expected_version``; the new version (``decisions.decide_versioned``)."""
        with self.changing_partnerships() as connection:
            return decisions.decide_versioned(connection, partnership_id, changes, reviewer, expected_version, note)

    def undo(self, partnership_id: str, reviewer: str, expected_version: int, note: str | None = None) -> list[str]:
        """Undo the partnership's latest decision; the fields given back (``decisions.undo``)."""
        with self.changing_partnerships() as connection:
            return decisions.undo(connection, partnership_id, reviewer, expected_version, note)

    def split(self, partnership_id: str, article_url: str, reviewer: str, expected_version: int, note: str | None = None) -> Split:
        """Take one article's records out of a partnership for good (``decisions.split``)."""
        with self.changing_partnerships() as connection:
            return decisions.split(connection, partnership_id, article_url, reviewer, expected_version, note)

    def merge(self, partnership_id: str, other_id: str, reviewer: str, expected_version: int, note: str | None = None) -> str:
        """Join another partnership into this one for good; the joined id (``decisions.merge``)."""
        with self.changing_partnerships() as connection:
            return decisions.merge(connection, partnership_id, other_id, reviewer, expected_version, note)

    # ------------------------------------------------------------------ reading
    def partnerships(self, status: str | None = None) -> list[StoredPartnership]:
        """Partnerships sorted by id, reviewed values applied, with their supporting records."""
        table = schema.partnerships
        query = sa.select(table).order_by(table.c.id)
        if status is not None:
            query = query.where(table.c.status == status)
        with reading(self.engine) as connection:
            rows = connection.execute(query).mappings().all()
            ids = [row["id"] for row in rows]
            members: dict[str, list[tuple[str, int, str]]] = {}
            for chunk in reviewed.chunks(ids, 500):
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
        with reading(self.engine) as connection:
            return {
                table.name: int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for table in schema.metadata.sorted_tables
            }
