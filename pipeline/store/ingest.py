"""``partnerships run``: the scheduled job, crawl → parse → extract → store → merge.

One run holds the store's lock (a lease renewed as it goes), is recorded in ``runs`` with
its counts per stage, its failures with their reasons and the seconds spent per stage, and
ends with an exit status a scheduler can read: 0 all done, 1 some sources or articles failed
(the rest done).

Crash safety: each article is committed with its records, its crawl memory and the
partnerships they merge into in one transaction (``Store.save_article``). A page is
remembered by the crawl only in that transaction, so an article fetched but not stored when
the run died is fetched again by the next run; an article stored but whose extraction
failed is marked as owed and extracted again by the next run. A stop asked by SIGINT or
SIGTERM while an article is stored and counted waits until both are done
(``pipeline.store.interruption``), so a stopped run is recorded with exactly what it stored.

Incremental and idempotent: the crawl asks only for new or changed pages; an article whose
text is unchanged and already extracted by this model version is not extracted again.
``reextract`` re-runs extraction from the stored articles (no refetching) for every article
extracted by another model version; review decisions stay on top of the new values.

At scale: stored articles are read in key ranges (``LOAD_BATCH`` URLs at a time, in URL order),
never the whole archive at once, and the extraction may be a pool of processes or a Dask
cluster (any ``ArticleExtractor``): this process alone writes to the store, in the order of the
articles. A re-extraction killed at any point and started again goes on where it stopped: the
articles committed with this model version are no longer owed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

import httpx

from pipeline.extract import ArticleExtractor
from pipeline.inputs import MAX_ARTICLE_BYTES, too_large
from pipeline.records import Article
from pipeline.scraper.crawl import CrawlReport, ProgressCallback, crawl, text_hash
from pipeline.scraper.fetch import FetchSettings
from pipeline.scraper.sources import Source
from pipeline.store.crawl_state import DatabaseCrawlState
from pipeline.store.interruption import uninterrupted
from pipeline.store.repository import RUN_LEASE, ArticleToStore, LockHeld, Store

log = logging.getLogger(__name__)

LEASE = RUN_LEASE
RENEW_EVERY = dt.timedelta(minutes=1)
LOAD_BATCH = 64
EXIT_OK = 0
EXIT_SOME_FAILED = 1

ArticleProgress = Callable[[str], None]
"""Called with each article URL once it is stored."""
# Crawl events (``ProgressCallback``) -> the run's count they add to while the crawl goes on.
_CRAWL_COUNTS = {
    "fetched": "fetched", "not_modified": "not_modified", "unchanged": "not_modified",
    "failed": "crawl_failed", "skipped": "skipped", "article": "parsed",
}


@dataclass
class RunOutcome:
    run_id: int
    exit_status: int
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


class _Timer:
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    def add(self, stage: str, value: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + value


def run_ingestion(
    store: Store,
    sources: list[Source],
    extractor: ArticleExtractor,
    *,
    settings: FetchSettings | None = None,
    reextract: bool = False,
    crawl_progress: ProgressCallback | None = None,
    article_progress: ArticleProgress | None = None,
    holder: str | None = None,
    max_article_bytes: int = MAX_ARTICLE_BYTES,
) -> RunOutcome:
    """One run of the job; raises LockHeld when another run holds the store. ``holder`` names
    a lease the caller took already (``partnerships run`` takes it before loading the model).

    Stopped by Ctrl-C or SIGTERM (KeyboardInterrupt), the run is recorded as interrupted with
    its counts so far, the lock released, and the interruption raised again."""
    holder = holder or uuid.uuid4().hex
    store.acquire_lock(holder, LEASE)
    try:
        run_id = store.start_run(extractor.model_version)
        outcome = RunOutcome(run_id, EXIT_OK)
        job = _Job(store, extractor, outcome, holder, article_progress, max_article_bytes)
        interrupted = False
        try:
            job.crawl_and_store(sources, settings, crawl_progress, reextract)
        except KeyboardInterrupt:
            interrupted = True
            raise
        except Exception as exc:
            log.exception("run %d stopped", run_id)
            outcome.failures.append({"stage": "run", "url": "", "reason": f"{type(exc).__name__}: {exc}"})
            raise
        finally:
            outcome.exit_status = EXIT_SOME_FAILED if outcome.failures else EXIT_OK
            status = "interrupted" if interrupted else "failed" if outcome.failures else "done"
            counts: dict[str, Any] = {**outcome.counts, "seconds": {k: round(v, 3) for k, v in sorted(outcome.seconds.items())}}
            store.update_run(run_id, counts, outcome.failures, status=status)
        return outcome
    finally:
        store.release_lock(holder)


class _Job:
    def __init__(
        self, store: Store, extractor: ArticleExtractor, outcome: RunOutcome, holder: str, progress: ArticleProgress | None, max_article_bytes: int
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.outcome = outcome
        self.holder = holder
        self.progress = progress or (lambda url: None)
        self.max_article_bytes = max_article_bytes
        self.timer = _Timer(outcome.seconds)
        self.renewed_at = perf_counter()

    def count(self, name: str, increment: int = 1) -> None:
        self.outcome.counts[name] = self.outcome.counts.get(name, 0) + increment

    def fail(self, stage: str, url: str, reason: str) -> None:
        self.outcome.failures.append({"stage": stage, "url": url, "reason": reason})

    def crawl_and_store(
        self, sources: list[Source], settings: FetchSettings | None, crawl_progress: ProgressCallback | None, reextract: bool
    ) -> None:
        state = self.store.crawl_state()
        started = perf_counter()
        report = self._crawl(sources, state, settings, crawl_progress)
        self.timer.add("crawl", perf_counter() - started)
        self.store.save_sources((s.id, s.name, s.model_dump_json()) for s in sources)
        fresh = self._changed_articles(report.articles, state)
        owed = self._owed_articles({a.url for a in fresh}, reextract)
        self._extract_and_store(_chain(fresh, owed), state)
        state.flush()

    def _crawl(
        self, sources: list[Source], state: DatabaseCrawlState, settings: FetchSettings | None, progress: ProgressCallback | None
    ) -> CrawlReport:
        def counting(event: str, url: str) -> None:  # counts so far, should the run be stopped
            if event in _CRAWL_COUNTS:
                self.count(_CRAWL_COUNTS[event])
            if progress is not None:
                progress(event, url)

        async def go() -> CrawlReport:
            async with httpx.AsyncClient() as client:
                return await crawl(sources, client, state, settings=settings, progress=counting)

        if not sources:
            self.outcome.counts["parsed"] = 0
            return CrawlReport()
        report = asyncio.run(go())
        self.outcome.counts.update(  # the report's figures are the ones that stand
            fetched=report.fetched,
            not_modified=report.not_modified + report.unchanged,
            skipped=len(report.skipped),
            crawl_failed=len(report.failed),
            parsed=len(report.articles),
        )
        for problem in report.failed:
            self.fail("crawl", problem.url, f"{problem.source}: {problem.reason}")
        return report

    def _changed_articles(self, articles: list[Article], state: DatabaseCrawlState) -> list[Article]:
        """Reported articles whose text differs from the stored one (a page can change in
        markup only); the memory of the others is written at once."""
        changed = []
        for article in articles:
            digest = text_hash(article)
            if self.store.stored_text_hash(article.url) == digest:
                self.store.remember_pages(state.take_pages(digest))
                self.count("unchanged_text")
            else:
                changed.append(article)
        return changed

    def _owed_articles(self, fresh_urls: set[str], reextract: bool) -> Iterator[Article]:
        """Stored articles whose extraction is owed, but for those the crawl just brought, read
        one key range at a time as extraction asks for them."""
        after = ""
        while page := self.store.owed_articles(self.extractor.model_version, reextract=reextract, after=after, limit=LOAD_BATCH):
            after = page[-1].url
            for article in page:
                if article.url not in fresh_urls:
                    self.count("owed")
                    yield article

    def _within_size_limit(self, articles: Iterator[Article]) -> Iterator[Article]:
        for article in articles:
            size = len(article.text.encode("utf-8"))
            if size > self.max_article_bytes:
                self.fail("extract", article.url, f"text of {size:,} bytes is {too_large(self.max_article_bytes)}")
                self.count("too_large")
                continue
            yield article

    def _extract_and_store(self, articles: Iterator[Article], state: DatabaseCrawlState) -> None:
        results = self.extractor.extract(self._within_size_limit(articles))
        while True:
            started = perf_counter()
            result = next(results, None)
            self.timer.add("extract", perf_counter() - started)
            if result is None:
                return
            article = result.article
            if result.error:
                self.fail("extract", article.url, result.error)
            digest = text_hash(article)
            item = ArticleToStore(article, result.records, self.extractor.model_version, result.error, state.take_pages(digest))
            with uninterrupted():
                stored = self._store(item, digest)
            if stored:
                self.progress(article.url)
                self._keep_lease()

    def _store(self, item: ArticleToStore, digest: str) -> bool:
        """Store one article and count it: both or neither, as a stopped run's counts say."""
        try:
            seconds = self.store.save_article(item, digest)
        except Exception as exc:  # one article the store refuses must not stop the run
            log.exception("storing %s failed", item.article.url)
            self.fail("store", item.article.url, f"{type(exc).__name__}: {exc}")
            return False
        for stage, value in seconds.items():
            self.timer.add(stage, value)
        self.count("extracted")
        self.count("records", len(item.records))
        return True

    def _keep_lease(self) -> None:
        if perf_counter() - self.renewed_at >= RENEW_EVERY.total_seconds():
            self.store.renew_lock(self.holder, LEASE)
            self.renewed_at = perf_counter()


def _chain(first: list[Article], rest: Iterator[Article]) -> Iterator[Article]:
    yield from first
    yield from rest


__all__ = ["LockHeld", "RunOutcome", "run_ingestion"]
