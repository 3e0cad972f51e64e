"""Read-only JSON API for registries that pull: ``GET /api/partnerships``.

The queue's filters and sort, checked like the page's (``filters.QueueFilters.parse``: a
date that does not exist, an unknown country, source or theme is a 422 naming the
parameter, never an unfiltered answer), pagination, and an ``updated_since`` cursor: a client
keeps the ``as_of`` of its last answer and sends it back as ``updated_since`` to get only
what changed since (a review decision, or a change of its articles). Items are the
contract's records (``PartnershipRecord``) with the reviewed values, ``record_id`` the
partnership's id; filters and sort read the reviewed values too. The application's OpenAPI
schema documents all of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from pipeline.records import PartnershipRecord, ThemeCode
from pipeline.review.filters import SORTS, InvalidFilters, QueueFilters
from pipeline.review.queries import known_sources, queue_page
from pipeline.store.repository import Store
from pipeline.store.schema import utc_now

PARTIAL_DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
SORT_PATTERN = r"^-?(" + "|".join(SORTS) + r")$"
MAX_PER_PAGE = 200


class PartnershipPage(BaseModel):
    items: list[PartnershipRecord]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    total: int = Field(ge=0, description="partnerships matching the filters, all pages")
    as_of: dt.datetime = Field(description="when this answer was computed: the next pull's updated_since")


def api_router(store: Store) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["partnerships"])

    @router.get("/partnerships", response_model=PartnershipPage, summary="Partnerships in the contract's record shape, reviewed values applied")
    def list_partnerships(
        status: Annotated[Literal["new", "accepted", "rejected", "flagged", "active"] | None, Query(description="active: all but rejected")] = None,
        source: Annotated[str | None, Query(max_length=100, description="a configured source, any case")] = None,
        country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 of a signatory (reviewed)")] = None,
        theme: Annotated[ThemeCode | None, Query()] = None,
        date_from: Annotated[str | None, Query(pattern=PARTIAL_DATE_PATTERN, description="signed on or after (a real date, at any precision)")] = None,
        date_to: Annotated[str | None, Query(pattern=PARTIAL_DATE_PATTERN, description="signed on or before (a real date, at any precision)")] = None,
        q: Annotated[str | None, Query(max_length=200, description="free text: names, places, countries, labels, article text; accents and case ignored")] = None,
        sort: Annotated[str | None, Query(pattern=SORT_PATTERN, description="date, country, type, confidence or status; - for descending (default -date)")] = None,
        updated_since: Annotated[dt.datetime | None, Query(description="only partnerships changed since (a previous as_of)")] = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    ) -> PartnershipPage:
        as_of = utc_now()
        given = {"status": status, "source": source, "country": country, "theme": theme, "date_from": date_from, "date_to": date_to, "q": q, "sort": sort}
        try:
            filters = QueueFilters.parse(given, known_sources(store.engine))
        except InvalidFilters as invalid:
            raise RequestValidationError(
                [{"type": "value_error", "loc": ("query", name), "msg": message, "input": given[name]} for name, message in invalid.errors.items()]
            ) from None
        found = queue_page(store.engine, filters, page, per_page, updated_since=updated_since)
        items = [PartnershipRecord.model_validate({**row.document, "record_id": row.id}) for row in found.rows]
        return PartnershipPage(items=items, page=found.page, per_page=per_page, total=found.total, as_of=as_of)

    return router
