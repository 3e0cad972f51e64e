"""Who may use the review page, and proof that a POST comes from its own forms.

* Cross-site request forgery: the browser holds a random ``review_csrf`` cookie
  (``SameSite=Strict``, not readable by scripts); every form carries the HMAC of that value
  under the application's secret. A POST is refused unless its ``csrf_token`` field matches
  and, when the browser sends an ``Origin``, that origin is the page's own host: a forged
  form on another site can neither read the cookie nor compute the token.
* Operator token: on anything but localhost the operator must set a token
  (``PARTNERSHIPS_REVIEW_TOKEN``); analysts give it once on the login page (a signed session
  cookie follows), API clients send ``Authorization: Bearer <token>``. On localhost the
  token is optional: the login page then only asks for the analyst's name.

The secret is drawn when the application starts: sessions do not outlive the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CSRF_COOKIE = "review_csrf"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "review_session"
TOKEN_ENVIRONMENT_VARIABLE = "PARTNERSHIPS_REVIEW_TOKEN"
DEFAULT_REVIEWER = "analyste local"


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.")


class TokenRequired(ValueError):
    """Listening beyond localhost without an operator token."""


def check_listening(host: str, operator_token: str | None) -> None:
    if not is_local(host) and not operator_token:
        raise TokenRequired(
            f"listening on {host} (not localhost) needs an operator token: set {TOKEN_ENVIRONMENT_VARIABLE}"
        )


class Guard:
    """The application's secret, its CSRF tokens and its signed analyst sessions."""

    def __init__(self, operator_token: str | None) -> None:
        self.operator_token = operator_token or None
        self._secret = secrets.token_bytes(32)

    def _sign(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    # ------------------------------------------------------------------ CSRF
    @staticmethod
    def new_csrf_cookie() -> str:
        return secrets.token_urlsafe(32)

    def csrf_token(self, cookie_value: str) -> str:
        return self._sign("csrf", cookie_value)

    def csrf_valid(self, request: Request, submitted: str | None) -> bool:
        cookie_value = request.cookies.get(CSRF_COOKIE)
        if not cookie_value or not submitted:
            return False
        if not hmac.compare_digest(self.csrf_token(cookie_value), submitted):
            return False
        origin = request.headers.get("origin")
        return origin is None or urlsplit(origin).netloc == request.headers.get("host")

    # ------------------------------------------------------------------ sessions
    def token_valid(self, submitted: str | None) -> bool:
        if self.operator_token is None:
            return True
        return submitted is not None and hmac.compare_digest(submitted.encode(), self.operator_token.encode())

    def session_cookie(self, reviewer: str) -> str:
        name = base64.urlsafe_b64encode(reviewer.encode()).decode()
        return f"{name}.{self._sign('session', name)}"

    def reviewer(self, request: Request) -> str | None:
        """The analyst of a valid session, else None."""
        value = request.cookies.get(SESSION_COOKIE, "")
        name, _, signature = value.partition(".")
        if not name or not hmac.compare_digest(self._sign("session", name), signature):
            return None
        try:
            return base64.urlsafe_b64decode(name.encode()).decode()
        except (ValueError, UnicodeDecodeError):
            return None

    def authorised(self, request: Request) -> bool:
        """No token set, or a valid session, or the token as a bearer credential."""
        if self.operator_token is None or self.reviewer(request) is not None:
            return True
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.token_valid(credential.strip())
