"""Party candidates of an article: who could sign, with kind, country and how the text introduces them.

Three sources, in this order: the parties component's phrases ("la ville de X", "l'oblast de X"),
gazetteer places not already inside a party, person or actor, and names the French model reads
as places or people that no gazetteer knows ("Beit Sahour"), kept only when the text gives them a
foreign country. Mentions of one name then share one identity (kind and country).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pipeline.extract.assembly.lexicon import AssemblyLexicon
from pipeline.extract.assembly.view import ANCHOR_STATUSES, ArticleView, Mention, inside, overlaps
from pipeline.extract.blocks import BlockKind
from pipeline.extract.components.parties import VENUE_HEADS
from pipeline.normalize import name_words

PARTY_PROVINCE_FALLBACK = "region"


@dataclass
class PartyMention:
    mention: Mention
    name: str
    kind: str
    country: str | None
    introducer: str | None  # "à", "dans", "(": introduced as a place, not a party

    @property
    def signing_place_like(self) -> bool:
        return self.introducer is not None


def party_mentions(view: ArticleView, lexicon: AssemblyLexicon) -> list[PartyMention]:
    places = view.mentions("places")
    countries = [m for m in places if m.label in ("country", "demonym")]
    parties: list[PartyMention] = []
    taken: list[tuple[int, int]] = []
    for mention in view.mentions("parties"):
        name = mention.span._.party_name or mention.text
        inner = [p for p in places if p.start >= mention.start and p.end <= mention.end]
        country = _country_inside(inner) or _country_after(view, mention, countries)
        if country is None:
            country = next((p.span.kb_id_ for p in inner if p.label not in ("country", "demonym") and p.span.kb_id_), None)
        if country is None and _french_generic(mention):
            country = "FR"
        kind = mention.label
        if kind == "province":
            kind = "department" if country in lexicon.province_department_countries else PARTY_PROVINCE_FALLBACK
        parties.append(PartyMention(mention, name, kind, country, _introducer(mention)))
        taken.append((mention.start, mention.end))
    people = [(m.start, m.end) for m in view.mentions("people")]
    # a first name that is also a commune ("Yves" in "Yves Le Dréau"), inside a longer person entity
    people += [(m.start, m.end) for m in view.entities(("PER",)) if len(m.span) > 1]
    people += [(m.start, m.end) for m in view.mentions("actors") if m.label != "school"]
    for group in _place_groups(places):
        first = group[0]
        if first.label in ("country", "demonym") or overlaps(first, taken) or inside(first, people):
            continue
        if _common_noun_read_as_place(first) or (first.span._.place_ambiguous and not _written_as_name(first)):
            continue
        context = _country_after(view, first, countries)
        place = next((p for p in group if context and p.span.kb_id_ == context), first)
        if place.span.kb_id_ != "FR":
            place = next((p for p in group if p.label == "city" and p.span.kb_id_ == place.span.kb_id_), place)
        country = context or place.span.kb_id_ or None
        kind = place.span._.place_kind or "municipality"
        name = place.text
        parties.append(PartyMention(place, name, kind, country, _introducer(place)))
        taken.append((place.start, place.end))
    vetted_people = [(m.start, m.end) for m in view.mentions("people")]
    every_place = [(m.start, m.end) for m in places]
    # the French model reads some foreign town names as people ("Beit Sahour"): those that the
    # people component did not take are kept, and only a country in the text makes them parties
    for ent in view.entities(("LOC", "PER")):
        if overlaps(ent, taken) or overlaps(ent, every_place) or overlaps(ent, vetted_people):
            continue
        if ent.span.root.pos_ != "PROPN" or not ent.text[:1].isupper():
            continue
        # a place no gazetteer knows ("Beit Sahour"): its country comes from the text, here or at
        # another mention of the same name ("à Beit Sahour, en Palestine")
        country = _country_after(view, ent, countries)
        if country == "FR":
            continue
        parties.append(PartyMention(ent, ent.text, "municipality", country, _introducer(ent)))
    parties.sort(key=lambda p: p.mention.order)
    prominent = {i for i, b in enumerate(view.blocks) if b.kind in (BlockKind.title, BlockKind.heading)}
    prominent |= {m.block for m in view.mentions("agreements") if m.span._.agreement_status in ANCHOR_STATUSES}
    return _share_identity(parties, prominent)


def _country_inside(inner: list[Mention]) -> str | None:
    return next((p.span.kb_id_ for p in inner if p.label in ("country", "demonym") and p.span.kb_id_), None)


def _country_after(view: ArticleView, mention: Mention, countries: list[Mention]) -> str | None:
    """"X (Bénin)", "X, au Burkina Faso", "X en Ukraine", "X, dans la région de l'Ouest du Cameroun"."""
    doc = view.docs[mention.block]
    end_token = mention.span.end
    for country in countries:
        if country.block != mention.block or country.label != "country":
            continue
        gap = doc[end_token : country.span.start]
        if country.span.start < end_token or len(gap) > 9:
            continue
        if any(t.pos_ in ("VERB", "AUX") or t.text in (";", ".") or t.lower_ in ("et", "avec", "entre") or t.is_title for t in gap):
            continue
        if not gap or gap[-1].lower_ in ("(", "au", "en", "aux", "du", "de", ",") or gap[0].text in (",", "("):
            return country.span.kb_id_
    return None


def _introducer(mention: Mention) -> str | None:
    """How the text introduces a name as a place rather than a party.

    "à" (directly, or through a venue: "à l'hôtel de ville de Niort", "dans la salle du conseil
    municipal de Vitré" reads as "à"), "dans" for a locator ("dans le județ de Brașov"), "(" for
    a bracket ("(Loire)"); None for a party. "l'adjointe au maire de X" introduces no place.
    A name given with its generic word ("s'associe à la commune roumaine de Moieciu") stays a
    party after "à", but not after "dans".
    """
    named_with_generic = mention.span.has_extension("party_name") and mention.span._.party_name is not None
    doc = mention.span.doc
    i = mention.span.start - 1
    if i >= 0 and doc[i].text == "(" and not named_with_generic:
        return "("
    while i >= 0 and mention.span.start - i <= 10:
        token = doc[i]
        if token.lower_ == "en" and i == mention.span.start - 1 and mention.label in ("region", "department"):
            return "dans"  # "Görlitz, en Saxe": the region locates a town
        if token.lower_ in ("à", "au", "dans"):
            chain = [t for t in doc[i + 1 : mention.span.start] if t.pos_ != "DET"]
            through_venue = not chain or chain[0].lower_ in VENUE_HEADS
            if token.lower_ == "dans":
                return "à" if through_venue and chain else "dans"
            return "à" if through_venue and not named_with_generic else None
        if token.pos_ in ("VERB", "AUX", "PUNCT", "CCONJ") or token.lower_ in ("avec", "entre", "par"):
            return None
        i -= 1
    return None


def _share_identity(parties: list[PartyMention], prominent_blocks: set[int]) -> list[PartyMention]:
    """Mentions of one name are one party: the kind said with a generic word in the title, a
    heading or a signing paragraph ("le gouvernorat de Kairouan") and a country said anywhere hold
    for the bare mentions ("Kairouan") too. A generic word in passing ("liens avec la région de
    Kédougou") does not rename the town that signs."""
    by_name: dict[frozenset[str], list[PartyMention]] = {}
    for party in parties:
        by_name.setdefault(name_words(party.name), []).append(party)
    for words, group in by_name.items():
        if not words:
            continue
        generic = [
            p for p in group
            if p.mention.span.has_extension("party_name") and p.mention.span._.party_name is not None and p.mention.block in prominent_blocks
        ]
        kind = generic[0].kind if generic else None
        said = Counter(p.country for p in group if p.country and p.mention.span.has_extension("party_name") and p.mention.span._.party_name is not None)
        countries = said or Counter(p.country for p in group if p.country)
        country = countries.most_common(1)[0][0] if countries else None
        for party in group:
            if kind is not None and party.kind != "association":
                party.kind = kind
            # "la commune de Saint-Louis, au Sénégal" decides for a bare "à Saint-Louis", which a
            # gazetteer would read as the French commune of that name
            if party.country is None or (said and party.country != country):
                party.country = country
    return parties


def _place_groups(places: list[Mention]) -> list[list[Mention]]:
    """The places component gives one span per candidate place of a name, most likely first: group them."""
    groups: dict[tuple[int, int], list[Mention]] = {}
    for place in places:
        groups.setdefault((place.start, place.end), []).append(place)
    return list(groups.values())


def _common_noun_read_as_place(place: Mention) -> bool:
    """"Maire" found as the commune of Mairé, "Parce" (que) as Parce, "Collines" opening a sentence.

    A one-word place that the tagger reads as anything but a proper noun is kept only when it
    is a noun written exactly as the place and not opening its sentence.
    """
    span = place.span
    if len(span) != 1:
        # "Les deux villes" is a commune of the Ardennes, and an ordinary phrase: names capitalise their words
        return any(t.is_alpha and t.lower_ not in PLACE_PARTICLES and not t.text[0].isupper() for t in span)
    token = span.root
    if token.pos_ == "PROPN":
        return False
    if token.pos_ != "NOUN":
        return True
    return token.is_sent_start or span.text != (span._.place_name or span.text)


PLACE_PARTICLES = frozenset({"de", "du", "des", "d'", "la", "le", "les", "l'", "sur", "sous", "en", "lès", "lez", "aux", "et", "-"})


def _written_as_name(place: Mention) -> bool:
    """Capitalised and read as a name: "Vitré" the town, not "vitré" the glass. Opening a sentence,
    the word must also be paired with another name ("Vannes et Cuxhaven", "Tulle, Banfora…")."""
    span = place.span
    first = span[0]
    if not first.text[:1].isupper():
        return False
    if not first.is_sent_start:
        return any(t.pos_ == "PROPN" for t in span)
    doc = span.doc
    following = doc[span.end : span.end + 2]
    return len(following) == 2 and following[0].lower_ in ("et", ",") and following[1].text[:1].isupper()


def _french_generic(mention: Mention) -> bool:
    """Generic words only French units carry: communauté de communes, métropole, "le Département du…"."""
    if mention.label == "intermunicipal":
        return True
    first = mention.span[0].text
    return first in ("Département", "Région") and mention.span._.party_name is not None and len(mention.span) > 1 and mention.span[1].lower_ in ("du", "de", "des", "d'")
