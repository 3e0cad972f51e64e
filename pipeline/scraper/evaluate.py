"""Benchmark (not a test): the generic profile against trafilatura and htmldate, in one process.

Main text, on trafilatura's public evaluation set (its repository's ``tests/evaldata.json``
and the pages of ``tests/eval/`` and ``tests/cache/``), scored as that set is scored: per
page, each annotated snippet that must be in the text and is, is a true positive, each that
must not be and is, a false positive (whitespace normalised, substring match)::

    python -m pipeline.scraper.evaluate text --tests PATH/trafilatura/tests

Publication dates, on htmldate's public benchmark (its repository's ``tests/eval_default.json``
and ``tests/eval_mediacloud_2020.json``, pages in ``tests/test_set``, ``cache``, ``eval``): the
share of pages whose day is right::

    python -m pipeline.scraper.evaluate dates --tests PATH/htmldate/tests

Both repositories are cloned into a git-ignored folder (``.bench-data/``, see README); no
page is part of this repository. Each page is given to every contestant in turn, so machine
load falls on all alike; times are per call, after a warm-up on the first pages, and every call
starts with the libraries' content caches empty (the contestants share the libraries). "French pages"
are those whose ``<html lang>``, ``og:locale`` or Content-Language says French or, when the
page declares no language, whose text has more French function words than English, German
or Spanish ones.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml.html import HtmlElement

from pipeline.scraper.errors import NotAnArticle
from pipeline.scraper.fetch import decode_body
from pipeline.scraper.profiles import GenericProfile

_DECLARED_LANGUAGE = (
    re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2})", re.IGNORECASE),
    re.compile(rb"og:locale[\"'][^>]*content=[\"']([A-Za-z]{2})", re.IGNORECASE),
    re.compile(rb"content=[\"']([A-Za-z]{2})[A-Za-z_-]*[\"'][^>]*og:locale", re.IGNORECASE),
    re.compile(rb"content-language[\"'][^>]*content=[\"']([A-Za-z]{2})", re.IGNORECASE),
)
_FUNCTION_WORDS = {
    "fr": frozenset("le la les des du de et est une un dans pour que qui sur pas par au aux avec ce cette ses son sont été être nous vous il elle ont".split()),
    "en": frozenset("the and of to is in that it for was on are with as this by be at from have not".split()),
    "de": frozenset("der die das und ist nicht mit sich den dem des ein eine auf für auch zu im von wird sind".split()),
    "es": frozenset("el la los las y de que en por con para una un es del se al lo como más".split()),
}


def is_french(page: bytes, tree: HtmlElement | None) -> bool:
    head = page[:20_000]
    for pattern in _DECLARED_LANGUAGE:
        match = pattern.search(head)
        if match:
            return match.group(1).lower() == b"fr"
    if tree is None:
        return False
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    words = re.findall(r"\w+", tree.text_content().lower())
    counts = {language: sum(word in vocabulary for word in words) for language, vocabulary in _FUNCTION_WORDS.items()}
    best = max(counts, key=lambda language: counts[language])
    return best == "fr" and counts[best] > 20


_STATIC_CACHES = frozenset(
    {"define_stoplist", "month_words", "get_external_parser", "_punct_tbl", "encoding_languages", "mb_encoding_languages",
     "get_target_features", "_range_compatibility", "langcodes_score"}
)
"""Library caches of fixed tables (stop lists, month names), kept warm between calls."""


def _content_caches() -> list[Callable[[], None]]:
    """``cache_clear`` of the libraries' caches of page content (trimmed strings, parsed date
    expressions): both contestants use the same libraries, so whichever ran first on a page
    would otherwise hand the other a warm cache."""
    import sys

    clears: dict[int, Callable[[], None]] = {}
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in ("trafilatura", "htmldate", "justext", "courlan", "charset_normalizer"):
            continue
        for attribute, value in vars(module).items():
            if attribute not in _STATIC_CACHES and hasattr(value, "cache_clear") and hasattr(value, "cache_info"):
                clears[id(value)] = value.cache_clear
    return list(clears.values())


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class TextScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    seconds: float = 0.0
    pages: int = 0
    nothing_found: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    def add(self, text: str | None, keep: list[str], drop: list[str]) -> None:
        found = _normalise(text or "")
        hits = sum(_normalise(snippet) in found for snippet in keep)
        self.tp += hits
        self.fn += len(keep) - hits
        self.fp += sum(_normalise(snippet) in found for snippet in drop)
        self.nothing_found += hits == 0
        self.pages += 1

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def row(self, name: str, baseline_seconds: float) -> str:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        ms = self.seconds / max(self.pages, 1) * 1000
        ratio = self.seconds / baseline_seconds if baseline_seconds else 0.0
        return f"{name:<34} {precision:6.3f} {recall:6.3f} {self.f1:6.3f} {ms:8.1f} {ratio:6.2f}x {self.nothing_found:7d}"


def _timed(function: Callable[[], str | None]) -> tuple[str | None, float]:
    started = time.perf_counter()
    try:
        result = function()
    except NotAnArticle:
        result = None
    return result, time.perf_counter() - started


_WARM_UP_PAGES = 20
"""Pages each contestant reads before timing starts: one-time costs (dateparser compiling its
locales' expressions, stop lists) are paid then, not by whichever contestant meets them first."""


def _warm_up(contestants: dict[str, Callable[[bytes, str], str | None]], pages: list[tuple[str, bytes]]) -> None:
    import dateparser

    dateparser.parse("zzqx 17 wwvv 2020")  # matches no language: every locale's expressions get compiled, once
    for function in contestants.values():
        for url, page in pages:
            _timed(lambda: function(page, url))


def _find(tests: Path, folders: tuple[str, ...], name: str) -> Path:
    for folder in folders:
        path = tests / folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"{name} not in {', '.join(folders)} under {tests}")


