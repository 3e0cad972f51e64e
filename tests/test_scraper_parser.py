"""Page parsing: golden pages (saved HTML → expected JSON), dates, charsets, source files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipeline.scraper.errors import NotAnArticle
from pipeline.scraper.fetch import decode_body
from pipeline.scraper.dates import parse_french_date
from pipeline.scraper.profiles import PROFILES, profile_for
from pipeline.scraper.sources import SourcesFileError, load_sources, shipped_sources_path

from .conftest import FIXTURES, read_jsonl

GOLDEN = FIXTURES / "parser_golden"
GOLDEN_PAGES = sorted(GOLDEN.glob("*.html"))


@pytest.mark.parametrize("page", GOLDEN_PAGES, ids=[p.stem for p in GOLDEN_PAGES])
def test_golden_page_parses_to_its_expected_json(page: Path) -> None:
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    profile = profile_for(expected["profile"], **expected.get("selectors", {}))
    html = decode_body(page.read_bytes(), None)[0]
    if expected["not_an_article"] is not None:
        with pytest.raises(NotAnArticle) as raised:
            profile.parse(html, expected["url"], expected["source"])
        assert raised.value.reason == expected["not_an_article"]
    else:
        article = profile.parse(html, expected["url"], expected["source"])
        assert article.model_dump(mode="json") == expected["article"]


def test_golden_pages_cover_every_profile_and_every_source_selector() -> None:
    expectations = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in GOLDEN_PAGES]
    assert {e["profile"] for e in expectations} == set(PROFILES)
    assert {key for e in expectations for key in e.get("selectors", {})} == {"title_selector", "date_selector", "body_selector"}


@pytest.mark.parametrize("page", [p for p in GOLDEN_PAGES if "selector" in p.stem], ids=lambda p: p.stem)
def test_each_source_selector_changes_what_its_golden_page_gives(page: Path) -> None:
    """Without the source's selector the profile alone reads the page otherwise: the selector is honoured."""
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    html = decode_body(page.read_bytes(), None)[0]
    try:
        alone = profile_for(expected["profile"]).parse(html, expected["url"], expected["source"]).model_dump(mode="json")
    except NotAnArticle:
        alone = None
    assert alone != expected["article"]


@pytest.mark.parametrize("case", read_jsonl(GOLDEN / "date_lines.jsonl"), ids=lambda c: c["line"])
def test_publication_line_gives_a_full_date_or_none(case: dict[str, str | None]) -> None:
    published = case["published"]
    page = f"<html><body><article><h1>Titre</h1><p>{case['line']}</p><p>{'mot ' * 50}</p></article></body></html>"
    article = profile_for("network").parse(page, "https://example.org/a", None)
    assert article.published == (dt.date.fromisoformat(published) if published else None)
    assert case["line"] not in article.text or published is None


def test_french_dates_need_day_month_and_year() -> None:
    assert parse_french_date("13 décembre 2024") == dt.date(2024, 12, 13)
    assert parse_french_date("décembre 2024") is None


@pytest.mark.parametrize("name", ["network", "wordpress", "drupal", "spip"])
def test_in_known_templates_the_date_line_wins_over_time_and_time_over_meta(name: str) -> None:
    words = "<p>" + "texte " * 50 + "</p>"
    meta = '<meta property="article:published_time" content="2020-01-01T00:00:00Z">'
    time = '<time datetime="2021-02-02">2 février</time>'
    line = "<p>Publié le 03/03/2022</p>"
    page = "<html><head>{}</head><body><article><h1>T</h1>{}{}" + words + "</article></body></html>"
    profile = profile_for(name)
    assert profile.parse(page.format(meta, time, line), "u", None).published == dt.date(2022, 3, 3)
    assert profile.parse(page.format(meta, time, ""), "u", None).published == dt.date(2021, 2, 2)
    assert profile.parse(page.format(meta, "", ""), "u", None).published == dt.date(2020, 1, 1)
    assert profile.parse(page.format("", "", ""), "u", None).published is None


def test_generic_pages_read_the_line_then_the_markup_and_refuse_invented_days() -> None:
    words = "<p>" + "texte " * 50 + "</p>"
    page = "<html><head>{}</head><body><article><h1>Titre</h1>{}" + words + "</article>{}</body></html>"
    meta = '<meta property="article:published_time" content="2020-01-15T00:00:00Z">'
    generic = profile_for("generic")
    assert generic.parse(page.format(meta, "<p>Publié le 03/03/2022</p>", ""), "u", None).published == dt.date(2022, 3, 3)
    assert generic.parse(page.format(meta, "", ""), "u", None).published == dt.date(2020, 1, 15)
    sidebar = "<aside><p>Publié le 04/04/2021</p></aside>"
    assert generic.parse(page.format("", "", sidebar), "u", None).published != dt.date(2021, 4, 4)
    assert generic.parse(page.format("", "<p>Publié en 12/2024</p>", ""), "u", None).published is None


@pytest.mark.parametrize(
    ("body", "declared", "text", "charset", "noted"),
    [
        ("Coopération".encode(), "utf-8", "Coopération", "utf-8", False),
        ("Coopération".encode("latin-1"), "iso-8859-1", "Coopération", "iso-8859-1", False),
        ("Coopération".encode("latin-1"), "utf-8", "Coopération", "windows-1252", True),
        ("Coopération".encode(), "iso-8859-1", "Coopération", "utf-8", True),
        ('<meta charset="iso-8859-1">Coopération'.encode("latin-1"), None, '<meta charset="iso-8859-1">Coopération', "iso-8859-1", False),
        ("Coopération d’abord".encode("cp1252"), None, "Coopération d’abord", "windows-1252", True),
    ],
)
def test_charset_is_declared_then_meta_then_detected(
    body: bytes, declared: str | None, text: str, charset: str, noted: bool
) -> None:
    decoded, used, notes = decode_body(body, declared)
    assert (decoded, used, bool(notes)) == (text, charset, noted)


def test_shipped_sources_validate_and_cover_the_networks() -> None:
    sources = load_sources(shipped_sources_path())
    hosts = set().union(*(s.hosts for s in sources))
    for host in (
        "lianescooperation.org",
        "horizons-solidaires.org",
        "socooperation.org",
        "centraider.org",
        "gescod.org",
        "resacoop.org",
        "bfc-international.org",
        "oc-cooperation.org",
        "paysdelaloire-cooperation-internationale.org",
        "bretagne-solidaire.bzh",
    ):
        assert host in hosts
    lianes = next(s for s in sources if s.id == "lianes")
    assert lianes.is_article_url("https://lianescooperation.org/actualite/3-nouvelles-cooperations")
    assert not lianes.is_article_url("https://lianescooperation.org/evenement/groupe-pays-mali-3/")
    assert sum(s.profile == "network" for s in sources) == 6


def test_a_bad_sources_file_is_refused(tmp_path: Path) -> None:
    entry = 'id = "x"\nname = "X"\nregion = "R"\nbase_url = "https://x.org"\nstart_urls = ["/"]\n'
    bad_pattern = tmp_path / "bad.toml"
    bad_pattern.write_text(f"[[source]]\n{entry}article_url_pattern = '(unclosed'\n", encoding="utf-8")
    with pytest.raises(SourcesFileError, match='bad.toml: source "x", article_url_pattern: invalid regular expression'):
        load_sources(bad_pattern)
    duplicate = tmp_path / "duplicate.toml"
    duplicate.write_text(f"[[source]]\n{entry}article_url_pattern = 'a'\n" * 2, encoding="utf-8")
    with pytest.raises(SourcesFileError, match="duplicate source ids"):
        load_sources(duplicate)
