"""TokenPatternIndex gives the matches a real spaCy Matcher gives, on every pattern file our components feed it."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import srsly
from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from pipeline.extract.components.token_patterns import TokenPatternIndex, lookup_values
from pipeline.resources import models_dir
from tests.conftest import FIXTURES, read_jsonl

# Every token-pattern file a component hands to a Matcher (through TokenPatternIndex).
PATTERN_FILES = [
    models_dir() / "lexicons" / "themes.jsonl",
    *(models_dir() / "patterns" / f"{name}.jsonl" for name in ("actors", "agreements", "dates", "durations", "parties", "people")),
]
# Our own sentences: this module's edge cases and the example sentences of the components' tests.
SENTENCE_FILES = [
    FIXTURES / "token_patterns" / "sentences.jsonl",
    FIXTURES / "themes" / "sentences.jsonl",
    FIXTURES / "dates" / "date_expressions.jsonl",
    FIXTURES / "durations" / "duration_expressions.jsonl",
    FIXTURES / "agreements" / "status.jsonl",
    FIXTURES / "parties" / "mentions.jsonl",
    FIXTURES / "people" / "cases.jsonl",
    FIXTURES / "actors" / "cases.jsonl",
    FIXTURES / "places" / "sentences.jsonl",
]


@pytest.fixture(scope="module")
def docs(base_nlp: Language) -> list[Doc]:
    texts = [case["text"] for path in SENTENCE_FILES for case in read_jsonl(path)]
    return list(base_nlp.pipe(texts))


def patterns_of(path: Path) -> list[tuple[str, list[dict]]]:
    return [(entry["id"], entry["pattern"]) for entry in srsly.read_jsonl(path)]


def both(vocab, entries: list[tuple[str, list[dict]]], greedy: str | None = None) -> tuple[Matcher, TokenPatternIndex]:
    matcher = Matcher(vocab, validate=True)
    index = TokenPatternIndex(vocab)
    for key, pattern in entries:
        matcher.add(key, [pattern], greedy=greedy)
        index.add(key, [pattern], greedy=greedy)
    return matcher, index


@pytest.mark.parametrize("greedy", [None, "LONGEST"])
@pytest.mark.parametrize("path", PATTERN_FILES, ids=lambda path: path.stem)
def test_same_matches_as_the_matcher_on_every_pattern_file(base_nlp, docs, path, greedy):
    matcher, index = both(base_nlp.vocab, patterns_of(path), greedy)
    found = 0
    for doc in docs:
        expected = matcher(doc)
        assert sorted(index(doc)) == sorted(expected), doc.text
        assert {(s.label_, s.start, s.end) for s in index(doc, as_spans=True)} == {(s.label_, s.start, s.end) for s in matcher(doc, as_spans=True)}
        found += len(expected)
    assert found > 0, f"no sentence exercises {path.name}"


def test_same_order_as_the_matcher_for_patterns_without_operators(base_nlp, docs):
    """Components break ties between matches of one extent by the Matcher's order: it must hold."""
    entries = [
        (key, pattern)
        for path in PATTERN_FILES
        for key, pattern in patterns_of(path)
        if not any("OP" in spec for spec in pattern)
    ]
    matcher, index = both(base_nlp.vocab, entries)
    assert sum(len(matcher(doc)) for doc in docs) > 100
    for doc in docs:
        assert index(doc) == matcher(doc), doc.text


def test_in_lists_lemmas_and_longer_patterns_are_routed_and_matched(base_nlp):
    entries = [
        ("capacity-lemma", [{"LEMMA": "capacité"}]),
        ("water-in", [{"LOWER": {"IN": ["eau", "eaux"]}}]),
        ("civility-orth", [{"TEXT": {"IN": ["M.", "Mme"]}}]),
        ("drinking-water", [{"LOWER": "eau"}, {"LOWER": "potable"}]),
        ("capacity-building", [{"LOWER": "renforcement"}, {"LOWER": {"IN": ["de", "des"]}}, {"LOWER": "la", "OP": "?"}, {"LEMMA": "capacité"}]),
        ("any-capitalised", [{"IS_TITLE": True}, {"LOWER": "et"}]),
        ("noun-water", [{"LOWER": "eau", "POS": "NOUN"}]),
        ("optional-word", [{"LOWER": "eau", "OP": "?"}]),
    ]
    assert [lookup_values(pattern) is not None for _, pattern in entries] == [True, True, True, False, False, False, False, False]
    matcher, index = both(base_nlp.vocab, entries)
    assert len(index.gated) == 2  # the two longer patterns whose first word can be looked up
    doc = base_nlp("Mme Diallo et M. Sow veulent le renforcement des capacités et de l'eau potable : eau et énergie.")
    assert sorted(index(doc)) == sorted(matcher(doc))
    labels = {doc.vocab.strings[key] for key, _, _ in index(doc)}
    assert {"capacity-lemma", "water-in", "civility-orth", "drinking-water", "capacity-building", "any-capitalised", "noun-water"} <= labels


def test_a_key_with_several_patterns_reports_each_extent_once(base_nlp):
    index = TokenPatternIndex(base_nlp.vocab)
    matcher = Matcher(base_nlp.vocab, validate=True)
    patterns = [[{"LOWER": "gouvernance"}], [{"LEMMA": "gouvernance"}], [{"LOWER": "gouvernance"}, {"LOWER": "locale"}]]
    index.add("governance", patterns)
    matcher.add("governance", patterns)
    doc = base_nlp("La gouvernance locale et les gouvernances urbaines.")
    assert index(doc) == matcher(doc)
    assert [(start, end) for _, start, end in index(doc)] == [(1, 2), (1, 3), (5, 6)]


@pytest.mark.parametrize("greedy", ["FIRST", "LONGEST"])
def test_greedy_keys_are_filtered_like_the_matcher(base_nlp, greedy):
    entries = [
        ("year", [{"SHAPE": "dddd"}]),
        ("month-year", [{"LOWER": {"IN": ["mars", "avril"]}}, {"SHAPE": "dddd"}]),
        ("month", [{"LOWER": {"IN": ["mars", "avril"]}}]),
        ("months", [{"LOWER": {"IN": ["mars", "avril"]}}, {"LOWER": {"IN": ["mars", "avril", "et"]}, "OP": "+"}]),
    ]
    matcher, index = both(base_nlp.vocab, entries, greedy)
    doc = base_nlp("Entre mars et avril 2024, puis en mars 2025 et en avril.")
    assert index(doc) == matcher(doc)
    assert [(s.label_, s.start, s.end) for s in index(doc, as_spans=True)] == [(s.label_, s.start, s.end) for s in matcher(doc, as_spans=True)]


def test_invalid_patterns_are_refused_as_the_matcher_refuses_them(base_nlp):
    index = TokenPatternIndex(base_nlp.vocab)
    with pytest.raises(MatchPatternError):
        index.add("bad-attr", [[{"LOWERR": "eau"}]])
    with pytest.raises(MatchPatternError):
        index.add("bad-in", [[{"LOWER": {"IN": "eau"}}]])
    with pytest.raises(ValueError):
        index.add("bad-greedy", [[{"LOWER": "eau"}]], greedy="SHORTEST")


def test_lemma_patterns_need_a_lemmatizer_and_empty_docs_match_nothing():
    blank = spacy.blank("fr")
    index = TokenPatternIndex(blank.vocab)
    index.add("water", [[{"LEMMA": "eau"}]])
    with pytest.raises(ValueError):
        index(blank("l'eau"))
    assert index(blank("")) == []
