"""The offline fixture site served on 127.0.0.1 by a real ``http.server``, for tests and the demo.

Static files under the site directory are served with ETag and Last-Modified and answer
conditional requests with 304, like a real CMS behind a cache. ``/faults/…`` routes
misbehave on purpose (500 then 200, 429 with Retry-After, a slow answer, a permanent
redirect, a redirect away from the articles to ``/faults/a-propos``, a redirect loop, a
20 MB body, a wrong declared charset) and the site links to another host name of the same
server (``localhost``), so tests can prove it is never fetched. Every response is counted.

Files are written with the placeholder origin ``http://fixture.invalid`` (sitemaps, feeds,
robots.txt need absolute URLs); the server substitutes its own origin when serving.

URL → file: ``/a/b`` and ``/a/b/`` read ``a/b.html`` or ``a/b/index.html``; a query string is
part of the file name (``/a?page=1`` reads ``a__page=1.html``, else ``a__page=1.xml`` or
``a__page=1``, so SPIP's ``spip.php?page=sitemap.xml`` is served as XML); other files by
exact path.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_CONTENT_TYPES = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain", ".json": "application/json"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_FAULT_ARTICLE = "faults/article.html"
PLACEHOLDER_ORIGIN = "http://fixture.invalid"
"""The origin the site's files are written with; served bodies carry the server's own."""


@dataclass(frozen=True)
class ServedResponse:
    path: str
    host: str
    status: int
    conditional: bool
    body_bytes: int


def _bind(port: int, handler: type) -> ThreadingHTTPServer:
    """The port asked for when it is free (stable article URLs from one demo to the next), else any."""
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        return ThreadingHTTPServer(("127.0.0.1", 0), handler)


class FixtureSite:
    """A threaded HTTP server for one site directory; use as a context manager."""

    def __init__(
        self, root: Path | str, *, slow_seconds: float = 3.0, huge_bytes: int = 20 * 1024 * 1024, port: int = 0
    ) -> None:
        self.root = Path(root).resolve()
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.responses: list[ServedResponse] = []
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = _bind(port, _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fixture-site", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def other_host_url(self) -> str:
        """The same server under another host name: a host the crawl must not fetch."""
        return f"http://localhost:{self.port}"

    def start(self) -> FixtureSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def served(self, path_prefix: str = "") -> list[ServedResponse]:
        with self._lock:
            return [r for r in self.responses if r.path.startswith(path_prefix)]

    def requests_for(self, path: str) -> int:
        """Requests received for a path since the server started (answered or not yet)."""
        with self._lock:
            return self._hits.get(path, 0)

    def reset_counts(self) -> None:
        """Forget the responses served so far (request counts per path are kept)."""
        with self._lock:
            self.responses.clear()

    def _record(self, response: ServedResponse) -> None:
        with self._lock:
            self.responses.append(response)

    def _hit(self, path: str) -> int:
        with self._lock:
            self._hits[path] = self._hits.get(path, 0) + 1
            return self._hits[path]

    def file_for(self, path: str, query: str) -> Path | None:
        relative = unquote(path).lstrip("/")
        stem = relative.rstrip("/")
        if query:
            candidates = [f"{stem}__{query}.html", f"{stem}__{query}.xml", f"{stem}__{query}"]
        else:
            candidates = [relative, f"{stem}.html", f"{stem}/index.html"] if stem else ["index.html"]
        for candidate in candidates:
            file = (self.root / candidate).resolve()
            if file.is_file() and file.is_relative_to(self.root):
                return file
        return None


def _handler_for(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FixtureSite/1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
            """Silent: tests count responses instead of reading logs."""

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
            self._conditional = conditional
            hit = site._hit(parts.path)
            try:
                if parts.path.startswith("/faults/"):
                    self._fault(parts.path, hit)
                else:
                    self._static(parts.path, parts.query)
            except (BrokenPipeError, ConnectionResetError):
                site._record(ServedResponse(parts.path, self._host(), 0, conditional, 0))

        def _host(self) -> str:
            return self.headers.get("Host", "")

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and status != 304:
                self.wfile.write(body)
            site._record(ServedResponse(urlsplit(self.path).path, self._host(), status, self._conditional, len(body) if status != 304 else 0))

        def _static(self, path: str, query: str) -> None:
            file = site.file_for(path, query)
            if file is None:
                self._send(404, b"<html><body><h1>Page introuvable</h1></body></html>", {"Content-Type": "text/html; charset=utf-8"})
                return
            body = file.read_bytes().replace(PLACEHOLDER_ORIGIN.encode(), site.url.encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            modified = int(file.stat().st_mtime)
            headers = {
                "Content-Type": _content_type(file, body),
                "ETag": etag,
                "Last-Modified": email.utils.formatdate(modified, usegmt=True),
            }
            if _not_modified(self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"), etag, modified):
                self._send(304, headers=headers)
                return
            self._send(200, body, headers)

        def _fault(self, path: str, hit: int) -> None:
            name = path.rstrip("/").rsplit("/", 1)[-1]
            html = {"Content-Type": "text/html; charset=utf-8"}
            if path.rstrip("/") == "/faults":
                self._send(200, _fault_listing(site).encode(), html)
            elif name == "flaky" and hit == 1:
                self._send(500, b"<h1>Erreur interne</h1>", html)
            elif name == "busy" and hit == 1:
                self._send(429, b"<h1>Trop de requetes</h1>", {**html, "Retry-After": "1"})
            elif name == "slow":
                time.sleep(site.slow_seconds)
                self._send(200, _fault_article(site, name).encode(), html)
            elif name == "moved":
                self._send(301, b"", {"Location": "/faults/actualite/new-home"})
            elif name == "moved-away":
                self._send(301, b"", {"Location": "/faults/a-propos"})
            elif name in ("loop", "loop-back"):
                target = "/faults/actualite/loop-back" if name == "loop" else "/faults/actualite/loop"
                self._send(302, b"", {"Location": target})
            elif name == "huge":
                self._stream_huge()
            elif name == "wrong-charset":
                text = _fault_article(site, "jeu de caractères déclaré à tort")
                body = text.translate({0x2019: "'", 0x2013: "-", 0x0153: "oe"}).encode("latin-1")
                self._send(200, body, html)
            elif name in ("flaky", "busy", "private", "elsewhere", "new-home", "a-propos"):
                self._send(200, _fault_article(site, name).encode(), html)
            else:
                self._send(404, b"", html)

        def _stream_huge(self) -> None:
            """A body with no Content-Length, far over any sane limit: the client must cut it."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            chunk = b"<p>" + b"bla " * 16_000 + b"</p>\n"
            sent = 0
            try:
                self.wfile.write(b"<html><body>")
                while sent < site.huge_bytes:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            site._record(ServedResponse("/faults/actualite/huge", self._host(), 200, self._conditional, sent))

    return Handler


