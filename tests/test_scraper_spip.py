"""A SPIP-like, table-laid-out ISO-8859-1 site configured by a sources entry alone, served on localhost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.scraper.crawl import CrawlReport, canonical_url, crawl
from pipeline.scraper.fetch import FetchSettings
from pipeline.scraper.fixture_server import PLACEHOLDER_ORIGIN, FixtureSite
from pipeline.scraper.sources import Source, load_sources, rebase
from pipeline.scraper.state import CrawlState

from .conftest import FIXTURES, read_jsonl

SPIP = FIXTURES / "spip-site"
SETTINGS = FetchSettings(timeout=2.0, max_retries=1, backoff_base=0.05, delay=0.0, per_host_concurrency=4)


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with FixtureSite(SPIP) as server:
        yield server


def _sources(site: FixtureSite, **changes: object) -> list[Source]:
    return [s.model_copy(update=changes) for s in rebase(load_sources(SPIP / "sources.toml"), site.url)]


def _run(sources: list[Source], state_dir: Path) -> CrawlReport:
    async def go() -> CrawlReport:
        async with httpx.AsyncClient() as client:
            return await crawl(sources, client, CrawlState(state_dir), settings=SETTINGS)

    return asyncio.run(go())


def _placeholder(site: FixtureSite, report: CrawlReport) -> list[dict[str, object]]:
    articles = [a.model_dump(mode="json") for a in report.articles]
    for article in articles:
        article["url"] = str(article["url"]).replace(site.url, PLACEHOLDER_ORIGIN)
    return sorted(articles, key=lambda a: str(a["url"]))


def test_the_spip_site_gives_exactly_its_articles_and_nothing_else(site: FixtureSite, tmp_path: Path) -> None:
    site.reset_counts()
    report = _run(_sources(site), tmp_path)
    assert _placeholder(site, report) == sorted(read_jsonl(SPIP / "articles.jsonl"), key=lambda a: a["url"])
    assert report.failed == [] and report.warnings == []
    assert [a.url.replace(site.url, "") for a in report.articles][:2] == ["/spip.php?article41", "/spip.php?article42"]
    skipped = {p.url.replace(site.url, ""): p.reason for p in report.skipped}
    assert skipped == {"/spip.php?page=evenement&id_evenement=7": "excluded page (event or institutional)"}
    fetched = {r.path for r in site.served()}
    assert fetched == {"/robots.txt", "/spip.php"}, "only robots.txt and spip.php pages are asked for"
    assert report.discovered["spip"]["sitemaps"] == [f"{site.url}/spip.php?page=sitemap.xml"]
    assert report.discovered["spip"]["feeds"] == [f"{site.url}/spip.php?page=backend"]
    assert report.notes == [], "the latin-1 feed and sitemap are decoded from their XML declaration"


def test_the_legal_page_of_the_sitemap_and_the_second_listing_page(site: FixtureSite, tmp_path: Path) -> None:
    without_discovery = _run(_sources(site, discover=False), tmp_path)
    urls = {a.url.replace(site.url, "") for a in without_discovery.articles}
    assert "/spip.php?article47" in urls and "/spip.php?article48" in urls, "SPIP's numbered pager is followed"
    assert len(urls) == 8
    with_discovery = _run(_sources(site), tmp_path / "again")
    assert not [a for a in with_discovery.articles if "mentions-legales" in a.url]
    assert site.requests_for("/spip.php") > 0


def test_a_second_crawl_downloads_no_body(site: FixtureSite, tmp_path: Path) -> None:
    first = _run(_sources(site), tmp_path)
    site.reset_counts()
    second = _run(_sources(site), tmp_path)
    assert first.new_articles == 8
    assert second.articles == [] and second.fetched == 0
    assert all(r.status == 304 and r.body_bytes == 0 for r in site.served())


def test_a_listing_without_article_links_is_a_warning_naming_the_source(site: FixtureSite, tmp_path: Path) -> None:
    report = _run(_sources(site, article_url_pattern=r"^/article/\d+$", discover=False), tmp_path)
    assert report.articles == []
    (warning,) = report.warnings
    assert warning.source == "spip" and warning.url == f"{site.url}/spip.php?rubrique2"
    assert "no article link" in warning.reason
    assert "WARNING source spip" in report.summary()


def test_article_patterns_see_the_query_and_path_patterns_keep_working(site: FixtureSite) -> None:
    (spip,) = _sources(site)
    assert spip.is_article_url(f"{site.url}/spip.php?article40")
    assert not spip.is_article_url(f"{site.url}/spip.php?page=contact")
    assert not spip.is_article_url(f"{site.url}/spip.php?rubrique2")
    assert spip.is_skipped_url(f"{site.url}/spip.php?page=evenement&id_evenement=7")
    path_only = spip.model_copy(update={"article_url_pattern": r"^/actualite/[^/]+$"})
    assert path_only.is_article_url(f"{site.url}/actualite/x?page=2")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("http://example.org/spip.php?article40", "http://example.org/spip.php?article40"),
        ("http://example.org/spip.php?article40&utm_source=lettre", "http://example.org/spip.php?article40"),
        ("http://example.org/spip.php?page=evenement&id_evenement=7#haut", "http://example.org/spip.php?page=evenement&id_evenement=7"),
        ("http://example.org/spip.php?rubrique2&debut_articles=5#pagination_articles", "http://example.org/spip.php?rubrique2&debut_articles=5"),
        ("http://example.org/a?q=caf%C3%A9+cr%C3%A8me&xtor=RSS", "http://example.org/a?q=caf%C3%A9+cr%C3%A8me"),
    ],
)
def test_value_less_query_parameters_stay_as_written(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
