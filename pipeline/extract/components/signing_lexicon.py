"""The cue words of ``models/lexicons/signing.json`` as sets, with the verb forms the tagger misses.

The agreements component reads a mention's status from these words; the lemmatiser and tagger
leave some forms of the signing verbs unrecognised ("signé" tagged ADJ, "signera" read as a
participle), so the lexicon also lists their inflections and future forms.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.extract.components.verb_forms import future_forms


class SigningLexicon:
    """The cue words of models/lexicons/signing.json, as sets."""

    def __init__(self, data: dict) -> None:
        self.signing_verbs = frozenset(data["signing_verbs"])
        # "un accord passé entre A et B": a verb that signs only the agreement it takes
        self.concluding_verbs = {verb: frozenset(nouns) for verb, nouns in data["concluding_verbs"].items()}
        self.signing_nouns = frozenset(data["signing_nouns"])
        self.oath_verbs = frozenset(data["oath_verbs"])
        self.in_force_words = frozenset(data["in_force_words"])
        self.planned_governors = frozenset(data["planned_governors"])
        self.wish_verbs = frozenset(data["wish_verbs"])
        self.wish_nouns = frozenset(data["wish_nouns"])
        self.planned_words = frozenset(data["planned_words"])
        # "en passe de", "sur le point de": the phrases by their last word, where the planned test reads them
        self.planned_phrases: dict[str, list[tuple[str, ...]]] = {}
        for phrase in data["planned_phrases"]:
            words = tuple(phrase.split())
            self.planned_phrases.setdefault(words[-1], []).append(words)
        self.older_words = frozenset(data["older_words"])
        self.newer_words = frozenset(data["newer_words"])
        self.generic_words = frozenset(data["generic_words"])
        self.transparent_governors = frozenset(data["transparent_governors"])
        self.existence_verbs = frozenset(data["existence_verbs"])
        self.birth_verbs = frozenset(data["birth_verbs"])
        self.anniversary_governors = frozenset(data["anniversary_governors"])
        self.founding_nouns = frozenset(data["founding_nouns"])
        self.implementation_governors = frozenset(data["implementation_governors"])
        # "le jumelage … date de 1958": "date" is tagged a noun, and its lemma is the noun's
        self.existence_forms = frozenset(form for verb in self.existence_verbs for form in _inflections(verb))
        # the lemmatizer leaves some forms as they are ("signé" tagged ADJ, "signe" lemmatised "signe")
        self.signing_forms = frozenset(form for verb in self.signing_verbs for form in _inflections(verb))
        # and the tagger reads some future forms as participles ("signera"): the form decides
        self.future_forms = frozenset(form for verb in self.signing_verbs for form in future_forms(verb))

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
