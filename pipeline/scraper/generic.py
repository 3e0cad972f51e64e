"""Pages no site profile knows: one lxml tree, the main text by trafilatura, the date by ``dates``.

trafilatura is the field's reference for main-text extraction: on its public evaluation set
(``python -m pipeline.scraper.evaluate text``) our former beautifulsoup4 heuristics reached
F1 0.76 where it reaches 0.93. This module only adapts it to the contract: the page is parsed once, the
title chosen among the page's own candidates, trafilatura's body tree turned into blocks
(headings and paragraphs a block each, every list item a line, table rows a line), and the
date read by ``pipeline.scraper.dates`` on the same tree.

trafilatura runs in its fast mode first; when that keeps less than ``_FAST_MODE_MIN_CHARS``
of text (a page whose article its first guess missed), the full mode with its fallback
algorithms runs again: on the evaluation set this keeps the full mode's F1 (0.924 against
0.923; fast mode alone 0.919) in three quarters of its time. Tables that lay the page out
(cells holding paragraphs or other tables, as old SPIP templates do) are turned into
divisions first, or trafilatura would read the whole page as one data table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml.etree import ParserError
from lxml.html import HtmlElement

from pipeline.scraper.dates import clean, published_in_tree

_FAST_MODE_MIN_CHARS = 1_000
_TRAFILATURA_OPTIONS = {"include_comments": False, "include_tables": True, "include_formatting": False, "include_images": False}
_TITLE_SUFFIX = re.compile(r"\s+[|–—·-]\s+[^|–—·]{2,60}$")
"""" | Site name" after a page title."""
_LAYOUT_CELL = "td[.//table or .//p or .//div or .//ul or .//h1 or .//h2 or .//h3 or .//form]"
_LAYOUT_TABLES = f"//table[./*/{_LAYOUT_CELL} or ./*/*/{_LAYOUT_CELL}]"
"""Tables with a cell (under ``tr``, or ``tbody/tr``) that holds blocks: page layout, not data."""
_UNTITLED_FIRST_LINE = 150
"""A page with no heading at all is titled by its first line, or that line's start."""
_TEASER_MAX_WORDS = 150
_MIN_OWN_WORDS = 40
_BLOCK_ELEMENTS = frozenset({"p", "head", "quote", "code", "item", "cell"})
_LISTING_TEASERS = (
    "//article[.//h2//a or .//h3//a or .//a//h2 or .//a//h3]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' views-row ')][.//a]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' teaser ')][.//h2//a or .//h3//a]",
)
_FEWER_THAN_THREE_CARDS = (
    "count(//article) < 3 and count(//*[contains(@class, 'views-row') or contains(@class, 'teaser')]) < 3"
)
"""A quick look that spares most pages the card search."""
_NOT_ARTICLE_CLASSES = ("evenement", "single-event")
"""Words of a ``<body>`` class that mark an event page (as the profiles' ``NOT_ARTICLE`` do)."""


@dataclass(frozen=True)
class Reading:
    """What the generic reader makes of a page, before the article gate."""

    title: str
    published: dt.date | None
    blocks: list[tuple[str, str]]
    canonical: str | None
    not_article: str | None = None
    teasers: int = 0


def _marked_not_article(tree: HtmlElement) -> str | None:
    """The profiles' generic ``NOT_ARTICLE`` marks, read without a search of the whole page."""
    body = tree.find("body")
    for element, name in ((body, "body"), *((main, "main") for main in tree.iter("main"))):
        if element is None:
            continue
        if "schema.org/Event" in element.get("itemtype", ""):
            return f"{name}[itemtype*='schema.org/Event']"
        if name == "body":
            marks = [word for word in _NOT_ARTICLE_CLASSES if word in element.get("class", "")]
            if marks:
                return f"body[class*='{marks[0]}']"
    return None


def canonical_link(tree: HtmlElement) -> str | None:
    link = tree.find("head/link[@rel='canonical']")
    return link.get("href") if link is not None and link.get("href") else None


def load(html: str | bytes) -> HtmlElement | None:
    from trafilatura.utils import load_html

    try:
        return load_html(html)
    except (ParserError, ValueError):
        return None


def read(html: str | bytes, url: str | None, *, with_date: bool = True) -> Reading:
    """Title, date, main-text blocks and canonical URL of a page of unknown layout."""
    tree = load(html)
    if tree is None:
        return Reading("", None, [], None, not_article="no HTML in the page")
    marked = _marked_not_article(tree)
    if marked:
        return Reading("", None, [], None, not_article=f"page marked as not an article ({marked})")
    title = page_title(tree)
    if not title:
        title = next((clean(h.text_content()) for h in tree.xpath("//body//h2 | //body//h3") if clean(h.text_content())), "")
    published = published_in_tree(tree, url, title=title) if with_date else None
    _unwrap_layout_tables(tree)
    blocks = main_text_blocks(tree, url)
    if not title and blocks:
        title = _first_sentence(blocks[0][1])
    if blocks and title and blocks[0][1] == title:
        blocks = blocks[1:]
    canonical = canonical_link(tree)
    return Reading(title, published, blocks, canonical, teasers=_teasers(tree, blocks))


