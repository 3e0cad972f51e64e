"""French labels of the contract's values, shared by the exports, the store's search text and
the review page: countries (ISO 3166-1 names in French, from pycountry's translations),
agreement types, party kinds and statuses (``atlas.json``, the national atlas's wording) and
the taxonomy's theme labels (``models/taxonomy.json``)."""

from __future__ import annotations

import gettext
import json
from functools import cache
from importlib.resources import files
from typing import Any

import pycountry

from pipeline.resources import models_dir


@cache
def atlas_layout() -> dict[str, Any]:
    return json.loads(files("pipeline.store").joinpath("atlas.json").read_text(encoding="utf-8"))


@cache
def theme_labels() -> dict[str, str]:
    with open(models_dir() / "taxonomy.json", encoding="utf-8") as handle:
        return {theme["code"]: theme["label"] for theme in json.load(handle)["themes"]}


def agreement_type_labels() -> dict[str, str]:
    return dict(atlas_layout()["agreement_types"])


def party_kind_labels() -> dict[str, str]:
    return dict(atlas_layout()["party_kinds"])


@cache
def _french_countries() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


@cache
def country_name(code: str) -> str:
    """The country's French name ('Bénin'), or the code itself when it is no ISO code."""
    country = pycountry.countries.get(alpha_2=code)
    return _french_countries().gettext(country.name) if country else code


@cache
def country_names() -> dict[str, str]:
    """Every ISO 3166-1 alpha-2 code and its French name."""
    return {country.alpha_2: country_name(country.alpha_2) for country in pycountry.countries}
