"""The place gazetteers and the ``partnerships_places`` component, on sentences of fixtures/places."""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest
import spacy
from spacy.language import Language

from pipeline.extract.components.places import LABEL_ORDER, SPANS_KEY, name_pieces
from pipeline.resources import models_dir
from tests.conftest import FIXTURES, read_jsonl

GAZETTEERS = models_dir() / "gazetteers"
SENTENCES = read_jsonl(FIXTURES / "places" / "sentences.jsonl")


@pytest.fixture(scope="module")
def places_nlp() -> Language:
    """The French tokenizer and the places component: the component reads nothing but tokens."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("partnerships_places", config={"gazetteers_dir": str(GAZETTEERS)})
    return nlp


def found(nlp: Language, text: str) -> list[dict[str, object]]:
    doc = nlp(text)
    return [
        {
            "text": span.text,
            "label": span.label_,
            "country": span.kb_id_,
            "name": span._.place_name,
            "ambiguous": span._.place_ambiguous,
            "id": span.id_,
            "kind": span._.place_kind,
        }
        for span in doc.spans[SPANS_KEY]
    ]


@pytest.mark.parametrize("case", SENTENCES, ids=[case["text"][:40] for case in SENTENCES])
def test_sentence_places(places_nlp: Language, case: dict) -> None:
    spans = found(places_nlp, case["text"])
    for expected in case["expected"]:
        matching = [s for s in spans if all(s[k] == v for k, v in expected.items())]
        assert matching, f"{expected} not among {spans}"
    texts = {s["text"] for s in spans}
    for absent in case["absent"]:
        assert absent not in texts


def test_one_span_per_candidate_with_its_own_values(places_nlp: Language) -> None:
    spans = [s for s in found(places_nlp, "Le maire de Vienne est venu.") if s["text"] == "Vienne"]
    countries = [s["country"] for s in spans]
    assert "FR" in countries and "AT" in countries
    assert countries.index("FR") < countries.index("AT"), "French places come first"
    by_label = {(s["label"], s["country"]): s for s in spans}
    assert by_label[("department", "FR")]["kind"] == "department"
    assert by_label[("municipality", "FR")]["kind"] == "municipality"
    assert by_label[("city", "AT")]["name"] != by_label[("department", "FR")]["id"]
    assert len({s["id"] for s in spans}) == len(spans)


def test_longest_match_wins(places_nlp: Language) -> None:
    spans = found(places_nlp, "Les élus de Montceau-les-Mines et de Bourg-en-Bresse.")
    assert {s["text"] for s in spans} == {"Montceau-les-Mines", "Bourg-en-Bresse"}


def test_no_match_across_punctuation(places_nlp: Language) -> None:
    spans = found(places_nlp, "Ils viennent de Loire, Atlantique et Pyrénées.")
    assert "Loire-Atlantique" not in {s["name"] for s in spans}


def test_pieces_ignore_accents_case_hyphens_and_apostrophes() -> None:
    assert name_pieces("Villeneuve-d’Ascq") == name_pieces("villeneuve d'ascq") == ["villeneuve", "d", "ascq"]
    assert name_pieces("Lâm Đồng") == ["lam", "dong"]
    assert name_pieces("Œuilly") == ["oeuilly"]
    assert name_pieces(" - ") == []
    assert name_pieces("St-Malo") == name_pieces("Saint Malo") and name_pieces("Ste Honorine") == ["sainte", "honorine"]


@pytest.mark.parametrize("path", sorted(GAZETTEERS.glob("*.jsonl")), ids=lambda p: p.name)
def test_gazetteer_entries_are_well_formed(path: Path) -> None:
    ids: set[str] = set()
    countries = {country.alpha_2 for country in pycountry.countries}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            entry = json.loads(line)
            assert entry["id"] not in ids, entry["id"]
            ids.add(entry["id"])
            assert entry["label"] in LABEL_ORDER
            assert entry["country"] in countries
            assert "\u2019" not in entry["name"]
            assert entry["names"] or entry.get("ambiguous_names"), entry["id"]
    assert ids


def test_gazetteers_are_complete_enough() -> None:
    def count(name: str) -> int:
        with (GAZETTEERS / name).open(encoding="utf-8") as handle:
            return sum(1 for _ in handle)

    assert count("french_departments.jsonl") == 101
    assert count("french_communes.jsonl") > 30_000
    assert count("countries.jsonl") > 190
    with (GAZETTEERS / "french_regions.jsonl").open(encoding="utf-8") as handle:
        regions = [json.loads(line) for line in handle if line.startswith('{"id":"insee-region')]
    assert len(regions) == 18


def test_the_configured_pipeline_finds_places(nlp: Language) -> None:
    doc = nlp("La commune de Hennebont et la ville moldave de Cahul.")
    labels = {(span.text, span.label_, span.kb_id_) for span in doc.spans[SPANS_KEY]}
    assert ("Hennebont", "municipality", "FR") in labels
    assert ("moldave", "demonym", "MD") in labels