def _first_sentence(text: str) -> str:
    """A title for a page that has none: its first line when short, else that line's first
    sentence, cut at a word within ``_UNTITLED_FIRST_LINE`` characters."""
    if len(text) <= _UNTITLED_FIRST_LINE:
        return text
    end = re.search(r"[.!?…](?=\s)", text[:_UNTITLED_FIRST_LINE])
    if end:
        return text[: end.start() + 1]
    return text[:_UNTITLED_FIRST_LINE].rsplit(" ", 1)[0] + "…"


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn tables used for page layout into divisions, so that trafilatura reads their cells
    as the page's columns instead of one data table of the whole page. A layout table has a
    cell holding paragraphs, lists, headings, forms or another table."""
    owned = [
        element
        for table in tree.xpath(_LAYOUT_TABLES)
        for element in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th")
        if element is table or element.xpath("ancestor::table[1]")[0] is table
    ]
    for element in owned:
        element.tag = "div"


def main_text_blocks(tree: HtmlElement, url: str | None) -> list[tuple[str, str]]:
    """trafilatura's main text of the page as contract blocks (("block"|"item", text))."""
    from trafilatura import bare_extraction

    document = bare_extraction(tree, url=url, fast=True, **_TRAFILATURA_OPTIONS)
    if document is None or len(document.text or "") < _FAST_MODE_MIN_CHARS:
        fuller = bare_extraction(tree, url=url, fast=False, **_TRAFILATURA_OPTIONS)
        if fuller is not None and (document is None or len(fuller.text or "") > len(document.text or "")):
            document = fuller
    if document is None or document.body is None:
        return []
    return _blocks_of(document.body)


def _blocks_of(body: HtmlElement) -> list[tuple[str, str]]:
    """Blocks of trafilatura's XML body: each ``p``/``head``/``quote`` a block, each list ``item``
    a line, each table ``row`` a line of its cells; ``lb`` ends a line."""
    blocks: list[tuple[str, str]] = []
    for element in body:
        _collect(element, blocks)
    return [(kind, text) for kind, text in blocks if text]


def _collect(element: HtmlElement, blocks: list[tuple[str, str]]) -> None:
    tag = element.tag
    if tag == "list":
        for item in element.iterchildren("item"):
            nested = list(item.iterchildren("list"))
            for line in _lines(item, skip=nested):
                blocks.append(("item", line))
            for inner in nested:
                _collect(inner, blocks)
    elif tag == "table":
        for row in element.iter("row"):
            cells = [" ".join(_lines(cell)) for cell in row.iterchildren("cell")]
            line = " | ".join(cell for cell in cells if cell)
            if line:
                blocks.append(("item", line))
    elif tag in ("graphic", "ref") and not clean(element.xpath("string()")):
        return
    elif tag == "div" or (tag not in _BLOCK_ELEMENTS and len(element) and element[0].tag in ("p", "list", "table", "head")):
        for child in element:
            _collect(child, blocks)
    else:
        for line in _lines(element):
            blocks.append(("block", line))


def _lines(element: HtmlElement, skip: list[HtmlElement] | None = None) -> list[str]:
    """The element's text cut at its ``lb`` line breaks."""
    lines: list[str] = [element.text or ""]
    for child in element.iterdescendants():
        if skip and any(child is s or s in child.iterancestors() for s in skip):
            continue
        if child.tag == "lb":
            lines.append("")
        elif child.text:
            lines[-1] += child.text
        if child.tail and not (skip and any(s in child.iterancestors() for s in skip)):
            lines[-1] += child.tail
    return [text for text in (clean(line) for line in lines) if text]


def page_title(tree: HtmlElement) -> str:
    declared = [
        tree.xpath("string(//meta[@property='og:title']/@content)"),
        tree.xpath("string(//meta[@name='twitter:title']/@content)"),
        tree.xpath("string(//head/title)"),
    ]
    headings = [h.text_content() for h in tree.xpath("//body//h1")[:8]]
    return choose_title([clean(h) for h in headings], [clean(d) for d in declared])


def choose_title(headings: list[str], declared: list[str]) -> str:
    """The article's title: the first ``<h1>`` that the page's declared titles (Open Graph,
    ``<title>``) agree with, else the declared title without its " | Site" suffix, else the first
    ``<h1>``. A site logo in an ``<h1>`` agrees with no declared title and is passed over."""
    cores = [_TITLE_SUFFIX.sub("", d).lower() for d in declared if len(d) >= 3]
    headings = [h for h in headings if 0 < len(h) <= 300]
    for heading in headings:
        if any(heading.lower() in core or core in heading.lower() for core in cores if len(core) >= 3):
            return heading
    for value in declared:
        stripped = _TITLE_SUFFIX.sub("", value)
        if len(stripped) >= 3:
            return stripped
    return headings[0] if headings else ""


def _teasers(tree: HtmlElement, blocks: list[tuple[str, str]]) -> int:
    """Teaser cards, when they are what the main text is made of (a listing page); 0 when the
    page has its own text beside them (an article with related-post cards). A card is short
    and holds no other card: the article's own ``<article>`` around its text is none."""
    if tree.xpath(_FEWER_THAN_THREE_CARDS):
        return 0
    for path in _LISTING_TEASERS:
        cards = [card for card in tree.xpath(path) if len(card.text_content().split()) <= _TEASER_MAX_WORDS]
        cards = [card for card in cards if not any(other is not card and card in other.iterancestors() for other in cards)]
        if len(cards) < 3:
            continue
        card_text = " ".join(clean(card.text_content()) for card in cards)
        own_words = sum(len(text.split()) for _, text in blocks if text not in card_text)
        if own_words < _MIN_OWN_WORDS:
            return len(cards)
    return 0
