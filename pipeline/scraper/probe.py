"""``partnerships sources probe URL``: a ready ``[[source]]`` entry for a site nobody configured yet.

The probe does what a careful user would, politely (robots.txt honoured, one request at a
time, the crawl's delay): reads robots.txt, the sitemaps it names (else ``/sitemap.xml``) and
the feeds the page announces; finds the news listing (the URL given, or the home page's
"Actualités"/"News" link); groups the candidate article links by URL shape
(``/2024/03/12/<slug>/``, ``/node/<n>``, ``spip.php?article<n>``) and proposes the shape the feed and the
listing agree on as ``article_url_pattern`` (event and agenda shapes become
``skip_url_patterns``); recognises the CMS (generator meta, template classes) for the
profile, and keeps it only if it reads the sample articles at least as well as the generic
profile; checks that the listing's next page is found without a selector. It prints the
entry, then, as TOML comments, the title, date and first lines of three sample articles, so
the output can be judged and appended to a sources file as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup

from pipeline.records import Article
from pipeline.scraper.crawl import FEED_TYPES, canonical_url
from pipeline.scraper.errors import NotAnArticle, ScraperError
from pipeline.scraper.fetch import Fetcher, FetchSettings
from pipeline.scraper.listing import next_listing_url
from pipeline.scraper.profiles import PROFILES, profile_for

_LISTING_WORDS = re.compile(r"^\s*(?:toutes les |les )?(?:actualit[ée]s?|actus?|news|nouvelles|blog|articles|presse|infos?)\b", re.IGNORECASE)
_NOT_ARTICLE_WORDS = re.compile(
    r"(?:^|[/?&=_.-])(?:page|tag|tags|category|categorie|rubrique|auteur|author|contact|mentions?|legal|recherche|search"
    r"|plan|feed|backend|rss|login|wp-admin|ecrire|sitemap)(?:$|[/?&=_.\d-])",
    re.IGNORECASE,
)
_EVENT_WORDS = re.compile(r"evenement|événement|agenda|event", re.IGNORECASE)
_SLUG = re.compile(r"^(?=.*[a-z])[a-z0-9]+(?:-[a-z0-9]+){2,}(?:\.html?)?$|^(?=.*[a-z])[\w-]{16,}$", re.IGNORECASE)
_WORD_NUMBER = re.compile(r"^([a-z_]+)(\d+)$", re.IGNORECASE)
_SAMPLES = 3
_MAX_SITEMAPS = 5
_CMS_MARKS = (
    ("spip", ("meta[name='generator'][content*='SPIP']", ".texte", ".chapo", "a[href*='spip.php?article']")),
    ("wordpress", ("meta[name='generator'][content*='WordPress']", ".entry-content", "link[href*='wp-content']")),
    ("drupal", ("meta[name='Generator'][content*='Drupal']", "meta[name='generator'][content*='Drupal']", ".field--name-body")),
    ("network", (".contenu-actualite", "p.date-publication")),
)


@dataclass
class Sample:
    url: str
    article: Article | None
    reason: str | None = None


@dataclass
class Proposal:
    """What the probe found and proposes for one site."""

    base_url: str
    listing: str
    name: str
    article_url_pattern: str | None = None
    skip_url_patterns: list[str] = field(default_factory=list)
    profile: str = "generic"
    next_listing: str | None = None
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    found: int = 0

    def entry(self, source_id: str) -> str:
        """The ``[[source]]`` entry (TOML), followed by the samples as comments."""
        start = self.listing[len(self.base_url) :] or "/"
        lines = [
            "[[source]]",
            f"id = {_toml(source_id)}",
            f"name = {_toml(self.name)}",
            'region = ""  # to fill in',
            f"base_url = {_toml(self.base_url)}",
            f"start_urls = [{_toml(start)}]",
            f"article_url_pattern = {_toml_literal(self.article_url_pattern or '')}",
        ]
        if self.skip_url_patterns:
            lines.append(f"skip_url_patterns = [{', '.join(_toml_literal(p) for p in self.skip_url_patterns)}]")
        lines += [f"profile = {_toml(self.profile)}", "discover = true", ""]
        found = [
            f"# found: {self.found} article URLs; robots.txt read; sitemaps: {', '.join(self.sitemaps) or 'none'}; "
            f"feeds: {', '.join(self.feeds) or 'none'}",
            f"# next listing page: {self.next_listing or 'none found (one listing page only, discovery finds the rest)'}",
        ]
        if not self.article_url_pattern:
            found.append("# no article URL shape found: give article_url_pattern by hand")
        for sample in self.samples:
            found.append(f"# sample {sample.url}")
            if sample.article is None:
                found.append(f"#   not an article: {sample.reason}")
                continue
            found.append(f"#   title: {sample.article.title}")
            found.append(f"#   date:  {sample.article.published or 'none found'}")
            for line in [part for part in sample.article.text.split("\n") if part.strip()][1:4]:
                found.append(f"#   | {line[:110]}{'…' if len(line) > 110 else ''}")
        return "\n".join(lines + found) + "\n"


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_literal(value: str) -> str:
    return f"'{value}'" if "'" not in value else _toml(value)


def url_shape(url: str) -> str:
    """The regular expression of the URL's shape: numbers and slugs generalised, words kept."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    shaped: list[str] = []
    for segment in segments:
        if not segment:
            shaped.append("")
        elif segment.isdigit():
            dated = len(segment) == 4 and segment[:2] in ("19", "20") or len(segment) == 2 and shaped[-1:] in ([r"\d{4}"], [r"\d{2}"])
            shaped.append(rf"\d{{{len(segment)}}}" if dated else r"\d+")
        elif _SLUG.match(segment):
            shaped.append("[^/]+")
        else:
            number = _WORD_NUMBER.match(segment)
            shaped.append(re.escape(number.group(1)) + r"\d+" if number else re.escape(segment))
    shape = "^" + "/".join(shaped)
    if parts.query:
        parameters = []
        for parameter in parts.query.split("&"):
            key, _, value = parameter.partition("=")
            number = _WORD_NUMBER.match(key)
            key_shape = re.escape(number.group(1)) + r"\d+" if number and not value else re.escape(key)
            value_shape = "" if not _ else "=" + (r"\d+" if value.isdigit() else "[^&]+" if _SLUG.match(value) else re.escape(value))
            parameters.append(key_shape + value_shape)
        shape += r"\?" + "&".join(parameters)
    return shape + "$"


