"""Dates given "respectivement": the k-th date of the chain dates the k-th agreement of the sentence.

"Saint-Avold est jumelée avec Ottweiler et Herzogenrath, respectivement en 1974 et 1980": each
twinning takes its own year, in the order the partners are named, where the nearest-date rule
would give both the same or swap them. "deux accords conclus respectivement en 2002 et 2004"
between one pair: one agreement per date. A chain that opens with "depuis" ("jumelées
respectivement depuis 1974, 1980 et 1992 avec …") gives each its year as both its date and the
year its relationship began. Any other count of drafts and dates is left as it is: the text does
not say which date is whose.
"""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.extract.assembly.drafts import Draft, same_parties, signing_date_candidate
from pipeline.extract.assembly.view import Mention

RESPECTIVELY = frozenset({"respectivement"})
# What may stand between two dates of the chain ("en 1974 et 1980", "le 3 mai, le 9 juin et le 2 juillet")
_CHAIN_LINKS = frozenset({"et", ",", "en", "le", "puis"})
# How far the chain may start from "respectivement" ("respectivement signées en 1974", "en 1974 et 1980 respectivement")
_REACH = 3


def respective_dates(drafts: list[Draft], dates: list[Mention]) -> list[Draft]:
    """The drafts with the dates of each "respectivement" chain handed out in order."""
    for sentence, chain in _chains(dates):
        dated = sorted((d for d in drafts if _named_in(d, sentence)), key=_partner_order)
        if len(dated) == len(chain):
            for draft, date in zip(dated, chain):
                draft.own_date = date
                if _since_chain(chain):
                    draft.own_since = date
        elif len(dated) == 1 and any(a.span.sent == sentence for a in dated[0].anchors):
            only = dated[0]
            only.own_date = chain[0]
            for date in chain[1:]:
                if any(same_parties(d.signatories, only.signatories) and d.own_date is date for d in drafts):
                    continue  # already read as a later signing of the pair
                drafts.append(Draft(only.anchor, set(only.sections), list(only.signatories), date, "respective_date", anchors=[only.anchor]))
    return drafts


def _chains(dates: list[Mention]) -> list[tuple[Span, list[Mention]]]:
    """Each sentence's chain of two or more signing dates next to "respectivement"."""
    chains: list[tuple[Span, list[Mention]]] = []
    # "depuis 1974" is no signing date alone, but heads a chain of them
    candidates = sorted((d for d in dates if signing_date_candidate(d) or _since_year(d)), key=lambda d: d.order)
    seen: set[int] = set()
    for first in candidates:
        if id(first) in seen:
            continue
        chain = [first]
        for date in candidates:
            if date.order > chain[-1].order and date.span.doc is first.span.doc and _linked(chain[-1], date):
                chain.append(date)
        seen.update(id(d) for d in chain)
        if len(chain) >= 2 and _respectively_beside(chain):
            chains.append((first.span.sent, chain))
    return chains


def _since_year(date: Mention) -> bool:
    return date.rule.startswith("year_depuis")


def _since_chain(chain: list[Mention]) -> bool:
    return _since_year(chain[0])


def _linked(previous: Mention, date: Mention) -> bool:
    doc = previous.span.doc
    between = doc[previous.span.end : date.span.start]
    if date.span.sent != previous.span.sent or len(between) > 3:
        return False
    words = {t.lower_ for t in between} | {date.span[0].lower_}
    return bool(words & {"et", ",", "puis"}) and all(t.lower_ in _CHAIN_LINKS for t in between)


def _respectively_beside(chain: list[Mention]) -> bool:
    doc = chain[0].span.doc
    before = doc[max(chain[0].span.start - _REACH, 0) : chain[0].span.start]
    after = doc[chain[-1].span.end : chain[-1].span.end + 1]
    return any(t.lower_ in RESPECTIVELY for t in before) or any(t.lower_ in RESPECTIVELY for t in after)


def _named_in(draft: Draft, sentence: Span) -> bool:
    partner = draft.counterpart
    return partner is not None and partner.mention.span.sent == sentence


def _partner_order(draft: Draft) -> int:
    partner = draft.counterpart
    return partner.mention.order if partner is not None else 0
