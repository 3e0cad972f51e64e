"""Gold files: the contract's lines with their text, and real-page lines whose text stays out of git.

A real page's text belongs to its publisher, so a real-page gold line (``fixtures/real/*.jsonl``)
carries everything but the text: the article's url, title and date, the search query that found
the page, a fingerprint of the text (sha256 of its whitespace-normalised form, and its first
words) and the gold records. The texts sit in a git-ignored folder, one file per page named by
:func:`text_key`; :func:`read_gold` puts each text back into its article and refuses a text
whose fingerprint differs (another version of the page, or a copy slip), naming the line.

A contract gold line (``{"article": {..., "text": ...}, "records": [...]}``) reads as it is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.records import Article, GoldArticle, GoldRecord

FIRST_WORDS = 8


def normalised_text(text: str) -> str:
    """The text with every run of whitespace (line breaks, non-breaking spaces) read as one space."""
    return " ".join(text.split())


def text_sha256(text: str) -> str:
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()


def first_words(text: str) -> str:
    return " ".join(normalised_text(text).split(" ")[:FIRST_WORDS])


def text_key(url: str) -> str:
    """The file name (without ``.txt``) of a page's text in a texts folder."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


class PageRef(BaseModel):
    """A real page's article fields, without its text."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1)
    source: str | None = None
    title: str = ""
    published: str | None = None


class RealGoldLine(BaseModel):
    """One line of a real-page gold file."""

    model_config = ConfigDict(extra="forbid")

    article: PageRef
    query: str = Field(min_length=1, description="the search query that returned the page (fixtures/real/README.md)")
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    first_words: str
    records: list[GoldRecord]
    notes: str = ""


@dataclass
class GoldSet:
    """The usable articles of a gold file, and why the others could not be used."""

    articles: list[GoldArticle] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing_texts: int = 0


def read_gold(path: Path, texts: Path | None = None) -> GoldSet:
    """Every line of a gold file as a GoldArticle; real-page lines take their text from ``texts``
    (default: the ``texts`` folder beside the file)."""
    folder = texts if texts is not None else path.parent / "texts"
    result = GoldSet()
    for number, line in _lines(path):
        where = f"{path}:{number}"
        try:
            payload = json.loads(line)
        except ValueError as exc:
            result.problems.append(f"{where}: not JSON: {exc}")
            continue
        try:
            if isinstance(payload, dict) and "text_sha256" in payload:
                article = _real_article(RealGoldLine.model_validate(payload), folder, where, result)
                if article is not None:
                    result.articles.append(article)
            else:
                result.articles.append(GoldArticle.model_validate(payload))
        except ValueError as exc:
            result.problems.append(f"{where}: not a gold line: {str(exc).splitlines()[0]}")
    return result


def _real_article(line: RealGoldLine, folder: Path, where: str, result: GoldSet) -> GoldArticle | None:
    text_file = folder / f"{text_key(line.article.url)}.txt"
    if not text_file.exists():
        result.missing_texts += 1
        result.problems.append(f"{where}: no text for {line.article.url} at {text_file} (fixtures/real/README.md says how to refetch it)")
        return None
    text = text_file.read_text(encoding="utf-8")
    if text_sha256(text) != line.text_sha256:
        result.problems.append(
            f"{where}: the text at {text_file} is not the annotated one for {line.article.url} "
            f"(fingerprint differs; it starts {first_words(text)!r}, the annotated one {line.first_words!r})"
        )
        return None
    article = Article(url=line.article.url, source=line.article.source, title=line.article.title, published=line.article.published, text=text)
    return GoldArticle(article=article, records=line.records)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


@dataclass(frozen=True)
class TextStatus:
    """Whether a real page's text is in the texts folder, and what to do when it is not."""

    url: str
    query: str
    path: Path
    state: str  # ok | missing | changed

    def line(self) -> str:
        if self.state == "ok":
            return f"ok       {self.url}"
        what = "missing" if self.state == "missing" else "changed"
        return f"{what:8} {self.url}\n         search pages for {self.query!r}, save this URL's excerpt as {self.path}"


def corpus_status(path: Path, texts: Path | None = None) -> list[TextStatus]:
    folder = texts if texts is not None else path.parent / "texts"
    statuses = []
    for _, line in _lines(path):
        gold = RealGoldLine.model_validate_json(line)
        text_file = folder / f"{text_key(gold.article.url)}.txt"
        if not text_file.exists():
            state = "missing"
        elif text_sha256(text_file.read_text(encoding="utf-8")) != gold.text_sha256:
            state = "changed"
        else:
            state = "ok"
        statuses.append(TextStatus(gold.article.url, gold.query, text_file, state))
    return statuses
