"""The record page and what an analyst does on it: accept or reject (and go on to the next
record of the queue they came from), correct fields, change a signatory in place, pick a
value two articles disagree on, undo the latest decision, reopen, split and merge.

Every change goes through ``record_post``: the CSRF-checked form, the change computed from
it (or the field errors, in French), a confirmation when a new value is implausible
(``plausibility``), the versioned write (``Store.decide_versioned``: nothing is written when
another analyst decided since the page was opened, and the analyst gets the page back with
their typed values and the current ones beside them), then a redirect. "… et suivant"
computes the next record of the filtered, sorted queue before writing, so the queue is
followed even when the decision takes the record out of the filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from pipeline.records import AgreementType, PartnershipRecord, PartyKind, ThemeCode
from pipeline.review.filters import QueueFilters, country_code
from pipeline.review.french import STATUS_LABELS, field_errors, field_label
from pipeline.review.highlight import evidence_pieces, supporting_evidence
from pipeline.review.plausibility import plausibility_warnings
from pipeline.review.queries import (
    ReviewedPartnership,
    first_in_queue,
    known_sources,
    load_partnership,
    merge_candidates,
    neighbours,
    published_dates,
)
from pipeline.store.labels import country_names, party_kind_labels, theme_labels
from pipeline.store.repository import EditConflict, Store

if TYPE_CHECKING:
    from pipeline.review.app import Pages

# Record fields an analyst edits in the record form, in the order shown.
SCALAR_FIELDS = ("agreement_type", "agreement_label", "signed_on", "signing_place", "duration", "since")
SHOWN_FIELDS = ("signatories", *SCALAR_FIELDS, "themes", "people", "actors", "confidence")
# The evidence field of each record field, where the names differ (EvidenceField).
EVIDENCE_FIELD_OF = {"agreement_type": "agreement", "agreement_label": "agreement"}
DECIDED = ("accepted", "rejected")


@dataclass
class Change:
    """What a POST asks: the fields to decide, or the errors per form field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    message: str = ""
    then_next: bool = False
    # Implausible values of these fields need the analyst's confirmation.
    checked: tuple[str, ...] = ()


FormChange = Callable[[ReviewedPartnership, FormData], Change]


