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

import json
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from pipeline.extract.components.token_patterns import TokenPatternIndex

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

NEGATIONS = frozenset({"aucun", "aucune", "pas", "jamais", "ni", "non"})
# nouns that may govern an agreement word without hiding it ("projet de convention" is planned anyway)
TYPE_PRIORITY_HEADS = frozenset({"texte", "document", "acte", "cadre"})

for _name in ("agreement_status", "agreement_cue", "agreement_marker"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


class SigningLexicon:
    """The cue words of models/lexicons/signing.json, as sets."""

    def __init__(self, data: dict[str, list[str]]) -> None:
        self.signing_verbs = frozenset(data["signing_verbs"])
        self.signing_nouns = frozenset(data["signing_nouns"])
        self.in_force_words = frozenset(data["in_force_words"])
        self.planned_governors = frozenset(data["planned_governors"])
        self.planned_words = frozenset(data["planned_words"])
        self.older_words = frozenset(data["older_words"])
        self.newer_words = frozenset(data["newer_words"])
        self.generic_words = frozenset(data["generic_words"])
        # the lemmatizer leaves some forms as they are ("signé" tagged ADJ, "signe" lemmatised "signe")
        self.signing_forms = frozenset(form for verb in self.signing_verbs for form in _inflections(verb))

    @classmethod
    def from_path(cls, path: str | Path) -> SigningLexicon:
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle))


def _inflections(verb: str) -> list[str]:
    """Participles and the usual finite forms of a signing verb (first group, and conclure)."""
    if verb.endswith("er"):
        stem = verb[:-2]
        participle = stem + "é"
        finite = [stem + ending for ending in ("e", "es", "ent", "ons", "ez", "a", "ait", "aient", "èrent", "era", "eront")]
    elif verb.endswith("ure"):
        stem = verb[:-2]
        participle = stem
        finite = [stem + ending for ending in ("t", "ent", "ons", "ez", "ait", "aient", "rent", "ra", "ront")]
    else:
        return []
    return [participle, participle + "e", participle + "s", participle + "es", *finite]


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
            spans.append(Span(doc, start, end, label=label, span_id=rule_id))
        # longest first; among equal lengths the most specific type
        spans.sort(key=lambda s: (-(s.end - s.start), TYPE_PRIORITY[s.label_]))
        kept = filter_spans(spans)
        for span in kept:
            self._annotate(span)
        doc.spans[SPANS_KEY] = kept
        doc.spans[CUES_KEY] = [Span(doc, t.i, t.i + 1, label="signing", span_id="signing_word") for t in doc if self._is_signing_cue(t)]
        return doc

    def _annotate(self, span: Span) -> None:
        sentence = span.sent
        head = span.root
        status, cue = self._status(span, sentence, head)
        span._.agreement_status = status
        span._.agreement_cue = cue
        span._.agreement_marker = self._marker(span)

    def _status(self, span: Span, sentence: Span, head: Token) -> tuple[str, str | None]:
        lex = self.lexicon
        if head.morph.get("Number") == ["Plur"] and span.label_ != "twinning":
            return "counted", head.text
        if self._names_something_else(span):
            return "mention", head.head.text
        negation = next((t for t in sentence if t.lower_ in NEGATIONS and abs(t.i - head.i) <= 8), None)
        cues = [t for t in sentence if self._is_signing_cue(t)]
        planned_words = [t for t in sentence if self._is_planned(t)]
        planned = planned_words[0] if planned_words else None
        if cues:
            cue = min(cues, key=lambda t: abs(t.i - head.i))
            if negation is not None:
                return "negated", negation.text
            applying = next((p for p in planned_words if self._planned_applies(cue, p)), None)
            if applying is not None:
                return "planned", applying.text
            if any(t.lower_ in lex.generic_words for t in sentence) and self._indefinite(span):
                return "generic", cue.text
            return "signed", cue.text
        if planned is not None:
            return "planned", planned.text
        force = next((t for t in sentence if t.lemma_.lower() in lex.in_force_words or t.lower_ in lex.in_force_words), None)
        if force is not None:
            return "in_force", force.text
        return "mention", None

    def _names_something_else(self, span: Span) -> bool:
        """"comité de jumelage", "fête du jumelage": the agreement word only qualifies another noun.
        "la signature d'une convention" still speaks of the convention."""
        head = span.root
        governor = head.head
        return (
            head.dep_ == "nmod"
            and governor.pos_ == "NOUN"
            and governor.i < head.i
            and governor.lower_ not in self.lexicon.signing_nouns
            and governor.lemma_.lower() not in TYPE_PRIORITY_HEADS
        )

    def _is_signing_cue(self, token: Token) -> bool:
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX", "ADJ") and lemma in self.lexicon.signing_verbs:
            return True
        if token.lower_ in self.lexicon.signing_nouns:
            return True
        return token.pos_ in ("VERB", "AUX", "ADJ") and token.lower_ in self.lexicon.signing_forms

    def _is_planned(self, token: Token) -> bool:
        if token.lower_ in self.lexicon.planned_words:
            return True
        if token.lemma_.lower() in self.lexicon.signing_verbs:
            morph = token.morph
            if "Fut" in morph.get("Tense") or "Cnd" in morph.get("Mood"):
                return True
            aux_future = any(
                "Fut" in c.morph.get("Tense") or "Cnd" in c.morph.get("Mood")
                for c in token.children
                if c.dep_.startswith("aux")
            )
            governor = token.head if token.head is not token else None
            governed = governor is not None and token.dep_ == "xcomp" and governor.lemma_.lower() in self.lexicon.planned_governors
            return aux_future or governed
        return False

    @staticmethod
    def _planned_applies(cue: Token, planned: Token) -> bool:
        """A planning word cancels the signing cue it governs, is governed by, or stands next to; not one in another clause."""
        related = planned == cue or planned == cue.head or cue == planned.head or planned in cue.subtree
        return related or abs(planned.i - cue.i) <= 6

    @staticmethod
    def _indefinite(span: Span) -> bool:
        before = span.doc[span.start - 1] if span.start > 0 else None
        return before is not None and before.lower_ in ("un", "une", "d'un", "d'une", "des")

    def _marker(self, span: Span) -> str | None:
        """"première convention" (an older agreement) or "nouvelle convention" (the latest one)."""
        window = span.doc[max(span.sent.start, span.start - 2) : min(span.sent.end, span.end + 2)]
        words = {t.lower_ for t in window}
        if words & self.lexicon.older_words:
            return "older"
        if words & self.lexicon.newer_words:
            return "newer"
        return None


@Language.factory(
    "partnerships_agreements",
    default_config={"patterns_path": "", "lexicon_path": ""},
    requires=["token.lemma", "token.morph", "token.dep"],
    assigns=["doc.spans"],
)
def make_agreement_mentions(nlp: Language, name: str, patterns_path: str, lexicon_path: str) -> AgreementMentions:
    return AgreementMentions(nlp, name, patterns_path, lexicon_path)
