"""Party candidates of an article: who could sign, with kind, country and how the text introduces them.

Sources, in this order (a later one never takes words an earlier one took):

1. the parties component's phrases ("la ville de X", "l'oblast de X", "l'Université de X");
2. gazetteer places not inside a party, a person or an organisation;
3. names the French model reads as places that no gazetteer knows ("Beit Sahour", "Grésivaudan");
4. organisations the actors component found (associations, schools, agencies, ministries), which
   sign too (ANNOTATION 2); the relations use them only where the text structures the parties;
5. states: a country named as an actor, with its article ("le Maroc et la Jordanie ont signé"),
   not as a locator ("au Maroc", "de France").

Countries come from :mod:`pipeline.extract.assembly.countries`. A party introduced as a place
("signée à Dakar", "dans le județ de Brașov", "(Loire)") keeps its ``introducer``: it locates
something rather than signing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from spacy.tokens import Span

from pipeline.extract.assembly.countries import (
    capital_span,
    choose_by_context,
    country_inside,
    share_identity,
    stated_country,
    stated_country_of,
    title_rubric,
)
from pipeline.extract.assembly.introducers import apposition_unit, bracketed_towns, described_as_town, introducer, near_landmarks, town_described
from pipeline.extract.assembly.lexicon import AssemblyLexicon
from pipeline.extract.assembly.place_names import (
    PAIR_DASHES,
    TITLE_WORDS,
    common_noun_read_as_place,
    first_name,
    glued_hyphen,
    in_compound_first_name,
    is_compass_word,
    not_a_territory,
    province_by_its_article,
    unknown_place,
    without_its_article,
    written_as_name,
)
from pipeline.extract.assembly.view import (
    ANCHOR_STATUSES,
    ArticleView,
    Mention,
    inside,
    overlaps,
)
from pipeline.normalize import name_words

PARTY_PROVINCE_FALLBACK = "region"
# Organisations of the actors component that can sign, with their party kind.
ORGANISATION_KINDS = {"association": "association", "school": "other", "public_body": "national", "company": "other", "network": "association", "funder": "national", "other": "other"}
# Words before a country that make it a locator or a complement, not a signing state.
_LOCATING_WORDS = frozenset({"à", "au", "aux", "en", "dans", "de", "d'", "du", "des", "vers", "pour", "par", "sur", "depuis", "hors"})
_ARTICLES = frozenset({"le", "la", "l'", "les"})
_COMMUNE_WORDS = frozenset({"commune", "municipalité"})
# Lower-case words inside a place name ("Paredes de Coura", "Villa del Rosario").
NAME_PARTICLES = frozenset({"de", "du", "des", "del", "della", "di", "do", "da", "dos", "das", "la", "las", "los", "el", "an", "am", "der", "en", "sur", "sous", "lès", "im", "ob", "bei", "upon"})


@dataclass
class PartyMention:
    mention: Mention
    name: str
    kind: str
    country: str | None
    introducer: str | None  # "à", "dans", "(": introduced as a place, not a party
    explicit: bool = False  # the country is stated by the text, not guessed from a gazetteer
    generic: bool = False  # named with its generic word ("la commune de X")
    organisation: bool = False
    state: bool = False
    options: tuple[Mention, ...] = ()  # the gazetteer's places of this name, when it is several
    unknown: bool = False  # a place no gazetteer knows, read by the model's entities

    @property
    def signing_place_like(self) -> bool:
        return self.introducer is not None


def party_mentions(view: ArticleView, lexicon: AssemblyLexicon) -> list[PartyMention]:
    places = view.mentions("places")
    place_groups = _place_groups(places)
    locators = [m for m in places if m.label in ("country", "demonym")] + near_landmarks(place_groups)
    people = [(m.start, m.end) for m in view.mentions("people")]
    # a first name that is also a commune ("Yves" in "Yves Le Dréau"), inside a longer person entity
    people += [(m.start, m.end) for m in view.entities(("PER",)) if len(m.span) > 1 and not _dash_joined_places(m, places)]
    organisations = [m for m in view.mentions("actors") if m.label in ORGANISATION_KINDS]
    parties: list[PartyMention] = []
    taken: list[tuple[int, int]] = []

    def keep(party: PartyMention) -> None:
        parties.append(party)
        taken.append((party.mention.start, party.mention.end))

    some_units: list[tuple[int, int]] = []
    for mention in view.mentions("parties"):
        if _some_unit_of(mention, places) or (mention.label == "municipality" and town_described(mention)):
            some_units.append((mention.start, mention.end))
        elif mention.label == "municipality" and is_compass_word(mention.span._.party_name or ""):
            continue  # "les villes du Sud marocain": a part of a country, no town ("la Région Sud" is one)
        elif not _unit_of_a_country(mention, locators):
            keep(_generic_party(view, mention, places, locators, lexicon))
    blocked = people + some_units + [(m.start, m.end) for m in organisations if m.label != "school"]
    located_names = [(e.start, e.end) for e in view.entities(("LOC", "PER")) if _located_name(e, locators)]
    for group in _hyphen_compounds(view, place_groups):
        if without_its_article(group[0]):
            # "Liège" without its article is not the commune Le Liège, and may still be the Belgian
            # city; "Luc Atrokpo" is no commune Le Luc, nor any other place
            group = [m for m in group[1:] if not without_its_article(m)]
            if not group or first_name(group[0]):
                continue
        first = group[0]
        if first.label in ("country", "demonym") or overlaps(first, taken) or inside(first, blocked):
            continue
        if inside(first, located_names) and _extended_by_particle(first):
            continue
        if any(m.label in ("region", "department") for m in group) and _after_some_unit(first.span):
            continue  # "Schlitz, une petite ville de Hesse"
        if common_noun_read_as_place(first) or (first.span._.place_ambiguous and not written_as_name(first)) or not_a_territory(first):
            continue
        if in_compound_first_name(first):
            continue  # "Rose-Marie Hoareau", "Marie-Estelle Cissokho": no commune Marie
        keep(_gazetteer_party(view, group, locators))
    every_place = [(m.start, m.end) for m in places]
    vetted_people = [(m.start, m.end) for m in view.mentions("people")]
    read_as_people: list[tuple[Mention, str | None]] = []
    for entity in view.entities(("LOC", "PER")):
        located = _located_name(entity, locators) or described_as_town(entity)
        # a located name holds its shorter gazetteer namesake ("Paredes de Coura (Portugal)")
        crossed = [p for p in every_place if not (located and entity.start <= p[0] and p[1] <= entity.end and p[1] - p[0] < entity.end - entity.start)]
        if overlaps(entity, taken + some_units) or overlaps(entity, crossed) or overlaps(entity, vetted_people) or not (unknown_place(entity) or located) or not_a_territory(entity):
            continue
        country = stated_country(view, entity, locators) or _apposition_country(entity, parties)
        if entity.label == "PER":
            read_as_people.append((entity, country))
            continue
        keep(PartyMention(entity, _entity_name(entity), "municipality", country, introducer(entity), explicit=country is not None, unknown=True))
    # the model reads some foreign towns as people ("Beit Sahour"): introduced as a place with a
    # foreign country ("à Beit Sahour, en Palestine"), one mention makes every mention of it a place
    placed = {
        name_words(entity.text) for entity, country in read_as_people
        if country not in (None, "FR") and (introducer(entity) is not None or _locator_follows(entity, locators) or described_as_town(entity))
    }
    for entity, country in read_as_people:
        if name_words(entity.text) in placed:
            keep(PartyMention(entity, _entity_name(entity), "municipality", country, introducer(entity), explicit=country is not None))
    for mention, country in bracketed_towns(view, locators, taken + blocked + vetted_people):
        # "Charm el-Cheikh (Égypte)", "Djibouti (Djibouti)": a name the text locates with a country
        keep(PartyMention(mention, mention.text, "municipality", country, None, explicit=True))
    for organisation in organisations:
        if not overlaps(organisation, taken):
            keep(_organisation_party(view, organisation, places, locators))
    for country in (m for m in locators if m.label == "country"):
        if not overlaps(country, taken) and not overlaps(country, people) and _named_as_state(country):
            keep(PartyMention(country, country.span._.place_name or country.text, "national", country.span.kb_id_, None, explicit=True, state=True))
    _located_by_apposition(parties)
    parties = [p for p in parties if not _slash_tail(p, parties)]
    parties += _capitals(view, locators, parties, taken)
    parties = _with_acronyms(view, parties)
    parties.sort(key=lambda p: p.mention.order)
    prominent = {i for i in range(len(view.blocks)) if view.is_headline(i)}
    prominent |= {m.block for m in view.mentions("agreements") if m.span._.agreement_status in ANCHOR_STATUSES}
    share_identity(parties, prominent)
    choose_by_context(parties, locators, title_rubric(view, locators), lexicon.administered_territories)
    return parties


def _slash_tail(party: PartyMention, parties: list[PartyMention]) -> bool:
    """"Lauenburg/Elbe": a name written against a slash after a name of the same country is
    the rest of that name (the river of the town), not another party ("Nagoya/Reims" pairs two
    countries)."""
    doc = party.mention.span.doc
    slash = party.mention.span.start - 1
    if slash < 1 or doc[slash].text != "/" or doc[slash].whitespace_ or doc[slash - 1].whitespace_:
        return False
    return any(
        p.mention.block == party.mention.block and p.mention.span.end == slash and p.country == party.country
        for p in parties
    )


def _capitals(view: ArticleView, locators: list[Mention], parties: list[PartyMention], taken: list[tuple[int, int]]) -> list[PartyMention]:
    """"la capitale arménienne", "la capitale du Mali": the town of that country the article names
    most, when it names one (no list of capitals is needed where the text gives the name)."""
    towns = Counter((p.country, p.name) for p in parties if p.kind in ("municipality", "department") and p.country and not p.organisation and p.introducer != "(")
    found = []
    for locator in locators:
        named = [(n, name) for (country, name), n in towns.items() if country == locator.span.kb_id_]
        span = capital_span(view, locator) if named and not overlaps(locator, taken) else None
        if span is not None:
            mention = view.mention_of(locator.block, span)
            found.append(PartyMention(mention, max(named)[1], "municipality", locator.span.kb_id_, introducer(mention), explicit=True))
    return found


def _with_acronyms(view: ArticleView, parties: list[PartyMention]) -> list[PartyMention]:
    """"l'Union des Maires de l'Arrondissement de Forbach (UMAF) … le président de l'UMAF": an
    acronym the text defines after a party's name stands for that party wherever it is written."""
    defined: dict[str, PartyMention] = {}
    for party in parties:
        doc = party.mention.span.doc
        end = party.mention.span.end
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" and _acronym(doc[end + 1].text):
            defined.setdefault(doc[end + 1].text, party)
    if not defined:
        return parties
    # an acronym the model read as an organisation of its own is the defined party
    kept = [p for p in parties if p.name not in defined]
    taken = [(p.mention.start, p.mention.end) for p in kept]
    for index, doc in enumerate(view.docs):
        for token in doc:
            party = defined.get(token.text)
            if party is None or (token.i > 0 and doc[token.i - 1].text == "("):
                continue
            mention = view.mention_of(index, doc[token.i : token.i + 1])
            if not overlaps(mention, taken):
                kept.append(replace(party, mention=mention, introducer=introducer(mention)))
    return kept


