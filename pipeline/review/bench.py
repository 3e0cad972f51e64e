"""Benchmark of the review page: ``python -m pipeline.review.bench [--partnerships N] [--db URL]``.

Fills a throwaway SQLite store (or the empty store at ``--db``) with N synthetic
partnerships (default 10,000; one article of about 2,500 characters and one record each, a
tenth of them accepted, one in fifty with its partner country corrected), makes their
reviewed rows with the store's own code, then times, in-process through the ASGI app, every
page an analyst opens: the queue's first and last pages, filtered, sorted, searched, a
record page, the overview and the API. Each is rendered repeatedly; the median and the
slowest are printed with the ratio of the median to a baseline measured in the same run,
the login page (the framework, the middleware and a template, no query). The target is
200 ms per median; the exit status is 1 when one misses it.
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

from pipeline.records import Article, PartnershipRecord, Party, ThemeCode, make_record_id
from pipeline.review.app import create_app
from pipeline.store import reviewed, schema
from pipeline.store.repository import Store
from pipeline.store.schema import canonical_json, utc_now

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
        text = f"{french} et {foreign} signent une convention\n\n" + (
            f"Le {signed}, {french} et {foreign} ont signé une convention de coopération décentralisée "
            "pour trois ans. Elle porte sur l'eau potable et la formation des agents municipaux.\n\n" * 12
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
        partnerships.append({"id": record.record_id, "countries": countries, "status": "new", "conflicts": "{}", "document": document})
        if number % 10 == 0:
            decisions.append(
                {"partnership_id": record.record_id, "field": "status", "value": '"accepted"', "reviewer": "bench", "note": None, "decided_at": now}
            )
        if number % 50 == 1:
            corrected = [parties[0].model_dump(), {**parties[1].model_dump(), "country": "TG"}]
            decisions.append(
                {"partnership_id": record.record_id, "field": "signatories", "value": canonical_json(corrected), "reviewer": "bench", "note": None, "decided_at": now}
            )
    return articles, records, partnerships, decisions


def fill(store: Store, count: int) -> None:
    """The synthetic rows, then their statuses and reviewed rows as the store makes them."""
    articles, records, partnerships, decisions = synthetic_rows(count)
    with store.engine.begin() as connection:
        for table, rows in (
            (schema.articles, articles),
            (schema.records, records),
            (schema.partnerships, partnerships),
            (schema.review_decisions, decisions),
        ):
            connection.execute(sa.insert(table), rows)
        reviewed.fill_missing(connection)


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
    parser.add_argument("--db", metavar="URL", help="an empty store to fill (default: a throwaway SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="review-bench-") as directory, Store(args.db or f"sqlite:///{Path(directory) / 'bench.db'}") as store:
        started = time.perf_counter()
        fill(store, args.partnerships)
        print(f"{store.dialect}: {args.partnerships} partnerships stored and their reviewed rows made in {time.perf_counter() - started:.1f}s")
        client = TestClient(create_app(store))
        with store.engine.connect() as connection:
            ids = list(connection.execute(sa.select(schema.partnerships.c.id).order_by(schema.partnerships.c.id)).scalars())
        last_page = -(-args.partnerships // 50)
        far_record = ids[len(ids) * 3 // 4]
        pages: dict[str, Callable[[], int]] = {
            "queue, first page": lambda: client.get("/queue").status_code,
            f"queue, page {last_page}": lambda: client.get(f"/queue?page={last_page}").status_code,
            "queue, status + country": lambda: client.get("/queue?status=new&country=SN").status_code,
            "queue, country + theme": lambda: client.get("/queue?country=SN&theme=energy").status_code,
            "queue, corrected country": lambda: client.get("/queue?country=TG").status_code,
            "queue, date range": lambda: client.get("/queue?date_from=2010&date_to=2012-06").status_code,
            "queue, sorted by country": lambda: client.get(f"/queue?sort=country&page={last_page // 2}").status_code,
            "queue, free text": lambda: client.get("/queue?q=partenaire%20999").status_code,
            "queue, free text, accents": lambda: client.get("/queue?q=S%C3%A9n%C3%A9gal%20formation").status_code,
            "record page": lambda: client.get(f"/records/{far_record}?status=new&sort=country").status_code,
            "overview": lambda: client.get("/overview").status_code,
            "api, 50 records": lambda: client.get("/api/partnerships?per_page=50").status_code,
            "api, filtered, far page": lambda: client.get("/api/partnerships?country=SN&per_page=50&page=12").status_code,
        }
        baseline, _ = timed(lambda: client.get("/login").status_code, args.repeats)
        slow = False
        print(f"{'page':<28} {'median ms':>10} {'max ms':>8} {'x baseline':>11}")
        print(f"{'baseline: login page':<28} {baseline * 1000:>10.1f} {'':>8} {1.0:>11.1f}")
        for name, render in pages.items():
            median, slowest = timed(render, args.repeats)
            slow |= median > TARGET_SECONDS
            print(f"{name:<28} {median * 1000:>10.1f} {slowest * 1000:>8.1f} {median / baseline:>11.1f}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
