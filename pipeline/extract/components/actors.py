"""``partnerships_actors``: organisations around an agreement (associations, networks, programmes, funders…).

Candidates come, in order of trust, from:

1. the lexicon ``models/lexicons/actors.jsonl`` of well-known programmes, funders and networks
   of decentralised cooperation (AFD, FICOL, Interreg, the regional multi-actor networks…),
   which gives the canonical name and the kind; then a name the text defines with its acronym
   ("l'Initiative pour la Sauvegarde de l'Entente entre la Mauritanie et le Sénégal (ISEMS)"):
   the words whose initials spell the acronym are one name, whatever stands inside it;
2. head words from ``models/patterns/actors.jsonl`` ("l'association X", "le réseau X",
   "le programme X", "l'Université de X", "la société … X"): the head gives the kind; the
   name is either the capitalised run after the head or the head's whole phrase;
3. cue phrases followed by a name ("porté par X", "accompagné par X", "financé par X",
   "en partenariat avec X"), the cue giving a default kind;
4. the model's ORG entities, kind ``other`` unless a head word inside tells it, and never a
   territorial party ("Région …", "Ville de …") or an event.

Each span also carries the nearest cue of its sentence (``actor_cue``), the assembler's clue
that the organisation is tied to the agreement rather than only mentioned.
"""

from __future__ import annotations

from dataclasses import dataclass

import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.extract.components.people import capitalised_run, is_capitalised, sentence_around, starts_sentence
from pipeline.extract.components.token_patterns import TokenPatternIndex

SPANS_KEY = "actors"
ORG_RULE_ID = "ner.org"
DEFAULT_KIND = "other"
MAX_ORG_TOKENS = 14

for _name in ("actor_name", "actor_cue"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)

# Words allowed inside an organisation's name between capitalised words.
ORG_CONNECTORS = frozenset({"de", "d'", "du", "des", "la", "l'", "le", "les", "et", "à", "au", "aux", "pour", "en", "sur", "sans"})
_DETERMINERS = frozenset({"le", "la", "l'", "les", "un", "une", "son", "sa", "ses", "leur", "notre"})
_PHRASE_STOP_POS = frozenset({"VERB", "AUX", "ADV", "PRON", "SCONJ", "PUNCT", "NUM"})
# What may follow "et" inside a name: "…Affaires étrangères et des…", "…Apprentissage et au Développement".
_ET_CONTINUATIONS = frozenset({"des", "du", "de", "d'", "au", "aux", "à"})
_COMPLEMENT_STARTS = frozenset({"de", "des", "du", "d'"})
# Lower-case words skipped between a head and its name ("le réseau régional X", "la société d'économie mixte X").
MAX_SKIPPED_DESCRIPTORS = 3


@dataclass(frozen=True)
class Candidate:
    """An organisation found by one rule; it becomes a span only once kept (Span._ values live on the Doc)."""

    start: int
    end: int
    kind: str
    rule_id: str
    name: str


@dataclass(frozen=True)
class Head:
    rule_id: str
    kind: str
    name_side: str


