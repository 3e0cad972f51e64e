"""The review application: ``create_app(store)`` gives a FastAPI app serving the queue, the
record page (``record_routes``), the overview, the login page and the read-only JSON API.

Pages are Jinja2 templates rendered on the server with autoescaping (article text and every
analyst's value are escaped); the only assets are ``static/`` files, no build step, no CDN.
Every state-changing request is a POST checked for its CSRF token (``security.Guard``).
Filters are checked before any query (``filters.QueueFilters.parse``): a filter that cannot
be applied is refused with its reason, on the page and in the API, never ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import FormData
from starlette.templating import Jinja2Templates

from pipeline.records import ThemeCode
from pipeline.review.api import api_router
from pipeline.review.filters import ACTIVE, STATUS_FILTERS, InvalidFilters, QueueFilters
from pipeline.review.french import FIELD_LABELS, STATUS_LABELS, country_label, describe, field_label
from pipeline.review.overview import bars, world_map
from pipeline.review.queries import known_sources, overview_counts, present_countries, queue_page
from pipeline.review.record_routes import add_record_routes
from pipeline.review.security import CSRF_COOKIE, CSRF_FIELD, DEFAULT_REVIEWER, SESSION_COOKIE, Guard
from pipeline.store.labels import agreement_type_labels, country_name, theme_labels
from pipeline.store.repository import STATUSES, Store

HERE = Path(__file__).resolve().parent
PER_PAGE = 50
PUBLIC_PATHS = ("/login", "/static/", "/favicon.ico")
# Defence in depth behind escaping: scripts and styles only from the site's own files (bar
# widths are inline styles), no framing (the accept button cannot be clicked through a
# page of another site).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
SORT_COLUMNS = {"status": "Statut", "country": "Pays partenaires", "type": "Type d'accord", "date": "Signé le", "confidence": "Confiance"}


class Pages:
    """What every page needs: the templates, the CSRF cookie and the analyst's name."""

    def __init__(self, guard: Guard) -> None:
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
        environment.filters["describe"] = lambda value, field: describe(field, value)
        environment.filters["field_label"] = field_label
        environment.filters["country_label"] = country_label
        environment.filters["country_name"] = country_name
        environment.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
        self.templates = Jinja2Templates(env=environment)
        self.guard = guard
        self.common = {
            "csrf_field": CSRF_FIELD,
            "status_labels": STATUS_LABELS,
            "field_labels": FIELD_LABELS,
            "theme_labels": theme_labels(),
            "type_labels": agreement_type_labels(),
        }

    def render(self, request: Request, template: str, context: Mapping[str, Any], status_code: int = 200) -> HTMLResponse:
        cookie_value = request.cookies.get(CSRF_COOKIE) or self.guard.new_csrf_cookie()
        response = self.templates.TemplateResponse(
            request,
            template,
            {**self.common, "reviewer": self.reviewer(request), "csrf_token": self.guard.csrf_token(cookie_value), **context},
            status_code=status_code,
        )
        if request.cookies.get(CSRF_COOKIE) != cookie_value:
            response.set_cookie(CSRF_COOKIE, cookie_value, httponly=True, samesite="strict")
        return response

    def reviewer(self, request: Request) -> str:
        return self.guard.reviewer(request) or DEFAULT_REVIEWER

    async def checked_form(self, request: Request) -> FormData:
        form = await request.form()
        submitted = form.get(CSRF_FIELD)
        if not self.guard.csrf_valid(request, submitted if isinstance(submitted, str) else None):
            raise HTTPException(403, "Jeton CSRF absent ou invalide : rechargez la page et recommencez.")
        return form


