"""Analysts' split and merge decisions on SQLite and PostgreSQL: they survive the re-grouping
of a re-extraction run and the arrival of new articles, because ``merge_groups`` applies them
after its automatic clustering. Hand-written records (``fixtures/review/articles.jsonl``), no
extraction: the grouping is what is tested."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipeline.records import Article, PartnershipRecord
from pipeline.review.queries import load_partnership
from pipeline.store import schema
from pipeline.store.repository import ArticleToStore, EditConflict, Store
from tests.store_fixtures import postgres_server, store, store_url  # noqa: F401 - fixtures

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "review" / "articles.jsonl"
ITEMS = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
LILLE, LILLE_APRIL = "https://example.org/lille-saint-louis", "https://example.org/saint-louis-lille-avril"


def _item(url: str) -> dict[str, Any]:
    return next(item for item in ITEMS if item["article"]["url"] == url)


def _save(store: Store, item: dict[str, Any]) -> None:
    article = Article.model_validate(item["article"])
    records = [PartnershipRecord.model_validate(r) for r in item["records"]]
    store.save_article(ArticleToStore(article, records, "fixture"), f"hash-{article.url}")


def _copy(url: str, new_url: str, **changes: Any) -> dict[str, Any]:
    """Another article reporting what ``url`` reports, with these record fields changed."""
    item = _item(url)
    return {
        "article": {**item["article"], "url": new_url},
        "records": [{**record, "article_url": new_url, **changes} for record in item["records"]],
    }


def _rerun(store: Store) -> None:
    """What ``partnerships run --no-crawl --reextract`` does to the store: every article
    stored again with its records, each time re-grouping its signatory countries."""
    for url in sorted({url for p in store.partnerships() for url in p.articles}):
        _save(store, next(item for item in [*ITEMS, *EXTRA.values()] if item["article"]["url"] == url))


def _lille_groups(store: Store) -> set[frozenset[str]]:
    """The articles of each Lille–Saint-Louis partnership."""
    return {frozenset(p.articles) for p in store.partnerships() if "SN" in {s["country"] for s in p.document["signatories"]}}


EXTRA = {
    "later": _copy(LILLE, "https://example.org/lille-saint-louis-later"),
    "2021": _copy(LILLE, "https://example.org/lille-saint-louis-2021", signed_on="2021-05-04", record_id="ps-lille-2021"),
    "2021-again": _copy(LILLE, "https://example.org/lille-saint-louis-2021-bis", signed_on="2021-05", record_id="ps-lille-2021"),
}


@pytest.fixture
def filled(store: Store) -> Store:
    for item in ITEMS:
        _save(store, item)
    return store


def _of(store: Store, url: str) -> str:
    return next(p.id for p in store.partnerships() if url in p.articles)


@pytest.mark.parametrize("split_out", [LILLE_APRIL, LILLE], ids=["later-article-out", "first-article-out"])
def test_a_split_survives_re_grouping_and_a_new_article(filled: Store, split_out: str) -> None:
    pid = _of(filled, LILLE)
    (stays,) = {LILLE, LILLE_APRIL} - {split_out}
    assert set(next(p for p in filled.partnerships() if p.id == pid).articles) == {LILLE, LILLE_APRIL}
    moved = filled.split(pid, split_out, "Alice", expected_version=0, note="deux conventions distinctes")
    assert moved.remaining == pid != moved.split_out  # the partnership that stayed keeps its id and history
    expected = {frozenset({LILLE}), frozenset({LILLE_APRIL})}
    assert _lille_groups(filled) == expected
    _rerun(filled)
    assert _lille_groups(filled) == expected
    assert _of(filled, stays) == pid
    _save(filled, EXTRA["later"])  # a third article on the same signing joins the part that stayed
    assert _lille_groups(filled) == {frozenset({stays, EXTRA["later"]["article"]["url"]}), frozenset({split_out})}
    history = load_partnership(filled.engine, _of(filled, stays))
    assert history is not None
    (split,) = [d for d in history.decisions if d.field == "split"]
    assert (split.reviewer, split.after, split.note, split.before) == ("Alice", {"article": split_out}, "deux conventions distinctes", None)


def test_a_merge_survives_re_grouping_and_a_new_article(filled: Store) -> None:
    _save(filled, EXTRA["2021"])  # another year: the automatic grouping keeps it apart
    pid, other = _of(filled, LILLE), _of(filled, EXTRA["2021"]["article"]["url"])
    assert pid != other
    joined = filled.merge(pid, other, "Bruno", expected_version=0)
    everything = frozenset({LILLE, LILLE_APRIL, EXTRA["2021"]["article"]["url"]})
    assert _lille_groups(filled) == {everything}
    (merged,) = [p for p in filled.partnerships() if p.id == joined]
    assert merged.status == "flagged" and {v["value"] for v in merged.conflicts["signed_on"]} == {"2024-03-12", "2024-04", "2021-05-04"}
    _rerun(filled)
    assert _lille_groups(filled) == {everything}
    _save(filled, EXTRA["2021-again"])
    assert {frozenset(p.articles) for p in filled.partnerships() if LILLE in p.articles} == {
        everything | {EXTRA["2021-again"]["article"]["url"]}
    }
    history = load_partnership(filled.engine, _of(filled, LILLE))
    assert history is not None and [(d.field, d.reviewer) for d in history.decisions] == [("merge", "Bruno")]


def test_the_latest_decision_on_two_articles_is_in_force(filled: Store) -> None:
    pid = _of(filled, LILLE)
    moved = filled.split(pid, LILLE_APRIL, "Alice", expected_version=0)
    version = load_partnership(filled.engine, moved.remaining)
    assert version is not None
    filled.merge(moved.remaining, moved.split_out, "Bruno", expected_version=version.version)
    _rerun(filled)
    assert _lille_groups(filled) == {frozenset({LILLE, LILLE_APRIL})}
    history = load_partnership(filled.engine, _of(filled, LILLE))
    assert history is not None and [d.field for d in history.decisions] == ["split", "merge"]


def test_split_and_merge_check_the_version_and_their_arguments(filled: Store) -> None:
    pid = _of(filled, LILLE)
    filled.decide_versioned(pid, {"status": "accepted"}, "Alice", expected_version=0)
    with pytest.raises(EditConflict):
        filled.split(pid, LILLE_APRIL, "Bruno", expected_version=0)
    version = load_partnership(filled.engine, pid)
    assert version is not None
    with pytest.raises(ValueError):
        filled.split(pid, "https://example.org/nantes-niigata", "Bruno", expected_version=version.version)
    with pytest.raises(ValueError):  # Nantes–Niigata: other countries
        filled.merge(pid, _of(filled, "https://example.org/nantes-niigata"), "Bruno", expected_version=version.version)
    with pytest.raises(KeyError):
        filled.merge(pid, "ps-none", "Bruno", expected_version=version.version)
    assert _lille_groups(filled) == {frozenset({LILLE, LILLE_APRIL})}
    with filled.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.partnership_overrides)).scalar_one() == 0

