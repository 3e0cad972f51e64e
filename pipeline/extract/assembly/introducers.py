"""How a text introduces a name: as a party, as the place where something happens, or as the place
another name lies in.

``introducer`` reads the words before a name ("à Dakar", "dans le județ de Brașov", "(Loire)",
"au siège de la mairie de X", "en mairie de X"), and the appositions after a town that locate it
("Mimasaka, département d'Okayama", "El Mina, une commune de la wilaya de Nouakchott Sud"). The
parties module builds the candidates; this one only reads the words around them.
"""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.extract.assembly.place_names import glued_hyphen
from pipeline.extract.assembly.view import ArticleView, Mention, overlaps
from pipeline.extract.components.parties import VENUE_HEADS

# Unit words that, set after a town's name by a comma, say where the town lies.
_LOCATING_UNITS = frozenset({"département", "province", "préfecture", "wilaya", "région", "gouvernorat", "district", "cercle", "comté", "état", "oblast", "land", "canton", "judet", "powiat", "raion"})


_TOWN_NOUNS = frozenset({"commune", "ville", "localité", "municipalité", "cité", "village", "bourgade"})


def _town_noun_at(doc, i: int) -> int:
    """How many words "une commune", "la ville" or a bare "ville" take at ``doc[i]``: an apposition
    that calls the name before it a town (0 when there is none)."""
    if i + 1 < len(doc) and doc[i].lower_ in ("une", "un", "la", "le") and doc[i + 1].lower_ in _TOWN_NOUNS:
        return 2
    return 1 if i < len(doc) and doc[i].lower_ in _TOWN_NOUNS else 0


def apposition_unit(doc, comma: int) -> int | None:
    """Where the unit word of an apposition after ``doc[comma]`` stands: ", département d'Okayama",
    ", une commune de la wilaya de Nouakchott Sud", ", ville de la province chinoise du Zhejiang"."""
    i = comma + 1
    town_noun = _town_noun_at(doc, i)
    if town_noun and i + town_noun < len(doc) and doc[i + town_noun].lower_ in ("de", "du", "d'"):
        i += town_noun + 1
        if i < len(doc) and doc[i].lower_ in ("la", "le", "l'"):
            i += 1
    return i if i < len(doc) and doc[i].lower_ in _LOCATING_UNITS else None


def locating_apposition(mention: Mention) -> bool:
    """"Mimasaka, département d'Okayama", "El Mina, une commune de la wilaya de Nouakchott Sud": a
    unit named in an apposition to the capitalised name before the comma."""
    doc = mention.span.doc
    start = mention.span.start
    for comma in range(start - 1, max(start - 7, 1) - 1, -1):
        if doc[comma].text == ",":
            before = doc[comma - 1]
            return apposition_unit(doc, comma) == start and (before.text[:1].isupper() or before.text == ")")
    return False


def described_as_town(entity: Mention) -> bool:
    """"El Mina, une commune de la wilaya de …": a name its apposition calls a town (the model may
    read it as a person)."""
    doc = entity.span.doc
    i = entity.span.end
    return i < len(doc) and doc[i].text == "," and _town_noun_at(doc, i + 1) > 0


def town_described(mention: Mention) -> bool:
    """"Moieciu, commune des Carpates", "Goris, une ville du Syunik": a generic town mention set by a
    comma after a capitalised name describes that name, it names no other town. With "la" or "le"
    it may be the next item of a list ("Dakar, la commune de Rufisque et Thiès"), so only a bare
    town noun or "une" counts."""
    doc = mention.span.doc
    start = mention.span.start
    if start < 2 or doc[start - 1].text != "," or not doc[start - 2].text[:1].isupper():
        return False
    if doc[start].lower_ in ("une", "un"):
        return _town_noun_at(doc, start) == 2
    return doc[start].lower_ in _TOWN_NOUNS


