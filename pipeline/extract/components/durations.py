"""Duration and "since" candidates of a block: how long an agreement runs, and when the relationship began.

``doc.spans["durations"]`` holds lengths (``Span._.iso_duration``): label ``agreement`` for the
wordings that give an agreement's length ("pour une durée de cinq ans", "triennale",
"sur la période 2025-2027"), ``elapsed`` for lengths of time already spent ("depuis dix
ans", "cinq années d'échanges", "En quatre ans"), which the assembler should ignore, and
``period`` for a bare "2025-2027". ``doc.spans["since"]`` holds start years
(``Span._.since_year``): label ``relationship``, or ``actor_since`` when the parse shows the
year belongs to an organisation ("l'association, active depuis 1996").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from pipeline.extract.components.token_patterns import TokenPatternIndex
from pipeline.extract.dates import YEAR_PATTERN, DateLexicon, resolve_duration

DURATIONS_KEY = "durations"
SINCE_KEY = "since"
RELATIONSHIP = "relationship"
ACTOR_SINCE = "actor_since"
# How far back from "depuis" an office noun may stand ("maire de Saint-Jean-de-Luz depuis 1989")
OFFICE_REACH = 8
SUBJECT_DEPS = frozenset({"nsubj", "nsubj:pass"})
MODIFIER_DEPS = frozenset({"acl", "acl:relcl", "amod", "appos"})

for _name in ("iso_duration", "since_year"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@dataclass(frozen=True)
class DurationRule:
    id: str
    spans_key: str
    label: str
    form: str
    iso_duration: str | None
    pattern: list[dict]


def read_duration_rules(path: str | Path) -> list[DurationRule]:
    with Path(path).open(encoding="utf-8") as handle:
        return [
            DurationRule(e["id"], e["spans_key"], e["label"], e["form"], e.get("iso_duration"), e["pattern"])
            for e in (json.loads(line) for line in handle if line.strip())
        ]


def year_owner(year: Token) -> Token | None:
    """The noun the year is said of: the subject of the verb it hangs on, or the noun that verb modifies.

    "L'association, active depuis 1996": 1996 → active → association. "Les deux villes
    coopèrent depuis 2011": 2011 → coopèrent → villes.
    """
    predicate = year.head
    if predicate.dep_ in MODIFIER_DEPS:
        return predicate.head
    subjects = [child for child in predicate.children if child.dep_ in SUBJECT_DEPS]
    if not subjects:
        return None
    subject = subjects[0]
    if subject.pos_ == "PRON" and predicate.dep_ in MODIFIER_DEPS | {"acl:relcl"}:
        return predicate.head
    return subject


class DurationCandidates:
    """Finds agreement lengths and start years with one Matcher; writes two span groups."""

    def __init__(self, nlp: Language, rules: list[DurationRule], lexicon: DateLexicon) -> None:
        self.lexicon = lexicon
        self.matcher = TokenPatternIndex(nlp.vocab)
        self.rules: dict[int, DurationRule] = {}
        for rule in rules:
            self.matcher.add(rule.id, [rule.pattern], greedy="LONGEST")
            self.rules[nlp.vocab.strings[rule.id]] = rule

    def _since_label(self, doc: Doc, year: Token) -> str:
        if not doc.has_annotation("DEP"):
            return RELATIONSHIP
        owner = year_owner(year)
        if owner is not None and (owner.lower_ in self.lexicon.actor_nouns or owner.lemma_.lower() in self.lexicon.actor_nouns):
            return ACTOR_SINCE
        if self._held_office(doc, year):
            return ACTOR_SINCE
        return RELATIONSHIP

    def _held_office(self, doc: Doc, year: Token) -> bool:
        """"Jean Martin, maire de Vitré depuis 1989": the year an office began, read back from
        "depuis" over the office's own phrase (no verb, no punctuation)."""
        i = year.i - 1
        while i >= 0 and doc[i].lower_ in ("depuis", "en", "dès"):
            i -= 1
        stop = max(i - OFFICE_REACH, -1)
        while i > stop and not doc[i].is_punct and doc[i].pos_ not in ("VERB", "AUX"):
            if doc[i].lower_ in self.lexicon.role_nouns:
                return True
            i -= 1
        return False

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc, as_spans=True)
        groups: dict[str, list[Span]] = {DURATIONS_KEY: [], SINCE_KEY: []}
        for key in groups:
            candidates = [span for span in matches if self.rules[span.label].spans_key == key]
            for span in filter_spans(candidates):
                rule = self.rules[span.label]
                if key == SINCE_KEY:
                    year = next(token for token in span if YEAR_PATTERN.match(token.text))
                    found = Span(doc, span.start, span.end, label=self._since_label(doc, year), span_id=rule.id)
                    found._.since_year = int(year.text)
                else:
                    iso = resolve_duration(rule.form, [t.lower_ for t in span], self.lexicon, rule.iso_duration)
                    if iso is None:
                        continue
                    found = Span(doc, span.start, span.end, label=rule.label, span_id=rule.id)
                    found._.iso_duration = iso
                groups[key].append(found)
        for key, spans in groups.items():
            doc.spans[key] = spans
        return doc


@Language.factory(
    "partnerships_durations",
    default_config={"patterns_path": "", "lexicon_path": ""},
    assigns=["doc.spans", "span._.iso_duration", "span._.since_year"],
)
def make_duration_candidates(nlp: Language, name: str, patterns_path: str, lexicon_path: str) -> DurationCandidates:
    return DurationCandidates(nlp, read_duration_rules(patterns_path), DateLexicon.from_jsonl(lexicon_path))
