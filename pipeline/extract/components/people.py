"""``partnerships_people``: named people, the role the text gives them, and why they are mentioned.

The French model's PER entities alone split or merge names and take places for people
("Saint-Jean d'Angély"). So candidates come from three sources, each then cut to a clean name
run (capitalised words, name particles, hyphen and apostrophe joins, no civility):

- a civility ("M.", "Mme", "Madame"…) followed by capitalised words;
- a role noun from ``models/lexicons/roles.jsonl`` next to a name, either before it
  ("le maire, Mme Gaëlle Moreau", "le wali de Tlemcen, Karim Benaïssa", "son homologue Ion
  Cebotari") or after it in apposition ("Jeanne Martin, Maire de Saint-Jean d'Angély");
- PER entities of the model, kept when they look like a name of two words or more and do
  not sit right after a place preposition.

Each person span carries the role as written (the role's place complement left out:
"adjoint au maire de Tulle chargé des solidarités" gives role "adjoint au maire chargé des
solidarités" and role_org "Tulle"), and the cue of its sentence that tells the assembler why
the person is there: a signing or attendance cue wins over a quotation cue, since a signer is
often quoted too.
"""

from __future__ import annotations

from dataclasses import dataclass

import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from pipeline.extract.components.token_patterns import TokenPatternIndex

SPANS_KEY = "people"
PERSON_LABEL = "person"
NER_RULE_ID = "ner.per"
SIGNING_CUE = "signing_cue"
QUOTE_CUE = "quote_cue"

for _name in ("role", "role_org", "person_cue", "person_cue_kind"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)

# Prepositions that introduce a role's complement ("maire de", "président du", "adjoint au").
_COMPLEMENT_PREPOSITIONS = frozenset({"de", "d'", "du", "des"})
_ARTICLES = frozenset({"la", "l'", "le", "les"})
# Words allowed between a comma and an appositive role ("X, le maire de…", "X, sa présidente").
_ROLE_DETERMINERS = frozenset({"le", "la", "l'", "les", "son", "sa", "ses", "leur", "notre", "votre"})
# Tokens that end a role's qualifier ("chargée de la coopération internationale, …").
_QUALIFIER_STOPS = frozenset({",", ".", ";", ":", "(", ")", "«", "»", "!", "?", "qui", "dont", "et", "ainsi"})
MAX_NAME_TOKENS = 6
_FULL_STOPS = frozenset({".", "!", "?", "…"})
_SENTENCE_FINAL = frozenset({".", "!", "?", "…", ":", ";", "«", "»"})
# Parts of speech that do not begin a name: "Selon Jean Dupont", "Autour de…".
_NOT_NAME_POS = frozenset({"ADP", "ADV", "CCONJ", "SCONJ", "VERB", "AUX", "PRON"})


@dataclass(frozen=True)
class Role:
    """A role phrase read around a role noun: its text as written, its organisation, its token extent."""

    text: str
    org: str | None
    start: int
    end: int
    rule_id: str


def is_capitalised(token: Token) -> bool:
    text = token.text
    return text[:1].isupper() and any(c.isalpha() for c in text)


def starts_sentence(token: Token) -> bool:
    """A token after sentence-final punctuation (the parser's own sentence starts are unreliable inside names)."""
    return token.i == 0 or token.nbor(-1).text in _SENTENCE_FINAL


def sentence_around(span: Span) -> Span:
    """The sentence holding ``span``, cut at full stops only: the parser also cuts inside names."""
    doc = span.doc
    start = span.start
    while start > 0 and doc[start - 1].text not in _FULL_STOPS:
        start -= 1
    end = span.end
    while end < len(doc) and doc[end - 1].text not in _FULL_STOPS:
        end += 1
    return doc[start:end]


def _glued_to_next(token: Token) -> bool:
    """A hyphen or an elided particle that joins two parts of one name ("Loire - Bretagne", "O' Sullivan")."""
    return not token.whitespace_ and (token.text == "-" or token.text.endswith("'"))


_COORDINATED_ARTICLES = frozenset({"le", "la", "les", "l'", "un", "une", "son", "sa", "ses", "leur", "leurs"})