def evaluate_text(tests: Path, limit: int | None) -> None:
    from trafilatura import bare_extraction, extract
    from trafilatura.utils import load_html

    annotations: dict[str, dict] = json.loads((tests / "evaldata.json").read_text(encoding="utf-8"))
    pages = list(annotations.items())[:limit]
    generic = GenericProfile()

    def project(page: bytes, url: str) -> str:
        return generic.parse(decode_body(page, None)[0], url, None).text

    def reference(page: bytes, url: str) -> str | None:
        return extract(page, fast=False, include_comments=False, include_tables=True, include_formatting=False)

    def reference_with_metadata(page: bytes, url: str) -> str | None:
        document = bare_extraction(page, fast=False, include_comments=False, include_tables=True, with_metadata=True)
        return document.text if document is not None else None

    contestants: dict[str, Callable[[bytes, str], str | None]] = {
        "generic profile (parse)": project,
        "trafilatura": reference,
        "trafilatura + title, date": reference_with_metadata,
    }
    scores = {name: TextScore() for name in contestants}
    french = {name: TextScore() for name in contestants}
    _warm_up(contestants, [(url, _find(tests, ("cache", "eval"), a["file"]).read_bytes()) for url, a in pages[:_WARM_UP_PAGES]])
    caches = _content_caches()
    for url, annotation in pages:
        page = _find(tests, ("cache", "eval"), annotation["file"]).read_bytes()
        in_french = is_french(page, load_html(page))
        for name, function in contestants.items():
            for clear in caches:
                clear()
            started = time.perf_counter()
            try:
                text = function(page, url)
            except NotAnArticle as error:
                text = None
                reason = re.sub(r"\s*\(.*", "", error.reason)
                scores[name].rejected[reason] = scores[name].rejected.get(reason, 0) + 1
            elapsed = time.perf_counter() - started
            for score in (scores[name], *((french[name],) if in_french else ())):
                score.add(text, annotation["with"], annotation["without"])
                score.seconds += elapsed
    header = f"{'':<34} {'P':>6} {'R':>6} {'F1':>6} {'ms/page':>8} {'time':>7} {'no text':>7}"
    baseline = "trafilatura"
    for label, table in ((f"all pages ({len(pages)})", scores), (f"French pages ({french[baseline].pages})", french)):
        print(label)
        print(header)
        for name, score in table.items():
            print(score.row(name, table[baseline].seconds))
    for name, score in scores.items():
        if score.rejected:
            print(f"{name}: rejected as not articles: {', '.join(f'{n} {r}' for r, n in sorted(score.rejected.items()))}")


def evaluate_dates(tests: Path, limit: int | None) -> None:
    from htmldate import find_date
    from trafilatura.utils import load_html

    annotations: dict[str, dict] = {}
    for name in ("eval_default.json", "eval_mediacloud_2020.json"):
        annotations.update(json.loads((tests / name).read_text(encoding="utf-8")))
    pages = list(annotations.items())[:limit]
    generic = GenericProfile()

    def project(page: bytes, url: str) -> str | None:
        published = generic.published(decode_body(page, None)[0], url)
        return published.isoformat() if published else None

    def reference(page: bytes, url: str) -> str | None:
        return find_date(page, original_date=True, extensive_search=True)

    contestants: dict[str, Callable[[bytes, str], str | None]] = {"generic profile (date)": project, "htmldate (extensive)": reference}
    right = {name: [0, 0] for name in contestants}
    answered = {name: 0 for name in contestants}
    seconds = {name: 0.0 for name in contestants}
    french_pages = 0
    folders = ("test_set", "cache", "eval")
    _warm_up(contestants, [(url, _find(tests, folders, a["file"]).read_bytes()) for url, a in pages[:_WARM_UP_PAGES]])
    caches = _content_caches()
    for url, annotation in pages:
        page = _find(tests, folders, annotation["file"]).read_bytes()
        in_french = is_french(page, load_html(page))
        french_pages += in_french
        for name, function in contestants.items():
            for clear in caches:
                clear()
            value, elapsed = _timed(lambda: function(page, url))
            seconds[name] += elapsed
            answered[name] += value is not None
            if value == annotation["date"]:
                right[name][0] += 1
                right[name][1] += in_french
    print(f"{'':<26} {'right':>6} {'French':>7} {'answered':>9} {'precision':>9} {'ms/page':>8} {'time':>6}")
    baseline = seconds["htmldate (extensive)"]
    for name in contestants:
        share = right[name][0] / len(pages)
        french_share = right[name][1] / french_pages if french_pages else 0.0
        precision = right[name][0] / answered[name] if answered[name] else 0.0
        ms = seconds[name] / len(pages) * 1000
        print(f"{name:<26} {share:6.3f} {french_share:7.3f} {answered[name]:9d} {precision:9.3f} {ms:8.1f} {seconds[name] / baseline:5.2f}x")
    print(f"{len(pages)} pages, {french_pages} French")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=("text", "dates"))
    parser.add_argument("--tests", type=Path, required=True, help="the tests/ folder of a trafilatura (text) or htmldate (dates) clone")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (a quick look)")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # both libraries log every page they discard
    warnings.simplefilter("ignore")
    if args.benchmark == "text":
        evaluate_text(args.tests, args.limit)
    else:
        evaluate_dates(args.tests, args.limit)


if __name__ == "__main__":
    main()