def introducer(mention: Mention) -> str | None:
    """How the text introduces a name as a place rather than a party.

    "à" (directly, or through a venue: "à l'hôtel de ville de Niort", "dans la salle du conseil
    municipal de Vitré" reads as "à"), "dans" for a locator ("dans le județ de Brașov"), "(" for
    a bracket ("(Loire)"); None for a party. "l'adjointe au maire de X" introduces no place, nor
    does "jumelée à X" or "s'associe à la commune roumaine de Moieciu" (a name given with its
    generic word stays a party after "à", but not after "dans").
    """
    named_with_generic = mention.span.has_extension("party_name") and mention.span._.party_name is not None
    doc = mention.span.doc
    if dateline(mention):
        return "à"  # "Dakar — Le Conseil départemental de Mbour et …": where the news was written
    i = mention.span.start - 1
    if named_with_generic and locating_apposition(mention):
        return "dans"  # "la ville de Mimasaka, département d'Okayama": where the town lies
    if i >= 0 and doc[i].text == "(" and (not named_with_generic or (i > 0 and doc[i - 1].text[:1].isupper())):
        return "("  # "(Loire)", and "Sidi Bel Abbès (wilaya de Sidi Bel Abbès)": a locator of the name before it
    if _inside_locating_bracket(doc, mention.span.start) or _other_name_bracket(doc, mention.span.start):
        return "("  # "Mamoudzou (Département d'outre-mer de Mayotte)": the bracket locates the name before it
    sentence_start = mention.span.sent.start
    while i >= sentence_start and mention.span.start - i <= 10:
        token = doc[i]
        if token.lower_ == "en" and doc[i + 1].lower_ in _SEAT_WORDS:
            return "à"  # "signée en mairie de Lichtenwald"
        if token.lower_ == "en" and i == mention.span.start - 1:
            return "dans"  # "Görlitz, en Saxe", "Schlitz, en Hesse": French puts "en" before a region, "à" before a town
        if token.lower_ in ("à", "au", "dans") and i > 0 and doc[i - 1].text == "(" and i - 1 > sentence_start and doc[i - 2].text[:1].isupper():
            return "("  # "Neukölln (à Berlin, Allemagne)": the bracket says where the name before it lies
        if token.lower_ in ("à", "au", "dans"):
            if token.lower_ == "à" and (_relating_verb_before(doc, i, sentence_start) or (mention.span.root.dep_.startswith("obl") and relating(mention.span.root.head))):
                return None  # "jumelée à X"; "un accord lie désormais A à B": the verb relates B
            chain = [t for t in doc[i + 1 : mention.span.start] if t.pos_ != "DET"]
            through_venue = not chain or chain[0].lower_ in VENUE_HEADS
            if token.lower_ == "dans":
                return "à" if through_venue and chain else "dans"
            return "à" if through_venue and not named_with_generic else None
        if _after_near_word(doc, i):
            return "dans"  # "cette ville voisine de Bethléem", "non loin de Dakar", "à 15 minutes de Dijon": a landmark
        if token.lower_ in ("de", "d'", "du") and _capital_of(doc, i):
            return "dans"  # "Telavi, … la capitale de la Kakhétie": the unit locates its capital
        if token.pos_ in ("VERB", "AUX", "PUNCT", "CCONJ") or token.lower_ in ("avec", "entre", "par") or token.lower_ in _CLAUSE_OPENERS:
            return None  # "le protocole que la commune a signé à Dakar avec la ville de Thiès": Thiès signs
        i -= 1
    return None


_DATELINE_DASHES = frozenset({"—", "–", "-"})


def dateline(mention: Mention) -> bool:
    """A press dateline: the name opens its block, after at most a date, and a dash follows it,
    with an agency in brackets between ("Dakar — …", "Ho Chi Minh-Ville (VNA) - …")."""
    doc = mention.span.doc
    j = mention.span.end
    if j < len(doc) and doc[j].text == "(":
        close = next((t.i for t in doc[j : j + 6] if t.text == ")"), None)
        if close is None or not all(t.text.isupper() for t in doc[j + 1 : close]):
            return False  # an agency ("(MAP)"), not a locator ("Arras (Pas-de-Calais) – Herten")
        j = close + 1
    if j + 1 >= len(doc) or doc[j].text not in _DATELINE_DASHES or not doc[j - 1].whitespace_:
        return False
    if doc[j + 1].pos_ in ("PROPN", "NOUN", "NUM"):
        return False  # "Arras – Herten, depuis 1963": a pair of towns; a dateline opens a sentence
    before = doc[: mention.span.start]
    return len(before) <= 6 and not any(t.is_alpha and t.lower_ != "date" and not t.text.isupper() for t in before)


def near_landmarks(place_groups: list[list[Mention]]) -> list[Mention]:
    """Towns named as a landmark ("à l'ouest de Londres", "à 15 km de Dakar", "non loin de Tunis")
    that the gazetteer places in one country (a group of one candidate place): they locate the name
    before them like a country."""
    return [
        options[0] for options in place_groups
        if len(options) == 1 and options[0].label != "country" and _after_near_word(options[0].span.doc, options[0].span.start - 1)
    ]