def capitalised_run(doc: Doc, start: int, connectors: frozenset[str], limit: int = MAX_NAME_TOKENS) -> Span | None:
    """The longest run of capitalised words from ``start``, with connector words allowed inside.

    Connectors ("de", "d'", "Le" particles…) and hyphen joins count only between capitalised
    words: a trailing connector is left out. Returns None when ``start`` is not capitalised.
    """
    if start >= len(doc) or not is_capitalised(doc[start]):
        return None
    end = start + 1
    i = start + 1
    while i < len(doc) and i - start < limit + 4:
        token = doc[i]
        previous = doc[i - 1]
        if is_capitalised(token) and not starts_sentence(token):
            end = i + 1
        elif _glued_to_next(token) or (_glued_to_next(previous) and token.is_alpha):
            pass
        elif token.text in connectors and previous.whitespace_:
            if token.lower_ == "et" and i + 1 < len(doc) and (doc[i + 1].lower_ in _COORDINATED_ARTICLES or doc[i + 1].ent_iob_ == "B" and doc[i + 1].ent_type_ == "PER"):
                # "maire de Dijon et le Dr. Altmeyer", "Maire de Douala et Jacquis Keumleu": a second
                # noun phrase, or a person, not the name going on
                break
        else:
            break
        i += 1
    if end - start > limit:
        return None
    return doc[start:end]


class RoleLexicon:
    """The role nouns, institution nouns, qualifiers and titles of models/lexicons/roles.jsonl."""

    def __init__(self, nlp: Language, path: str) -> None:
        self.matchers: dict[str, PhraseMatcher] = {}
        self.complement_kinds: dict[str, str] = {}
        for entry in srsly.read_jsonl(path):
            label = entry["label"]
            matcher = self.matchers.setdefault(label, PhraseMatcher(nlp.vocab, attr="LOWER"))
            matcher.add(entry["id"], [nlp.make_doc(form) for form in entry["forms"]])
            if "complement" in entry:
                self.complement_kinds[entry["id"]] = entry["complement"]

    def longest_at(self, doc: Doc, label: str) -> dict[int, tuple[int, str]]:
        """Start token -> (end, entry id) of the longest match of each start."""
        found: dict[int, tuple[int, str]] = {}
        for match_id, start, end in self.matchers[label](doc):
            if start not in found or found[start][0] < end:
                found[start] = (end, doc.vocab.strings[match_id])
        return found


