"""An article's text as the contract writes it: title first, blocks separated by a blank line,
each list item a line of its own.

``blocks_of`` reads a beautifulsoup4 element into ("block" | "item", text) pairs;
``article_blocks`` keeps every line of the article's own text and drops only what repeats
the page's furniture: the title's own repeat (and the short breadcrumb labels before it),
and publication lines that say nothing but the date ("Publié le 12/03/2024"); a line that
says more ("Publié le 12/03/2024 | Source : AFP") stays whole.
"""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from pipeline.scraper.dates import clean, publication_line

BLOCK_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote pre figcaption dd dt td th caption address".split())
CONTAINER_TAGS = frozenset(
    "div section article main header ul ol dl table thead tbody tfoot tr figure details summary center body html".split()
)
_BULLET_START = re.compile(r"^[•▪◦‣·\-–]\s")
_TITLE_SEARCH_BLOCKS = 6
"""The body may repeat the title among its first blocks, after breadcrumb or category labels."""
_LABEL_WORDS = 8
"""A block of at most this many words with no sentence end is a label (breadcrumb, category)."""


def blocks_of(root: Tag) -> list[tuple[str, str]]:
    """Blocks of the element: ("block", text) for headings and paragraphs, ("item", text) for list
    items, and for lines the page itself starts with a bullet ("• Eau : …" paragraphs or lines)."""
    blocks: list[tuple[str, str]] = []
    inline: list[str] = []

    def flush(kind: str = "block") -> None:
        text = clean("".join(inline))
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
            elif child.name in BLOCK_TAGS or child.name in CONTAINER_TAGS:
                kind = "item" if node.name == "li" else "block"
                flush(kind)
                walk(child)
                flush(kind)
            else:
                walk(child)

    walk(root)
    flush()
    return blocks


def article_blocks(blocks: list[tuple[str, str]], title: str) -> list[tuple[str, str]]:
    """The article's own blocks (see the module docstring)."""
    kept = [(kind, text) for kind, text in blocks if not _only_a_date(text)]
    title_at = next((i for i, (_, text) in enumerate(kept[:_TITLE_SEARCH_BLOCKS]) if text == title), None)
    if title_at is not None and all(_is_label(text) for _, text in kept[:title_at]):
        kept = kept[title_at + 1 :]
    return [("item" if _BULLET_START.match(text) else kind, text) for kind, text in kept]


def _only_a_date(text: str) -> bool:
    found = publication_line(text)
    return found is not None and not found[1]


def _is_label(text: str) -> bool:
    return len(text.split()) <= _LABEL_WORDS and not text.rstrip().endswith((".", "!", "?", "»", ":"))


def join(blocks: list[tuple[str, str]]) -> str:
    parts: list[str] = []
    previous = ""
    for kind, text in blocks:
        if parts:
            parts.append("\n" if kind == previous == "item" else "\n\n")
        parts.append(text)
        previous = kind
    return "".join(parts)


def word_count(blocks: list[tuple[str, str]]) -> int:
    """Words of the blocks; in scripts written without spaces (Chinese, Japanese), one per two
    characters."""
    words = sum(len(text.split()) for _, text in blocks)
    characters = sum(len(text) for _, text in blocks)
    return max(words, characters // 2) if words * 20 < characters else words