def _entity_name(entity: Mention) -> str:
    """The model's entity without the numbers it may run on into ("Daroun-Harissa 2011")."""
    span = entity.span
    end = span.end
    while end > span.start + 1 and span.doc[end - 1].like_num:
        end -= 1
    return span.doc[span.start : end].text


def _located_name(entity: Mention, locators: list[Mention]) -> bool:
    """A capitalised name that is also a French word or a surname, with its country right after it
    ("avec Moret, en Espagne"): a place, as the locator says."""
    words = [t for t in entity.span if t.is_alpha and not (t.i > entity.span.start and t.lower_ in NAME_PARTICLES)]
    return bool(words) and all(t.text[:1].isupper() and not t.is_upper for t in words) and not any(t.lower_ in TITLE_WORDS for t in words) and _locator_follows(entity, locators)


def _extended_by_particle(place: Mention) -> bool:
    """A place name that a particle continues ("Castelo | de Paiva"): when the longer name is
    located, the longer name is the place."""
    doc = place.span.doc
    return place.span.end < len(doc) and doc[place.span.end].lower_ in NAME_PARTICLES


def _locator_follows(entity: Mention, locators: list[Mention]) -> bool:
    """"avec Moret, en Espagne", "Moret (Espagne)": a country right after the name locates it."""
    doc = entity.span.doc
    i = entity.span.end
    if i < len(doc) and doc[i].text in (",", "("):
        i += 1
    if i < len(doc) and doc[i].lower_ in ("en", "au", "aux"):
        i += 1
    return any(m.block == entity.block and m.span.start == i and m.label == "country" for m in locators)