def _content_type(file: Path, body: bytes) -> str:
    media_type = _CONTENT_TYPES.get(file.suffix, "application/octet-stream")
    if media_type != "text/html":
        return media_type
    match = _META_CHARSET.search(body[:2048])
    return f"text/html; charset={match.group(1).decode().lower() if match else 'utf-8'}"


def _not_modified(if_none_match: str | None, if_modified_since: str | None, etag: str, modified: int) -> bool:
    if if_none_match:
        return etag in [tag.strip() for tag in if_none_match.split(",")]
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


def _fault_article(site: FixtureSite, name: str) -> str:
    return (site.root / _FAULT_ARTICLE).read_text(encoding="utf-8").replace("{{name}}", name).replace(PLACEHOLDER_ORIGIN, site.url)


def _fault_listing(site: FixtureSite) -> str:
    names = ["flaky", "busy", "slow", "moved", "moved-away", "loop", "huge", "wrong-charset", "private"]
    links = "".join(f'<li><h3><a href="/faults/actualite/{n}">Article {n}</a></h3></li>' for n in names)
    links += f'<li><h3><a href="{site.other_host_url}/faults/actualite/elsewhere">Ailleurs</a></h3></li>'
    return f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Pannes</title></head><body><main><ul>{links}</ul></main></body></html>"