class PeopleFinder:
    def __init__(self, nlp: Language, name: str, patterns_path: str, roles_path: str) -> None:
        self.name = name
        self.roles = RoleLexicon(nlp, roles_path)
        self.matcher = TokenPatternIndex(nlp.vocab)
        particles: set[str] = set()
        for entry in srsly.read_jsonl(patterns_path):
            if entry["label"] == "particle":
                particles.update(entry["pattern"][0]["ORTH"]["IN"])
            else:
                self.matcher.add(f"{entry['label']}|{entry['id']}", [entry["pattern"]])
        self.name_connectors = frozenset(particles)
        self.place_connectors = frozenset(particles | {"et", "sur", "en", "lès", "les", "la", "l'", "à", "au", "aux"})

    def __call__(self, doc: Doc) -> Doc:
        heads = self.roles.longest_at(doc, "head")
        bodies = self.roles.longest_at(doc, "body")
        qualifiers = self.roles.longest_at(doc, "qualifier")
        titles = self.roles.longest_at(doc, "title")
        civilities: dict[int, str] = {}
        cues: list[tuple[int, str, str]] = []
        for match_id, start, _end in self.matcher(doc):
            label, rule_id = doc.vocab.strings[match_id].split("|", 1)
            if label == "civility":
                civilities[start] = rule_id
            else:
                cues.append((start, label, doc[start:_end].text))
        roles = [self._read_role(doc, start, end, rule_id, bodies, qualifiers) for start, (end, rule_id) in heads.items()]
        roles_at = {role.start: role for role in roles}

        candidates: list[Span] = []
        for start, rule_id in civilities.items():
            span = self._name_after(doc, start + 1, titles)
            if span is not None:
                candidates.append(Span(doc, span.start, span.end, label=PERSON_LABEL, span_id=rule_id))
        for role in roles:
            span = self._name_after_role(doc, role, civilities, titles)
            if span is not None:
                candidates.append(Span(doc, span.start, span.end, label=PERSON_LABEL, span_id=role.rule_id))
        for role in roles:
            span = self._name_before_role(doc, role, civilities, titles)
            if span is not None:
                candidates.append(Span(doc, span.start, span.end, label=PERSON_LABEL, span_id=role.rule_id))
        # "ont signé le Serment de Jumelage": an agreement's name the model reads as a person
        agreement_tokens = {i for mention in doc.spans.get("agreements", []) for i in range(mention.start, mention.end)}
        for ent in doc.ents:
            if ent.label_ == "PER" and not agreement_tokens.intersection(range(ent.start, ent.end)):
                span = self._clean_entity(doc, ent, civilities, titles)
                if span is not None and (len(span) >= 2 or self._role_after(doc, span, roles_at) is not None):
                    # one word is a name only with its role in apposition ("le chanoine Kir, député-maire de Dijon")
                    candidates.append(Span(doc, span.start, span.end, label=PERSON_LABEL, span_id=NER_RULE_ID))

        # Candidates of the same name collapse to one span; rules before the model's guess.
        # A name inside a role phrase ("Maire de Saint-Jean d'Angély") is the role's place, not a person.
        in_roles = {i for role in roles for i in range(role.start, role.end)}
        by_extent: dict[tuple[int, int], Span] = {}
        for span in candidates:
            if not in_roles.intersection(range(span.start, span.end)):
                by_extent.setdefault((span.start, span.end), span)
        people = []
        for person in filter_spans(list(by_extent.values())):
            role = self._role_after(doc, person, roles_at) or self._role_before(doc, person, roles, civilities)
            if role is not None:
                person._.role = _with_complement_tail(doc, role) if role.end <= person.start else role.text
                person._.role_org = role.org
            elif person.id_ == NER_RULE_ID and (shared := _sharing_a_plural_role(doc, person, people)) is not None:
                # "les maires respectifs des deux communes, Thierry Del Poso et Albert Pla"
                person._.role = shared._.role
            elif person.id_ == NER_RULE_ID and not self._cue_just_before(person, cues):
                # a bare PER guess with no role, civility or "en présence de" is too often a place
                continue
            cue = self._cue(person, cues)
            if cue is not None:
                person._.person_cue_kind, person._.person_cue = cue
            people.append(person)
        doc.spans[SPANS_KEY] = people
        return doc

    def _read_role(
        self,
        doc: Doc,
        start: int,
        end: int,
        rule_id: str,
        bodies: dict[int, tuple[int, str]],
        qualifiers: dict[int, tuple[int, str]],
    ) -> Role:
        """Extend a role noun over its adjectives, institution complements and "chargé de…" qualifier."""
        parts = [doc[start:end].text]
        org: str | None = None
        i = end
        while i < len(doc) and doc[i].pos_ == "ADJ" and doc[i].is_lower and i not in qualifiers:
            parts.append(doc[i].text)
            i += 1
        takes_domain = self.roles.complement_kinds.get(rule_id) == "domain"
        while i < len(doc) and doc[i].lower_ in _COMPLEMENT_PREPOSITIONS:
            j = i + 1
            if j < len(doc) and doc[i].lower_ in {"de", "d'"} and doc[j].lower_ in _ARTICLES:
                j += 1
            if j >= len(doc):
                break
            if j in bodies:
                body_end = bodies[j][0]
                parts.append(doc[i:body_end].text)
                named = capitalised_run(doc, body_end, self.place_connectors)
                if named is not None:
                    # "de l'association Vitré Solidarité Sénégal", "de la région Diana": the named body
                    # is the organisation, and the role is the bare noun ("présidente")
                    parts.pop()
                    org = doc[i + 1 : named.end].text
                    i = named.end
                    break
                org = doc[j:body_end].text
                i = body_end
                continue
            run = capitalised_run(doc, j, self.place_connectors)
            if run is None:
                break
            if takes_domain:
                parts.append(doc[i : run.end].text)
                takes_domain = False
            else:
                org = run.text if j == i + 1 else doc[i + 1 : run.end].text
            i = run.end
            if org is not None:
                break
        end_of_role = i
        if i in qualifiers:
            q_end = i
            while q_end < len(doc) and doc[q_end].text not in _QUALIFIER_STOPS:
                q_end += 1
            if q_end > i + 1:
                parts.append(doc[i:q_end].text)
                end_of_role = q_end
        return Role(text=" ".join(parts), org=org, start=start, end=end_of_role, rule_id=rule_id)

    def _name_after(self, doc: Doc, start: int, titles: dict[int, tuple[int, str]]) -> Span | None:
        """The name run that starts at ``start``, after an optional title ("le professeur X")."""
        if start in titles:
            start = titles[start][0]
        return capitalised_run(doc, start, self.name_connectors)

    def _name_after_role(self, doc: Doc, role: Role, civilities: dict[int, str], titles: dict[int, tuple[int, str]]) -> Span | None:
        """ "le maire, Mme Gaëlle Moreau", "son homologue Ion Cebotari": a name right after a role;
        "le ministre des Affaires étrangères et de la coopération internationale, Nasser Bourita":
        after the rest of its complement, up to the comma."""
        i = _role_end(doc, role)
        if i < len(doc) and doc[i].text == ",":
            i += 1
        if i in civilities:
            i += 1
        span = self._name_after(doc, i, titles)
        if span is None:
            return None
        if span.end - span.start < 2:
            # a lone surname is a name only in "le recteur Houénou": lower-case role, determiner before
            before = doc[role.start - 1] if role.start > 0 else None
            if i != role.end or not doc[role.start].is_lower or before is None or before.lower_ not in _ROLE_DETERMINERS:
                return None
        return span

    def _name_before_role(self, doc: Doc, role: Role, civilities: dict[int, str], titles: dict[int, tuple[int, str]]) -> Span | None:
        """ "Thierry Gaboriau, maire de Niort": the name run that ends at the comma before a role."""
        comma = role.start - 1
        if comma > 0 and doc[comma].lower_ in _ROLE_DETERMINERS:
            comma -= 1
        if comma < 1 or doc[comma].text != ",":
            return None
        start = comma
        while start > 0:
            token = doc[start - 1]
            if is_capitalised(token) or _glued_to_next(token) or token.text in self.name_connectors:
                start -= 1
            else:
                break
        while start < comma and (
            start in civilities
            or not is_capitalised(doc[start])
            or doc[start].pos_ in _NOT_NAME_POS
            or (starts_sentence(doc[start]) and doc[start].pos_ == "DET")
        ):
            start = titles[start][0] if start in titles else start + 1
        run = self._name_after(doc, start, titles)
        if run is None or run.end != comma or run.end - run.start < 2:
            return None
        return run

    def _clean_entity(self, doc: Doc, ent: Span, civilities: dict[int, str], titles: dict[int, tuple[int, str]]) -> Span | None:
        start = ent.start
        while start < ent.end and (start in civilities or start in titles or not is_capitalised(doc[start])):
            start = titles[start][0] if start in titles else start + 1
        run = capitalised_run(doc, start, self.name_connectors)
        if run is None:
            return None
        anchored = start > ent.start and (start - 1 in civilities)
        before = doc[start - 1] if start > 0 else None
        if not anchored and before is not None and before.lower_ in {"de", "d'", "à", "au", "aux", "en", "vers", "entre"}:
            if not self._after_attendance_de(doc, start):
                return None
        return run

    @staticmethod
    def _after_attendance_de(doc: Doc, start: int) -> bool:
        """ "en présence de X", "ainsi que de X", "et de X": a "de" that introduces a person."""
        window = {t.lower_ for t in doc[max(0, start - 4) : start - 1]}
        return bool(window & {"présence", "que", "et", "côtés"})

    @staticmethod
    def _role_after(doc: Doc, person: Span, roles_at: dict[int, Role]) -> Role | None:
        i = person.end
        if i >= len(doc) or doc[i].text != ",":
            return None
        i += 1
        if i < len(doc) and doc[i].lower_ in _ROLE_DETERMINERS:
            i += 1
        return roles_at.get(i)

    @staticmethod
    def _role_before(doc: Doc, person: Span, roles: list[Role], civilities: dict[int, str]) -> Role | None:
        for role in roles:
            if role.end > person.start:
                continue
            gap = range(_role_end(doc, role), person.start)
            if len(gap) <= 2 and all(doc[i].text == "," or i in civilities for i in gap):
                return role
        return None

    @staticmethod
    def _cue_just_before(person: Span, cues: list[tuple[int, str, str]]) -> bool:
        """ "en présence de X", "signé par X", "aux côtés de X": a signing cue a few words before the name."""
        return any(label == SIGNING_CUE and person.start - 4 <= i < person.start for i, label, _text in cues)

    @staticmethod
    def _cue(person: Span, cues: list[tuple[int, str, str]]) -> tuple[str, str] | None:
        sentence = sentence_around(person)
        inside = [
            (abs(i - person.start), label, text) for i, label, text in cues
            if sentence.start <= i < sentence.end and not person.start <= i < person.end and (label != QUOTE_CUE or _speaker_of(person, person.doc[i]))
        ]
        for kind in (SIGNING_CUE, QUOTE_CUE):
            found = sorted((d, text) for d, label, text in inside if label == kind)
            if found:
                return kind, found[0][1]
        return None


