"""Extraction on a Dask cluster: ``partnerships extract|run|bench --scheduler tcp://host:8786``.

Needs the optional extra ``partnerships[distributed]`` (``dask[distributed]``) on the coordinator
and on every worker machine, with the same version of partnerships (the coordinator refuses
records of another model version). The coordinator sends chunks of articles as plain dicts with
``Client.submit``; each worker loads the model once, when ``ModelPlugin`` is attached to it (at
registration, and on every worker that joins or is restarted later), and sends records back as
plain dicts (``pipeline.extract.workers.extract_payload``): no spaCy object crosses the wire. The
coordinator yields the results in the order of the articles and alone writes to the store.

Dask's scheduler does the rest: a chunk whose worker dies is run again on another worker; after
``distributed.scheduler.allowed-failures`` deaths it raises ``KilledWorker``, and the chunk is
then extracted one article at a time, an article that still kills its worker being reported
failed. How to start a scheduler and workers on other machines: the README, "Scaling out".
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.extract.extractor import ArticleResult, Extractor, installed_model_version
from pipeline.extract.options import ARTICLES_PER_CHUNK, BATCH_SIZE, ExtractionUnavailable
from pipeline.extract.workers import chunked, extract_payload, from_payload, peak_rss_kib, to_payload
from pipeline.records import Article

try:
    from distributed import Client, KilledWorker, WorkerPlugin, get_worker
except ImportError as missing:  # the optional extra is not installed
    raise ImportError("the Dask backend needs the optional extra: pip install 'partnerships[distributed]'") from missing

log = logging.getLogger(__name__)

PLUGIN_NAME = "partnerships-model"
CONNECT_TIMEOUT = "30s"


class ModelPlugin(WorkerPlugin):
    """Loads the extraction model once per worker process, off the worker's event loop."""

    name = PLUGIN_NAME

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self.extractor: Extractor | None = None

    async def setup(self, worker: Any) -> None:
        self.extractor = await asyncio.to_thread(Extractor, batch_size=self.batch_size)

    def __getstate__(self) -> dict[str, Any]:  # what is sent to the workers: never the model
        return {"batch_size": self.batch_size, "extractor": None}


def extract_on_worker(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """The task a Dask worker runs: a chunk of article dicts in, records as plain dicts out."""
    plugin = get_worker().plugins[PLUGIN_NAME]
    if plugin.extractor is None:
        raise RuntimeError(f"the {PLUGIN_NAME} plugin has not loaded the model on this worker")
    return extract_payload(plugin.extractor, articles)


def worker_peak_rss_kib() -> int:
    return peak_rss_kib()


class DaskExtractor:
    """The ``ArticleExtractor`` contract on a Dask cluster: ``scheduler`` is an address
    (``tcp://host:8786``) or a ``distributed.Client``. Use as a context manager."""

    def __init__(self, scheduler: str | Client, *, batch_size: int = BATCH_SIZE, chunk_size: int = ARTICLES_PER_CHUNK) -> None:
        self.scheduler = scheduler
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.model_version = installed_model_version()
        self.client: Client | None = None
        self.split_chunks = 0
        self.cpu_seconds = 0.0  # spent by the workers extracting

    def __enter__(self) -> DaskExtractor:
        try:
            self.client = self.scheduler if isinstance(self.scheduler, Client) else Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            raise ExtractionUnavailable(f"cannot reach the Dask scheduler {self.scheduler}: {error}") from None
        self.client.register_plugin(ModelPlugin(self.batch_size), name=PLUGIN_NAME)
        log.info("Dask cluster %s: %d workers, model loaded on each", self.client.scheduler.address, len(self.client.nthreads()))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.client is not None and not isinstance(self.scheduler, Client):
            self.client.close()
        self.client = None

    def peak_rss_kib(self) -> dict[str, int]:
        """Each worker's peak resident memory (KiB), by worker address."""
        assert self.client is not None
        return dict(self.client.run(worker_peak_rss_kib))

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        if self.client is None:
            raise RuntimeError("DaskExtractor.extract outside `with DaskExtractor(...)`")
        in_flight = 2 * max(1, sum(self.client.nthreads().values()))
        pending: deque[tuple[list[Article], Any]] = deque()
        for chunk in chunked(articles, self.chunk_size):
            pending.append((chunk, self._submit(chunk)))
            if len(pending) >= in_flight:
                yield from self._collect(*pending.popleft())
        while pending:
            yield from self._collect(*pending.popleft())

    def _submit(self, chunk: list[Article]) -> Any:
        assert self.client is not None
        return self.client.submit(extract_on_worker, to_payload(chunk), key=f"partnerships-extract-{uuid.uuid4().hex}", pure=False)

    def _collect(self, chunk: list[Article], future: Any) -> Iterator[ArticleResult]:
        try:
            payload = future.result()
        except KilledWorker as killed:
            if len(chunk) == 1:
                yield ArticleResult(chunk[0], error=f"it killed the Dask workers extracting it ({killed})")
                return
            self.split_chunks += 1
            log.warning("%d articles from %s killed their Dask workers: extracting them one by one", len(chunk), chunk[0].url)
            singles = [([article], self._submit([article])) for article in chunk]
            for single, single_future in singles:
                yield from self._collect(single, single_future)
            return
        finally:
            future.release()
        self.cpu_seconds += payload["cpu_seconds"]
        yield from from_payload(chunk, payload, self.model_version)