def _dash_joined_places(entity: Mention, places: list[Mention]) -> bool:
    """"le jumelage Tulle-Schlitz", "Saint Claude - Rottenburg (1979)": two places joined by a
    dash, which the model may read as one person's double name, are two places."""
    span = entity.span
    ends = {p.span.end for p in places if p.block == entity.block and p.span.start >= span.start}
    starts = {p.span.start for p in places if p.block == entity.block and p.span.end <= span.end}
    return any(t.text in PAIR_DASHES and t.i in ends and t.i + 1 in starts for t in span[1:-1])


def _unit_of_a_country(mention: Mention, locators: list[Mention]) -> bool:
    """"une ville du Mali", "les communes du Sénégal", "une région de la France": the generic word
    and an article before a country name speak of some unit of that country, not of one named after
    it ("la ville de Luxembourg", "la ville de Djibouti" name the city)."""
    span = mention.span
    if mention.label in ("association", "other", "national") or span._.party_name is None:
        return False
    name = [m for m in locators if m.label == "country" and m.block == mention.block and m.span.start >= span.start and m.span.end == span.end]
    if not name:
        return False
    before = span.doc[name[0].span.start - 1].lower_ if name[0].span.start > span.start else ""
    return before in _ARTICLES or before in ("du", "des")


# "une ville de Bourgogne", "des communes du Finistère": some unit of a larger one, not one named
_INDEFINITES = frozenset({"une", "un", "des", "plusieurs", "quelques", "deux", "trois", "certaines", "certains", "autre", "autres"})