class ActorFinder:
    def __init__(self, nlp: Language, name: str, patterns_path: str, lexicon_path: str) -> None:
        self.name = name
        self.lexicon_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lexicon_exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lexicon: dict[str, dict] = {}
        for entry in srsly.read_jsonl(lexicon_path):
            self.lexicon[entry["id"]] = entry
            if entry["aliases"]:
                self.lexicon_matcher.add(entry["id"], [nlp.make_doc(a) for a in entry["aliases"]])
            if entry.get("case_sensitive_aliases"):
                self.lexicon_exact.add(entry["id"], [nlp.make_doc(a) for a in entry["case_sensitive_aliases"]])
        self.matcher = TokenPatternIndex(nlp.vocab)
        self.heads: dict[str, Head] = {}
        self.cue_kinds: dict[str, str | None] = {}
        for entry in srsly.read_jsonl(patterns_path):
            self.matcher.add(f"{entry['label']}|{entry['id']}", [entry["pattern"]])
            if entry["label"] == "head":
                self.heads[entry["id"]] = Head(entry["id"], entry["kind"], entry["name"])
            elif entry["label"] == "cue":
                self.cue_kinds[entry["id"]] = entry.get("kind")

    def __call__(self, doc: Doc) -> Doc:
        heads: list[tuple[int, int, Head]] = []
        cues: list[tuple[int, int, str]] = []
        not_actor_starts: set[int] = set()
        for match_id, start, end in self.matcher(doc):
            label, rule_id = doc.vocab.strings[match_id].split("|", 1)
            if label == "head":
                heads.append((start, end, self.heads[rule_id]))
            elif label == "cue":
                cues.append((start, end, rule_id))
            else:
                not_actor_starts.add(start)

        found: list[Candidate] = self._from_lexicon(doc)
        taken = {i for found_one in found for i in range(found_one.start, found_one.end)}

        def keep(candidate: Candidate | None) -> None:
            if candidate is not None and not taken.intersection(range(candidate.start, candidate.end)):
                found.append(candidate)
                taken.update(range(candidate.start, candidate.end))

        for candidate in _defined_by_acronyms(doc, heads, taken):
            keep(candidate)
        for start, end, head in sorted(heads, key=lambda h: (h[0], -h[1])):
            keep(self._from_head(doc, start, end, head))
        for start, end, rule_id in cues:
            kind = self.cue_kinds[rule_id]
            if kind is not None:
                keep(self._after_cue(doc, end, kind, rule_id, heads))
        for ent in doc.ents:
            if ent.label_ == "ORG":
                keep(self._from_entity(doc, ent, heads, not_actor_starts))

        actors = []
        for candidate in sorted(found, key=lambda c: c.start):
            actor = Span(doc, candidate.start, candidate.end, label=candidate.kind, span_id=candidate.rule_id)
            cue = self._nearest_cue(doc, actor, cues)
            if candidate.rule_id == ORG_RULE_ID and cue is None:
                continue  # a bare ORG guess with no tie to anything is mostly noise (headings, events)
            actor._.actor_name = candidate.name
            actor._.actor_cue = cue
            actors.append(actor)
        doc.spans[SPANS_KEY] = actors
        return doc

    def _from_lexicon(self, doc: Doc) -> list[Candidate]:
        spans = []
        names: dict[tuple[int, int], str] = {}
        for match_id, start, end in [*self.lexicon_matcher(doc), *self.lexicon_exact(doc)]:
            entry = self.lexicon[doc.vocab.strings[match_id]]
            name = entry["name"]
            if entry.get("extend_with_name"):
                # "Interreg Europe", "Interreg Océan Indien", "Institut français de Tunisie"
                run = capitalised_run(doc, end, ORG_CONNECTORS, MAX_ORG_TOKENS) if end < len(doc) and doc[end].is_title else None
                joined = self._connected_run(doc, end)
                tail = run or joined
                if tail is not None:
                    end = tail.end
                    name = doc[start:end].text
            spans.append(Span(doc, start, end, label=entry["kind"], span_id=entry["id"]))
            names[(start, end)] = name
        return [Candidate(s.start, s.end, s.label_, s.id_, names[(s.start, s.end)]) for s in filter_spans(spans)]

    @staticmethod
    def _connected_run(doc: Doc, start: int) -> Span | None:
        """ "de Tunisie" after "Institut français": a connector then a capitalised run."""
        if start + 1 < len(doc) and doc[start].lower_ in {"de", "d'", "du"}:
            return capitalised_run(doc, start + 1, ORG_CONNECTORS, MAX_ORG_TOKENS)
        return None

    def _from_head(self, doc: Doc, start: int, end: int, head: Head) -> Candidate | None:
        proper_head = is_capitalised(doc[start]) and not starts_sentence(doc[start])
        if head.name_side == "after" and not proper_head:
            run = self._name_after(doc, end)
            if run is not None:
                # "l'association des régions du Maroc": a complement, not an epithet, before the
                # capitalised word; the name is the whole phrase
                described = any(t.lower_ in _COMPLEMENT_STARTS for t in doc[end : run.start])
                name = doc[start : run.end].text if described and head.kind in ("association", "network") else run.text
                return self._actor(doc, start, run.end, head.kind, head.rule_id, name)
        phrase_end = self._phrase_end(doc, end, keep_lower_tail=proper_head)
        if phrase_end is None:
            return None
        return self._actor(doc, start, phrase_end, head.kind, head.rule_id, doc[start:phrase_end].text)

    @staticmethod
    def _name_after(doc: Doc, start: int) -> Span | None:
        i = start
        while i < len(doc) and i - start < MAX_SKIPPED_DESCRIPTORS and not is_capitalised(doc[i]):
            token = doc[i]
            if token.pos_ in _PHRASE_STOP_POS or token.lower_ in _DETERMINERS or not token.is_lower:
                return None
            i += 1
        return capitalised_run(doc, i, ORG_CONNECTORS, MAX_ORG_TOKENS)

    @staticmethod
    def _phrase_end(doc: Doc, start: int, keep_lower_tail: bool) -> int | None:
        """End of a head's phrase ("Université de Lorraine", "consulat général de France à Jérusalem").

        The phrase runs over capitalised words, connectors and lower-case words, and stops at
        punctuation, verbs, a second organisation ("et l'Université…"); it ends on its last
        capitalised word, or, for a capitalised head with none ("la Chambre régionale
        d'agriculture"), on its last word.
        """
        last_capitalised: int | None = None
        last_word: int | None = None
        i = start
        while i < len(doc) and i - start < MAX_ORG_TOKENS:
            token = doc[i]
            if token.text == "-" and not token.whitespace_ and i > start:
                i += 1
                continue
            following = doc[i + 1] if i + 1 < len(doc) else None
            if token.lower_ == "et" and not (following is not None and (is_capitalised(following) or following.lower_ in _ET_CONTINUATIONS)):
                break
            if is_capitalised(token) and not starts_sentence(token):
                last_capitalised = i
            elif token.lower_ in ORG_CONNECTORS:
                pass
            elif "Part" in token.morph.get("VerbForm") and not (following is not None and following.lower_ in {"par", "à", "au", "aux", "en", "de", "d'", "du", "des"}):
                last_word = i  # "Réseau de coopération décentralisée pour…", but not "…accompagnée par", "…composé de Luxembourg"
            elif token.pos_ in _PHRASE_STOP_POS or token.lower_ in _DETERMINERS or token.lower_ in {"qui", "dont", "avec", "par", "entre"}:
                break
            else:
                last_word = i
            i += 1
        if last_capitalised is not None:
            return last_capitalised + 1
        if keep_lower_tail and last_word is not None:
            return last_word + 1
        return None

    def _after_cue(self, doc: Doc, end: int, kind: str, rule_id: str, heads: list[tuple[int, int, Head]]) -> Candidate | None:
        """ "porté par Lianes coopération", "en partenariat avec l'ESBVA-LM": the name after a cue."""
        i = end
        if i < len(doc) and doc[i].lower_ in {"de", "du", "des", "d'", "par"}:
            i += 1
        if i < len(doc) and doc[i].lower_ in _DETERMINERS:
            i += 1
        if any(start == i for start, _end, _head in heads):
            return None  # the head rule reads it
        run = capitalised_run(doc, i, ORG_CONNECTORS, MAX_ORG_TOKENS)
        if run is None or run[0].ent_type_ in {"PER", "LOC"}:
            return None
        return self._actor(doc, run.start, run.end, kind, rule_id, run.text)

    def _from_entity(self, doc: Doc, ent: Span, heads: list[tuple[int, int, Head]], not_actor_starts: set[int]) -> Candidate | None:
        start = ent.start
        while start < ent.end and (doc[start].lower_ in _DETERMINERS or not is_capitalised(doc[start])):
            start += 1
        if start >= ent.end or start in not_actor_starts or ent[-1].ent_type_ != "ORG":
            return None
        if ent.end - start == 1 and starts_sentence(doc[start]):
            return None  # "Coopération", "Adhésions": a capitalised first word, not a name
        kind = next((head.kind for s, _e, head in heads if start <= s < ent.end), DEFAULT_KIND)
        return self._actor(doc, start, ent.end, kind, ORG_RULE_ID, doc[start : ent.end].text)

    @staticmethod
    def _actor(doc: Doc, start: int, end: int, kind: str, rule_id: str, name: str) -> Candidate:
        return Candidate(start, end, kind, rule_id, name)

    @staticmethod
    def _nearest_cue(doc: Doc, actor: Span, cues: list[tuple[int, int, str]]) -> str | None:
        sentence = sentence_around(actor)
        inside = [(min(abs(s - actor.start), abs(e - actor.end)), doc[s:e].text) for s, e, _rule in cues if sentence.start <= s < sentence.end and (e <= actor.start or s >= actor.end)]
        return min(inside)[1] if inside else None


