"""Merging: records of different articles that describe one agreement become one partnership.

Two records describe the same agreement when they have the same signatories after the
contract's name normalisation (same number of parties, each matched by country and by name
words, as ``names_match`` compares them, to a distinct party of the other) and compatible dates (same year, or one
missing). Records are clustered in a fixed order, so the result depends only on the set of
records, never on the order in which articles arrived (a run resumed after a crash gives the
same partnerships as an uninterrupted one).

The merged document has the record shape (``PartnershipRecord``). Lists (themes, people,
actors) are united. A single-valued field whose articles disagree keeps its most supported
value in the document, and every value with its articles goes to ``conflicts``: the
partnership is flagged for review, nothing is silently overwritten. Values that only differ
in precision do not conflict: ``2024-03`` and ``2024-03-12`` (the day is kept), ``P2Y`` and
``P24M``, an ``other`` agreement type and a precise one.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, get_origin

from pipeline.normalize import fold, name_words, names_match
from pipeline.records import AgreementType, PartnershipRecord, duration_months

LIST_FIELDS = frozenset(name for name, info in PartnershipRecord.model_fields.items() if get_origin(info.annotation) is list)
# Fields that are the partnership's own, not values the articles could disagree on.
OWN_FIELDS = frozenset({"record_id", "article_url", "source", "evidence", "confidence", "model_version", "signatories"})
# Wording, not facts: the first article's is kept.
WORDING_FIELDS = frozenset({"agreement_label"})


@dataclass(frozen=True)
class StoredRecord:
    """A record as the store keeps it: its article and its rank in that article."""

    article_url: str
    ordinal: int
    record: PartnershipRecord


@dataclass
class MergedPartnership:
    id: str
    countries: str
    members: list[StoredRecord]
    document: dict[str, Any]
    conflicts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def countries_key(record: PartnershipRecord) -> str:
    """The signatories' countries, sorted: records of one agreement always share it."""
    return "|".join(sorted(p.country for p in record.signatories))


@dataclass(frozen=True)
class ClusterItem:
    """What clustering needs of a stored record, without validating the whole document."""

    article_url: str
    ordinal: int
    record_id: str
    signed_on: str | None
    parties: tuple[tuple[str, frozenset[str]], ...]  # (country, name words) per signatory

    @classmethod
    def of(cls, article_url: str, ordinal: int, document: dict[str, Any]) -> ClusterItem:
        parties = tuple((p["country"], name_words(p["name"])) for p in document["signatories"])
        return cls(article_url, ordinal, document["record_id"], document.get("signed_on"), parties)


def _same_parties(a: Sequence[tuple[str, frozenset[str]]], b: Sequence[tuple[str, frozenset[str]]]) -> bool:
    """Same number of parties, each matched to a distinct one of the other by country and by
    name words (``names_match``: both keep a word, one's words all among the other's)."""
    if len(a) != len(b) or not a:
        return False
    return any(
        all(cx == cy and wx and wy and (wx <= wy or wy <= wx) for (cx, wx), (cy, wy) in zip(a, ordering, strict=True))
        for ordering in itertools.permutations(b)
    )


def dates_compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a[:4] == b[:4]


def cluster(items: Sequence[ClusterItem]) -> list[list[ClusterItem]]:
    """Group records describing one agreement, in a fixed order: dated records first, then by
    record id and article, so a dated record is only compared with the groups of its year and
    an undated one with every group."""
    ordered = sorted(items, key=lambda r: (r.signed_on is None, r.record_id, r.article_url, r.ordinal))
    clusters: list[list[ClusterItem]] = []
    groups_of_year: dict[str, list[int]] = {}
    for item in ordered:
        year = item.signed_on[:4] if item.signed_on else None
        candidates = groups_of_year.get(year, []) if year is not None else range(len(clusters))
        for index in candidates:
            group = clusters[index]
            if all(_same_parties(item.parties, m.parties) and dates_compatible(item.signed_on, m.signed_on) for m in group):
                group.append(item)
                break
        else:
            if year is not None:
                groups_of_year.setdefault(year, []).append(len(clusters))
            clusters.append([item])
    return clusters


