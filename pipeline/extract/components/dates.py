"""Date candidates of a block: every date expression, resolved against the article's publication date.

Token patterns (``models/patterns/dates.jsonl``) find the spans and say which form each is
("calendar", "numeric", "ago", …); :func:`pipeline.dates.resolve_date` gives the value at the
precision written. The assembler, not this component, decides which date is the signature:
this one only finds and normalises candidates, with labels ``day``, ``month``, ``year``,
``anaphoric`` (an offset from another date) and ``range`` (a period, given by its start).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.extract.dates import YEAR_PATTERN, DateLexicon, resolve_date

SPANS_KEY = "dates"
PERIOD_DASHES = frozenset({"-", "–", "/"})
# The rule of a year joined to the year date before it ("en 2002 et 2004", "en 1998, 2003 et 2010")
COORDINATED_YEAR = "year_coordinated"

for _name in ("date_value", "date_offset_days"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@dataclass(frozen=True)
class DateRule:
    id: str
    form: str
    pattern: list[dict]


def read_date_rules(path: str | Path) -> list[DateRule]:
    with Path(path).open(encoding="utf-8") as handle:
        return [
            DateRule(entry["id"], entry["form"], entry["pattern"])
            for entry in (json.loads(line) for line in handle if line.strip())
        ]


PERIOD_WORDS = ("à", "au")


def starts_year_period(doc: Doc, span: Span) -> bool:
    """A year followed by "-2027" or "à 2027" opens a period ("2025-2027", "la période 2016 à
    2021"), and "à 2021" after a year closes one: a duration, not a date."""
    last, first = doc[span.end - 1], doc[span.start]
    if first.lower_ in PERIOD_WORDS and span.start > 0 and YEAR_PATTERN.match(doc[span.start - 1].text) is not None:
        return True
    return (
        YEAR_PATTERN.match(last.text) is not None
        and span.end + 1 < len(doc)
        and (doc[span.end].text in PERIOD_DASHES or doc[span.end].lower_ in PERIOD_WORDS)
        and YEAR_PATTERN.match(doc[span.end + 1].text) is not None
    )


class DateCandidates:
    """Finds date expressions with a Matcher and stores them, resolved, in ``doc.spans[spans_key]``."""

    def __init__(self, nlp: Language, rules: list[DateRule], lexicon: DateLexicon, spans_key: str) -> None:
        self.lexicon = lexicon
        self.spans_key = spans_key
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.forms: dict[int, str] = {}
        for rule in rules:
            self.matcher.add(rule.id, [rule.pattern], greedy="LONGEST")
            self.forms[nlp.vocab.strings[rule.id]] = rule.form

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc, as_spans=True)
        spans: list[Span] = []
        for span in filter_spans(matches):
            if starts_year_period(doc, span):
                continue
            if span.label_ == COORDINATED_YEAR and not (spans and spans[-1].end == span.start and spans[-1].label_ == "year"):
                continue  # "en 2002 et 2004" names two years, "entre 2002 et 2004" one period
            words = [token.lower_ for token in span]
            context_year = year_in_context(span, spans, doc._.published)
            if context_year is not None:
                words.append(context_year)
            resolved = resolve_date(self.forms[span.label], words, doc._.published, self.lexicon)
            if resolved is None:
                continue
            candidate = Span(doc, span.start, span.end, label=resolved.label.value, span_id=span.label_)
            candidate._.date_value = resolved.value
            candidate._.date_offset_days = resolved.offset_days
            spans.append(candidate)
        doc.spans[self.spans_key] = spans
        return doc


# A day and month without a year, and nothing relative ("le 9 mai", not "le 9 mai dernier")
YEARLESS_DAY = "date_day_month"


def year_in_context(span: Span, earlier: list[Span], published: dt.date | None) -> str | None:
    """The year a yearless day takes from the dates written before it: "lors des séances du 3 mai
    2010, … la signature de la charte le 9 mai" is 9 May 2010 whatever the page's date. The
    sentence's last written year counts first; without a publication date to resolve against, the
    block's last one does."""
    if span.label_ != YEARLESS_DAY:
        return None
    sentence_start = span.sent.start if span.doc.has_annotation("SENT_START") else 0
    for candidate in reversed(earlier):
        if published is not None and candidate.start < sentence_start:
            return None
        value = candidate._.date_value or ""
        if candidate.label_ in ("day", "month", "year") and len(value) >= 4 and any(YEAR_PATTERN.match(t.text) for t in candidate):
            return value[:4]
    return None


@Language.factory(
    "partnerships_dates",
    default_config={"patterns_path": "", "lexicon_path": "", "spans_key": SPANS_KEY},
    requires=["doc._.published"],
    assigns=["doc.spans", "span._.date_value", "span._.date_offset_days"],
)
def make_date_candidates(
    nlp: Language, name: str, patterns_path: str, lexicon_path: str, spans_key: str
) -> DateCandidates:
    return DateCandidates(nlp, read_date_rules(patterns_path), DateLexicon.from_jsonl(lexicon_path), spans_key)
