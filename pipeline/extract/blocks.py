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


# A line break inside a sentence: the line goes on in lower case ("signé une\nconvention"), or
# stops on a particle, hyphen or apostrophe ("Saint-Jean d'\nAngély", "la ville de\nHazebrouck").
_LONE_BREAK = re.compile(r"(?<=[^\n])\n(?=[^\n])")
_CONTINUES = re.compile(r"[a-zà-ÿ(«]")
_OPEN_END = re.compile(r"(?:[-']|\b(?:de|du|des|la|le|les|et|à|au|en|d'|l'))$")
_CLOSED_END = (".", "!", "?", ":", ";", "…", "»")


def _inside_sentence(text: str, position: int) -> bool:
    before = text[max(0, position - 40) : position].rstrip(" ")
    after = text[position + 1 : position + 2]
    if not before or not after or _BULLET.match(text[position + 1 : position + 4]):
        return False
    if _OPEN_END.search(before):
        return after.strip() != ""
    return not before.endswith(_CLOSED_END) and bool(_CONTINUES.match(after))


def normalise_text(text: str) -> str:
    """Curly apostrophes and non-breaking spaces read as their plain forms, and line breaks inside a
    sentence (hard-wrapped pages) read as spaces; same length, so offsets into the article hold."""
    plain = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return _LONE_BREAK.sub(lambda m: " " if _inside_sentence(plain, m.start()) else "\n", plain)


def _is_heading(line: str) -> bool:
    """A short block standing alone without closing punctuation (a question may be a heading)."""
    stripped = line.strip()
    if stripped.endswith(_SENTENCE_END) and not stripped.endswith("?"):
        return False
    return len(stripped.split()) <= MAX_HEADING_WORDS


MAX_PREAMBLE_LINES = 40


def _title_line(text: str, lines: list[tuple[int, int]], title: str | None) -> int:
    wanted = " ".join((title or "").split()).casefold()
    if not wanted:
        return 0
    for index, (start, end) in enumerate(lines[:MAX_PREAMBLE_LINES]):
        if " ".join(text[start:end].split()).casefold() == normalise_text(wanted):
            return index
    return 0


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


def split_blocks(text: str, title: str | None = None) -> list[Block]:
    """Blocks of a contract-shaped text: one per non-empty line, with kind and section number.

    When the article's title is given and found among the first lines, whatever stands before it
    (a site menu, other stories' headlines) is left out.
    """
    lines = _line_spans(text)
    first = _title_line(text, lines, title)
    blocks: list[Block] = []
    section = 0
    for index, (start, end) in enumerate(lines):
        if index < first:
            continue
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
