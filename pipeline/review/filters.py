"""The queue's filters and sort, read from a query string and checked before any query runs.

The page and the API share them: a value that cannot be applied (a date that does not
exist, an unknown country, source, theme, status or sort) is refused with a message in
French naming the parameter, never silently ignored or applied to nothing.

A country is given as its ISO code in any case (``bj``) or its French name, accents or not
(``Bénin``, ``benin``); a source as one of the configured sources in any case; a date bound
at any precision (``2024``, ``2024-03``, ``2024-03-12``): ``date_from=2024`` starts on
1 January, ``date_to=2024-02`` ends on 29 February.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from pipeline.records import ThemeCode
from pipeline.store.labels import country_names
from pipeline.store.repository import STATUSES
from pipeline.store.reviewed import search_fold

# Everything but the rejected: what the overview counts, and the queue its figures open.
ACTIVE = "active"
STATUS_FILTERS = (*STATUSES, ACTIVE)
SORTS = ("date", "country", "type", "confidence", "status")
DEFAULT_SORT = "-date"
MAX_QUERY_LENGTH = 200
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CODE = re.compile(r"^[A-Za-z]{2}$")


class InvalidFilters(ValueError):
    """Some filters cannot be applied; ``errors`` maps each parameter to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ; ".join(self.errors.values()))


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters and sort, checked and normalised (empty means no filter)."""

    status: str | None = None
    source: str | None = None
    country: str | None = None
    theme: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None
    sort: str | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str | None], sources: Collection[str] = ()) -> QueueFilters:
        """Checked filters from query parameters, or ``InvalidFilters``; ``sources`` are the
        configured source ids (the source filter's choices)."""
        raw = {f.name: (params.get(f.name) or "").strip() or None for f in fields(cls)}
        errors: dict[str, str] = {}
        values: dict[str, str | None] = {}
        for name, check in _CHECKS.items():
            value = raw[name]
            if value is None:
                values[name] = None
                continue
            try:
                values[name] = check(value, sources)
            except ValueError as error:
                errors[name] = str(error)
        if not errors and raw["date_from"] and raw["date_to"] and _bound(raw["date_from"], last=False) > _bound(raw["date_to"], last=True):
            errors["date_to"] = f"La date de fin ({raw['date_to']}) précède la date de début ({raw['date_from']})."
        if errors:
            raise InvalidFilters(errors)
        values["date_from"] = raw["date_from"] if values["date_from"] else None
        values["date_to"] = raw["date_to"] if values["date_to"] else None
        return cls(**values)

    @classmethod
    def lenient(cls, params: Mapping[str, str | None], sources: Collection[str] = ()) -> QueueFilters:
        """The filters a record page was opened from: those that check, the others dropped
        (the record is shown whatever its queue's query string says)."""
        kept = {}
        for name in (f.name for f in fields(cls)):
            try:
                kept[name] = getattr(cls.parse({name: params.get(name)}, sources), name)
            except InvalidFilters:
                continue
        return cls(**kept)

    @property
    def sort_key(self) -> str:
        return (self.sort or DEFAULT_SORT).lstrip("-")

    @property
    def descending(self) -> bool:
        return (self.sort or DEFAULT_SORT).startswith("-")

    @property
    def first_day(self) -> str | None:
        return _bound(self.date_from, last=False) if self.date_from else None

    @property
    def last_day(self) -> str | None:
        return _bound(self.date_to, last=True) if self.date_to else None

    @property
    def folded_query(self) -> str | None:
        return search_fold(self.q) if self.q else None

    def params(self) -> dict[str, str]:
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name))}

    def query_string(self, **changes: str | None) -> str:
        return urlencode(replace(self, **changes).params())

    def sorted_by(self, key: str) -> str:
        """The query string that sorts by ``key``: descending first for dates and
        confidence, ascending first for the others; the same column again reverses it."""
        if self.sort_key == key:
            wanted = key if self.descending else f"-{key}"
        else:
            wanted = f"-{key}" if key in ("date", "confidence") else key
        return self.query_string(sort=None if wanted == DEFAULT_SORT else wanted)


def _check_status(value: str, _sources: Collection[str]) -> str:
    if value not in STATUS_FILTERS:
        raise ValueError(f"Statut inconnu : « {value} ».")
    return value


def _check_source(value: str, sources: Collection[str]) -> str:
    by_folded = {source.lower(): source for source in sources}
    if value.lower() not in by_folded:
        known = ", ".join(sorted(sources)) or "aucune"
        raise ValueError(f"Source inconnue : « {value} » (sources configurées : {known}).")
    return by_folded[value.lower()]


def _check_country(value: str, _sources: Collection[str]) -> str:
    return country_code(value)


def country_code(value: str) -> str:
    """ISO code from a code in any case or a French name, accents or not."""
    names = country_names()
    if _CODE.match(value) and value.upper() in names:
        return value.upper()
    wanted = search_fold(value)
    for code, name in names.items():
        if search_fold(name) == wanted:
            return code
    raise ValueError(f"Pays inconnu : « {value} » (un code ISO à deux lettres comme BJ, ou un nom comme Bénin).")


def _check_theme(value: str, _sources: Collection[str]) -> str:
    if value not in {code.value for code in ThemeCode}:
        raise ValueError(f"Thème inconnu : « {value} ».")
    return value


def _check_date(value: str, _sources: Collection[str]) -> str:
    match = _PARTIAL_DATE.match(value)
    if match:
        year, month, day = (int(group) if group else None for group in match.groups())
        try:
            dt.date(year or 1, month or 1, day or 1)
            return _bound(value, last=False)
        except ValueError:
            pass
    raise ValueError(f"Date invalide : « {value} » (une date réelle, AAAA-MM-JJ, AAAA-MM ou AAAA).")


def _check_query(value: str, _sources: Collection[str]) -> str:
    if len(value) > MAX_QUERY_LENGTH:
        raise ValueError(f"Recherche trop longue ({len(value)} caractères, {MAX_QUERY_LENGTH} au plus).")
    return value


def _check_sort(value: str, _sources: Collection[str]) -> str:
    if value.lstrip("-") not in SORTS:
        raise ValueError(f"Tri inconnu : « {value} » (date, country, type, confidence ou status, précédé de - pour l'ordre inverse).")
    return value


_CHECKS = {
    "status": _check_status,
    "source": _check_source,
    "country": _check_country,
    "theme": _check_theme,
    "date_from": _check_date,
    "date_to": _check_date,
    "q": _check_query,
    "sort": _check_sort,
}


def _bound(value: str, *, last: bool) -> str:
    """A checked partial date as the first (or last) full day it covers."""
    parts = [int(part) for part in value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if last else 1)
    day = parts[2] if len(parts) > 2 else (calendar.monthrange(year, month)[1] if last else 1)
    return dt.date(year, month, day).isoformat()
