"""The article text cut at evidence boundaries, so the template can mark each field's words,
and the choice of which evidence still supports the reviewed value.

Evidence of different fields may overlap (a date inside the signing sentence): each piece
of text carries every field whose evidence covers it, the innermost first. The pieces are
plain strings; the template escapes them, so an article's markup is shown, never
interpreted.

Evidence was read for the value the extractor gave. Once an analyst corrected a field, the
article's words for the old value are not marked as proof of the new one: a piece of
evidence is kept only when the article's record agrees with the reviewed value and, for a
date, when the words name the reviewed year (or, said relatively, "cette année", "l'an
dernier", a bare day, when that year is the one the publication date gives).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.records import duration_months
from pipeline.store.reviewed import search_fold

_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_THIS_YEAR = re.compile(r"\bcette annee\b")
_LAST_YEAR = re.compile(r"\b(l an|l annee) (dernier|derniere|passe|passee)\b")


@dataclass(frozen=True)
class Piece:
    text: str
    fields: tuple[str, ...]
    rules: tuple[str, ...]


def evidence_pieces(text: str, evidence: Iterable[Mapping[str, Any]]) -> list[Piece]:
    spans = [
        (max(0, int(item["start"])), min(len(text), int(item["end"])), str(item["field"]), str(item.get("rule") or ""))
        for item in evidence
    ]
    spans = [span for span in spans if span[0] < span[1]]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        # Innermost evidence first: its field gives the piece its colour.
        covering = [(field, rule) for s, e, field, rule in sorted(spans, key=lambda span: span[1] - span[0]) if s <= start and end <= e]
        pieces.append(
            Piece(
                text[start:end],
                tuple(dict.fromkeys(field for field, _ in covering)),
                tuple(dict.fromkeys(rule for _, rule in covering if rule)),
            )
        )
    return pieces


def supporting_evidence(
    record: Mapping[str, Any], reviewed: Mapping[str, Any], published: dt.date | None
) -> list[Mapping[str, Any]]:
    """The evidence of the article's ``record`` that supports the ``reviewed`` values."""
    return [item for item in record.get("evidence", []) if _supports(item, record, reviewed, published)]


def _supports(item: Mapping[str, Any], record: Mapping[str, Any], reviewed: Mapping[str, Any], published: dt.date | None) -> bool:
    field, words = str(item["field"]), search_fold(str(item.get("text") or ""))
    if field == "agreement":
        return record.get("agreement_type") in (reviewed.get("agreement_type"), "other")
    if field == "signed_on":
        return _date_supported(words, record.get("signed_on"), reviewed.get("signed_on"), published)
    if field == "since":
        return reviewed.get("since") is not None and record.get("since") == reviewed.get("since")
    if field == "duration":
        mine, theirs = record.get("duration"), reviewed.get("duration")
        return bool(mine and theirs) and duration_months(mine) == duration_months(theirs)
    if field == "signing_place":
        mine, theirs = record.get("signing_place"), reviewed.get("signing_place")
        return bool(mine and theirs) and mine["country"] == theirs["country"] and _named(words, [theirs["name"]])
    if field in ("signatories", "people", "actors"):
        return _named(words, [item["name"] for item in reviewed.get(field, [])])
    if field == "themes":
        kept = {theme["code"] for theme in reviewed.get("themes", [])}
        return bool(kept) and {theme["code"] for theme in record.get("themes", [])} <= kept
    return True


def _named(words: str, names: list[str]) -> bool:
    """One of the names is said in these (folded) words."""
    padded = f" {words} "
    return any(folded and f" {folded} " in padded for folded in (search_fold(name) for name in names))


def _date_supported(words: str, extracted: str | None, value: str | None, published: dt.date | None) -> bool:
    if not value or not extracted or not (value.startswith(extracted) or extracted.startswith(value)):
        return False
    year = int(value[:4])
    named_years = {int(found) for found in _YEAR.findall(words)}
    if named_years:
        return year in named_years
    if published is None:
        return True
    if _THIS_YEAR.search(words):
        return year == published.year
    if _LAST_YEAR.search(words):
        return year == published.year - 1
    # A day or a month without its year ("le 12 mars", "en février dernier", "jeudi"):
    # this year or the previous one.
    return year in (published.year, published.year - 1)
