"""Scoring of extracted records against a gold file (CONTRACT.md, "Scoring").

The back end of ``partnerships eval``: pure functions over gold articles and predicted
record dicts, no I/O. One per-article computation (pairing, then one-to-one matching of
the items of each pair) feeds both the totals of :func:`score` and the error listing of
:func:`article_diffs`, so the two can never disagree.

Items are the values the contract scores. The slot fields are counted in the slot total;
``actors`` and ``kinds`` (one kind per signatory, right when a paired gold signatory with a
matching name has the same kind) are reported beside it, not counted. Null values are not
items. A ratio over zero is 1.0 when the other side is zero too (nothing to find, nothing
predicted), else 0.0. Within a pair of records, items match one to one with a maximum matching, so two
identical predicted values earn one gold value once, and a subset-style name match cannot
rob a better-fitting item of its partner.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.normalize import names_match
from pipeline.records import GoldArticle, duration_months

SLOT_FIELDS: tuple[str, ...] = (
    "signatories",
    "countries",
    "agreement_type",
    "signed_on",
    "signing_place",
    "duration",
    "since",
    "themes",
    "people",
)
REPORTED_FIELDS: tuple[str, ...] = ("actors", "kinds")
FIELDS: tuple[str, ...] = SLOT_FIELDS + REPORTED_FIELDS

Value = str | int | tuple[str, str]
"""An item's value: a name, code, date or year; for ``kinds`` the pair (signatory name, kind)."""

RecordItems = dict[str, list[Value]]
ItemMatching = dict[int, int]
"""Index of a predicted item -> index of the gold item it matched."""


def _same_name(predicted: Value, gold: Value) -> bool:
    return names_match(str(predicted), str(gold))


def _same_duration(predicted: Value, gold: Value) -> bool:
    """Same length (P2Y = P24M); a duration with weeks or days only equals itself."""
    predicted_months, gold_months = duration_months(str(predicted)), duration_months(str(gold))
    if predicted_months is None or gold_months is None:
        return predicted == gold
    return predicted_months == gold_months


def _same_kind(predicted: Value, gold: Value) -> bool:
    """A kind item is (signatory name, kind): right when the names match and the kinds are equal."""
    if not (isinstance(predicted, tuple) and isinstance(gold, tuple)):
        return False
    return predicted[1] == gold[1] and names_match(predicted[0], gold[0])


def _equal(predicted: Value, gold: Value) -> bool:
    return predicted == gold


_SAME: dict[str, Callable[[Value, Value], bool]] = {
    "signatories": _same_name,
    "countries": _equal,
    "agreement_type": _equal,
    "signed_on": _equal,
    "signing_place": _same_name,
    "duration": _same_duration,
    "since": _equal,
    "themes": _equal,
    "people": _same_name,
    "actors": _same_name,
    "kinds": _same_kind,
}


def _present(values: Sequence[Value | None]) -> list[Value]:
    return [value for value in values if value is not None]


def _theme_code(theme: Any) -> Any:
    """Predictions carry ``{"label", "code"}`` objects, gold carries bare codes."""
    return theme.get("code") if isinstance(theme, Mapping) else theme


def _record_items(record: Mapping[str, Any]) -> RecordItems:
    """The scored items of one record (gold or predicted, as a contract-shaped dict), by field."""
    signatories: Sequence[Mapping[str, Any]] = record.get("signatories") or ()
    place: Mapping[str, Any] | None = record.get("signing_place")
    return {
        "signatories": _present([party.get("name") for party in signatories]),
        "countries": _present([party.get("country") for party in signatories]),
        "agreement_type": _present([record.get("agreement_type")]),
        "signed_on": _present([record.get("signed_on")]),
        "signing_place": _present([place.get("name") if place else None]),
        "duration": _present([record.get("duration")]),
        "since": _present([record.get("since")]),
        "themes": _present([_theme_code(theme) for theme in record.get("themes") or ()]),
        "people": _present([person.get("name") for person in record.get("people") or ()]),
        "actors": _present([actor.get("name") for actor in record.get("actors") or ()]),
        "kinds": [
            (party["name"], party["kind"])
            for party in signatories
            if party.get("name") is not None and party.get("kind") is not None
        ],
    }


