"""Publication dates of pages: the page's own words first, then htmldate and the markup.

Every profile ends here when its own date selectors find nothing. The order is measured on
htmldate's public benchmark (``python -m pipeline.scraper.evaluate dates``):

1. the visible publication line nearest the title ("Publié le 13/12/2024", "Mis en ligne le
   mercredi 5 février 2023", "Par Marie Dupont le 3 mars 2024", "Créé : 12/06/2022"), in a
   ``<p>``, ``<span>``, ``<font>`` or table cell alike: it is what the reader is told; lines in
   sidebars, footers or another column than the title's belong to other articles;
2. htmldate's quick search (the page's markup, read with its plausibility rules);
3. ``<time datetime>`` of the article, JSON-LD ``datePublished`` and the usual meta tags
   (Open Graph, Dublin Core, schema.org);
4. htmldate's extensive search (dates in the text).

Profiles for templates we know read (1) in the article's own part of the page and then (3)
only: on an undated article, (2) and (4) would take a sidebar's or footer's date. A date is
only ever a full day with a four-digit year; "hier" or "décembre 2024" give nothing, and
htmldate's completion of a month alone to its first day is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable

import dateparser
from lxml.html import HtmlElement

log = logging.getLogger(__name__)

PUBLICATION_LINE = re.compile(
    r"^\s*(?:(?:publi[ée]e?s?|mise?s? en ligne|post[ée]e?|paru(?:e|tion)?|cr[ée]{1,2}e?|r[ée]dig[ée]e?"
    r"|date de (?:publication|parution|mise en ligne)|ver[öo]ffentlicht(?:\s+am)?|erstellt(?:\s+am)?)"
    r"\s*(?:le|:|,)?\s*(?:le\s+)?"
    r"|(?:soumis\s+|[ée]crit\s+|propos[ée]e?\s+)?par\s+.{2,60}?\s+le\s+)"
    r"(?P<date>.{4,60})$",
    re.IGNORECASE,
)
"""A line that announces the publication ("Publié le …", "Mis en ligne : …", "Par X le …")."""

_LINE_START = re.compile(
    r"\s*(?:publi|mise? en ligne|post[ée]|paru|cr[ée]{1,2}|r[ée]dig|date de|par\s|soumis|[ée]crit|propos[ée]"
    r"|ver[öo]ffentlicht|erstellt)",
    re.IGNORECASE,
)
"""How a publication line starts (matched at the start of a text node)."""
_DATE_IN_TEXT = re.compile(
    r"(?P<numeric>\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b)"
    r"|(?P<iso>\b\d{4}-\d{2}-\d{2}\b)"
    r"|(?P<words>\b(?:1er|\d{1,2})\s+(?:janv(?:ier|\.)?|f[ée]v(?:rier|\.)?|mars|avr(?:il|\.)?|mai|juin|juil(?:let|\.)?"
    r"|ao[uû]t|sept(?:embre|\.)?|oct(?:obre|\.)?|nov(?:embre|\.)?|d[ée]c(?:embre|\.)?)\s+\d{4}\b)",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_DATE_PARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_MAX_LINE = 120
"""Longer texts are paragraphs, not publication lines."""
_LINE_SEARCH_AFTER_TITLE = 300
"""Elements read past the title: an article's publication line is close to its title."""
_LINE_SEARCH_NODES = 24
"""Publication lines are read among the first text nodes that start like one."""

