"""The country of a party: stated by the text, shared by every mention of a name, else chosen from the gazetteer.

In order of trust:

1. said with the name: a demonym inside the phrase ("la commune roumaine de Moieciu"), a country
   or demonym right after it ("X (Bénin)", "X, au Burkina Faso", "X en Ukraine", "X, ville
   marocaine", "X, commune des Carpates située dans le județ de Brașov, en Roumanie");
2. said for another mention of the same name: a stated country holds for every mention of that
   name, and beats a gazetteer's guess (``share_identity``);
3. the gazetteer, when a name is several places ("Montréal" is a Quebec city and a French
   commune): the place in a country the article speaks of, else a large foreign city rather
   than a French hamlet, else the French commune (``choose_by_context``).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from pipeline.extract.assembly.view import ArticleView, Mention
from pipeline.extract.blocks import BlockKind
from pipeline.extract.components.places import PlaceRegistry
from pipeline.normalize import name_words

if TYPE_CHECKING:
    from pipeline.extract.assembly.parties import PartyMention

MAX_LOCATOR_GAP = 14
# A country a title opens with ("Cameroun : …", "Sénégal – …") counts as much as three mentions.
RUBRIC_WEIGHT = 3
# Verbs a locating clause may hold: "située dans", "qui se trouve au", "implantée en".
LOCATING_VERBS = frozenset({"situer", "trouver", "localiser", "implanter", "nicher", "être"})
# Nouns that describe a place before its demonym: "X, ville marocaine", "X, commune rurale sénégalaise".
PLACE_NOUNS = frozenset({"ville", "commune", "cité", "capitale", "région", "province", "localité", "municipalité", "département", "préfecture", "wilaya", "gouvernorat", "oblast", "village", "port", "métropole", "district", "cercle", "état", "land"})
# Words that end a name's locating phrase: another place or person comes next ("en Guyane puis au
# Brésil", "à Paris, son homologue du Suriname", "Tulle et Banfora (Burkina)").
NOT_LOCATING_WORDS = frozenset({"et", "avec", "entre", "ou", "puis", "son", "sa", "ses", "leur", "leurs"})
# A French commune this small loses to a foreign city this large when the text says nothing.
SMALL_COMMUNE = 2_000
LARGE_CITY = 100_000
# A French town this large, with no foreign namesake, is not taken for a foreign one.
FRENCH_TOWN = 10_000


def certain_country(places: list[Mention]) -> str | None:
    """The country of a name whose candidate places all lie in it, when the name is a region or a
    department, or a French town of FRENCH_TOWN inhabitants: another country written near it is
    another name's ("la Région Auvergne-Rhône-Alpes … en Arménie", "le Syunik, frontalier de
    l'Azerbaïdjan")."""
    countries = {p.span.kb_id_ for p in places}
    if len(countries) != 1:
        return None
    first = places[0]
    if first.label in ("region", "department") or (first.span.kb_id_ == "FR" and _population(first) >= FRENCH_TOWN):
        return first.span.kb_id_
    return None


def stated_country_of(view: ArticleView, mention: Mention, locators: list[Mention], places: list[Mention]) -> str | None:
    """The country the text gives around a name, unless the name's own places are certainly in
    another one (``certain_country``: "la Région Auvergne-Rhône-Alpes … en Arménie")."""
    stated = stated_country(view, mention, locators)
    return stated if certain_country(places) in (None, stated) else None


def country_inside(inner: list[Mention]) -> str | None:
    """A demonym or country inside a party's phrase: "la préfecture togolaise de Kloto"."""
    return next((p.span.kb_id_ for p in inner if p.label in ("country", "demonym") and p.span.kb_id_), None)


def stated_country(view: ArticleView, mention: Mention, locators: list[Mention]) -> str | None:
    """The country the text gives right after a name, or with a demonym before a list of names."""
    return country_after(view, mention, locators) or country_before(view, mention, locators)


