"""Shared fixtures of the scale-out tests: a pool of two extraction processes and a Dask
``LocalCluster`` of two worker processes, each started once per test session (every worker
loads the French model, which takes seconds), and the dev corpus they extract.

Test modules import what they use (``from tests.scale_fixtures import ...``), as with
``tests.store_fixtures``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.extract import ArticleResult
from pipeline.extract.workers import WorkerPool
from pipeline.inputs import read_articles_jsonl
from pipeline.records import Article
from tests.conftest import SHARED_CORPUS

# Small chunks, so that the 30 articles of the dev corpus make several chunks for two workers.
TEST_CHUNK = 4


def dev_articles() -> list[Article]:
    with (SHARED_CORPUS / "dev.jsonl").open("rb") as handle:
        return [item for item in read_articles_jsonl(handle, "dev.jsonl") if isinstance(item, Article)]


def as_jsonl(results: list[ArticleResult]) -> list[str]:
    """What ``extract`` writes, article by article: records as JSON lines, or the error."""
    return [result.error or "".join(record.model_dump_json() + "\n" for record in result.records) for result in results]


@pytest.fixture(scope="session")
def worker_pool() -> Iterator[WorkerPool]:
    with WorkerPool(2, chunk_size=TEST_CHUNK) as pool:
        yield pool


@pytest.fixture(scope="session")
def dask_client() -> Iterator[object]:
    import distributed  # in the test extra: CI runs these tests

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def children_of(pid: int) -> list[int]:
    """The processes this one started (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found += [int(child) for child in text.split()]
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())
