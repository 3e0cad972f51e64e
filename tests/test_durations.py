"""The duration and "since" candidates component on short French sentences (fixtures/durations)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import pipeline.extract.components.durations  # noqa: F401  (registers partnerships_durations)
from tests.conftest import FIXTURES, REPO, read_jsonl

CASES = read_jsonl(FIXTURES / "durations" / "duration_expressions.jsonl")


@pytest.fixture(scope="module")
def duration_nlp() -> Language:
    """A freshly loaded French model: telling an actor's "depuis 1996" apart needs the parse."""
    nlp = spacy.load("fr_core_news_md")
    nlp.add_pipe(
        "partnerships_durations",
        config={
            "patterns_path": str(REPO / "models" / "patterns" / "durations.jsonl"),
            "lexicon_path": str(REPO / "models" / "lexicons" / "dates_fr.jsonl"),
        },
    )
    return nlp


def found(doc: Doc, key: str, value: str) -> list[dict]:
    return [{"text": s.text, "label": s.label_, value: getattr(s._, value), "rule": s.id_} for s in doc.spans[key]]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_duration_and_since_expressions(duration_nlp: Language, case: dict) -> None:
    doc = duration_nlp(case["text"].replace("\u2019", "'"))
    assert found(doc, "durations", "iso_duration") == case["durations"]
    assert found(doc, "since", "since_year") == case["since"]


def test_blank_pipeline_without_parse_labels_every_since_as_relationship() -> None:
    """Without a dependency parse there is no evidence of an actor, so the default label stays."""
    nlp = spacy.blank("fr")
    nlp.add_pipe(
        "partnerships_durations",
        config={
            "patterns_path": str(REPO / "models" / "patterns" / "durations.jsonl"),
            "lexicon_path": str(REPO / "models" / "lexicons" / "dates_fr.jsonl"),
        },
    )
    doc = nlp("L'association, active depuis 1996, accompagne les écoles.")
    assert [(s.label_, s._.since_year) for s in doc.spans["since"]] == [("relationship", 1996)]