_META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "article.published",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
)
"""Meta names and properties (lower case) that carry the publication date, best first."""
_META_RANK = {name: rank for rank, name in enumerate(_META_PUBLISHED)}


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def parse_french_date(text: str) -> dt.date | None:
    """A full date written the French way ("13/12/2024", "13 décembre 2024", "le 1er mars 2025").

    Only absolute dates with a four-digit year: a publication line never needs a reference
    date, and relative words ("hier") must not silently become today's date."""
    if not re.search(r"\b\d{4}\b", text):
        return None
    numeric = _NUMERIC_DATE.fullmatch(text.strip())
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _date(year, month, day)
    iso = iso_date(text)
    if iso is not None and _ISO_DATE.fullmatch(text.strip()):
        return iso
    text = re.sub(r"\b1er\b", "1", text)
    parsed = dateparser.parse(text, languages=["fr"], settings=_DATE_PARSER_SETTINGS)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def iso_date(value: str) -> dt.date | None:
    """The day of an ISO 8601 value ("2024-03-12", "2024-03-12T09:00:00+01:00")."""
    match = _ISO_DATE.match(value)
    return _date(*(int(g) for g in match.groups())) if match else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_in_text(text: str) -> dt.date | None:
    """The first full date written in a short text ("Mis à jour le 12 mars 2024 à 10h")."""
    match = _DATE_IN_TEXT.search(text)
    return parse_french_date(match.group(0)) if match else None


def publication_line(text: str) -> tuple[dt.date, str] | None:
    """(date, rest) when the line announces a publication date; ``rest`` is what the line says
    besides the announcement and its date ("Source : AFP"), empty when it says nothing else."""
    text = clean(text)
    if len(text) > _MAX_LINE:
        return None
    match = PUBLICATION_LINE.match(text)
    if not match:
        return None
    found = _DATE_IN_TEXT.search(match.group("date"))
    if found is None or found.start() > 12:
        return None
    date = parse_french_date(found.group(0))
    if date is None:
        return None
    rest = match.group("date")[found.end() :]
    rest = re.sub(r"^\s*[,–—-]?\s*(?:(?:à\s*)?\d{1,2}\s*[h:]\s*\d{0,2})?\s*[|,–—-]?\s*", "", rest)
    return date, rest.strip()


_BARE_DATE = re.compile(
    r"^(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche),?\s+)?(?:le\s+)?(?P<date>.{6,30})$", re.IGNORECASE
)


def bare_date_line(text: str) -> dt.date | None:
    """The day of a line that is a date and nothing else ("mercredi 14 février 2024", "12/03/2024"),
    as SPIP's ``[(#DATE|affdate)]`` under a title writes it."""
    text = clean(text)
    match = _BARE_DATE.match(text) if len(text) <= 40 else None
    if match is None:
        return None
    found = _DATE_IN_TEXT.fullmatch(match.group("date"))
    return parse_french_date(found.group(0)) if found else None


def published_in_tree(
    tree: HtmlElement, url: str | None, *, title: str | None = None, visible_lines: bool = True, htmldate_fallback: bool = True
) -> dt.date | None:
    """The publication date of a parsed page (see the module docstring for the order). A profile
    that already read the lines of the article's own part of the page asks for the markup only:
    a page-wide line scan or htmldate could take a sidebar's date for an undated article's."""
    found = _visible_line(tree, title) if visible_lines else None
    if found is None and htmldate_fallback:
        found = _url_date(tree, url)
        pruned = _without_asides(tree)
        found = found or _htmldate(pruned, url, extensive=False)
    found = found or _article_time(tree) or _json_ld(tree) or _meta(tree)
    if found is None and htmldate_fallback:
        found = _htmldate(pruned, url, extensive=True)
    return found


_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/._-]|$)")


def _url_date(tree: HtmlElement, url: str | None) -> dt.date | None:
    """A day in the page's address (``/2024/03/12/slug``), its canonical one first."""
    link = tree.find("head/link[@rel='canonical']")
    for address in (link.get("href", "") if link is not None else "", url or ""):
        match = _URL_DATE.search(address)
        date = _date(*(int(g) for g in match.groups())) if match else None
        if date is not None:
            return date
    return None


def _without_asides(tree: HtmlElement) -> HtmlElement:
    """The page without its ``<aside>`` elements, whose dates are other articles' (a copy, when
    there are any; htmldate reads what is left)."""
    if tree.find(".//aside") is None:
        return tree
    from copy import deepcopy

    copy = deepcopy(tree)
    for element in copy.xpath("//aside"):
        if element.getparent() is not None:
            element.drop_tree()
    return copy




