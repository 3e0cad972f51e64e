"""``partnerships_agreements``: agreement mentions and whether the text reports them as signed.

Finds agreement nouns ("convention de coopération", "protocole d'entente", "jumelage"…) with
token patterns from ``models/patterns/agreements.jsonl`` (label = the contract's
agreement_type) and reads the sentence around each for its status, from the word lists in
``models/lexicons/signing.json``:

- ``signed``: a signing verb or noun, not planned ("ont signé", "signée en 2019", "la signature");
- ``planned``: the signing lies ahead or is only approved ("sera signée", "vont signer",
  "signature prévue", "le conseil a approuvé");
- ``in_force``: no signing word, but the parties are said to be bound ("liées par un accord");
- ``counted``: a plural ("trois accords", "une trentaine de conventions") that sums up others;
- ``generic``: the sentence speaks of agreements in general ("se concrétise par un accord");
- ``negated``: "aucun accord n'a été conclu";
- ``mention``: none of these; the assembler may read it as a reference to an earlier agreement.

Only ``signed`` and ``in_force`` mentions can start a record; the rest are kept so that the
review page can show why a sentence gave no record. The signing words themselves go to
``doc.spans["signing_cues"]``: a sentence with one tells where a signature took place.
"""

from __future__ import annotations

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from pipeline.extract.components.mention_phrases import (
    DEFINITES,
    POSSESSIVES,
    RENEWAL_STEMS,
    SISTER,
    SISTER_OF,
    SISTER_RULE,
    ago,
    contrastive,
    defined,
    definite_pair,
    followed_up,
    in_a_definition,
    partner_follows,
    renewed_by_anaphora,
)
from pipeline.extract.components.signing_lexicon import SigningLexicon
from pipeline.extract.components.token_patterns import TokenPatternIndex
from pipeline.extract.components.verb_forms import bare_participle, before_doing, hypothetical_verb, is_hypothetical, purpose_verb, state_passive

SPANS_KEY = "agreements"
CUES_KEY = "signing_cues"
# Where labels collide on the same words, the more specific type wins.
TYPE_PRIORITY = {
    "framework_agreement": 0,
    "twinning": 1,
    "friendship_pact": 1,
    "letter_of_intent": 1,
    "memorandum_of_understanding": 2,
    "cooperation_agreement": 3,
    "partnership_agreement": 3,
    "other": 9,
}

# "partenariat" alone names an agreement only when signed or celebrated (_partnership_signed)
BARE_PARTNERSHIP = "partnership_bare"
NEGATIONS = frozenset({"aucun", "aucune", "pas", "jamais", "ni", "non"})
# nouns that may govern an agreement word without hiding it ("projet de convention" is planned anyway)
TYPE_PRIORITY_HEADS = frozenset({"texte", "document", "acte", "cadre"})

for _name in ("agreement_status", "agreement_cue", "agreement_marker"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)
# "les 60 ans de leur jumelage": the mention exists because its anniversary is named
if not Span.has_extension("agreement_celebrated"):
    Span.set_extension("agreement_celebrated", default=False)


def _wished(verb: Token, head: Token) -> bool:
    """The agreement is what the verb wishes for: its object, or the object of the verb it governs
    ("souhaite nouer un jumelage"); not its subject ("l'accord prévoit des échanges") nor a word
    deeper down ("prépare son prochain voyage à X, la jumelle de Y")."""
    if not head.dep_.startswith("obj") or (head.lower_.startswith("jumel") and not head.lower_.startswith("jumelage")):
        return False  # "la jumelle de X", "jumelée": a twin town exists, whatever the verb wishes
    return head.head == verb or (head.head.dep_ == "xcomp" and head.head.head == verb)


def _since_year(head: Token) -> Token | None:
    """The year of the "depuis" + year the agreement word governs ("jumelées depuis 1987")."""
    return next((child for child in head.children if child.like_num and any(g.lower_ == "depuis" for g in child.children)), None)


def _bears_on(word: Token, head: Token) -> bool:
    """``word`` is the agreement word, modifies it, or governs it within three steps of the parse."""
    if word == head or word.head == head:
        return True
    ancestor = head
    for _ in range(3):
        if ancestor.head == ancestor:
            return False
        ancestor = ancestor.head
        if ancestor == word:
            return True
    return False


