"""A run and an analyst changing the same partnership at the same moment, on PostgreSQL: the
analyst's decision waits for the run's transaction, then is taken on the partnership as the
run left it. (SQLite admits one writer at a time by its own database lock.)

The moment is made, not hoped for: the run's transaction stops while it writes the reviewed
rows, the analyst's decision starts, and the run goes on only once the server shows the
analyst's transaction waiting for a lock."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from pipeline.records import Article, PartnershipRecord
from pipeline.store.repository import ArticleToStore, Store
from tests.store_fixtures import new_database_url, postgres_server  # noqa: F401 - fixture used by new_database_url

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "review" / "articles.jsonl"
ITEMS = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
WAIT_SECONDS = 30


def _save(store: Store, item: dict[str, Any]) -> None:
    article = Article.model_validate(item["article"])
    records = [PartnershipRecord.model_validate(r) for r in item["records"]]
    store.save_article(ArticleToStore(article, records, "fixture"), f"hash-{article.url}")


def _wait_for_a_lock_wait(url: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    with psycopg.connect(url, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.01)
    raise AssertionError(f"the analyst's transaction never waited for the run's within {WAIT_SECONDS} s")


DECISIONS: dict[str, Callable[[Store, str], object]] = {
    "decide_versioned": lambda store, pid: store.decide_versioned(pid, {"duration": "P4Y"}, "analyste", 0),
    "decide": lambda store, pid: store.decide(pid, "duration", "P4Y", "analyste"),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_decision_made_while_a_run_rebuilds_the_partnership_is_taken_on_the_rebuilt_one(
    decision: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = new_database_url("postgresql", request, tmp_path)
    with Store(url) as run, Store(url) as analyst:
        for item in ITEMS:
            _save(run, item)
        target = next(p for p in run.partnerships() if len(p.articles) > 1)
        outcome: dict[str, object] = {}

        def decide() -> None:
            try:
                outcome["version"] = DECISIONS[decision](analyst, target.id)
            except Exception as error:  # reported by the assertion below
                outcome["error"] = f"{type(error).__name__}: {error}"

        deciding = threading.Thread(target=decide)

        def analyst_decides_meanwhile(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            if statement.startswith("INSERT INTO reviewed_partnerships") and deciding.ident is None:
                deciding.start()
                _wait_for_a_lock_wait(url)

        sa.event.listen(run.engine, "before_cursor_execute", analyst_decides_meanwhile)
        try:  # the run stores one of the partnership's articles again: the partnership is rebuilt
            _save(run, next(item for item in ITEMS if item["article"]["url"] == target.articles[0]))
        finally:
            sa.event.remove(run.engine, "before_cursor_execute", analyst_decides_meanwhile)
            deciding.join(WAIT_SECONDS)

        assert "error" not in outcome, outcome["error"]
        after = {p.id: p for p in run.partnerships()}[target.id]
        assert after.document["duration"] == "P4Y"
        with run.engine.connect() as connection:
            reviewed = connection.execute(sa.text("SELECT count(*) FROM reviewed_partnerships WHERE id = :id"), {"id": target.id}).scalar()
        assert reviewed == 1
