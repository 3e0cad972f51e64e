"""Which names found as places could be parties: the filters between a place match and a party.

The places component matches every gazetteer name, and the French model reads capitalised words as
places. Many are not: a common noun spelled like a commune ("Maire", "Parce"), a venue or a street
("l'espace Bel-Air", "rue de Paris"), a month ("le 25 Mars"), a commune's name without its article
("l'Union européenne"), a town's inhabitants ("les Rennais"). :mod:`pipeline.extract.assembly.parties`
asks these predicates before it makes a place a party candidate.
"""

from __future__ import annotations

import re

from pipeline.extract.assembly.view import Mention
from pipeline.extract.components.parties import VENUE_HEADS
from pipeline.normalize import fold

_STREET_WORDS = frozenset({"rue", "avenue", "boulevard", "place", "quai", "allée", "chemin", "route", "parc", "stade", "quartier", "gare", "aéroport", "lycée", "collège", "école", "musée", "théâtre", "cinéma"})
_COMPASS_WORDS = frozenset({"est", "ouest", "nord", "sud", "centre", "centre-est", "centre-ouest", "centre-nord", "centre-sud", "nord-est", "nord-ouest", "sud-est", "sud-ouest"})
_CONTINENTS = frozenset({"europe", "afrique", "asie", "amérique", "amériques", "océanie", "maghreb", "sahel", "méditerranée", "caraïbes", "antarctique"})
# "la fête de la Saint-Jean", "l'église Saint-Louis": a saint's feast or church, not the town of that name
_FEAST_WORDS = frozenset({"fête", "fêtes", "patronale", "église", "chapelle", "basilique", "cathédrale", "paroisse", "abbaye", "pèlerinage", "neuvaine"})
_SAINT_PREFIXES = ("saint", "sainte", "st-", "ste-")
# "le fleuve Maroni", "le lac Léman": a river, a lake or a mountain, not the town of that name
_NATURE_WORDS = frozenset({"fleuve", "rivière", "lac", "mont", "massif", "baie", "golfe", "océan", "mer", "cap"})
# "ma femme Marie", "son fils Lucien": a relative's first name, not the commune of that name
_KIN_WORDS = frozenset({"femme", "épouse", "mari", "époux", "fils", "fille", "frère", "sœur", "soeur", "père", "mère", "cousin", "cousine", "oncle", "tante", "neveu", "nièce"})
TITLE_WORDS = frozenset({"président", "présidente", "maire", "gouverneur", "ministre", "préfet", "wali", "ambassadeur", "consul", "député", "sénateur", "directeur", "directrice"})
_MONTHS = frozenset({"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"})


def is_compass_word(name: str) -> bool:
    """"Sud", "Nord-Est": a point of the compass, which names a part of a country, not a town."""
    return name.lower() in _COMPASS_WORDS


# A sovereign's number after a name ("Albert II", "Mohammed VI"); "I" alone is too often a word.
_REGNAL_NUMBER = re.compile(r"(?:II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|XIII|XIV|XV|XVI)")


def not_a_territory(place: Mention) -> bool:
    """"l'espace Bel-Air", "rue de Paris", "Europe de l'Est", "le 25 Mars", "le fleuve Maroni": a
    venue, a street, a point of the compass, a month or a river, not the place of that name."""
    span = place.span
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].pos_ == "DET":
        i -= 1
    if i >= 0 and (doc[i].lower_ in VENUE_HEADS or doc[i].lower_ in _STREET_WORDS):
        return True
    if span[0].lower_.startswith(_SAINT_PREFIXES) and _after_feast_word(doc, i):
        return True  # "la fête de Saint-Jean", "la patronale Saint Louis": the saint, not the town
    if _in_a_venue_name(doc, span.start - 1):
        return True  # "à l'hôtel la Tour Hassan": the hotel's name, not the town of Hassan
    if i >= 0 and doc[i].lower_ in _KIN_WORDS:
        return True  # "ma femme Marie"
    if (i >= 0 and doc[i].lower_ in _NATURE_WORDS) or (span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].lower_ in _NATURE_WORDS):
        return True  # "le fleuve Maroni", "le Maroni, fleuve où …": a river, not the town of that name
    words = span.text.lower()
    if is_compass_word(words) or words in _CONTINENTS:
        return True
    if span.end < len(doc) and _REGNAL_NUMBER.fullmatch(doc[span.end].text):
        return True  # "le Prince Albert II", "Jean-Paul II": a sovereign, not the town of that name
    neighbours = [doc[j] for j in (span.start - 1, span.end) if 0 <= j < len(doc)]
    return words in _MONTHS and any(t.like_num for t in neighbours)


