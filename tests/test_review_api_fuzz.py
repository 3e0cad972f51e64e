"""The JSON API fuzzed against its own OpenAPI schema (schemathesis): whatever the query,
no server error, and every answer matches the documented schema (status code, content
type, body).

Schemathesis's check that every schema-valid query is accepted is left out: the schema
cannot say which two letters ISO assigns, which dates exist (2023-02-29) or which sources
are configured, and the API refuses those with a documented 422 naming the parameter
(tested in ``test_review_corrections.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from pipeline.records import Article, PartnershipRecord
from pipeline.review.app import create_app
from pipeline.store.repository import ArticleToStore, Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "review" / "articles.jsonl"


@pytest.fixture(scope="module")
def fuzzed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'review.db'}") as store:
        for line in FIXTURES.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            article = Article.model_validate(item["article"])
            records = [PartnershipRecord.model_validate(r) for r in item["records"]]
            store.save_article(ArticleToStore(article, records, "fixture"), f"hash-{article.url}")
        yield store


@pytest.fixture(scope="module")
def api_schema(fuzzed_store: Store) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", create_app(fuzzed_store))


def test_api_answers_every_query_within_its_schema(api_schema: schemathesis.schemas.BaseSchema) -> None:
    operation = api_schema["/api/partnerships"]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def answers_within_schema(case: schemathesis.Case) -> None:
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    answers_within_schema()


def test_openapi_documents_the_records_shape(fuzzed_store: Store) -> None:
    from fastapi.testclient import TestClient

    document = TestClient(create_app(fuzzed_store)).get("/api/openapi.json").json()
    assert list(document["paths"]) == ["/api/partnerships"]
    parameters = {p["name"] for p in document["paths"]["/api/partnerships"]["get"]["parameters"]}
    assert parameters == {"status", "source", "country", "theme", "date_from", "date_to", "q", "sort", "updated_since", "page", "per_page"}
    assert set(PartnershipRecord.model_fields) <= set(document["components"]["schemas"]["PartnershipRecord"]["properties"])
