"""``run`` at scale over the fixture site, on SQLite and PostgreSQL: two worker processes give
the store of one; a worker killed mid-run loses nothing; a re-extraction read by key ranges,
killed with kill -9 and started again, finishes without redoing what it had committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.extract import Extractor
from pipeline.extract.workers import WorkerPool
from pipeline.scraper.sources import Source
from pipeline.store import schema
from pipeline.store.ingest import run_ingestion
from pipeline.store.repository import Store
from tests.scale_fixtures import alive, children_of, worker_pool  # noqa: F401 - fixtures
from tests.store_fixtures import (  # noqa: F401 - fixtures
    FAST_FETCH,
    REPO,
    SITE,
    dump,
    extractor,
    fixture_site,
    new_database_url,
    postgres_server,
    site_sources,
    store_url,
)

GOLD_ARTICLES = sum(1 for line in (SITE / "gold.jsonl").open(encoding="utf-8") if line.strip())
OLDER_MODEL = "an-older-model"


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _reference(url: str, sources: list[Source], extractor: Extractor) -> dict:
    with Store(url) as reference:
        outcome = run_ingestion(reference, sources, extractor, settings=FAST_FETCH)
        assert outcome.exit_status == 0, outcome.failures
        return dump(reference, without=frozenset({"fetches"}))


def test_a_run_with_two_worker_processes_gives_the_store_of_one_process(
    store_url: str, request: pytest.FixtureRequest, tmp_path: Path, site_sources: list[Source], extractor: Extractor, worker_pool: WorkerPool
) -> None:
    engine = "sqlite" if store_url.startswith("sqlite") else "postgresql"
    expected = _reference(new_database_url(engine, request, _folder(tmp_path, "one")), site_sources, extractor)
    with Store(store_url) as store:
        outcome = run_ingestion(store, site_sources, worker_pool, settings=FAST_FETCH)
        assert outcome.exit_status == 0, outcome.failures
        assert outcome.counts["extracted"] == GOLD_ARTICLES
        assert dump(store, without=frozenset({"fetches"})) == expected


def test_a_worker_killed_mid_run_loses_nothing(
    request: pytest.FixtureRequest, tmp_path: Path, site_sources: list[Source], extractor: Extractor, worker_pool: WorkerPool
) -> None:
    expected = _reference(new_database_url("sqlite", request, _folder(tmp_path, "one")), site_sources, extractor)
    retried = worker_pool.stats.retried_chunks
    stored: list[str] = []

    def kill_a_worker_after_the_third(url: str) -> None:
        stored.append(url)
        if len(stored) == 3:
            os.kill(worker_pool.pids()[1], signal.SIGKILL)

    with Store(new_database_url("sqlite", request, _folder(tmp_path, "two"))) as store:
        outcome = run_ingestion(store, site_sources, worker_pool, settings=FAST_FETCH, article_progress=kill_a_worker_after_the_third)
        assert outcome.exit_status == 0, outcome.failures
        assert dump(store, without=frozenset({"fetches"})) == expected
    assert worker_pool.stats.retried_chunks == retried + 1


def _extracted_with(store: Store, version: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).where(schema.articles.c.extracted_with == version)).scalar_one())


def _as_if_by_an_older_model(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.update(schema.articles).values(extracted_with=OLDER_MODEL))
        connection.execute(sa.update(schema.records).values(model_version=OLDER_MODEL))


def test_stored_articles_are_read_by_key_ranges_and_committed_ones_drop_out(
    request: pytest.FixtureRequest, tmp_path: Path, site_sources: list[Source], extractor: Extractor
) -> None:
    with Store(new_database_url("sqlite", request, tmp_path)) as store:
        run_ingestion(store, site_sources, extractor, settings=FAST_FETCH)
        _as_if_by_an_older_model(store)
        pages, after = [], ""
        while page := store.owed_articles(extractor.model_version, reextract=True, after=after, limit=5):
            pages.append([a.url for a in page])
            after = page[-1].url
        urls = [url for page in pages for url in page]
        assert [len(p) for p in pages] == [5] * (GOLD_ARTICLES // 5) + ([GOLD_ARTICLES % 5] if GOLD_ARTICLES % 5 else [])
        assert urls == sorted(urls) and len(set(urls)) == GOLD_ARTICLES
        assert store.owed_articles(extractor.model_version, reextract=False) == []  # none failed, none new
        run_ingestion(store, [], extractor, reextract=True)
        assert store.owed_articles(extractor.model_version, reextract=True) == []


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_reextraction_on_two_workers_killed_with_kill_9_resumes_without_redoing_committed_work(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path, site_sources: list[Source], extractor: Extractor
) -> None:
    reference_url, url = (new_database_url(engine, request, _folder(tmp_path, name)) for name in ("reference", "killed"))
    for each in (reference_url, url):
        with Store(each) as store:
            run_ingestion(store, site_sources, extractor, settings=FAST_FETCH)
            _as_if_by_an_older_model(store)
    with Store(reference_url) as reference:
        run_ingestion(reference, [], extractor, reextract=True)
        expected = dump(reference, without=frozenset({"fetches"}))

    command = [sys.executable, "-m", "pipeline.store.cli", "run", "--no-crawl", "--reextract", "--db", url, "--workers", "2", "--chunk-size", "2"]
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 300
        stored = 0
        while time.monotonic() < deadline and child.poll() is None and stored < 5:
            line = child.stderr.readline() if child.stderr else ""
            stored += line.startswith("stored ")
        workers = children_of(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    deadline = time.monotonic() + 120
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert workers and not any(alive(pid) for pid in workers), "the workers outlived their coordinator"

    with Store(url) as killed:
        committed = _extracted_with(killed, extractor.model_version)
        assert 5 <= committed < GOLD_ARTICLES
        outcome = run_ingestion(killed, [], extractor, reextract=True)
        assert outcome.exit_status == 0, outcome.failures
        assert outcome.counts["extracted"] == GOLD_ARTICLES - committed
        assert dump(killed, without=frozenset({"fetches"})) == expected
        assert [r.status for r in killed.recent_runs(2)] == ["done", "interrupted"]