SENTENCE_ENDS = frozenset({".", "!", "?", "…"})
OPENING_QUOTES = frozenset({"«", "“", '"'})


def own_sentence(span: Span) -> Span:
    """The span's sentence, cut where the parser missed a full stop ("… dans ce jumelage.  « L'histoire
    … nous lie depuis quatre siècles »": the second sentence's words say nothing of this agreement)."""
    sentence = span.sent
    doc = span.doc
    start, end = sentence.start, sentence.end
    for i in range(span.start - 1, sentence.start, -1):
        if _ends_sentence(doc, i):
            start = i + 1
            break
    for i in range(span.end, sentence.end - 1):
        if _ends_sentence(doc, i):
            end = i + 1
            break
    return doc[start:end]


def _ends_sentence(doc: Doc, i: int) -> bool:
    if doc[i].text not in SENTENCE_ENDS:
        return False
    following = next((t for t in doc[i + 1 :] if not t.is_space), None)
    return following is not None and (following.text[:1].isupper() or following.text in OPENING_QUOTES)


class AgreementMentions:
    def __init__(self, nlp: Language, name: str, patterns_path: str, lexicon_path: str) -> None:
        self.name = name
        self.matcher = TokenPatternIndex(nlp.vocab)
        self.lexicon = SigningLexicon.from_path(lexicon_path)
        for entry in srsly.read_jsonl(patterns_path):
            self.matcher.add(f"{entry['label']}|{entry['id']}", [entry["pattern"]])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match_id, start, end in self.matcher(doc):
            label, rule_id = doc.vocab.strings[match_id].split("|", 1)
            if rule_id == SISTER_RULE:
                start = end - 1  # the pattern reads "villes sœurs"; the mention is "sœurs", as "jumelles" is
            spans.append(Span(doc, start, end, label=label, span_id=rule_id))
        # longest first; among equal lengths the most specific type
        spans.sort(key=lambda s: (-(s.end - s.start), TYPE_PRIORITY[s.label_]))
        kept = [span for span in filter_spans(spans) if span.id_ != BARE_PARTNERSHIP or self._partnership_signed(span)]
        for span in kept:
            self._annotate(span)
        doc.spans[SPANS_KEY] = kept
        doc.spans[CUES_KEY] = [Span(doc, t.i, t.i + 1, label="signing", span_id="signing_word") for t in doc if self._is_signing_cue(t)]
        return doc

    def _partnership_signed(self, span: Span) -> bool:
        """A bare "partenariat" is an agreement only as what is signed or celebrated: "renouvellent
        leur partenariat", "ce partenariat a été renouvelé", "le partenariat signé en 2014", "le 60e
        anniversaire de leur partenariat"; not "en partenariat avec", nor a partnership in general."""
        head = span.root
        if head.dep_ in ("obj", "nsubj:pass") and head.head.lemma_.lower() in self.lexicon.signing_verbs:
            return True
        if any(child.dep_ in ("acl", "amod") and child.lemma_.lower() in self.lexicon.signing_verbs for child in head.children):
            return True
        return self._celebrated_by(head) is not None

    def _annotate(self, span: Span) -> None:
        sentence = own_sentence(span)
        head = span.root
        anniversary = self._celebrated_by(head)
        era = self._era(span, anniversary)
        status, cue = self._status(span, sentence, head, anniversary, era)
        span._.agreement_status = status
        span._.agreement_cue = cue
        # "renouvellent leur accord", "le renouvellement de la convention", "la réaffirmation du
        # jumelage": the signature is a renewal
        renewal = (cue or "").lower().startswith(RENEWAL_STEMS)
        # the celebrated agreement an anaphora renews is its renewal ("ce dernier a été renouvelé")
        span._.agreement_marker = "newer" if renewal and anniversary is not None and status == "signed" else era or ("newer" if renewal else None)
        span._.agreement_celebrated = anniversary is not None

    def _status(self, span: Span, sentence: Span, head: Token, anniversary: Token | None, era: str | None) -> tuple[str, str | None]:
        """The status the sentence gives the mention; a plural that would be signed or in force is
        ``counted``: the assembler keeps it only where the sentence names the parties."""
        if anniversary is not None:
            renewed = renewed_by_anaphora(head, sentence)
            if renewed is not None:
                # "À l'occasion des 10 ans du jumelage entre A et B, ce dernier a été renouvelé":
                # the celebrated twinning is the one renewed
                return "signed", renewed.text
            return "in_force", anniversary.text
        governor = head.head
        carried_out = governor.lower_ in self.lexicon.implementation_governors or (governor.lower_ == "mise" and any(c.lower_ == "œuvre" for c in governor.children))
        if carried_out and head.dep_ == "nmod" and any(t.dep_ == "det" and t.lower_ in DEFINITES for t in head.children):
            # "la mise en œuvre de l'accord entre Casablanca et Toulouse": carried out, so it exists
            return "in_force", governor.text
        if self._names_something_else(span):
            # "les discussions sur un futur jumelage": still to come ("le projet d'accord" may be a
            # draft that is signed: the noun alone does not say)
            planned = next((t for t in head.children if t.dep_ == "amod" and self._is_planned(t)), None)
            if planned is not None:
                return "planned", planned.text
            indefinite = any(t.dep_ == "det" and t.lower_ in ("un", "une", "des") for t in (*governor.children, *head.children))
            if self._is_planned(governor) and indefinite and not any(self._is_signing_cue(t) for t in sentence):
                # "un projet de jumelage est à l'étude", "la possibilité d'un jumelage entre A et B"
                # ("ce projet d'accord" may be the one signed)
                return "planned", governor.text
            pair = definite_pair(span, head)
            # "serait la concrétisation du jumelage entre A et B": the copula's mood counts
            ahead = is_hypothetical(governor) or any(is_hypothetical(t) for t in governor.children if t.dep_ == "cop") or any(self._is_planned(t) for t in (governor, *governor.children))
            if pair is not None and not ahead:
                # "le dévoilement d'un panneau du jumelage entre A et B": the twinning the panel
                # celebrates exists ("un autre projet serait la concrétisation du jumelage entre A
                # et B" does not say so)
                return "in_force", pair.text
            return "mention", governor.text
        status, cue = self._clause_status(span, sentence, head, era)
        if status in ("signed", "in_force") and head.morph.get("Number") == ["Plur"]:
            return "counted", cue
        return status, cue

    def _clause_status(self, span: Span, sentence: Span, head: Token, era: str | None) -> tuple[str, str | None]:
        negation = next((t for t in sentence if t.lower_ in NEGATIONS and abs(t.i - head.i) <= 8 and not contrastive(t)), None)
        cues = [t for t in sentence if self._is_signing_cue(t)]
        planned_words = [t for t in sentence if self._is_planned(t)]
        since = _since_year(head)
        if cues and negation is None and since is not None:
            # "Jumelées depuis 1987, Toul et Hamm ont renouvelé leur serment": the twinning that holds
            # since a year is in force, whatever else the sentence signs
            return "in_force", since.text
        if cues:
            cue = min(cues, key=lambda t: abs(t.i - head.i))
            if negation is not None:
                return "negated", negation.text
            without = next((t for t in cue.children if t.lower_ == "sans"), None)
            if without is not None:
                # "un jumelage amorcé il y a 40 ans sans pour autant être officialisé"
                return "negated", without.text
            applying = next((p for p in planned_words if self._planned_applies(cue, p, head)), None)
            if applying is not None:
                return "planned", applying.text
            wish = self._wished_to_see(cue)
            if wish is not None:
                # "le désir de voir la ville de X jumelée avec une ville angolaise"
                return "planned", wish.text
            put_off = next((c.head for c in cues if c.pos_ == "NOUN" and c.dep_.startswith("nsubj") and self._is_planned(c.head)), None)
            if put_off is not None:
                # "la signature du jumelage …, mais la cérémonie est repoussée au mois de mai"
                return "planned", put_off.text
            ahead = self._planned_above(cue)
            if ahead is not None:
                # "Il est prévu plusieurs activités, parmi lesquelles la signature d'un accord"
                return "planned", ahead.text
            if cue.pos_ == "NOUN" and cue.dep_.startswith("nsubj") and hypothetical_verb(cue.head):
                # "La signature de la convention aura lieu le 12 juin", "… se fera à Courmayeur"
                return "planned", cue.head.text
            purpose = purpose_verb(cue)
            if purpose is not None and hypothetical_verb(purpose):
                # "la délégation visitera Tlemcen ce lundi pour la signature d'un accord"
                return "planned", purpose.text
            if before_doing(cue):
                # "se sont rencontrés avant de signer la convention": the signature is still to come
                return "planned", cue.text
            if self._generic_near(span) and self._indefinite(span):
                return "generic", cue.text
            if cue.i == head.i and state_passive(cue):
                # "Pointe-Noire est aussi jumelée avec Le Havre": a present passive of twinning
                # tells a state, the twinning exists; "désormais jumelées" tells it begins
                return "in_force", cue.text
            return "signed", cue.text
        # with no signing word, a planning word counts where it bears on the agreement ("un jumelage
        # est prévu", "le futur jumelage"), not on something else ("son prochain voyage à X, la
        # jumelle de Y": the trip lies ahead, the twinning exists)
        bearing = [t for t in planned_words if _bears_on(t, head)]
        # "le maire souhaite nouer un jumelage avec X": a wish or a plan that governs the agreement
        bearing += [t for t in sentence if t.lemma_.lower() in self.lexicon.wish_verbs and t.pos_ == "VERB" and _wished(t, head)]
        if bearing:
            return "planned", bearing[0].text
        force = next((t for t in sentence if self._is_in_force_word(t, sentence)), None)
        if force is None and (head.dep_.startswith("nsubj") or head.dep_ == "obj") and head.head.lemma_.lower() in self.lexicon.birth_verbs:
            # "le jumelage est né officiellement en 1997", "est né leur jumelage" (naître takes no
            # object: the parser's object is the subject set after it)
            force = head.head
        if force is not None:
            if negation is not None:
                return "negated", negation.text
            if is_hypothetical(force):
                return "planned", force.text
            return "in_force", force.text
        # "a déjà des partenariats de jumelage avec …": the noun that carries the agreement is held
        held = head
        while held.dep_ == "nmod" and held.head.i < held.i and held.head.lower_ in self.lexicon.transparent_governors:
            held = held.head
        owner = held.head
        if held.dep_ == "obj" and owner.pos_ == "VERB" and owner.lemma_.lower() == "avoir" and owner.i != held.i:
            # "des communes ayant des conventions de partenariat avec …": agreements they hold
            if negation is not None:
                return "negated", negation.text
            if is_hypothetical(owner):
                return "planned", owner.text
            return "in_force", owner.text
        possessive = next((t for t in head.children if t.dep_ == "det" and t.lower_ in POSSESSIVES), None)
        if possessive is not None and span.label_ == "twinning" and partner_follows(span):
            # "Tout a commencé en 1967 par son jumelage avec la ville de Loudun": a twinning the
            # party holds, its partner named
            return "in_force", possessive.text
        if era == "older" and self._dated_after(span):
            # "le premier accord, de 2003": an older agreement named with its year
            return "in_force", span.doc[span.end : span.end + 4].text
        if defined(span) or (self._indefinite(span) and (in_a_definition(head) or sentence[-1].text == "?" or any(t.lower_ in self.lexicon.generic_words for t in sentence))):
            # "Qu'est-ce qu'un jumelage ? Un jumelage est un accord entre deux villes, par exemple …":
            # agreements in general
            return "generic", None
        pair = definite_pair(span, head)
        if pair is not None:
            # "la convention de coopération entre Meylan et la commune de X prévoit …"
            return "in_force", pair.text
        return "mention", None

    def _is_in_force_word(self, token: Token, sentence: Span) -> bool:
        lex = self.lexicon
        if token.lemma_.lower() in lex.in_force_words or token.lower_ in lex.in_force_words:
            return True
        if token.lower_ in SISTER and token.i > 0 and token.nbor(-1).lower_ in SISTER_OF:
            return True  # "les villes sœurs de X", as "les villes jumelles de X"
        # "le protocole d'amitié qui existe depuis 2019", "un jumelage qui remonte à 1962"
        existence = token.lemma_.lower() in lex.existence_verbs or (
            token.lower_ in lex.existence_forms and token.i > 0 and token.nbor(-1).pos_ != "DET"
        )
        return existence and any(t.lower_ == "depuis" or t.like_num for t in sentence if t.i > token.i)

    @staticmethod
    def _dated_after(span: Span) -> bool:
        return any(t.like_num and len(t.text) == 4 and t.text.isdigit() for t in span.doc[span.end : min(span.end + 4, span.sent.end)])

    def _generic_near(self, span: Span) -> bool:
        """A word that speaks of agreements in general, close to this one ("un outil comme la convention")."""
        window = span.doc[max(span.sent.start, span.start - 6) : min(span.sent.end, span.end + 6)]
        return any(t.lower_ in self.lexicon.generic_words for t in window)

    def _celebrated_by(self, head: Token) -> Token | None:
        """"30 ans de jumelage", "le 50e anniversaire de leur jumelage": an agreement whose anniversary
        is named exists, whatever the sentence does with the celebration (planned, held, attended)."""
        governor = head.head
        if head.dep_ == "nmod" and governor.dep_ == "nmod" and governor.lower_ in self.lexicon.founding_nouns and governor.head.i < governor.i:
            # "le 20e anniversaire de l'établissement du jumelage": through the noun of its beginning
            head, governor = governor, governor.head
        if head.dep_ == "nmod" and governor.i < head.i and governor.lower_ in self.lexicon.anniversary_governors:
            # "30 ans de jumelage", but not "des années de jumelage"
            if governor.lower_ in ("ans", "années", "décennies") and not any(t.like_num for t in governor.lefts):
                return None
            return governor
        return None

    def _names_something_else(self, span: Span) -> bool:
        """"comité de jumelage", "fête du jumelage": the agreement word only qualifies another noun.
        "la signature d'une convention", "aux termes de cet accord" still speak of the agreement."""
        head = span.root
        governor = head.head
        if self._signed_by(governor) or ago(governor):
            return False
        return (
            head.dep_ == "nmod"
            and governor.pos_ == "NOUN"
            and governor.i < head.i
            # "comité de jumelage", not "ont signé jeudi 2 mai un mémorandum" (the parser hangs the
            # agreement on the date: no preposition joins them)
            and any(child.dep_ == "case" for child in head.children)
            and governor.lower_ not in self.lexicon.signing_nouns
            and governor.lower_ not in self.lexicon.transparent_governors
            and governor.lemma_.lower() not in TYPE_PRIORITY_HEADS
        )

    def _signed_by(self, governor: Token) -> bool:
        """"la signature par la Présidente de Région d'une déclaration": the parser hangs the
        agreement on the signer, who is the agent of a signing noun."""
        for _ in range(3):
            if any(c.lower_ == "par" and c.dep_ == "case" for c in governor.children):
                return governor.head.lower_ in self.lexicon.signing_nouns
            if governor.head is governor or governor.pos_ not in ("NOUN", "PROPN"):
                return False
            governor = governor.head
        return False

    def _is_signing_cue(self, token: Token) -> bool:
        lemma = token.lemma_.lower()
        if lemma in self.lexicon.oath_verbs:
            return any(child.dep_ == "obj" and child.lower_ in ("serment", "serments") for child in token.children)
        if token.pos_ in ("VERB", "AUX", "ADJ") and lemma in self.lexicon.signing_verbs:
            return True
        agreement_nouns = self.lexicon.concluding_verbs.get(lemma)
        if agreement_nouns is not None and token.pos_ in ("VERB", "ADJ"):
            # "la convention passée avec X", "a passé un accord avec X"; not "passé une semaine"
            # (the participle right after its noun, however the parser hangs it)
            return any(c.dep_ == "obj" and c.lower_ in agreement_nouns for c in token.children) or (
                token.i > 0 and token.doc[token.i - 1].lower_ in agreement_nouns
            )
        if token.lower_ in self.lexicon.signing_nouns:
            return True
        if token.lower_ not in self.lexicon.signing_forms:
            return False
        # headlines confuse the tagger ("Kayes et Tambacounda paraphent une convention"): a third
        # person plural is a verb whatever it is tagged; so is a participle opening the sentence
        # with its agent ("Paraphé par le président …, cet accord …")
        return token.pos_ in ("VERB", "AUX", "ADJ") or token.lower_.endswith("ent") or _opens_with_its_agent(token)

    def _planned_above(self, cue: Token) -> Token | None:
        """The planning word a signing noun hangs from through nouns and pronouns only: the
        signature is one of the things planned. A verb on the way reports on it in its own tense
        ("a assisté à la signature") and stops the walk."""
        node = cue
        for _ in range(3):
            if node.pos_ not in ("NOUN", "PROPN", "PRON") or node.head is node:
                return None
            node = node.head
            if self._is_planned(node):
                return node
        return None

    def _is_planned(self, token: Token) -> bool:
        if token.lower_ in self.lexicon.planned_words or token.lower_ in self.lexicon.future_forms:
            return True
        doc = token.doc
        if any(token.i + 1 >= len(phrase) and tuple(t.lower_ for t in doc[token.i + 1 - len(phrase) : token.i + 1]) == phrase for phrase in self.lexicon.planned_phrases.get(token.lower_, ())):
            return True
        if token.lemma_.lower() in self.lexicon.signing_verbs:
            if hypothetical_verb(token):
                return True
            governor = token.head if token.head is not token else None
            return governor is not None and token.dep_ == "xcomp" and governor.lemma_.lower() in self.lexicon.planned_governors
        return False

    def _wished_to_see(self, cue: Token) -> Token | None:
        """The signing participle describes what a wish would see: its noun is the object of
        "voir", and a wish verb or noun stands just before that "voir"."""
        seen = cue.head if cue.dep_ in ("acl", "amod") else cue
        see = seen.head
        if see.lemma_.lower() != "voir" or see.i > cue.i:
            return None
        doc = cue.doc
        before = doc[max(see.sent.start, see.i - 3) : see.i]
        return next((t for t in before if t.lemma_.lower() in self.lexicon.wish_verbs or t.lower_ in self.lexicon.wish_nouns), None)

    @staticmethod
    def _planned_applies(cue: Token, planned: Token, head: Token) -> bool:
        """A planning word cancels the signing cue it governs, is governed by, or stands next to; not
        one elsewhere in the sentence (the signing verb is often the root, whose subtree is everything).
        A participle set after the agreement by a comma and agreeing with it is the agreement's own
        ("le conseil a approuvé la convention avec X, signée le 3 mai"): only a word it governs
        ("signée prochainement") plans it."""
        if cue == planned.head:
            return True
        if _apposed_participle(cue, head):
            return False
        if planned != cue and planned.dep_ in ("amod", "acl") and planned.head not in (cue, head) and planned.head.pos_ == "NOUN":
            # "signée lors de la cérémonie prévue à cet effet": the word plans another noun
            return False
        return planned == cue or planned == cue.head or abs(planned.i - cue.i) <= 6

    @staticmethod
    def _indefinite(span: Span) -> bool:
        before = span.doc[span.start - 1] if span.start > 0 else None
        return before is not None and before.lower_ in ("un", "une", "d'un", "d'une", "des")

    def _era(self, span: Span, anniversary: Token | None) -> str | None:
        """"première convention" (an older agreement) or "nouvelle convention" (the latest one), as
        the words around the mention say; a renewal verb also makes it the latest (``_annotate``)."""
        if anniversary is not None:
            return "older"  # "les 60 ans du jumelage" celebrate the original agreement
        window = span.doc[max(span.sent.start, span.start - 2) : min(span.sent.end, span.end + 2)]
        words = {t.lower_ for t in window}
        if words & self.lexicon.older_words or followed_up(span):
            return "older"
        if words & self.lexicon.newer_words:
            return "newer"
        return None


def _apposed_participle(cue: Token, head: Token) -> bool:
    """", signée le 3 mai" after the agreement noun: a bare past participle after a comma, in the
    noun's gender and number."""
    if cue.i <= head.i or cue.i == 0 or cue.doc[cue.i - 1].text != "," or not bare_participle(cue):
        return False
    return all(cue.morph.get(feature) == head.morph.get(feature) for feature in ("Gender", "Number") if head.morph.get(feature))


@Language.factory(
    "partnerships_agreements",
    default_config={"patterns_path": "", "lexicon_path": ""},
    requires=["token.lemma", "token.morph", "token.dep"],
    assigns=["doc.spans"],
)
def make_agreement_mentions(nlp: Language, name: str, patterns_path: str, lexicon_path: str) -> AgreementMentions:
    return AgreementMentions(nlp, name, patterns_path, lexicon_path)


def _opens_with_its_agent(token: Token) -> bool:
    """Capitalised, it opens its sentence (or what the parser glued to a dateline before it)."""
    doc = token.doc
    return token.is_title and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "par"
