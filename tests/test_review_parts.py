"""The review page's parts on their own: filter checking, which evidence still supports a
reviewed value, plausibility warnings, French validation messages, the search folding, the
world map's geometry and labels, and the reviewed rows of a store upgraded from revision
0003 (made when the store opens it)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from pydantic import ValidationError

from pipeline.records import Article, PartnershipRecord
from pipeline.review.filters import InvalidFilters, QueueFilters
from pipeline.review.french import describe, field_errors
from pipeline.review.highlight import supporting_evidence
from pipeline.review.overview import world_geometry, world_map
from pipeline.review.plausibility import plausibility_warnings
from pipeline.store import schema
from pipeline.store.engine import create_store_engine
from pipeline.store.migrations import alembic_config
from pipeline.store.repository import Store
from pipeline.store.reviewed import search_fold
from tests.store_fixtures import postgres_server, store_url  # noqa: F401 - fixtures

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "review" / "articles.jsonl"


def test_filters_normalise_what_they_can_and_name_what_they_cannot() -> None:
    filters = QueueFilters.parse({"country": "sénégal", "source": "LIANES", "date_from": "2024", "date_to": "2024-02", "q": " Thiès "}, ["lianes"])
    assert (filters.country, filters.source, filters.q) == ("SN", "lianes", "Thiès")
    assert (filters.first_day, filters.last_day, filters.folded_query) == ("2024-01-01", "2024-02-29", "thies")
    assert QueueFilters.parse({"country": "ci"}).country == "CI"
    with pytest.raises(InvalidFilters) as refused:
        QueueFilters.parse({"country": "Narnia", "date_from": "2024-02-30", "status": "done", "theme": "x", "sort": "-name"})
    assert set(refused.value.errors) == {"country", "date_from", "status", "theme", "sort"}
    assert QueueFilters.lenient({"country": "Narnia", "status": "new"}) == QueueFilters(status="new")
    # Sorting by a column again reverses it; dates and confidence start with the largest.
    assert QueueFilters().sorted_by("date") == "sort=date" and QueueFilters(sort="date").sorted_by("date") == ""
    assert QueueFilters().sorted_by("country") == "sort=country" and QueueFilters(sort="country").sorted_by("country") == "sort=-country"


def test_search_folding_is_the_same_both_ways() -> None:
    assert search_fold("Sénégal") == search_fold("SENEGAL") == "senegal"
    assert search_fold("Saint-Louis, l’Œuvre") == "saint louis l oeuvre"


RECORD = {
    "signed_on": "2024-03-12",
    "agreement_type": "cooperation_agreement",
    "duration": "P3Y",
    "signatories": [{"name": "Lille", "kind": "municipality", "country": "FR"}, {"name": "Saint-Louis", "kind": "municipality", "country": "SN"}],
    "themes": [{"label": "eau", "code": "water_sanitation"}],
    "evidence": [
        {"field": "signed_on", "start": 0, "end": 15, "text": "Le 12 mars 2024"},
        {"field": "signatories", "start": 17, "end": 34, "text": "la ville de Lille"},
        {"field": "duration", "start": 40, "end": 54, "text": "pour trois ans"},
        {"field": "themes", "start": 60, "end": 73, "text": "l'eau potable"},
    ],
}
PUBLISHED = dt.date(2024, 3, 14)


def _kept(reviewed: dict, record: dict = RECORD, published: dt.date = PUBLISHED) -> set[str]:
    return {item["field"] for item in supporting_evidence(record, {**record, **reviewed}, published)}


def test_evidence_is_kept_only_where_it_supports_the_reviewed_value() -> None:
    assert _kept({}) == {"signed_on", "signatories", "duration", "themes"}
    assert _kept({"signed_on": "2023-03-12"}) == {"signatories", "duration", "themes"}
    assert "signed_on" in _kept({"signed_on": "2024-03"})  # a precision, not a correction
    assert "duration" not in _kept({"duration": "P5Y"}) and "duration" in _kept({"duration": "P36M"})
    assert "signatories" not in _kept({"signatories": [{"name": "Roubaix", "kind": "municipality", "country": "FR"}]})
    assert "themes" not in _kept({"themes": [{"label": "jeunesse", "code": "youth"}]})


def test_a_relative_date_supports_only_the_year_it_refers_to() -> None:
    relative = {**RECORD, "signed_on": "2023", "evidence": [{"field": "signed_on", "start": 0, "end": 11, "text": "cette année"}]}
    assert "signed_on" not in _kept({}, relative, dt.date(2024, 5, 2))  # "cette année" in 2024 is not 2023
    assert "signed_on" in _kept({}, relative, dt.date(2023, 5, 2))
    last_year = {**relative, "evidence": [{"field": "signed_on", "start": 0, "end": 13, "text": "l'an dernier"}]}
    assert "signed_on" in _kept({}, last_year, dt.date(2024, 1, 9)) and "signed_on" not in _kept({}, last_year, dt.date(2023, 1, 9))


def test_plausibility_warnings() -> None:
    published = [dt.date(2024, 3, 14), None]
    assert plausibility_warnings({"signed_on": "2024-03-12", "duration": "P30Y"}, published) == {}
    assert set(plausibility_warnings({"signed_on": "2024-04", "duration": "P31Y"}, published)) == {"signed_on", "duration"}
    assert "antérieure à 1945" in plausibility_warnings({"signed_on": "1944-12-31"}, published)["signed_on"]
    assert plausibility_warnings({"signed_on": "2024"}, published) == {}  # the same year, at its precision


def test_validation_messages_are_french_and_name_the_value() -> None:
    with pytest.raises(ValidationError) as invalid:
        PartnershipRecord.model_validate(
            {"record_id": "x", "article_url": "u", "agreement_type": "pact", "signatories": [{"name": "A", "kind": "region", "country": "XX"}],
             "signed_on": "2024-02-30", "duration": "5 ans", "since": 800, "confidence": 0.5, "model_version": "m"}
        )
    errors = field_errors(invalid.value)
    assert errors["signed_on"].startswith("« 2024-02-30 » n'est pas une date réelle")
    assert "« XX » n'est pas un code pays" in errors["signatories"]
    assert "durée ISO 8601" in errors["duration"] and "entre 1000 et 2999" in errors["since"]
    assert errors["agreement_type"] == "Valeur inconnue pour « type d'accord » : « pact »."
    assert describe("signatories", RECORD["signatories"][1]) == "Saint-Louis · Commune · Sénégal (SN)"
    assert describe("agreement_type", "twinning") == "Jumelage" and describe("duration", "P18M") == "18 mois"


def test_the_world_map_draws_every_country_and_places_labels_apart() -> None:
    geometry = world_geometry()
    assert "Natural Earth" in geometry["source"] and len(geometry["countries"]) > 200
    for code in ("FR", "SN", "BJ", "TG", "MA", "UA", "JP", "CA", "VN", "HT"):
        shape = geometry["countries"][code]
        assert re.match(r"^(M[-\d. ]+l[-\d. ]+z)+$", shape["path"]), code
        assert 0 <= shape["anchor"][0] <= geometry["width"] and 0 <= shape["anchor"][1] <= geometry["height"]
    # West African neighbours are distinct shapes, each its own link, Benin east of Togo.
    assert geometry["countries"]["BJ"]["anchor"][0] > geometry["countries"]["TG"]["anchor"][0]
    many = {code: 1 + index for index, code in enumerate(sorted(geometry["countries"]))}
    drawn = world_map(many, lambda code: f"/queue?country={code}")
    assert {country.code for country in drawn.countries} == set(geometry["countries"])
    assert len(drawn.labels) >= 10
    boxes = [(label.x - (len(label.text) * 5.6 if label.anchor == "end" else 0), label.y - 10, len(label.text) * 5.6) for label in drawn.labels]
    for index, (x, y, width) in enumerate(boxes):
        for other_x, other_y, other_width in boxes[index + 1 :]:
            assert not (x < other_x + other_width and other_x < x + width and y < other_y + 12 and other_y < y + 12), "labels overprint"
    # Tiny partners get a marker drawn above the shapes, the smallest last.
    tiny = world_map({"MC": 2, "SG": 3, "SN": 4}, lambda code: f"/queue?country={code}")
    assert [marker.code for marker in tiny.markers] == ["SG", "MC"]


def test_a_store_upgraded_from_revision_0003_gets_its_reviewed_rows_when_opened(store_url: str) -> None:
    engine = create_store_engine(store_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0003")
    engine.dispose()
    # What the store of revision 0003 held: an article, its record, its partnership and a
    # correction, written as the code of that revision wrote them.
    item = json.loads(FIXTURES.read_text(encoding="utf-8").splitlines()[2])
    article, record = Article.model_validate(item["article"]), PartnershipRecord.model_validate(item["records"][0])
    document = json.dumps(record.model_dump(mode="json"), sort_keys=True)
    engine = create_store_engine(store_url)
    with engine.begin() as connection:
        connection.execute(sa.insert(schema.articles).values(url=article.url, source=article.source, published="2023-06-05", text_hash="h", document=article.model_dump_json(), extracted_with="fixture"))
        connection.execute(sa.insert(schema.records).values(article_url=article.url, ordinal=0, record_id=record.record_id, countries="FR|JP", model_version="fixture", partnership_id=record.record_id, document=document))
        connection.execute(sa.insert(schema.partnerships).values(id=record.record_id, countries="FR|JP", status="new", conflicts="{}", document=document))
        connection.execute(sa.insert(schema.review_decisions).values(partnership_id=record.record_id, field="signed_on", value='"2022-06-03"', reviewer="Alice", decided_at=dt.datetime.now(dt.UTC)))
    engine.dispose()
    with Store(store_url) as store, store.engine.connect() as connection:
        row = connection.execute(sa.select(schema.reviewed_partnerships)).mappings().one()
        assert (row["id"], row["signed_on"], row["countries"], row["sources"]) == (record.record_id, "2022-06-03", "|FR|JP|", "|lianes|")
        text = connection.execute(sa.select(schema.reviewed_documents.c.search_text)).scalar_one()
        assert "japon" in text and "amitie" in text
