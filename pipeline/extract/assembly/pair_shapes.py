"""The shapes in which a clause pairs its parties, read by :mod:`pipeline.extract.assembly.relations`.

"le jumelage Grenoble - Chisinau" (:func:`dash_pair`), "Kaolack est jumelée à Mérignac, Saint-Louis à
Lille" (:func:`parallel_pairs`), the list after "entre" or "avec" (:func:`group_after`, and
:func:`attaches_to` for whether that "entre" belongs to the agreement), "les deux villes"
(:func:`speaks_of_both`; the two or the group of that size the sentence before names,
:func:`previous_sentence_pair`, :func:`previous_sentence_group`), a group of one with each of the
others (:func:`one_with_each`), and where a party stands in its sentence: subject, agent of a
passive, coordinated with the signers.
"""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.extract.assembly.candidates import in_sentence
from pipeline.extract.assembly.members import distinct
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.place_names import PAIR_DASHES
from pipeline.extract.assembly.view import Mention
from pipeline.normalize import names_match

# Words a list of parties may hold between its names: "la ville de A, la commune rurale de B et C".
_GROUP_STOPS = frozenset({".", ";", ":", "!", "?", "»", "qui", "que", "dont", "pour", "afin", "dans", "visant", "portant", "sur", "lors", "durant", "pendant", "depuis"})
# "les deux villes", "les deux parties": the pair the article is about.
_BOTH_NOUNS = frozenset({"villes", "communes", "collectivités", "régions", "parties", "municipalités", "départements", "pays", "provinces", "territoires", "cités", "entités", "partenaires", "institutions", "capitales", "maires", "élus", "édiles", "hommes", "femmes", "présidents", "responsables", "ministres", "gouverneurs", "délégations"})


def two_countries(parties: list[PartyMention]) -> list[PartyMention] | None:
    """The parties, when they are two distinct ones of two countries: the pair "les deux villes"
    can stand for."""
    both = distinct(parties)
    return both if len(both) == 2 and both[0].country != both[1].country else None


def is_subject(party: PartyMention) -> bool:
    return party.mention.span.root.dep_.startswith("nsubj")


def attaches_to(entre, anchor: Mention) -> bool:
    """"entre" after an agreement speaks of its parties unless a noun of its own takes it first:
    "un jumelage …, avant le traité organisant une coopération entre la France et l'Allemagne"."""
    i = entre.i - 1
    doc = entre.doc
    while i >= anchor.span.end and (doc[i].pos_ in ("ADJ", "ADV", "DET") or doc[i].text == "," or _names_the_agreement(doc, i, anchor)):
        i -= 1
    if i < anchor.span.end:
        return True
    token = doc[i]
    return token.pos_ in ("VERB", "AUX") or token.lower_ in ("signature", "signé", "signée", "signés", "signées", "conclu", "conclue", "paraphé", "paraphée", "intervenu", "intervenue") or token.pos_ not in ("NOUN", "PROPN")


# "convention-cadre de coopération décentralisée entre …": nouns that complete an agreement's name
_AGREEMENT_COMPLEMENTS = frozenset({"coopération", "partenariat", "jumelage", "amitié", "collaboration", "de", "d'", "cadre", "-"})


def _names_the_agreement(doc, i: int, anchor: Mention) -> bool:
    """Every word from the agreement to ``doc[i]`` completes its name ("de coopération décentralisée")."""
    return all(t.lower_ in _AGREEMENT_COMPLEMENTS or t.pos_ in ("ADJ", "DET") for t in doc[anchor.span.end : i + 1])


def is_agent(party: PartyMention) -> bool:
    """The agent of a passive signature: "signées … par la ville de Tulle"."""
    doc = party.mention.span.doc
    i = party.mention.span.start - 1
    while i >= 0 and party.mention.span.start - i <= 4 and doc[i].pos_ in ("DET", "NOUN", "ADP") and doc[i].lower_ != "par":
        i -= 1
    return i >= 0 and doc[i].lower_ == "par"