def _visible_line(tree: HtmlElement, title: str | None = None) -> dt.date | None:
    """The publication line nearest after the title (else before it), read on the closest
    enclosing element short enough to be a line. Lines in page furniture (sidebars, footers,
    another table cell than the title's) belong to other articles and are passed over."""
    body = tree.find("body")
    starts, title_at = _line_starts(body if body is not None else tree, title)
    title_element = starts[title_at][1] if title_at is not None else None
    order = sorted(
        (i for i in range(len(starts)) if i != title_at),
        key=lambda i: (0, i) if title_at is None or i > title_at else (1, -i),
    )
    for index in order:
        element = starts[index][1]
        if _in_furniture(element, title_element):
            continue
        for _ in range(3):
            if element is None:
                break
            text = clean(element.text_content())
            if len(text) > _MAX_LINE:
                break
            found = publication_line(text)
            if found is not None:
                return found[0]
            element = element.getparent()
    return None


def _line_starts(root: HtmlElement, title: str | None) -> tuple[list[tuple[int, HtmlElement]], int | None]:
    """Elements whose own text, or the text right after them, starts like a publication line, in
    page order, with the title's element among them (its index is the second value)."""
    found: list[tuple[int, HtmlElement]] = []
    title_at: int | None = None
    title_start = title[:12].lower() if title and len(title) >= 3 else None
    for position, element in enumerate(root.iter()):
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        text = element.text
        if text and _LINE_START.match(text):
            found.append((position, element))
        elif (
            title_at is None
            and title_start
            and text
            and text.strip()[:12].lower() == title_start
            and clean(element.text_content()) == title
        ):
            title_at = len(found)
            found.append((position, element))
        if element.tail and _LINE_START.match(element.tail):
            parent = element.getparent()
            if parent is not None:
                found.append((position, parent))
        if len(found) >= _LINE_SEARCH_NODES and (title_at is not None or not title_start):
            break
        if title_at is not None and position > found[title_at][0] + _LINE_SEARCH_AFTER_TITLE:
            break
    return found, title_at


_FURNITURE_TAGS = frozenset({"aside", "nav", "footer"})


def _in_furniture(element: HtmlElement, title: HtmlElement | None) -> bool:
    cell = None
    for ancestor in element.iterancestors():
        if ancestor.tag in _FURNITURE_TAGS or furniture_name(ancestor.get("class", "") + " " + ancestor.get("id", "")):
            return True
        if cell is None and ancestor.tag in ("td", "th"):
            cell = ancestor
    return title is not None and cell is not None and cell not in title.iterancestors()


_FURNITURE_PARTS = frozenset(
    "sidebar widget share sharing sharedaddy social partage partager related relatedposts aussi breadcrumb breadcrumbs"
    " ariane cookie cookies tags tag pagination pager meta partenaires partenaire partners partner comments comment"
    " newsletter print imprimer footer navigation nav menu".split()
)
"""Words of the class names and ids of page furniture (``jp-relatedposts``, ``entry-meta``)."""
_LAYOUT_PARTS = frozenset("no has with without content main article body text wrap elementor column col row layout page site".split())
"""Words of layout wrappers' names: ``content-sidebar-wrap``, ``no-sidebar``, ``elementor-widget-wrap``."""
_NAME_PARTS = re.compile(r"[-_]+")


def furniture_name(names: str) -> bool:
    """Whether one of these class names or ids names page furniture: one of its words is a
    furniture word and none a layout wrapper's."""
    for name in names.lower().split():
        parts = set(_NAME_PARTS.split(name))
        if parts & _FURNITURE_PARTS and not parts & _LAYOUT_PARTS:
            return True
    return False


