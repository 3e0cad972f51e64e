"""Finds place names (countries, their adjectives, regions, departments, communes, cities) in a block.

Why a matcher over *name pieces* rather than over tokens: spaCy's French tokenizer splits
"Saint-Jean-d'Angély", "Saint-Jean d'Angély", "Côtes-d’Armor" or "Saint-Lô" in different ways, and
texts mix accents, capitals, hyphens and apostrophes freely. Each token is cut into pieces
(accent-folded, lower-case runs of letters and digits); hyphens and apostrophes give no piece,
other punctuation gives a barrier piece that no name contains. Gazetteer names are cut the same
way, so every spelling variant of a name has one key, and a ``PhraseMatcher`` on ORTH of the
piece Doc finds them all in one pass. A match is mapped back to the block's tokens, kept only when
the text capitalises every word that a gazetteer spelling of that name capitalises (no "tours",
no "les deux villes"; adjectives such as "marocaine" need no capital), and the longest of
overlapping matches wins.

Every gazetteer line of ``gazetteers_dir/*.jsonl`` is one place (see
:mod:`pipeline.extract.build_gazetteers`). Each match is written to ``doc.spans["places"]`` as one span
per candidate place (a name such as "Vienne" is a department, a commune and a foreign city):
``label_`` is the gazetteer label, ``kb_id_`` the ISO 3166-1 alpha-2 country, ``id_`` the
gazetteer id, ``Span._.place_kind`` the contract's party kind, ``Span._.place_name`` the
canonical name, ``Span._.place_ambiguous`` whether the spelling is also an ordinary French word.
Candidates of one span come in order of preference: French places first, then country, region,
department, municipality, city, demonym, then larger population first.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from pipeline.normalize import GENERIC_WORDS, STOP_WORDS, fold

SPANS_KEY = "places"
MATCH_KEY = "PLACE"
LABEL_ORDER = ("country", "region", "department", "municipality", "city", "demonym")
# The contract's party kind of a place of each label (a country as a party is a state).
PARTY_KIND = {
    "country": "national",
    "region": "region",
    "department": "department",
    "municipality": "municipality",
    "city": "municipality",
    "demonym": None,
}
# Letters that Unicode decomposition does not strip to a Latin base letter.
_UNDECOMPOSED = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"})
_PIECE_SEPARATOR = re.compile(r"[\W_]+")
# Characters that join the parts of one name without being part of its key.
_JOINERS = frozenset("-'\u2019\u2010\u2011\u02bc")
_BARRIER = "|"


# Abbreviations written for a whole piece of a name: "St-Malo", "Conflans Ste Honorine".
_ABBREVIATED = {"st": "saint", "ste": "sainte"}


def name_pieces(text: str) -> list[str]:
    """The matching key of a name or token: accent-folded, lower-case runs of letters and digits,
    "St"/"Ste" read as "Saint"/"Sainte"."""
    return [_ABBREVIATED.get(piece, piece) for piece in _PIECE_SEPARATOR.split(fold(text).translate(_UNDECOMPOSED)) if piece]


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    label: str
    name: str
    country: str
    population: int

    @property
    def rank(self) -> tuple[bool, int, int]:
        """French places first (the texts are French local news), then by label, then larger first."""
        return self.country != "FR", LABEL_ORDER.index(self.label), -self.population


def read_gazetteers(folder: Path) -> Iterator[tuple[str, bool, Place]]:
    """Every (spelling, whether it is ambiguous, place) of the gazetteer files in ``folder``."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                entry = json.loads(line)
                for key, ambiguous in (("names", False), ("ambiguous_names", True)):
                    for spelling in entry.get(key, ()):
                        yield spelling, ambiguous, Place(
                            id=entry["id"],
                            label=entry["label"],
                            name=entry["name"].replace("\u2019", "'"),
                            country=entry["country"],
                            population=int(entry.get("population", 0)),
                        )


class PlaceRegistry:
    """The places behind span ids, for the ``Span._`` getters.

    spaCy keys a span's stored extension values by its character offsets only, so the several
    candidates of one span ("Vienne": department, commune, Austrian city) could not each keep
    their own values; getters that read ``span.id_`` (the gazetteer id) can.
    """

    places: ClassVar[dict[str, Place]] = {}
    ambiguous_spellings: ClassVar[set[tuple[str, str]]] = set()

    @classmethod
    def place(cls, span: Span) -> Place | None:
        return cls.places.get(span.id_) if span.label_ in PARTY_KIND else None

    @classmethod
    def kind(cls, span: Span) -> str | None:
        place = cls.place(span)
        return PARTY_KIND[place.label] if place else None

    @classmethod
    def name(cls, span: Span) -> str | None:
        place = cls.place(span)
        return place.name if place else None

    @classmethod
    def ambiguous(cls, span: Span) -> bool | None:
        place = cls.place(span)
        if place is None:
            return None
        return (" ".join(name_pieces(span.text)), place.id) in cls.ambiguous_spellings


