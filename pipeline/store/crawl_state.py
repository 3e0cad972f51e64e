"""The crawler's memory and raw archive kept in the store.

``pipeline.scraper.crawl.crawl`` is given a ``DatabaseCrawlState`` (a ``CrawlMemory``, like
the file-based ``CrawlState``). What the crawl remembers is held in memory until it is safe
to commit:

* at ``save()`` (the end of the crawl) the archived bodies and their fetches are written, with
  the memory of every page that is not an article still to be stored (listings, robots.txt,
  pages that are not articles, articles unchanged since an earlier run);
* the memory of a page holding a new or changed article is written only in the transaction
  that stores that article (``take_pages``): if the run dies before, the page is not
  remembered and the next crawl fetches it again, so no article is ever lost between the
  crawl and the store.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict

import sqlalchemy as sa

from pipeline.scraper.fetch import Validators
from pipeline.scraper.state import SeenPage
from pipeline.store import schema
from pipeline.store.engine import reading, transaction


class DatabaseCrawlState:
    """Per-URL memory and content-addressed archive in the store's tables."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._pending_pages: dict[str, SeenPage] = {}
        self._pending_bodies: dict[str, bytes] = {}
        self._pending_fetches: list[dict[str, object]] = []

    # -- what the crawl asks of its memory (pipeline.scraper.state.CrawlMemory)
    def page(self, url: str) -> SeenPage | None:
        if url in self._pending_pages:
            return self._pending_pages[url]
        with reading(self.engine) as connection:
            row = connection.execute(sa.select(schema.pages).where(schema.pages.c.url == url)).mappings().first()
        if row is None:
            return None
        return SeenPage(**{k: v for k, v in row.items() if k != "url"})

    def url_with_text(self, text_hash: str) -> str | None:
        for url, page in self._pending_pages.items():
            if page.text_hash == text_hash:
                return url
        with reading(self.engine) as connection:
            return connection.execute(
                sa.select(schema.pages.c.url).where(schema.pages.c.text_hash == text_hash).order_by(schema.pages.c.url).limit(1)
            ).scalar()

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
        self._pending_pages[url] = SeenPage.of_fetch(source, validators, sha256, text_hash, fetched_at)

    def archive(
        self, body: bytes, headers: Mapping[str, str], *, url: str, status: int = 200, fetched_at: dt.datetime | None = None
    ) -> str:
        digest = hashlib.sha256(body).hexdigest()
        self._pending_bodies.setdefault(digest, body)
        self._pending_fetches.append(
            {
                "sha256": digest,
                "url": url,
                "status": status,
                "headers": json.dumps(dict(headers), sort_keys=True, ensure_ascii=False),
                "fetched_at": (fetched_at or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds"),
            }
        )
        return digest

    def archived(self, sha256: str) -> bytes:
        if sha256 in self._pending_bodies:
            return self._pending_bodies[sha256]
        with reading(self.engine) as connection:
            data = connection.execute(sa.select(schema.bodies.c.gzip).where(schema.bodies.c.sha256 == sha256)).scalar_one()
        return gzip.decompress(data)

    def archived_fetches(self, sha256: str) -> list[dict[str, object]]:
        table = schema.fetches
        with reading(self.engine) as connection:
            rows = connection.execute(
                sa.select(table.c.url, table.c.status, table.c.headers, table.c.fetched_at)
                .where(table.c.sha256 == sha256)
                .order_by(table.c.fetched_at)
            ).all()
        stored = [{"url": u, "status": s, "headers": json.loads(h), "fetched_at": f} for u, s, h, f in rows]
        pending = [
            {**{k: v for k, v in f.items() if k != "sha256"}, "headers": json.loads(str(f["headers"]))}
            for f in self._pending_fetches
            if f["sha256"] == sha256
        ]
        return stored + pending

    def save(self) -> None:
        """Write the archive and the memory of every page not waiting for its article."""
        with transaction(self.engine) as connection:
            if self._pending_bodies:
                known = set(
                    connection.execute(
                        sa.select(schema.bodies.c.sha256).where(schema.bodies.c.sha256.in_(list(self._pending_bodies)))
                    ).scalars()
                )
                new_bodies = [
                    {"sha256": digest, "gzip": gzip.compress(body, mtime=0), "size": len(body)}
                    for digest, body in self._pending_bodies.items()
                    if digest not in known
                ]
                if new_bodies:
                    connection.execute(sa.insert(schema.bodies), new_bodies)
            if self._pending_fetches:
                connection.execute(sa.insert(schema.fetches), self._pending_fetches)
            hashes = {p.text_hash for p in self._pending_pages.values() if p.text_hash}
            stored = (
                set(connection.execute(sa.select(schema.articles.c.text_hash).where(schema.articles.c.text_hash.in_(hashes))).scalars())
                if hashes
                else set()
            )
            ready = [url for url, p in self._pending_pages.items() if p.text_hash is None or p.text_hash in stored]
            write_pages(connection, {url: self._pending_pages.pop(url) for url in ready})
        self._pending_bodies.clear()
        self._pending_fetches.clear()

    # -- for the ingestion job
    def take_pages(self, text_hash: str) -> dict[str, SeenPage]:
        """The pages waiting for the article with this text, to be written with it."""
        taken = {url: page for url, page in self._pending_pages.items() if page.text_hash == text_hash}
        for url in taken:
            del self._pending_pages[url]
        return taken

    def flush(self) -> None:
        """Write what is still pending (pages whose article was not reported)."""
        with transaction(self.engine) as connection:
            write_pages(connection, self._pending_pages)
        self._pending_pages.clear()


def write_pages(connection: sa.Connection, pages: Mapping[str, SeenPage]) -> None:
    if not pages:
        return
    connection.execute(sa.delete(schema.pages).where(schema.pages.c.url.in_(list(pages))))
    connection.execute(sa.insert(schema.pages), [{"url": url, **asdict(page)} for url, page in sorted(pages.items())])