def create_app(store: Store, *, operator_token: str | None = None, per_page: int = PER_PAGE) -> FastAPI:
    """The review application on this store; ``operator_token`` (required by ``run_review``
    off localhost) makes every page and the API ask for it."""
    guard = Guard(operator_token)
    pages = Pages(guard)
    app = FastAPI(
        title="partnerships review",
        summary="Analysts' review of extracted partnership records, and a read-only API for registries.",
        # FastAPI's documentation pages load their scripts from a CDN: only the schema is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api_router(store))

    @app.middleware("http")
    async def require_operator_token(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if guard.authorised(request) or path.startswith(PUBLIC_PATHS):
            response: Response = await call_next(request)
            response.headers.update(SECURITY_HEADERS)
            return response
        if path.startswith("/api/"):
            return JSONResponse({"detail": "operator token required"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse(f"/login?next={quote(request.url.path + ('?' + request.url.query if request.url.query else ''))}", status_code=303)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/queue", status_code=303)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/queue") -> HTMLResponse:
        return pages.render(request, "login.html", {"next": _local_path(next), "token_required": guard.operator_token is not None, "error": None})

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await pages.checked_form(request)
        name, token, target = (str(form.get(key) or "").strip() for key in ("name", "token", "next"))
        if not name or not guard.token_valid(token):
            error = "Indiquez votre nom." if not name else "Jeton d'opérateur incorrect."
            context = {"next": _local_path(target), "token_required": guard.operator_token is not None, "error": error}
            return pages.render(request, "login.html", context, status_code=401 if name else 422)
        response = RedirectResponse(_local_path(target), status_code=303)
        response.set_cookie(SESSION_COOKIE, guard.session_cookie(name), httponly=True, samesite="strict")
        return response

    @app.get("/queue", include_in_schema=False)
    def queue(request: Request, page: int = 1) -> HTMLResponse:
        sources = known_sources(store.engine)
        context: dict[str, Any] = {
            "statuses": STATUSES,
            "status_filters": STATUS_FILTERS,
            "theme_codes": [code.value for code in ThemeCode],
            "sources": sources,
            "countries": present_countries(store.engine),
            "sort_columns": SORT_COLUMNS,
            "errors": {},
            "typed": dict(request.query_params),
        }
        try:
            filters = QueueFilters.parse(request.query_params, sources)
        except InvalidFilters as invalid:
            context.update(filters=QueueFilters.lenient(request.query_params, sources), found=None, errors=invalid.errors)
            return pages.render(request, "queue.html", context, status_code=422)
        if page < 1:
            raise HTTPException(422, f"Numéro de page invalide : « {page} » (un entier à partir de 1).")
        context.update(filters=filters, found=queue_page(store.engine, filters, page, per_page))
        return pages.render(request, "queue.html", context)

    @app.get("/overview", include_in_schema=False)
    def overview(request: Request) -> HTMLResponse:
        counts = overview_counts(store.engine)

        def link(**filters: str) -> str:
            return "/queue?" + QueueFilters(status=ACTIVE, **filters).query_string()

        def status_link(status: str, source: str | None = None) -> str:
            return "/queue?" + QueueFilters(status=status, source=source).query_string()

        return pages.render(
            request,
            "overview.html",
            {
                "counts": counts,
                "statuses": STATUSES,
                "to_review": counts.statuses["new"] + counts.statuses["flagged"],
                "status_link": status_link,
                "years": bars(counts.years, {}, {year: link(date_from=year, date_to=year) for year in counts.years}),
                "countries": bars(counts.countries, {code: country_label(code) for code in counts.countries}, {code: link(country=code) for code in counts.countries}),
                "themes": bars(counts.themes, theme_labels(), {code: link(theme=code) for code in counts.themes}),
                "world": world_map(counts.countries, lambda code: link(country=code)),
            },
        )

    add_record_routes(app, store, pages)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        return pages.render(request, "error.html", {"status": error.status_code, "detail": error.detail}, status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        """A parameter of the wrong type: the API's usual 422, the error page for a page."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": jsonable_errors(error)}, status_code=422)
        details = "; ".join(
            f"paramètre « {item['loc'][-1]} » invalide : « {item.get('input')} »" for item in error.errors() if item.get("loc")
        )
        return pages.render(request, "error.html", {"status": 422, "detail": details[:1].upper() + details[1:] + "."}, status_code=422)

    return app


def jsonable_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    return [{key: value for key, value in item.items() if key in ("type", "loc", "msg", "input")} for item in error.errors()]


def _local_path(target: str) -> str:
    """Only a path of this site: never another origin (``//evil``, ``https://…``)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/queue"
