"""Signatories: who signed the agreement of a draft.

Today one French and one foreign party: from the anchors' sentences, else their blocks, the
section heading, the title; an association signs too when the text says the agreement has three
parties.
"""

from __future__ import annotations

from collections import Counter

from pipeline.extract.assembly.drafts import Draft
from pipeline.extract.assembly.lexicon import AssemblyLexicon
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import ArticleView
from pipeline.extract.blocks import BlockKind
from pipeline.normalize import fold


def choose_signatories(view: ArticleView, draft: Draft, parties: list[PartyMention], lexicon: AssemblyLexicon) -> list[PartyMention] | None:
    """One French and one foreign party: from the anchor's sentence, else the section heading, else the title."""
    anchor = draft.anchor
    contexts = _contexts(view, draft)
    foreign = draft.counterpart
    french = None
    for low, high in contexts:
        window = [p for p in parties if low <= p.mention.order < high and p.country and not p.signing_place_like]
        if foreign is None:
            candidates = [p for p in window if p.country != "FR" and p.kind != "association"]
            foreign = min(candidates, key=lambda p: abs(p.mention.order - anchor.order), default=None)
        if french is None:
            candidates = [p for p in window if p.country == "FR" and p.kind != "association"]
            french = min(candidates, key=lambda p: abs(p.mention.order - anchor.order), default=None)
        if foreign is not None and french is not None:
            break
    if french is None:
        french = _most_frequent([p for p in parties if p.country == "FR" and p.kind != "association" and not p.signing_place_like])
    if foreign is None:
        in_section = [p for p in parties if view.blocks[p.mention.block].section == draft.section]
        foreign = _most_frequent([p for p in in_section if p.country not in (None, "FR") and p.kind != "association" and not p.signing_place_like])
    if foreign is None:
        foreign = _state_party(view, draft)
    if foreign is None or french is None:
        return None
    signatories = [french, foreign]
    anchor_blocks = {a.block for a in draft.anchors}
    for party in parties:
        if party.kind == "association" and party.mention.block in anchor_blocks and _tripartite(view, draft, lexicon):
            signatories.append(PartyMention(party.mention, party.name, "association", party.country or "FR", None))
            break
    return signatories


def _state_party(view: ArticleView, draft: Draft) -> PartyMention | None:
    """A state that signs: "un accord avec le Maroc", "la Région et le Cap-Vert signent" (a
    country named after "avec"/"et" in the anchor's sentence, not locating something "au Maroc")."""
    anchor_sentences = {(a.block, a.span.sent.start) for a in draft.anchors}
    for place in view.mentions("places"):
        if place.label != "country" or place.span.kb_id_ == "FR" or (place.block, place.span.sent.start) not in anchor_sentences:
            continue
        doc = place.span.doc
        before = [t.lower_ for t in doc[max(place.span.sent.start, place.span.start - 2) : place.span.start]]
        if before and before[-1] in ("le", "la", "l'", "les") and len(before) == 2 and before[0] in ("avec", "et"):
            return PartyMention(place, place.span._.place_name or place.text, "national", place.span.kb_id_, None)
    return None


def _contexts(view: ArticleView, draft: Draft) -> list[tuple[int, int]]:
    """Where to look for signatories, nearest first: the anchors' sentences, their blocks, the heading, the title."""
    contexts = []
    for anchor in draft.anchors:
        sent = anchor.span.sent
        base = view.orders[anchor.block]
        contexts.append((base + sent.start, base + sent.end))
    for index, block in enumerate(view.blocks):
        if block.kind is BlockKind.heading and block.section == draft.section:
            contexts.append((view.orders[index], view.orders[index] + len(view.docs[index])))
    for anchor in draft.anchors:
        base = view.orders[anchor.block]
        contexts.append((base, base + len(view.docs[anchor.block])))
    for index, block in enumerate(view.blocks):
        if block.kind is BlockKind.title:
            contexts.append((view.orders[index], view.orders[index] + len(view.docs[index])))
    return contexts


def _tripartite(view: ArticleView, draft: Draft, lexicon: AssemblyLexicon) -> bool:
    """"une convention à trois", "tripartite": a third party (an association) signs too."""
    texts = [fold(a.span.sent.text) for a in draft.anchors] + ([fold(view.blocks[0].text)] if view.blocks else [])
    return any(mark in text for text in texts for mark in lexicon.tripartite_marks)


def _most_frequent(parties: list[PartyMention]) -> PartyMention | None:
    if not parties:
        return None
    counts = Counter(fold(p.name) for p in parties)
    best = max(counts.values())
    return next(p for p in parties if counts[fold(p.name)] == best)
