"""Real pages are messier than the corpus: menus and other headlines before the title, hard line
breaks inside names, texts cut mid-sentence. Articles written for these tests."""

from __future__ import annotations

import pytest

from pipeline.extract import Extractor
from pipeline.normalize import names_match
from pipeline.records import Article
from tests.conftest import FIXTURES, read_jsonl

CASES = read_jsonl(FIXTURES / "messy" / "articles.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_messy_article(nlp, case):
    records = Extractor(nlp).extract_one(Article.model_validate(case["article"]))
    assert len(records) == len(case["expected"])
    for record, expected in zip(records, case["expected"]):
        names = [p.name for p in record.signatories]
        assert all(any(names_match(n, e) for n in names) for e in expected["signatories"]), names
        assert [p.country for p in record.signatories] == expected["countries"]
        assert record.signed_on == expected["signed_on"]
        assert record.duration == expected["duration"]
