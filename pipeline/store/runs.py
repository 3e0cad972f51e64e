"""The record of every run of the scheduled job (``runs``): when, which model, its counts per
stage and its failures with their reasons, and how it ended. Each function works in the
caller's transaction (``Store`` opens it)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pipeline.store import schema
from pipeline.store.schema import as_utc, canonical_json, utc_now


@dataclass(frozen=True)
class RunSummary:
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    model_version: str
    counts: dict[str, Any]
    failures: list[dict[str, str]]


def start(connection: sa.Connection, model_version: str) -> int:
    """Record a new run; runs still marked running died without finishing (the caller holds
    the lock)."""
    table = schema.runs
    connection.execute(sa.update(table).where(table.c.status == "running").values(status="interrupted"))
    return int(
        connection.execute(
            sa.insert(table)
            .values(started_at=utc_now(), status="running", model_version=model_version, counts="{}", failures="[]")
            .returning(table.c.id)
        ).scalar_one()
    )


def update(
    connection: sa.Connection, run_id: int, counts: Mapping[str, Any], failures: list[dict[str, str]], status: str | None
) -> None:
    values: dict[str, Any] = {"counts": canonical_json(dict(counts)), "failures": canonical_json(failures)}
    if status is not None:
        values.update(status=status, finished_at=utc_now())
    connection.execute(sa.update(schema.runs).where(schema.runs.c.id == run_id).values(**values))


def recent(connection: sa.Connection, limit: int) -> list[RunSummary]:
    """The last runs, latest first."""
    table = schema.runs
    rows = connection.execute(sa.select(table).order_by(table.c.id.desc()).limit(limit)).mappings().all()
    return [
        RunSummary(
            id=row["id"],
            started_at=as_utc(row["started_at"]),
            finished_at=as_utc(row["finished_at"]) if row["finished_at"] else None,
            status=row["status"],
            model_version=row["model_version"],
            counts=json.loads(row["counts"]),
            failures=json.loads(row["failures"]),
        )
        for row in rows
    ]