def _indefinite_before(doc, i: int) -> str | None:
    """The indefinite article at ``doc[i]``, or one or two adjectives before it ("une petite")."""
    stop = max(i - 2, 0)
    while i > stop and doc[i].pos_ == "ADJ":
        i -= 1
    return doc[i].lower_ if i >= 0 and doc[i].lower_ in _INDEFINITES else None


def _after_some_unit(span) -> bool:
    """"une petite ville de Hesse", "un village du Brandebourg": the region locates some town."""
    doc = span.doc
    start = span.start
    return start >= 3 and doc[start - 1].lower_ in ("de", "du", "d'") and doc[start - 2].pos_ == "NOUN" and _indefinite_before(doc, start - 3) in ("un", "une")


def _some_unit_of(mention: Mention, places: list[Mention]) -> bool:
    """"le premier jumelage entre une ville de Bourgogne et une cité de Rhénanie-Palatinat", "une
    petite ville de Hesse": an indefinite generic word before a region or department speaks of some
    town inside it."""
    span = mention.span
    article = None if span._.party_name is None or span.start == 0 else _indefinite_before(span.doc, span.start - 1)
    if article is None:
        return False
    inside = [m for m in places if m.block == mention.block and span.start <= m.span.start and m.span.end == span.end]
    units = [m.label in ("region", "department", "country") for m in inside]
    # after "un", "une" a name that is also a region is the region ("une ville de Hesse"); "des" may
    # be "de les" ("des villes de Paris et Marseille"), so every reading must be a region there
    return any(units) if article in ("un", "une") else bool(units) and all(units)


def _inside_a_name(place: Mention, mention: Mention) -> bool:
    """"la commune de Sidi Bou Saïd", "la municipalité de Kab-Élias": a gazetteer name between two
    capitalised words of the party's name, or glued by a hyphen to one, is a piece of that name
    (Bou, Loiret, Kab), not its place."""
    doc = place.span.doc
    start, end = place.span.start, place.span.end
    if mention.span.start < start and end < mention.span.end and doc[start - 1].is_title and doc[end].is_title:
        return True
    glued_after = end + 1 < mention.span.end and glued_hyphen(doc, end) and doc[end + 1].text[:1].isupper()
    glued_before = start - 2 >= mention.span.start and glued_hyphen(doc, start - 1) and doc[start - 2].text[:1].isupper()
    return glued_after or glued_before


def _acronym(text: str) -> bool:
    return 2 <= len(text) <= 8 and text.isupper() and text.isalpha()


