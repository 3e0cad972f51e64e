"""The configured network sources: a TOML data file validated by pydantic.

Users add a network by adding an entry, never code. An entry says where the news listing
starts, how to find article links and the next listing page, which URLs are articles (and
which are events or institutional pages to skip; patterns see the query string too, so
SPIP's ``spip.php?article40`` can be told from ``spip.php?page=contact``), which parsing
profile reads its pages, and, for a layout no profile knows, the CSS selectors of its title,
date and text. ``partnerships sources probe URL`` proposes an entry for a new site.
When a site's layout is not known, ``discover = true`` makes the crawl probe robots.txt,
sitemaps and feeds at run time and report what it found.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

ProfileName = Literal["network", "wordpress", "drupal", "spip", "generic"]


def _compile(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"invalid regular expression {pattern!r}: {error}") from None


class Source(BaseModel):
    """One news site of a regional international-cooperation network."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    region: str
    base_url: HttpUrl
    start_urls: list[str] = Field(min_length=1, description="news listing pages, absolute or relative to base_url")
    article_links: str = Field(default="a[href]", description="CSS selector of article links on a listing page")
    pagination: str | None = Field(
        default=None, description="CSS selector of the next listing page link (default: found by pipeline.scraper.listing)"
    )
    max_listing_pages: int = Field(default=3, ge=1)
    article_url_pattern: str = Field(
        description="regular expression searched in the URL's path and in its path with the query (`/spip.php?article40`)"
    )
    skip_url_patterns: list[str] = Field(default=[], description="URLs never fetched as articles (events…), matched the same way")
    feed: str | None = None
    sitemap: str | None = None
    discover: bool = False
    profile: ProfileName = "generic"
    title_selector: str | None = Field(default=None, description="CSS selector of the title, tried before the profile's")
    date_selector: str | None = Field(default=None, description="CSS selector of the date element, tried before the profile's")
    body_selector: str | None = Field(
        default=None, description="CSS selector list of the main text (`.chapo, .texte`), tried before the profile's"
    )
    extra_hosts: list[str] = []

    @field_validator("article_url_pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        _compile(pattern)
        return pattern

    @field_validator("skip_url_patterns")
    @classmethod
    def _all_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            _compile(pattern)
        return patterns

    @property
    def hosts(self) -> frozenset[str]:
        """Host names (with port when given) this source may fetch from."""
        return frozenset({urlsplit(str(self.base_url)).netloc.lower(), *(h.lower() for h in self.extra_hosts)})

    def absolute(self, url: str) -> str:
        return urljoin(str(self.base_url), url)

    def is_article_url(self, url: str) -> bool:
        """Whether the URL is one of this source's articles: the article pattern matches and no skip
        pattern does. Each pattern is searched in the path (``/actualite/x``) and in the path with
        its query (``/spip.php?article40``); matching either is enough, so patterns written for
        paths alone keep working."""
        if self.is_skipped_url(url):
            return False
        return any(re.search(self.article_url_pattern, target) for target in _match_targets(url))

    def is_skipped_url(self, url: str) -> bool:
        targets = _match_targets(url)
        return any(re.search(pattern, target) for pattern in self.skip_url_patterns for target in targets)

    @property
    def selectors(self) -> dict[str, str | None]:
        """The source's own selectors, as ``profile_for`` takes them."""
        return {"title_selector": self.title_selector, "date_selector": self.date_selector, "body_selector": self.body_selector}


def _match_targets(url: str) -> tuple[str, ...]:
    parts = urlsplit(url)
    return (parts.path, f"{parts.path}?{parts.query}") if parts.query else (parts.path,)


class SourceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: list[Source]

    @field_validator("source")
    @classmethod
    def _unique_ids(cls, sources: list[Source]) -> list[Source]:
        ids = [s.id for s in sources]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"duplicate source ids: {sorted(duplicates)}")
        return sources


class SourcesFileError(ValueError):
    """A sources file that cannot be used, in one line: the file, each faulty entry by its
    ``id`` (or its position when it has none) and field, and why."""


def load_sources(path: Path | str) -> list[Source]:
    """Read and validate a sources file (``[[source]]`` tables); raises SourcesFileError."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise SourcesFileError(f"{path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SourcesFileError(f"{path}: not TOML: {error}") from None
    try:
        return SourceFile.model_validate(data).source
    except ValidationError as error:
        problems = "; ".join(_describe(problem, data) for problem in error.errors(include_url=False))
        raise SourcesFileError(f"{path}: {problems}") from None


def _describe(problem: Any, data: dict[str, Any]) -> str:
    """``source "lianes", article_url_pattern: invalid regular expression …``"""
    location = list(problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    if location[:1] == ["source"] and len(location) > 1 and isinstance(location[1], int):
        entries = data.get("source") or []
        entry = entries[location[1]] if location[1] < len(entries) else {}
        name = f'source "{entry["id"]}"' if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"source entry {location[1] + 1} (no id)"
        field = ".".join(str(part) for part in location[2:])
        return f"{name}, {field}: {message}" if field else f"{name}: {message}"
    return f"{'.'.join(str(part) for part in location) or 'file'}: {message}"


def rebase(sources: list[Source], base_url: str) -> list[Source]:
    """The same sources served from another origin (the fixture site on a localhost port)."""
    return [s.model_copy(update={"base_url": HttpUrl(base_url)}) for s in sources]


def shipped_sources_path() -> Path:
    """The sources file carried by the package (``pipeline/scraper/sources.toml``)."""
    return Path(str(files("pipeline.scraper").joinpath("sources.toml")))


def demo_site_dir() -> Path:
    """The fixture site the demo serves: ``fixtures/site`` of the repository, installed as the
    package ``pipeline.demo_site`` so that a wheel carries it (editable install or not)."""
    return Path(str(files("pipeline.demo_site")))
