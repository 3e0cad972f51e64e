"""Extraction on several processes and on a Dask cluster gives what one process gives, byte for
byte, in the same order, also when a worker is killed with kill -9 in the middle of a chunk."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

from pipeline.extract import Extractor
from pipeline.extract.extractor import installed_model_version
from pipeline.extract.workers import WorkerPool
from pipeline.records import Article
from tests.scale_fixtures import TEST_CHUNK, as_jsonl, dask_client, dev_articles, worker_pool  # noqa: F401 - fixtures

# French news with no agreement in it: the lexical screen spares them the model.
UNRELATED = [
    Article(url="https://example.org/meteo", title="Météo", published="2025-03-02", text=(
        "Météo : un week-end pluvieux sur les Hauts-de-France\n\nLes averses se succéderont samedi et dimanche, "
        "avec des rafales de vent sur le littoral. Les températures resteront douces pour la saison.")),
    Article(url="https://example.org/football", title="Football", published="2025-03-03", text=(
        "Le club de Lens s'impose face à Nantes\n\nLes Sang et Or ont dominé la rencontre et gagné deux à zéro "
        "devant quarante mille spectateurs au stade Bollaert.")),
]


def test_two_worker_processes_give_the_records_of_one_process_byte_for_byte(nlp, worker_pool: WorkerPool) -> None:
    articles = dev_articles()
    expected = as_jsonl(list(Extractor(nlp).extract(articles)))
    results = list(worker_pool.extract(articles))
    assert [r.article.url for r in results] == [a.url for a in articles]
    assert as_jsonl(results) == expected
    assert sum(line.count("\n") for line in expected) >= len(articles)  # the corpus has records to compare
    assert len(worker_pool.stats.peak_rss_kib) >= 2  # both workers took chunks
    assert worker_pool.model_version == installed_model_version() == Extractor(nlp).model_version


def test_chunks_finished_out_of_order_come_out_in_order_and_none_is_lost(nlp, worker_pool: WorkerPool) -> None:
    """A slow first chunk while the other worker finishes every chunk read after it."""
    slow = dev_articles()[0]
    slow = slow.model_copy(update={"url": "https://example.org/slow", "text": "\n\n".join([slow.text] * 12)})
    quick = [article.model_copy(update={"url": f"{article.url}-{n}"}) for n in range(12) for article in UNRELATED]
    articles = [slow, *quick]
    results = list(worker_pool.extract(articles))
    assert [r.article.url for r in results] == [a.url for a in articles]
    assert as_jsonl(results) == as_jsonl(list(Extractor(nlp).extract(articles)))


def test_a_worker_killed_in_the_middle_of_a_chunk_loses_nothing(nlp, worker_pool: WorkerPool) -> None:
    articles = dev_articles()
    expected = as_jsonl(list(Extractor(nlp).extract(articles)))
    retried, started = worker_pool.stats.retried_chunks, worker_pool.stats.workers_started
    results = []
    for result in worker_pool.extract(articles):
        results.append(result)
        if len(results) == TEST_CHUNK:  # the first chunk is out, both workers hold the next ones
            os.kill(worker_pool.pids()[0], signal.SIGKILL)
    assert as_jsonl(results) == expected
    assert worker_pool.stats.retried_chunks == retried + 1
    assert worker_pool.stats.workers_started == started + 1


def test_an_article_that_kills_its_worker_every_time_is_reported_and_the_others_are_extracted(nlp, worker_pool: WorkerPool) -> None:
    articles = dev_articles()[:12]
    deadly = articles[5]
    expected = as_jsonl(list(Extractor(nlp).extract(articles)))
    stop = threading.Event()

    def kill_whoever_holds_it() -> None:  # as the kernel's out-of-memory killer would
        while not stop.is_set():
            for worker in list(worker_pool._workers):
                chunk = worker.chunk
                if chunk is not None and deadly in chunk.articles:
                    with contextlib.suppress(ProcessLookupError):  # already dead, being replaced
                        os.kill(worker.process.pid, signal.SIGKILL)
            time.sleep(0.002)

    killer = threading.Thread(target=kill_whoever_holds_it, daemon=True)
    killer.start()
    try:
        results = list(worker_pool.extract(articles))
    finally:
        stop.set()
        killer.join()
    assert [r.article.url for r in results] == [a.url for a in articles]
    assert results[5].error == "its extraction worker died 2 times while extracting it (out of memory, or killed)"
    assert results[5].records == []
    assert as_jsonl(results[:5] + results[6:]) == expected[:5] + expected[6:]


def test_articles_without_an_agreement_word_are_not_parsed_and_records_do_not_change(nlp) -> None:
    articles = [*dev_articles(), *UNRELATED]
    screened = Extractor(nlp)
    assert screened.screen is not None
    parsed: list[str] = []
    original_pipe = screened.nlp.pipe

    def counting_pipe(docs, **kwargs):  # type: ignore[no-untyped-def]
        for doc in original_pipe(docs, **kwargs):
            parsed.append(doc.text)
            yield doc

    screened.nlp.pipe = counting_pipe  # type: ignore[method-assign]
    try:
        with_screen = as_jsonl(list(screened.extract(articles)))
    finally:
        del screened.nlp.pipe
    unscreened = Extractor(nlp)
    unscreened.screen = None
    assert with_screen == as_jsonl(list(unscreened.extract(articles)))
    assert not any(text in article.text for article in UNRELATED for text in parsed)
    assert with_screen[-2:] == ["", ""]


def test_a_dask_cluster_of_two_workers_gives_the_records_of_one_process(nlp, dask_client) -> None:
    from pipeline.extract.cluster import DaskExtractor

    articles = dev_articles()
    expected = as_jsonl(list(Extractor(nlp).extract(articles)))
    with DaskExtractor(dask_client, chunk_size=TEST_CHUNK) as cluster:
        results = list(cluster.extract(articles))
        peaks = cluster.peak_rss_kib()
    assert [r.article.url for r in results] == [a.url for a in articles]
    assert as_jsonl(results) == expected
    assert len(peaks) == 2 and all(peak > 100_000 for peak in peaks.values())  # each loaded the model


def test_a_dask_worker_killed_in_the_middle_of_a_chunk_loses_nothing(nlp, dask_client) -> None:
    from pipeline.extract.cluster import DaskExtractor

    articles = dev_articles()
    expected = as_jsonl(list(Extractor(nlp).extract(articles)))
    killed = None
    results = []
    with DaskExtractor(dask_client, chunk_size=TEST_CHUNK) as cluster:
        pids = dask_client.run(os.getpid)
        for result in cluster.extract(articles):
            results.append(result)
            deadline = time.monotonic() + 30
            while killed is None and time.monotonic() < deadline:
                busy = [address for address, keys in dask_client.processing().items() if keys]
                if busy:
                    killed = pids[busy[0]]
                    os.kill(killed, signal.SIGKILL)
                time.sleep(0.01)
        after = set(dask_client.run(os.getpid).values())
    assert as_jsonl(results) == expected
    assert killed is not None and killed not in after  # the nanny started another worker


def test_the_profile_takes_the_extraction_apart_and_gives_its_records(nlp) -> None:
    from pipeline.extract.bench import profile_stages

    articles = [*dev_articles()[:6], *UNRELATED]
    extractor = Extractor(nlp)
    stages = profile_stages(extractor, articles)
    assert stages["records"] == sum(len(result.records) for result in extractor.extract(articles))
    assert stages["windows"] == stages["windows_parsed"] + len(UNRELATED)
    assert {"tokenizer", "tok2vec", "parser", "ner", "partnerships_agreements", "partnerships_places", "assembly"} <= set(stages["cpu_seconds"])