def country_after(view: ArticleView, mention: Mention, locators: list[Mention]) -> str | None:
    """A country (or demonym) the text attaches right after a name, through a bracket, a comma,
    "au"/"en", or a short locating clause; never across "et", "puis", "avec", a possessive or
    another clause."""
    doc = view.docs[mention.block]
    end = mention.span.end
    for locator in sorted((m for m in locators if m.block == mention.block and m.span.start >= end), key=lambda m: m.span.start):
        gap = doc[end : locator.span.start]
        if len(gap) > MAX_LOCATOR_GAP or any(t.text in (";", ".", ":") or t.lower_ in NOT_LOCATING_WORDS for t in gap):
            return None
        if _followed_by_name(doc, locator):
            continue  # "Maurice Dupont", "Dominique Martin": a first name, not a country
        if any(t.pos_ in ("VERB", "AUX") and t.lemma_.lower() not in LOCATING_VERBS for t in gap):
            return None
        if locator.label == "demonym":
            # "X, ville marocaine": a place noun then its adjective
            if gap and gap[-1].lower_ in PLACE_NOUNS and gap[0].text == ",":
                return locator.span.kb_id_
            continue
        if not gap or gap[-1].lower_ in ("(", "au", "en", "aux", "du", "de", "d'", ",") or gap[0].text in (",", "("):
            if _names_inside(gap) and (gap[-1].text == "(" or not _located_before_names(gap)):
                return None  # "X après Abanilla (Espagne)", "X, la commune de Y, au Burkina": the nearer name's
            return locator.span.kb_id_
    return None


def country_before(view: ArticleView, mention: Mention, locators: list[Mention]) -> str | None:
    """A demonym that introduces a list of names: "deux départements burkinabè, Arbollé et Pilimpikou"."""
    doc = view.docs[mention.block]
    i = mention.span.start - 1
    while i >= 0 and mention.span.start - i <= 10 and (doc[i].text in (",", ":") or doc[i].lower_ == "et" or (doc[i].text[:1].isupper() and doc[i].is_alpha) or doc[i].text == "-"):
        i -= 1
    if i < 0 or doc[i + 1].lower_ == "et":
        return None  # "entre la capitale française et Douala": the demonym qualifies the other side
    return next((m.span.kb_id_ for m in locators if m.block == mention.block and m.label == "demonym" and m.span.end - 1 == i), None)


def capital_span(view: ArticleView, locator: Mention) -> Span | None:
    """"la capitale arménienne", "la capitale du Mali" around a demonym or country, as one span,
    where it may be a side of an agreement: in a sentence with an agreement word, and with no name
    after it ("la capitale marocaine, Rabat" names it; "situé aux portes de la capitale
    britannique" is a landmark)."""
    doc = view.docs[locator.block]
    start = locator.span.start
    if locator.label == "country":
        while start > 0 and doc[start - 1].lower_ in ("du", "de", "la", "l'", "d'"):
            start -= 1
        if start == locator.span.start:
            return None
    if start == 0 or doc[start - 1].lower_ != "capitale" or doc[locator.span.end : locator.span.end + 1].text == ",":
        return None
    sentence = locator.span.sent
    if not any(sentence.start <= a.start < sentence.end for a in doc.spans.get("agreements", [])):
        return None
    return Span(doc, start - 1, locator.span.end, label="municipality", span_id="capital")


def _followed_by_name(doc: Doc, locator: Mention) -> bool:
    following = doc[locator.span.end] if locator.span.end < len(doc) else None
    return following is not None and following.text[:1].isupper() and following.pos_ == "PROPN" and locator.label == "country"


def _names_inside(gap) -> bool:
    return any(_name_like(t) for t in gap)


def _name_like(token) -> bool:
    """A capitalised word, hyphenated ones included ("Fribourg-en-Brisgau" is one token)."""
    return token.text[:1].isupper() and token.text.replace("-", "").replace("'", "").isalpha()


def _located_before_names(gap) -> bool:
    """"X, dans la région de l'Ouest, au Cameroun": the names of the gap sit in a locating phrase."""
    for token in gap:
        if token.lower_ in ("dans", "en", "près", "située", "situé", "située", "situées", "situés"):
            return True
        if _name_like(token):
            return False
    return False