class _Probe:
    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher

    async def text(self, url: str) -> str | None:
        try:
            page = await self.fetcher.fetch(url)
        except ScraperError:
            return None
        return page.text

    async def run(self, url: str) -> Proposal:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = await self.text(f"{origin}/robots.txt")
        self.fetcher.set_robots(origin, robots)
        sitemaps = [line.split(":", 1)[1].strip() for line in (robots or "").splitlines() if line.lower().startswith("sitemap:")]
        page = await self.text(url) or ""
        soup = BeautifulSoup(page, "lxml")
        listing, listing_soup = url, soup
        if parts.path in ("", "/") and not parts.query:  # a home page: its "Actualités" link is the listing
            for link in soup.select("a[href]"):
                if _LISTING_WORDS.match(link.get_text(" ", strip=True)):
                    candidate = canonical_url(urljoin(url, str(link["href"])))
                    if urlsplit(candidate).netloc == parts.netloc and candidate != url:
                        listing = candidate
                        listing_soup = BeautifulSoup(await self.text(candidate) or "", "lxml")
                        break
        proposal = Proposal(base_url=origin, listing=listing, name=_site_name(soup, parts.netloc))
        feeds = [
            urljoin(url, str(link["href"]))
            for doc in (soup, listing_soup)
            for link in doc.select("link[rel='alternate'][href]")
            if str(link.get("type", "")).lower() in FEED_TYPES
        ]
        proposal.feeds = list(dict.fromkeys(feeds))
        feed_links = [link for feed in proposal.feeds for link in await self._feed_links(feed)]
        sitemap_links = await self._sitemap_links(sitemaps or [f"{origin}/sitemap.xml"], proposal)
        listing_links = self._links(listing_soup, listing, origin)
        proposal.article_url_pattern, proposal.skip_url_patterns = _choose_shape(feed_links, listing_links, sitemap_links)
        proposal.next_listing = next_listing_url(listing_soup, listing, 1)
        if proposal.article_url_pattern:
            pattern = re.compile(proposal.article_url_pattern)
            articles = [u for u in dict.fromkeys(feed_links + listing_links + sitemap_links) if _matches(pattern, u)]
            proposal.found = len(articles)
            await self._sample(articles, listing_soup, proposal)
        return proposal

    def _links(self, soup: BeautifulSoup, base: str, origin: str) -> list[str]:
        links = []
        for anchor in soup.select("a[href]"):
            href = str(anchor["href"])
            if href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            url = canonical_url(urljoin(base, href))
            if url.startswith(origin + "/") and url != canonical_url(base):
                links.append(url)
        return list(dict.fromkeys(links))

    async def _feed_links(self, feed: str) -> list[str]:
        soup = BeautifulSoup(await self.text(feed) or "", "xml")
        links = [link.get_text(strip=True) or str(link.get("href", "")) for link in soup.select("item > link, entry > link")]
        return [canonical_url(link) for link in links if link]

    async def _sitemap_links(self, sitemaps: list[str], proposal: Proposal) -> list[str]:
        queue, links = list(dict.fromkeys(sitemaps)), []
        while queue and len(proposal.sitemaps) < _MAX_SITEMAPS:
            sitemap = queue.pop(0)
            text = await self.text(sitemap)
            if text is None:
                continue
            proposal.sitemaps.append(sitemap)
            soup = BeautifulSoup(text, "xml")
            queue += [loc.get_text(strip=True) for loc in soup.select("sitemap > loc")]
            links += [canonical_url(loc.get_text(strip=True)) for loc in soup.select("url > loc")]
        return links

    async def _sample(self, articles: list[str], listing_soup: BeautifulSoup, proposal: Proposal) -> None:
        """Parse up to three articles with the recognised CMS's profile and with the generic one;
        the CMS profile is kept unless the generic one reads more of them."""
        pages = []
        for url in articles[: _SAMPLES * 2]:
            text = await self.text(url)
            if text is not None:
                pages.append((url, text))
            if len(pages) == _SAMPLES:
                break
        candidates = list(dict.fromkeys([*_recognised_profiles(listing_soup, pages), "generic"]))
        best: list[Sample] = []
        for name in candidates:
            samples = [_parse(name, url, text) for url, text in pages]
            if not best or _score(samples) > _score(best):
                proposal.profile, best = name, samples
        proposal.samples = best


