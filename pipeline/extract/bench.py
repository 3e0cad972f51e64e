"""``partnerships bench``: extraction throughput against raw spaCy, on the same texts, in one process.

The baseline is ``nlp.pipe`` of the bare French model over the articles' texts; the measured
run is the full extraction (blocks, rule components, assembly, records). Both see the same
articles, repeated to the requested count. With ``rounds`` above 1 the two alternate and the
fastest of each is kept, which is what a machine shared with other work allows; process CPU
seconds are reported beside wall seconds for the same reason. Timing passes run without memory
tracing; peak memory is then measured by tracemalloc on a smaller pass of each.

``profile_stages`` runs the extractor's stages one at a time over the same articles and times
each: block splitting, the lexical screen, the tokenizer, each component of the French model,
the agreement finder, each enrichment component, the assembly (``--profile``). Several
processes and machines: ``pipeline.extract.bench_scale`` (``--workers``).
"""

from __future__ import annotations

import gc
import itertools
import json
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy

from pipeline.extract.assembly import ArticleView
from pipeline.extract.blocks import normalise_text, split_blocks
from pipeline.extract.extractor import Extractor, _windows, window_reports_agreement
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


def repeated(corpus: list[Article], count: int) -> list[Article]:
    return list(itertools.islice(itertools.cycle(corpus), count))


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and process CPU seconds of one call."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _peak(run) -> int:
    gc.collect()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def run_benchmark(corpus: Path | None = None, articles: int = 1000, rounds: int = 1, profile: bool = False) -> dict[str, Any]:
    source = corpus or default_corpus()
    sample = repeated(load_corpus(source), articles)
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
        records = sum(len(result.records) for result in extractor.extract(items))

    raw_runs, full_runs = [], []
    for _ in range(rounds):
        raw_runs.append(_timed(lambda: raw(texts)))
        full_runs.append(_timed(lambda: full(sample)))
    (raw_seconds, raw_cpu), (full_seconds, full_cpu) = min(raw_runs), min(full_runs)
    raw_peak = _peak(lambda: raw(texts[:MEMORY_SAMPLE]))
    full_peak = _peak(lambda: full(sample[:MEMORY_SAMPLE]))
    result = {
        "corpus": str(source),
        "articles": len(sample),
        "words": words,
        "model": config["model"]["base"],
        "rounds": rounds,
        "raw_spacy": _figures(len(sample), words, raw_seconds, raw_cpu, raw_peak),
        "extraction": _figures(len(sample), words, full_seconds, full_cpu, full_peak) | {"records": records},
        "throughput_ratio": round(raw_seconds / full_seconds, 3),
        "cpu_ratio": round(raw_cpu / full_cpu, 3),
        "memory_sample_articles": min(MEMORY_SAMPLE, len(sample)),
    }
    if profile:
        result["stages"] = profile_stages(extractor, sample)
    return result


def _figures(articles: int, words: int, seconds: float, cpu: float, peak: int) -> dict[str, Any]:
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "docs_per_s": round(articles / seconds, 1), "words_per_s": round(words / seconds), "peak_mib": round(peak / 2**20, 1)}


def profile_stages(extractor: Extractor, articles: list[Article]) -> dict[str, Any]:
    """``Extractor.extract`` taken apart: the same work, one stage at a time over all the
    articles, each stage timed (process CPU seconds). Gives the same records (``records``)."""
    nlp = extractor.nlp
    seconds: Counter[str] = Counter()

    def timed(stage: str, run: Callable[[], Any]) -> Any:
        started = time.process_time()
        value = run()
        seconds[stage] += time.process_time() - started
        return value

    windows = timed("blocks", lambda: [(i, a, text, w) for i, a in enumerate(articles) for text in [normalise_text(a.text)] for w in _windows(split_blocks(text, a.title))])
    kept = timed("lexical screen", lambda: [w for w in windows if extractor.may_report_agreement(w[3])])

    def tokenize() -> list:
        docs = []
        for _, article, _, blocks in kept:
            for block in blocks:
                doc = nlp.make_doc(block.text)
                doc._.published = article.published
                docs.append(doc)
        return docs

    docs = timed("tokenizer", tokenize)
    for name, component in nlp.pipeline:
        if name in extractor.enrichment:
            continue
        if hasattr(component, "pipe"):
            docs = timed(name, lambda c=component, d=docs: list(c.pipe(d, batch_size=extractor.batch_size)))
        else:
            docs = timed(name, lambda c=component, d=docs: [c(doc) for doc in d])
    records = 0
    position = 0
    seen: set[int] = set()
    for index, article, text, blocks in kept:
        block_docs, position = docs[position : position + len(blocks)], position + len(blocks)
        titled = index not in seen
        seen.add(index)
        if not window_reports_agreement(block_docs, blocks, titled):
            continue
        for name in extractor.enrichment:
            component = nlp.get_pipe(name)
            block_docs = timed(name, lambda c=component, d=block_docs: [c(doc) for doc in d])
        records += timed("assembly", lambda: len(extractor.assembler.assemble(ArticleView(article, text, blocks, block_docs))))
    total = sum(seconds.values())
    return {
        "windows": len(windows),
        "windows_parsed": len(kept),
        "blocks_parsed": len(docs),
        "records": records,
        "cpu_seconds": {stage: round(value, 2) for stage, value in seconds.most_common()},
        "share": {stage: round(value / total, 3) for stage, value in seconds.most_common()},
    }


def format_bench(result: dict[str, Any]) -> str:
    rows = [
        f"corpus: {result['corpus']} repeated to {result['articles']} articles, {result['words']} words; model {result['model']}; "
        f"fastest of {result['rounds']} round(s)",
        f"{'':12}{'seconds':>10}{'CPU s':>10}{'docs/s':>10}{'words/s':>10}{'peak MiB':>10}",
    ]
    for name in ("raw_spacy", "extraction"):
        figures = result[name]
        rows.append(
            f"{name:12}{figures['seconds']:>10}{figures['cpu_seconds']:>10}{figures['docs_per_s']:>10}{figures['words_per_s']:>10}{figures['peak_mib']:>10}"
        )
    rows.append(f"extraction / raw spaCy throughput: {result['throughput_ratio']:.3f} (CPU time: {result['cpu_ratio']:.3f}; target >= 0.8)")
    rows.append(f"(peak memory by tracemalloc over the first {result['memory_sample_articles']} articles of each run)")
    if "stages" in result:
        stages = result["stages"]
        rows.append(
            f"stages (CPU s; {stages['windows_parsed']} of {stages['windows']} windows parsed, {stages['blocks_parsed']} blocks, "
            f"{stages['records']} records):"
        )
        rows += [f"  {stage:28}{value:>8.2f}{stages['share'][stage]:>8.1%}" for stage, value in stages["cpu_seconds"].items()]
    return "\n".join(rows)
