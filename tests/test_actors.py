"""The actors component on sentences of fixtures/actors/ and on the dev corpus."""

from __future__ import annotations

import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.matcher import Matcher

import pipeline.extract.components.actors  # noqa: F401  (registers partnerships_actors)
from pipeline.extract.blocks import normalise_text
from pipeline.normalize import names_match
from pipeline.records import ActorKind
from tests.conftest import FIXTURES, REPO, SHARED_CORPUS, read_jsonl

MODELS = REPO / "models"
PATTERNS = MODELS / "patterns" / "actors.jsonl"
LEXICON = MODELS / "lexicons" / "actors.jsonl"
CASES = read_jsonl(FIXTURES / "actors" / "cases.jsonl")


@pytest.fixture(scope="module")
def actors_nlp() -> Language:
    nlp = spacy.load("fr_core_news_md")
    nlp.add_pipe("partnerships_actors", config={"patterns_path": str(PATTERNS), "lexicon_path": str(LEXICON)})
    return nlp


def test_token_patterns_are_valid(base_nlp: Language) -> None:
    matcher = Matcher(base_nlp.vocab, validate=True)
    entries = list(srsly.read_jsonl(PATTERNS))
    for entry in entries:
        matcher.add(entry["id"], [entry["pattern"]])
    assert len({e["id"] for e in entries}) == len(entries)
    kinds = {e["kind"] for e in entries if e["label"] == "head"}
    assert kinds <= {k.value for k in ActorKind}


def test_lexicon_entries_are_contract_actors() -> None:
    entries = list(srsly.read_jsonl(LEXICON))
    assert len({e["id"] for e in entries}) == len(entries)
    for entry in entries:
        assert entry["kind"] in {k.value for k in ActorKind}
        assert entry["aliases"] or entry.get("case_sensitive_aliases")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_actors_of_fixture_sentences(actors_nlp: Language, case: dict) -> None:
    doc = actors_nlp(normalise_text(case["text"]))
    found = {span._.actor_name: span for span in doc.spans["actors"]}
    assert sorted(found) == sorted(a["name"] for a in case["actors"])
    for expected in case["actors"]:
        span = found[expected["name"]]
        assert span.label_ == expected["kind"]
        assert span.id_
        assert (span._.actor_cue is not None) == expected["cue"]


def test_acronym_after_long_name_keeps_the_canonical_name(actors_nlp: Language) -> None:
    doc = actors_nlp("Le projet est financé par l'Agence française de développement (AFD).")
    assert [s._.actor_name for s in doc.spans["actors"]] == ["Agence française de développement"] * 2


def test_dev_corpus_actors_recall(actors_nlp: Language) -> None:
    """Every gold actor of an article should be among the organisations found in its blocks."""
    found_count = gold_count = 0
    for line in read_jsonl(SHARED_CORPUS / "dev.jsonl"):
        blocks = [b for b in normalise_text(line["article"]["text"]).split("\n") if b.strip()]
        names = [s._.actor_name for doc in actors_nlp.pipe(blocks) for s in doc.spans["actors"]]
        gold = {a["name"] for r in line["records"] for a in r["actors"]}
        gold_count += len(gold)
        found_count += sum(any(names_match(n, g) for n in names) for g in gold)
    assert found_count / gold_count >= 0.9
