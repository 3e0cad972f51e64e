"""One crawl of the configured sources: listings, pagination, discovery, article pages.

Incremental by design: every page already seen is asked for conditionally, a 304 listing is
re-read from the archive (its links are still needed), and an article is reported only when
it is new or its content changed. Failures never stop the crawl: each is reported with its
URL and reason and, not being remembered, is tried again on the next run.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import httpx
from bs4 import BeautifulSoup

from pipeline.records import Article
from pipeline.scraper.errors import NotAnArticle, OffHost, RobotsDisallowed, ScraperError
from pipeline.scraper.fetch import Fetcher, FetchSettings, Page, decode_body
from pipeline.scraper.listing import next_listing_url
from pipeline.scraper.profiles import profile_for
from pipeline.scraper.sources import Source
from pipeline.scraper.state import CrawlMemory

log = logging.getLogger(__name__)

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "xtor", "_ga", "_gl", "igshid", "yclid", "at_medium", "at_campaign"}
)
FEED_TYPES = ("application/rss+xml", "application/atom+xml")

ProgressCallback = Callable[[str, str], None]
"""Called with (event, url); events: fetched, not_modified, unchanged, article, skipped, failed."""


def canonical_url(url: str) -> str:
    """The URL an article is known by: lower-case scheme and host, no default port, no fragment,
    no tracking parameters (utm_*, fbclid, xtor…); other parameters stay as written, in their
    order (SPIP's value-less ``?article40`` is not ``?article40=``)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    kept = [parameter for parameter in parts.query.split("&") if parameter and not _is_tracking(parameter)]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def _is_tracking(parameter: str) -> bool:
    key = unquote_plus(parameter.split("=", 1)[0]).lower()
    return key.startswith("utm_") or key in TRACKING_PARAMETERS


def text_hash(article: Article) -> str:
    return hashlib.sha256(" ".join(article.text.split()).encode()).hexdigest()


@dataclass(frozen=True)
class Problem:
    """A URL the crawl could not use, and why."""

    source: str
    url: str
    reason: str


@dataclass
class CrawlReport:
    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    articles: list[Article] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    discovered: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def new_articles(self) -> int:
        return len(self.articles)

    def summary(self) -> str:
        lines = [
            f"fetched: {self.fetched}, not modified: {self.not_modified + self.unchanged}, "
            f"new articles: {self.new_articles}, skipped: {len(self.skipped)}, failed: {len(self.failed)}"
        ]
        lines += [f"  WARNING source {p.source}: {p.url}: {p.reason}" for p in self.warnings]
        lines += [f"  failed  {p.url}: {p.reason}" for p in self.failed]
        lines += [f"  note    {p.url}: {p.reason}" for p in self.notes]
        for source, found in self.discovered.items():
            lines += [f"  found   {source} {kind}: {', '.join(urls)}" for kind, urls in found.items() if urls]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Parsed:
    url: str
    article: Article
    page: Page
    sha256: str


class _Crawl:
    def __init__(
        self, fetcher: Fetcher, state: CrawlMemory, report: CrawlReport, progress: ProgressCallback | None
    ) -> None:
        self.fetcher = fetcher
        self.state = state
        self.report = report
        self.progress = progress or (lambda event, url: None)
        self._robots_tasks: dict[str, asyncio.Task[list[str]]] = {}
        self._claimed_text: dict[str, str] = {}

    async def source(self, source: Source) -> None:
        origin = _origin(source.absolute("/"))
        sitemaps = await self._robots(source, origin)
        article_urls: list[str] = []
        feeds: list[str] = [source.absolute(source.feed)] if source.feed else []
        for start in source.start_urls:
            next_url: str | None = source.absolute(start)
            for page_number in range(1, source.max_listing_pages + 1):
                if next_url is None:
                    break
                listing = await self._listing(source, next_url, page_number)
                if listing is None:
                    break
                links, next_url, page_feeds = listing
                article_urls += links
                feeds += [f for f in page_feeds if f not in feeds]
        if source.discover or source.sitemap or source.feed:
            if source.sitemap:
                sitemaps = [source.absolute(source.sitemap), *sitemaps]
            if source.discover and not sitemaps:
                sitemaps = [source.absolute("/sitemap.xml")]
            found = await self._discover(source, sitemaps, feeds if (source.discover or source.feed) else [])
            article_urls += found
        unique = list(dict.fromkeys(article_urls))
        parsed = await asyncio.gather(*(self._article(source, url) for url in unique))
        self._keep_new(source, [item for item in parsed if item is not None])

    async def _robots(self, source: Source, origin: str) -> list[str]:
        """Load an origin's robots.txt once per crawl; returns its Sitemap lines."""
        if origin not in self._robots_tasks:
            self._robots_tasks[origin] = asyncio.create_task(self._load_robots(source, origin))
        return list(await self._robots_tasks[origin])

    async def _load_robots(self, source: Source, origin: str) -> list[str]:
        url = f"{origin}/robots.txt"
        page = await self._get(source, url, quiet=True)
        text = self._text_of(url, page) if page is not None else None
        self.fetcher.set_robots(origin, text)
        sitemaps = [
            line.split(":", 1)[1].strip()
            for line in (text or "").splitlines()
            if line.lower().startswith("sitemap:")
        ]
        self.report.discovered.setdefault(source.id, {})["robots.txt"] = [url] if text is not None else []
        return sitemaps

    async def _listing(self, source: Source, url: str, page_number: int) -> tuple[list[str], str | None, list[str]] | None:
        page = await self._get(source, url)
        if page is None:
            return None
        soup = BeautifulSoup(self._text_of(url, page), "lxml")
        links = self._article_links(source, url, (str(a.get("href", "")) for a in soup.select(source.article_links)))
        if not links and page_number == 1:
            self._warn(
                source,
                url,
                f"listing gave no article link (article_links {source.article_links!r}, "
                f"article_url_pattern {source.article_url_pattern!r}): check the source entry",
            )
        next_url = next_listing_url(soup, url, page_number, source.pagination)
        if next_url is not None:
            next_url = canonical_url(next_url)
            try:
                self.fetcher.check_host(next_url)
            except OffHost:
                next_url = None
        feeds = [
            urljoin(url, str(link["href"]))
            for link in soup.select("link[rel='alternate'][href]")
            if str(link.get("type", "")).lower() in FEED_TYPES
        ]
        return links, next_url, feeds

    def _article_links(self, source: Source, base: str, hrefs: Iterable[str]) -> list[str]:
        links: list[str] = []
        for href in hrefs:
            if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
                continue
            url = canonical_url(urljoin(base, href))
            if url in links:
                continue
            if not source.is_article_url(url):
                if source.is_skipped_url(url):
                    self._skip(source, url, "excluded page (event or institutional)")
                continue
            if urlsplit(url).netloc not in source.hosts:
                self._skip(source, url, "link to another host, not fetched")
                continue
            links.append(url)
        return links

    async def _discover(self, source: Source, sitemaps: list[str], feeds: list[str]) -> list[str]:
        found: list[str] = []
        sitemap_queue = list(dict.fromkeys(sitemaps))
        seen_sitemaps: list[str] = []
        while sitemap_queue and len(seen_sitemaps) < 20:
            sitemap = sitemap_queue.pop(0)
            seen_sitemaps.append(sitemap)
            page = await self._get(source, sitemap, quiet=True)
            if page is None:
                continue
            soup = BeautifulSoup(self._text_of(sitemap, page), "xml")
            for index_entry in soup.select("sitemap > loc"):
                nested = index_entry.get_text(strip=True)
                if nested not in seen_sitemaps and nested not in sitemap_queue:
                    sitemap_queue.append(nested)
            found += self._article_links(source, sitemap, (loc.get_text(strip=True) for loc in soup.select("url > loc")))
        read_feeds: list[str] = []
        for feed in dict.fromkeys(feeds):
            page = await self._get(source, feed, quiet=True)
            if page is None:
                continue
            read_feeds.append(feed)
            soup = BeautifulSoup(self._text_of(feed, page), "xml")
            hrefs = [link.get_text(strip=True) or str(link.get("href", "")) for link in soup.select("item > link, entry > link")]
            found += self._article_links(source, feed, hrefs)
        found_here = self.report.discovered.setdefault(source.id, {})
        found_here["sitemaps"] = [s for s in seen_sitemaps]
        found_here["feeds"] = read_feeds
        found_here["article urls"] = [str(len(set(found)))]
        return found

    async def _article(self, source: Source, url: str) -> _Parsed | None:
        """Fetch and parse one article page; None when not modified, failed or not an article."""
        previous = self.state.page(url)
        page = await self._get(source, url, remember=False)
        if page is None or page.not_modified:
            return None
        digest = self.state.archive(page.body, page.headers, url=url, status=page.status)
        if previous is not None and previous.sha256 == digest:
            self.report.unchanged += 1
            self.state.remember(url, source=source.id, validators=page.validators, sha256=digest, text_hash=previous.text_hash)
            self.progress("unchanged", url)
            return None
        final_url = canonical_url(page.final_url)
        if not source.is_article_url(final_url):
            self.state.remember(url, source=source.id, validators=page.validators, sha256=digest)
            self._skip(source, url, f"redirected to {final_url}, which is not an article URL of the source")
            return None
        try:
            article = profile_for(source.profile, **source.selectors).parse(page.text, page.final_url, source.id)
        except NotAnArticle as error:
            self.state.remember(url, source=source.id, validators=page.validators, sha256=digest)
            self._skip(source, url, error.reason)
            return None
        article_url = canonical_url(article.url)
        if urlsplit(article_url).netloc not in source.hosts or not source.is_article_url(article_url):
            article_url = final_url
        return _Parsed(url, article.model_copy(update={"url": article_url}), page, digest)

    def _keep_new(self, source: Source, parsed: list[_Parsed]) -> None:
        """In listing order, keep each text once: a later URL with the same text is a duplicate."""
        for item in parsed:
            digest_of_text = text_hash(item.article)
            earlier = self._claimed_text.get(digest_of_text) or self.state.url_with_text(digest_of_text)
            self.state.remember(
                item.url, source=source.id, validators=item.page.validators, sha256=item.sha256, text_hash=digest_of_text
            )
            if earlier is not None and earlier != item.url:
                self._skip(source, item.url, f"same text as {earlier}")
                continue
            self._claimed_text[digest_of_text] = item.url
            self.report.articles.append(item.article)
            self.progress("article", item.url)

    async def _get(self, source: Source, url: str, *, quiet: bool = False, remember: bool = True) -> Page | None:
        """Fetch (conditionally when seen); None on failure, reported unless ``quiet`` (probes)."""
        try:
            if urlsplit(url).netloc not in source.hosts:
                raise OffHost(url)
            seen = self.state.page(url)
            page = await self.fetcher.fetch(url, seen.validators if seen else None)
        except RobotsDisallowed as error:
            self._skip(source, url, error.reason)
            return None
        except ScraperError as error:
            if not quiet:
                self.report.failed.append(Problem(source.id, url, error.reason))
                self.progress("failed", url)
            log.info("%s: %s", url, error.reason)
            return None
        if page.not_modified:
            self.report.not_modified += 1
            self.progress("not_modified", url)
            return page
        self.report.fetched += 1
        self.progress("fetched", url)
        self.report.notes += [Problem(source.id, url, note) for note in page.notes]
        if remember:
            digest = self.state.archive(page.body, page.headers, url=url, status=page.status)
            self.state.remember(url, source=source.id, validators=page.validators, sha256=digest)
        return page

    def _text_of(self, url: str, page: Page) -> str:
        """The page's text; for a 304, the archived copy's."""
        if not page.not_modified:
            return page.text
        seen = self.state.page(url)
        if seen is None:
            return ""
        body = self.state.archived(seen.sha256)
        headers = self.state.archived_fetches(seen.sha256)[-1]["headers"]
        content_type = headers.get("content-type", "") if isinstance(headers, dict) else ""
        declared = content_type.split("charset=")[-1].strip() if "charset=" in content_type else None
        return decode_body(body, declared)[0]

    def _warn(self, source: Source, url: str, reason: str) -> None:
        """Something the user must fix in the source entry: logged as a warning and listed first."""
        problem = Problem(source.id, url, reason)
        if problem not in self.report.warnings:
            self.report.warnings.append(problem)
            log.warning("source %s: %s: %s", source.id, url, reason)

    def _skip(self, source: Source, url: str, reason: str) -> None:
        problem = Problem(source.id, url, reason)
        if problem not in self.report.skipped:
            self.report.skipped.append(problem)
            self.progress("skipped", url)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def crawl(
    sources: list[Source],
    client: httpx.AsyncClient,
    state: CrawlMemory,
    *,
    settings: FetchSettings | None = None,
    progress: ProgressCallback | None = None,
) -> CrawlReport:
    """Crawl every source once; new and changed Articles are in ``report.articles``."""
    hosts = frozenset().union(*(s.hosts for s in sources)) if sources else frozenset()
    fetcher = Fetcher(client, hosts, settings)
    report = CrawlReport()
    run = _Crawl(fetcher, state, report, progress)
    await asyncio.gather(*(run.source(source) for source in sources))
    state.save()
    report.articles.sort(key=lambda a: a.url)
    return report
