"""Who may sign an agreement a sentence reports: the parties the sentence names, less a place it is
set in (unless called the twin, or the host that "avec la commune" names again), a body that
supports or witnesses the signature, and an earlier partner of an opening "Après …" phrase.
Towns in which successive ceremonies took place, each right after its date, in two countries, do sign.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from pipeline.extract.assembly.clauses import in_earlier_phrase
from pipeline.extract.assembly.members import distinct
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import Mention


def in_sentence(anchor: Mention, sentence: Span, parties: list[PartyMention]) -> list[PartyMention]:
    """The parties with a country that ``sentence`` (of the anchor's block) names, places included."""
    return [p for p in parties if p.mention.block == anchor.block and sentence.start <= p.mention.span.start < sentence.end and p.country]


def sentence_parties(anchor: Mention, sentence: Span, parties: list[PartyMention], every_mention: bool = False) -> list[PartyMention]:
    """The sentence's candidate signatories: not a place it is set in (unless called the twin or
    named again as the host), nor a body that supports or witnesses the signature, nor an earlier
    partner of an opening "Après …" phrase. Each party once (its first mention), or with
    ``every_mention`` each of its mentions, for readers that go by position ("entre A et B")."""
    named = in_sentence(anchor, sentence, parties)
    ceremony_towns = [p for p in named if p.introducer == "à" and _right_after_a_date(p)]
    if len({p.country for p in ceremony_towns}) < 2:
        ceremony_towns = []
    kept = [
        p for p in named
        if (not p.signing_place_like or _twin_by_apposition(p, anchor) or _host_called_by_its_noun(p, sentence) or p in ceremony_towns)
        and not _supporting(p) and not in_earlier_phrase(p.mention)
    ]
    return kept if every_mention else distinct(kept)


def _right_after_a_date(party: PartyMention) -> bool:
    """"Le 20 mars 1960 à La Charité, puis le 21 août 1960 à Biedenkopf, les maires prêtent le
    serment": a ceremony in each town, in towns of two countries, is held by the two towns."""
    doc = party.mention.span.doc
    start = party.mention.span.start
    return start >= 2 and doc[start - 1].lower_ == "à" and doc[start - 2].like_num and len(doc[start - 2].text) == 4


_HOST_NOUNS = frozenset({"commune", "ville", "municipalité", "cité", "localité", "région", "province"})


def _host_called_by_its_noun(party: PartyMention, sentence: Span) -> bool:
    """"a signé à Djenné (Mali) un accord de jumelage avec la commune": the place where the text
    signs is the partner that "avec la commune" names again, with no name after the noun."""
    if party.introducer != "à":
        return False
    doc = sentence.doc
    for token in sentence:
        if token.i <= party.mention.span.end or token.lower_ != "avec" or token.i + 2 >= sentence.end:
            continue
        noun, after = doc[token.i + 2], doc[token.i + 3] if token.i + 3 < len(doc) else None
        if doc[token.i + 1].lower_ in ("la", "le", "l'", "sa", "son", "cette") and noun.lower_ in _HOST_NOUNS:
            return after is None or (after.is_punct and after.text != "(") or after.lower_ in ("et", "pour", "qui", "afin", "dans", "sur")
    return False


# "avec le soutien de la Région Bretagne", "sous l'égide du ministère", "en présence du wali":
# the body that supports or witnesses a signature does not sign it
_SUPPORT_NOUNS = frozenset({"soutien", "appui", "aide", "concours", "accompagnement", "financement", "égide", "patronage", "parrainage", "présence"})
_ALONGSIDE_NOUNS = frozenset({"partenariat", "collaboration", "association", "liaison", "lien"})


def _supporting(party: PartyMention) -> bool:
    span = party.mention.span
    if _supported_from(span.doc, span.start):
        return True
    # "en partenariat avec le ministère X et l'ambassade Y": the second of two coordinated bodies
    root = span.root
    return root.dep_ == "conj" and root.head.i < span.start and _supported_from(span.doc, root.head.left_edge.i)


def _supported_from(doc, start: int) -> bool:
    """A support noun ("avec le soutien de", "en partenariat avec") just before ``doc[start]``."""
    i = start - 1
    # back over articles, prepositions and a role ("en présence du maire de Dakar")
    while i >= 0 and start - i <= 6 and (doc[i].pos_ in ("DET", "ADP", "NOUN") or doc[i].lower_ in ("de", "d'", "du", "des")):
        if doc[i].lower_ in _SUPPORT_NOUNS:
            return True
        if doc[i].lower_ in _ALONGSIDE_NOUNS and i > 0 and doc[i - 1].lower_ == "en":
            return True  # "organisée en partenariat avec X", not "un accord de partenariat avec X"
        i -= 1
    return False


_APPOSITION = re.compile(r"\s*(\([^()]*\))?\s*,\s*((sa|son|notre|leur|la|une)\s+)?((ville|commune|cité|région|province)\s+)?", re.IGNORECASE)


def _twin_by_apposition(party: PartyMention, anchor: Mention) -> bool:
    """"se sont rendus à Schlitz (Allemagne), ville jumelle": the place visited is the twin itself."""
    if anchor.label != "twinning" or anchor.order < party.mention.order or party.introducer == "dans":
        return False  # "ville … à l'ouest de Londres, jumelée avec X": a landmark that locates is no twin
    doc = anchor.span.doc
    if anchor.span.start - party.mention.span.end > 12:
        return False
    between = doc[party.mention.span.end : anchor.span.start].text_with_ws
    if not between.strip() and anchor.span.root.pos_ in ("VERB", "ADJ"):
        return True  # "à Toulouse jumelée avec Kiev depuis 1975": the participle qualifies the town
    return _APPOSITION.fullmatch(between) is not None
