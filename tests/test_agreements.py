"""The agreements component: type of each mention and whether the sentence reports a signature."""

from __future__ import annotations

import pytest
import srsly
from spacy.matcher import Matcher

from pipeline.resources import models_dir
from tests.conftest import FIXTURES, read_jsonl

CASES = read_jsonl(FIXTURES / "agreements" / "status.jsonl")


def test_every_agreement_pattern_is_valid(base_nlp):
    matcher = Matcher(base_nlp.vocab, validate=True)
    for entry in srsly.read_jsonl(models_dir() / "patterns" / "agreements.jsonl"):
        assert {"id", "label", "pattern"} <= entry.keys()
        matcher.add(entry["id"], [entry["pattern"]])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_agreement_status(nlp, case):
    doc = nlp(case["text"])
    found = [
        {"text": s.text, "label": s.label_, "status": s._.agreement_status, **({"marker": s._.agreement_marker} if "marker" in e else {})}
        for s, e in zip(doc.spans["agreements"], case["expected"])
    ]
    assert len(doc.spans["agreements"]) == len(case["expected"])
    assert found == case["expected"]


def test_rule_id_travels_to_span(nlp):
    doc = nlp("Les deux maires ont signé un protocole d'accord.")
    (span,) = doc.spans["agreements"]
    assert span.id_ == "memorandum_protocol"


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("Les deux maires prêtent le serment du jumelage devant les habitants.", ["prêtent"]),
        ("Les familles d'accueil qui prêtent leur concours au jumelage sont remerciées.", []),
    ],
)
def test_an_oath_verb_signs_only_an_oath(nlp, text, cues):
    doc = nlp(text)
    assert [s.text for s in doc.spans["signing_cues"]] == cues
