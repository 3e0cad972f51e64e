"""``partnerships_parties``: territorial and institutional parties named with their generic word.

"la ville de Hazebrouck", "l'oblast de Poltava", "la préfecture togolaise de Kloto",
"le Département du Gers", "Roannais Agglomération", "l'Université de Parakou": a pattern from
``models/patterns/parties.jsonl`` finds the generic word (its label is the contract's party
kind, or ``province``, whose level depends on the country), then the proper name is read
token by token to the right (or left, for "X Agglomération"): capitalised words joined by
hyphens, apostrophes and lower-case particles (Chalonnes-sur-Loire, Saint-Jean d'Angély,
Centre-Val de Loire).

Spans go to ``doc.spans["parties"]``: ``label_`` = kind, ``id_`` = pattern id,
``Span._.party_name`` = the name as the contract wants it (generic word dropped for
territorial units, kept for organisations).
"""

from __future__ import annotations

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from pipeline.extract.components.token_patterns import TokenPatternIndex

SPANS_KEY = "parties"
# Lower-case words that may sit inside a proper name when a capitalised word follows them.
# Not "en" ("Poltava en Ukraine") nor "et" ("Hazebrouck et Essaouira"): hyphenated names
# ("Bourg-en-Bresse") keep their hyphens, which join tokens anyway.
NAME_ARTICLES = frozenset({"la", "le", "les", "l'"})
NAME_PARTICLES = frozenset({"-", "d'", "de", "du", "des", "la", "le", "les", "l'", "sur", "sous", "lès", "lez"})

for _name in ("party_name",):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def _is_name_token(token: Token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or (text[0].isdigit() and token.i > 0 and token.nbor(-1).text == "-"))


def extend_name_right(doc: Doc, start: int, stop: int | None = None) -> int:
    """End (exclusive) of the capitalised name that begins at ``start``; ``start`` when there is none.

    Particles are taken only when a capitalised word follows them.
    """
    limit = len(doc) if stop is None else stop
    i = start
    if i >= limit or not _is_name_token(doc[i]):
        return start
    end = i + 1
    i += 1
    while i < limit:
        token = doc[i]
        if _is_name_token(token) and not token.is_punct:
            end = i + 1
            i += 1
            continue
        if token.is_alpha and _elided_initial(doc[i - 1]):
            # "N'zi", "M'bour": a capital's elision glued to the word it opens
            end = i + 1
            i += 1
            continue
        if token.text == "-" and not doc[i - 1].whitespace_ and not token.whitespace_ and i + 1 < limit and doc[i + 1].is_alpha:
            # "Alger-centre", "Oran-ville": a hyphen with no space makes one name of both sides
            end = i + 2
            i += 2
            continue
        if token.lower_ in NAME_PARTICLES:
            j = i + 1
            while j < limit and doc[j].lower_ in NAME_PARTICLES:
                j += 1
            if j < limit and _is_name_token(doc[j]) and not doc[j].is_punct:
                end = j + 1
                i = j + 1
                continue
        break
    return end


def _elided_initial(token: Token) -> bool:
    """A capital and an apostrophe with no space after them ("N'" of "N'zi")."""
    return len(token.text) == 2 and token.text[0].isupper() and token.text[1] in ("'", "’") and not token.whitespace_


def _extend_over_lower_words(doc: Doc, end: int) -> int:
    """"Assemblée des Régions et districts de Côte d'Ivoire": a body's name goes on over "et" and
    lower-case words when a particle and a capitalised name follow them."""
    while True:
        i = end
        if i < len(doc) and doc[i].lower_ == "et":
            i += 1
        words = i
        while i < len(doc) and i - words < 2 and doc[i].is_lower and doc[i].is_alpha and doc[i].lower_ not in NAME_PARTICLES and doc[i].pos_ in ("NOUN", "ADJ"):
            i += 1
        if i == words:
            return end
        j = i
        while j < len(doc) and doc[j].lower_ in NAME_PARTICLES:
            j += 1
        if j == i or j >= len(doc) or not _is_name_token(doc[j]) or doc[j].is_punct:
            return end
        end = extend_name_right(doc, j)


