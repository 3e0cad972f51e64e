"""``partnerships_themes``: thematic axes of the contract's taxonomy, found with a lexicon of token patterns.

Each entry of ``models/lexicons/themes.jsonl`` is ``{"id", "code" | "codes", "pattern"}`` (a
spaCy token pattern on lower-case forms and lemmas, so that inflections match), or
``{"id", "block": true, "pattern"}``: a blocker, the name of an institution or a set phrase
whose words would otherwise read as a theme ("Agence de l'eau", "feuille de route").
Codes are checked against ``models/taxonomy.json`` when the pipeline is built.

Candidates are written to ``doc.spans["themes"]``, one span per code (an entry such as
"formation des agents" carries two), ``span.label_`` = code, ``span.id_`` = entry id, and
``span._.theme_phrase`` = the words of the article around the match that name the axis (the
Theme ``label`` of the record). Which themes belong to which agreement is the assembler's call.

Three rules keep the matches on meaning rather than on words:
- a match strictly inside a longer match is dropped: the longer phrase says more
  ("économie circulaire" is environment, not economy; "montée des eaux" is climate, not water);
- a match inside a blocker is dropped;
- a match inside a proper name is dropped ("Bourgogne-Kairouan Solidarité", "Semaine de la
  solidarité internationale", "Agence de l'eau Loire-Bretagne"): its first word is capitalised
  without opening the sentence, or it follows ``de``/``du``/``des`` after a capitalised common
  noun that does not open the sentence. Entries marked ``"in_names": true`` (universities) are
  exempt, because an institution of that kind among the parties is itself the axis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.extract.components.token_patterns import TokenPatternIndex

SPANS_KEY = "themes"
_ARTICLES = frozenset({"l'", "l\u2019", "la", "le", "les", "un", "une", "des"})
_CONJUNCTIONS = frozenset({"et", "ou"})
_NAME_LINKS = frozenset({"de", "du", "des", "d'", "d\u2019", "l'", "l\u2019", "la", "le", "les"})
_PHRASE_BREAKS = frozenset({",", ";", ":", ".", "!", "?", "(", ")", "«", "»", "•", "–", "—", "et", "ou"})
_MAX_PHRASE_TOKENS = 8

if not Span.has_extension("theme_phrase"):
    Span.set_extension("theme_phrase", default=None)


@dataclass(frozen=True)
class ThemeEntry:
    """One lexicon entry: the codes it gives (none for a blocker) and whether it may match in names."""

    entry_id: str
    codes: tuple[str, ...]
    in_names: bool

    @property
    def is_blocker(self) -> bool:
        return not self.codes


def read_taxonomy_codes(taxonomy_path: str | Path) -> frozenset[str]:
    with Path(taxonomy_path).open(encoding="utf-8") as handle:
        return frozenset(theme["code"] for theme in json.load(handle)["themes"])


def read_lexicon(patterns_path: str | Path, codes: frozenset[str]) -> list[tuple[ThemeEntry, list[dict]]]:
    """Entries of the themes lexicon with their token patterns; unknown codes and duplicate ids are errors."""
    entries: list[tuple[ThemeEntry, list[dict]]] = []
    seen: set[str] = set()
    with Path(patterns_path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            raw = json.loads(line)
            entry_id = raw["id"]
            if entry_id in seen:
                raise ValueError(f"{patterns_path}:{number}: duplicate id {entry_id!r}")
            seen.add(entry_id)
            entry_codes = tuple(raw["codes"]) if "codes" in raw else ((raw["code"],) if "code" in raw else ())
            if raw.get("block", False) == bool(entry_codes):
                raise ValueError(f"{patterns_path}:{number}: {entry_id!r} needs either codes or \"block\": true")
            unknown = [code for code in entry_codes if code not in codes]
            if unknown:
                raise ValueError(f"{patterns_path}:{number}: {entry_id!r} has codes outside the taxonomy: {unknown}")
            entries.append((ThemeEntry(entry_id, entry_codes, bool(raw.get("in_names", False))), raw["pattern"]))
    return entries


def _opens_sentence(token: Token) -> bool:
    """True when nothing but punctuation, a list bullet or an article stands between the token and its sentence start.

    In a title-cased enumeration ("Santé et Jeunesse") a capitalised word after ``et``/``ou``
    opens as its first member does.
    """
    if token.i == 0 or token.is_sent_start:
        return True
    previous = token.doc[token.i - 1]
    if not previous.is_alpha and not previous.like_num:
        return True
    if previous.lower_ in _CONJUNCTIONS and token.i >= 2 and _capitalised_word(token.doc[token.i - 2]):
        return _opens_sentence(token.doc[token.i - 2])
    return previous.lower_ in _ARTICLES and _opens_sentence(previous)


def _capitalised_word(token: Token) -> bool:
    """A word written with an initial capital; acronyms (VIH, ESS) are not names."""
    return token.text[:1].isupper() and not token.is_upper


def _inside_name(doc: Doc, start: int) -> bool:
    first = doc[start]
    if _capitalised_word(first) and not _opens_sentence(first):
        return True
    index = start - 1
    while index >= 0 and doc[index].lower_ in _NAME_LINKS:
        index -= 1
    if index == start - 1 or index < 0:
        return False
    head = doc[index]
    return head.pos_ == "NOUN" and _capitalised_word(head) and not _opens_sentence(head)


def theme_phrase(doc: Doc, start: int, end: int) -> str:
    """The words naming the axis: the match widened to the surrounding list segment, if that is short."""
    left = start
    while left > 0 and doc[left - 1].lower_ not in _PHRASE_BREAKS:
        left -= 1
    right = end
    while right < len(doc) and doc[right].lower_ not in _PHRASE_BREAKS:
        right += 1
    while left < start and doc[left].pos_ in {"DET", "ADP", "CCONJ"}:
        left += 1
    if right - left > _MAX_PHRASE_TOKENS:
        return doc[start:end].text
    return doc[left:right].text


class ThemeFinder:
    """Matches the themes lexicon in a block and keeps the candidates that survive the three rules."""

    def __init__(self, nlp: Language, patterns_path: str, taxonomy_path: str) -> None:
        self.matcher = TokenPatternIndex(nlp.vocab)
        self.entries: dict[str, ThemeEntry] = {}
        for entry, pattern in read_lexicon(patterns_path, read_taxonomy_codes(taxonomy_path)):
            self.entries[entry.entry_id] = entry
            self.matcher.add(entry.entry_id, [pattern])

    def __call__(self, doc: Doc) -> Doc:
        matches = [(doc.vocab.strings[key], start, end) for key, start, end in self.matcher(doc)]
        blocked = [(start, end) for entry_id, start, end in matches if self.entries[entry_id].is_blocker]
        spans: list[Span] = []
        seen: set[tuple[str, int, int]] = set()
        for entry_id, start, end in sorted(matches, key=lambda match: (match[1], match[2])):
            entry = self.entries[entry_id]
            if entry.is_blocker:
                continue
            if any(s <= start and end <= e for s, e in blocked):
                continue
            if any(s <= start and end <= e and (e - s) > (end - start) for _, s, e in matches):
                continue
            if not entry.in_names and _inside_name(doc, start):
                continue
            phrase = theme_phrase(doc, start, end)
            for code in entry.codes:
                if (code, start, end) in seen:
                    continue
                seen.add((code, start, end))
                span = Span(doc, start, end, label=code, span_id=entry_id)
                span._.theme_phrase = phrase
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


@Language.factory(
    "partnerships_themes",
    default_config={
        "patterns_path": "models/lexicons/themes.jsonl",
        "taxonomy_path": "models/taxonomy.json",
    },
    requires=["token.lemma", "token.pos", "token.is_sent_start"],
    assigns=["doc.spans"],
)
def make_theme_finder(nlp: Language, name: str, patterns_path: str, taxonomy_path: str) -> ThemeFinder:
    return ThemeFinder(nlp, patterns_path, taxonomy_path)
