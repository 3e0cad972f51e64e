"""The crawler against the real fixture server on localhost (no mocked transport)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.records import Article
from pipeline.scraper.crawl import CrawlReport, canonical_url, crawl
from pipeline.scraper.fetch import FetchSettings
from pipeline.scraper.fixture_server import PLACEHOLDER_ORIGIN, FixtureSite
from pipeline.scraper.sources import Source, load_sources, rebase
from pipeline.scraper.state import CrawlState

from .conftest import FIXTURES, read_jsonl

SITE = FIXTURES / "site"
TEST_SETTINGS = FetchSettings(
    timeout=0.5, max_retries=2, backoff_base=0.05, max_retry_after=1.5, delay=0.0, max_bytes=4_000_000, per_host_concurrency=4
)


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with FixtureSite(SITE, slow_seconds=1.5) as server:
        yield server


def _sources(site: FixtureSite, *files: str) -> list[Source]:
    return rebase([s for f in files for s in load_sources(SITE / f)], site.url)


def _run(sources: list[Source], state_dir: Path) -> CrawlReport:
    async def go() -> CrawlReport:
        async with httpx.AsyncClient() as client:
            return await crawl(sources, client, CrawlState(state_dir), settings=TEST_SETTINGS)

    return asyncio.run(go())


def _placeholder(site: FixtureSite, article: Article) -> dict[str, object]:
    data = article.model_dump(mode="json")
    data["url"] = str(data["url"]).replace(site.url, PLACEHOLDER_ORIGIN)
    return data


def test_the_fixture_site_gives_exactly_the_gold_articles(site: FixtureSite, tmp_path: Path) -> None:
    report = _run(_sources(site, "sources.toml"), tmp_path)
    parsed = sorted((_placeholder(site, a) for a in report.articles), key=lambda a: str(a["url"]))
    gold = sorted((line["article"] for line in read_jsonl(SITE / "gold.jsonl")), key=lambda a: a["url"])
    assert parsed == gold
    assert report.failed == []


def test_events_drafts_duplicates_and_legal_pages_are_skipped_with_reasons(site: FixtureSite, tmp_path: Path) -> None:
    site.reset_counts()
    report = _run(_sources(site, "sources.toml"), tmp_path)
    reasons = {p.url.replace(site.url, ""): p.reason for p in report.skipped}
    assert reasons["/lianes/evenement/rencontre-regionale-2025"] == "excluded page (event or institutional)"
    assert reasons["/lianes/actualite/brouillon-ne-pas-publier"] == "disallowed by robots.txt"
    assert reasons["/lianes/actualite/bethune-et-kedougou-signent-une-convention-de-cooperation-2"].startswith("same text as")
    assert "not an article" in reasons["/drupal-network/node/90"]
    assert site.served("/lianes/evenement/") == []
    assert site.served("/lianes/actualite/brouillon") == []
    assert report.discovered["wp"]["feeds"] == [f"{site.url}/wp-network/feed.xml"]
    assert report.discovered["wp"]["sitemaps"] == [f"{site.url}/wp-network/sitemap.xml"]


def test_a_second_crawl_makes_only_conditional_requests_and_downloads_no_body(site: FixtureSite, tmp_path: Path) -> None:
    sources = _sources(site, "sources.toml")
    first = _run(sources, tmp_path)
    site.reset_counts()
    second = _run(sources, tmp_path)
    served = site.served()
    assert served, "the second crawl asked nothing"
    assert all(r.conditional and r.status == 304 and r.body_bytes == 0 for r in served), served
    assert second.articles == []
    assert second.fetched == 0
    assert second.not_modified == len(served)
    assert first.new_articles == 22


def test_no_fault_stops_the_crawl_and_each_is_reported(site: FixtureSite, tmp_path: Path) -> None:
    site.reset_counts()
    started = time.monotonic()
    report = _run(_sources(site, "sources.toml", "sources-faults.toml"), tmp_path)
    elapsed = time.monotonic() - started
    failed = {p.url.replace(site.url, ""): p.reason for p in report.failed}
    skipped = {p.url.replace(site.url, "").replace(site.other_host_url, "//other"): p.reason for p in report.skipped}
    articles = {a.url.replace(site.url, ""): a for a in report.articles}

    assert [r.status for r in site.served("/faults/actualite/flaky")] == [500, 200]
    assert "/faults/actualite/flaky" in articles
    assert [r.status for r in site.served("/faults/actualite/busy")] == [429, 200]
    assert "/faults/actualite/busy" in articles
    assert elapsed >= 1.0, "Retry-After: 1 was not honoured"
    assert failed["/faults/actualite/slow"] == "no complete answer within 0.5s"
    slow_requests = site.requests_for("/faults/actualite/slow")
    assert slow_requests == TEST_SETTINGS.max_retries + 1
    assert failed["/faults/actualite/loop"].startswith("redirect loop")
    assert "/faults/actualite/new-home" in articles, "a redirected article is known by its final URL"
    assert skipped["/faults/actualite/moved-away"].startswith("redirected to "), "a page redirected off the pattern is no article"
    assert not [url for url in articles if "a-propos" in url]
    assert failed["/faults/actualite/huge"] == "body larger than 4000000 bytes, download cut"
    assert site.served("/faults/actualite/huge")[0].body_bytes < 20 * 1024 * 1024
    charset = articles["/faults/actualite/wrong-charset"]
    assert "jeu de caractères déclaré à tort" in charset.title
    assert "Béthune" in charset.text
    assert any(n.url.endswith("/wrong-charset") and "utf-8 does not decode" in n.reason for n in report.notes)
    assert skipped["/faults/actualite/private"] == "disallowed by robots.txt"
    assert site.served("/faults/actualite/private") == []
    assert skipped["//other/faults/actualite/elsewhere"] == "link to another host, not fetched"
    assert not [r for r in site.served() if r.host.startswith("localhost")]
    assert len([a for a in report.articles if a.source != "faults"]) == 22

    site.reset_counts()
    again = _run(_sources(site, "sources-faults.toml"), tmp_path)
    assert {p.url for p in again.failed} == {site.url + u for u in failed}
    assert site.requests_for("/faults/actualite/slow") == slow_requests + TEST_SETTINGS.max_retries + 1


def test_the_archive_keeps_every_fetched_body_with_its_headers(site: FixtureSite, tmp_path: Path) -> None:
    report = _run(_sources(site, "sources.toml"), tmp_path)
    state = CrawlState(tmp_path)
    article = next(a for a in report.articles if a.source == "drupal" and a.url.endswith("/node/58"))
    seen = state.page(article.url)
    assert seen is not None and seen.etag
    body = state.archived(seen.sha256)
    assert "Bad Reichenhall".encode("latin-1") in body
    fetch = state.archived_fetches(seen.sha256)[0]
    assert fetch["url"] == article.url
    assert fetch["headers"]["content-type"] == "text/html; charset=iso-8859-1"  # type: ignore[index]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.ORG:80/a/b?utm_source=x&page=2&fbclid=1#top", "http://example.org/a/b?page=2"),
        ("https://example.org/actualite/x?xtor=RSS-1", "https://example.org/actualite/x"),
        ("https://example.org:8443/node/1?page=1&q=eau", "https://example.org:8443/node/1?page=1&q=eau"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_canonical_urls_drop_tracking_parameters_only(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_gold_file_is_valid_contract_gold() -> None:
    from pipeline.records import GoldArticle

    lines = read_jsonl(SITE / "gold.jsonl")
    assert len(lines) >= 20
    for line in lines:
        GoldArticle.model_validate(line)
    assert json.dumps(lines, ensure_ascii=False).count("fixture.invalid") == len(lines)
