"""Segments: each sentence (or clause, where a sentence reports two agreements) goes to the draft it speaks of.

A segment belongs to the draft whose anchor it holds; else, in a section with several drafts, to
the one whose counterpart or agreement type it names, else to the latest draft before it.
"""

from __future__ import annotations

from pipeline.extract.assembly.clauses import clause_start
from pipeline.extract.assembly.drafts import Draft, draft_of
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import ArticleView, Mention, Segment
from pipeline.normalize import names_match


def assign_segments(view: ArticleView, drafts: list[Draft], segments: list[Segment], agreements: list[Mention], parties: list[PartyMention]) -> None:
    cut = _cut_sentences(segments, drafts)
    for segment in cut:
        in_section = [i for i, d in enumerate(drafts) if segment.section in d.sections]
        if not in_section:
            continue
        chosen = _segment_owner(segment, drafts, in_section, agreements, parties)
        if chosen is not None:
            drafts[chosen].segments.append(segment)


def _cut_sentences(segments: list[Segment], drafts: list[Draft]) -> list[Segment]:
    """Split a sentence holding anchors of two records at the clause where the second begins."""
    starts = sorted((a.order, a) for d in drafts for a in d.anchors)
    result = []
    for segment in segments:
        inside = [a for order, a in starts if segment.start_order <= order < segment.end_order]
        owners = {id(draft_of(drafts, a)) for a in inside}
        if len(owners) < 2:
            result.append(segment)
            continue
        boundaries = [segment.start_order]
        previous_owner = id(draft_of(drafts, inside[0]))
        for previous, anchor in zip(inside, inside[1:]):
            owner = id(draft_of(drafts, anchor))
            if owner != previous_owner:
                boundaries.append(clause_start(anchor, previous.order + len(previous.span)))
                previous_owner = owner
        boundaries.append(segment.end_order)
        for low, high in zip(boundaries, boundaries[1:]):
            result.append(Segment(segment.block, segment.section, low, high, segment.sentence))
    return result


def _segment_owner(segment: Segment, drafts: list[Draft], in_section: list[int], agreements: list[Mention], parties: list[PartyMention]) -> int | None:
    anchored = [i for i in in_section if any(segment.start_order <= a.order < segment.end_order for a in drafts[i].anchors)]
    if anchored:
        return anchored[0]
    if len(in_section) == 1:
        return in_section[0]
    inside = [p for p in parties if segment.start_order <= p.mention.order < segment.end_order]
    named = [i for i in in_section if drafts[i].counterpart is not None and any(names_match(p.name, drafts[i].counterpart.name) for p in inside)]
    if len(named) == 1:
        return named[0]
    mentioned = [a for a in agreements if segment.start_order <= a.order < segment.end_order]
    for mention in mentioned:
        marker = mention.span._.agreement_marker
        if marker == "older":
            older = [i for i in in_section if drafts[i].anchor.span._.agreement_marker == "older"]
            if older:
                return older[0]
        if marker == "newer":
            newer = [i for i in in_section if drafts[i].anchor.span._.agreement_marker != "older"]
            if newer:
                return newer[0]
        typed = [i for i in in_section if drafts[i].anchor.label == mention.label and mention.label != "other"]
        if len(typed) == 1:
            return typed[0]
    earlier = [i for i in in_section if drafts[i].anchor.order <= segment.start_order or any(s.end_order <= segment.start_order for s in drafts[i].segments)]
    if not earlier:
        return None
    return max(earlier, key=lambda i: max([s.end_order for s in drafts[i].segments] + [drafts[i].anchor.order]))
