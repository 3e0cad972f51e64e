"""The reviewed partnership: the merged record with the analysts' decisions in force.

Review decisions are an append-only history (``review_decisions``): a row sets a record
field, the ``status`` (accepted, rejected, or ``new`` to reopen), records a split or a merge,
or undoes earlier rows (field ``undo``, value ``{"decisions": [ids]}``: they stay in the
history but no longer count). The decision in force for a field is its latest row not undone.

``refresh`` turns a partnership and its decisions into its row of ``reviewed_partnerships``
(its status and the columns the review page and the API filter, sort and count by:
signature date, signatory countries, partner countries' French names, type, themes,
sources, confidence, open disagreements) and of ``reviewed_documents`` (the reviewed record
and a folded search text). The store calls it in the
transaction of every decision and of every rebuild of a partnership, so the derived row is
never older than what it derives from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pipeline.records import PartnershipRecord
from pipeline.store import schema
from pipeline.store.labels import agreement_type_labels, country_name, party_kind_labels, theme_labels
from pipeline.store.schema import as_utc, canonical_json

RECORD_FIELDS = frozenset(PartnershipRecord.model_fields)
STATUS = "status"
UNDO = "undo"
DECIDED_STATUSES = ("accepted", "rejected")
REOPENED = "new"  # a status decision that takes a decided partnership back to review
FRANCE = "FR"
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class DecisionRow:
    id: int
    partnership_id: str
    field: str
    value: Any
    reviewer: str
    note: str | None
    decided_at: dt.datetime


def search_fold(text: str) -> str:
    """Lower case, accents and punctuation gone, one space between words: 'Sénégal' and
    'senegal', 'Saint-Louis' and 'saint louis' fold alike, whichever side has the accent."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", plain).strip()


def in_force(rows: Sequence[DecisionRow]) -> dict[str, DecisionRow]:
    """Per field, its latest decision not undone (rows in the order they were made)."""
    undone = {int(i) for row in rows if row.field == UNDO for i in row.value.get("decisions", [])}
    result: dict[str, DecisionRow] = {}
    for row in rows:
        if row.field != UNDO and row.id not in undone:
            result[row.field] = row
    return result


def reviewed_values(rows: Sequence[DecisionRow]) -> dict[str, Any]:
    """The record fields the decisions in force set."""
    return {name: row.value for name, row in in_force(rows).items() if name in RECORD_FIELDS}


def status_of(rows: Sequence[DecisionRow], conflicts: Mapping[str, Any]) -> str:
    """accepted / rejected by the status decision in force, else flagged while articles
    disagree on a field nobody decided, else new."""
    decided = in_force(rows)
    status = decided.get(STATUS)
    if status is not None and status.value in DECIDED_STATUSES:
        return str(status.value)
    return "flagged" if open_conflicts(rows, conflicts) else "new"


def open_conflicts(rows: Sequence[DecisionRow], conflicts: Mapping[str, Any]) -> list[str]:
    decided = in_force(rows)
    return sorted(name for name in conflicts if name not in decided)


def decision_rows(connection: sa.Connection, partnership_ids: Sequence[str]) -> dict[str, list[DecisionRow]]:
    """The history of each partnership, oldest first."""
    table = schema.review_decisions
    result: dict[str, list[DecisionRow]] = {}
    for chunk in chunks(list(partnership_ids), 500):
        for row in connection.execute(sa.select(table).where(table.c.partnership_id.in_(chunk)).order_by(table.c.id)).mappings():
            result.setdefault(row["partnership_id"], []).append(
                DecisionRow(
                    id=row["id"],
                    partnership_id=row["partnership_id"],
                    field=row["field"],
                    value=json.loads(row["value"]),
                    reviewer=row["reviewer"],
                    note=row["note"],
                    decided_at=as_utc(row["decided_at"]),
                )
            )
    return result