def _generic_party(view: ArticleView, mention: Mention, places: list[Mention], locators: list[Mention], lexicon: AssemblyLexicon) -> PartyMention:
    name = mention.span._.party_name or mention.text
    inner = [p for p in places if p.start >= mention.start and p.end <= mention.end]
    named = [p for p in inner if p.label not in ("country", "demonym") and p.span.kb_id_ and not _inside_a_name(p, mention)]
    # "l'État du Vermont", "la province de Shandong": the generic word says which namesake it is
    of_kind = [p for p in named if p.span._.place_kind == mention.label and mention.label in ("region", "department")]
    if of_kind and len({p.span.kb_id_ for p in of_kind}) == 1:
        named = of_kind
    stated = country_inside(inner) or stated_country_of(view, mention, locators, named)
    french = stated is None and _french_generic(mention, named)
    country = stated or ("FR" if french else None)
    if country is None and named:
        country = named[0].span.kb_id_
    kind = mention.label
    if kind == "province":
        kind = "department" if country in lexicon.province_department_countries else PARTY_PROVINCE_FALLBACK
    # an organisation's name may hold several places ("Corrèze Sahel Partage"): the first one is its seat
    territorial = kind not in ("association", "other", "national")
    options = tuple(named) if stated is None and not french and territorial and len({p.span.kb_id_ for p in named}) > 1 else ()
    return PartyMention(
        mention, name, kind, country, introducer(mention), explicit=stated is not None, generic=True,
        organisation=kind in ("association", "other"), state=kind == "national", options=options,
        # "la commune de Sidi Bou Saïd", "la commune de Nkolmetet": a name no gazetteer knows (at
        # most a piece of it)
        unknown=territorial and country is None and (
            any(_inside_a_name(p, mention) for p in inner) or (not inner and _commune_of_a_name(mention, name))
        ),
    )


def _commune_of_a_name(mention: Mention, name: str) -> bool:
    """"la commune de Nkolmetet": the administrative word, unlike "ville" ("la Ville Lumière", "la
    ville d'Ingres"), names a town, here one that no gazetteer holds."""
    return mention.label == "municipality" and mention.span[0].lower_ in _COMMUNE_WORDS and mention.span[-1].pos_ == "PROPN" and name[:1].isupper()


def _gazetteer_party(view: ArticleView, group: list[Mention], locators: list[Mention]) -> PartyMention:
    first = group[0]
    stated = stated_country_of(view, first, locators, group)
    place = next((p for p in group if stated and p.span.kb_id_ == stated), first)
    if place.span.kb_id_ != "FR":
        wanted = "region" if province_by_its_article(place) else "city"
        place = next((p for p in group if p.label == wanted and p.span.kb_id_ == place.span.kb_id_), place)
    options = tuple(group) if stated is None and len({p.span.kb_id_ for p in group}) > 1 else ()
    kind = place.span._.place_kind or "municipality"
    if kind == "municipality" and place.span.kb_id_ == "FR" and stated in (None, "FR") and _grand_before(place):
        # "le Grand Lyon", "Grand Poitiers": the intercommunal body named after its French city
        return PartyMention(place, f"Grand {place.text}", "intermunicipal", "FR", introducer(place), explicit=True)
    return PartyMention(place, place.text, kind, stated or place.span.kb_id_ or None, introducer(place), explicit=stated is not None, options=options)


def _grand_before(place: Mention) -> bool:
    doc, start = place.span.doc, place.span.start
    return start > 0 and doc[start - 1].text == "Grand" and bool(doc[start - 1].whitespace_)


def _organisation_party(view: ArticleView, organisation: Mention, places: list[Mention], locators: list[Mention]) -> PartyMention:
    """An organisation keeps its full name; its country is the one its name or the text gives."""
    name = organisation.span._.actor_name or organisation.text
    inner = [p for p in places if p.start >= organisation.start and p.end <= organisation.end]
    named = [p for p in inner if p.label not in ("country", "demonym") and p.span.kb_id_]
    stated = country_inside(inner) or stated_country_of(view, organisation, locators, named)
    country = stated or next((p.span.kb_id_ for p in inner if p.span.kb_id_), None)
    kind = ORGANISATION_KINDS[organisation.label]
    # "la Fédération des municipalités de Tripoli": a name the gazetteer knows in several
    # countries leaves the choice to the countries the article speaks of, as for a town
    options = tuple(named) if stated is None and len({p.span.kb_id_ for p in named}) > 1 and len({(p.start, p.end) for p in named}) == 1 else ()
    return PartyMention(organisation, name, kind, country, introducer(organisation), explicit=stated is not None, organisation=True, options=options)


def _named_as_state(country: Mention) -> bool:
    """"le Maroc", "la France et le Cambodge", "avec la Tunisie": a state named with its article,
    not a locator ("au Maroc", "en France", "de la France") or a first name ("Maurice Dupont")."""
    doc = country.span.doc
    i = country.span.start
    following = doc[country.span.end] if country.span.end < len(doc) else None
    if following is not None and following.text[:1].isupper() and following.pos_ == "PROPN":
        return False
    if i > 0 and doc[i - 1].lower_ in _ARTICLES:
        return i < 2 or doc[i - 2].lower_ not in _LOCATING_WORDS
    # a headline's subject drops the article: "France et Suriname signent un accord"
    root = country.span.root
    if root.dep_.startswith("nsubj") or (root.dep_ == "conj" and root.head.dep_.startswith("nsubj") and root.head.i < i):
        return True
    # a state whose name takes no article: "la France et Madagascar", "avec Haïti", "entre Cuba et …"
    return i > 0 and (doc[i - 1].lower_ in ("avec", "entre") or (doc[i - 1].lower_ == "et" and _state_before(doc, i - 1)))