def _sharing_a_plural_role(doc: Doc, person: Span, found: list[Span]) -> Span | None:
    """The person just before "et" whose role is plural ("les maires respectifs, A et B"): the
    name after "et" holds that role too."""
    i = person.start
    if i < 2 or doc[i - 1].lower_ != "et":
        return None
    before = next((p for p in found if p.end == i - 1), None)
    if before is None or not before._.role:
        return None
    return before if before._.role.split()[0].lower().endswith(("s", "x")) else None


def _speaker_of(person: Span, cue: Token) -> bool:
    """A verb of saying quotes the person who says: its subject ("X a souligné"), or the name in
    the incise after it ("», ajoute X"); not a person named inside what is said ("Elle a rappelé
    les points abordés par le président Hollande"). A quotation mark quotes whoever is near."""
    if cue.pos_ not in ("VERB", "AUX"):
        return True
    if person.root.head == cue and person.root.dep_.startswith("nsubj"):
        return True
    if 0 < person.start - cue.i <= 3:
        return True  # "», ajoute Giancarlo Stella", "a déclaré M. Diallo"
    return 0 < cue.i - person.end <= 3  # "X a souligné", "X, maire de Y, a déclaré" goes by the subject


# How far the rest of a role's complement may run before the comma that gives the name
MAX_COMPLEMENT_TAIL = 8


