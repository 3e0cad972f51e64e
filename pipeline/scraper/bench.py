"""Benchmark (not a test): crawl a generated 500-article site on localhost, delay 0.

``python -m pipeline.scraper.bench [--articles N] [--site DIR]`` builds, in a
temporary directory, a site of N network-template article pages (the fixture site's Lianes
pages of typical size, each given a numbered title so no two texts are equal) with paginated listings,
serves it with the fixture server, crawls it with the politeness delay at 0, and prints
pages/s and the parse time per page (parsing measured again alone on the fetched pages).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from pathlib import Path

import httpx

from pipeline.scraper.crawl import crawl
from pipeline.scraper.fetch import FetchSettings
from pipeline.scraper.fixture_server import FixtureSite
from pipeline.scraper.profiles import profile_for
from pipeline.scraper.sources import Source, demo_site_dir
from pipeline.scraper.state import CrawlState

ARTICLES_PER_LISTING = 20
TYPICAL_PAGE_LIMIT = 200_000
"""Templates above this size (the fixture site's deliberately huge trap page) are left out."""
_TITLE = re.compile(r'(<h1 class="titre-page">)(.*?)(</h1>)')


def build_site(template_dir: Path, target: Path, articles: int) -> None:
    """Numbered copies of the template articles, and listing pages linking them."""
    templates = sorted(
        p
        for p in template_dir.glob("*.html")
        if p.stat().st_size < TYPICAL_PAGE_LIMIT and _TITLE.search(p.read_text(encoding="utf-8"))
    )
    pages = target / "bench" / "actualite"
    pages.mkdir(parents=True)
    links: list[str] = []
    for number in range(articles):
        template = templates[number % len(templates)].read_text(encoding="utf-8")
        page = _TITLE.sub(lambda m: f"{m.group(1)}{m.group(2)} (n° {number}){m.group(3)}", template, count=1)
        (pages / f"article-{number}.html").write_text(page, encoding="utf-8")
        links.append(f'<li><h3><a href="/bench/actualite/article-{number}">Article {number}</a></h3></li>')
    listings = target / "bench" / "actualites"
    listings.mkdir(parents=True)
    chunks = [links[i : i + ARTICLES_PER_LISTING] for i in range(0, len(links), ARTICLES_PER_LISTING)]
    for index, chunk in enumerate(chunks, start=1):
        following = f'<a class="page-suivante" href="/bench/actualites/{index + 1}">Suivante</a>' if index < len(chunks) else ""
        html = f"<html><head><meta charset='utf-8'></head><body><ul class='liste'>{''.join(chunk)}</ul>{following}</body></html>"
        (listings / f"{index}.html").write_text(html, encoding="utf-8")


async def _crawl(source: Source, state: CrawlState, concurrency: int) -> tuple[int, int, float]:
    settings = FetchSettings(delay=0.0, per_host_concurrency=concurrency, timeout=30.0)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:
        started = time.perf_counter()
        report = await crawl([source], client, state, settings=settings)
        return report.fetched, report.new_articles, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--site", type=Path, default=None, help="fixture site with the template pages (default: the demo's)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent requests to the host")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "site"
        build_site((args.site or demo_site_dir()) / "lianes" / "actualite", root, args.articles)
        with FixtureSite(root) as site:
            source = Source(
                id="bench",
                name="Banc d'essai",
                region="—",
                base_url=site.url,  # type: ignore[arg-type]
                start_urls=["/bench/actualites/1"],
                article_links=".liste a[href]",
                pagination="a.page-suivante",
                max_listing_pages=args.articles // ARTICLES_PER_LISTING + 1,
                article_url_pattern=r"^/bench/actualite/[^/]+$",
                profile="network",
            )
            state = CrawlState(Path(work) / "state")
            fetched, new, seconds = asyncio.run(_crawl(source, state, args.concurrency))
        profile = profile_for("network")
        bodies = [page.read_text(encoding="utf-8") for page in sorted((root / "bench" / "actualite").glob("*.html"))]
        started = time.perf_counter()
        for body in bodies:
            profile.parse(body, "http://bench/actualite/x", "bench")
        parse_seconds = time.perf_counter() - started
        size = sum(len(b) for b in bodies) / len(bodies) / 1024
    print(f"crawl: {fetched} pages fetched ({new} new articles) in {seconds:.2f} s: {fetched / seconds:.1f} pages/s")
    print(f"parse: {parse_seconds / len(bodies) * 1000:.2f} ms per article page (mean page {size:.1f} KiB)")


if __name__ == "__main__":
    main()
