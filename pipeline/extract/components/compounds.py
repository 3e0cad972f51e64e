"""Keeps hyphenated compounds inside one sentence, before the base model's parser runs.

The French tokenizer splits "accord-cadre", "Nouvelle-Calédonie" or "Commentry-Chojnów" at the
hyphen, and the parser of ``fr_core_news_md`` then often starts a new sentence at the hyphen or
just after it: "Un accord-cadre entre la Nouvelle-Calédonie et le Vanuatu a été signé" became
four sentences, and the signing verb no longer shared a sentence with the agreement. On the
real-page corpus about one sentence start in twenty fell inside such a compound.

The parser keeps boundaries already set on a Doc, so this component marks the hyphen and the
word after it (when the hyphen touches a word on both sides) as no sentence start. A hyphen with
a space on either side ("Tulle - Djenné", a dash) is punctuation and stays free.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

HYPHENS = frozenset({"-", "‐", "‑"})


@Language.factory(
    "partnerships_compounds",
    requires=["token.text"],
    assigns=["token.is_sent_start"],
)
def make_compounds(nlp: Language, name: str) -> HyphenCompounds:
    return HyphenCompounds()


class HyphenCompounds:
    """Marks the inside of hyphen-joined words as no sentence start."""

    def __call__(self, doc: Doc) -> Doc:
        for hyphen in doc[1:-1]:
            before = doc[hyphen.i - 1]
            after = doc[hyphen.i + 1]
            if hyphen.text in HYPHENS and not before.whitespace_ and not hyphen.whitespace_ and before.is_alpha and after.is_alpha:
                hyphen.is_sent_start = False
                after.is_sent_start = False
        return doc
