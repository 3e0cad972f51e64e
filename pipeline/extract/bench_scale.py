"""``partnerships bench --workers 1,2 [--dask-workers 2] [--scheduler ADDRESS] [--db URL]``: how
extraction scales over processes and machines, and what bounds it.

On the same articles (the corpus repeated to the requested count), for each configuration: wall
seconds of extraction once the models are loaded (their loading is reported apart), articles per
second, the speed-up over this process alone, the peak resident memory of each worker process,
and whether the records are byte for byte those of this process. On a machine shared with other
work the wall seconds depend on what the others take; so each run also reports the CPU seconds
it got (workers and coordinator), the cores that makes on average, and the articles extracted
per CPU second: equal per-CPU rates mean the parallel machinery costs nothing and the speed-up
is what the free cores allow. Then the store's write rate
(``pipeline.store.bench``: storing and merging articles with their records, the coordinator's
share of the work), from which the number of extracting machines one store can keep up with
follows.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.extract.bench import default_corpus, load_corpus, repeated
from pipeline.extract.extractor import ArticleExtractor, Extractor
from pipeline.extract.options import ARTICLES_PER_CHUNK, BATCH_SIZE, available_cores
from pipeline.extract.workers import WorkerPool, peak_rss_kib
from pipeline.records import Article


def _digest(extractor: ArticleExtractor, articles: list[Article]) -> tuple[str, int, float, float]:
    """Extract; the digest of what ``extract`` would write, the records, the wall seconds and
    this process's CPU seconds."""
    digest, records = hashlib.sha256(), 0
    started, cpu = time.perf_counter(), time.process_time()
    for result in extractor.extract(articles):
        records += len(result.records)
        digest.update((result.error or "").encode())
        for record in result.records:
            digest.update(record.model_dump_json().encode() + b"\n")
    return digest.hexdigest(), records, time.perf_counter() - started, time.process_time() - cpu


@contextlib.contextmanager
def _local_dask(workers: int, batch_size: int, chunk_size: int) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    from pipeline.extract.cluster import DaskExtractor

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        with DaskExtractor(client, batch_size=batch_size, chunk_size=chunk_size) as extractor:
            yield extractor


def run_scaling(
    corpus: Path | None = None,
    articles: int = 2000,
    workers: list[int] | None = None,
    dask_workers: int | None = None,
    scheduler: str | None = None,
    store_urls: list[str] | None = None,
    batch_size: int = BATCH_SIZE,
    chunk_size: int = ARTICLES_PER_CHUNK,
) -> dict[str, Any]:
    source = corpus or default_corpus()
    sample = repeated(load_corpus(source), articles)
    rows: list[dict[str, Any]] = []
    reference: str | None = None
    for count in workers or [1, 2]:
        started = time.perf_counter()
        if count == 1:
            extractor = Extractor(batch_size=batch_size, chunk_size=chunk_size)
            list(extractor.extract(sample[:5]))  # warm up, as the workers are by their first chunk
            startup = time.perf_counter() - started
            digest, records, seconds, cpu = _digest(extractor, sample)
            peaks = [peak_rss_kib()]
            name = "this process"
        else:
            with WorkerPool(count, batch_size=batch_size, chunk_size=chunk_size) as pool:
                startup = time.perf_counter() - started
                digest, records, seconds, coordinator_cpu = _digest(pool, sample)
                peaks = list(pool.stats.peak_rss_kib.values())
                cpu = coordinator_cpu + pool.stats.cpu_seconds
            name = f"{count} processes"
        reference = reference or digest
        rows.append(_row(name, count, startup, seconds, cpu, records, peaks, digest == reference, len(sample)))
    clusters = []
    if dask_workers:
        clusters.append((f"Dask, {dask_workers} local workers", lambda: _local_dask(dask_workers, batch_size, chunk_size)))
    if scheduler:
        clusters.append((f"Dask at {scheduler}", lambda: _remote_dask(scheduler, batch_size, chunk_size)))
    for label, opened in clusters:
        started = time.perf_counter()
        with opened() as cluster:
            startup = time.perf_counter() - started
            digest, records, seconds, coordinator_cpu = _digest(cluster, sample)
            peaks = list(cluster.peak_rss_kib().values())
            cpu = coordinator_cpu + cluster.cpu_seconds
        rows.append(_row(label, len(peaks), startup, seconds, cpu, records, peaks, digest == reference, len(sample)))
    single = next((row for row in rows if row["processes"] == 1), rows[0])
    for row in rows:
        row["speedup"] = round(single["seconds"] / row["seconds"], 2)
    return {
        "corpus": str(source),
        "articles": len(sample),
        "cores": available_cores(),
        "chunk_size": chunk_size,
        "runs": rows,
        "store": _store_rates(store_urls or []),
    }


@contextlib.contextmanager
def _remote_dask(scheduler: str, batch_size: int, chunk_size: int) -> Iterator[Any]:
    from pipeline.extract.cluster import DaskExtractor

    with DaskExtractor(scheduler, batch_size=batch_size, chunk_size=chunk_size) as extractor:
        yield extractor


def _row(name: str, processes: int, startup: float, seconds: float, cpu: float, records: int, peaks: list[int], same: bool, articles: int) -> dict[str, Any]:
    return {
        "name": name,
        "processes": processes,
        "startup_seconds": round(startup, 1),
        "seconds": round(seconds, 2),
        "articles_per_s": round(articles / seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "cores_obtained": round(cpu / seconds, 2),
        "articles_per_cpu_s": round(articles / cpu, 2),
        "records": records,
        "peak_rss_mib_per_worker": [round(peak / 1024) for peak in sorted(peaks)],
        "same_records_as_one_process": same,
    }


def _store_rates(urls: list[str]) -> list[dict[str, Any]]:
    """The store's write rate: ``pipeline.store.bench`` on 1,000 articles per store."""
    from pipeline.store.bench import DEFAULT_GOLD, bench_articles, bench_store

    items = list(bench_articles(DEFAULT_GOLD, 1000))
    with tempfile.TemporaryDirectory(prefix="partnerships-bench-") as directory:
        return [bench_store(url, items) for url in urls or [f"sqlite:///{directory}/bench.db"]]


def format_scaling(result: dict[str, Any]) -> str:
    rows = [
        f"corpus: {result['corpus']} repeated to {result['articles']} articles; {result['cores']} cores; chunks of {result['chunk_size']} articles",
        f"{'':26}{'start s':>8}{'seconds':>9}{'art./s':>8}{'speed-up':>9}{'CPU s':>8}{'cores':>7}{'art./CPU s':>11}{'peak MiB/worker':>17}  same records",
    ]
    for run in result["runs"]:
        peaks = ", ".join(str(peak) for peak in run["peak_rss_mib_per_worker"])
        rows.append(
            f"{run['name']:26}{run['startup_seconds']:>8}{run['seconds']:>9}{run['articles_per_s']:>8}{run['speedup']:>8}×{run['cpu_seconds']:>8}"
            f"{run['cores_obtained']:>7}{run['articles_per_cpu_s']:>11}{peaks:>17}  {'yes' if run['same_records_as_one_process'] else 'NO'}"
        )
    single = next(run for run in result["runs"] if run["processes"] == 1) if any(r["processes"] == 1 for r in result["runs"]) else result["runs"][0]
    for store in result["store"]:
        rate = store["articles_per_second"]
        rows.append(
            f"store {store['store']}: {rate} articles/s written and merged ({store['articles']} articles); "
            f"one extracting core gives {single['articles_per_s']} articles/s, so this store keeps up with about {rate / single['articles_per_s']:.0f} cores"
        )
    return "\n".join(rows)
