"""Clauses: the part of a sentence that belongs to one agreement when the sentence reports several.

"… ont signé la charte de jumelage …, avant que X ne signe, quelques minutes plus tard, avec Y une
déclaration d'intention": the second agreement's clause begins at its own signing verb, or at the
agreement word and the words that introduce it.
"""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.extract.assembly.view import Mention, Segment


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
    earlier = earlier_phrase_end(anchor.span.sent)
    if earlier is not None and anchor.span.start > earlier:
        low = max(low, anchor.order - anchor.span.start + earlier + 1)
    return low, high


def coordinated_verb_before(clause: Span) -> bool:
    """"Tunis est jumelée à Marseille et a un pacte d'amitié avec Paris": the clause's verb is
    coordinated with the one before, whose subject it shares."""
    doc = clause.doc
    i = clause.start - 1
    while i > 0 and (doc[i].pos_ == "ADV" or doc[i].lower_ in ("ne", "n'")):
        i -= 1
    return i > 0 and doc[i].pos_ in ("VERB", "AUX") and doc[i - 1].lower_ in ("et", ",")


def earlier_phrase_end(sentence: Span) -> int | None:
    """"Après Bamako en 2010, Angers a signé avec Ouagadougou", "Outre Tata, notre ville est aussi
    jumelée avec …": a phrase that opens the sentence with "après" or "outre" names other partners
    and their years, not the agreement the sentence reports. The index of the comma that ends it."""
    if sentence[0].lower_ not in ("après", "outre"):
        return None
    return next((t.i for t in sentence if t.text == ","), None)


def clause_start(anchor: Mention, floor: int) -> int:
    """Where the clause of a second agreement begins: at its own signing verb when it has one after
    the first agreement ("avant que X ne signe … une déclaration"), else at the agreement, then
    left over introducing words ("puis, le lendemain, une") and the signer's name."""
    doc = anchor.span.doc
    base = anchor.order - anchor.span.start
    start = anchor.span.start
    boundary = last_boundary(doc, max(floor - base, 0), anchor.span.start)
    if boundary is not None:
        return base + boundary  # "A est jumelée à B, tandis que C est jumelée à D"
    cues = {cue.start for cue in doc.spans.get("signing_cues", []) if cue.label_ == "signing"}
    for j in range(anchor.span.start - 1, max(floor - base, 0) - 1, -1):
        if j in cues and doc[j].pos_ in ("VERB", "AUX") and not _subject_before(doc[j], floor - base):
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


def _subject_before(verb, floor: int) -> bool:
    """"la première charte d'amitié fut signée à X, par A et B : un des premiers jumelages": the
    verb's subject stands in the clause before, so the verb is that clause's."""
    return any(child.dep_ in ("nsubj", "nsubj:pass") and child.i < floor for child in verb.children)


# "tandis que", "alors que": the words that open a clause with its own subject
_CONTRASTING = frozenset({"tandis", "alors", "pendant", "cependant"})


def last_boundary(doc, start: int, end: int) -> int | None:
    """The token just after the last clause boundary in ``doc[start:end]``: a semicolon, or "tandis
    que" / "alors que", after which a new subject comes ("…, tandis que Tunis est jumelée à …")."""
    for j in range(end - 1, start - 1, -1):
        if doc[j].text == ";":
            return j + 1
        if doc[j].lower_ in ("que", "qu'") and j > start and doc[j - 1].lower_ in _CONTRASTING:
            return j + 1
    return None


def in_earlier_phrase(mention: Mention) -> bool:
    """Named or dated inside a sentence's opening "après" or "outre" phrase (``earlier_phrase_end``)."""
    end = earlier_phrase_end(mention.span.sent)
    return end is not None and mention.span.end <= end