@dataclass(frozen=True)
class Overrides:
    """Analysts' grouping decisions in force in one signatory-country group, as unordered
    pairs of article URLs (``partnership_overrides``, the latest decision per pair)."""

    together: frozenset[frozenset[str]] = frozenset()
    apart: frozenset[frozenset[str]] = frozenset()
    # Articles an analyst took out of a partnership: between parts of equal size, the part
    # without them is the partnership that stayed.
    split_out: frozenset[str] = frozenset()

    def keeps_apart(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.apart

    def rank(self, members: Collection[str]) -> tuple[int, int]:
        """Larger first, then fewer split-out articles: the part that keeps the partnership."""
        return len(members), -sum(url in self.split_out for url in members)


def apply_overrides(groups: list[list[ClusterItem]], overrides: Overrides) -> list[list[ClusterItem]]:
    """The automatic groups corrected by the analysts: groups holding two articles put
    together are joined, then a group holding two articles kept apart is divided. Each
    record goes to the largest part none of whose articles it must stay apart from, records
    named in a decision first: an article arriving later joins the part that kept most
    of the partnership (the one without split-out articles among equals)."""
    joined = _join(groups, overrides.together)
    result: list[list[ClusterItem]] = []
    for group in joined:
        articles = {m.article_url for m in group}
        constrained = [m for m in group if any(overrides.keeps_apart(m.article_url, other) for other in articles)]
        if not constrained:
            result.append(group)
            continue
        parts: list[list[ClusterItem]] = []
        for member in [*constrained, *(m for m in group if m not in constrained)]:
            fitting = [p for p in parts if not any(overrides.keeps_apart(member.article_url, o.article_url) for o in p)]
            if fitting:
                max(fitting, key=lambda part: overrides.rank([m.article_url for m in part])).append(member)
            else:
                parts.append([member])
        result.extend(parts)
    return result


def _join(groups: list[list[ClusterItem]], together: frozenset[frozenset[str]]) -> list[list[ClusterItem]]:
    """Groups linked by a pair of articles put together become one, in the order of their
    first group."""
    leader = list(range(len(groups)))

    def find(index: int) -> int:
        while leader[index] != index:
            index = leader[index]
        return index

    groups_of: dict[str, set[int]] = {}
    for index, group in enumerate(groups):
        for member in group:
            groups_of.setdefault(member.article_url, set()).add(index)
    for pair in together:
        linked = sorted(set().union(*(groups_of.get(url, set()) for url in pair)))
        if len(pair) == 2 and all(url in groups_of for url in pair):
            for index in linked[1:]:
                leader[find(index)] = find(linked[0])
    joined: dict[int, list[ClusterItem]] = {}
    for index, group in enumerate(groups):
        joined.setdefault(find(index), []).extend(group)
    return [joined[index] for index in sorted(joined)]


def merge(members: list[StoredRecord]) -> MergedPartnership:
    """One partnership from the records of a cluster (see module docstring)."""
    members = sorted(members, key=lambda r: (r.article_url, r.ordinal))
    ids = Counter(m.record.record_id for m in members)
    partnership_id = min(ids, key=lambda i: (-ids[i], i))
    first = members[0].record
    dumped = [(m.article_url, m.record.model_dump(mode="json")) for m in members]
    document: dict[str, Any] = first.model_dump(mode="json")
    document.update(
        record_id=partnership_id,
        evidence=[],
        confidence=max(m.record.confidence for m in members),
    )
    conflicts: dict[str, list[dict[str, Any]]] = {}
    for name in PartnershipRecord.model_fields:
        if name in OWN_FIELDS:
            continue
        values = [(url, doc[name]) for url, doc in dumped]
        if name in LIST_FIELDS:
            document[name] = _union([v for _, v in values])
        elif name in WORDING_FIELDS:
            document[name] = next((v for _, v in values if v is not None), None)
        else:
            document[name], disagreement = _single_value(name, values)
            if disagreement:
                conflicts[name] = disagreement
    return MergedPartnership(partnership_id, countries_key(first), members, document, conflicts)


def _union(lists: list[list[Any]]) -> list[Any]:
    seen: dict[str, Any] = {}
    for items in lists:
        for item in items:
            seen.setdefault(_identity(item), item)
    return list(seen.values())


def _identity(item: Any) -> str:
    """Items naming the same thing are one (a person or actor by normalised name)."""
    if isinstance(item, dict) and "name" in item and "code" not in item:
        return " ".join(sorted(name_words(item["name"]))) or fold(item["name"])
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _single_value(name: str, values: list[tuple[str, Any]]) -> tuple[Any, list[dict[str, Any]]]:
    """The field's merged value and, when articles disagree, every value with its articles."""
    present = [(url, value) for url, value in values if value is not None]
    if not present:
        return None, []
    refines = _REFINES.get(name, _equal)
    groups: list[tuple[Any, list[str]]] = []  # (most precise value of the group, articles)
    for url, value in present:
        for index, (kept, urls) in enumerate(groups):
            if refines(value, kept) or refines(kept, value):
                groups[index] = (value if refines(value, kept) else kept, [*urls, url])
                break
        else:
            groups.append((value, [url]))
    best = max(groups, key=lambda g: len(g[1]))[0]
    if len(groups) == 1:
        return best, []
    return best, [{"value": value, "articles": sorted(set(urls))} for value, urls in groups]


def _equal(a: Any, b: Any) -> bool:
    return a == b


def _date_refines(precise: str, vague: str) -> bool:
    return precise.startswith(vague)


def _duration_refines(a: str, b: str) -> bool:
    months = duration_months(a)
    return a == b or (months is not None and months == duration_months(b))


def _type_refines(precise: str, vague: str) -> bool:
    return precise == vague or vague == AgreementType.other


def _place_refines(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["country"] == b["country"] and names_match(a["name"], b["name"])


_REFINES: dict[str, Callable[[Any, Any], bool]] = {
    "signed_on": _date_refines,
    "duration": _duration_refines,
    "agreement_type": _type_refines,
    "signing_place": _place_refines,
}
