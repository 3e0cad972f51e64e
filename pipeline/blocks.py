"""An article's text as blocks (title, headings, paragraphs, list items) and sections.

The French model reads a whole article badly: bullet items merge with their neighbours and
entities run across line breaks. Each block is therefore parsed as its own Doc. Headings cut
the article into sections, and an agreement's fields are looked for in its own section only,
so that two agreements under two sub-headings never exchange their fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

BULLETS = "•·▪◦●‣-–—*"
_BULLET = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s+")
_SENTENCE_END = (".", "!", "?", "…", ";", ":", "»", '"')
MAX_HEADING_WORDS = 14
# A block longer than this is cut at sentence ends so one pathological line cannot blow up memory.
MAX_BLOCK_CHARS = 20_000


class BlockKind(StrEnum):
    title = "title"
    heading = "heading"
    paragraph = "paragraph"
    list_item = "list_item"


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    text: str
    kind: BlockKind
    section: int


def normalise_text(text: str) -> str:
    """Curly apostrophes and non-breaking spaces read as their plain forms; same length, same offsets."""
    return text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ").replace("\u202f", " ")


def _is_heading(line: str) -> bool:
    """A short block standing alone without closing punctuation (a question may be a heading)."""
    stripped = line.strip()
    if stripped.endswith(_SENTENCE_END) and not stripped.endswith("?"):
        return False
    return len(stripped.split()) <= MAX_HEADING_WORDS


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        spans.append((position, position + len(content)))
        position += len(line)
    return spans


def _split_long(start: int, end: int, text: str) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_BLOCK_CHARS:
        window = text[start : start + MAX_BLOCK_CHARS]
        cut = max(window.rfind(". "), window.rfind("\n"))
        cut = start + (cut + 1 if cut > MAX_BLOCK_CHARS // 2 else MAX_BLOCK_CHARS)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def split_blocks(text: str) -> list[Block]:
    """Blocks of a contract-shaped text: one per non-empty line, with kind and section number."""
    lines = _line_spans(text)
    blocks: list[Block] = []
    section = 0
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        if not line.strip():
            continue
        previous_blank = index == 0 or not text[lines[index - 1][0] : lines[index - 1][1]].strip()
        next_blank = index + 1 >= len(lines) or not text[lines[index + 1][0] : lines[index + 1][1]].strip()
        if not blocks:
            kind = BlockKind.title
        elif _BULLET.match(line) or not (previous_blank and next_blank):
            kind = BlockKind.list_item
        elif _is_heading(line):
            kind = BlockKind.heading
            section += 1
        else:
            kind = BlockKind.paragraph
        leading = len(line) - len(line.lstrip())
        trailing = len(line.rstrip())
        for piece_start, piece_end in _split_long(start + leading, start + trailing, text):
            blocks.append(Block(piece_start, piece_end, text[piece_start:piece_end], kind, section))
    return blocks
