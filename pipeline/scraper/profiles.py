"""Site profiles: HTML of one page → ``pipeline.records.Article``, or ``NotAnArticle``.

A profile is a small class whose CSS selectors are class constants; the shared algorithm in
``Profile`` (beautifulsoup4) does the rest, so a new CMS is a handful of selectors. A source
can name its own ``title_selector``, ``date_selector`` and ``body_selector``: they are tried
before the profile's. Whatever the selectors miss falls back to the generic reader
(``pipeline.scraper.generic``: trafilatura for the main text, ``pipeline.scraper.dates``
for the date), which is also all the ``generic`` profile is.

The text follows the contract (``pipeline.scraper.blocks``). Noise — menus, sidebars,
share buttons, "À lire aussi" teasers, partner lists — is removed inside the body only, by
class *words* (``sidebar``, ``share-buttons``), never by substrings (``content-sidebar-wrap``
is a layout wrapper) and never when it holds most of the body's text. The publication date
comes from the profile's date elements, else a publication line in the article's part of the
page ("Publié le 13/12/2024", "Mis en ligne le …", also in ``<font>`` or a table cell), else
``<time datetime>``, JSON-LD and meta tags.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, Tag

from pipeline.records import Article
from pipeline.scraper import generic
from pipeline.scraper.blocks import article_blocks, blocks_of, join, word_count
from pipeline.scraper.dates import (
    bare_date_line,
    clean,
    date_in_text,
    furniture_name,
    iso_date,
    publication_line,
    published_in_tree,
)
from pipeline.scraper.errors import NotAnArticle

MIN_ARTICLE_WORDS = 40
_DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select", "nav", "img")
_LINE_TAGS = ("p", "div", "span", "font", "small", "em", "i", "b", "strong", "td", "li", "time", "abbr", "address", "dd")
_BARE_DATE_SEARCH = 12
"""Elements after the title where a line that is only a date is the publication date."""
_DATE_ELEMENT_CHARS = 40
"""A date element this short holds the date and nothing else."""
_WRAPPER_SHARE = 0.5
"""An element holding more than this share of the body's text is never noise: it is a wrapper."""


def _noise_by_name(tag: Tag) -> bool:
    return furniture_name(" ".join([*(tag.get("class") or []), str(tag.get("id") or "")]))


def _split_selector(selector: str) -> list[str]:
    """``".chapo, .texte"`` → ``[".chapo", ".texte"]`` (commas inside parentheses are kept)."""
    parts, depth, current = [], 0, ""
    for char in selector:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [p for p in (*parts, current.strip()) if p]


