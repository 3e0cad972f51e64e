"""The parties component: generic word + proper name, the name read across particles and hyphens."""

from __future__ import annotations

import pytest
import srsly
from spacy.matcher import Matcher

from pipeline.resources import models_dir
from tests.conftest import FIXTURES, read_jsonl

CASES = read_jsonl(FIXTURES / "parties" / "mentions.jsonl")


def test_every_party_pattern_is_valid(base_nlp):
    matcher = Matcher(base_nlp.vocab, validate=True)
    for entry in srsly.read_jsonl(models_dir() / "patterns" / "parties.jsonl"):
        assert {"id", "label", "pattern", "name_side", "keep_generic"} <= entry.keys()
        matcher.add(entry["id"], [entry["pattern"]])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_party_mentions(nlp, case):
    doc = nlp(case["text"])
    found = [{"name": s._.party_name, "label": s.label_} for s in doc.spans["parties"]]
    for expected in case["expected"]:
        assert expected in found
    if not case["expected"]:
        assert found == []
