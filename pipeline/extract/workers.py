"""Extraction on several processes of this machine: ``partnerships extract|run --workers N``.

Each worker is a process started fresh (``spawn``: nothing of the coordinator's state, threads or
open store is inherited) that loads the model once and then extracts chunks of articles. What
crosses between processes is plain data: article dicts in, record dicts out (``to_payload``,
``from_payload``; the Dask backend sends the same). The coordinator reads the input, hands out
chunks, and yields the results in the order of the articles, so that what it writes is what one
process would have written, byte for byte.

Why not ``concurrent.futures.ProcessPoolExecutor``: when one of its workers dies (kill -9, out of
memory) the whole pool is broken, every worker's model is lost, and which chunk killed it cannot
be told. Here each worker has its own pipe, so the coordinator knows which chunk a dead worker
held: only that chunk is extracted again, by a fresh worker, while the others go on. A chunk that
kills its worker twice is extracted one article at a time; an article that kills its worker
twice is reported failed with that reason, and the rest go on.

A worker ignores Ctrl-C (the coordinator decides what a stop means) and exits when its pipe
closes, so a coordinator killed with kill -9 leaves no worker behind.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from pipeline.extract.extractor import ArticleResult, Extractor
from pipeline.extract.options import ARTICLES_PER_CHUNK, BATCH_SIZE, ExtractionUnavailable
from pipeline.records import Article, PartnershipRecord

log = logging.getLogger(__name__)

# A chunk (then an article) whose worker died this many times is split (then reported failed).
ATTEMPTS = 2
# Seconds a worker may take to load the model and say it is ready.
START_TIMEOUT = 600.0


class WorkerFailed(ExtractionUnavailable):
    """A worker could not start (the model did not load), or runs another model version."""


# ---------------------------------------------------------------------------- payloads
def to_payload(articles: list[Article]) -> list[dict[str, Any]]:
    return [article.model_dump(mode="json") for article in articles]


def extract_payload(extractor: Extractor, articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Extract a chunk of article dicts; records and errors come back as plain data, with who
    extracted them (process id, model version), the CPU seconds it took and the process's peak
    memory so far."""
    started = time.process_time()
    results = [
        {"records": [record.model_dump(mode="json") for record in result.records], "error": result.error}
        for result in extractor.extract(Article.model_validate(article) for article in articles)
    ]
    cpu = time.process_time() - started
    return {"pid": os.getpid(), "model_version": extractor.model_version, "cpu_seconds": cpu, "peak_rss_kib": peak_rss_kib(), "results": results}


def from_payload(articles: list[Article], payload: dict[str, Any], model_version: str) -> list[ArticleResult]:
    if payload["model_version"] != model_version:
        raise WorkerFailed(f"worker {payload['pid']} extracts with {payload['model_version']}, the coordinator with {model_version}: install the same version everywhere")
    return [
        ArticleResult(article, [PartnershipRecord.model_validate(record) for record in result["records"]], result["error"])
        for article, result in zip(articles, payload["results"], strict=True)
    ]


def peak_rss_kib() -> int:
    """This process's peak resident memory (KiB on Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def chunked(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---------------------------------------------------------------------------- the worker process
def _serve(connection: Connection, batch_size: int) -> None:
    """A worker's life: load the model, say so, then extract each chunk the pipe brings."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())  # a replacement may be started while `run` holds SIGTERM
    try:
        extractor = Extractor(batch_size=batch_size)
    except Exception as exc:
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    connection.send(("ready", extractor.model_version))
    while True:
        try:
            chunk = connection.recv()
        except (EOFError, OSError):  # the coordinator is gone
            return
        if chunk is None:
            return
        try:
            connection.send(("done", extract_payload(extractor, chunk)))
        except (BrokenPipeError, OSError):
            return


# ---------------------------------------------------------------------------- the coordinator
@dataclass
class _Chunk:
    """Consecutive articles handed to one worker; once split, its parts are handed out instead."""

    number: int
    articles: list[Article]
    attempts: int = 0
    results: list[ArticleResult] | None = None
    parts: list[_Chunk] = field(default_factory=list)

    def finished(self) -> list[ArticleResult] | None:
        if not self.parts:
            return self.results
        if any(part.results is None for part in self.parts):
            return None
        return [result for part in self.parts for result in part.results or []]


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    chunk: _Chunk | None = None


@dataclass
class PoolStats:
    """What the pool did: chunks handed out again after their worker died, worker processes
    started, CPU seconds the workers spent extracting, and each worker's peak resident memory
    (KiB), for the benchmark and the logs."""

    retried_chunks: int = 0
    workers_started: int = 0
    cpu_seconds: float = 0.0
    peak_rss_kib: dict[int, int] = field(default_factory=dict)