def refresh(connection: sa.Connection, partnership_ids: Iterable[str], now: dt.datetime | None = None) -> None:
    """Recompute the status and the reviewed row of these partnerships from the store."""
    ids = sorted(set(partnership_ids))
    now = now or dt.datetime.now(dt.UTC)
    table, reviewed, documents = schema.partnerships, schema.reviewed_partnerships, schema.reviewed_documents
    for chunk in chunks(ids, 200):
        rows = connection.execute(sa.select(table.c.id, table.c.conflicts, table.c.document).where(table.c.id.in_(chunk))).all()
        decisions = decision_rows(connection, chunk)
        texts = _article_texts(connection, chunk)
        connection.execute(sa.delete(reviewed).where(reviewed.c.id.in_(chunk)))
        connection.execute(sa.delete(documents).where(documents.c.id.in_(chunk)))
        values, texts_of = [], []
        for pid, conflicts_json, document_json in rows:
            history = decisions.get(pid, [])
            conflicts = json.loads(conflicts_json)
            document = {**json.loads(document_json), **reviewed_values(history)}
            status = status_of(history, conflicts)
            connection.execute(sa.update(table).where(table.c.id == pid, table.c.status != status).values(status=status))
            values.append(_row(pid, status, document, open_conflicts(history, conflicts), texts.get(pid, []), now))
            texts_of.append(
                {
                    "id": pid,
                    "document": canonical_json(document),
                    "search_text": search_fold("\n".join([pid, *_searchable(document), *(text for _, text in texts.get(pid, []))])),
                }
            )
        if values:
            connection.execute(sa.insert(reviewed), values)
            connection.execute(sa.insert(documents), texts_of)


def fill_missing(connection: sa.Connection) -> int:
    """Reviewed rows for the partnerships that have none; returns how many were made."""
    ids = missing(connection)
    refresh(connection, ids)
    return len(ids)


def missing(connection: sa.Connection) -> list[str]:
    """The partnerships that have no reviewed row (a store upgraded from revision 3)."""
    table, reviewed = schema.partnerships, schema.reviewed_partnerships
    return list(
        connection.execute(
            sa.select(table.c.id).where(~sa.exists(sa.select(reviewed.c.id).where(reviewed.c.id == table.c.id)))
        ).scalars()
    )


def _article_texts(connection: sa.Connection, partnership_ids: Sequence[str]) -> dict[str, list[tuple[str | None, str]]]:
    """(source, title and text) of each partnership's articles."""
    records, articles = schema.records, schema.articles
    result: dict[str, list[tuple[str | None, str]]] = {}
    for pid, _url, source, document in connection.execute(
        sa.select(records.c.partnership_id, articles.c.url, articles.c.source, articles.c.document)
        .join(articles, articles.c.url == records.c.article_url)
        .where(records.c.partnership_id.in_(partnership_ids))
        .distinct()
        .order_by(records.c.partnership_id, articles.c.url)
    ):
        article = json.loads(document)
        result.setdefault(pid, []).append((source, f"{article.get('title') or ''}\n{article.get('text') or ''}"))
    return result


def bounded(values: Iterable[str]) -> str:
    """'|a|b|': each value findable whole with a LIKE '%|a|%'."""
    items = sorted(set(values))
    return "|" + "|".join(items) + "|" if items else ""


def _row(pid: str, status: str, document: dict[str, Any], conflicts: list[str], articles: list[tuple[str | None, str]], now: dt.datetime) -> dict[str, Any]:
    countries = {party["country"] for party in document.get("signatories", [])}
    partners = sorted(search_fold(country_name(code)) for code in countries - {FRANCE}) or [search_fold(country_name(FRANCE))]
    return {
        "id": pid,
        "status": status,
        "signed_on": document.get("signed_on"),
        "countries": bounded(countries),
        "partner_names": " ".join(partners)[:500],
        "agreement_type": document["agreement_type"],
        "themes": bounded(theme["code"] for theme in document.get("themes", [])),
        "sources": bounded(source.lower() for source, _ in articles if source)[:1000],
        "confidence": float(document.get("confidence") or 0.0),
        "open_conflicts": bounded(conflicts),
        "updated_at": now,
    }


def _searchable(document: Mapping[str, Any]) -> Iterator[str]:
    """The words an analyst may look a partnership up by: values and their French labels,
    never the record's field names."""
    kinds, types, themes = party_kind_labels(), agreement_type_labels(), theme_labels()
    for party in document.get("signatories", []):
        yield from (party["name"], kinds.get(party["kind"], party["kind"]), party["country"], country_name(party["country"]))
    yield types.get(document["agreement_type"], document["agreement_type"])
    yield document.get("agreement_label") or ""
    yield document.get("signed_on") or ""
    place = document.get("signing_place")
    if place:
        yield from (place["name"], place["country"], country_name(place["country"]))
    if document.get("since"):
        yield str(document["since"])
    for theme in document.get("themes", []):
        yield from (theme["label"], themes.get(theme["code"], ""))
    for person in document.get("people", []):
        yield from (person["name"], person.get("role") or "", person.get("organisation") or "")
    for actor in document.get("actors", []):
        yield actor["name"]
    yield document.get("source") or ""


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
