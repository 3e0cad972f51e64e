"""Reading ``partnerships extract`` inputs: Article JSONL, ``.txt`` files, ``.html`` pages, stdin.

Each input yields Articles, or a message naming the input (and line) and the reason it could
not be read; the caller reports it and goes on with the others. JSONL is read as bytes, one
line at a time, so that a line which is not UTF-8, is too large or is not an Article is one
bad line: every other line of the file is still read, under its own line number. Memory stays
bounded whatever the input: no more than ``max_bytes`` of a line or file is ever held.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from pipeline.records import Article

# Default of --max-article-size: real articles are well under 100 KB of text; a larger input
# is a mistake (a dump, a binary) that would take minutes and gigabytes to extract.
MAX_ARTICLE_BYTES = 2_000_000
_SKIP_CHUNK = 1 << 16


def add_max_article_size(parser: argparse.ArgumentParser, what_happens: str) -> None:
    """``--max-article-size`` as every command that reads articles takes it."""
    parser.add_argument(
        "--max-article-size", type=positive_int, default=MAX_ARTICLE_BYTES, metavar="BYTES",
        help=f"{what_happens} an article larger than this (default {MAX_ARTICLE_BYTES:,})",
    )


def positive_int(value: str) -> int:
    """An argparse type: a whole number above 0."""
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number above 0")
    return int(value)


def read_inputs(
    inputs: Iterable[str], *, published: dt.date | None = None, url: str | None = None, max_bytes: int = MAX_ARTICLE_BYTES
) -> Iterator[Article | str]:
    for name in inputs:
        if name == "-":
            yield from _stdin(max_bytes)
            continue
        path = Path(name)
        try:
            if path.is_dir():
                yield f"{name}: is a directory; give the files in it (for example {path / '*.jsonl'})"
            elif path.suffix == ".jsonl":
                with path.open("rb") as handle:
                    yield from read_articles_jsonl(handle, name, max_bytes)
            elif path.suffix in (".txt", ".html", ".htm"):
                yield _file_article(path, published, url, max_bytes)
            else:
                yield f"{name}: unsupported input type {path.suffix or '(none)'}; expected .jsonl, .txt, .html or -"
        except OSError as exc:
            yield f"{name}: cannot read: {exc.strerror or exc}"
        except ValueError as exc:
            yield f"{name}: {exc}"


def _stdin(max_bytes: int) -> Iterator[Article | str]:
    if sys.stdin is None or sys.stdin.closed:  # started with standard input closed (<&-)
        yield "<stdin>: standard input is closed; pipe Article JSONL into it or name files"
        return
    try:
        yield from read_articles_jsonl(sys.stdin.buffer, "<stdin>", max_bytes)
    except OSError as exc:
        yield f"<stdin>: cannot read: {exc.strerror or exc}"


def read_articles_jsonl(stream: BinaryIO, origin: str, max_bytes: int = MAX_ARTICLE_BYTES) -> Iterator[Article | str]:
    """Articles of a JSONL byte stream (a gold line's ``article`` too); a bad line yields
    ``"origin:N: reason"`` instead and the next line is read."""
    number = 0
    while line := stream.readline(max_bytes + 1):
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield f"{origin}:{number}: {too_large(max_bytes)}"
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield f"{origin}:{number}: not UTF-8 text (byte {exc.start + 1} of the line: {exc.reason}), line skipped"
            continue
        try:
            yield _article(json.loads(text))
        except ValueError as exc:
            yield f"{origin}:{number}: {describe(exc)}"


def _article(payload: object) -> Article:
    if isinstance(payload, dict) and "article" in payload and "text" not in payload:
        payload = payload["article"]
    if not isinstance(payload, dict):
        raise ValueError(f"expected an Article object, found a JSON {type(payload).__name__}")
    return Article.model_validate(payload)


def describe(exc: ValueError) -> str:
    """One line a person understands: the fields at fault, or where the JSON breaks."""
    if isinstance(exc, ValidationError):
        problems = []
        for error in exc.errors(include_url=False):
            where = ".".join(str(part) for part in error["loc"]) or "article"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}")
        return "; ".join(problems)
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg} at column {exc.colno})"
    return str(exc)


def too_large(max_bytes: int) -> str:
    return f"larger than the {max_bytes:,}-byte article limit (--max-article-size), skipped"


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while (chunk := stream.readline(_SKIP_CHUNK)) and not chunk.endswith(b"\n"):
        pass


def _file_article(path: Path, published: dt.date | None, url: str | None, max_bytes: int) -> Article:
    if path.stat().st_size > max_bytes:
        raise ValueError(too_large(max_bytes))
    data = path.read_bytes()
    if path.suffix == ".txt":
        return _text_article(path, data, published, url)
    return _html_article(path, data, published, url)


def _text_article(path: Path, data: bytes, published: dt.date | None, url: str | None) -> Article:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start + 1}: {exc.reason})") from None
    title = text.split("\n", 1)[0].strip()
    return Article(url=url or path.resolve().as_uri(), source=None, title=title, published=published, text=text)


def _html_article(path: Path, data: bytes, published: dt.date | None, url: str | None) -> Article:
    """A saved page, read with the generic site profile (title, date line or meta, main text)."""
    from pipeline.scraper.errors import ScraperError
    from pipeline.scraper.fetch import decode_body
    from pipeline.scraper.profiles import profile_for

    html, _, _ = decode_body(data, None)
    try:
        article = profile_for("generic").parse(html, url or path.resolve().as_uri())
    except ScraperError as exc:
        raise ValueError(f"not an article page: {exc.reason}") from None
    if published is not None:
        article = article.model_copy(update={"published": published})
    return article