def _past_complement_tail(doc: Doc, i: int) -> int:
    """The comma ending a role's complement that the role reader stopped short of ("… étrangères et
    de la coopération internationale, Nasser Bourita"): words only, no verb, no other punctuation;
    ``i`` itself when no such comma follows."""
    for j in range(i, min(i + MAX_COMPLEMENT_TAIL, len(doc))):
        token = doc[j]
        if token.text == ",":
            return j
        if (not token.is_alpha and token.text not in ("'", "’")) or token.pos_ in ("VERB", "AUX") or (j == i and is_capitalised(token) and token.pos_ == "PROPN"):
            return i
    return i


def _role_end(doc: Doc, role: Role) -> int:
    """Where the words of a role end in the text: past its body's locator and the rest of its complement."""
    return _past_complement_tail(doc, _past_locator(doc, role.end))


def _with_complement_tail(doc: Doc, role: Role) -> str:
    """The role's text with the rest of its complement before the name's comma, when the role
    reader stopped short of it ("ministre des Affaires" + "étrangères et de la coopération …")."""
    start = _past_locator(doc, role.end)
    end = _role_end(doc, role)
    return role.text if end == start else f"{role.text} {doc[start:end].text}"


def _past_locator(doc: Doc, i: int) -> int:
    """Past a short bracket at ``i``, the locator of a role's body ("son homologue de Djenné (Mali),
    Oumar Diallo"); ``i`` itself when none opens there."""
    if i < len(doc) and doc[i].text == "(":
        return next((t.i + 1 for t in doc[i + 1 : i + 8] if t.text == ")"), i)
    return i


@Language.factory(
    "partnerships_people",
    default_config={"patterns_path": "", "roles_path": ""},
    requires=["doc.ents", "token.pos", "doc.spans"],
    assigns=["doc.spans"],
)
def make_people_finder(nlp: Language, name: str, patterns_path: str, roles_path: str) -> PeopleFinder:
    return PeopleFinder(nlp, name, patterns_path, roles_path)