def _parse(profile: str, url: str, html: str) -> Sample:
    try:
        return Sample(url, profile_for(profile).parse(html, url))
    except NotAnArticle as error:
        return Sample(url, None, error.reason)


def _score(samples: list[Sample]) -> int:
    """Articles read. Dates are not counted: on an undated article the generic profile's htmldate
    may give a sidebar's date, where the template's profile rightly gives none."""
    return sum(s.article is not None for s in samples)


def _recognised_profiles(listing: BeautifulSoup, pages: list[tuple[str, str]]) -> list[str]:
    votes: Counter[str] = Counter()
    for soup in [listing, *(BeautifulSoup(text, "lxml") for _, text in pages)]:
        for name, marks in _CMS_MARKS:
            if any(soup.select_one(mark) is not None for mark in marks):
                votes[name] += 1
    return [name for name, _ in votes.most_common() if name in PROFILES]


def _matches(pattern: re.Pattern[str], url: str) -> bool:
    parts = urlsplit(url)
    return bool(pattern.search(parts.path) or (parts.query and pattern.search(f"{parts.path}?{parts.query}")))


def _choose_shape(feed: list[str], listing: list[str], sitemap: list[str]) -> tuple[str | None, list[str]]:
    """The article URL shape: the one most feed items have, else the most frequent slug- or
    number-bearing shape of the listing's links (sitemap links break ties); shapes of event or
    agenda pages among the listing's links are proposed as skip patterns."""
    def shapes(urls: list[str]) -> Counter[str]:
        counted: Counter[str] = Counter()
        for url in dict.fromkeys(urls):
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if _NOT_ARTICLE_WORDS.search(target) or _EVENT_WORDS.search(target):
                continue
            shape = url_shape(url)
            if r"\d" in shape or "[^/]+" in shape:
                counted[shape] += 1
        return counted

    skips = sorted({_event_skip(u) for u in listing if _EVENT_WORDS.search(urlsplit(u).path + "?" + urlsplit(u).query)})
    from_feed = shapes(feed)
    if from_feed:
        return from_feed.most_common(1)[0][0], skips
    from_listing, from_sitemap = shapes(listing), shapes(sitemap)
    ranked = sorted(from_listing, key=lambda s: (from_listing[s] >= 2, from_listing[s], from_sitemap[s]), reverse=True)
    if ranked:
        return ranked[0], skips
    return (from_sitemap.most_common(1)[0][0] if from_sitemap else None), skips