ACRONYM_RULE_ID = "acronym"
# Words an acronym leaves out: the name connectors and "entre" ("Association internationale des
# maires francophones (AIMF)"), but not "Sans", which "Médecins Sans Frontières (MSF)" spells.
_ACRONYM_SKIPPED = (ORG_CONNECTORS - {"sans"}) | {"entre"}


def _defined_by_acronyms(doc: Doc, heads: list[tuple[int, int, Head]], taken: set[int]) -> list[Candidate]:
    """Names followed by the acronym of their initials, the bracketed acronym included: "Centre de
    coopération internationale en recherche agronomique pour le développement (CIRAD)". An acronym
    the lexicon found (in ``taken``) keeps the lexicon's canonical name."""
    found = []
    for i in range(1, len(doc) - 2):
        if doc[i].text != "(" or doc[i + 2].text != ")" or i + 1 in taken:
            continue
        acronym = doc[i + 1].text
        if not (2 <= len(acronym) <= 8 and acronym.isalpha() and acronym.isupper()):
            continue
        start = _acronym_start(doc, i, acronym.lower())
        if start is not None:
            kind = next((head.kind for s, _e, head in heads if start <= s < i), DEFAULT_KIND)
            found.append(Candidate(start, i + 3, kind, ACRONYM_RULE_ID, f"{doc[start:i].text} ({acronym})"))
    return found