def _article_time(tree: HtmlElement) -> dt.date | None:
    for path in (
        "//article//time[@datetime][contains(@class,'publi') or @itemprop='datePublished' or @pubdate]",
        "//time[@itemprop='datePublished' or contains(@class,'published')][@datetime]",
        "(//article//time[@datetime])[1]",
        "(//main//time[@datetime])[1]",
    ):
        for element in tree.xpath(path):
            date = iso_date(element.get("datetime", ""))
            if date is not None:
                return date
    return None


def _json_ld(tree: HtmlElement) -> dt.date | None:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        for value in _json_values(data, "datePublished"):
            date = iso_date(value) if isinstance(value, str) else None
            if date is not None:
                return date
    return None


def _json_values(data: object, key: str) -> Iterable[object]:
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _json_values(value, key)
    elif isinstance(data, list):
        for item in data:
            yield from _json_values(item, key)


def _meta(tree: HtmlElement) -> dt.date | None:
    found: list[tuple[int, dt.date]] = []
    for element in tree.xpath("//meta[@content][@name or @property or @itemprop]"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        rank = _META_RANK.get(key)
        if rank is None:
            continue
        content = element.get("content", "")
        date = iso_date(content) or parse_french_date(content)
        if date is not None:
            found.append((rank, date))
    return min(found)[1] if found else None


def _htmldate(tree: HtmlElement, url: str | None, *, extensive: bool) -> dt.date | None:
    """htmldate's original date; a first of the month only when the page writes that day, since
    htmldate completes a month alone ("12/2024") with day 1."""
    from htmldate import find_date  # imported on first use: it loads its own date tables

    try:
        # without the URL: htmldate would trust a date in it over the page's own (measured)
        value = find_date(tree, original_date=True, extensive_search=extensive, outputformat="%Y-%m-%d")
    except (ValueError, TypeError) as error:
        log.debug("htmldate failed on %s: %s", url, error)
        return None
    date = iso_date(value) if value else None
    if date is not None and date.day == 1 and not _first_day_written(date, tree, url):
        return None
    return date


_MONTH_NAMES = (
    ("janvier", "january", "januar", "enero", "jan"),
    ("février", "fevrier", "february", "februar", "febrero", "feb", "fév", "fev"),
    ("mars", "march", "märz", "marzo", "mar"),
    ("avril", "april", "abril", "apr", "avr"),
    ("mai", "may", "mayo"),
    ("juin", "june", "juni", "junio", "jun"),
    ("juillet", "july", "juli", "julio", "jul", "juil"),
    ("août", "aout", "august", "agosto", "aug"),
    ("septembre", "september", "septiembre", "sep", "sept"),
    ("octobre", "october", "oktober", "octubre", "oct", "okt"),
    ("novembre", "november", "noviembre", "nov"),
    ("décembre", "decembre", "december", "dezember", "diciembre", "dec", "déc", "dez"),
)


def _first_day_written(date: dt.date, tree: HtmlElement, url: str | None) -> bool:
    """Whether the page writes the first of that month as a full date somewhere (markup included).
    Only the surroundings of each occurrence of the year are examined."""
    from lxml.etree import tostring

    page = tostring(tree, encoding="unicode").lower() + " " + (url or "").lower()
    y, m = date.year, date.month
    numeric = rf"(?:{y}-0?{m}-0?1(?!\d)|{y}/0?{m}/0?1(?!\d)|(?<!\d)0?1[./-]0?{m}[./-]{y}|{y}{m:02}01(?!\d))"
    months = "|".join(re.escape(name) for name in _MONTH_NAMES[m - 1])
    words = rf"(?:\b(?:1|01|1er|1st|1\.)\s*(?:de\s+)?(?:{months})\.?,?\s+(?:de\s+)?{y}|(?:{months})\.?\s+(?:1|01|1st),?\s+{y})"
    written = re.compile(f"{numeric}|{words}")
    year = str(y)
    at = page.find(year)
    while at != -1:
        if written.search(page, max(0, at - 30), at + 30):
            return True
        at = page.find(year, at + 4)
    return False