def extend_name_left(doc: Doc, end: int) -> int:
    """Start of the capitalised name that ends just before ``end``; ``end`` when there is none."""
    i = end - 1
    start = end
    while i >= 0 and (_is_name_token(doc[i]) or (doc[i].text == "-" and start == i + 1)):
        if _is_name_token(doc[i]):
            start = i
        i -= 1
    return start


# "l'hôtel de ville de Niort", "la Maison du Département": a building named after a party.
VENUE_HEADS = frozenset({"hôtel", "maison", "salle", "salles", "salon", "salons", "palais", "siège", "espace", "centre", "locaux", "bureaux", "enceinte"})
# "cette ville de Cisjordanie": a description of a party already named, not a name.
DEMONSTRATIVES = frozenset({"ce", "cet", "cette", "ces"})


def _before_a_person(doc: Doc, name_start: int, name_end: int) -> int:
    """Where a territory's name ends when the model finds a person inside it: "le maire de la
    commune de Ouidah Jean Dupont" names Ouidah and its mayor."""
    return min((ent.start for ent in doc.ents if ent.label_ == "PER" and name_start < ent.start < name_end), default=name_end)


def _venue_or_anaphora(doc: Doc, start: int) -> bool:
    before = doc[start - 1].lower_ if start > 0 else ""
    if before in DEMONSTRATIVES:
        return True
    if before in ("de", "du", "des", "d'") and start > 1:
        return doc[start - 2].lower_ in VENUE_HEADS
    return False


class PartyMentions:
    def __init__(self, nlp: Language, name: str, patterns_path: str) -> None:
        self.name = name
        self.matcher = TokenPatternIndex(nlp.vocab)
        self.rules: dict[str, dict] = {}
        self.order: dict[str, int] = {}
        for entry in srsly.read_jsonl(patterns_path):
            self.rules[entry["id"]] = entry
            self.order[entry["id"]] = len(self.order)
            self.matcher.add(entry["id"], [entry["pattern"]], greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            rule = self.rules[doc.vocab.strings[match_id]]
            span = self._party(doc, rule, start, end)
            if span is not None:
                spans.append(span)
        # among spans of equal length the rule listed first wins ("Union des maires de X" is an
        # association before it is a state named "Union des …")
        spans.sort(key=lambda span: self.order[span.id_])
        doc.spans[SPANS_KEY] = filter_spans(spans)
        return doc

    def _party(self, doc: Doc, rule: dict, start: int, end: int) -> Span | None:
        if _venue_or_anaphora(doc, start):
            return None
        if rule["name_side"] == "left":
            name_start = extend_name_left(doc, start)
            if name_start == start:
                return None
            span = Span(doc, name_start, end, label=rule["label"], span_id=rule["id"])
            span._.party_name = doc[name_start:end].text if rule["keep_generic"] else doc[name_start:start].text
            return span
        trigger = doc[start]
        if rule["keep_generic"]:
            if not trigger.text[0].isupper():
                return None
            name_end = _extend_over_lower_words(doc, extend_name_right(doc, start))
            if name_end <= end:
                # "Association des régions du Maroc": lower-case words of the rule, then the name
                j = end
                while j < len(doc) and doc[j].lower_ in NAME_PARTICLES:
                    j += 1
                name_end = extend_name_right(doc, j) if j > end else j
                if name_end <= j:
                    return None
                name_end = _extend_over_lower_words(doc, name_end)
            span = Span(doc, start, name_end, label=rule["label"], span_id=rule["id"])
            span._.party_name = span.text
            return span
        name_start = end
        if name_start - 1 > start and doc[name_start - 1].lower_ in NAME_ARTICLES and doc[name_start - 1].text[0].isupper():
            name_start -= 1  # "la ville de La Garenne-Colombes": a capitalised article is the name's own
        name_end = _before_a_person(doc, name_start, extend_name_right(doc, name_start))
        if name_end == name_start:
            return None
        span = Span(doc, start, name_end, label=rule["label"], span_id=rule["id"])
        span._.party_name = doc[name_start:name_end].text
        return span


@Language.factory(
    "partnerships_parties",
    default_config={"patterns_path": ""},
    requires=["token.pos", "doc.ents"],
    assigns=["doc.spans"],
)
def make_party_mentions(nlp: Language, name: str, patterns_path: str) -> PartyMentions:
    return PartyMentions(nlp, name, patterns_path)
