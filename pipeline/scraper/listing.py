"""The next page of a news listing, when the source names no pagination selector.

Sites say "next page" in a few ways only: ``rel="next"`` links, the usual next-link classes of
WordPress, Drupal and SPIP themes, a "Suivant" / "Page suivante" link, or a numbered pager
whose link to page *n + 1* carries a paging parameter (SPIP's ``debut_articles=5``,
``?page=2``, ``/page/2/``). A source's own ``pagination`` selector, when given, is used
instead.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup

NEXT_LINKS = (
    "link[rel~='next'][href]",
    "a[rel~='next'][href]",
    "a.next[href]",
    "a.page-suivante[href]",
    "a.nextpostslink[href]",
    "li.next a[href]",
    "li.pager__item--next a[href]",
    "li.pager-next a[href]",
    ".pagination a.next[href]",
)
"""Next-page links of the common themes, best first."""
_NEXT_WORDS = re.compile(r"^\s*(?:page\s+)?suivante?s?\s*(?:[›»>]+)?\s*$|^\s*[›»]\s*$|^\s*next\s*(?:page)?\s*[›»>]*\s*$", re.IGNORECASE)
_PAGING_HREF = re.compile(r"(?:[?&](?:page|p|debut_[a-z_]+|start|offset)=\d+|/page/\d+)", re.IGNORECASE)


def next_listing_url(soup: BeautifulSoup, base: str, page_number: int, selector: str | None = None) -> str | None:
    """The absolute URL of the listing page after page ``page_number`` (1 for the first), or None."""
    if selector:
        link = soup.select_one(selector)
        return urljoin(base, str(link["href"])) if link is not None and link.get("href") else None
    for candidate in NEXT_LINKS:
        link = soup.select_one(candidate)
        if link is not None:
            return urljoin(base, str(link["href"]))
    for link in soup.select("a[href]"):
        text = link.get_text(" ", strip=True)
        href = str(link["href"])
        if _NEXT_WORDS.match(text) and not href.startswith("#"):
            return urljoin(base, href)
        if text == str(page_number + 1) and _PAGING_HREF.search(href):
            return urljoin(base, href)
    return None
