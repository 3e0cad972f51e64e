"""Site profiles: HTML of one page → ``pipeline.records.Article``, or ``NotAnArticle``.

A profile is a small class whose CSS selectors are class constants; the shared algorithm in
``Profile`` does the rest, so a new CMS is a handful of selectors. When a profile's
selectors find nothing, the generic fallback (``main``/``article``/densest text container)
takes over, so an unknown layout degrades instead of failing.

The text follows the contract: title first, then each heading and paragraph as a block,
blocks separated by a blank line, each list item a line of its own. Menus, sidebars,
footers, cookie banners, share buttons, "À lire aussi" teasers and partner-logo lists are
removed before the text is read. The publication date comes from the page's date line
("Publié le 13/12/2024"), else ``<time datetime>``, else meta tags, in that order.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar
from urllib.parse import urljoin

import dateparser
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from pipeline.records import Article
from pipeline.scraper.errors import NotAnArticle

_BLOCK_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote pre figcaption dd dt td th caption address".split())
_CONTAINER_TAGS = frozenset(
    "div section article main ul ol dl table thead tbody tfoot tr figure details summary center body html".split()
)
_DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select", "nav", "img")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_DATE_LINE = re.compile(r"^\s*(?:publi[ée](?:e)?|mis en ligne|post[ée]|paru)\s+le\s+(.{4,40}?)\s*$", re.IGNORECASE)
_BULLET_START = re.compile(r"^[•▪◦‣·\-–]\s")
_DATE_PARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
_YEAR = re.compile(r"\b\d{4}\b")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_MIN_ARTICLE_WORDS = 40
_TITLE_SEARCH_BLOCKS = 6
"""When the body repeats the title among its first blocks, what precedes it is navigation."""


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def parse_french_date(text: str) -> dt.date | None:
    """A full date written the French way ("13/12/2024", "13 décembre 2024", "le 1er mars 2025").

    Only absolute dates with a four-digit year: a publication line never needs a reference
    date, and relative words ("hier") must not silently become today's date."""
    if not _YEAR.search(text):
        return None
    numeric = _NUMERIC_DATE.fullmatch(text.strip())
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    text = re.sub(r"\b1er\b", "1", text)
    parsed = dateparser.parse(text, languages=["fr"], settings=_DATE_PARSER_SETTINGS)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def _iso_date(value: str) -> dt.date | None:
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


class Profile:
    """The shared algorithm; subclasses only set selectors."""

    name: ClassVar[str] = "generic"
    TITLE: ClassVar[tuple[str, ...]] = ("article h1", "main h1", "h1", "meta[property='og:title']", "title")
    DATE_LINE: ClassVar[tuple[str, ...]] = ()
    TIME: ClassVar[tuple[str, ...]] = ("article time[datetime]", "main time[datetime]", "time[datetime]")
    META_DATE: ClassVar[tuple[str, ...]] = (
        "meta[property='article:published_time']",
        "meta[itemprop='datePublished']",
        "meta[name='date']",
        "meta[name='dcterms.date']",
    )
    BODY: ClassVar[tuple[str, ...]] = ()
    FALLBACK_BODY: ClassVar[tuple[str, ...]] = ("article", "[role='main']", "main", "#content", ".content")
    NOISE: ClassVar[tuple[str, ...]] = (
        "header",
        "footer",
        "aside",
        "[role='navigation']",
        "[role='banner']",
        "[role='contentinfo']",
        "[id*='cookie']",
        "[class*='cookie']",
        "[class*='breadcrumb']",
        "[class*='share']",
        "[class*='partage']",
        "[class*='related']",
        "[class*='lire-aussi']",
        "[class*='partenaire']",
        "[class*='partner']",
        "[class*='sidebar']",
        "[class*='widget']",
        "[class*='pagination']",
        "[class*='pager']",
        "[class*='tags']",
        "[class*='entry-meta']",
        "[class*='entry-footer']",
        "[class*='node__meta']",
        "[hidden]",
        "[aria-hidden='true']",
    )
    NOT_ARTICLE: ClassVar[tuple[str, ...]] = (
        "body[itemtype*='schema.org/Event']",
        "main[itemtype*='schema.org/Event']",
        "body[class*='evenement']",
        "body[class*='single-event']",
    )
    LISTING_ITEMS: ClassVar[tuple[str, ...]] = ("article", ".views-row", ".teaser", ".post-item")

    def parse(self, html: str, url: str, source: str | None = None) -> Article:
        soup = BeautifulSoup(html, "lxml")
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        marked = soup.select_one(", ".join(self.NOT_ARTICLE))
        if marked is not None:
            selector = next(s for s in self.NOT_ARTICLE if marked.css.match(s))
            raise NotAnArticle(url, f"page marked as not an article ({selector})")
        title = self._title(soup)
        if not title:
            raise NotAnArticle(url, "no title")
        published = self._published(soup)
        canonical = soup.select_one("link[rel='canonical'][href]")
        root = soup.body or soup
        self._strip_noise(root)
        for selector in self.LISTING_ITEMS:
            items = root.select(selector)
            if len(items) >= 3 and all(item.select_one("h2 a, h3 a, a h2, a h3") for item in items):
                raise NotAnArticle(url, f"listing page ({len(items)} teasers)")
        body = self._body(root)
        blocks = [(kind, text) for kind, text in _blocks(body) if not _DATE_LINE.match(text)]
        title_at = next((i for i, (_, text) in enumerate(blocks[:_TITLE_SEARCH_BLOCKS]) if text == title), None)
        if title_at is not None:
            blocks = blocks[title_at + 1 :]
        if sum(len(text.split()) for _, text in blocks) < _MIN_ARTICLE_WORDS:
            raise NotAnArticle(url, "too little text for an article")
        return Article(
            url=urljoin(url, str(canonical["href"])) if canonical else url,
            source=source,
            title=title,
            published=published,
            text=_join([("block", title), *blocks]),
        )

    def _title(self, soup: BeautifulSoup) -> str:
        for selector in self.TITLE:
            element = soup.select_one(selector)
            if element is None:
                continue
            text = _clean(str(element.get("content", "")) if element.name == "meta" else element.get_text(" "))
            if text:
                return text
        return ""

    def _published(self, soup: BeautifulSoup) -> dt.date | None:
        for selector in self.DATE_LINE:
            for element in soup.select(selector):
                date = _date_from_line(_clean(element.get_text(" ")))
                if date:
                    return date
        for element in soup.find_all(["p", "div", "span"], limit=400):
            text = _clean(element.get_text(" "))
            if len(text) <= 60 and _DATE_LINE.match(text):
                date = _date_from_line(text)
                if date:
                    return date
        for selector in self.TIME:
            for element in soup.select(selector):
                date = _iso_date(str(element["datetime"]))
                if date:
                    return date
        for selector in self.META_DATE:
            element = soup.select_one(selector)
            if element is not None and element.get("content"):
                date = _iso_date(str(element["content"]))
                if date:
                    return date
        return None

    def _body(self, root: Tag) -> Tag:
        """The profile's body element, else the generic fallback, else the whole (cleaned) page."""
        for selector in (*self.BODY, *self.FALLBACK_BODY):
            element = root.select_one(selector)
            if element is not None and _clean(element.get_text(" ")):
                return element
        return root

    def _strip_noise(self, element: Tag | BeautifulSoup) -> None:
        for tag in element.find_all(_DROPPED_TAGS):
            tag.decompose()
        for tag in element.select(", ".join(self.NOISE)):
            if tag is not element and not tag.decomposed:
                tag.decompose()


