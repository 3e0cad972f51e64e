"""The crawl command and the crawl half of the demo, against the real fixture server."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.scraper.cli import add_crawl_arguments, demo_crawl, run_crawl
from pipeline.scraper.fixture_server import PLACEHOLDER_ORIGIN, FixtureSite

from .conftest import FIXTURES, read_jsonl

SITE = FIXTURES / "site"


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with FixtureSite(SITE, slow_seconds=1.5) as server:
        yield server


def _crawl_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_crawl_arguments(parser)
    return parser.parse_args(list(argv))


def _served_sources(site: FixtureSite, tmp_path: Path, *files: str) -> Path:
    text = "\n".join((SITE / f).read_text(encoding="utf-8") for f in files)
    path = tmp_path / "sources.toml"
    path.write_text(text.replace(PLACEHOLDER_ORIGIN, site.url), encoding="utf-8")
    return path


def test_crawl_writes_new_articles_then_nothing_on_an_unchanged_site(site: FixtureSite, tmp_path: Path) -> None:
    sources = _served_sources(site, tmp_path, "sources.toml")
    common = ["--sources", str(sources), "--state", str(tmp_path / "state"), "--delay", "0", "--quiet"]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert run_crawl(_crawl_args(*common, "-o", str(first))) == 0
    assert len(read_jsonl(first)) == 22
    assert run_crawl(_crawl_args(*common, "-o", str(second))) == 0
    assert read_jsonl(second) == []


def test_crawl_exits_1_when_pages_failed_and_2_on_usage_errors(site: FixtureSite, tmp_path: Path) -> None:
    sources = _served_sources(site, tmp_path, "sources-faults.toml")
    args = ["--sources", str(sources), "--state", str(tmp_path / "state"), "--delay", "0", "--timeout", "0.5", "--retries", "1", "--quiet"]
    assert run_crawl(_crawl_args(*args, "-o", str(tmp_path / "out.jsonl"))) == 1
    assert run_crawl(_crawl_args(*args, "--only", "nope")) == 2
    broken = tmp_path / "broken.toml"
    broken.write_text("[[source]]\nid = 'x'\n", encoding="utf-8")
    assert run_crawl(_crawl_args("--sources", str(broken), "--quiet")) == 2


def test_demo_crawl_gives_the_gold_articles_under_the_placeholder_origin(tmp_path: Path) -> None:
    report = demo_crawl(SITE, tmp_path)
    gold = sorted((line["article"] for line in read_jsonl(SITE / "gold.jsonl")), key=lambda a: a["url"])
    assert sorted((json.loads(a.model_dump_json()) for a in report.articles), key=lambda a: a["url"]) == gold
    assert report.failed == []