def _in_a_venue_name(doc, i: int) -> bool:
    """Capitalised words (and articles) back from ``doc[i]`` reach a venue word written in lower
    case, with no "de" between: the name is a piece of the venue's own name ("l'hôtel la Tour
    Hassan"), not the town it stands in ("l'hôtel de ville de Reims")."""
    crossed = 0
    while i >= 0 and (doc[i].pos_ == "DET" or (doc[i].is_alpha and doc[i].text[:1].isupper())):
        crossed += doc[i].pos_ != "DET"
        i -= 1
    return crossed > 0 and i >= 0 and doc[i].lower_ in VENUE_HEADS and doc[i].text.islower()


def _after_feast_word(doc, i: int) -> bool:
    """``doc[i]`` (the word before a name, past its articles) is a feast or church word, or the
    "de" after one ("la fête de Saint-Jean")."""
    if i >= 1 and doc[i].lower_ in ("de", "du"):
        i -= 1
        while i >= 0 and doc[i].pos_ == "DET":
            i -= 1
    return i >= 0 and doc[i].lower_ in _FEAST_WORDS


def unknown_place(entity: Mention) -> bool:
    """A capitalised name the model reads as a place: a proper noun, or a capitalised noun inside
    a sentence; not a French word written with a capital ("Année", "Union", "Europe"), an acronym
    ("APC") or a title ("Présidente de Région")."""
    span = entity.span
    root = span.root
    if not entity.text[:1].isupper() or (len(entity.text) <= 4 and entity.text.isupper()):
        return False
    words = [t for t in span if t.is_alpha]
    if not words or all(span.doc.vocab[t.lower_].has_vector for t in words) or any(t.lower_ in TITLE_WORDS for t in words):
        return False
    if _inhabitants(span):
        return False
    return root.pos_ == "PROPN" or (root.pos_ == "NOUN" and not span[0].is_sent_start)


# Plural endings of the names of inhabitants ("les Fleurentins", "les Rennais", "des Tourangelles").
_INHABITANT_ENDINGS = ("ins", "ines", "ois", "oises", "ais", "aises", "iens", "iennes", "ens", "ennes", "ains", "aines", "ots", "ottes", "elles", "ards")


def _inhabitants(span) -> bool:
    """One capitalised word in the plural after "les"/"des"/"aux": a town's inhabitants, not a town."""
    if len(span) != 1 or span.start == 0:
        return False
    before = span.doc[span.start - 1].lower_
    return before in ("les", "des", "aux", "nos", "ces") and span[0].lower_.endswith(_INHABITANT_ENDINGS)


def common_noun_read_as_place(place: Mention) -> bool:
    """"Maire" found as the commune of Mairé, "Parce" (que) as Parce, "Collines" opening a sentence.

    A one-word place that the tagger reads as anything but a proper noun is kept only when it
    is a noun, not opening its sentence, written as the place or as another of its spellings.
    """
    span = place.span
    if len(span) != 1:
        if span.text == span._.place_name and span[0].text[:1].isupper():
            return False  # written exactly as the gazetteer names it: "Neustadt an der Weinstraße"
        # "Les deux villes" is a commune of the Ardennes, and an ordinary phrase: names capitalise their words
        return any(t.is_alpha and t.lower_ not in PLACE_PARTICLES and not t.text[0].isupper() for t in span)
    token = span.root
    if token.pos_ == "PROPN" or not token.doc.vocab[token.lower_].has_vector:
        return False  # a proper noun, or a word French does not have ("Chalette-sur-Loing", "Huy")
    if _subject_place(token, span):
        return False  # "Grenoble entretient des liens …": tagged an adjective, a place to the model
    if _dash_paired(token):
        return False  # "le jumelage Grenoble - Chisinau": one of two names a dash pairs
    following = token.doc[span.end] if span.end < len(token.doc) else None
    if following is not None and following.text == "(" and token.text[:1].isupper():
        return False  # "Avion (Pas-de-Calais)": a name with its locator
    if token.pos_ != "NOUN":
        return True
    # "Maire" for Mairé: the word differs from the place only by its accents; "Bruxelles" (for
    # Brussels) is another spelling of the place, written as a name
    name = span._.place_name or span.text
    return token.is_sent_start or (span.text != name and fold(span.text) == fold(name))


# The dashes that set two names against each other ("Grenoble - Chisinau", "Toul/Hamm").
PAIR_DASHES = frozenset({"-", "–", "—", "/"})


def _dash_paired(token) -> bool:
    """A capitalised word set against another by a spaced dash ("Grenoble - Chisinau")."""
    doc = token.doc
    if not token.text[:1].isupper() or token.is_sent_start:
        return False
    after = token.i + 2 < len(doc) and doc[token.i + 1].text in PAIR_DASHES and token.whitespace_ and doc[token.i + 2].text[:1].isupper()
    before = token.i >= 2 and doc[token.i - 1].text in PAIR_DASHES and doc[token.i - 1].whitespace_ and doc[token.i - 2].text[:1].isupper()
    return after or before