def _acronym_start(doc: Doc, end: int, letters: str) -> int | None:
    """The furthest capitalised word before ``doc[end]`` from which the words spell ``letters``: every
    capitalised word gives its initial, a lower-case one may ("française" in AFD) or not
    ("coopération" in CIRAD), grammatical words never."""
    words = []
    i = end - 1
    while i >= 0 and end - i <= MAX_ORG_TOKENS + 6 and doc[i].text not in ("(", ")", ",", ".", ";", ":", "«", "»"):
        if doc[i].lower_ not in _ACRONYM_SKIPPED:
            if not doc[i].is_alpha and "-" not in doc[i].text:
                break
            words.append(doc[i])
        i -= 1
    words.reverse()
    return next((words[first].i for first in range(len(words)) if is_capitalised(words[first]) and _spells(words[first:], letters)), None)


def _spells(words: list, letters: str) -> bool:
    """The words' initials give ``letters`` in order; capitalised words must all give one."""
    position = 0
    for word in words:
        if position < len(letters) and word.lower_[:1] == letters[position]:
            position += 1
        elif is_capitalised(word):
            return False
    return position == len(letters)


@Language.factory(
    "partnerships_actors",
    default_config={"patterns_path": "", "lexicon_path": ""},
    requires=["doc.ents", "token.pos", "token.morph"],
    assigns=["doc.spans"],
)
def make_actor_finder(nlp: Language, name: str, patterns_path: str, lexicon_path: str) -> ActorFinder:
    return ActorFinder(nlp, name, patterns_path, lexicon_path)
