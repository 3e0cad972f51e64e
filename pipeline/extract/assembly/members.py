"""Who may sign together: a relation's members, and the rules every relation obeys.

A relation names two to six distinct parties with a country, not all French (an agreement between
French bodies is domestic); a state or region beside a smaller member of its own country locates
that member rather than signing beside it; a state never twins.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import Mention
from pipeline.normalize import name_words, names_match

MAX_SIGNATORIES = 6
_LARGER_KINDS = {"national": 3, "region": 2, "department": 1}


@dataclass
class Relation:
    """Parties the text names for one agreement.

    ``anchor`` is the agreement mention; ``where`` the mention whose sentence holds this
    agreement's own fields (the anchor, or a list item's party); ``scope``, when the clause names
    several agreements ("entre A et B dès 1957, entre C et D en 1966"), the token orders
    ``[start, end)`` that belong to this one.
    """

    anchor: Mention
    parties: list[PartyMention]
    rule: str
    where: Mention
    scope: tuple[int, int] | None = None


def distinct(parties: list[PartyMention]) -> list[PartyMention]:
    """One mention per name, in text order ("Compiègne" and "Margny-Lès-Compiègne" are two); a name
    of two countries is two namesakes ("Laval – Laval", a French town and a Quebec one)."""
    kept: list[PartyMention] = []
    for party in parties:
        words = name_words(party.name)
        if words and all(other.country != party.country or (name_words(other.name) != words and not _same_place(party, other)) for other in kept):
            kept.append(party)
    return kept


def _same_place(a: PartyMention, b: PartyMention) -> bool:
    """"Hamm" and "Hamm-Mitte" read as one gazetteer place are one party."""
    return bool(a.mention.rule) and a.mention.rule == b.mention.rule and names_match(a.name, b.name)


def valid(anchor: Mention, members: list[PartyMention], rule: str, where: Mention | None = None, scope: tuple[int, int] | None = None) -> Relation | None:
    members = [m for m in members if m.country and not (m.state and anchor.label == "twinning")]
    members = [m for m in members if not contains_another(m, members)]
    signers = distinct(members)[:MAX_SIGNATORIES]
    if len(signers) < 2 or all(m.country == "FR" for m in signers):
        return None
    return Relation(anchor, signers, rule, where or anchor, scope)


def contains_another(party: PartyMention, members: list[PartyMention]) -> bool:
    """"Chisinau" beside "la Moldavie", "Trois-Pistoles" beside "Québec": a state or region of the
    same country as a smaller member locates it rather than signing beside it."""
    rank = _LARGER_KINDS.get(party.kind, 0)
    if rank == 0 or party.organisation or (party.generic and party.introducer is None):
        return False  # "le Département de la Corrèze, la Région Nouvelle-Aquitaine et …": both sign
    return any(m is not party and m.country == party.country and _LARGER_KINDS.get(m.kind, 0) < rank and not m.organisation for m in members)
