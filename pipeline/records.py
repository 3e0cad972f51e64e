"""The data contract (../shared/CONTRACT.md) as pydantic models: the single source of the record shape.

The JSON Schema (``partnerships schema``), the store, the exports and the review page all
derive from these classes; nothing else spells the shape out again.

Evidence offsets are checked against the article text when one is given as validation
context: ``PartnershipRecord.model_validate(data, context={"text": article.text})``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from enum import StrEnum
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from pipeline.normalize import name_words

COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DURATION = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def _country(code: str) -> str:
    if code not in COUNTRY_CODES:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code (upper case)")
    return code


def _partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date: {exc}") from None
    return value


def _duration(value: str) -> str:
    if not _DURATION.match(value):
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as P5Y or P18M")
    return value


_CUT_HYPHEN = re.compile(r"(?<=\w)- +(?=\w)")


def _clean_name(value: str) -> str:
    """Straight apostrophes, one space between words, and a hyphen a line break cut rejoined
    ("Nouvelle- Calédonie" from a hard-wrapped page; "France - Italie" keeps its spaced dash)."""
    return _CUT_HYPHEN.sub("-", " ".join(value.replace("\u2019", "'").split()))


CountryCode = Annotated[str, AfterValidator(_country)]
PartialDate = Annotated[str, AfterValidator(_partial_date)]
IsoDuration = Annotated[str, AfterValidator(_duration)]
Name = Annotated[str, Field(min_length=1), AfterValidator(_clean_name)]


def duration_months(value: str) -> int | None:
    """Length of a year/month duration in months (P2Y == P24M); None when it has weeks or days."""
    match = _DURATION.match(value)
    if not match:
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    if weeks or days:
        return None
    return years * 12 + months


class AgreementType(StrEnum):
    cooperation_agreement = "cooperation_agreement"
    partnership_agreement = "partnership_agreement"
    memorandum_of_understanding = "memorandum_of_understanding"
    framework_agreement = "framework_agreement"
    twinning = "twinning"
    friendship_pact = "friendship_pact"
    letter_of_intent = "letter_of_intent"
    other = "other"


class PartyKind(StrEnum):
    region = "region"
    department = "department"
    municipality = "municipality"
    intermunicipal = "intermunicipal"
    national = "national"
    association = "association"
    other = "other"


class ActorKind(StrEnum):
    association = "association"
    network = "network"
    programme = "programme"
    funder = "funder"
    company = "company"
    school = "school"
    public_body = "public_body"
    other = "other"


class ThemeCode(StrEnum):
    institutional_support = "institutional_support"
    economic_development = "economic_development"
    environment_climate = "environment_climate"
    energy = "energy"
    water_sanitation = "water_sanitation"
    agriculture_food = "agriculture_food"
    education_training = "education_training"
    higher_education_research = "higher_education_research"
    youth = "youth"
    sport = "sport"
    culture_heritage = "culture_heritage"
    health_social = "health_social"
    urban_development = "urban_development"
    digital_innovation = "digital_innovation"
    gender_equality = "gender_equality"
    tourism = "tourism"
    humanitarian_reconstruction = "humanitarian_reconstruction"
    citizenship_solidarity = "citizenship_solidarity"


class EvidenceField(StrEnum):
    """The record fields evidence can point at."""

    agreement = "agreement"
    signatories = "signatories"
    signed_on = "signed_on"
    signing_place = "signing_place"
    duration = "duration"
    since = "since"
    themes = "themes"
    people = "people"
    actors = "actors"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Article(_Model):
    """One news article: the input of extraction, the output of the scraper."""

    model_config = ConfigDict(extra="ignore")

    url: str = Field(min_length=1)
    source: str | None = None
    title: str = ""
    published: dt.date | None = None
    text: str

    @field_validator("published", mode="before")
    @classmethod
    def _published_as_written(cls, value: Any) -> Any:
        # pydantic would read 20240101 as seconds since 1970: the contract writes YYYY-MM-DD.
        if value is None or isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
            return value
        raise ValueError(f"expected a date written YYYY-MM-DD (or null), not {value!r}")


class Party(_Model):
    name: Name
    kind: PartyKind
    country: CountryCode


class Place(_Model):
    name: Name
    country: CountryCode


class Theme(_Model):
    label: str
    code: ThemeCode


class Person(_Model):
    name: Name
    role: str | None = None
    organisation: str | None = None


class Actor(_Model):
    name: Name
    kind: ActorKind


class Evidence(_Model):
    """Where a field's value was read: ``text[start:end]`` of the article, and the rule that read it."""

    field: EvidenceField
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    rule: str | None = Field(default=None, description="id of the extraction rule that produced the value")

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end < self.start:
            raise ValueError(f"evidence end {self.end} is before its start {self.start}")
        return self


def make_record_id(signatories: list[Party], signed_on: str | None) -> str:
    """Same partnership, same id, whichever article reports it.

    Built from the signatories' normalised names (sorted) and the year of signature: two
    articles often give the same signing at different precisions (a day, a month).
    """
    names = sorted(" ".join(sorted(name_words(p.name))) + f"/{p.country}" for p in signatories)
    year = (signed_on or "")[:4]
    digest = hashlib.sha256(("|".join(names) + "#" + year).encode()).hexdigest()
    return f"ps-{digest[:16]}"


class PartnershipRecord(_Model):
    """One agreement reported by one article."""

    record_id: str
    article_url: str
    source: str | None = None
    agreement_type: AgreementType
    agreement_label: str | None = None
    signatories: list[Party]
    signed_on: PartialDate | None = None
    signing_place: Place | None = None
    duration: IsoDuration | None = None
    since: int | None = Field(default=None, ge=1000, le=2999)
    themes: list[Theme] = []
    people: list[Person] = []
    actors: list[Actor] = []
    evidence: list[Evidence] = []
    confidence: float = Field(ge=0.0, le=1.0)
    model_version: str

    @field_validator("evidence")
    @classmethod
    def _evidence_points_at_text(cls, evidence: list[Evidence], info: ValidationInfo) -> list[Evidence]:
        text = (info.context or {}).get("text")
        if text is None:
            return evidence
        for item in evidence:
            if text[item.start : item.end] != item.text:
                raise ValueError(
                    f"evidence for {item.field} at {item.start}:{item.end} reads "
                    f"{text[item.start:item.end]!r}, not {item.text!r}"
                )
        return evidence


class GoldRecord(_Model):
    """A gold record: the scored fields only, themes as bare codes."""

    model_config = ConfigDict(extra="ignore", use_enum_values=True)

    signatories: list[Party]
    agreement_type: AgreementType
    signed_on: PartialDate | None = None
    signing_place: Place | None = None
    duration: IsoDuration | None = None
    since: int | None = None
    themes: list[ThemeCode] = []
    people: list[Person] = []
    actors: list[Actor] = []


class GoldArticle(_Model):
    """One line of a gold file."""

    article: Article
    records: list[GoldRecord]


def record_json_schema() -> dict[str, Any]:
    """The JSON Schema of a partnership record, as ``partnerships schema`` prints it."""
    schema = PartnershipRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