def add_record_routes(app: FastAPI, store: Store, pages: Pages) -> None:
    themes = theme_labels()

    def load_or_404(partnership_id: str) -> ReviewedPartnership:
        partnership = load_partnership(store.engine, partnership_id)
        if partnership is None:
            raise HTTPException(404, f"Pas de partenariat {partnership_id}.")
        return partnership

    def filters_of(params: Any) -> QueueFilters:
        return QueueFilters.lenient(params, known_sources(store.engine))

    def record_context(partnership: ReviewedPartnership, filters: QueueFilters, article_url: str | None = None) -> dict[str, Any]:
        members = partnership.members
        shown = next((m for m in members if m.article_url == article_url), None) or next(
            (m for m in members if m.article_url == partnership.document.get("article_url")), members[0] if members else None
        )
        articles = store.load_articles([shown.article_url]) if shown else []
        article = articles[0] if articles else None
        extracted = shown.document.get("evidence", []) if shown else []
        kept = supporting_evidence(shown.document, partnership.document, article.published if article else None) if shown else []
        published = published_dates(store.engine, [m.article_url for m in members])
        place = neighbours(store.engine, filters, partnership.id)
        return {
            "partnership": partnership,
            "document": partnership.document,
            "filters": filters,
            "back": filters.query_string(),
            "article": article,
            "shown": shown,
            "pieces": evidence_pieces(article.text if article else "", kept),
            "evidence_fields": sorted({str(item["field"]) for item in kept}),
            "unsupported_fields": sorted({str(item["field"]) for item in extracted} - {str(item["field"]) for item in kept}),
            "supporting": sorted({m.article_url for m in members}),
            "merge_candidates": merge_candidates(store.engine, partnership),
            "neighbours": place,
            "warnings": plausibility_warnings(partnership.document, published.values()),
            "shown_fields": SHOWN_FIELDS,
            "evidence_field_of": EVIDENCE_FIELD_OF,
            "agreement_types": [t.value for t in AgreementType],
            "party_kinds": [k.value for k in PartyKind],
            "party_kind_labels": party_kind_labels(),
            "theme_codes": [code.value for code in ThemeCode],
            "country_names": country_names(),
            "conflict_order": sorted(partnership.conflicts, key=lambda name: (name not in partnership.open_conflicts, name)),
            "errors": {},
            "values": _form_values(partnership.document),
            "typed": {},
            "message": None,
            "conflict": None,
            "confirm": {},
            "undo_offer": None,
        }

    @app.get("/records/{partnership_id}", include_in_schema=False)
    def record_page(request: Request, partnership_id: str, article: str | None = None, saved: str | None = None, undo: str | None = None) -> HTMLResponse:
        partnership = load_or_404(partnership_id)
        context = record_context(partnership, filters_of(request.query_params), article)
        context["message"] = saved
        context["undo_offer"] = _undo_offer(store, undo)
        return pages.render(request, "record.html", context)

    async def record_form(request: Request, partnership_id: str) -> tuple[FormData, ReviewedPartnership, QueueFilters, int]:
        """A record POST's checked form, its partnership, the queue filters it came from and
        the version the analyst saw."""
        form = await pages.checked_form(request)
        partnership = load_or_404(partnership_id)
        filters = filters_of(dict(parse_qsl(str(form.get("back") or ""))))
        try:
            version = int(str(form.get("version") or ""))
        except ValueError:
            raise HTTPException(400, "Version absente du formulaire : rechargez la page.") from None
        return form, partnership, filters, version

    def form_page(request: Request, partnership: ReviewedPartnership, filters: QueueFilters, form: FormData, status: int, **extra: Any) -> HTMLResponse:
        """The record page again, the analyst's typed values kept in the forms."""
        context = record_context(partnership, filters)
        typed = {k: str(v) for k, v in form.items() if isinstance(v, str) and k not in ("csrf_token", "version", "back")}
        context["values"] = {**context["values"], **typed}
        context["typed"] = typed
        context.update(extra)
        return pages.render(request, "record.html", context, status_code=status)

    async def record_post(request: Request, partnership_id: str, compute: FormChange) -> Response:
        form, partnership, filters, version = await record_form(request, partnership_id)
        change = compute(partnership, form)
        if change.errors:
            return form_page(request, partnership, filters, form, 422, errors=change.errors)
        if not change.values:
            message = change.message or "rien à enregistrer : aucune valeur n'a changé"
            following = _following(partnership_id, filters) if change.then_next else None
            return saved_redirect(following or partnership_id, message, filters)
        published = published_dates(store.engine, [m.article_url for m in partnership.members])
        warnings = plausibility_warnings({**partnership.document, **change.values}, published.values())
        unconfirmed = {name: text for name, text in warnings.items() if name in change.checked}
        if unconfirmed and form.get("confirm") != "yes":
            return form_page(request, partnership, filters, form, 422, confirm=unconfirmed)
        following = _following(partnership_id, filters) if change.then_next else None
        try:
            new_version = store.decide_versioned(partnership_id, change.values, pages.reviewer(request), version, change.note)
        except EditConflict as conflict:
            current = load_or_404(partnership_id)
            return form_page(request, current, filters, form, 409, conflict=str(conflict))
        message = change.message
        if "status" not in change.values and partnership.status in DECIDED:
            message += f" ; le partenariat reste {STATUS_LABELS[partnership.status]}"
        if following is not None:
            undo = f"{partnership_id}:{new_version}"
            return saved_redirect(following, f"{message} : {_names(partnership)}", filters, undo=undo)
        return saved_redirect(partnership_id, message, filters)

    def _following(partnership_id: str, filters: QueueFilters) -> str | None:
        place = neighbours(store.engine, filters, partnership_id)
        if place.position is None:
            first = first_in_queue(store.engine, filters)
            return first if first != partnership_id else None
        return place.next

    def saved_redirect(partnership_id: str, message: str, filters: QueueFilters, undo: str | None = None) -> RedirectResponse:
        query = {"saved": message, **({"undo": undo} if undo else {}), **filters.params()}
        return RedirectResponse(f"/records/{quote(partnership_id)}?{urlencode(query)}", status_code=303)

    @app.post("/records/{partnership_id}/decision", include_in_schema=False)
    async def decision(request: Request, partnership_id: str) -> Response:
        def compute(partnership: ReviewedPartnership, form: FormData) -> Change:
            verdict = str(form.get("decision") or "")
            reason = str(form.get("reason") or "").strip() or None
            then_next = form.get("then") == "next"
            if verdict not in ("accepted", "rejected", "new"):
                return Change(errors={"decision": "Décision inconnue."})
            if verdict == "rejected" and not reason:
                return Change(errors={"reason": "Indiquez la raison du rejet."})
            if verdict == partnership.status or (verdict == "new" and partnership.status not in DECIDED):
                return Change(message=f"déjà {STATUS_LABELS[partnership.status]}")
            label = "rouvert (nouveau)" if verdict == "new" else STATUS_LABELS[verdict]
            return Change({"status": verdict}, note=reason, message=label, then_next=then_next, checked=("signed_on", "duration") if verdict == "accepted" else ())

        return await record_post(request, partnership_id, compute)

    @app.post("/records/{partnership_id}/edit", include_in_schema=False)
    async def edit(request: Request, partnership_id: str) -> Response:
        def compute(partnership: ReviewedPartnership, form: FormData) -> Change:
            edited = dict(partnership.document)
            for name in ("agreement_type", "agreement_label", "signed_on", "duration", "since"):
                edited[name] = str(form.get(name) or "").strip() or None
            place_name, place_country = str(form.get("signing_place_name") or "").strip(), str(form.get("signing_place_country") or "").strip()
            if place_name or place_country:
                try:
                    place_country = country_code(place_country) if place_country else ""
                except ValueError as error:
                    return Change(errors={"signing_place": str(error)})
            edited["signing_place"] = {"name": place_name, "country": place_country} if place_name or place_country else None
            return _validated(partnership.document, edited, SCALAR_FIELDS, "modifications enregistrées")

        return await record_post(request, partnership_id, edit_change(compute))

    def edit_change(compute: FormChange) -> FormChange:
        def checked(partnership: ReviewedPartnership, form: FormData) -> Change:
            change = compute(partnership, form)
            change.checked = tuple(change.values)
            return change

        return checked

    @app.post("/records/{partnership_id}/signatories", include_in_schema=False)
    async def signatories(request: Request, partnership_id: str) -> Response:
        """Add a signatory, remove one, or change one in place (name, kind, country): one
        decision on the list each time, never a record without its party in between."""

        def compute(partnership: ReviewedPartnership, form: FormData) -> Change:
            parties = list(partnership.document.get("signatories", []))
            remove, index = str(form.get("remove") or ""), str(form.get("index") or "")
            if remove.isdigit() and int(remove) < len(parties):
                del parties[int(remove)]
            else:
                try:
                    country = country_code(str(form.get("country") or "").strip())
                except ValueError as error:
                    return Change(errors={"signatories": str(error)})
                party = {"name": str(form.get("name") or "").strip(), "kind": str(form.get("kind") or ""), "country": country}
                if index.isdigit() and int(index) < len(parties):
                    parties[int(index)] = party
                else:
                    parties.append(party)
            edited = {**partnership.document, "signatories": parties}
            return _validated(partnership.document, edited, ("signatories",), "signataires enregistrés")

        return await record_post(request, partnership_id, compute)

    @app.post("/records/{partnership_id}/themes", include_in_schema=False)
    async def theme_list(request: Request, partnership_id: str) -> Response:
        def compute(partnership: ReviewedPartnership, form: FormData) -> Change:
            listed = list(partnership.document.get("themes", []))
            remove, code = str(form.get("remove") or ""), str(form.get("code") or "")
            if remove.isdigit() and int(remove) < len(listed):
                del listed[int(remove)]
            elif code not in themes:
                return Change(errors={"themes": "Choisissez un thème de la taxonomie."})
            elif code not in {t["code"] for t in listed}:
                listed.append({"label": themes[code], "code": code})
            edited = {**partnership.document, "themes": listed}
            return _validated(partnership.document, edited, ("themes",), "thèmes enregistrés")

        return await record_post(request, partnership_id, compute)

    @app.post("/records/{partnership_id}/pick", include_in_schema=False)
    async def pick(request: Request, partnership_id: str) -> Response:
        """Keep one of the values the articles disagree on."""

        def compute(partnership: ReviewedPartnership, form: FormData) -> Change:
            name, option = str(form.get("field") or ""), str(form.get("option") or "")
            options = partnership.conflicts.get(name, [])
            if not option.isdigit() or int(option) >= len(options):
                return Change(errors={"conflicts": "Choisissez une des valeurs données par les articles."})
            value = options[int(option)]["value"]
            change = _validated(partnership.document, {**partnership.document, name: value}, (name,), f"{field_label(name)} : valeur retenue")
            if not change.errors and not change.values:  # the value in force already: the choice still settles the disagreement
                change.values = {name: value}
            change.checked = (name,)
            return change

        return await record_post(request, partnership_id, compute)

    @app.post("/records/{partnership_id}/undo", include_in_schema=False)
    async def undo(request: Request, partnership_id: str) -> Response:
        form, partnership, filters, version = await record_form(request, partnership_id)
        try:
            fields = store.undo(partnership_id, pages.reviewer(request), version)
        except EditConflict as conflict:
            return form_page(request, load_or_404(partnership_id), filters, form, 409, conflict=str(conflict))
        except ValueError:
            return form_page(request, partnership, filters, form, 422, errors={"undo": "Cette décision ne s'annule pas : il n'y a rien à annuler, ou c'est une séparation ou une fusion."})
        return saved_redirect(partnership_id, "décision annulée (" + ", ".join(field_label(name) for name in fields) + ")", filters)

    def grouping_error(request: Request, partnership: ReviewedPartnership, filters: QueueFilters, form: FormData, error: str) -> HTMLResponse:
        return form_page(request, partnership, filters, form, 422, errors={"grouping": error})

    @app.post("/records/{partnership_id}/split", include_in_schema=False)
    async def split(request: Request, partnership_id: str) -> Response:
        """The records of one article leave the partnership, and stay apart in later runs."""
        form, partnership, filters, version = await record_form(request, partnership_id)
        article_url = str(form.get("article") or "")
        if article_url not in {m.article_url for m in partnership.members}:
            return grouping_error(request, partnership, filters, form, "Choisissez un article de ce partenariat.")
        try:
            moved = store.split(partnership_id, article_url, pages.reviewer(request), version, str(form.get("note") or "").strip() or None)
        except EditConflict as conflict:
            return form_page(request, load_or_404(partnership_id), filters, form, 409, conflict=str(conflict))
        except ValueError:
            return grouping_error(request, partnership, filters, form, "Un partenariat d'un seul article ne se sépare pas.")
        return saved_redirect(moved.remaining, f"article séparé : il forme le partenariat {moved.split_out}", filters)

    @app.post("/records/{partnership_id}/merge", include_in_schema=False)
    async def merge(request: Request, partnership_id: str) -> Response:
        """Another partnership of the same countries joins this one, and stays joined."""
        form, partnership, filters, version = await record_form(request, partnership_id)
        other_id = str(form.get("other") or "")
        try:
            joined = store.merge(partnership_id, other_id, pages.reviewer(request), version, str(form.get("note") or "").strip() or None)
        except EditConflict as conflict:
            return form_page(request, load_or_404(partnership_id), filters, form, 409, conflict=str(conflict))
        except (KeyError, ValueError):
            return grouping_error(request, partnership, filters, form, "Choisissez un autre partenariat des mêmes pays.")
        return saved_redirect(joined, "partenariats fusionnés", filters)