def coordinated_subject(party: PartyMention) -> bool:
    """The subject of the sentence's verb, a name coordinated with it, or the name that completes it
    ("Les villes de Dakar, de Kinshasa et de Brazzaville ont signé", "le maire de Tulle")."""
    root = party.mention.span.root
    while root.head is not root and (root.dep_ in ("conj", "appos", "flat:name") or (root.dep_ == "nmod" and root.head.pos_ in ("NOUN", "PROPN"))):
        root = root.head
    return root.dep_.startswith("nsubj")


def coordinated_before(party: PartyMention, anchor: Mention) -> bool:
    """An organisation listed with the signers before the agreement: "…, et l'association X ont signé"."""
    span = party.mention.span
    if span.end > anchor.span.start:
        return False
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].pos_ == "DET":
        i -= 1
    return i >= 0 and doc[i].lower_ in ("et", ",")


def dash_pair(anchor: Mention, parties: list[PartyMention]) -> list[PartyMention] | None:
    """"le jumelage Grenoble - Chisinau", "jumelage Toul/Hamm-Mitte": two places of two countries
    joined by a dash right after the twinning word."""
    doc = anchor.span.doc
    by_start = {p.mention.span.start: p for p in parties if p.mention.block == anchor.block and p.country}
    first = next((by_start[i] for i in range(anchor.span.end, min(anchor.span.end + 3, len(doc))) if i in by_start), None)
    if first is None:
        return None
    dash = first.mention.span.end
    if dash >= len(doc) or doc[dash].text not in PAIR_DASHES:
        return None
    second = by_start.get(dash + 1)
    if second is None or second.country == first.country:
        return None
    return [first, second]


def speaks_of_both(sentence: Span, definite: bool = False) -> bool:
    """"les deux villes", "entre les deux régions", "les deux parties ont signé"; ``definite``: only
    with a determiner ("un rapprochement entre deux communes" speaks of any two)."""
    return any(
        t.lower_ == "deux" and t.i + 1 < sentence.end and t.nbor(1).lower_ in _BOTH_NOUNS and (not definite or (t.i > 0 and t.nbor(-1).lower_ in _BOTH_DETERMINERS))
        for t in sentence
    )


