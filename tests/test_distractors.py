"""Whole short articles with the distractors the extraction must not fall for: a definition, a
planned signature, a visit, an event, counted agreements, other dates, a relationship's start,
time already elapsed. Articles written for these tests; dates resolved against `published`."""

from __future__ import annotations

import pytest

from pipeline.extract import Extractor
from pipeline.normalize import names_match
from pipeline.records import Article
from tests.conftest import FIXTURES, read_jsonl

CASES = read_jsonl(FIXTURES / "distractors" / "articles.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_distractor(nlp, case):
    title = case["text"].split("\n", 1)[0]
    article = Article(url=f"https://example.org/{case['id']}", title=title, published=case["published"], text=case["text"])
    records = Extractor(nlp).extract_one(article)
    assert len(records) == len(case["records"]), [r.model_dump(include={"signatories", "signed_on"}) for r in records]
    for record, expected in zip(records, case["records"]):
        names = [p.name for p in record.signatories]
        assert all(any(names_match(n, e) for n in names) for e in expected["signatories"]), names
        assert record.signed_on == expected["signed_on"]
        assert record.since == expected["since"]
        if "duration" in expected:
            assert record.duration == expected["duration"]