def _event_skip(url: str) -> str:
    parts = urlsplit(url)
    for parameter in parts.query.split("&"):
        if _EVENT_WORDS.search(parameter):
            return r"[?&]" + re.escape(parameter.split("=", 1)[0]) + ("=" + re.escape(parameter.split("=", 1)[1]) if "=" in parameter else "")
    segment = next(s for s in parts.path.split("/") if _EVENT_WORDS.search(s))
    return "/" + re.escape(segment) + "(/|$)"


def _site_name(soup: BeautifulSoup, host: str) -> str:
    meta = soup.select_one("meta[property='og:site_name'][content]")
    if meta is not None:
        return str(meta["content"]).strip()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    return re.split(r"\s+[|–—-]\s+", title)[-1] if title else host


def default_id(url: str) -> str:
    host = (urlsplit(url).hostname or "site").removeprefix("www.")
    return re.sub(r"[^a-z0-9_-]+", "-", host.split(".")[0].lower()).strip("-") or "site"


async def probe(url: str, client: httpx.AsyncClient, settings: FetchSettings | None = None) -> Proposal:
    """Probe one site (only its own host is fetched)."""
    settings = settings or FetchSettings()
    fetcher = Fetcher(client, frozenset({urlsplit(url).netloc.lower()}), FetchSettings(**{**settings.__dict__, "per_host_concurrency": 1}))
    return await _Probe(fetcher).run(canonical_url(url))


# ---------------------------------------------------------------------------- command line
def add_sources_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="sources_command", required=True, metavar="ACTION")
    probe_parser = actions.add_parser("probe", help="propose a [[source]] entry for a new site", description=(
        "Read the site's robots.txt, sitemaps and feeds, find its news listing, propose an article URL pattern, "
        "a profile and the pagination, and print a ready [[source]] entry followed by the title, date and first "
        "lines of three sample articles (as TOML comments). Polite: robots.txt, one request at a time, --delay."))
    probe_parser.add_argument("url", metavar="URL", help="the site's home page or news listing")
    probe_parser.add_argument("--id", dest="source_id", help="id of the proposed source (default: from the host name)")
    probe_parser.add_argument("--delay", type=float, default=FetchSettings.delay, help="seconds between requests (default: %(default)s)")
    probe_parser.add_argument("--timeout", type=float, default=FetchSettings.timeout, help="seconds per request")


def run_sources(args: argparse.Namespace) -> int:
    if not urlsplit(args.url).scheme.startswith("http") or not urlsplit(args.url).netloc:
        print(f"partnerships sources probe: {args.url!r} is not an http(s) URL", file=sys.stderr)
        return 2
    settings = FetchSettings(delay=args.delay, timeout=args.timeout)

    async def go() -> Proposal:
        async with httpx.AsyncClient() as client:
            return await probe(args.url, client, settings)

    proposal = asyncio.run(go())
    print(proposal.entry(args.source_id or default_id(args.url)), end="")
    if not proposal.article_url_pattern or not any(s.article for s in proposal.samples):
        print("partnerships sources probe: no article found; the entry needs editing", file=sys.stderr)
        return 1
    return 0