def _subject_place(token, span) -> bool:
    """A name that opens its sentence or clause ("…, tandis que Bizerte est jumelée") before a verb,
    is no French word and is a place entity."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    opens = token.is_sent_start or (token.i > 0 and token.text[:1].isupper() and token.nbor(-1).lower_ in ("que", "qu'", ",", "et", "mais", "puis"))
    return (
        opens and token.ent_type_ == "LOC" and not span._.place_ambiguous
        and following is not None and following.pos_ in ("VERB", "AUX")
    )


PLACE_PARTICLES = frozenset({"de", "du", "des", "d'", "la", "le", "les", "l'", "sur", "sous", "en", "lès", "lez", "aux", "et", "-"})


# The article of a commune's name ("Le Mans", "L'Union") and what may stand before the bare name
# when the match did not take the article itself: the preposition it merged into ("au Mans"), or
# "la" written in lower case ("à la Rochelle"); a lower-case "l'" is the common noun's ("l'Union des
# villes et communes").
ARTICLE_CONTEXTS = {"le ": ("au", "du"), "les ": ("aux", "des"), "la ": ("la",), "l'": ()}


def without_its_article(place: Mention) -> bool:
    """"l'Union européenne" is not the commune L'Union, nor is "Union" alone: the bare name of a
    commune whose name holds an article needs, right before it, the preposition that article
    merged into ("au Mans", "du Touquet")."""
    name = (place.span._.place_name or "").lower()
    article = next((a for a in ARTICLE_CONTEXTS if name.startswith(a)), None)
    if article is None:
        return False
    doc, start, end = place.span.doc, place.span.start, place.span.end
    if article == "l'" and end < len(doc) and doc[end].is_lower and doc[end].pos_ == "ADJ":
        return True  # "l'Union européenne", "L'Union africaine", the match holding the article or not
    if place.span.text.lower().replace("’", "'").startswith(article):
        return False  # the match holds the article ("Le Mans", "L'Union")
    before = doc[start - 1].lower_ if start > 0 else ""
    return before not in ARTICLE_CONTEXTS[article]


def written_as_name(place: Mention) -> bool:
    """Capitalised and read as a name: "Vitré" the town, not "vitré" the glass. Opening a sentence,
    the word must also be paired with another name ("Vannes et Cuxhaven", "Tulle, Banfora…")."""
    span = place.span
    first = span[0]
    if not first.text[:1].isupper():
        return False
    if not first.is_sent_start:
        # "à La Charité": an article and a noun, both capitalised inside a sentence, are a name
        return any(t.pos_ == "PROPN" for t in span) or (len(span) > 1 and all(t.text[:1].isupper() for t in span if t.is_alpha))
    doc = span.doc
    if all(t.pos_ == "PROPN" and t.ent_type_ == "LOC" for t in span):
        return True  # "Paris n'est jumelée qu'avec Rome": the model reads it as a place name
    following = doc[span.end : span.end + 2]
    if following and following[0].text == "(":
        return True  # "Avion (Pas-de-Calais) – Thorez": a name with its locator
    return len(following) == 2 and following[0].lower_ in ("et", ",") and following[1].text[:1].isupper()


def province_by_its_article(place: Mention) -> bool:
    """"le Québec", "au Québec", "du Québec": a foreign name with a masculine article is the
    province or region of that name; no city takes one (those that do hold it in their name)."""
    doc = place.span.doc
    return place.span.start > 0 and doc[place.span.start - 1].lower_ in ("le", "au", "du")


def first_name(place: Mention) -> bool:
    """One word followed by a capitalised proper noun: a first name before a surname ("Luc Atrokpo")."""
    doc, end = place.span.doc, place.span.end
    return len(place.span) == 1 and end < len(doc) and doc[end].text[:1].isupper() and doc[end].pos_ == "PROPN"


def glued_hyphen(doc, i: int) -> bool:
    """``doc[i]`` is a hyphen touching the words on both sides ("Rose-Marie", "Hamm-Mitte")."""
    return i > 0 and doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def in_compound_first_name(place: Mention) -> bool:
    """The place is one part of capitalised words glued by hyphens, and a capitalised proper noun
    follows them: a compound first name before a surname ("Rose-Marie Hoareau")."""
    doc, start, end = place.span.doc, place.span.start, place.span.end
    while start >= 2 and glued_hyphen(doc, start - 1) and doc[start - 2].text[:1].isupper():
        start -= 2
    while end + 1 < len(doc) and glued_hyphen(doc, end) and doc[end + 1].text[:1].isupper():
        end += 2
    if (start, end) == (place.span.start, place.span.end) or end >= len(doc):
        return False
    return doc[end].text[:1].isupper() and doc[end].pos_ == "PROPN" and bool(doc[end - 1].whitespace_)
