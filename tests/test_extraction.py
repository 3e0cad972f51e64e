"""End to end on the founding article, evidence that points at the text, and the long-text guard."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

from pipeline.extract.blocks import split_blocks
from pipeline.extract.extractor import MAX_BLOCKS_PER_WINDOW, Extractor, _windows
from pipeline.records import Article, GoldArticle, PartnershipRecord
from pipeline.evaluation.scoring import score
from tests.conftest import FIXTURES

SEED = FIXTURES / "seed.jsonl"


def _seed() -> GoldArticle:
    return GoldArticle.model_validate_json(SEED.read_text(encoding="utf-8").splitlines()[0])


def test_seed_article_golden(nlp):
    gold = _seed()
    records = Extractor(nlp).extract_one(gold.article)
    report = score([gold], {gold.article.url: [r.model_dump(mode="json") for r in records]})
    assert report.records.f1 == 1.0
    assert report.slots.f1 >= 0.95
    by_foreign = {r.signatories[1].name: r for r in records}
    assert by_foreign["Dnipropetrovsk"].signed_on == "2024-11-21"  # "Ce jeudi 21 novembre", published 2024-12-13
    assert by_foreign["Sidi Ifni"].signed_on == "2024-02"  # "en février dernier"
    assert by_foreign["Tanguiéta"].since == 2018


def test_evidence_points_at_the_article_text(nlp):
    gold = _seed()
    for record in Extractor(nlp).extract_one(gold.article):
        PartnershipRecord.model_validate(record.model_dump(mode="json"), context={"text": gold.article.text})
        fields = {e.field for e in record.evidence}
        assert {"agreement", "signatories", "signed_on", "themes"} <= fields
        assert all(e.rule for e in record.evidence)


def test_record_ids_are_stable_across_articles(nlp):
    gold = _seed()
    copy = gold.article.model_copy(update={"url": "https://example.org/republished"})
    first = {r.record_id for r in Extractor(nlp).extract_one(gold.article)}
    second = {r.record_id for r in Extractor(nlp).extract_one(copy)}
    assert first == second and len(first) == 3


def test_long_articles_are_read_in_windows_of_sections():
    text = "Titre\n\n" + "\n\n".join(f"Intertitre {i}\n\nUn paragraphe {i}." for i in range(1000))
    blocks = split_blocks(text)
    windows = _windows(blocks)
    assert len(windows) > 1
    assert all(len(w) <= MAX_BLOCKS_PER_WINDOW + 1 for w in windows)
    assert all(w[0].kind.value == "title" for w in windows)
    assert sum(len(w) for w in windows) == len(blocks) + len(windows) - 1


def test_five_megabyte_text_completes_with_bounded_memory(tmp_path):
    """The CLI in its own process, so that its peak resident memory can be read after it exits."""
    paragraph = (
        "Le conseil municipal a débattu du budget annexe de l'eau, des travaux de voirie et de la "
        "rénovation de l'école élémentaire, sans qu'aucune décision ne soit prise ce soir-là."
    )
    text = "Compte rendu\n\n" + "\n\n".join(paragraph for _ in range(5_000_000 // (len(paragraph) + 2)))
    assert len(text.encode("utf-8")) >= 5_000_000
    source = tmp_path / "huge.jsonl"
    source.write_text(json.dumps({"url": "https://example.org/huge", "published": "2025-01-01", "text": text}) + "\n", encoding="utf-8")
    output = tmp_path / "records.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(source), "-o", str(output), "--quiet", "--max-article-size", "10000000"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert output.read_text(encoding="utf-8") == ""
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mib < 3 * 1024, f"peak resident memory {peak_mib:.0f} MiB"


def test_one_failing_article_does_not_stop_the_others(nlp):
    good = _seed().article
    # A published date far outside dateparser's range is valid for the contract but strains every rule.
    odd = Article(url="https://example.org/odd", title="x", published="0001-01-01", text="Ce lundi, une convention a été signée.")
    results = list(Extractor(nlp).extract([odd, good]))
    assert [r.article.url for r in results] == ["https://example.org/odd", good.url]
    assert len(results[1].records) == 3
    assert json.loads(results[1].records[0].model_dump_json())["model_version"]
