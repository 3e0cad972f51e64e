"""Pairs written with their verb gapped: one relating verb, then "name + preposition + partners" again and again.

"Dakhla s'est liée à Minna (Nigeria), Boujdour à Keta (Ghana), Guelmim à Rikoua (Tanzanie) et
Marcory (Côte d'Ivoire), Taza à Nioro du Rip (Sénégal)": the verb ("liée", "jumelée", "associée")
is written once, for the first pair; every following comma-separated part repeats its shape
without it, a town, the same preposition, its partners [``gapped_pair``]. Each part is its own
agreement, of the twinning word the sentence or the one before gives (else of any agreement word
there). A sentence with no repeated part is left to the other readers.

Inside an agreement word's own sentence, :func:`pair_shapes.parallel_pairs` reads the short form
of this shape (one partner per "à"); this reader also takes sentences whose only agreement word is
in the sentence before, and parts with several partners ("Guelmim à Rikoua et Marcory").
"""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.extract.assembly.introducers import relating
from pipeline.extract.assembly.members import Relation, distinct, valid
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import ArticleView, Mention

# the preposition that introduces the partners after the relating verb, and again in each part
_PARTNER_PREPOSITIONS = frozenset({"à", "au", "aux", "avec"})
# "Salé aux localités de Maroua": a part's preposition may take a generic noun before the names
_MAX_PART_GAP = 4
# a part that opens with these goes on naming the previous part's partners
_CONTINUING_WORDS = frozenset({"de", "d'", "du", "des", "et"})


def gapped_pairs(view: ArticleView, parties: list[PartyMention], mentions: list[Mention]) -> list[Relation]:
    """The relations of every sentence that gaps its relating verb (see the module's docstring)."""
    relations: list[Relation] = []
    for index, doc in enumerate(view.docs):
        for sentence in doc.sents:
            in_sentence = [p for p in parties if p.mention.block == index and sentence.start <= p.mention.span.start < sentence.end and p.country and p.introducer != "("]
            parts = _parts(sentence, in_sentence)
            if len(parts) < 2:
                continue
            anchor = _agreement_of(view, index, sentence, mentions)
            if anchor is None:
                continue
            base = view.orders[index]
            for (signer, partners), (start, end) in parts:
                for partner in partners:
                    relation = valid(anchor, [signer, partner], "gapped_pair", where=partner.mention, scope=(base + start, base + end))
                    if relation is not None:
                        relations.append(relation)
    return relations


def _parts(sentence: Span, parties: list[PartyMention]) -> list[tuple[tuple[PartyMention, list[PartyMention]], tuple[int, int]]]:
    """The (signer, partners) of each part of a gapped sentence, with the part's token bounds; [] when
    the sentence does not gap its verb."""
    doc = sentence.doc
    verb = next((t for t in sentence if t.pos_ in ("VERB", "ADJ") and relating(t) and t.i + 1 < sentence.end and doc[t.i + 1].lower_ in _PARTNER_PREPOSITIONS), None)
    if verb is None:
        return []
    preposition = doc[verb.i + 1].lower_
    subject = [p for p in parties if p.mention.span.end <= verb.i and not any(t.text in (",", ";") for t in doc[p.mention.span.end : verb.i])]
    if not subject:
        return []
    by_start: dict[int, PartyMention] = {}
    for party in parties:
        by_start.setdefault(party.mention.span.start, party)
    bounds = _split_at_new_signers(doc, _comma_parts(sentence, verb.i + 1), by_start, preposition)
    parts = []
    first_start, first_end = bounds[0]
    parts.append(((subject[-1], _partners(parties, first_start, first_end)), (subject[-1].mention.span.start, first_end)))
    for start, end in bounds[1:]:
        signer = by_start.get(start)
        if signer is None and doc[start].lower_ in _CONTINUING_WORDS:
            # "Salé aux localités de Maroua (Cameroun), de Guande et de Grand-Yoff": more partners
            (last, partners), (last_start, _) = parts[-1]
            parts[-1] = ((last, distinct(partners + _partners(parties, start, end))), (last_start, end))
            continue
        opening = _part_preposition(doc, signer, end, preposition) if signer is not None else None
        if opening is None:
            break
        parts.append(((signer, _partners(parties, opening + 1, end)), (start, end)))
    parts = [part for part in parts if part[0][1]]
    return parts if len(parts) >= 2 else []


def _comma_parts(sentence: Span, start: int) -> list[tuple[int, int]]:
    """The token bounds of the parts from ``start`` to the sentence's end, cut at the commas and
    semicolons outside brackets."""
    doc = sentence.doc
    parts, depth, begin = [], 0, start
    for i in range(start, sentence.end):
        text = doc[i].text
        depth += (text == "(") - (text == ")")
        if depth == 0 and text in (",", ";"):
            parts.append((begin, i))
            begin = i + 1
    parts.append((begin, sentence.end))
    return parts


def _split_at_new_signers(doc, bounds: list[tuple[int, int]], by_start: dict[int, PartyMention], preposition: str) -> list[tuple[int, int]]:
    """Each part cut again where "et" opens a new one: "Brive avec Dunfermline et Ussel avec Coimbra"."""
    split = []
    for start, end in bounds:
        for i in range(start + 1, end - 1):
            signer = by_start.get(i + 1) if doc[i].lower_ == "et" else None
            if signer is not None and _part_preposition(doc, signer, end, preposition) is not None:
                split.append((start, i))
                start = i + 1
        split.append((start, end))
    return split


def _part_preposition(doc, signer: PartyMention, limit: int, preposition: str) -> int | None:
    """The index of the preposition that follows a part's signer and its bracketed locator
    ("Guelmim (Maroc) à …"), before ``limit``, when it is the sentence's partner preposition ("à"
    and its contractions "au", "aux" are one, "avec" another); else None."""
    i = signer.mention.span.end
    if i < limit and doc[i].text == "(":
        close = next((t.i for t in doc[i:limit] if t.text == ")"), None)
        if close is None:
            return None
        i = close + 1
    if i >= limit or doc[i].lower_ not in _PARTNER_PREPOSITIONS or (doc[i].lower_ == "avec") != (preposition == "avec"):
        return None
    return i


def _partners(parties: list[PartyMention], start: int, end: int) -> list[PartyMention]:
    """The party named within the first few words after a part's preposition (the preposition may
    read it as a place), and those after it up to the part's end that are not placed as a locator
    ("Mérignac en Aquitaine", "Bondy au nord-est de Paris")."""
    inside = [p for p in parties if start <= p.mention.span.start < end]
    if not inside or inside[0].mention.span.start - start > _MAX_PART_GAP:
        return []
    return distinct(inside[:1] + [p for p in inside[1:] if p.introducer is None])


def _agreement_of(view: ArticleView, index: int, sentence: Span, mentions: list[Mention]) -> Mention | None:
    """The agreement the pairs are of: a twinning word of the sentence or of the one before, else
    any agreement word there."""
    doc = view.docs[index]
    previous = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    near = [m for m in mentions if m.block == index and previous <= m.span.start < sentence.end]
    return next((m for m in near if m.label == "twinning"), near[0] if near else None)