class WorkerPool:
    """``workers`` extraction processes; use as a context manager (the processes stop on exit).

    ``extract`` keeps the ``Extractor``'s contract: results in the order of the articles, a failed
    article reported on its result. At most ``2 × workers`` chunks are read ahead of the output."""

    def __init__(self, workers: int, *, batch_size: int = BATCH_SIZE, chunk_size: int = ARTICLES_PER_CHUNK) -> None:
        if workers < 1:
            raise ValueError(f"a pool needs at least one worker, not {workers}")
        self.size = workers
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.stats = PoolStats()
        self.model_version = ""
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    # -- life cycle
    def __enter__(self) -> WorkerPool:
        try:
            self._workers = [self._start() for _ in range(self.size)]
            for worker in self._workers:
                self._await_ready(worker)
        except BaseException:
            self.close()
            raise
        log.info("%d extraction workers ready (pids %s)", self.size, ", ".join(map(str, self.pids())))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
        for worker in self._workers:
            worker.process.join(timeout=5 if worker.chunk is None else 0)
            if worker.process.is_alive():  # stopped mid-chunk: its result is not wanted
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self._workers = []

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, self.batch_size), name="partnerships-extract", daemon=True)
        process.start()
        theirs.close()
        self.stats.workers_started += 1
        return _Worker(process, mine)

    def _await_ready(self, worker: _Worker) -> None:
        pid = worker.process.pid
        if not worker.connection.poll(START_TIMEOUT):
            raise WorkerFailed(f"extraction worker {pid} did not load the model within {START_TIMEOUT:g} s")
        try:
            kind, detail = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join()
            raise WorkerFailed(f"extraction worker {pid} died while loading the model (exit {worker.process.exitcode})") from None
        if kind != "ready":
            raise WorkerFailed(f"extraction worker {pid} could not load the model: {detail}")
        if self.model_version and detail != self.model_version:
            raise WorkerFailed(f"extraction worker {pid} loaded {detail}, the others {self.model_version}")
        self.model_version = detail

    # -- work
    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        if not self._workers:
            raise RuntimeError("WorkerPool.extract outside `with WorkerPool(...)`")
        incoming = enumerate(chunked(articles, self.chunk_size))
        waiting: deque[_Chunk] = deque()  # chunks to hand out, retried ones first
        unfinished: deque[_Chunk] = deque()  # read and not yet yielded, in input order
        exhausted = False
        while True:
            while not exhausted and len(unfinished) < 2 * self.size:
                item = next(incoming, None)
                if item is None:
                    exhausted = True
                else:
                    unfinished.append(_Chunk(*item))
                    waiting.append(unfinished[-1])
            while unfinished and (results := unfinished[0].finished()) is not None:
                unfinished.popleft()
                yield from results
            if not unfinished:
                if exhausted:
                    return
                continue  # every chunk read so far is out: read on
            self._hand_out(waiting)
            for worker in self._answering():
                self._attend(worker, waiting)

    def _hand_out(self, waiting: deque[_Chunk]) -> None:
        for worker in self._workers:
            if worker.chunk is None and waiting:
                worker.chunk = waiting.popleft()
                with contextlib.suppress(OSError):  # a worker just died: _attend hands the chunk out again
                    worker.connection.send(to_payload(worker.chunk.articles))

    def _answering(self) -> list[_Worker]:
        """Wait until a worker has answered or died."""
        by_handle: dict[Any, _Worker] = {}
        for worker in self._workers:
            by_handle[worker.process.sentinel] = worker
            if worker.chunk is not None:
                by_handle[worker.connection] = worker
        ready = wait(list(by_handle))
        return list({id(by_handle[handle]): by_handle[handle] for handle in ready}.values())

    def _attend(self, worker: _Worker, waiting: deque[_Chunk]) -> None:
        """Take a worker's answer; a dead worker is replaced, and the chunk it held handed out again."""
        died = False
        if worker.chunk is not None and worker.connection.poll():
            try:
                _, payload = worker.connection.recv()
            except (EOFError, OSError):
                died = True
            else:
                self.stats.peak_rss_kib[payload["pid"]] = payload["peak_rss_kib"]
                self.stats.cpu_seconds += payload["cpu_seconds"]
                worker.chunk.results = from_payload(worker.chunk.articles, payload, self.model_version)
                worker.chunk = None
        if died or not worker.process.is_alive():
            lost = worker.chunk
            self._replace(worker)
            if lost is not None:
                self._retry(lost, waiting)

    def _replace(self, worker: _Worker) -> None:
        worker.process.join()
        log.warning("extraction worker %d died (exit %s); starting another", worker.process.pid, worker.process.exitcode)
        worker.connection.close()
        fresh = self._start()
        self._await_ready(fresh)
        worker.process, worker.connection, worker.chunk = fresh.process, fresh.connection, None

    def _retry(self, chunk: _Chunk, waiting: deque[_Chunk]) -> None:
        """Hand a dead worker's chunk out again; after ATTEMPTS, split it, or give its one article up."""
        chunk.attempts += 1
        self.stats.retried_chunks += 1
        if chunk.attempts < ATTEMPTS:
            waiting.appendleft(chunk)
        elif len(chunk.articles) == 1:
            reason = f"its extraction worker died {chunk.attempts} times while extracting it (out of memory, or killed)"
            chunk.results = [ArticleResult(chunk.articles[0], error=reason)]
        else:
            log.warning("%d articles from %s killed their worker %d times: extracting them one by one", len(chunk.articles), chunk.articles[0].url, chunk.attempts)
            chunk.parts = [_Chunk(chunk.number, [article]) for article in chunk.articles]
            waiting.extendleft(reversed(chunk.parts))
