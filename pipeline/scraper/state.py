"""What the crawler remembers between runs, and the raw archive of every fetched page.

The memory (one JSON file) holds, per URL, the source, the server's validators (ETag,
Last-Modified), the archived body's sha256 and the hash of the Article text parsed from it,
so a nightly re-run asks only conditional questions and recognises an article republished
under another URL. The archive keeps each distinct body once, gzip-compressed and named by
its sha256, beside a JSON sidecar listing every fetch of it (URL, status, headers, time), so
extraction can be re-run without refetching.

``CrawlMemory`` is what the crawl asks of a memory: ``CrawlState`` keeps it in files, the
store in its database (``pipeline.store.crawl_state``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from pipeline.scraper.fetch import Validators


@dataclass(frozen=True)
class SeenPage:
    source: str
    etag: str | None
    last_modified: str | None
    sha256: str
    text_hash: str | None
    fetched_at: str

    @classmethod
    def of_fetch(
        cls, source: str, validators: Validators, sha256: str, text_hash: str | None, fetched_at: dt.datetime | None
    ) -> SeenPage:
        """What both crawl memories (files, database) keep of one fetch."""
        return cls(
            source=source,
            etag=validators.etag,
            last_modified=validators.last_modified,
            sha256=sha256,
            text_hash=text_hash,
            fetched_at=(fetched_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        )

    @property
    def validators(self) -> Validators | None:
        """What to ask the server again with (a conditional request); None when it gave neither."""
        if not (self.etag or self.last_modified):
            return None
        return Validators(etag=self.etag, last_modified=self.last_modified)


class CrawlMemory(Protocol):
    """The memory and archive a crawl reads and writes (``pipeline.scraper.crawl.crawl``)."""

    def page(self, url: str) -> SeenPage | None:
        """What the last fetch of this URL gave, if it was fetched before."""

    def url_with_text(self, text_hash: str) -> str | None:
        """The URL already holding an article with this text, if any (content-hash dedupe)."""

    def remember(
        self,
        url: str,
        *,
        source: str,
        validators: Validators,
        sha256: str,
        text_hash: str | None = None,
        fetched_at: dt.datetime | None = None,
    ) -> None: ...

    def archive(
        self, body: bytes, headers: Mapping[str, str], *, url: str, status: int = 200, fetched_at: dt.datetime | None = None
    ) -> str:
        """Keep the body (once per content) and log this fetch of it; returns the body's sha256."""

    def archived(self, sha256: str) -> bytes: ...

    def archived_fetches(self, sha256: str) -> list[dict[str, object]]:
        """Every fetch that returned this body, oldest first."""

    def save(self) -> None:
        """The end of the crawl: keep what it learnt."""


class CrawlState:
    """Per-URL memory and content-addressed archive under one directory (a ``CrawlMemory``)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.archive_dir = self.directory / "archive"
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        self._memory_path = self.directory / "seen.json"
        self._pages: dict[str, SeenPage] = {}
        if self._memory_path.exists():
            raw = json.loads(self._memory_path.read_text(encoding="utf-8"))
            self._pages = {url: SeenPage(**entry) for url, entry in raw.items()}

    def page(self, url: str) -> SeenPage | None:
        return self._pages.get(url)

    def url_with_text(self, text_hash: str) -> str | None:
        for url, page in self._pages.items():
            if page.text_hash == text_hash:
                return url
        return None

    def remember(
        self,
        url: str,
        *,
        source: str,
        validators: Validators,
        sha256: str,
        text_hash: str | None = None,
        fetched_at: dt.datetime | None = None,
    ) -> None:
        self._pages[url] = SeenPage.of_fetch(source, validators, sha256, text_hash, fetched_at)

    def archive(
        self, body: bytes, headers: Mapping[str, str], *, url: str, status: int = 200, fetched_at: dt.datetime | None = None
    ) -> str:
        digest = hashlib.sha256(body).hexdigest()
        body_path, meta_path = self._paths(digest)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        if not body_path.exists():
            _write_atomic(body_path, gzip.compress(body))
        fetches = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else []
        fetches.append(
            {
                "url": url,
                "status": status,
                "headers": dict(headers),
                "fetched_at": (fetched_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
            }
        )
        _write_atomic(meta_path, json.dumps(fetches, ensure_ascii=False, indent=1).encode())
        return digest

    def archived(self, sha256: str) -> bytes:
        return gzip.decompress(self._paths(sha256)[0].read_bytes())

    def archived_fetches(self, sha256: str) -> list[dict[str, object]]:
        return json.loads(self._paths(sha256)[1].read_text(encoding="utf-8"))

    def save(self) -> None:
        data = {url: asdict(page) for url, page in sorted(self._pages.items())}
        _write_atomic(self._memory_path, json.dumps(data, ensure_ascii=False, indent=1).encode())

    def _paths(self, sha256: str) -> tuple[Path, Path]:
        folder = self.archive_dir / sha256[:2]
        return folder / f"{sha256}.gz", folder / f"{sha256}.json"


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