_BOTH_DETERMINERS = frozenset({"les", "des", "aux", "ces", "leurs", "nos"})
_GROUP_NUMBERS = {"trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10}


def group_size(sentence: Span) -> int | None:
    """"les quatre villes coopèrent", "entre les trois régions": how many parties a definite group
    of three or more counts, else None."""
    for t in sentence:
        size = _GROUP_NUMBERS.get(t.lower_) or (int(t.text) if t.is_digit and 3 <= int(t.text) <= 10 else None)
        if size and t.i + 1 < sentence.end and t.nbor(1).lower_ in _BOTH_NOUNS and t.i > 0 and t.nbor(-1).lower_ in _BOTH_DETERMINERS:
            return size
    return None


def parallel_pairs(doc, sentence: Span, parties: list[PartyMention], block: int) -> list[list[PartyMention]]:
    """"Kaolack est jumelée à Mérignac, Saint-Louis à Lille, Bakel à Apt": parallel pairs around "à",
    or around "avec" when each pair is of two countries ("la Hesse est jumelée avec l'Aquitaine et la
    Rhénanie-Palatinat avec la Bourgogne"), or, two of them at least, two names of two countries
    joined by "et" ("…, Soa et Gien, Yaounde et Udine, Douala et Strasbourg"; not the end of a list,
    "avec Atlanta, Bologne, Kiev et Tel-Aviv")."""
    # a landmark that locates ("à l'ouest de Londres") is no member of a pair
    inside = [p for p in parties if p.mention.block == block and sentence.start <= p.mention.span.start < sentence.end and p.country and p.introducer != "dans"]
    by_end = {p.mention.span.end: p for p in inside}
    by_start = {p.mention.span.start: p for p in inside}
    pairs = []
    joined = []
    for token in sentence:
        if token.lower_ == "et":
            before, after = _next_word(doc, token.i, -1), _next_word(doc, token.i, 1)
            if before + 1 in by_end and after in by_start:
                left, right = by_end[before + 1], by_start[after]
                if left.country != right.country and not left.state and not right.state:
                    joined.append([left, right])
            continue
        if token.lower_ not in ("à", "avec"):
            continue
        if token.i > sentence.start and doc[token.i - 1].text == "(":
            continue  # "Neukölln (à Berlin, Allemagne)": a bracket that locates
        left = next((by_end[j] for j in range(token.i, max(sentence.start, token.i - 4) - 1, -1) if j in by_end), None)
        right = next((by_start[j] for j in range(token.i + 1, min(sentence.end, token.i + 6)) if j in by_start), None)
        if left is not None and right is not None and not names_match(left.name, right.name) and (token.lower_ == "à" or left.country != right.country):
            pairs.append([left, right])
    if len(joined) >= 2:
        pairs = sorted(pairs + joined, key=lambda pair: pair[0].mention.span.start)
    return pairs


def _next_word(doc, i: int, step: int) -> int:
    """The index of the next token from ``doc[i]`` in the direction ``step`` that is not white space."""
    i += step
    while 0 <= i < len(doc) and doc[i].is_space:
        i += step
    return i


def group_after(doc, start: int, sentence: Span, candidates: list[PartyMention]) -> list[PartyMention]:
    """The parties listed right after ``doc[start]`` ("entre", "avec"), up to the end of the list."""
    by_start = {c.mention.span.start: c for c in candidates}
    group: list[PartyMention] = []
    closed = False
    i = start + 1
    while i < sentence.end:
        if i in by_start:
            party = by_start[i]
            if party.introducer not in ("dans", "("):  # "avec Schlitz, en Hesse": Hesse locates Schlitz
                group.append(party)
            i = max(party.mention.span.end, i + 1)
            continue
        token = doc[i]
        listed = group and doc[i - 1].text == "," and i + 1 < sentence.end and doc[i + 1].text in (",", "et")
        if token.lower_ in _GROUP_STOPS or token.lower_ in ("entre", "avec") or (token.pos_ in ("VERB", "AUX") and not listed):
            break  # a word between two commas of the list ("…, Elche, chongqing, Kiev") is an item the gazetteers miss
        if token.text == "," and not group:
            break  # "avec d'autres villes du monde, la ville de Nice est…": no list began
        if token.text == "," and closed and i + 1 not in by_start:
            break  # "avec A, B et C, selon le président du Conseil de X": the list ended at its "et"
        closed = closed or (bool(group) and token.lower_ in ("et", "ou"))
        i += 1
    return group


def previous_sentence_pair(anchor: Mention, sentence: Span, parties: list[PartyMention]) -> list[PartyMention] | None:
    """The two parties of two countries that the sentence before ``sentence`` names, in one block;
    not a place it is set in ("La signature a eu lieu à Carcassonne … des deux territoires")."""
    return two_countries(_named_in_previous_sentence(anchor, sentence, parties))


def one_with_each(group: list[PartyMention], stretch: Span) -> list[list[PartyMention]] | None:
    """Among several agreements, a group after "entre" of one party and others, each placed in a
    country of its own ("entre Guelmim d'une part et Rikoua (Tanzanie) et Marcory (Côte d'Ivoire)
    d'autre part", "entre Al Hoceima et Yeumbeul (Sénégal) et Bamako (Mali)"): one agreement of the
    first with each of the others."""
    first, others = group[0], group[1:]
    if len(others) < 2 or first.country in {p.country for p in others}:
        return None
    apart = any(t.lower_ == "autre" and t.i + 1 < stretch.end and t.nbor(1).lower_ == "part" for t in stretch)
    if not apart and not all(p.explicit for p in others):
        return None
    return [[first, other] for other in others]


def previous_sentence_group(anchor: Mention, sentence: Span, parties: list[PartyMention], size: int) -> list[PartyMention] | None:
    """The ``size`` parties, of two countries at least, that the sentence before names."""
    group = distinct([p for p in _named_in_previous_sentence(anchor, sentence, parties) if not p.state])
    return group if len(group) == size and len({p.country for p in group}) >= 2 else None


def _named_in_previous_sentence(anchor: Mention, sentence: Span, parties: list[PartyMention]) -> list[PartyMention]:
    """The parties the sentence before ``sentence`` names, in its block, but not as a place."""
    if sentence.start == 0:
        return []
    previous = sentence.doc[sentence.start - 1].sent
    return [p for p in in_sentence(anchor, previous, parties) if not p.signing_place_like]