def _after_near_word(doc, de: int) -> bool:
    """``doc[de]`` is the "de" of a landmark: "voisine de", "près de", "à l'ouest de", "à 15 km de"."""
    if de < 1 or doc[de].lower_ not in ("de", "d'", "du") or doc[de - 1].lower_ not in _NEAR_WORDS:
        return False
    # "à l'est de Dakar", not the verb of "pour ce qui est de Boujdour"
    return doc[de - 1].lower_ != "est" or doc[de - 1].pos_ not in ("AUX", "VERB")


def in_venue(mention: Mention) -> bool:
    """A name that completes a venue ("au siège de la mairie de Strasbourg", "à l'hôtel de ville
    de Reims", "dans les locaux de la mairie de Cotonou") or follows it in brackets ("au Palais
    Beaulieu (Lausanne)"): the town the venue is in, whether or not that town also signs."""
    doc = mention.span.doc
    i = mention.span.start - 1
    bracketed = i > mention.span.sent.start and doc[i].text == "("
    if bracketed:
        i -= 1  # "au Palais Beaulieu (Lausanne)": the bracket names the town of the venue before it
    while i > mention.span.sent.start and mention.span.start - i <= 8:
        if doc[i].lower_ in VENUE_HEADS:
            if doc[i - 1].lower_ in ("à", "au", "dans", "en") or (doc[i - 1].pos_ == "DET" and i > 1 and doc[i - 2].lower_ in ("à", "dans")):
                return True
            # "dans les locaux de la mairie de Cotonou": a venue of a venue
        elif doc[i].pos_ in ("VERB", "AUX", "PUNCT", "CCONJ") or (doc[i].pos_ == "PROPN" and not bracketed):
            return False
        i -= 1
    return False


def _inside_locating_bracket(doc, start: int) -> bool:
    """A name a few words into a bracket that opens right after another name, with no verb, bracket
    or other name before it inside: "X (Département d'outre-mer de Mayotte)", "X (région de Y)"."""
    for j in range(start - 1, max(start - 8, 0) - 1, -1):
        token = doc[j]
        if token.text == "(":
            return j > 0 and doc[j - 1].text[:1].isupper() and j < start - 1
        if token.text in (")", ",", ";") or token.pos_ in ("VERB", "AUX") or (token.pos_ == "PROPN" and j < start - 1 and token.text[:1].isupper() and doc[j + 1].lower_ not in ("de", "d'", "du", "des")):
            return False
        if token.like_num or (j == start - 1 and token.lower_ in ("à", "au", "aux")):
            return False  # "(27 et 28 septembre à Orléans)": when and where, not a locator
    return False


# Words that give a place's other name in a bracket: "Chisinau (à l'époque, Kichinev)",
# "Kinshasa (anciennement Léopoldville)", "Hô Chi Minh-Ville (ex-Saïgon)".
_OTHER_NAME_WORDS = frozenset({"époque", "anciennement", "autrefois", "jadis", "ex", "ex-", "alias", "aujourd'hui", "actuellement", "actuelle", "actuel"})


def _other_name_bracket(doc, start: int) -> bool:
    """A name in a bracket that opens right after another name and gives its former or present
    name: the same place, not another party."""
    for j in range(start - 1, max(start - 6, 0) - 1, -1):
        if doc[j].text == "(":
            return j > 0 and doc[j - 1].text[:1].isupper() and any(t.lower_ in _OTHER_NAME_WORDS for t in doc[j + 1 : start])
        if doc[j].text == ")" or doc[j].pos_ in ("VERB", "AUX"):
            return False
    return False


# "en mairie de X", "en préfecture de X": where a signature takes place
_SEAT_WORDS = frozenset({"mairie", "préfecture", "sous-préfecture"})
_CLAUSE_OPENERS = frozenset({"que", "qu'", "qui", "dont", "où", "lequel", "laquelle", "lesquels", "lesquelles"})


# "la capitale de la Kakhétie", "la capitale cosmopolite de la Catalogne", "chef-lieu du Borgou":
# the unit after "de" is where another place lies, not a party.
_CAPITAL_WORDS = frozenset({"capitale", "capitales", "chef-lieu", "chefs-lieux"})