for _name, _getter in (
    ("place_kind", PlaceRegistry.kind),
    ("place_name", PlaceRegistry.name),
    ("place_ambiguous", PlaceRegistry.ambiguous),
):
    if not Span.has_extension(_name):
        Span.set_extension(_name, getter=_getter)


@dataclass
class PieceDoc:
    """The pieces of a block's tokens, with the token each piece comes from and its case."""

    doc: Doc
    token_of: list[int]
    starts_token: list[bool]
    ends_token: list[bool]
    capitals: list[bool]


CapitalMask = tuple[bool, ...]


def piece_capitals(text: str, piece_count: int) -> CapitalMask:
    """Which pieces of ``text`` start with a capital (all like the first if the cut differs)."""
    parts = [part for part in _PIECE_SEPARATOR.split(text.replace("\u2019", "'")) if part]
    if len(parts) != piece_count:
        first = next((c.isupper() for c in text if c.isalpha()), False)
        return (first,) * piece_count
    return tuple(part[0].isupper() for part in parts)


@functools.lru_cache(maxsize=65536)
def _token_pieces(text: str) -> tuple[tuple[str, ...], CapitalMask]:
    """A token's pieces and their capitals; a token with no letter or digit is a barrier, save a
    joiner, which has no piece. Cached: the words of news repeat, and folding dominates the
    component's time otherwise."""
    pieces = tuple(name_pieces(text))
    if not pieces:
        if text in _JOINERS:
            return (), ()
        pieces = (_BARRIER,)
    return pieces, piece_capitals(text, len(pieces))


class PlaceMatcher:
    """The ``partnerships_places`` component: gazetteer names found in a block, one span per candidate place."""

    def __init__(self, nlp: Language, name: str, gazetteers_dir: str) -> None:
        self.name = name
        # The piece Docs live in a vocabulary of their own, with no lexical attributes to compute:
        # the pipeline's vocabulary stays as it was, and loading takes seconds less.
        self.vocab = Vocab(lex_attr_getters={})
        # Per key, the candidate places with the capitals of their spellings of that key.
        grouped: dict[str, dict[str, tuple[Place, set[CapitalMask]]]] = {}
        unambiguous: set[tuple[str, str]] = set()
        for spelling, ambiguous, place in read_gazetteers(Path(gazetteers_dir)):
            pieces = name_pieces(spelling)
            # "Ville", "Région", "La": a generic or grammatical word alone names no place here.
            if not pieces or all(p in GENERIC_WORDS or p in STOP_WORDS for p in pieces):
                continue
            key = " ".join(pieces)
            grouped.setdefault(key, {}).setdefault(place.id, (place, set()))[1].add(
                piece_capitals(spelling, len(pieces))
            )
            PlaceRegistry.places[place.id] = place
            if ambiguous:
                PlaceRegistry.ambiguous_spellings.add((key, place.id))
            else:
                unambiguous.add((key, place.id))
        # A place that one spelling of a key reaches unambiguously is not ambiguous under that key.
        PlaceRegistry.ambiguous_spellings -= unambiguous
        # Few distinct sets of capital masks exist: one shared object each keeps memory down.
        shared_masks: dict[frozenset[CapitalMask], frozenset[CapitalMask]] = {}
        self.places: dict[str, tuple[tuple[Place, frozenset[CapitalMask]], ...]] = {
            key: tuple(
                sorted(
                    ((p, shared_masks.setdefault(frozenset(m), frozenset(m))) for p, m in c.values()),
                    key=lambda pm: pm[0].rank,
                )
            )
            for key, c in grouped.items()
        }
        # One match key for all names (the matched pieces give the name back), and each pattern as
        # the ORTH hashes of its pieces, the form PhraseMatcher keeps and restores patterns in: a
        # key and a pattern Doc per name would cost hundreds of MB more.
        self.matcher = PhraseMatcher(self.vocab, attr="ORTH")
        strings = self.vocab.strings
        self.matcher.add(MATCH_KEY, [[strings.add(piece) for piece in key.split(" ")] for key in self.places])

    def piece_doc(self, doc: Doc) -> PieceDoc:
        words: list[str] = []
        token_of: list[int] = []
        starts: list[bool] = []
        ends: list[bool] = []
        capitals: list[bool] = []
        for token in doc:
            pieces, written = _token_pieces(token.text)
            if not pieces:
                continue
            capitals.extend(written)
            for position, piece in enumerate(pieces):
                words.append(piece)
                token_of.append(token.i)
                starts.append(position == 0)
                ends.append(position == len(pieces) - 1)
        return PieceDoc(Doc(self.vocab, words=words), token_of, starts, ends, capitals)

    def __call__(self, doc: Doc) -> Doc:
        pieces = self.piece_doc(doc)
        found: dict[tuple[int, int], tuple[Place, ...]] = {}
        for _, start, end in self.matcher(pieces.doc):
            if not (pieces.starts_token[start] and pieces.ends_token[end - 1]):
                continue
            token_start, token_end = pieces.token_of[start], pieces.token_of[end - 1] + 1
            text = doc[token_start:token_end].text
            written = tuple(pieces.capitals[start:end])
            candidates = tuple(
                place
                for place, masks in self.places[pieces.doc[start:end].text]
                if any(_capitals_agree(written, mask) for mask in masks) and not _acronym_of(text, masks)
            )
            if candidates and token_start > 0 and doc[token_start - 1].lower_ in SEA_WORDS:
                # "l'océan Indien", "la mer Noire": a sea's adjective, not a country's
                candidates = tuple(place for place in candidates if place.label != "demonym")
            if candidates and _compass_compound(doc, token_start, token_end):
                continue
            if candidates and _common_noun_use(doc, token_start, token_end):
                candidates = tuple(place for place in candidates if PARTY_KIND[place.label] != "municipality")
            if candidates:
                found[(token_start, token_end)] = candidates
        spans: list[Span] = []
        for kept in filter_spans([doc[start:end] for start, end in found]):
            for place in found[(kept.start, kept.end)]:
                spans.append(_place_span(doc, kept.start, kept.end, place))
        doc.spans[SPANS_KEY] = spans
        return doc