def _match_items(predicted: list[Value], gold: list[Value], same: Callable[[Value, Value], bool]) -> ItemMatching:
    """A maximum one-to-one matching (augmenting paths), deterministic in the items' order."""
    predicted_of_gold: dict[int, int] = {}

    def augment(p: int, visited: set[int]) -> bool:
        for g, gold_value in enumerate(gold):
            if g in visited or not same(predicted[p], gold_value):
                continue
            visited.add(g)
            if g not in predicted_of_gold or augment(predicted_of_gold[g], visited):
                predicted_of_gold[g] = p
                return True
        return False

    for p in range(len(predicted)):
        augment(p, set())
    return {p: g for g, p in sorted(predicted_of_gold.items())}


def _match_records(predicted: RecordItems, gold: RecordItems) -> dict[str, ItemMatching]:
    return {name: _match_items(predicted[name], gold[name], _SAME[name]) for name in FIELDS}


@dataclass(frozen=True)
class _ArticleResult:
    """One article scored: its records' items, the record pairs and the item matchings of each pair."""

    predicted: list[RecordItems]
    gold: list[RecordItems]
    matchings: dict[tuple[int, int], dict[str, ItemMatching]]
    """(predicted index, gold index) of each pair, in pairing order -> item matchings by field."""


def _score_article(
    gold_records: Sequence[Mapping[str, Any]], predicted_records: Sequence[Mapping[str, Any]]
) -> _ArticleResult:
    """Pair records greedily: most matched signatories first, then most matched slot values.

    A pair is allowed only when the predicted record matches at least min(2, number of gold
    signatories) of the gold signatories. Ties go to the earlier predicted record, then the
    earlier gold record, so the result does not depend on dict or set order.
    """
    predicted = [_record_items(record) for record in predicted_records]
    gold = [_record_items(record) for record in gold_records]
    candidates: list[tuple[int, int, int, int, dict[str, ItemMatching]]] = []
    for p, predicted_items in enumerate(predicted):
        for g, gold_items in enumerate(gold):
            matching = _match_records(predicted_items, gold_items)
            matched_signatories = len(matching["signatories"])
            if matched_signatories < min(2, len(gold_items["signatories"])):
                continue
            matched_slots = sum(len(matching[name]) for name in SLOT_FIELDS)
            candidates.append((-matched_signatories, -matched_slots, p, g, matching))
    candidates.sort(key=lambda candidate: candidate[:4])
    matchings: dict[tuple[int, int], dict[str, ItemMatching]] = {}
    paired_predicted: set[int] = set()
    paired_gold: set[int] = set()
    for _, _, p, g, matching in candidates:
        if p in paired_predicted or g in paired_gold:
            continue
        paired_predicted.add(p)
        paired_gold.add(g)
        matchings[(p, g)] = matching
    return _ArticleResult(predicted=predicted, gold=gold, matchings=matchings)


def _score_articles(
    gold: Sequence[GoldArticle], predicted: Mapping[str, Sequence[Mapping[str, Any]]]
) -> Iterator[tuple[str, _ArticleResult]]:
    """Each gold article with its predictions; an article with no entry predicted nothing."""
    for gold_article in gold:
        url = gold_article.article.url
        gold_records = [record.model_dump(mode="json") for record in gold_article.records]
        yield url, _score_article(gold_records, predicted.get(url, ()))


def _ratio(numerator: int, denominator: int, other_denominator: int) -> float:
    """A zero denominator scores 1.0 when the other side is empty too (nothing to find, nothing wrong)."""
    if denominator:
        return numerator / denominator
    return 1.0 if other_denominator == 0 else 0.0


@dataclass(frozen=True)
class Counts:
    """Correct, predicted and gold counts of one measure, with its precision, recall and F1."""

    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.predicted, self.gold)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.gold, self.predicted)

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold)

    def to_dict(self) -> dict[str, int | float]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass(frozen=True)
