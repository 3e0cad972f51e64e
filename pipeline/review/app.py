"""The review application: ``create_app(store)`` gives a FastAPI app serving the queue, the
record page, the overview, the login page and the read-only JSON API.

Pages are Jinja2 templates rendered on the server with autoescaping (article text and every
analyst's value are escaped); the only assets are ``static/`` files, no build step, no CDN.
Every state-changing request is a POST checked for its CSRF token (``security.Guard``);
edits are validated by ``PartnershipRecord`` and written with an optimistic version check
(``Store.decide_versioned``, and ``Store.split`` / ``Store.merge`` for the grouping), so a
second analyst editing the same record gets a clear message instead of overwriting the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.templating import Jinja2Templates

from pipeline.records import AgreementType, PartnershipRecord, PartyKind, ThemeCode
from pipeline.review.api import api_router
from pipeline.review.highlight import evidence_pieces
from pipeline.review.overview import bars, world_map
from pipeline.review.queries import (
    QueueFilters,
    ReviewedPartnership,
    load_partnership,
    merge_candidates,
    overview_counts,
    queue_ids,
    queue_page,
)
from pipeline.review.security import CSRF_COOKIE, CSRF_FIELD, DEFAULT_REVIEWER, SESSION_COOKIE, Guard
from pipeline.store.exports import country_name, flatten, theme_labels
from pipeline.store.repository import STATUSES, EditConflict, Store

HERE = Path(__file__).resolve().parent
PER_PAGE = 50
# Record fields an analyst edits in the record form, in the order shown.
SCALAR_FIELDS = ("agreement_type", "agreement_label", "signed_on", "signing_place", "duration", "since")
SHOWN_FIELDS = ("signatories", *SCALAR_FIELDS, "themes", "people", "actors", "confidence")
# The evidence field of each record field, where the names differ (EvidenceField).
EVIDENCE_FIELD_OF = {"agreement_type": "agreement", "agreement_label": "agreement"}
STATUS_LABELS = {"new": "nouveau", "accepted": "accepté", "rejected": "rejeté", "flagged": "à arbitrer"}
PUBLIC_PATHS = ("/login", "/static/")
# Defence in depth behind escaping: scripts and styles only from the site's own files (bar
# widths are inline styles), no framing (the accept button cannot be clicked through a
# page of another site).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

FormChange = Callable[[ReviewedPartnership, FormData], tuple[dict[str, Any], dict[str, str], str | None, str]]
"""From a record and the posted form: the changed fields, the errors per field, the note and
the message shown once saved."""


def create_app(store: Store, *, operator_token: str | None = None, per_page: int = PER_PAGE) -> FastAPI:
    """The review application on this store; ``operator_token`` (required by ``run_review``
    off localhost) makes every page and the API ask for it."""
    guard = Guard(operator_token)
    app = FastAPI(
        title="partnerships review",
        summary="Analysts' review of extracted partnership records, and a read-only API for registries.",
        # FastAPI's documentation pages load their scripts from a CDN: only the schema is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    environment.filters["flatten"] = flatten
    environment.filters["country_name"] = country_name
    environment.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
    templates = Jinja2Templates(env=environment)
    themes = theme_labels()
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

    def render(request: Request, template: str, context: Mapping[str, Any], status_code: int = 200) -> HTMLResponse:
        cookie_value = request.cookies.get(CSRF_COOKIE) or guard.new_csrf_cookie()
        response = templates.TemplateResponse(
            request,
            template,
            {
                "reviewer": guard.reviewer(request) or DEFAULT_REVIEWER,
                "csrf_field": CSRF_FIELD,
                "csrf_token": guard.csrf_token(cookie_value),
                "status_labels": STATUS_LABELS,
                "theme_labels": themes,
                **context,
            },
            status_code=status_code,
        )
        if request.cookies.get(CSRF_COOKIE) != cookie_value:
            response.set_cookie(CSRF_COOKIE, cookie_value, httponly=True, samesite="strict")
        return response

    async def checked_form(request: Request) -> FormData:
        form = await request.form()
        submitted = form.get(CSRF_FIELD)
        if not guard.csrf_valid(request, submitted if isinstance(submitted, str) else None):
            raise HTTPException(403, "Jeton CSRF absent ou invalide : rechargez la page et recommencez.")
        return form

    def reviewer_of(request: Request) -> str:
        return guard.reviewer(request) or DEFAULT_REVIEWER

    # ------------------------------------------------------------------ pages
    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/queue", status_code=303)

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/queue") -> HTMLResponse:
        return render(request, "login.html", {"next": _local_path(next), "token_required": guard.operator_token is not None, "error": None})

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await checked_form(request)
        name, token, target = (str(form.get(key) or "").strip() for key in ("name", "token", "next"))
        if not name or not guard.token_valid(token):
            error = "Indiquez votre nom." if not name else "Jeton d'opérateur incorrect."
            context = {"next": _local_path(target), "token_required": guard.operator_token is not None, "error": error}
            return render(request, "login.html", context, status_code=401 if name else 422)
        response = RedirectResponse(_local_path(target), status_code=303)
        response.set_cookie(SESSION_COOKIE, guard.session_cookie(name), httponly=True, samesite="strict")
        return response

    @app.get("/queue", include_in_schema=False)
    def queue(request: Request, page: int = 1) -> HTMLResponse:
        filters = QueueFilters.from_params(request.query_params)
        found = queue_page(store.engine, filters, page, per_page)
        return render(
            request,
            "queue.html",
            {
                "filters": filters,
                "found": found,
                "statuses": STATUSES,
                "theme_codes": [code.value for code in ThemeCode],
            },
        )

    def record_context(partnership: ReviewedPartnership, filters: QueueFilters, article_url: str | None) -> dict[str, Any]:
        members = partnership.members
        shown = next((m for m in members if m.article_url == article_url), None) or next(
            (m for m in members if m.article_url == partnership.document.get("article_url")), members[0] if members else None
        )
        articles = store.load_articles([shown.article_url]) if shown else []
        text = articles[0].text if articles else ""
        ids = queue_ids(store.engine, filters)
        position = ids.index(partnership.id) if partnership.id in ids else None
        return {
            "partnership": partnership,
            "document": partnership.document,
            "filters": filters,
            "back": filters.query_string(),
            "article": articles[0] if articles else None,
            "shown": shown,
            "pieces": evidence_pieces(text, shown.document.get("evidence", []) if shown else []),
            "evidence_fields": sorted({item["field"] for item in (shown.document.get("evidence", []) if shown else [])}),
            "supporting": sorted({m.article_url for m in members}),
            "merge_candidates": merge_candidates(store.engine, partnership),
            "previous_id": ids[position - 1] if position else None,
            "next_id": ids[position + 1] if position is not None and position + 1 < len(ids) else None,
            "shown_fields": SHOWN_FIELDS,
            "evidence_field_of": EVIDENCE_FIELD_OF,
            "agreement_types": [t.value for t in AgreementType],
            "party_kinds": [k.value for k in PartyKind],
            "theme_codes": [code.value for code in ThemeCode],
            "errors": {},
            "values": _form_values(partnership.document),
            "message": None,
            "conflict": None,
        }

    def load_or_404(partnership_id: str) -> ReviewedPartnership:
        partnership = load_partnership(store.engine, partnership_id)
        if partnership is None:
            raise HTTPException(404, f"Pas de partenariat {partnership_id}")
        return partnership

    @app.get("/records/{partnership_id}", include_in_schema=False)
    def record_page(request: Request, partnership_id: str, article: str | None = None, saved: str | None = None) -> HTMLResponse:
        partnership = load_or_404(partnership_id)
        context = record_context(partnership, QueueFilters.from_params(request.query_params), article)
        context["message"] = saved
        return render(request, "record.html", context)

    async def record_post(request: Request, partnership_id: str, change: FormChange) -> Response:
        """Common path of every record POST: CSRF, the change computed from the form (or the
        field errors), the versioned write, and the page again or a redirect."""
        form, partnership, filters, version = await record_form(request, partnership_id)
        changes, errors, note, message = change(partnership, form)
        if errors:
            context = record_context(partnership, filters, None)
            context["errors"] = errors
            context["values"] = {**context["values"], **{k: str(v) for k, v in form.items() if isinstance(v, str)}}
            return render(request, "record.html", context, status_code=422)
        if changes:
            try:
                store.decide_versioned(partnership_id, changes, reviewer_of(request), version, note)
            except EditConflict as conflict:
                return conflict_page(request, partnership_id, filters, conflict)
        return saved_redirect(partnership_id, message, filters)

    async def record_form(request: Request, partnership_id: str) -> tuple[FormData, ReviewedPartnership, QueueFilters, int]:
        """A record POST's checked form, its partnership, the queue filters it came from and
        the version the analyst saw."""
        form = await checked_form(request)
        partnership = load_or_404(partnership_id)
        filters = QueueFilters.from_params(dict(parse_qsl(str(form.get("back") or ""))))
        try:
            version = int(str(form.get("version") or ""))
        except ValueError:
            raise HTTPException(400, "version absente") from None
        return form, partnership, filters, version

    def conflict_page(request: Request, partnership_id: str, filters: QueueFilters, conflict: EditConflict) -> HTMLResponse:
        context = record_context(load_or_404(partnership_id), filters, None)
        context["conflict"] = str(conflict)
        return render(request, "record.html", context, status_code=409)

    def saved_redirect(partnership_id: str, message: str, filters: QueueFilters) -> RedirectResponse:
        query = filters.query_string()
        target = f"/records/{quote(partnership_id)}?saved={quote(message)}" + (f"&{query}" if query else "")
        return RedirectResponse(target, status_code=303)

    def grouping_error(request: Request, partnership: ReviewedPartnership, filters: QueueFilters, error: str) -> HTMLResponse:
        context = record_context(partnership, filters, None)
        context["errors"] = {"grouping": error}
        return render(request, "record.html", context, status_code=422)

    @app.post("/records/{partnership_id}/split", include_in_schema=False)
    async def split(request: Request, partnership_id: str) -> Response:
        """The records of one article leave the partnership, and stay apart in later runs."""
        form, partnership, filters, version = await record_form(request, partnership_id)
        article_url = str(form.get("article") or "")
        if article_url not in {m.article_url for m in partnership.members}:
            return grouping_error(request, partnership, filters, "Choisissez un article de ce partenariat.")
        try:
            moved = store.split(partnership_id, article_url, reviewer_of(request), version, str(form.get("note") or "").strip() or None)
        except EditConflict as conflict:
            return conflict_page(request, partnership_id, filters, conflict)
        except ValueError:
            return grouping_error(request, partnership, filters, "Un partenariat d'un seul article ne se sépare pas.")
        return saved_redirect(moved.remaining, f"article séparé : il forme le partenariat {moved.split_out}", filters)

    @app.post("/records/{partnership_id}/merge", include_in_schema=False)
    async def merge(request: Request, partnership_id: str) -> Response:
        """Another partnership of the same countries joins this one, and stays joined."""
        form, partnership, filters, version = await record_form(request, partnership_id)
        other_id = str(form.get("other") or "")
        try:
            joined = store.merge(partnership_id, other_id, reviewer_of(request), version, str(form.get("note") or "").strip() or None)
        except EditConflict as conflict:
            return conflict_page(request, partnership_id, filters, conflict)
        except (KeyError, ValueError):
            return grouping_error(request, partnership, filters, "Choisissez un autre partenariat des mêmes pays.")
        return saved_redirect(joined, "partenariats fusionnés", filters)

    @app.post("/records/{partnership_id}/decision", include_in_schema=False)
    async def decision(request: Request, partnership_id: str) -> Response:
        def change(partnership: ReviewedPartnership, form: FormData) -> tuple[dict[str, Any], dict[str, str], str | None, str]:
            verdict = str(form.get("decision") or "")
            reason = str(form.get("reason") or "").strip() or None
            if verdict not in ("accepted", "rejected"):
                return {}, {"decision": "Décision inconnue."}, None, ""
            if verdict == "rejected" and not reason:
                return {}, {"reason": "Indiquez la raison du rejet."}, None, ""
            return {"status": verdict}, {}, reason, STATUS_LABELS[verdict]

        return await record_post(request, partnership_id, change)

    @app.post("/records/{partnership_id}/edit", include_in_schema=False)
    async def edit(request: Request, partnership_id: str) -> Response:
        def change(partnership: ReviewedPartnership, form: FormData) -> tuple[dict[str, Any], dict[str, str], str | None, str]:
            edited = dict(partnership.document)
            for name in ("agreement_type", "agreement_label", "signed_on", "duration", "since"):
                edited[name] = str(form.get(name) or "").strip() or None
            place = (str(form.get("signing_place_name") or "").strip(), str(form.get("signing_place_country") or "").strip().upper())
            edited["signing_place"] = {"name": place[0], "country": place[1]} if any(place) else None
            return _validated_changes(partnership.document, edited, SCALAR_FIELDS, "modifications enregistrées")

        return await record_post(request, partnership_id, change)

    @app.post("/records/{partnership_id}/signatories", include_in_schema=False)
    async def signatories(request: Request, partnership_id: str) -> Response:
        def change(partnership: ReviewedPartnership, form: FormData) -> tuple[dict[str, Any], dict[str, str], str | None, str]:
            parties = list(partnership.document.get("signatories", []))
            remove = str(form.get("remove") or "")
            if remove.isdigit() and int(remove) < len(parties):
                del parties[int(remove)]
            else:
                parties.append(
                    {
                        "name": str(form.get("name") or "").strip(),
                        "kind": str(form.get("kind") or ""),
                        "country": str(form.get("country") or "").strip().upper(),
                    }
                )
            edited = {**partnership.document, "signatories": parties}
            return _validated_changes(partnership.document, edited, ("signatories",), "signataires enregistrés")

        return await record_post(request, partnership_id, change)

    @app.post("/records/{partnership_id}/themes", include_in_schema=False)
    async def theme_list(request: Request, partnership_id: str) -> Response:
        def change(partnership: ReviewedPartnership, form: FormData) -> tuple[dict[str, Any], dict[str, str], str | None, str]:
            listed = list(partnership.document.get("themes", []))
            remove = str(form.get("remove") or "")
            code = str(form.get("code") or "")
            if remove.isdigit() and int(remove) < len(listed):
                del listed[int(remove)]
            elif code not in themes:
                return {}, {"themes": "Choisissez un thème de la taxonomie."}, None, ""
            elif code not in {t["code"] for t in listed}:
                listed.append({"label": themes[code], "code": code})
            edited = {**partnership.document, "themes": listed}
            return _validated_changes(partnership.document, edited, ("themes",), "thèmes enregistrés")

        return await record_post(request, partnership_id, change)

    @app.get("/overview", include_in_schema=False)
    def overview(request: Request) -> HTMLResponse:
        counts = overview_counts(store.engine)
        year_links = {year: "/queue?" + QueueFilters(date_from=f"{year}-01-01", date_to=f"{year}-12-31").query_string() for year in counts.years}
        country_links = {code: "/queue?" + QueueFilters(country=code).query_string() for code in counts.countries}
        theme_links = {code: "/queue?" + QueueFilters(theme=code).query_string() for code in counts.themes}
        return render(
            request,
            "overview.html",
            {
                "total": counts.total,
                "years": bars(counts.years, {}, year_links),
                "countries": bars(counts.countries, {code: country_name(code) for code in counts.countries}, country_links),
                "themes": bars(counts.themes, themes, theme_links),
                "world": world_map(counts.countries, country_links),
            },
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        return render(request, "error.html", {"status": error.status_code, "detail": error.detail}, status_code=error.status_code)

    return app


def _local_path(target: str) -> str:
    """Only a path of this site: never another origin (``//evil``, ``https://…``)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/queue"


def _form_values(document: Mapping[str, Any]) -> dict[str, str]:
    place = document.get("signing_place") or {}
    values = {name: "" if document.get(name) is None else str(document[name]) for name in SCALAR_FIELDS if name != "signing_place"}
    values["signing_place_name"] = place.get("name", "")
    values["signing_place_country"] = place.get("country", "")
    return values


def _validated_changes(
    current: Mapping[str, Any], edited: Mapping[str, Any], names: tuple[str, ...], message: str
) -> tuple[dict[str, Any], dict[str, str], str | None, str]:
    """The changed fields as the record model normalises them, or each field's error."""
    try:
        record = PartnershipRecord.model_validate(edited)
    except ValidationError as invalid:
        errors: dict[str, str] = {}
        for error in invalid.errors():
            name = str(error["loc"][0]) if error["loc"] else "record"
            errors.setdefault(name, error["msg"].removeprefix("Value error, "))
        return {}, errors, None, ""
    dumped = record.model_dump(mode="json")
    return {name: dumped[name] for name in names if dumped[name] != current.get(name)}, {}, None, message