def _date_from_line(text: str) -> dt.date | None:
    match = _DATE_LINE.match(text)
    return parse_french_date(match.group(1)) if match else None


def _blocks(root: Tag) -> list[tuple[str, str]]:
    """Blocks of the element: ("block", text) for headings and paragraphs, ("item", text) for list
    items, and for lines the page itself starts with a bullet ("• Eau : …" paragraphs or lines)."""
    blocks: list[tuple[str, str]] = []
    inline: list[str] = []

    def flush(kind: str = "block") -> None:
        text = _clean("".join(inline))
        inline.clear()
        if text:
            blocks.append((kind, text))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                inline.append(str(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                flush()
            elif child.name == "li":
                flush()
                walk(child)
                flush("item")
            elif child.name in _BLOCK_TAGS or child.name in _CONTAINER_TAGS:
                kind = "item" if node.name == "li" else "block"
                flush(kind)
                walk(child)
                flush(kind)
            else:
                walk(child)

    walk(root)
    flush()
    return [("item" if _BULLET_START.match(text) else kind, text) for kind, text in blocks]


def _join(blocks: list[tuple[str, str]]) -> str:
    parts: list[str] = []
    previous = ""
    for kind, text in blocks:
        if parts:
            parts.append("\n" if kind == previous == "item" else "\n\n")
        parts.append(text)
        previous = kind
    return "".join(parts)


class NetworkProfile(Profile):
    """The template shared by six regional networks (Lianes coopération and others):
    ``/actualite/<slug>`` articles with a "Publié le JJ/MM/AAAA" line, ``/evenement/<slug>`` events."""

    name = "network"
    TITLE = ("article.actualite h1", ".titre-page", *Profile.TITLE)
    DATE_LINE = (".date-publication", ".date")
    BODY = (".contenu-actualite", ".entry-content", "article.actualite")
    NOT_ARTICLE = ("body.evenement-template", ".infos-evenement", *Profile.NOT_ARTICLE)


class WordPressProfile(Profile):
    """WordPress themes: ``article.post`` with ``.entry-title``, ``.entry-content`` and ``<time>``."""

    name = "wordpress"
    TITLE = ("h1.entry-title", "article h1", *Profile.TITLE)
    TIME = ("time.entry-date.published[datetime]", "time.published[datetime]", *Profile.TIME)
    BODY = (".entry-content", ".post-content", "article.post")
    NOT_ARTICLE = ("body.page:not(.single-post)", "article.type-page", "body.archive", "body.blog", *Profile.NOT_ARTICLE)


class DrupalProfile(Profile):
    """Drupal 8+ themes: ``node--type-article``, the body field, the date in meta tags."""

    name = "drupal"
    TITLE = ("h1.page-title", ".node--type-article h1", *Profile.TITLE)
    BODY = (".node--type-article .field--name-body", ".field--name-body", ".node__content")
    NOT_ARTICLE = ("body.page-node-type-page", ".node--type-page", ".node--type-event", *Profile.NOT_ARTICLE)


class GenericProfile(Profile):
    """Unknown layouts: only the shared fallback rules."""


PROFILES: dict[str, type[Profile]] = {
    profile.name: profile for profile in (NetworkProfile, WordPressProfile, DrupalProfile, GenericProfile)
}


def profile_for(name: str) -> Profile:
    return PROFILES[name]()
