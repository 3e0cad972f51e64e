"""Shared fixtures of the review tests: the hand-written articles of
``fixtures/review/articles.jsonl`` stored on SQLite and on a throwaway PostgreSQL database
(the review page's SQL is its own), an in-process client, and the helpers an analyst's
form posts need (CSRF token, version, login).

Test modules import what they use (``from tests.review_fixtures import ...``); pytest then
treats the imported fixtures as the module's own."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from pipeline.records import Article, PartnershipRecord
from pipeline.review.app import create_app
from pipeline.store.repository import ArticleToStore, Store
from tests.store_fixtures import ENGINES, new_database_url, postgres_server  # noqa: F401 (fixture used by new_database_url)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "review" / "articles.jsonl"
LILLE_URL = "https://example.org/lille-saint-louis"
LILLE_APRIL_URL = "https://example.org/saint-louis-lille-avril"
NANTES_URL = "https://example.org/nantes-niigata"


def fill(store: Store) -> None:
    for line in FIXTURES.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        article = Article.model_validate(item["article"])
        records = [PartnershipRecord.model_validate(r) for r in item["records"]]
        store.save_article(ArticleToStore(article, records, "fixture"), f"hash-{article.url}")


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The fixture articles stored on SQLite, then on a throwaway PostgreSQL database."""
    with Store(new_database_url(request.param, request, tmp_path)) as opened:
        fill(opened)
        yield opened


@pytest.fixture
def client(store: Store) -> TestClient:
    return TestClient(create_app(store))


def partnership_of(store: Store, article_url: str) -> str:
    return next(p.id for p in store.partnerships() if article_url in p.articles)


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def form_version(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match
    return match.group(1)


def login(client: TestClient, name: str, token: str = "") -> None:
    page = client.get("/login")
    answer = client.post("/login", data={"csrf_token": form_token(page.text), "name": name, "token": token, "next": "/queue"}, follow_redirects=False)
    assert answer.status_code == 303


def post_form(client: TestClient, partnership_id: str, action: str, back: str = "", **fields: str):  # type: ignore[no-untyped-def]
    """Post one of the record page's forms as the page now shows it (its token and version)."""
    page = client.get(f"/records/{partnership_id}?{back}")
    data = {"csrf_token": form_token(page.text), "version": form_version(page.text), "back": back, **fields}
    return client.post(f"/records/{partnership_id}/{action}", data=data, follow_redirects=False)


def redirect_target(answer) -> tuple[str, dict[str, list[str]]]:  # type: ignore[no-untyped-def]
    """The record id and query of a redirect to a record page."""
    assert answer.status_code == 303, answer.text[:500]
    location = urlsplit(answer.headers["location"])
    return location.path.removeprefix("/records/"), parse_qs(location.query)


def queue_ids(client: TestClient, query: str = "") -> list[str]:
    return re.findall(r'<tr class="queue-row" data-href="/records/([^?"]+)', client.get(f"/queue?{query}").text)
