"""Polite HTTP fetching around an injected ``httpx.AsyncClient``.

Politeness and robustness live here so the crawl logic stays about pages: only configured
hosts, robots.txt honoured, an identifying User-Agent, a per-host concurrency limit and
delay between requests, timeouts, retries with exponential backoff on timeouts, 429 and 5xx
(Retry-After honoured, capped), redirects followed by hand within a limit (loops detected),
bodies streamed and cut at a size limit, content types checked, charsets resolved
(declared, then ``<meta charset>``, then detection), and conditional requests
(If-None-Match / If-Modified-Since) so unchanged pages cost no body.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from pipeline import __version__
from pipeline.scraper.errors import (
    HTTPStatusError,
    OffHost,
    RedirectLoop,
    RobotsDisallowed,
    Timeout,
    TooLarge,
    TransportError,
    UnsupportedContentType,
)

log = logging.getLogger(__name__)

USER_AGENT = f"partnerships-scraper/{__version__} (international partnerships research crawler; polite, honours robots.txt)"
_META_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
"""An HTML page's ``<meta charset>`` or an XML document's (feed, sitemap) ``encoding``."""
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchSettings:
    """Every knob of politeness and robustness; tests shrink the times."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0
    max_retries: int = 3
    backoff_base: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    per_host_concurrency: int = 2
    delay: float = 1.0
    accepted_types: tuple[str, ...] = (
        "text/html",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "text/plain",
    )


@dataclass(frozen=True)
class Validators:
    """What the server gave to recognise an unchanged page."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Page:
    """One answered request: a body, or ``not_modified`` for a 304."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    text: str = ""
    charset: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(etag=self.headers.get("etag"), last_modified=self.headers.get("last-modified"))


def decode_body(body: bytes, declared: str | None) -> tuple[str, str, list[str]]:
    """Text, charset used and notes. Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the header
    says (a latin-1 text is almost never valid UTF-8); otherwise the declared charset, then the
    page's ``<meta charset>`` (or XML declaration), then windows-1252, the usual mislabelled single-byte charset."""
    notes: list[str] = []
    meta_match = _META_CHARSET.search(body[:4096])
    meta = meta_match.group(1).decode("ascii").lower() if meta_match else None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    else:
        used = "utf-8"
        for claimed in dict.fromkeys((declared, meta)):
            if claimed and claimed.replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii") and not body.isascii():
                notes.append(f"declared charset {claimed} but the body is UTF-8")
        return text, used, notes
    for candidate in dict.fromkeys((declared, meta)):
        if not candidate:
            continue
        try:
            text = body.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            notes.append(f"declared charset {candidate} does not decode the body")
            continue
        return text, candidate, notes
    notes.append("charset detected as windows-1252")
    return body.decode("windows-1252", errors="replace"), "windows-1252", notes


def _retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(when.timestamp() - time.time(), 0.0), cap)