def _capitals_agree(written: CapitalMask, spelling: CapitalMask) -> bool:
    """Every piece that the gazetteer spelling capitalises is capitalised in the text.

    Names are written with capitals: a lower-case "tours" or "nice" is no place, nor is "les deux
    villes" the commune "Les Deux-Villes"; adjectives ("marocaine") have no capital to require.
    """
    return all(w or not s for w, s in zip(written, spelling))


# "la Croix de Hockenheim", "une Fontaine du XVIe siècle": a one-word town name between an article
# that is not part of it and a complement is a common noun written with a capital (a monument).
SEA_WORDS = frozenset({"océan", "mer", "golfe"})
COMMON_NOUN_ARTICLES = frozenset({"la", "une", "un", "cette"})
COMPLEMENT_WORDS = frozenset({"de", "d'", "d’", "du", "des"})


def _common_noun_use(doc: Doc, start: int, end: int) -> bool:
    if end - start != 1 or start == 0 or end >= len(doc):
        return False
    return doc[start - 1].text in COMMON_NOUN_ARTICLES and doc[end].lower_ in COMPLEMENT_WORDS


# "la coopération Nord-Sud", "Sud-Sud": two points of the compass joined name a direction of
# cooperation, not the Nord department or the Sud region of Cameroon or Haiti.
COMPASS_WORDS = frozenset({"nord", "sud", "est", "ouest", "centre"})


def _compass_compound(doc: Doc, start: int, end: int) -> bool:
    if not _is_compass(doc[start:end].text):
        return False
    before = start >= 2 and doc[start - 1].text in _JOINERS and _is_compass(doc[start - 2].text)
    after = end + 1 < len(doc) and doc[end].text in _JOINERS and _is_compass(doc[end + 1].text)
    return before or after


def _is_compass(text: str) -> bool:
    pieces = name_pieces(text)
    return len(pieces) == 1 and pieces[0] in COMPASS_WORDS


def _acronym_of(text: str, spellings: frozenset[CapitalMask]) -> bool:
    """A short all-capitals word ("CHU", "ONG") is an acronym, not the place "Chu"."""
    return len(text) <= 4 and text.isupper() and all(len(mask) == 1 for mask in spellings)


def _place_span(doc: Doc, start: int, end: int, place: Place) -> Span:
    return Span(doc, start, end, label=place.label, kb_id=place.country, span_id=place.id)


@Language.factory(
    "partnerships_places",
    default_config={"gazetteers_dir": ""},
    requires=["token.text"],
    assigns=["doc.spans"],
)
def make_places(nlp: Language, name: str, gazetteers_dir: str) -> PlaceMatcher:
    return PlaceMatcher(nlp, name, gazetteers_dir)
