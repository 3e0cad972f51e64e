"""Phrases around an agreement mention, for the agreements component: an anaphora that renews
the agreement named before it ("…, ce dernier a été renouvelé"), the time of "il y a quelques
mois" the parser hangs the agreement on, a negation that only contrasts ("non pas … mais"), the
sister word of "les villes sœurs", and the shapes that say an agreement exists or is defined
("le jumelage entre A et B", "son jumelage avec X", "Le jumelage, c'est …").
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


# "non pas sacrés mais importants", "pas seulement un jumelage": a negation that contrasts two
# words or adds one ("non seulement") denies nothing of the clause
_CONTRASTIVE_AFTER = frozenset({"pas", "seulement", "uniquement", "simplement"})


def contrastive(token: Token) -> bool:
    """The negation word is "non pas", "pas seulement", "non seulement": it contrasts, it denies nothing."""
    doc = token.doc
    following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
    preceding = doc[token.i - 1].lower_ if token.i > 0 else ""
    if token.lower_ == "non":
        return following in _CONTRASTIVE_AFTER
    return token.lower_ == "pas" and (preceding == "non" or following in _CONTRASTIVE_AFTER - {"pas"})


# "les villes sœurs de X": the sister word is a twinning adjective as "jumelles" is
SISTER_RULE = "twinned_sister"
SISTER = frozenset({"sœur", "sœurs", "soeur", "soeurs"})
SISTER_OF = frozenset({"ville", "villes", "cité", "cités"})


def followed_up(span: Span) -> bool:
    """"Cette charte, qui fait suite à un protocole d'amitié signé en 2016": what another agreement
    follows up is the older one."""
    before = span.doc[max(span.sent.start, span.start - 5) : span.start]
    return any(t.lower_ == "suite" and t.i > 0 and t.nbor(-1).lemma_.lower() == "faire" for t in before)


POSSESSIVES = frozenset({"son", "sa", "leur", "notre"})
DEFINITES = frozenset({"le", "la", "l'", "ce", "cet", "cette", *POSSESSIVES})


def partner_follows(span: Span) -> bool:
    """"jumelage avec X", "jumelage entre A et B": the partner comes right after the agreement word."""
    doc = span.doc
    return any(t.lower_ in ("avec", "entre") for t in doc[span.end : min(span.end + 2, span.sent.end)])


def defined(span: Span) -> bool:
    """"Le jumelage, c'est la rencontre de deux communes": the word set apart, then defined."""
    doc = span.doc
    return span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].lower_ in ("c'", "ce")


def in_a_definition(head: Token) -> bool:
    """The subject or the predicate of a copula: "un jumelage est un accord entre deux villes"."""
    clause = head.head if head.dep_ == "nsubj" else head
    return any(child.dep_ == "cop" for child in clause.children)


def definite_pair(span: Span, head: Token) -> Token | None:
    """The "entre" of "le/du jumelage entre A et B": a definite agreement whose own words tie it to
    two named sides is one that exists."""
    definite = any(
        (t.dep_ == "det" and t.lower_ in DEFINITES) or (t.dep_ == "case" and t.morph.get("Definite") == ["Def"]) for t in head.children
    )
    doc = span.doc
    if not definite or span.end >= len(doc) or doc[span.end].lower_ != "entre":
        return None
    # the parser may hang the sides on the noun that governs the agreement: read them from "entre"
    side = doc[span.end].head
    return doc[span.end] if side.pos_ == "PROPN" and any(c.dep_ == "conj" for c in side.children) else None
