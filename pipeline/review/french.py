"""Everything the review page shows in French: field names, statuses, values and the record
model's validation messages.

Values are shown as an analyst reads them (``Lille (Commune, France FR)``, ``Convention de
coopération décentralisée``, ``3 ans``); the contract's codes stay in the forms' values and
the API. The record model (``pipeline.records``) writes its errors in English for the
pipeline's logs; ``field_errors`` turns them into one French message per form field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from pipeline.store.exports import french_duration
from pipeline.store.labels import agreement_type_labels, atlas_layout, country_name, party_kind_labels, theme_labels

STATUS_LABELS = {"new": "nouveau", "accepted": "accepté", "rejected": "rejeté", "flagged": "à arbitrer", "active": "non rejetés"}
FIELD_LABELS = {
    "record_id": "identifiant",
    "article_url": "article",
    "source": "source",
    "agreement_type": "type d'accord",
    "agreement_label": "intitulé",
    "agreement": "accord",
    "signatories": "signataires",
    "signed_on": "date de signature",
    "signing_place": "lieu de signature",
    "duration": "durée",
    "since": "coopération depuis",
    "themes": "thèmes",
    "people": "personnes",
    "actors": "acteurs associés",
    "evidence": "preuves",
    "confidence": "confiance",
    "model_version": "version du modèle",
    "status": "statut",
    "split": "séparation",
    "merge": "fusion",
    "undo": "annulation",
    # Parts of a value, named in validation messages.
    "name": "nom",
    "kind": "nature",
    "country": "pays",
    "label": "libellé",
    "code": "code",
    "role": "fonction",
    "organisation": "organisation",
}
ACTOR_KIND_LABELS = {
    "association": "association",
    "network": "réseau",
    "programme": "programme",
    "funder": "financeur",
    "company": "entreprise",
    "school": "établissement d'enseignement",
    "public_body": "organisme public",
    "other": "autre",
}
EMPTY = "—"


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def country_label(code: str) -> str:
    """'Bénin (BJ)'."""
    return f"{country_name(code)} ({code})"


def describe(field: str, value: Any) -> str:
    """A field's value as the page shows it."""
    if value is None or value == [] or value == "":
        return EMPTY
    if field == "undo" and isinstance(value, Mapping):
        return " ; ".join(f"{field_label(name)} : {describe(name, item)}" for name, item in value.items())
    if isinstance(value, list):
        return " ; ".join(describe(field, item) for item in value)
    if field == "signatories":
        return f"{value['name']} · {party_kind_labels().get(value['kind'], value['kind'])} · {country_label(value['country'])}"
    if field == "signing_place":
        return f"{value['name']} · {country_label(value['country'])}"
    if field == "themes":
        return str(value.get("label") or theme_labels().get(value["code"], value["code"]))
    if field == "people":
        details = ", ".join(part for part in (value.get("role"), value.get("organisation")) if part)
        return f"{value['name']} ({details})" if details else str(value["name"])
    if field == "actors":
        return f"{value['name']} ({ACTOR_KIND_LABELS.get(value['kind'], value['kind'])})"
    if field == "agreement_type":
        return agreement_type_labels().get(value, value)
    if field == "duration":
        return french_duration(value, atlas_layout()["duration_units"])
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "confidence":
        return f"{float(value):.2f}".replace(".", ",")
    if field == "split" and isinstance(value, Mapping):
        return f"article séparé : {value.get('article', '')}"
    if field == "merge" and isinstance(value, Mapping):
        return f"fusionné avec {value.get('with', '')}"
    return str(value)


def field_errors(invalid: ValidationError) -> dict[str, str]:
    """One French message per record field the model refused."""
    errors: dict[str, str] = {}
    for error in invalid.errors():
        location = [part for part in error["loc"] if isinstance(part, str)]
        name = str(error["loc"][0]) if error["loc"] else "record"
        errors.setdefault(name, _message(name, location[-1] if location else name, error))
    return errors


def _message(field: str, leaf: str, error: Mapping[str, Any]) -> str:
    value = error.get("input")
    shown = f"« {value} »" if isinstance(value, str | int | float) else "cette valeur"
    kind = error.get("type", "")
    if leaf == "country":
        return f"{shown} n'est pas un code pays ISO 3166-1 à deux lettres (ex. BJ, SN, MA)."
    if field == "signed_on":
        return f"{shown} n'est pas une date réelle au format AAAA-MM-JJ, AAAA-MM ou AAAA."
    if field == "duration":
        return f"{shown} n'est pas une durée ISO 8601 (P5Y pour cinq ans, P18M pour dix-huit mois)."
    if field == "since":
        if kind in ("greater_than_equal", "less_than_equal"):
            return "L'année doit être comprise entre 1000 et 2999."
        return f"{shown} n'est pas une année."
    if kind in ("string_too_short", "missing"):
        return f"Le champ « {FIELD_LABELS.get(leaf, leaf)} » est obligatoire."
    if kind == "enum":
        return f"Valeur inconnue pour « {FIELD_LABELS.get(leaf, leaf)} » : {shown}."
    return f"Valeur refusée pour « {FIELD_LABELS.get(leaf, leaf)} » : {shown}."