def _state_before(doc, conjunction: int) -> bool:
    """The name coordinated before "et" is a state named with its article ("la France et …")."""
    j = conjunction - 1
    while j > 0 and doc[j].pos_ == "PROPN" and doc[j - 1].pos_ == "PROPN":
        j -= 1
    return j >= 1 and doc[j].pos_ == "PROPN" and doc[j - 1].lower_ in _ARTICLES and (j < 2 or doc[j - 2].lower_ not in _LOCATING_WORDS)


def _apposition_country(mention: Mention, parties: list[PartyMention]) -> str | None:
    """The country of the unit an apposition places ``mention`` in ("Mimasaka, département d'Okayama")."""
    doc = mention.span.doc
    comma = mention.span.end
    start = apposition_unit(doc, comma) if comma < len(doc) and doc[comma].text == "," else None
    if start is None:
        return None
    return next((p.country for p in parties if p.introducer == "dans" and p.mention.block == mention.block and p.mention.span.start == start), None)


def _located_by_apposition(parties: list[PartyMention]) -> None:
    """A name with no country takes the country of the unit its apposition places it in, or of the
    unit named right after it ("la ville de Sangüesa en Navarre (Espagne)")."""
    for party in parties:
        if party.country is None:
            party.country = _apposition_country(party.mention, parties) or _unit_after_country(party, parties)


# What may stand between a town and the unit that locates it: "X en Navarre", "X (province de Y)",
# "X, située dans la province de Y".
_UNIT_LINKS = frozenset({"en", "dans", "le", "la", "l'", "les", "au", "aux", ",", "(", "située", "situé", "sise", "sis"})


def _unit_after_country(party: PartyMention, parties: list[PartyMention]) -> str | None:
    """The country of a region or department that locates ``party`` within a few linking words."""
    doc, end = party.mention.span.doc, party.mention.span.end
    for unit in parties:
        start = unit.mention.span.start
        locates = unit.introducer in ("dans", "(") and unit.kind in ("region", "department") and unit.country and unit.mention.block == party.mention.block
        if locates and end < start <= end + 4 and all(t.lower_ in _UNIT_LINKS for t in doc[end:start]):
            return unit.country
    return None


def _hyphen_compounds(view: ArticleView, groups: list[list[Mention]]) -> list[list[Mention]]:
    """"Hamm-Mitte": two places of one country joined by a hyphen are one name; "Shandong-Bretagne"
    (two countries) stays a pair."""
    by_start = {(g[0].block, g[0].span.start): g for g in groups}
    merged: list[list[Mention]] = []
    consumed: set[int] = set()
    for group in groups:
        if id(group) in consumed:
            continue
        first = group[0]
        doc = first.span.doc
        end = first.span.end
        after = by_start.get((first.block, end + 1))
        joined = end < len(doc) and glued_hyphen(doc, end)
        if after is not None and joined and after[0].span.kb_id_ == first.span.kb_id_ and after[0].label not in ("country", "demonym"):
            consumed.add(id(after))
            merged.append([replace(m, span=Span(doc, m.span.start, after[0].span.end, label=m.span.label_, kb_id=m.span.kb_id_, span_id=m.span.id_), end=after[0].end) for m in group])
            continue
        merged.append(group)
    return merged


def _place_groups(places: list[Mention]) -> list[list[Mention]]:
    """The places component gives one span per candidate place of a name, most likely first: group them."""
    groups: dict[tuple[int, int], list[Mention]] = {}
    for place in places:
        groups.setdefault((place.start, place.end), []).append(place)
    return list(groups.values())


def _french_generic(mention: Mention, named: list[Mention]) -> bool:
    """Generic words only French units carry: communauté de communes, métropole, "le Département
    du…", "la Région …", unless the name inside is a foreign place ("la Région de Nouakchott", "la
    Communauté urbaine de Douala")."""
    if named and all(p.span.kb_id_ != "FR" for p in named):
        return False
    if mention.label == "intermunicipal":
        return True
    first = mention.span[0].text
    return first in ("Département", "Région") and mention.span._.party_name is not None and len(mention.span) > 1