class Fetcher:
    """Fetches pages of the allowed hosts, politely; raises ``FetchError`` subclasses."""

    def __init__(
        self, client: httpx.AsyncClient, allowed_hosts: frozenset[str], settings: FetchSettings | None = None
    ) -> None:
        self.client = client
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.settings = settings or FetchSettings()
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._host_next_time: dict[str, float] = {}
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._robots: dict[str, RobotFileParser] = {}

    def check_host(self, url: str) -> None:
        if urlsplit(url).netloc.lower() not in self.allowed_hosts:
            raise OffHost(url)

    def set_robots(self, origin: str, robots_txt: str | None) -> None:
        """Rules of one origin (``scheme://host``); None when the site has no robots.txt (all allowed)."""
        parser = RobotFileParser()
        parser.parse((robots_txt or "").splitlines())
        self._robots[origin] = parser

    def allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        parser = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        return parser is None or parser.can_fetch(self.settings.user_agent, url)

    async def fetch(self, url: str, validators: Validators | None = None) -> Page:
        """GET with retries and redirects; a 304 comes back as a Page with ``not_modified``."""
        self.check_host(url)
        if not self.allowed_by_robots(url):
            raise RobotsDisallowed(url)
        visited = [url]
        current = url
        while True:
            response_page, location = await self._fetch_with_retries(url, current, validators)
            if location is None:
                assert response_page is not None
                return response_page
            target = urljoin(current, location)
            if target in visited:
                raise RedirectLoop(url, f"redirect loop: {' -> '.join([*visited, target])}")
            if len(visited) > self.settings.max_redirects:
                raise RedirectLoop(url, f"more than {self.settings.max_redirects} redirects")
            self.check_host(target)
            if not self.allowed_by_robots(target):
                raise RobotsDisallowed(target)
            visited.append(target)
            current = target

    async def _fetch_with_retries(
        self, url: str, current: str, validators: Validators | None
    ) -> tuple[Page | None, str | None]:
        settings = self.settings
        attempt = 0
        while True:
            wait: float | None = None
            try:
                return await self._fetch_once(url, current, validators)
            except Timeout:
                if attempt >= settings.max_retries:
                    raise
            except HTTPStatusError as error:
                if error.status not in _RETRIED_STATUSES or attempt >= settings.max_retries:
                    raise
                wait = error.retry_after
            backoff = settings.backoff_base * 2**attempt
            delay = wait if wait is not None else backoff
            log.info("retrying %s in %.2fs (attempt %d)", current, delay, attempt + 2)
            await asyncio.sleep(delay)
            attempt += 1

    async def _fetch_once(
        self, url: str, current: str, validators: Validators | None
    ) -> tuple[Page | None, str | None]:
        settings = self.settings
        headers = {"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}
        if validators and current == url:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        host = urlsplit(current).netloc.lower()
        async with self._slot(host):
            await self._wait_turn(host)
            try:
                async with asyncio.timeout(settings.timeout):
                    request = self.client.build_request("GET", current, headers=headers, timeout=settings.timeout)
                    response = await self.client.send(request, stream=True, follow_redirects=False)
                    try:
                        return self._read(url, current, response, await self._read_body(url, response))
                    finally:
                        await response.aclose()
            except TimeoutError as exc:
                raise Timeout(current, f"no complete answer within {settings.timeout}s") from exc
            except httpx.TimeoutException as exc:
                raise Timeout(current, f"timed out after {settings.timeout}s ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise TransportError(current, f"{type(exc).__name__}: {exc}") from exc

    async def _read_body(self, url: str, response: httpx.Response) -> bytes:
        if response.status_code in _REDIRECT_STATUSES or response.status_code == 304 or response.status_code >= 400:
            return b""
        limit = self.settings.max_bytes
        declared_length = response.headers.get("content-length")
        if declared_length and declared_length.isdigit() and int(declared_length) > limit:
            raise TooLarge(url, limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLarge(url, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _read(self, url: str, current: str, response: httpx.Response, body: bytes) -> tuple[Page | None, str | None]:
        status = response.status_code
        if status in _REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                raise HTTPStatusError(current, status)
            return None, location
        headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304:
            return Page(url=url, final_url=current, status=status, headers=headers), None
        if status >= 400:
            raise HTTPStatusError(current, status, _retry_after(headers.get("retry-after"), self.settings.max_retry_after))
        content_type = headers.get("content-type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type and media_type not in self.settings.accepted_types:
            raise UnsupportedContentType(current, media_type)
        text, charset, notes = decode_body(body, _declared_charset(headers))
        return Page(url=url, final_url=current, status=status, headers=headers, body=body, text=text, charset=charset, notes=notes), None

    def _slot(self, host: str) -> asyncio.Semaphore:
        if host not in self._host_slots:
            self._host_slots[host] = asyncio.Semaphore(self.settings.per_host_concurrency)
            self._host_locks[host] = asyncio.Lock()
        return self._host_slots[host]

    async def _wait_turn(self, host: str) -> None:
        """Requests to one host start at least ``delay`` seconds apart."""
        async with self._host_locks[host]:
            now = time.monotonic()
            start = max(now, self._host_next_time.get(host, 0.0))
            self._host_next_time[host] = start + self.settings.delay
        if start > now:
            await asyncio.sleep(start - now)


def _declared_charset(headers: Mapping[str, str]) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", headers.get("content-type", ""))
    return match.group(1).lower() if match else None

