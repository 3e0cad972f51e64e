"""`partnerships sources probe`: the entry it proposes for unseen fixture sites crawls them as well as a hand-written one."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.cli import main
from pipeline.scraper.crawl import crawl
from pipeline.scraper.fetch import FetchSettings
from pipeline.scraper.fixture_server import PLACEHOLDER_ORIGIN, FixtureSite
from pipeline.scraper.probe import Proposal, probe, url_shape
from pipeline.scraper.sources import Source
from pipeline.scraper.state import CrawlState

from .conftest import FIXTURES, read_jsonl

SETTINGS = FetchSettings(delay=0.0, timeout=2.0, max_retries=1, backoff_base=0.05, per_host_concurrency=4)


@pytest.fixture(scope="module")
def spip_site() -> Iterator[FixtureSite]:
    with FixtureSite(FIXTURES / "spip-site") as server:
        yield server


@pytest.fixture(scope="module")
def network_sites() -> Iterator[FixtureSite]:
    with FixtureSite(FIXTURES / "site") as server:
        yield server


def _probe(url: str) -> Proposal:
    async def go() -> Proposal:
        async with httpx.AsyncClient() as client:
            return await probe(url, client, SETTINGS)

    return asyncio.run(go())


def _crawl_entry(entry: str, state: Path) -> list[dict[str, object]]:
    (source,) = [Source.model_validate({**s, "region": "test"}) for s in tomllib.loads(entry)["source"]]

    async def go() -> list[dict[str, object]]:
        async with httpx.AsyncClient() as client:
            report = await crawl([source], client, CrawlState(state), settings=SETTINGS)
        assert report.failed == [] and report.warnings == []
        return [a.model_dump(mode="json") for a in report.articles]

    return asyncio.run(go())


def _placeholder(site: FixtureSite, articles: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted((str(a["url"]).replace(site.url, PLACEHOLDER_ORIGIN), a["title"], a["published"], a["text"]) for a in articles)


def test_probe_of_the_spip_site_proposes_an_entry_that_finds_every_article(spip_site: FixtureSite, tmp_path: Path) -> None:
    proposal = _probe(spip_site.url + "/")
    assert proposal.article_url_pattern == r"^/spip\.php\?article\d+$"
    assert proposal.profile == "spip"
    assert proposal.listing == spip_site.url + "/spip.php?rubrique2"
    assert proposal.skip_url_patterns == [r"[?&]page=evenement"]
    assert proposal.sitemaps == [spip_site.url + "/spip.php?page=sitemap.xml"]
    assert proposal.next_listing == spip_site.url + "/spip.php?rubrique2&debut_articles=5#pagination_articles"
    assert [s.article is not None and s.article.published is not None for s in proposal.samples] == [True] * 3
    expected = [(a["url"], a["title"], a["published"], a["text"]) for a in read_jsonl(FIXTURES / "spip-site" / "articles.jsonl")]
    assert _placeholder(spip_site, _crawl_entry(proposal.entry("spip"), tmp_path)) == sorted(expected)


@pytest.mark.parametrize(("listing", "source", "profile"), [("/wp-network/actualites/", "wp", "wordpress"), ("/drupal-network/actualites", "drupal", "drupal"), ("/lianes/actualites", "lianes", "network")])
def test_probe_of_cms_sites_recognises_the_template(network_sites: FixtureSite, tmp_path: Path, listing: str, source: str, profile: str) -> None:
    proposal = _probe(network_sites.url + listing)
    assert proposal.profile == profile
    gold = sorted(
        (line["article"]["url"], line["article"]["title"], line["article"]["published"], line["article"]["text"])
        for line in read_jsonl(FIXTURES / "site" / "gold.jsonl")
        if line["article"]["source"] == source
    )
    crawled = _placeholder(network_sites, _crawl_entry(proposal.entry(source), tmp_path))
    assert crawled == gold


def test_the_entry_shows_three_samples_and_the_command_prints_it(spip_site: FixtureSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "probe", spip_site.url + "/", "--id", "sud-est", "--delay", "0"]) == 0
    out = capsys.readouterr().out
    entry = tomllib.loads(out)["source"][0]
    assert entry["id"] == "sud-est" and entry["discover"] is True
    assert out.count("# sample ") == 3 and out.count("#   title: ") == 3 and out.count("#   date:  2024-") == 3
    assert main(["sources", "probe", "not-a-url"]) == 2


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("http://x.org/2024/03/12/un-titre-d-article/", r"^/\d{4}/\d{2}/\d{2}/[^/]+/$"),
        ("http://x.org/node/1234", r"^/node/\d+$"),
        ("http://x.org/spip.php?article40", r"^/spip\.php\?article\d+$"),
        ("http://x.org/actualites/signature-d-une-convention-avec-kolda", r"^/actualites/[^/]+$"),
        ("http://x.org/index.php?option=com_content&id=12", r"^/index\.php\?option=com_content&id=\d+$"),
    ],
)
def test_url_shapes(url: str, shape: str) -> None:
    assert url_shape(url) == shape
