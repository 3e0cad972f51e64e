"""``partnerships bench``: extraction throughput against raw spaCy, on the same texts, in one process.

The baseline is ``nlp.pipe`` of the bare French model over the articles' texts; the measured
run is the full extraction (blocks, rule components, assembly, records). Both see the same
articles, repeated to the requested count. Timing passes run without memory tracing; peak
memory is then measured by tracemalloc on a smaller pass of each, since tracing slows Python.
"""

from __future__ import annotations

import gc
import itertools
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import spacy

from pipeline.extract import Extractor
from pipeline.extract.model import read_model_config
from pipeline.records import Article

MEMORY_SAMPLE = 200


def load_corpus(path: Path) -> list[Article]:
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                payload = json.loads(line)
                articles.append(Article.model_validate(payload.get("article", payload)))
    return articles


def default_corpus() -> Path:
    """The shared dev corpus beside the repository when it is there, else the bundled seed article."""
    repo = Path.cwd()
    for candidate in (repo.parent / "shared" / "corpus" / "dev.jsonl", repo / "fixtures" / "seed.jsonl"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("no corpus found: pass --corpus FILE")


def _timed(run) -> float:
    gc.collect()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _peak(run) -> int:
    gc.collect()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def run_benchmark(corpus: Path | None = None, articles: int = 1000) -> dict[str, Any]:
    source = corpus or default_corpus()
    base = load_corpus(source)
    sample = list(itertools.islice(itertools.cycle(base), articles))
    texts = [a.text for a in sample]
    words = sum(len(t.split()) for t in texts)
    config = read_model_config()
    raw_nlp = spacy.load(config["model"]["base"])
    extractor = Extractor()
    # warm both up so that lazy loading is not timed
    list(raw_nlp.pipe(texts[:5]))
    list(extractor.extract(sample[:5]))

    def raw(items: list[str]) -> None:
        for _ in raw_nlp.pipe(items, batch_size=32):
            pass

    records = 0

    def full(items: list[Article]) -> None:
        nonlocal records
        for result in extractor.extract(items):
            records += len(result.records)

    raw_seconds = _timed(lambda: raw(texts))
    full_seconds = _timed(lambda: full(sample))
    raw_peak = _peak(lambda: raw(texts[:MEMORY_SAMPLE]))
    full_peak = _peak(lambda: full(sample[:MEMORY_SAMPLE]))
    return {
        "corpus": str(source),
        "articles": len(sample),
        "words": words,
        "model": config["model"]["base"],
        "raw_spacy": {"seconds": round(raw_seconds, 2), "docs_per_s": round(len(sample) / raw_seconds, 1), "words_per_s": round(words / raw_seconds), "peak_mib": round(raw_peak / 2**20, 1)},
        "extraction": {"seconds": round(full_seconds, 2), "docs_per_s": round(len(sample) / full_seconds, 1), "words_per_s": round(words / full_seconds), "peak_mib": round(full_peak / 2**20, 1), "records": records},
        "throughput_ratio": round(raw_seconds / full_seconds, 3),
        "memory_sample_articles": min(MEMORY_SAMPLE, len(sample)),
    }


def format_bench(result: dict[str, Any]) -> str:
    rows = [
        f"corpus: {result['corpus']} repeated to {result['articles']} articles, {result['words']} words; model {result['model']}",
        f"{'':12}{'seconds':>10}{'docs/s':>10}{'words/s':>10}{'peak MiB':>10}",
    ]
    for name in ("raw_spacy", "extraction"):
        figures = result[name]
        rows.append(f"{name:12}{figures['seconds']:>10}{figures['docs_per_s']:>10}{figures['words_per_s']:>10}{figures['peak_mib']:>10}")
    rows.append(f"extraction / raw spaCy throughput: {result['throughput_ratio']:.3f} (target >= 0.6)")
    rows.append(f"(peak memory by tracemalloc over the first {result['memory_sample_articles']} articles of each run)")
    return "\n".join(rows)