class Profile:
    """The shared algorithm; subclasses only set selectors."""

    name: ClassVar[str] = "generic"
    TITLE: ClassVar[tuple[str, ...]] = ("article h1", "main h1")
    DATE_LINE: ClassVar[tuple[str, ...]] = ()
    TIME: ClassVar[tuple[str, ...]] = ("article time[datetime]", "main time[datetime]", "time[datetime]")
    BODY: ClassVar[tuple[str, ...]] = ()
    """Each entry is a selector list: the body is the first element matching each of its
    selectors, in page order (``".chapo, .texte"`` is the chapô and the text)."""
    NOISE: ClassVar[tuple[str, ...]] = (
        "footer",
        "aside",
        "[role='navigation']",
        "[role='banner']",
        "[role='contentinfo']",
        "[role='complementary']",
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

    def __init__(
        self, *, title_selector: str | None = None, date_selector: str | None = None, body_selector: str | None = None
    ) -> None:
        self.title_selectors = (title_selector,) if title_selector else ()
        self.date_selectors = (date_selector,) if date_selector else ()
        self.body_selectors = (body_selector,) if body_selector else ()

    def parse(self, html: str, url: str, source: str | None = None) -> Article:
        soup = BeautifulSoup(html, "lxml")
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        marked = soup.select_one(", ".join(self.NOT_ARTICLE))
        if marked is not None:
            selector = next(s for s in self.NOT_ARTICLE if marked.css.match(s))
            raise NotAnArticle(url, f"page marked as not an article ({selector})")
        root = soup.body or soup
        for tag in root.find_all(_DROPPED_TAGS):
            tag.decompose()
        body = self._body(root)
        title_element, title = self._title(soup, root)
        if not title:
            raise NotAnArticle(url, "no title")
        published, date_text = self._published(soup, html, url, title_element, body)
        if body:
            self._strip_noise(body)
            blocks = [block for element in body for block in blocks_of(element)]
        else:
            self._refuse_listing(url, root)
            blocks = generic.read(html, url, with_date=False).blocks
        blocks = article_blocks([b for b in blocks if b[1] != date_text], title)
        if word_count(blocks) < MIN_ARTICLE_WORDS:
            raise NotAnArticle(url, "too little text for an article")
        canonical = soup.select_one("link[rel='canonical'][href]")
        return Article(
            url=urljoin(url, str(canonical["href"])) if canonical else url,
            source=source,
            title=title,
            published=published,
            text=join([("block", title), *blocks]),
        )

    def published(self, html: str, url: str) -> dt.date | None:
        """The page's publication date alone (what ``parse`` would give it, article or not)."""
        soup = BeautifulSoup(html, "lxml")
        root = soup.body or soup
        title_element, _ = self._title(soup, root)
        return self._published(soup, html, url, title_element, self._body(root))[0]

    # ------------------------------------------------------------------ parts of the page
    def _title(self, soup: BeautifulSoup, root: Tag) -> tuple[Tag | None, str]:
        for selector in (*self.title_selectors, *self.TITLE):
            element = soup.select_one(selector)
            if element is None:
                continue
            text = clean(str(element.get("content", "")) if element.name == "meta" else element.get_text(" "))
            if text:
                return element, text
        declared = [
            str(meta.get("content", ""))
            for meta in soup.select("meta[property='og:title'][content], meta[name='twitter:title'][content]")
        ]
        if soup.title is not None:
            declared.append(soup.title.get_text(" "))
        headings = root.find_all("h1", limit=8)
        title = generic.choose_title([clean(h.get_text(" ")) for h in headings], [clean(d) for d in declared])
        element = next((h for h in headings if clean(h.get_text(" ")) == title), None)
        return element, title

    def _body(self, root: Tag) -> list[Tag]:
        """The configured body, else the profile's; [] when neither is on the page."""
        for selector_list in (*self.body_selectors, *self.BODY):
            found: list[Tag] = []
            for selector in _split_selector(selector_list):
                element = root.select_one(selector)
                if element is not None and clean(element.get_text(" ")) and not any(element in f.descendants for f in found):
                    found = [f for f in found if f not in element.descendants]
                    found.append(element)
            if found:
                return sorted(found, key=lambda tag: tag.sourceline or 0) if all(f.sourceline for f in found) else found
        return []

    @staticmethod
    def _article_region(title: Tag | None, body: list[Tag]) -> Tag | None:
        """The smallest element holding the title and the body: where the article's own
        publication line is (a sidebar's or footer's dates are outside it)."""
        anchors = [a for a in (title, *body[:1]) if a is not None]
        if not anchors:
            return None
        if len(anchors) == 1:
            region = anchors[0].parent
            return region.parent if region is not None and region.parent is not None else region
        ancestors = [anchors[0], *anchors[0].parents]
        for candidate in ancestors:
            if candidate is anchors[1] or anchors[1] in candidate.descendants:
                return candidate
        return None

    def _published(
        self, soup: BeautifulSoup, html: str, url: str, title: Tag | None, body: list[Tag]
    ) -> tuple[dt.date | None, str | None]:
        """The date, and the text of the date element it came from when that element says nothing
        else (a "12 mars 2024" line inside the body is not the article's text)."""
        region = self._article_region(title, body)
        for selector in (*self.date_selectors, *self.DATE_LINE):
            for element in soup.select(selector):
                date = _date_of_element(element)
                if date:
                    text = clean(element.get_text(" "))
                    return date, text if len(text) <= _DATE_ELEMENT_CHARS else None
        for element in (region or soup).find_all(_LINE_TAGS, limit=600):
            text = element.get_text(" ")
            if len(text) <= 160:
                found = publication_line(text)
                if found is not None:
                    return found[0], None
        for element in title.find_all_next(_LINE_TAGS, limit=_BARE_DATE_SEARCH) if title is not None else ():
            date = bare_date_line(element.get_text(" "))
            if date is not None:
                return date, clean(element.get_text(" "))
        for selector in self.TIME:
            for element in soup.select(selector):
                date = iso_date(str(element["datetime"]))
                if date:
                    return date, None
        tree = generic.load(html)
        if tree is None:
            return None, None
        return published_in_tree(tree, url, visible_lines=False, htmldate_fallback=False), None

    def _refuse_listing(self, url: str, root: Tag) -> None:
        for selector in self.LISTING_ITEMS:
            items = root.select(selector)
            if len(items) >= 3 and all(item.select_one("h2 a, h3 a, a h2, a h3") for item in items):
                raise NotAnArticle(url, f"listing page ({len(items)} teasers)")

    def _strip_noise(self, body: list[Tag]) -> None:
        for part in body:
            size = len(clean(part.get_text(" "))) or 1
            candidates = [*part.select(", ".join(self.NOISE)), *part.find_all(_noise_by_name)]
            for tag in candidates:
                if tag.decomposed or tag is part:
                    continue
                if len(clean(tag.get_text(" "))) > _WRAPPER_SHARE * size:
                    continue
                tag.decompose()


def _date_of_element(element: Tag) -> dt.date | None:
    """A date element's day: its machine-readable value, else the first full date in its text."""
    for attribute in ("datetime", "content", "title"):
        value = element.get(attribute)
        if value:
            date = iso_date(str(value))
            if date:
                return date
    return date_in_text(clean(element.get_text(" ")))


class GenericProfile(Profile):
    """Unknown layouts: the generic reader (trafilatura for the text, ``dates`` for the date) on a
    single lxml tree; the beautifulsoup4 algorithm only when the source configures selectors."""

    name = "generic"

    def parse(self, html: str, url: str, source: str | None = None) -> Article:
        if self.title_selectors or self.date_selectors or self.body_selectors:
            return super().parse(html, url, source)
        reading = generic.read(html, url)
        if reading.not_article:
            raise NotAnArticle(url, reading.not_article)
        if not reading.title:
            raise NotAnArticle(url, "no title")
        if reading.teasers:
            raise NotAnArticle(url, f"listing page ({reading.teasers} teasers)")
        blocks = article_blocks(reading.blocks, reading.title)
        if word_count(blocks) < MIN_ARTICLE_WORDS:
            raise NotAnArticle(url, "too little text for an article")
        return Article(
            url=urljoin(url, reading.canonical) if reading.canonical else url,
            source=source,
            title=reading.title,
            published=reading.published,
            text=join([("block", reading.title), *blocks]),
        )

    def published(self, html: str, url: str) -> dt.date | None:
        if self.title_selectors or self.date_selectors or self.body_selectors:
            return super().published(html, url)
        tree = generic.load(html)
        return published_in_tree(tree, url) if tree is not None else None


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


class SpipProfile(Profile):
    """SPIP (``spip.php?article123``), from its distributed templates to old table layouts: the
    chapô and the text (``.chapo``, ``.texte``), "Mis en ligne le …" in ``.info-publi`` or a
    ``<font>`` line, the title in ``.titre``/``h1``."""

    name = "spip"
    TITLE = (".cartouche h1", "h1.titre", ".titre-article", ".titre_article", "#titre", *Profile.TITLE)
    DATE_LINE = (".info-publi abbr.published", ".info-publi", "abbr.published", ".date-publication")
    BODY = (".chapo, .texte, .ps", "#texte", ".contenu-article")
    NOT_ARTICLE = ("body.page_evenement", "body.page-evenement", ".evenement-infos", *Profile.NOT_ARTICLE)


PROFILES: dict[str, type[Profile]] = {
    profile.name: profile for profile in (NetworkProfile, WordPressProfile, DrupalProfile, SpipProfile, GenericProfile)
}


def profile_for(
    name: str, *, title_selector: str | None = None, date_selector: str | None = None, body_selector: str | None = None
) -> Profile:
    """The named profile, with a source's own selectors tried before the profile's."""
    return PROFILES[name](title_selector=title_selector, date_selector=date_selector, body_selector=body_selector)
