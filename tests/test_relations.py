"""Who signed: the signatory sets real news gives in its sentences (pipeline.extract.assembly.relations).

Each case is a short article written for this test with real place names; the expected
records are the signatories (name, country) of each record, in any order.
"""

from __future__ import annotations

import pytest

from pipeline.extract import Extractor
from pipeline.normalize import names_match
from pipeline.records import Article
from tests.conftest import FIXTURES, read_jsonl

CASES = read_jsonl(FIXTURES / "relations" / "cases.jsonl")


@pytest.fixture(scope="module")
def extractor(nlp) -> Extractor:
    return Extractor(nlp)


def _same_signatories(record, expected: list[list[str]]) -> bool:
    found = [(p.name, p.country) for p in record.signatories]
    return len(found) == len(expected) and all(
        any(names_match(name, e_name) and country == e_country for e_name, e_country in expected) for name, country in found
    )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_signatories(extractor: Extractor, case: dict) -> None:
    article = Article(url=f"https://example.org/{case['id']}", title=case["title"], text=case["text"], published=case["published"])
    records = extractor.extract_one(article)
    assert len(records) == len(case["expected"]), [[(p.name, p.country) for p in r.signatories] for r in records]
    unmatched = list(records)
    for expected in case["expected"]:
        match = next((r for r in unmatched if _same_signatories(r, expected)), None)
        assert match is not None, f"no record signed by {expected}: {[[(p.name, p.country) for p in r.signatories] for r in records]}"
        unmatched.remove(match)
    if "signed_on" in case:
        assert sorted(r.signed_on or "" for r in records) == sorted(case["signed_on"])
    if "since" in case:
        assert sorted(r.since or 0 for r in records) == sorted(case["since"])
    if "signing_place" in case:
        assert sorted(r.signing_place.name if r.signing_place else "" for r in records) == sorted(case["signing_place"])
    if "agreement_type" in case:
        assert sorted(r.agreement_type for r in records) == sorted(case["agreement_type"])
    if "themes" in case:
        assert sorted(sorted(t.code for t in r.themes) for r in records) == sorted(case["themes"])
    if "names" in case:  # the names exactly as written, where matching words would hide a defect
        assert sorted(p.name for r in records for p in r.signatories) == sorted(case["names"])


def test_every_signatory_has_its_evidence(extractor: Extractor) -> None:
    case = next(c for c in CASES if c["id"] == "between_group")
    article = Article(url="https://example.org/evidence", title=case["title"], text=case["text"], published=case["published"])
    (record,) = extractor.extract_one(article)
    quoted = [e for e in record.evidence if e.field == "signatories"]
    assert len(quoted) == len(record.signatories)
    assert all(article.text[e.start : e.end] == e.text and e.rule for e in quoted)
