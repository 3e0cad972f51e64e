"""Anchors and drafts: which agreement mentions become records.

Every agreement mention reported as signed (or in force) is an *anchor*. Anchors of one section
that speak of the same agreement (same counterpart, same date, "la nouvelle convention") become
one draft; the others a draft each ("la première convention, signée en 2019" beside its renewal;
two agreements signed in one sentence). A draft becomes a record once its fields are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import ArticleView, Mention, Segment, segment_of
from pipeline.normalize import names_match


@dataclass
class Draft:
    anchor: Mention
    section: int
    counterpart: PartyMention | None
    own_date: Mention | None
    segments: list[Segment] = field(default_factory=list)
    anchors: list[Mention] = field(default_factory=list)


def build_drafts(view: ArticleView, anchors: list[Mention], parties: list[PartyMention], dates: list[Mention], segments: list[Segment]) -> list[Draft]:
    drafts: list[Draft] = []
    for anchor in anchors:
        section = view.blocks[anchor.block].section
        sentence = segment_of(segments, anchor)
        counterpart = find_counterpart(anchor, sentence, parties, anchors)
        own_date = find_own_date(anchor, sentence, dates, anchors)
        same_section = [d for d in drafts if d.section == section]
        target = _merge_target(anchor, counterpart, own_date, same_section)
        if target is None:
            drafts.append(Draft(anchor, section, counterpart, own_date, anchors=[anchor]))
        else:
            target.anchors.append(anchor)
            target.counterpart = target.counterpart or counterpart
            target.own_date = target.own_date or own_date
    return drafts


def _merge_target(anchor: Mention, counterpart: PartyMention | None, own_date: Mention | None, drafts: list[Draft]) -> Draft | None:
    if not drafts:
        return None
    marker = anchor.span._.agreement_marker
    if marker == "newer":
        # "liées depuis 2001 par un accord … le nouvel accord a été signé": the agreement in force
        # and its renewal are two records
        signed = [d for d in drafts if d.anchor.span._.agreement_marker != "older" and d.anchor.span._.agreement_status == "signed"]
        return signed[0] if signed else None
    latest = drafts[-1]
    if counterpart is not None and latest.counterpart is not None and not names_match(counterpart.name, latest.counterpart.name):
        return next((d for d in drafts if d.counterpart is not None and names_match(d.counterpart.name, counterpart.name) and _compatible(d, anchor, own_date)), None)
    if marker == "older":
        return next((d for d in drafts if d.anchor.span._.agreement_marker == "older"), None)
    if own_date is not None and latest.own_date is not None and date_value(own_date) != date_value(latest.own_date):
        return None
    if anchor.label != latest.anchor.label and "other" not in (anchor.label, latest.anchor.label) and counterpart is not None:
        return None
    return latest


def find_counterpart(anchor: Mention, sentence: Segment | None, parties: list[PartyMention], anchors: list[Mention]) -> PartyMention | None:
    """The foreign party this agreement is signed with: after the anchor in its clause, else before it."""
    if sentence is None:
        return None
    low, high = clause_of(anchor, sentence, anchors)
    foreign = [p for p in parties if p.country not in (None, "FR") and p.kind != "association" and not p.signing_place_like and low <= p.mention.order < high]
    after = [p for p in foreign if p.mention.order > anchor.order]
    before = [p for p in foreign if p.mention.order < anchor.order]
    if after:
        return after[0]
    if before:
        return before[-1]
    return None


def find_own_date(anchor: Mention, sentence: Segment | None, dates: list[Mention], anchors: list[Mention]) -> Mention | None:
    if sentence is None:
        return None
    low, high = clause_of(anchor, sentence, anchors)
    candidates = [d for d in dates if low <= d.order < high and signing_date_candidate(d)]
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs(d.order - anchor.order))


def _compatible(draft: Draft, anchor: Mention, own_date: Mention | None) -> bool:
    return own_date is None or draft.own_date is None or date_value(own_date) == date_value(draft.own_date)


def clause_of(anchor: Mention, sentence: Segment, anchors: list[Mention]) -> tuple[int, int]:
    """The part of its sentence an anchor owns when the sentence reports several agreements."""
    inside = sorted((a for a in anchors if sentence.start_order <= a.order < sentence.end_order), key=lambda a: a.order)
    position = next(i for i, a in enumerate(inside) if a is anchor)
    low = sentence.start_order
    if position > 0:
        previous = inside[position - 1]
        low = clause_start(anchor, previous.order + len(previous.span))
    high = sentence.end_order
    if position + 1 < len(inside):
        high = clause_start(inside[position + 1], anchor.order + len(anchor.span))
    return low, high


def clause_start(anchor: Mention, floor: int) -> int:
    """Where the clause of a second agreement begins: at its own signing verb when it has one after
    the first agreement ("avant que X ne signe … une déclaration"), else at the agreement, then
    left over introducing words ("puis, le lendemain, une") and the signer's name."""
    doc = anchor.span.doc
    base = anchor.order - anchor.span.start
    start = anchor.span.start
    cues = {cue.start for cue in doc.spans.get("signing_cues", []) if cue.label_ == "signing"}
    for j in range(anchor.span.start - 1, max(floor - base, 0) - 1, -1):
        if j in cues and doc[j].pos_ in ("VERB", "AUX"):
            start = j
            break
    i = start - 1
    while i >= 0 and base + i > floor:
        token = doc[i]
        if token.pos_ in ("DET", "PUNCT", "CCONJ", "SCONJ", "ADV", "NUM", "PROPN") or token.like_num or token.lower_ in ("puis", "lendemain", "veille", "jour", "même", "avant", "après", "ne", "n'"):
            i -= 1
            continue
        break
    return max(floor, base + i + 1)


def draft_of(drafts: list[Draft], anchor: Mention) -> Draft | None:
    return next((d for d in drafts if any(a is anchor for a in d.anchors)), None)


def signing_date_candidate(mention: Mention) -> bool:
    """A date that can be a signature's: not a range (a mission), not "depuis 2011" (a relationship)."""
    return date_value(mention) is not None and mention.label != "range" and not mention.rule.startswith("year_depuis")


def date_value(mention: Mention) -> str | None:
    return mention.span._.date_value