def _capital_of(doc, de: int) -> bool:
    """The word before ``doc[de]`` ("de", "du"), past adjectives, is "capitale" or "chef-lieu"."""
    i = de - 1
    while i >= 0 and doc[i].pos_ == "ADJ" and doc[i].lower_ not in _CAPITAL_WORDS:
        i -= 1
    if i >= 2 and doc[i].lower_ == "lieu" and doc[i - 1].text == "-" and doc[i - 2].lower_ == "chef":
        return True  # the tokenizer cuts "chef-lieu"
    return i >= 0 and doc[i].lower_ in _CAPITAL_WORDS


_NEAR_WORDS = frozenset({"voisine", "voisin", "voisines", "voisins", "près", "proche", "proches", "loin", "banlieue", "portes", "environs", "nord", "sud", "est", "ouest", "nord-est", "nord-ouest", "sud-est", "sud-ouest", "km", "kilomètres", "mètres", "minutes", "heures", "heure"})


def _relating_verb_before(doc, at: int, sentence_start: int) -> bool:
    """The first verb before ``doc[at]`` ("à"), within its clause, relates two parties: "jumelée à
    X", "un accord lie désormais A à B" (where the parser may hang "à B" on the noun)."""
    for j in range(at - 1, max(sentence_start, at - 8) - 1, -1):
        token = doc[j]
        if token.pos_ in ("VERB", "AUX") or ((j == at - 1 or token.pos_ == "ADJ") and relating(token)):
            return relating(token)
        if token.is_punct or token.lower_ in _CLAUSE_OPENERS:
            return False
    return False


def relating(token) -> bool:
    """"jumelée à", "associée à", "liée à", "unie à", "son attachement à": "à" introduces a partner, not a place; not the
    nouns that share those stems ("scellé leur union à Lomé", "l'association à Dakar", "l'acte de
    jumelage à Cologne")."""
    if token.lower_.startswith("jumelage"):
        return False
    if token.lemma_.lower() in ("jumeler", "associer", "lier", "unir", "allier", "rattacher", "attacher") or token.lower_.startswith("jumel"):
        return True
    if token.lower_ == "attachement":
        return True  # "Orléans officialise son attachement à Cracovie"
    return token.lower_ in ("uni", "unie", "unis", "unies") or (token.lower_.startswith(("associé", "lié")) and token.pos_ != "NOUN")


# Lower-case words a place name may hold ("Charm el-Cheikh", "Vresse-sur-Semois", "Aïn Beni Mathar").
_NAME_LINKS = frozenset({"-", "el", "al", "de", "du", "la", "le", "sur", "en", "lès", "les"})
MAX_BRACKETED_NAME = 5


def bracketed_towns(view: ArticleView, locators: list[Mention], taken: list[tuple[int, int]]) -> list[tuple[Mention, str]]:
    """Each capitalised name right before a bracketed country ("Grand-Yoff (Sénégal)"), with that
    country: a town it locates, outside the spans already ``taken`` and no person's name."""
    found = []
    for locator in locators:
        doc = view.docs[locator.block]
        if locator.label != "country" or locator.span.start == 0:
            continue
        bounds = name_before_bracket(doc, locator.span.start - 1)
        if bounds is None:
            continue
        span = Span(doc, *bounds, label="municipality", span_id="bracketed_country")
        mention = view.mention_of(locator.block, span)
        if not overlaps(mention, taken) and not any(t.ent_type_ == "PER" for t in span):
            found.append((mention, locator.span.kb_id_))
    return found


def name_before_bracket(doc, bracket: int) -> tuple[int, int] | None:
    """The capitalised name right before ``doc[bracket]`` == "(" ("Charm el-Cheikh (Égypte)",
    "Grand-Yoff (Sénégal)"), as token bounds; None when no name stands there."""
    if bracket == 0 or doc[bracket].text != "(":
        return None
    start = bracket
    while start > 0 and bracket - start < MAX_BRACKETED_NAME:
        token = doc[start - 1]
        if token.text == "-" and not glued_hyphen(doc, token.i):
            break  # "Oufa - Djibouti (Djibouti)": a dash between two names, no hyphen inside one
        if token.text[:1].isupper() and token.is_alpha or (token.lower_ in _NAME_LINKS and start < bracket):
            start -= 1
        else:
            break
    while start < bracket and not doc[start].text[:1].isupper():
        start += 1  # a name starts with a capital
    return (start, bracket) if start < bracket else None
