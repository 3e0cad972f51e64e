"""Reading ``partnerships extract`` inputs: Article JSONL, ``.txt`` files, ``.html`` pages, stdin.

Each input yields Articles, or a message naming the input (and line) and the reason it could
not be read; the caller reports it and goes on with the others.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.extract import read_articles_jsonl
from pipeline.records import Article


def read_inputs(inputs: Iterable[str], *, published: dt.date | None = None, url: str | None = None) -> Iterator[Article | str]:
    for name in inputs:
        if name == "-":
            yield from _jsonl(sys.stdin, "<stdin>")
            continue
        path = Path(name)
        try:
            if path.suffix == ".jsonl":
                with path.open(encoding="utf-8") as handle:
                    yield from _jsonl(handle, name)
            elif path.suffix == ".txt":
                yield _text_article(path, published, url)
            elif path.suffix in (".html", ".htm"):
                yield _html_article(path, published, url)
            else:
                yield f"{name}: unsupported input type {path.suffix or '(none)'}; expected .jsonl, .txt, .html or -"
        except OSError as exc:
            yield f"{name}: cannot read: {exc.strerror or exc}"
        except UnicodeDecodeError as exc:
            yield f"{name}: not UTF-8 text: {exc.reason} at byte {exc.start}"
        except ValueError as exc:
            yield f"{name}: {exc}"


def _jsonl(lines: Iterable[str], origin: str) -> Iterator[Article | str]:
    for item in read_articles_jsonl(lines, origin):
        yield item[1] if isinstance(item, tuple) else item


def _text_article(path: Path, published: dt.date | None, url: str | None) -> Article:
    text = path.read_text(encoding="utf-8")
    title = text.split("\n", 1)[0].strip()
    return Article(url=url or path.resolve().as_uri(), source=None, title=title, published=published, text=text)


def _html_article(path: Path, published: dt.date | None, url: str | None) -> Article:
    """A saved page, read with the generic site profile (title, date line or meta, main text)."""
    from pipeline.scraper.errors import ScraperError
    from pipeline.scraper.fetch import decode_body
    from pipeline.scraper.profiles import profile_for

    html, _, _ = decode_body(path.read_bytes(), None)
    try:
        article = profile_for("generic").parse(html, url or path.resolve().as_uri())
    except ScraperError as exc:
        raise ValueError(f"not an article page: {exc.reason}") from None
    if published is not None:
        article = article.model_copy(update={"published": published})
    return article
