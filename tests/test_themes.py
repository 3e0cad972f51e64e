"""The themes component: the taxonomy, its lexicon, the candidates it finds and the false friends it avoids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.matcher import Matcher

from pipeline.extract.components.themes import SPANS_KEY, read_lexicon, read_taxonomy_codes
from pipeline.records import GoldArticle, ThemeCode
from pipeline.resources import models_dir
from tests.conftest import FIXTURES, SHARED_CORPUS, read_jsonl

CASES = read_jsonl(FIXTURES / "themes" / "sentences.jsonl")
LEXICON = models_dir() / "lexicons" / "themes.jsonl"
TAXONOMY = models_dir() / "taxonomy.json"


@pytest.fixture(scope="module")
def themes_nlp() -> Language:
    """The French model with only the themes component on top."""
    nlp = spacy.load("fr_core_news_md")
    nlp.add_pipe("partnerships_themes", config={"patterns_path": str(LEXICON), "taxonomy_path": str(TAXONOMY)})
    return nlp


def codes_in(nlp: Language, text: str) -> set[str]:
    doc = nlp(text)
    return {span.label_ for span in doc.spans[SPANS_KEY]}


def test_taxonomy_has_the_contract_codes_with_labels():
    themes = json.loads(TAXONOMY.read_text(encoding="utf-8"))["themes"]
    assert [t["code"] for t in themes] == [c.value for c in ThemeCode]
    assert all(t["label"].strip() and t["covers"].strip() for t in themes)


def test_every_theme_pattern_is_valid(base_nlp):
    matcher = Matcher(base_nlp.vocab, validate=True)
    codes = read_taxonomy_codes(TAXONOMY)
    ids = set()
    for entry in srsly.read_jsonl(LEXICON):
        assert entry["id"] not in ids
        ids.add(entry["id"])
        entry_codes = entry.get("codes", [entry["code"]] if "code" in entry else [])
        assert bool(entry_codes) != entry.get("block", False), entry["id"]
        assert set(entry_codes) <= codes, entry["id"]
        matcher.add(entry["id"], [entry["pattern"]])


def test_every_code_has_lexicon_entries():
    covered = {code for entry, _ in read_lexicon(LEXICON, read_taxonomy_codes(TAXONOMY)) for code in entry.codes}
    assert covered == {c.value for c in ThemeCode}


def test_unknown_code_is_refused(tmp_path: Path):
    lexicon = tmp_path / "themes.jsonl"
    lexicon.write_text('{"id": "x", "code": "space_travel", "pattern": [{"LOWER": "fusée"}]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="space_travel"):
        read_lexicon(lexicon, read_taxonomy_codes(TAXONOMY))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_theme_codes_of_sentence(themes_nlp, case):
    found = codes_in(themes_nlp, case["text"])
    assert set(case["codes"]) <= found
    assert not set(case["absent"]) & found


def test_one_span_per_code_with_rule_id_and_axis_phrase(themes_nlp):
    doc = themes_nlp("• formation des agents municipaux ;")
    spans = sorted((s for s in doc.spans[SPANS_KEY] if s.id_ == "institutional.staff-training"), key=lambda s: s.label_)
    assert [s.label_ for s in spans] == ["education_training", "institutional_support"]
    assert {s.text for s in spans} == {"formation des agents"}
    assert {s._.theme_phrase for s in spans} == {"formation des agents municipaux"}


def test_sentence_opening_capital_is_no_name(themes_nlp):
    assert codes_in(themes_nlp, "Tourisme de montagne : les stations s'adaptent.") >= {"tourism"}
    assert codes_in(themes_nlp, "• Santé et Jeunesse") == {"health_social", "youth"}


def test_full_pipeline_writes_theme_spans(nlp):
    assert "partnerships_themes" in nlp.pipe_names
    assert codes_in(nlp, "La convention porte sur l'eau, la santé et la jeunesse.") == {
        "water_sanitation",
        "health_social",
        "youth",
    }


def test_dev_corpus_article_level_codes(themes_nlp):
    """Union of codes over an article's blocks against the union of its gold records' codes."""
    true_positives = false_positives = false_negatives = 0
    for row in read_jsonl(SHARED_CORPUS / "dev.jsonl"):
        gold_article = GoldArticle.model_validate(row)
        if not gold_article.records:
            continue
        blocks = [b for b in gold_article.article.text.replace("\u2019", "'").split("\n") if b.strip()]
        docs = list(themes_nlp.pipe(blocks))
        found = {span.label_ for doc in docs for span in doc.spans[SPANS_KEY]}
        gold = {code for record in gold_article.records for code in record.themes}
        true_positives += len(found & gold)
        false_positives += len(found - gold)
        false_negatives += len(gold - found)
    assert true_positives / (true_positives + false_negatives) >= 0.95
    assert true_positives / (true_positives + false_positives) >= 0.85