@dataclass(frozen=True)
class UndoOffer:
    """The decision just made on the previous record, offered for undo on the next one."""

    partnership_id: str
    version: int
    label: str


def _undo_offer(store: Store, undo: str | None) -> UndoOffer | None:
    if not undo or ":" not in undo:
        return None
    partnership_id, _, version = undo.rpartition(":")
    partnership = load_partnership(store.engine, partnership_id)
    if partnership is None or not version.isdigit() or partnership.version != int(version) or partnership.undoable is None:
        return None  # undone already, or decided again since: nothing to offer
    return UndoOffer(partnership_id, int(version), _names(partnership))


def _names(partnership: ReviewedPartnership) -> str:
    return " ↔ ".join(p["name"] for p in partnership.document.get("signatories", []))


def _form_values(document: dict[str, Any]) -> dict[str, str]:
    place = document.get("signing_place") or {}
    values = {name: "" if document.get(name) is None else str(document[name]) for name in SCALAR_FIELDS if name != "signing_place"}
    values["signing_place_name"] = place.get("name", "")
    values["signing_place_country"] = place.get("country", "")
    return values


def _validated(current: dict[str, Any], edited: dict[str, Any], names: tuple[str, ...], message: str) -> Change:
    """The changed fields as the record model normalises them, or each field's error."""
    try:
        record = PartnershipRecord.model_validate(edited)
    except ValidationError as invalid:
        return Change(errors=field_errors(invalid))
    dumped = record.model_dump(mode="json")
    return Change({name: dumped[name] for name in names if dumped[name] != current.get(name)}, message=message)

