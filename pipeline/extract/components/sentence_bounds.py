"""Sentence boundaries the parser must not draw, set before the base model's parser runs.

Hyphenated compounds first.
The French tokenizer splits "accord-cadre", "Nouvelle-Calédonie" or "Commentry-Chojnów" at the
hyphen, and the parser of ``fr_core_news_md`` then often starts a new sentence at the hyphen or
just after it: "Un accord-cadre entre la Nouvelle-Calédonie et le Vanuatu a été signé" became
four sentences, and the signing verb no longer shared a sentence with the agreement. On the
real-page corpus about one sentence start in twenty fell inside such a compound.

The parser keeps boundaries already set on a Doc, so this component marks the hyphen and the
word after it (when the hyphen touches a word on both sides) as no sentence start. A hyphen with
a space on either side ("Tulle - Djenné", a dash) is punctuation and stays free.

Then words no French sentence ends on: the parser also opened sentences after an article, a
preposition, a conjunction or a comma ("L'association Cités Unies | France et l'Association des
maires … ont signé", "… ministre de la Pêche par intérim, | ont signé"), on a comma or a full
stop, on a word in lower case that no sentence-final mark precedes ("Tulle et Djenné (Mali) |
ont signé samedi 4 mai 2024 | une convention"), and inside a run of capitalised words ("Santa |
Cruz de Bezana", "Cités Unies | France", "CONVENTION CADRE | DECENTRALISEE"; about one start in
twenty on the real pages), unless the word is one that opens sentences ("Préambule | Le
Département"), and after a short abbreviated word that follows a list's comma ("…, Hann. |
Münden"). A sentence does not start there.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

HYPHENS = frozenset({"-", "‐", "‑"})
# Words a sentence never ends on, and tokens a sentence never starts with.
NEVER_LAST = frozenset({",", "et", "ou", "de", "d'", "du", "des", "la", "le", "les", "l'", "un", "une", "à", "au", "aux", "en", "par", "pour", "avec", "entre", "sur", "dans", "que", "qu'", "qui", "dont"})
NEVER_FIRST = frozenset({",", ")", ";", ":", "."})
# Words that open a sentence after a capitalised word with no mark between, as a heading glued to
# its text does ("Préambule Le Département…", "Commercy Un jumelage…").
OPENERS = NEVER_LAST | frozenset({"ce", "cet", "cette", "ces", "il", "elle", "ils", "elles", "on", "nous", "je", "lors", "depuis", "après", "avant", "selon", "dès", "mais", "son", "sa", "ses", "leur", "leurs", "notre", "nos"})
# After these, a sentence may open even in lower case (a list, a quotation, careless text).
SENTENCE_ENDS = frozenset({".", "!", "?", "…", "...", ":", ";", "»", '"', "-", "–", "—", "•", "|", "*"})


@Language.factory(
    "partnerships_sentence_bounds",
    requires=["token.text"],
    assigns=["token.is_sent_start"],
)
def make_sentence_bounds(nlp: Language, name: str) -> SentenceBounds:
    return SentenceBounds()


class SentenceBounds:
    """Marks as no sentence start: the inside of hyphen-joined words, a token after a word no
    sentence ends on, a comma or full stop, a lower-case word no sentence-final mark precedes, and
    a capitalised word after another one, save a word that opens sentences."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if previous.lower_ in NEVER_LAST or token.text in NEVER_FIRST:
                token.is_sent_start = False
            elif token.text[:1].islower() and previous.text not in SENTENCE_ENDS:
                token.is_sent_start = False  # "Tulle et Djenné (Mali) | ont signé samedi 4 mai 2024 | une convention"
            elif token.text[:1].isupper() and previous.is_alpha and previous.text[:1].isupper() and token.lower_ not in OPENERS:
                token.is_sent_start = False  # one name: "Santa | Cruz de Bezana", "Cités Unies | France"
            elif previous.text == "." and token.i >= 3 and _listed_abbreviation(doc[token.i - 2], doc[token.i - 3]):
                token.is_sent_start = False  # "A (Angleterre), Hann. | Münden (Allemagne)"
        for hyphen in doc[1:-1]:
            before = doc[hyphen.i - 1]
            after = doc[hyphen.i + 1]
            if hyphen.text in HYPHENS and not before.whitespace_ and not hyphen.whitespace_ and before.is_alpha and after.is_alpha:
                hyphen.is_sent_start = False
                after.is_sent_start = False
        return doc


def _listed_abbreviation(word, before) -> bool:
    """A short capitalised word glued to its full stop, right after a list's comma: an abbreviated
    name ("…, Hann. Münden", "…, St. Gallen"), not a sentence's last word."""
    return before.text == "," and word.is_alpha and word.text[:1].isupper() and len(word) <= 4 and not word.whitespace_
