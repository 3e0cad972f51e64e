"""Benchmark of ``run``'s store and merge stages (not a test): 1,000 articles, SQLite vs PostgreSQL.

The articles and their records come from the fixture site's gold file
(``fixtures/site/gold.jsonl``), repeated under new URLs with the signing year shifted so
that each partnership is reported by a few articles, as in real news: every stored article
goes through ``Store.save_article``, the call ``run`` makes (article, records, merge, one
transaction). Crawl and extraction are left out: their throughput is measured by the
scraper's and the extraction's own benchmarks.

    python -m pipeline.store.bench [--articles 1000] [--db URL ...]

Without ``--db``, a temporary SQLite file. Give ``--db postgresql://…`` (an empty database)
to compare; the figures are printed per store: articles/s and the share of time per stage.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from time import perf_counter

from pipeline.records import Article, GoldArticle, PartnershipRecord, Theme, make_record_id
from pipeline.scraper.crawl import text_hash
from pipeline.store.repository import ArticleToStore, Store

DEFAULT_GOLD = Path("fixtures") / "site" / "gold.jsonl"
REPORTS_PER_PARTNERSHIP = 3
BENCH_MODEL = "bench-gold"


def bench_articles(gold_path: Path, count: int) -> Iterator[tuple[Article, list[PartnershipRecord]]]:
    """``count`` articles with their records, built from the gold file's articles."""
    with gold_path.open(encoding="utf-8") as handle:
        gold = [GoldArticle.model_validate_json(line) for line in handle if line.strip()]
    for index in range(count):
        source = gold[index % len(gold)]
        copy = index // len(gold)
        shift = copy // REPORTS_PER_PARTNERSHIP
        url = f"{source.article.url.rstrip('/')}/bench-{copy}"
        article = source.article.model_copy(update={"url": url, "text": f"{source.article.text}\n\n(copie {copy})"})
        records = []
        for record in source.records:
            signed_on = f"{int(record.signed_on[:4]) - shift:04d}{record.signed_on[4:]}" if record.signed_on else None
            records.append(
                PartnershipRecord(
                    record_id=make_record_id(record.signatories, signed_on),
                    article_url=url,
                    source=article.source,
                    agreement_type=record.agreement_type,
                    signatories=record.signatories,
                    signed_on=signed_on,
                    signing_place=record.signing_place,
                    duration=record.duration,
                    since=record.since,
                    themes=[Theme(label=code, code=code) for code in record.themes],
                    people=record.people,
                    actors=record.actors,
                    confidence=1.0,
                    model_version=BENCH_MODEL,
                )
            )
        yield article, records


def bench_store(url: str, items: list[tuple[Article, list[PartnershipRecord]]]) -> dict[str, object]:
    with Store(url) as store:
        seconds = {"store": 0.0, "merge": 0.0}
        started = perf_counter()
        for article, records in items:
            for stage, value in store.save_article(ArticleToStore(article, records, BENCH_MODEL), text_hash(article)).items():
                seconds[stage] += value
        total = perf_counter() - started
        counts = store.counts()
        dialect = store.dialect
    return {
        "store": dialect,
        "articles": len(items),
        "records": counts["records"],
        "partnerships": counts["partnerships"],
        "seconds": round(total, 2),
        "articles_per_second": round(len(items) / total, 1),
        "share": {stage: round(value / total, 3) for stage, value in seconds.items()}
        | {"other": round(1 - sum(seconds.values()) / total, 3)},
    }


def format_result(result: dict[str, object]) -> str:
    share = result["share"]
    assert isinstance(share, dict)
    parts = ", ".join(f"{stage} {value:.0%}" for stage, value in share.items())
    return (
        f"{result['store']:<11} {result['articles']} articles, {result['records']} records → {result['partnerships']} partnerships "
        f"in {result['seconds']} s: {result['articles_per_second']} articles/s ({parts})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.store.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold file the articles are built from")
    parser.add_argument("--db", action="append", default=[], metavar="URL", help="empty store to fill (repeatable)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    items = list(bench_articles(args.gold, args.articles))
    with tempfile.TemporaryDirectory(prefix="partnerships-bench-") as directory:
        urls = args.db or [f"sqlite:///{directory}/bench.db"]
        results = [bench_store(url, items) for url in urls]
    for result in results:
        print(json.dumps(result) if args.json else format_result(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
