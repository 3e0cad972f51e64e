"""The ``run`` job over the fixture site, on SQLite and PostgreSQL: stores what the crawl
finds, is idempotent, is recorded, holds a lock, survives kill -9, re-extracts on demand."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.extract import Extractor
from pipeline.scraper.fixture_server import FixtureSite
from pipeline.scraper.sources import Source
from pipeline.store import schema
from pipeline.store.cli import format_runs
from pipeline.store.ingest import run_ingestion
from pipeline.store.interruption import Stopped, stop_on_signals
from pipeline.store.repository import LockHeld, Store
from tests.store_fixtures import (  # noqa: F401 - fixtures
    ENGINES,
    FAST_FETCH,
    REPO,
    SITE,
    dump,
    extractor,
    fixture_site,
    new_database_url,
    postgres_server,
    site_sources,
    store,
    store_url,
)

GOLD_ARTICLES = sum(1 for line in (SITE / "gold.jsonl").open(encoding="utf-8") if line.strip())
# Kill points per engine; the operator's drill raises it (README, "What an operator tried").
KILL_POINTS = int(os.environ.get("PARTNERSHIPS_KILL_POINTS", "2"))


def test_first_run_stores_every_article_and_a_second_run_adds_nothing(
    store: Store, site_sources: list[Source], extractor: Extractor
) -> None:
    first = run_ingestion(store, site_sources, extractor, settings=FAST_FETCH)
    assert first.exit_status == 0, first.failures
    assert first.counts["parsed"] == GOLD_ARTICLES
    assert first.counts["extracted"] == GOLD_ARTICLES
    counts = store.counts()
    assert counts["articles"] == GOLD_ARTICLES
    assert counts["records"] == first.counts["records"] > 0
    assert 0 < counts["partnerships"] <= counts["records"]
    with store.engine.connect() as connection:
        unmerged = connection.execute(sa.select(sa.func.count()).where(schema.records.c.partnership_id.is_(None))).scalar()
        owed = connection.execute(sa.select(sa.func.count()).where(schema.articles.c.extracted_with.is_(None))).scalar()
    assert unmerged == 0 and owed == 0
    before = dump(store)

    second = run_ingestion(store, site_sources, extractor, settings=FAST_FETCH)
    assert second.exit_status == 0
    assert second.counts.get("extracted", 0) == 0 and second.counts["fetched"] == 0
    assert dump(store) == before
    runs = store.recent_runs()
    assert [r.status for r in runs] == ["done", "done"]
    assert runs[1].counts["extracted"] == GOLD_ARTICLES and runs[0].finished_at is not None
    assert set(runs[1].counts["seconds"]) >= {"crawl", "extract", "store", "merge"}
    assert f"extracted {GOLD_ARTICLES}" in format_runs(runs, failures=True)


def test_a_failing_source_is_recorded_and_the_run_exits_1(
    store: Store, site_sources: list[Source], extractor: Extractor, fixture_site: FixtureSite
) -> None:
    broken = site_sources[0].model_copy(update={"id": "broken", "start_urls": ["/missing/listing"]})
    outcome = run_ingestion(store, [*site_sources, broken], extractor, settings=FAST_FETCH)
    assert outcome.exit_status == 1
    assert store.counts()["articles"] == GOLD_ARTICLES
    (run,) = store.recent_runs()
    assert run.status == "failed"
    assert [f["url"] for f in run.failures] == [f"{fixture_site.url}/missing/listing"]
    assert "404" in run.failures[0]["reason"]


def test_a_second_run_is_refused_while_the_lock_is_held_and_an_expired_lease_is_taken_over(
    store: Store, extractor: Extractor
) -> None:
    store.acquire_lock("other-run", dt.timedelta(minutes=5))
    with pytest.raises(LockHeld, match="other-run"):
        run_ingestion(store, [], extractor)
    assert store.recent_runs() == []
    store.acquire_lock("other-run", dt.timedelta(seconds=-1))  # the holder renews into the past: expired
    outcome = run_ingestion(store, [], extractor)
    assert outcome.exit_status == 0
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.locks)).scalar() == 0


def test_reextraction_replaces_records_of_an_older_model_but_keeps_reviewed_fields(
    store: Store, site_sources: list[Source], extractor: Extractor
) -> None:
    run_ingestion(store, site_sources, extractor, settings=FAST_FETCH)
    reviewed = store.partnerships()[0]
    store.decide(reviewed.id, "duration", "P4Y", reviewer="analyste")
    with store.engine.begin() as connection:
        connection.execute(sa.update(schema.articles).values(extracted_with="an-older-model"))
        connection.execute(sa.update(schema.records).values(model_version="an-older-model"))

    unchanged = run_ingestion(store, [], extractor)
    assert unchanged.counts.get("extracted", 0) == 0
    outcome = run_ingestion(store, [], extractor, reextract=True)
    assert outcome.counts["extracted"] == GOLD_ARTICLES and outcome.counts.get("fetched", 0) == 0
    with store.engine.connect() as connection:
        versions = set(connection.execute(sa.select(schema.records.c.model_version)).scalars())
    assert versions == {extractor.model_version}
    after = {p.id: p for p in store.partnerships()}[reviewed.id]
    assert after.document["duration"] == "P4Y"
    assert {r["duration"] for r in after.records} == {"P4Y"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_run_killed_mid_way_then_a_normal_run_give_the_store_of_one_uninterrupted_run(
    engine: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fixture_site: FixtureSite,
    site_sources: list[Source],
    extractor: Extractor,
) -> None:
    reference_url = new_database_url(engine, request, tmp_path_factory.mktemp("reference"))
    with Store(reference_url) as reference:
        clean = run_ingestion(reference, site_sources, extractor, settings=FAST_FETCH)
        assert clean.exit_status == 0, clean.failures  # a reference missing an article would show as a difference
        expected = dump(reference, without=frozenset({"fetches"}))
    sources_file = tmp_path_factory.mktemp("sources") / "sources.toml"
    sources_file.write_text((SITE / "sources.toml").read_text(encoding="utf-8").replace("http://fixture.invalid", fixture_site.url))
    for stored_before_kill in sorted(random.Random(0).sample(range(1, GOLD_ARTICLES - 1), KILL_POINTS)):
        url = new_database_url(engine, request, tmp_path_factory.mktemp(f"killed-{stored_before_kill}"))
        status, _ = _run_and_kill(url, sources_file, after_articles=stored_before_kill)
        assert status == -signal.SIGKILL
        with Store(url) as killed:
            assert 0 < killed.counts()["articles"] < GOLD_ARTICLES
            outcome = run_ingestion(killed, site_sources, extractor, settings=FAST_FETCH)
            assert outcome.exit_status == 0, outcome.failures
            assert dump(killed, without=frozenset({"fetches"})) == expected
            statuses = [r.status for r in killed.recent_runs()]
            assert statuses == ["done", "interrupted"]


def _run_and_kill(url: str, sources_file: Path, *, after_articles: int, signum: int = signal.SIGKILL) -> tuple[int, str]:
    """Start ``run`` in a child process and send it this signal once it has stored this many
    articles; returns its exit status and what it wrote on stderr after that."""
    command = [sys.executable, "-m", "pipeline.store.cli", "run", "--db", url, "--sources", str(sources_file), "--delay", "0"]
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and child.poll() is None:
            line = child.stderr.readline() if child.stderr else ""
            if line.startswith("stored "):
                after_articles -= 1
                if after_articles == 0:
                    os.kill(child.pid, signum)
                    break
        status = child.wait(timeout=60)
        assert status != 0, "the run ended before the signal"
        return status, child.stderr.read() if child.stderr else ""
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.parametrize(("signum", "engine"), [(signal.SIGINT, "sqlite"), (signal.SIGTERM, "postgresql")])
def test_a_run_stopped_by_a_signal_is_recorded_interrupted_with_its_counts_and_releases_the_lock(
    signum: int,
    engine: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    fixture_site: FixtureSite,
    site_sources: list[Source],
    extractor: Extractor,
) -> None:
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text((SITE / "sources.toml").read_text(encoding="utf-8").replace("http://fixture.invalid", fixture_site.url))
    url = new_database_url(engine, request, tmp_path)
    status, stderr = _run_and_kill(url, sources_file, after_articles=5, signum=signum)
    assert status == 128 + signum, stderr
    name = signal.Signals(signum).name
    assert f"partnerships run: stopped by {name}; recorded as interrupted, lock released" in stderr
    assert "Traceback" not in stderr
    with Store(url) as stopped:
        (run,) = stopped.recent_runs()
        assert run.status == "interrupted" and run.finished_at is not None
        assert run.counts["parsed"] == GOLD_ARTICLES and run.counts["extracted"] >= 5
        assert run.counts["extracted"] == stopped.counts()["articles"]
        assert stopped.lock() is None
        outcome = run_ingestion(stopped, site_sources, extractor, settings=FAST_FETCH)  # not refused, finishes the rest
        assert outcome.exit_status == 0 and outcome.counts["extracted"] == GOLD_ARTICLES - run.counts["extracted"]
        assert stopped.counts()["articles"] == GOLD_ARTICLES


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stop_signal_that_comes_inside_an_article_transaction_takes_effect_once_it_is_committed(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path, site_sources: list[Source], extractor: Extractor
) -> None:
    """SIGTERM sent to the process (as ``kill`` does) while the third article's transaction
    runs. This process has other threads (the fixture site's server, numpy's), so the kernel
    may hand them the signal; Python still runs the handler in the main thread, inside the
    transaction, unless the store defers it."""
    url = new_database_url(engine, request, tmp_path)
    with Store(url) as store:
        articles_inserted = 0

        def signal_at_the_third_article(_conn, _cursor, statement: str, *_args: object) -> None:
            nonlocal articles_inserted
            if statement.startswith("INSERT INTO articles"):
                articles_inserted += 1
                if articles_inserted == 3:
                    os.kill(os.getpid(), signal.SIGTERM)

        sa.event.listen(store.engine, "before_cursor_execute", signal_at_the_third_article)
        with stop_on_signals(), pytest.raises(Stopped):
            run_ingestion(store, site_sources, extractor, settings=FAST_FETCH)
        sa.event.remove(store.engine, "before_cursor_execute", signal_at_the_third_article)

        (run,) = store.recent_runs()
        assert run.status == "interrupted" and store.lock() is None
        assert run.counts["extracted"] == store.counts()["articles"] == 3
        with store.engine.connect() as connection:
            unmerged = connection.execute(sa.select(sa.func.count()).where(schema.records.c.partnership_id.is_(None))).scalar()
        assert unmerged == 0
        outcome = run_ingestion(store, site_sources, extractor, settings=FAST_FETCH)  # the same connections serve the next run
        assert outcome.exit_status == 0, outcome.failures
        assert store.counts()["articles"] == GOLD_ARTICLES


def test_an_article_over_the_size_limit_is_skipped_and_recorded_the_others_stored(
    store: Store, site_sources: list[Source], extractor: Extractor
) -> None:
    sizes = {a["article"]["url"]: len(a["article"]["text"].encode()) for a in map(json.loads, (SITE / "gold.jsonl").open(encoding="utf-8"))}
    limit = sorted(sizes.values())[-3]  # the two largest articles are over it
    outcome = run_ingestion(store, site_sources, extractor, settings=FAST_FETCH, max_article_bytes=limit)
    assert outcome.exit_status == 1
    assert outcome.counts["too_large"] == 2 and outcome.counts["extracted"] == GOLD_ARTICLES - 2
    assert store.counts()["articles"] == GOLD_ARTICLES - 2
    (run,) = store.recent_runs()
    assert run.status == "failed" and len(run.failures) == 2
    for failure in run.failures:
        assert failure["stage"] == "extract"
        assert failure["reason"] == f"text of {sizes[_path_of(failure['url'], sizes)]:,} bytes is larger than the {limit:,}-byte article limit (--max-article-size), skipped"


def _path_of(url: str, sizes: dict[str, int]) -> str:
    """The gold article of a URL served by the fixture site (same path, another origin)."""
    return next(gold for gold in sizes if gold.split("/", 3)[-1] == url.split("/", 3)[-1])


def test_runs_command_prints_the_recorded_runs_as_json(store: Store, store_url: str, extractor: Extractor) -> None:
    run_ingestion(store, [], extractor)
    shown = subprocess.run(
        [sys.executable, "-m", "pipeline.store.cli", "runs", "--db", store_url, "--json"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    (run,) = json.loads(shown.stdout)
    assert run["status"] == "done" and run["model_version"] == extractor.model_version