class ScoreReport:
    """The scores of the contract: records, slots (micro, over SLOT_FIELDS) and each field."""

    articles: int
    records: Counts
    fields: dict[str, Counts]
    """Every name of FIELDS, in that order."""

    @property
    def slots(self) -> Counts:
        return sum((self.fields[name] for name in SLOT_FIELDS), Counts(0, 0, 0))

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON data, for ``partnerships eval --json``."""
        return {
            "articles": self.articles,
            "records": self.records.to_dict(),
            "slots": self.slots.to_dict(),
            "fields": {name: counts.to_dict() for name, counts in self.fields.items()},
        }


def score(gold: Sequence[GoldArticle], predicted: Mapping[str, Sequence[Mapping[str, Any]]]) -> ScoreReport:
    """Score predicted records (by article url, contract-shaped dicts) against gold articles.

    Predictions for urls absent from the gold are not scored.
    """
    articles = 0
    records = Counts(0, 0, 0)
    fields = {name: Counts(0, 0, 0) for name in FIELDS}
    for _, result in _score_articles(gold, predicted):
        articles += 1
        records += Counts(len(result.matchings), len(result.predicted), len(result.gold))
        for name in FIELDS:
            fields[name] += Counts(
                sum(len(matching[name]) for matching in result.matchings.values()),
                sum(len(items[name]) for items in result.predicted),
                sum(len(items[name]) for items in result.gold),
            )
    return ScoreReport(articles=articles, records=records, fields=fields)


def format_report(report: ScoreReport) -> str:
    """The report as an aligned plain-text table: records, slots, then each field."""
    rows: list[tuple[str, Counts]] = [("records", report.records), ("slots", report.slots)]
    rows += [(f"  {name}" + ("*" if name in REPORTED_FIELDS else ""), report.fields[name]) for name in FIELDS]
    label_width = max(len(label) for label, _ in rows)
    header = f"{'':<{label_width}}  {'P':>6} {'R':>6} {'F1':>6}  {'tp':>6} {'pred':>6} {'gold':>6}"
    lines = [f"articles: {report.articles}", header]
    for label, counts in rows:
        lines.append(
            f"{label:<{label_width}}  {counts.precision:>6.3f} {counts.recall:>6.3f} {counts.f1:>6.3f}"
            f"  {counts.tp:>6} {counts.predicted:>6} {counts.gold:>6}"
        )
    lines.append("* reported, not counted in slots")
    return "\n".join(lines)


@dataclass(frozen=True)
class ItemError:
    """A predicted item that matched nothing (wrong) or a gold item nothing matched (missed)."""

    field: str
    value: Value
    record: int
    """Index of the item's record among its article's predicted (wrong) or gold (missed) records."""
    paired_with: int | None
    """Index of the record it was paired with on the other side; None when its record is unpaired."""


@dataclass(frozen=True)
class ArticleDiff:
    """What one article got wrong: its record pairs (predicted index, gold index) and item errors."""

    url: str
    pairs: tuple[tuple[int, int], ...]
    missed: tuple[ItemError, ...]
    wrong: tuple[ItemError, ...]


def _errors(
    records: list[RecordItems], pairs: dict[int, tuple[int, dict[str, Collection[int]]]]
) -> tuple[ItemError, ...]:
    """The items of each record its pair's matching left out; all items of an unpaired record.

    ``pairs`` maps a record's index to its partner's index and, by field, the indices of its matched items.
    """
    errors: list[ItemError] = []
    for index, items in enumerate(records):
        partner, matched = pairs.get(index, (None, {}))
        for name in FIELDS:
            errors += [
                ItemError(name, value, index, partner)
                for i, value in enumerate(items[name])
                if i not in matched.get(name, ())
            ]
    return tuple(errors)


def article_diffs(
    gold: Sequence[GoldArticle], predicted: Mapping[str, Sequence[Mapping[str, Any]]]
) -> Iterator[ArticleDiff]:
    """Per gold article: its record pairs, gold items missed, predicted items wrong (``eval --verbose``).

    Every article is yielded, a perfect one with no errors, so a caller can show the pairs too.
    """
    for url, result in _score_articles(gold, predicted):
        pairs = result.matchings.items()
        wrong = _errors(
            result.predicted, {p: (g, {name: set(m) for name, m in by_field.items()}) for (p, g), by_field in pairs}
        )
        missed = _errors(
            result.gold, {g: (p, {name: set(m.values()) for name, m in by_field.items()}) for (p, g), by_field in pairs}
        )
        yield ArticleDiff(url=url, pairs=tuple(result.matchings), missed=missed, wrong=wrong)


def format_article_diff(diff: ArticleDiff) -> str:
    """An article's errors, one per line, for reading in a terminal; empty when it has none."""
    if not diff.missed and not diff.wrong:
        return ""
    lines = [diff.url, "  pairs (predicted, gold): " + (", ".join(f"{p}-{g}" for p, g in diff.pairs) or "none")]
    for kind, errors in (("missed", diff.missed), ("wrong", diff.wrong)):
        for error in errors:
            record = f"gold {error.record}" if kind == "missed" else f"predicted {error.record}"
            paired = "" if error.paired_with is not None else ", unpaired"
            lines.append(f"  {kind:<6} {error.field:<14} {error.value!r} ({record}{paired})")
    return "\n".join(lines)
