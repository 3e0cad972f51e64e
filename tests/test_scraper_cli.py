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


GOLDEN = FIXTURES / "parser_golden"


def test_parse_prints_what_the_profile_and_selectors_make_of_saved_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    spip = json.loads((GOLDEN / "spip-table-layout-latin1.json").read_text(encoding="utf-8"))
    assert main(["parse", str(GOLDEN / "spip-table-layout-latin1.html"), "--profile", "spip", "--url", spip["url"], "--source", "test"]) == 0
    assert json.loads(capsys.readouterr().out) == spip["article"]
    body = json.loads((GOLDEN / "generic-body-selector.json").read_text(encoding="utf-8"))
    out = tmp_path / "articles.jsonl"
    argv = ["parse", str(GOLDEN / "generic-body-selector.html"), "--url", body["url"], "--source", "test", "-o", str(out)]
    assert main([*argv, "--body-selector", ".chapeau, .corps"]) == 0
    assert read_jsonl(out) == [body["article"]]


def test_parse_reports_pages_that_are_not_articles_and_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    pages = [GOLDEN / "generic-listing-page.html", GOLDEN / "generic-table-layout-latin1.html", GOLDEN / "missing.html"]
    assert main(["parse", *map(str, pages)]) == 1
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    assert json.loads(line)["title"] == "Arles et Sanaa : une charte d'amitié"
    assert "generic-listing-page.html: not an article: listing page (3 teasers)" in captured.err
    assert "missing.html: cannot read" in captured.err
    assert main(["parse", *map(str, pages[:2]), "--url", "https://example.org/a"]) == 2


def test_parse_does_not_load_the_nlp_model() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pipeline.cli import main; "
        f"code = main(['parse', {str(GOLDEN / 'generic-table-layout-latin1.html')!r}]); "
        "assert code == 0 and 'spacy' not in sys.modules, sorted(m for m in sys.modules if 'spacy' in m)[:3]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
