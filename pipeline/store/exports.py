"""Exports for downstream registries: ``jsonl``, ``csv`` and ``atlas-csv``.

Deterministic, so a registry can diff two exports: partnerships sorted by id, records by
article and rank, canonical JSON, fixed column order; the same store exports the same bytes.

* ``jsonl``: the contract's records (``PartnershipRecord``), each validated, with
  ``record_id`` the id of the partnership it was merged into and reviewed values applied.
* ``csv``: one row per partnership, a column per record field (taken from the model, so it
  follows the contract), lists joined with ``"; "``, plus status, conflicts and articles.
* ``atlas-csv``: the layout of the national atlas of decentralised cooperation, in French
  (``atlas.json``): French authority and partner, their kinds, partner country, agreement
  type, date, duration, themes, sources.

The CSV files are opened in spreadsheets, so they are written for them: RFC 4180 quoting;
a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'`` (OWASP's advice against formula injection: the spreadsheet shows it as text); in a list
cell, a backslash or ``;`` inside an item is escaped with a backslash, so ``"; "`` only ever separates
items; ``export --excel`` starts the file with a UTF-8 byte-order mark for Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from pipeline.records import PartnershipRecord, duration_months
from pipeline.store.labels import atlas_layout, country_name, theme_labels
from pipeline.store.repository import StoredPartnership
from pipeline.store.schema import canonical_json

FORMATS = ("jsonl", "csv", "atlas-csv")
LIST_SEPARATOR = "; "
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_BOM = "\ufeff"
FRANCE = "FR"
# Per-article provenance, not a property of the partnership row.
CSV_SKIPPED_FIELDS = ("record_id", "article_url", "evidence")


def export(partnerships: list[StoredPartnership], export_format: str) -> str:
    writers: dict[str, Callable[[list[StoredPartnership]], str]] = {"jsonl": to_jsonl, "csv": to_csv, "atlas-csv": to_atlas_csv}
    return writers[export_format](partnerships)


def to_jsonl(partnerships: list[StoredPartnership]) -> str:
    lines = []
    for partnership in partnerships:
        for record in partnership.records:
            validated = PartnershipRecord.model_validate(record)
            lines.append(canonical_json(validated.model_dump(mode="json")) + "\n")
    return "".join(lines)


def to_csv(partnerships: list[StoredPartnership]) -> str:
    fields = [name for name in PartnershipRecord.model_fields if name not in CSV_SKIPPED_FIELDS]
    header = ["partnership_id", "status", *fields, "conflicts", "articles"]
    rows = [
        [
            partnership.id,
            partnership.status,
            *(flatten(partnership.document.get(name)) for name in fields),
            join_list(sorted(partnership.conflicts)),
            join_list(partnership.articles),
        ]
        for partnership in partnerships
    ]
    return _csv_text(header, rows)


def to_atlas_csv(partnerships: list[StoredPartnership]) -> str:
    layout = atlas_layout()
    columns: dict[str, str] = layout["columns"]
    themes = theme_labels()
    rows = []
    for partnership in partnerships:
        document = partnership.document
        french = [p for p in document["signatories"] if p["country"] == FRANCE]
        partners = [p for p in document["signatories"] if p["country"] != FRANCE]
        values = {
            "french_authority": join_list(p["name"] for p in french),
            "french_authority_kind": join_list(layout["party_kinds"][p["kind"]] for p in french),
            "partner_country": join_list(dict.fromkeys(country_name(p["country"]) for p in partners)),
            "partner_authority": join_list(p["name"] for p in partners),
            "partner_authority_kind": join_list(layout["party_kinds"][p["kind"]] for p in partners),
            "agreement_type": layout["agreement_types"][document["agreement_type"]],
            "agreement_label": document.get("agreement_label") or "",
            "signed_on": french_date(document.get("signed_on")),
            "duration": french_duration(document.get("duration"), layout["duration_units"]),
            "since": str(document["since"]) if document.get("since") else "",
            "themes": join_list(dict.fromkeys(themes[t["code"]] for t in document.get("themes", []))),
            "actors": join_list(a["name"] for a in document.get("actors", [])),
            "sources": join_list(partnership.articles),
            "partnership_id": partnership.id,
            "status": layout["statuses"][partnership.status],
        }
        rows.append([values[key] for key in columns])
    return _csv_text(list(columns.values()), rows)


def join_list(items: Iterable[str]) -> str:
    """Items in one cell, separated by '; ' and escaped so that the separator is unambiguous."""
    return LIST_SEPARATOR.join(item.replace("\\", "\\\\").replace(";", "\\;") for item in items)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will not read as a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def flatten(value: Any) -> str:
    """A field value as one CSV cell: lists joined with '; ', an object as its name and the
    rest of its values in brackets ('Dakar (municipality, SN)')."""
    if value is None:
        return ""
    if isinstance(value, list):
        return join_list(flatten(item) for item in value)
    if isinstance(value, dict):
        head_key = "name" if "name" in value else "label" if "label" in value else None
        rest = [flatten(v) for k, v in value.items() if k != head_key and v is not None]
        if head_key is None:
            return ", ".join(rest)
        return f"{value[head_key]} ({', '.join(rest)})" if rest else str(value[head_key])
    return str(value)


def french_date(value: str | None) -> str:
    """2024-03-12 → 12/03/2024, 2024-03 → 03/2024, 2024 → 2024."""
    return "/".join(reversed(value.split("-"))) if value else ""


def french_duration(value: str | None, units: dict[str, list[str]]) -> str:
    if not value:
        return ""
    months = duration_months(value)
    if months is None:
        return value
    if months % 12 == 0:
        years = months // 12
        return f"{years} {units['years'][years > 1]}"
    return f"{months} {units['months'][months > 1]}"


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()
