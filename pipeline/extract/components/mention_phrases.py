"""Phrases around an agreement mention that the parser reads in a misleading way, for the
agreements component: an anaphora that renews the agreement named before it ("…, ce dernier a
été renouvelé"), and the time of "il y a quelques mois" the parser hangs the agreement on.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

# The stems of the words that renew an agreement: "renouvelé", "la reconduction", "réaffirmé"
RENEWAL_STEMS = ("renouvel", "reconduction", "reconduit", "reconduis", "reconduir", "prolong", "réaffirm")


# Words that take up an agreement named before in the sentence: "ce dernier", "celui-ci"
_ANAPHORS = frozenset({"dernier", "dernière", "celui-ci", "celle-ci"})


def renewed_by_anaphora(head: Token, sentence: Span) -> Token | None:
    """The renewing verb after the agreement whose subject takes it up: "…, ce dernier a été renouvelé"."""
    for token in sentence:
        if token.i > head.i and token.lower_ in _ANAPHORS and token.dep_.startswith("nsubj") and token.head.lower_.startswith(RENEWAL_STEMS):
            return token.head
    return None


_TIME_UNITS = frozenset({"jours", "semaines", "mois", "ans", "années"})


def ago(governor: Token) -> bool:
    """"la signature il y a quelques mois d'un accord": the parser hangs the agreement on the time
    of "il y a …", which names nothing else."""
    doc = governor.doc
    before = [t.lower_ for t in doc[max(governor.i - 4, 0) : governor.i]]
    return governor.lower_ in _TIME_UNITS and "a" in before and any(word in ("y", "y'", "y’") for word in before)
