"""``partnerships import``: articles from elsewhere (dumps, other crawlers, a press archive) into
the store, as the crawl would have stored them, so that ``run --no-crawl`` (or ``import
--extract``) extracts, stores and merges them.

Inputs are Article JSONL files (``-`` for standard input; a gold line's ``article`` is read too)
and folders of saved ``.html`` pages with a URL map: a CSV file with a header row and the
columns ``file`` (the page's path inside the folder) and ``url`` (the article's address, its
identity in the store). Pages are read by a site profile (``generic`` unless told).

A bad line or page is reported with its file (and line number) and the reason, and every other
one is stored. An article already stored with the same text is left as it is; one whose text
changed replaces the stored one, its records (whose evidence points into the old text) are
removed and their partnerships merged again, and its extraction is owed. Articles are written
``IMPORT_BATCH`` to a transaction: an import stopped half-way and run again stores the rest.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from pipeline.inputs import MAX_ARTICLE_BYTES, read_inputs, too_large
from pipeline.records import Article
from pipeline.scraper.crawl import text_hash
from pipeline.store import schema
from pipeline.store.rebuild import merge_groups
from pipeline.store.repository import Store
from pipeline.store.schema import canonical_json

IMPORT_BATCH = 500
PAGE_SUFFIXES = (".html", ".htm")


class UrlMapError(ValueError):
    """The URL map of a folder of pages cannot be read; nothing of that folder is imported."""


@dataclass
class ImportReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.new + self.changed

    def summary(self) -> str:
        return (
            f"imported {self.new + self.changed + self.unchanged} articles: {self.new} new, {self.changed} changed, "
            f"{self.unchanged} already stored with the same text; {len(self.failures)} inputs failed"
        )


# ---------------------------------------------------------------------------- reading
def read_import_inputs(
    inputs: Iterable[str], *, url_map: Path | None = None, source: str | None = None, profile: str = "generic", max_bytes: int = MAX_ARTICLE_BYTES
) -> Iterator[Article | str]:
    """Articles of each input, or a line naming the input (and line) and why it was not read."""
    for name in inputs:
        path = Path(name)
        if name != "-" and path.is_dir():
            if url_map is None:
                yield f"{name}: a folder of pages needs --url-map FILE (CSV with the columns file,url)"
                continue
            try:
                urls = read_url_map(url_map)
            except UrlMapError as error:
                yield str(error)
                continue
            yield from read_page_folder(path, urls, source=source, profile=profile, max_bytes=max_bytes)
        elif name == "-" or path.suffix == ".jsonl":
            yield from read_inputs([name], max_bytes=max_bytes)
        else:
            yield f"{name}: expected Article JSONL (.jsonl), - for standard input, or a folder of .html pages"


def read_url_map(path: Path) -> dict[str, str]:
    """``file`` -> ``url`` from the map's CSV."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"file", "url"} <= set(reader.fieldnames):
                raise UrlMapError(f"{path}: expected a CSV header with the columns file,url, found {reader.fieldnames}")
            urls: dict[str, str] = {}
            for row in reader:
                name, url = (row.get("file") or "").strip(), (row.get("url") or "").strip()
                if not name or not url:
                    raise UrlMapError(f"{path}:{reader.line_num}: a row needs both a file and a url")
                urls[Path(name).as_posix()] = url
            return urls
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UrlMapError(f"{path}: cannot read the URL map: {error}") from None


def read_page_folder(folder: Path, urls: dict[str, str], *, source: str | None, profile: str, max_bytes: int) -> Iterator[Article | str]:
    """The articles of a folder's pages. A page is held to the crawl's limit on a page's size,
    its article's text to ``max_bytes``, as ``run`` holds a crawled one."""
    from pipeline.scraper.errors import ScraperError
    from pipeline.scraper.fetch import FetchSettings, decode_body
    from pipeline.scraper.profiles import profile_for

    reader = profile_for(profile)
    page_limit = FetchSettings().max_bytes
    for page in sorted(p for p in folder.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file()):
        key = page.relative_to(folder).as_posix()
        url = urls.get(key)
        if url is None:
            yield f"{page}: no url for {key!r} in the URL map, page skipped"
            continue
        try:
            if page.stat().st_size > page_limit:
                yield f"{page}: page larger than the crawl's {page_limit:,}-byte limit, skipped"
                continue
            html, _, _ = decode_body(page.read_bytes(), None)
            article = reader.parse(html, url)
            if len(article.text.encode("utf-8")) > max_bytes:
                yield f"{page}: text {too_large(max_bytes)}"
                continue
        except OSError as error:
            yield f"{page}: cannot read: {error.strerror or error}"
            continue
        except ScraperError as error:
            yield f"{page}: not an article page: {error.reason}"
            continue
        yield article.model_copy(update={"source": source}) if source is not None else article


# ---------------------------------------------------------------------------- storing
def import_articles(store: Store, items: Iterable[Article | str], *, on_failure: Callable[[str], None] = lambda line: None) -> ImportReport:
    report = ImportReport()
    batch: list[Article] = []
    for item in items:
        if isinstance(item, str):
            report.failures.append(item)
            on_failure(item)
            continue
        batch.append(item)
        if len(batch) >= IMPORT_BATCH:
            _store_batch(store, batch, report)
            batch = []
    if batch:
        _store_batch(store, batch, report)
    return report


def _store_batch(store: Store, articles: list[Article], report: ImportReport) -> None:
    """One transaction: each article new, changed (replaced, records removed) or unchanged."""
    table, records = schema.articles, schema.records
    with store.changing_partnerships() as connection:
        regroup: set[str] = set()
        for article in articles:
            digest = text_hash(article)
            stored = connection.execute(sa.select(table.c.text_hash).where(table.c.url == article.url)).scalar()
            if stored == digest:
                report.unchanged += 1
                continue
            if stored is None:
                report.new += 1
            else:
                report.changed += 1
                regroup |= set(connection.execute(sa.select(records.c.countries).where(records.c.article_url == article.url)).scalars())
                connection.execute(sa.delete(records).where(records.c.article_url == article.url))
                connection.execute(sa.delete(table).where(table.c.url == article.url))
            connection.execute(
                sa.insert(table).values(
                    url=article.url,
                    source=article.source,
                    published=article.published.isoformat() if isinstance(article.published, dt.date) else None,
                    text_hash=digest,
                    document=canonical_json(article.model_dump(mode="json")),
                    extracted_with=None,
                    extraction_error=None,
                )
            )
        merge_groups(connection, regroup)