def share_identity(parties: list[PartyMention], prominent_blocks: set[int]) -> None:
    """Mentions of one name are one party: the kind said with a generic word in the title, a
    heading or a signing paragraph ("le gouvernorat de Kairouan") and a country the text states
    anywhere hold for the bare mentions ("Kairouan") too. A generic word in passing ("liens avec
    la région de Kédougou") does not rename the town that signs."""
    by_name: dict[frozenset[str], list[PartyMention]] = {}
    for party in parties:
        if not party.state:
            by_name.setdefault(name_words(party.name), []).append(party)
    for words, group in by_name.items():
        if not words:
            continue
        generic = [p for p in group if p.generic and p.mention.block in prominent_blocks]
        kind = generic[0].kind if generic else None
        stated = Counter(p.country for p in group if p.country and p.explicit)
        known = stated or Counter(p.country for p in group if p.country and not p.options)
        country = known.most_common(1)[0][0] if known else None
        for party in group:
            if kind is not None and party.kind not in ("association", "other"):
                party.kind = kind
            if country is not None and not party.explicit and party.country != country:
                party.country = country
                party.options = ()
            if stated:
                party.explicit = True


def choose_by_context(parties: list[PartyMention], mentioned: list[Mention], rubric: str | None = None, administered: dict[str, str] | None = None) -> None:
    """For a name the gazetteer knows in several countries and the text does not place, the
    place in a country the article speaks of; else a large foreign city over a French hamlet.
    ``rubric`` is the country a title opens with ("Cameroun : …"), the country of the page.
    ``administered`` maps a territory to the country that administers it: a town there that the
    text does not place goes to that country when the article names it and never the territory."""
    named = Counter(m.span.kb_id_ for m in mentioned if m.span.kb_id_)
    for party in parties:
        administrator = (administered or {}).get(party.country or "")
        if administrator and not party.explicit and named[administrator] and not named[party.country]:
            party.country = administrator  # "Dakhla … les villes du Sud marocain"
    evidence = Counter(named)
    if rubric is not None:
        evidence[rubric] += RUBRIC_WEIGHT
    evidence.update(p.country for p in parties if p.country and (p.explicit or not p.options))
    for party in parties:
        if party.explicit or len({o.span.kb_id_ for o in party.options}) < 2:
            continue
        french = [o for o in party.options if o.span.kb_id_ == "FR"]
        foreign = [o for o in party.options if o.span.kb_id_ != "FR"]
        spoken = [o for o in foreign if evidence.get(o.span.kb_id_, 0) > 0]
        if spoken:
            chosen = max(spoken, key=lambda o: (evidence[o.span.kb_id_], _population(o)))
        elif foreign and french and 0 < _population(french[0]) < SMALL_COMMUNE and max(_population(o) for o in foreign) >= LARGE_CITY:
            chosen = max(foreign, key=_population)
        else:
            continue
        party.country = chosen.span.kb_id_
        if not party.organisation:
            party.kind = chosen.span._.place_kind or party.kind
    # every French commune is in the gazetteer: a place it does not know is foreign, and in an
    # article about one foreign country, in that country
    foreign = Counter({code: n for code, n in evidence.items() if code != "FR"})
    if foreign:
        (dominant, count), *rest = foreign.most_common(2) + [("", 0)]
        if not (count >= 2 * rest[0][1] and (count >= 2 or len(foreign) == 1)):
            # no country dominates: of the two foreign countries the article names, the one none
            # of its known towns lies in ("Campinas (Brésil) et Mbandjock … entre le Brésil et
            # le Cameroun")
            held = {p.country for p in parties if p.country and not p.state and not p.unknown}
            free = [code for code in foreign if code not in held]
            dominant = free[0] if len(free) == 1 and len(foreign) == 2 else None
        if dominant is not None:
            for party in parties:
                if party.unknown and party.country is None:
                    party.country = dominant


def title_rubric(view: ArticleView, locators: list[Mention]) -> str | None:
    """The country a title opens with, before a colon or a dash: "Cameroun : La commune de …"."""
    title = next((i for i, b in enumerate(view.blocks) if b.kind is BlockKind.title), None)
    if title is None:
        return None
    first = next((m for m in locators if m.block == title and m.label == "country" and m.span.start == 0), None)
    doc = view.docs[title]
    if first is None or first.span.end >= len(doc) or doc[first.span.end].text not in (":", "-", "–", "—", ","):
        return None
    return first.span.kb_id_


def _population(mention: Mention) -> int:
    place = PlaceRegistry.place(mention.span)
    return place.population if place else 0
