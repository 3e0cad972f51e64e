"""Why a page could not be turned into an Article.

One tree, so the crawl can catch a whole family and report it (URL + reason) without
stopping, while tests can assert the precise cause::

    ScraperError
    ├── FetchError                 the page could not be downloaded as-is
    │   ├── HTTPStatusError        a final 4xx/5xx answer (after retries)
    │   ├── TooLarge               body longer than the size limit (download cut)
    │   ├── RobotsDisallowed       robots.txt forbids the path for our User-Agent
    │   ├── OffHost                the URL's host is not one of the configured hosts
    │   ├── RedirectLoop           a redirect came back to a visited URL, or too many hops
    │   ├── Timeout                no (complete) answer in time, after retries
    │   ├── TransportError         connection refused, reset, DNS failure…
    │   └── UnsupportedContentType not HTML/XML/text
    └── ParseError                 the page was downloaded but yields no Article
        └── NotAnArticle           a listing, event, contact or legal page
"""

from __future__ import annotations


class ScraperError(Exception):
    """Anything the scraper reports about one URL instead of stopping."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class FetchError(ScraperError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class TooLarge(FetchError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(url, f"body larger than {limit} bytes, download cut")
        self.limit = limit


class RobotsDisallowed(FetchError):
    def __init__(self, url: str) -> None:
        super().__init__(url, "disallowed by robots.txt")


class OffHost(FetchError):
    def __init__(self, url: str) -> None:
        super().__init__(url, "host not among the configured hosts")


class RedirectLoop(FetchError):
    pass


class Timeout(FetchError):
    pass


class TransportError(FetchError):
    pass


class UnsupportedContentType(FetchError):
    def __init__(self, url: str, content_type: str) -> None:
        super().__init__(url, f"unsupported content type {content_type!r}")
        self.content_type = content_type


class ParseError(ScraperError):
    pass


class NotAnArticle(ParseError):
    pass
