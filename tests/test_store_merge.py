"""Merging: records of different articles describing one signing become one partnership,
on SQLite and PostgreSQL, with the real extraction pipeline."""

from __future__ import annotations

import json

from pipeline.extract import Extractor
from pipeline.records import Article
from pipeline.scraper.crawl import text_hash
from pipeline.store.repository import ArticleToStore, Store
from tests.store_fixtures import STORE_FIXTURES, extractor, postgres_server, store, store_url  # noqa: F401 - fixtures

MERGE_ARTICLES = [Article.model_validate(json.loads(line)) for line in (STORE_FIXTURES / "merge_articles.jsonl").open(encoding="utf-8")]
SAME_SIGNING = {MERGE_ARTICLES[0].url, MERGE_ARTICLES[1].url}


def _store_all(store: Store, extractor: Extractor, articles: list[Article]) -> None:
    for result in extractor.extract(articles):
        assert result.error is None
        store.save_article(ArticleToStore(result.article, result.records, extractor.model_version), text_hash(result.article))


def test_two_articles_on_one_signing_make_one_partnership_and_their_durations_are_flagged(
    store: Store, extractor: Extractor
) -> None:
    _store_all(store, extractor, MERGE_ARTICLES)
    partnerships = store.partnerships()
    assert len(partnerships) == 2
    (merged,) = [p for p in partnerships if set(p.articles) == SAME_SIGNING]
    (earlier,) = [p for p in partnerships if p is not merged]
    assert merged.document["signed_on"] == "2024-03-12"  # the day refines the month: no conflict
    assert "signed_on" not in merged.conflicts
    assert merged.status == "flagged"
    assert sorted(v["value"] for v in merged.conflicts["duration"]) == ["P3Y", "P5Y"]
    assert {a for v in merged.conflicts["duration"] for a in v["articles"]} == SAME_SIGNING
    assert {t["code"] for t in merged.document["themes"]} >= {"water_sanitation", "youth"}
    assert {r["record_id"] for r in merged.records} == {merged.id}
    assert earlier.articles == [MERGE_ARTICLES[2].url] and earlier.status == "new"
    assert earlier.document["signed_on"] == "2019-06-03"


def test_merging_does_not_depend_on_the_order_articles_arrive_in(store: Store, extractor: Extractor) -> None:
    _store_all(store, extractor, list(reversed(MERGE_ARTICLES)))
    by_articles = {tuple(p.articles): (p.id, p.document, p.conflicts) for p in store.partnerships()}
    with Store(store.url.replace("store.db", "other.db")) if store.dialect == "sqlite" else store as again:
        if again is store:  # PostgreSQL: start over in the same database
            for article in MERGE_ARTICLES:
                store.save_article(ArticleToStore(article, [], extractor.model_version), text_hash(article))
        _store_all(again, extractor, MERGE_ARTICLES)
        assert {tuple(p.articles): (p.id, p.document, p.conflicts) for p in again.partnerships()} == by_articles


def test_a_review_decision_settles_a_conflict_and_follows_re_storing(store: Store, extractor: Extractor) -> None:
    _store_all(store, extractor, MERGE_ARTICLES)
    (merged,) = [p for p in store.partnerships() if set(p.articles) == SAME_SIGNING]
    store.decide(merged.id, "duration", "P3Y", reviewer="analyste", note="d'après la délibération")
    (settled,) = [p for p in store.partnerships() if p.id == merged.id]
    assert settled.status == "new" and settled.document["duration"] == "P3Y"
    _store_all(store, extractor, MERGE_ARTICLES)  # the same articles extracted again
    store.decide(merged.id, "status", "accepted", reviewer="analyste")
    (accepted,) = store.partnerships("accepted")
    assert accepted.id == merged.id and accepted.document["duration"] == "P3Y"
    assert store.partnerships("flagged") == []


def test_a_review_decision_that_would_break_the_record_is_refused(store: Store, extractor: Extractor) -> None:
    _store_all(store, extractor, MERGE_ARTICLES[:1])
    (partnership,) = store.partnerships()
    for field, value in (("duration", "cinq ans"), ("status", "maybe"), ("colour", "red")):
        try:
            store.decide(partnership.id, field, value, reviewer="analyste")
        except ValueError:
            continue
        raise AssertionError(f"{field}={value!r} was accepted")
    assert store.partnerships()[0].document == partnership.document
