"""Benchmark of the review page: ``python -m pipeline.review.bench [--partnerships N]``.

Fills a throwaway SQLite store with N synthetic partnerships (default 10,000; one article
and one record each, a tenth of them reviewed), then times, in-process through the ASGI
app, the queue's first page, a filtered queue page, a far page of the queue and a record
page, reporting the median and the slowest of repeated renders. The target is 200 ms for
each; the exit status is 1 when a median misses it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from pipeline.records import Article, Party, PartnershipRecord, ThemeCode, make_record_id
from pipeline.review.app import create_app
from pipeline.store import schema
from pipeline.store.repository import Store, canonical_json, utc_now

TARGET_SECONDS = 0.2
COUNTRIES = ("SN", "ML", "BF", "MA", "TN", "JP", "DE", "CA", "VN", "BJ", "MG", "HT", "UA", "PS", "LB")
SOURCES = ("lianes", "cites-unies", "presse-locale")


def synthetic_rows(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Articles, records, partnerships and decisions rows for ``count`` partnerships."""
    articles, records, partnerships, decisions = [], [], [], []
    themes = list(ThemeCode)
    now = utc_now()
    for number in range(count):
        country = COUNTRIES[number % len(COUNTRIES)]
        french, foreign = f"Commune {number}", f"Ville partenaire {number}"
        signed = dt.date(2000 + number % 26, 1 + number % 12, 1 + number % 28).isoformat()
        text = (
            f"{french} et {foreign} signent une convention\n\n"
            f"Le {signed}, {french} et {foreign} ont signé une convention de coopération décentralisée "
            "pour trois ans. Elle porte sur l'eau potable et la formation des agents municipaux.\n\n" * 3
        )
        url = f"https://bench.invalid/article/{number}"
        article = Article(url=url, source=SOURCES[number % len(SOURCES)], title=text.split("\n", 1)[0], published=signed, text=text)
        parties = [Party(name=french, kind="municipality", country="FR"), Party(name=foreign, kind="municipality", country=country)]
        date_at = text.index(signed)
        record = PartnershipRecord(
            record_id=make_record_id(parties, signed),
            article_url=url,
            source=article.source,
            agreement_type="cooperation_agreement",
            agreement_label="convention de coopération décentralisée",
            signatories=parties,
            signed_on=signed,
            duration="P3Y",
            themes=[{"label": themes[number % len(themes)].value, "code": themes[number % len(themes)].value}],
            evidence=[{"field": "signed_on", "start": date_at, "end": date_at + len(signed), "text": signed, "rule": "bench"}],
            confidence=0.8,
            model_version="bench",
        )
        document = canonical_json(record.model_dump(mode="json"))
        countries = "|".join(sorted(("FR", country)))
        articles.append(
            {
                "url": url,
                "source": article.source,
                "published": signed,
                "text_hash": f"bench-{number}",
                "document": canonical_json(article.model_dump(mode="json")),
                "extracted_with": "bench",
            }
        )
        records.append(
            {
                "article_url": url,
                "ordinal": 0,
                "record_id": record.record_id,
                "countries": countries,
                "model_version": "bench",
                "partnership_id": record.record_id,
                "document": document,
            }
        )
        reviewed = number % 10 == 0
        partnerships.append(
            {"id": record.record_id, "countries": countries, "status": "accepted" if reviewed else "new", "conflicts": "{}", "document": document}
        )
        if reviewed:
            decisions.append(
                {"partnership_id": record.record_id, "field": "status", "value": '"accepted"', "reviewer": "bench", "note": None, "decided_at": now}
            )
    return articles, records, partnerships, decisions


def fill(store: Store, count: int) -> None:
    articles, records, partnerships, decisions = synthetic_rows(count)
    with store.engine.begin() as connection:
        for table, rows in (
            (schema.articles, articles),
            (schema.records, records),
            (schema.partnerships, partnerships),
            (schema.review_decisions, decisions),
        ):
            connection.execute(sa.insert(table), rows)


def timed(render: Callable[[], int], repeats: int) -> tuple[float, float]:
    """Median and slowest seconds of ``repeats`` renders, after one warm-up."""
    assert render() == 200
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        status = render()
        seconds.append(time.perf_counter() - started)
        assert status == 200
    return statistics.median(seconds), max(seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.review.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="review-bench-") as directory, Store(f"sqlite:///{Path(directory) / 'bench.db'}") as store:
        started = time.perf_counter()
        fill(store, args.partnerships)
        print(f"store filled with {args.partnerships} partnerships in {time.perf_counter() - started:.1f}s")
        client = TestClient(create_app(store))
        with store.engine.connect() as connection:
            record_id = connection.execute(sa.select(schema.partnerships.c.id).limit(1)).scalar_one()
        last_page = -(-args.partnerships // 50)
        pages: dict[str, Callable[[], int]] = {
            "queue, first page": lambda: client.get("/queue").status_code,
            "queue, country + theme": lambda: client.get("/queue?country=SN&theme=energy").status_code,
            "queue, free text": lambda: client.get("/queue?q=partenaire%20999").status_code,
            f"queue, page {last_page}": lambda: client.get(f"/queue?page={last_page}").status_code,
            "record page": lambda: client.get(f"/records/{record_id}").status_code,
            "api, 50 records": lambda: client.get("/api/partnerships?per_page=50").status_code,
        }
        slow = False
        print(f"{'page':<28} {'median ms':>10} {'max ms':>8}")
        for name, render in pages.items():
            median, slowest = timed(render, args.repeats)
            slow |= median > TARGET_SECONDS
            print(f"{name:<28} {median * 1000:>10.1f} {slowest * 1000:>8.1f}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
