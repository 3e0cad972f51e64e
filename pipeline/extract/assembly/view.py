"""The article as the assembler reads it: its blocks' Docs, with every candidate placed in article coordinates.

A :class:`Mention` is one candidate span (a party, a date, an agreement…) with its offsets into
``article.text`` and a global token order, so that "before", "after" and distances work across
blocks. A :class:`Segment` is a sentence, or the part of one that belongs to a single agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span

from pipeline.extract.blocks import Block, BlockKind
from pipeline.records import Article, Evidence

ANCHOR_STATUSES = ("signed", "in_force", "counted")
"""Agreement statuses that can start a record (a counted plural only where it names its parties)."""
MAX_HEADLINE_TOKENS = 40
"""A title or heading longer than this is a paragraph serving as title, read sentence by sentence."""


@dataclass
class Mention:
    """A candidate span placed in the article: offsets into ``article.text``, segment and order."""

    span: Span
    block: int
    start: int
    end: int
    order: int  # global token position, for "before"/"after" and distances

    @property
    def text(self) -> str:
        """The words as parsed (curly apostrophes read as straight), for names and labels."""
        return self.span.text

    @property
    def label(self) -> str:
        return self.span.label_

    @property
    def rule(self) -> str:
        return self.span.id_

    def evidence(self, field_name: str, prefix: str, source: str) -> Evidence:
        """Evidence quotes the article's own text, which the offsets point into."""
        return Evidence(field=field_name, start=self.start, end=self.end, text=source[self.start : self.end], rule=f"{prefix}:{self.rule}")


@dataclass
class Segment:
    """A sentence, or the part of one that belongs to a single agreement."""

    block: int
    section: int
    start_order: int
    end_order: int
    sentence: int
    record: int | None = None


@dataclass
class ArticleView:
    """The article's blocks and their parsed Docs, with every candidate in article coordinates."""

    article: Article
    text: str
    blocks: list[Block]
    docs: list[Doc]
    orders: list[int] = field(default_factory=list)
    _mentions: dict[str, list[Mention]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        position = 0
        for doc in self.docs:
            self.orders.append(position)
            position += len(doc) + 1

    def merge_sections_without(self, anchors: list[Mention]) -> None:
        """A sub-heading that starts no agreement of its own ("Agriculture et tourisme") continues the
        section before it; headings with an agreement still cut the article apart."""
        with_anchor = {self.blocks[a.block].section for a in anchors}
        current = 0
        remap: dict[int, int] = {}
        for block in self.blocks:
            if block.section not in remap:
                if block.section in with_anchor or block.section == 0 or not remap:
                    current = block.section
                remap[block.section] = current
        self.blocks = [replace(b, section=remap[b.section]) for b in self.blocks]

    def is_headline(self, block: int) -> bool:
        """The block is the title or a heading: short, often cut oddly by the parser, and read whole."""
        return self.blocks[block].kind in (BlockKind.title, BlockKind.heading)

    def is_short_headline(self, block: int) -> bool:
        """A headline that is one: a page whose first paragraph serves as its title (over
        MAX_HEADLINE_TOKENS) is prose, read by sentences like the body."""
        return self.is_headline(block) and len(self.docs[block]) <= MAX_HEADLINE_TOKENS

    def mentions(self, key: str) -> list[Mention]:
        """The candidates of one span group, placed once per article: every record's rules read them."""
        if key not in self._mentions:
            self._mentions[key] = self._place_group(key)
        return self._mentions[key]

    def _place_group(self, key: str) -> list[Mention]:
        found = []
        for index, (block, doc) in enumerate(zip(self.blocks, self.docs)):
            for span in doc.spans.get(key, []):
                found.append(self._mention(index, span))
        return found

    def entities(self, labels: tuple[str, ...]) -> list[Mention]:
        return [self._mention(i, ent) for i, doc in enumerate(self.docs) for ent in doc.ents if ent.label_ in labels]

    def add(self, key: str, index: int, span: Span) -> Mention:
        """Place a candidate the assembler found itself (a list line's bare year) with a group's own."""
        mention = self._mention(index, span)
        self.mentions(key).append(mention)
        return mention

    def mention_of(self, index: int, span: Span) -> Mention:
        """A span of block ``index`` placed in the article, outside any span group."""
        return self._mention(index, span)

    def _mention(self, index: int, span: Span) -> Mention:
        block = self.blocks[index]
        return Mention(span, index, block.start + span.start_char, block.start + span.end_char, self.orders[index] + span.start)

    def sentences(self) -> list[Segment]:
        segments = []
        number = 0
        for index, (block, doc) in enumerate(zip(self.blocks, self.docs)):
            for sent in doc.sents:
                segments.append(Segment(index, block.section, self.orders[index] + sent.start, self.orders[index] + sent.end, number))
                number += 1
        return segments


def inside(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    """Strictly inside a longer span."""
    return any(start <= mention.start and mention.end <= end and end - start > mention.end - mention.start for start, end in spans)


def overlaps(mention: Mention, taken: list[tuple[int, int]]) -> bool:
    return any(mention.start < end and start < mention.end for start, end in taken)


def segment_of(segments: list[Segment], mention: Mention) -> Segment | None:
    return next((s for s in segments if s.start_order <= mention.order < s.end_order), None)
