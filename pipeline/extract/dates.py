"""Resolution of French date, duration and year expressions against an article's publication date.

The rule components (``pipeline.extract.components.dates`` and ``.durations``) find candidate spans with
token patterns; each pattern names a *form* ("calendar", "numeric", "ago", …) and this module
turns the span's words into a value at the precision the text gives: ``YYYY-MM-DD``,
``YYYY-MM`` or ``YYYY``, never inventing a day or a month. Everything here is pure: words and
a reference date in, a value out, so it is tested without spaCy.

dateparser is used only where it is reliable (numeric dates, "il y a N semaines") and only on
candidate strings, cached; it cannot be used alone: it returns nothing for "ce jeudi 21
novembre" or "lundi dernier" and invents a day and a month for "en 2025".
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import dateparser

DAY_PATTERN = re.compile(r"^(0?[1-9]|[12][0-9]|3[01])(?:er)?$")
YEAR_PATTERN = re.compile(r"^(1[89]|20)[0-9]{2}$")
NUMBER_PATTERN = re.compile(r"^[0-9]{1,3}$")
LAST_WORDS = frozenset({"dernier", "dernière", "passé", "passée"})
NEXT_WORDS = frozenset({"prochain", "prochaine"})
DAY_UNITS = {"jour": 1, "jours": 1, "semaine": 7, "semaines": 7}
MONTH_UNITS = frozenset({"mois"})
YEAR_UNITS = frozenset({"an", "ans", "année", "années"})
ANAPHORIC_OFFSETS = {"lendemain": 1, "surlendemain": 2, "veille": -1, "avant-veille": -2, "même": 0}
# "cette année-là", "la même année", "l'année suivante", "l'année précédente": years from the last year told
ANAPHORIC_YEAR_OFFSETS = {"-là": 0, "là": 0, "même": 0, "suivante": 1, "d'après": 1, "précédente": -1, "d'avant": -1}
RANGE_SEPARATORS = frozenset({"au", "et"})


class DateLabel(StrEnum):
    """Span labels of ``doc.spans["dates"]``: the precision of the value, or what kind of date it is."""

    day = "day"
    month = "month"
    year = "year"
    anaphoric = "anaphoric"
    anaphoric_year = "anaphoric_year"
    range = "range"


class Relation(StrEnum):
    """How a date without a year relates to the reference date."""

    on_or_before = "on_or_before"
    before = "before"
    after = "after"


@dataclass(frozen=True)
class DateLexicon:
    """French month and weekday names, number words, organisation and office nouns, read from a JSONL lexicon."""

    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    actor_nouns: frozenset[str]
    role_nouns: frozenset[str] = frozenset()
    """Offices a person holds "depuis" a year ("maire de Vitré depuis 1989")."""

    @classmethod
    def from_jsonl(cls, path: str | Path) -> DateLexicon:
        tables: dict[str, dict[str, int]] = {"month": {}, "weekday": {}, "number": {}}
        actor_nouns: set[str] = set()
        role_nouns: set[str] = set()
        with Path(path).open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                entry = json.loads(line)
                if entry["kind"] == "actor_noun":
                    actor_nouns.update(entry["forms"])
                elif entry["kind"] == "role_noun":
                    role_nouns.update(entry["forms"])
                else:
                    tables[entry["kind"]].update({form: int(entry["value"]) for form in entry["forms"]})
        return cls(tables["month"], tables["weekday"], tables["number"], frozenset(actor_nouns), frozenset(role_nouns))

    def number(self, word: str) -> int | None:
        """Value of a count written in digits ("18") or in words ("dix-huit")."""
        if NUMBER_PATTERN.match(word):
            return int(word)
        return self.numbers.get(word)


@dataclass(frozen=True)
class ResolvedDate:
    label: DateLabel
    value: str | None
    offset_days: int | None = None


def _day(value: dt.date) -> ResolvedDate:
    return ResolvedDate(DateLabel.day, value.isoformat())


def _month(year: int, month: int) -> ResolvedDate:
    return ResolvedDate(DateLabel.month, f"{year:04d}-{month:02d}")


def _year(year: int) -> ResolvedDate:
    return ResolvedDate(DateLabel.year, f"{year:04d}")


def _relation(words: Sequence[str]) -> Relation:
    if any(w in LAST_WORDS for w in words):
        return Relation.before
    if any(w in NEXT_WORDS for w in words):
        return Relation.after
    return Relation.on_or_before


def _fits(candidate: dt.date, reference: dt.date, relation: Relation) -> bool:
    if relation is Relation.before:
        return candidate < reference
    if relation is Relation.after:
        return candidate > reference
    return candidate <= reference


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def nearest_day_month(day: int, month: int, reference: dt.date, relation: Relation) -> dt.date | None:
    """The day/month without a year nearest to the reference on the side the relation says."""
    years = range(reference.year + 1, reference.year - 9, -1)
    if relation is Relation.after:
        years = range(reference.year - 1, reference.year + 9)
    for year in years:
        candidate = _safe_date(year, month, day)
        if candidate and _fits(candidate, reference, relation):
            return candidate
    return None


def nearest_day_of_month(day: int, reference: dt.date, relation: Relation) -> dt.date | None:
    """"Le 14 dernier": the 14th of the nearest month on the side the relation says."""
    step = 1 if relation is Relation.after else -1
    year, month = reference.year, reference.month
    for _ in range(13):
        candidate = _safe_date(year, month, day)
        if candidate and _fits(candidate, reference, relation):
            return candidate
        month += step
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
    return None


def nearest_month(month: int, reference: dt.date, relation: Relation) -> tuple[int, int]:
    """"En avril" is the latest April on or before the reference; "en juin dernier" the latest before it."""
    current = (reference.year, reference.month)
    if relation is Relation.after:
        year = reference.year if (reference.year, month) > current else reference.year + 1
    elif relation is Relation.before:
        year = reference.year if (reference.year, month) < current else reference.year - 1
    else:
        year = reference.year if (reference.year, month) <= current else reference.year - 1
    return year, month


def nearest_weekday(weekday: int, reference: dt.date, relation: Relation) -> dt.date:
    """A bare weekday is the latest such day on or before the reference (the reference included)."""
    if relation is Relation.after:
        return reference + dt.timedelta(days=(weekday - reference.weekday() - 1) % 7 + 1)
    back = (reference.weekday() - weekday) % 7
    if relation is Relation.before and back == 0:
        back = 7
    return reference - dt.timedelta(days=back)


def weekday_day_month(weekday: int, day: int, month: int, reference: dt.date) -> dt.date | None:
    """"Jeudi 16 octobre" without a year: the year, around the reference, where that day is that weekday.

    A newsletter announcing a future event then resolves after its publication date, which
    tells the assembler it cannot be a signature already made.
    """
    candidates = [
        d
        for year in (reference.year - 1, reference.year, reference.year + 1)
        if (d := _safe_date(year, month, day)) is not None and d.weekday() == weekday
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - reference).days))


@dataclass(frozen=True)
class _CalendarParts:
    weekday: int | None
    day: int | None
    month: int | None
    year: int | None


def _calendar_parts(words: Sequence[str], lexicon: DateLexicon) -> _CalendarParts:
    weekday = day = month = year = None
    for word in words:
        if weekday is None and word in lexicon.weekdays:
            weekday = lexicon.weekdays[word]
        elif month is None and word in lexicon.months:
            month = lexicon.months[word]
        elif year is None and YEAR_PATTERN.match(word):
            year = int(word)
        elif day is None and (match := DAY_PATTERN.match(word)):
            day = int(match.group(1))
    return _CalendarParts(weekday, day, month, year)


def _resolve_calendar(words: Sequence[str], published: dt.date | None, lexicon: DateLexicon) -> ResolvedDate | None:
    parts = _calendar_parts(words, lexicon)
    relation = _relation(words)
    if parts.year is not None:
        if parts.month is None:
            return _year(parts.year)
        if parts.day is None:
            return _month(parts.year, parts.month)
        absolute = _safe_date(parts.year, parts.month, parts.day)
        return _day(absolute) if absolute else None
    if published is None:
        return None
    if parts.month is not None and parts.day is not None:
        if parts.weekday is not None and relation is Relation.on_or_before:
            dated = weekday_day_month(parts.weekday, parts.day, parts.month, published)
            if dated is not None:
                return _day(dated)
        resolved = nearest_day_month(parts.day, parts.month, published, relation)
        return _day(resolved) if resolved else None
    if parts.month is not None:
        return _month(*nearest_month(parts.month, published, relation))
    if parts.day is not None:
        resolved = nearest_day_of_month(parts.day, published, relation)
        return _day(resolved) if resolved else None
    if parts.weekday is not None:
        return _day(nearest_weekday(parts.weekday, published, relation))
    return None


def _resolve_deictic(words: Sequence[str], published: dt.date | None) -> ResolvedDate | None:
    if published is None:
        return None
    if "avant-hier" in words:
        return _day(published - dt.timedelta(days=2))
    if "hier" in words:
        return _day(published - dt.timedelta(days=1))
    if "aujourd'hui" in words or words[0] in ("ce", "cet"):
        return _day(published)  # "aujourd'hui", "ce matin", "cet après-midi"
    if "semaine" in words:
        # "la semaine dernière" names a week, not a day: a range starting on that week's Monday.
        monday = published - dt.timedelta(days=published.weekday() + 7)
        return ResolvedDate(DateLabel.range, monday.isoformat())
    if "an" in words or "année" in words:
        return _year(published.year - 1 if _relation(words) is Relation.before else published.year)
    return None


@functools.lru_cache(maxsize=4096)
def parse_with_dateparser(expression: str, reference: dt.date) -> dt.date | None:
    """dateparser on one normalised French expression, relative to the reference date (cached)."""
    parsed = dateparser.parse(
        expression,
        languages=["fr"],
        settings={
            "RELATIVE_BASE": dt.datetime.combine(reference, dt.time()),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "DMY",
        },
    )
    return parsed.date() if parsed else None


def _resolve_ago(words: Sequence[str], published: dt.date | None, lexicon: DateLexicon) -> ResolvedDate | None:
    """"Il y a deux semaines": day precision for days and weeks, month for months, year for years."""
    if published is None or len(words) < 2:
        return None
    count, unit = lexicon.number(words[-2]), words[-1]
    if count is None:
        return None
    parsed = parse_with_dateparser(f"il y a {count} {unit}", published)
    if parsed is None:
        return None
    if unit in DAY_UNITS:
        return _day(parsed)
    if unit in MONTH_UNITS:
        return _month(parsed.year, parsed.month)
    return _year(parsed.year)


def _resolve_numeric(words: Sequence[str], published: dt.date | None) -> ResolvedDate | None:
    numeric = words[-1]
    parsed = parse_with_dateparser(numeric, published or dt.date.today())
    return _day(parsed) if parsed else None


def _resolve_anaphoric(words: Sequence[str]) -> ResolvedDate | None:
    """An offset from a date told before it: days ("le lendemain") or, after "année", years ("l'année suivante")."""
    if "année" in words:
        offset = next((ANAPHORIC_YEAR_OFFSETS[w] for w in words if w in ANAPHORIC_YEAR_OFFSETS), None)
        return ResolvedDate(DateLabel.anaphoric_year, None, offset) if offset is not None else None
    for word in words:
        if word in ANAPHORIC_OFFSETS:
            return ResolvedDate(DateLabel.anaphoric, None, ANAPHORIC_OFFSETS[word])
    return None


def _resolve_range(words: Sequence[str], published: dt.date | None, lexicon: DateLexicon) -> ResolvedDate | None:
    """A period ("du 12 au 15 octobre"): its start, borrowing the month and year the end gives."""
    cut = next((i for i, w in enumerate(words) if i > 1 and w in RANGE_SEPARATORS), None)
    if cut is None:
        return None
    start = _calendar_parts(words[:cut], lexicon)
    end = _calendar_parts(words[cut + 1 :], lexicon)
    month = start.month or end.month
    year = start.year or end.year
    if start.day is None or month is None:
        return None
    if year is not None:
        begin = _safe_date(year, month, start.day)
    elif published is not None:
        begin = nearest_day_month(start.day, month, published, Relation.on_or_before)
    else:
        return None
    return ResolvedDate(DateLabel.range, begin.isoformat()) if begin else None


def _resolve_year(words: Sequence[str]) -> ResolvedDate | None:
    year = next((int(w) for w in words if YEAR_PATTERN.match(w)), None)
    return _year(year) if year is not None else None


def resolve_date(form: str, words: Sequence[str], published: dt.date | None, lexicon: DateLexicon) -> ResolvedDate | None:
    """Value of a date span found by a pattern of the given form; None when it cannot be resolved.

    ``words`` are the span's lower-cased tokens; ``published`` is the reference for everything
    relative (weekdays, "dernier", "hier", "il y a", dates without a year).
    """
    if form == "calendar":
        return _resolve_calendar(words, published, lexicon)
    if form == "numeric":
        return _resolve_numeric(words, published)
    if form == "deictic":
        return _resolve_deictic(words, published)
    if form == "ago":
        return _resolve_ago(words, published, lexicon)
    if form == "anaphoric":
        return _resolve_anaphoric(words)
    if form == "range":
        return _resolve_range(words, published, lexicon)
    if form == "year":
        return _resolve_year(words)
    raise ValueError(f"unknown date form {form!r}")


def resolve_duration(form: str, words: Sequence[str], lexicon: DateLexicon, fixed: str | None = None) -> str | None:
    """ISO 8601 length of a duration span: "cinq ans" → P5Y, "18 mois" → P18M, "2025-2027" → P3Y."""
    if form == "fixed":
        return fixed
    if form == "period":
        years = [int(w) for w in words if YEAR_PATTERN.match(w)]
        if len(years) != 2 or years[1] < years[0]:
            return None
        return f"P{years[1] - years[0] + 1}Y"
    if form == "count":
        for index, word in enumerate(words[:-1]):
            count = lexicon.number(word)
            unit = words[index + 1]
            if count is not None and count > 0 and unit in YEAR_UNITS:
                return f"P{count}Y"
            if count is not None and count > 0 and unit in MONTH_UNITS:
                return f"P{count}M"
        return None
    raise ValueError(f"unknown duration form {form!r}")
