"""Real-page gold files: the committed lines are well formed, and a text is used only when its
fingerprint is the annotated one (fixtures/real/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.evaluation.gold import RealGoldLine, first_words, read_gold, text_key, text_sha256

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
PARTS = ("tune.jsonl", "test.jsonl")


def _lines(part: str) -> list[str]:
    return [line for line in (REAL / part).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("part", PARTS)
def test_every_committed_line_is_a_real_gold_line(part):
    for line in _lines(part):
        gold = RealGoldLine.model_validate_json(line)
        assert gold.first_words, gold.article.url


def test_a_page_is_in_one_part_once():
    urls = [json.loads(line)["article"]["url"] for part in PARTS for line in _lines(part)]
    assert len(urls) == len(set(urls))


def test_no_third_party_text_is_committed():
    assert all("text" not in json.loads(line)["article"] for part in PARTS for line in _lines(part))


def _gold_file(tmp_path: Path, text: str) -> Path:
    line = {
        "article": {"url": "https://example.org/jumelage", "source": None, "title": "Jumelage", "published": "2024-05-02"},
        "query": "jumelage signature",
        "text_sha256": text_sha256(text),
        "first_words": first_words(text),
        "records": [],
        "notes": "[negative:visit]",
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def test_text_is_read_back_when_its_fingerprint_matches(tmp_path):
    text = "Jumelage\n\nUne délégation  de Wetzlar\u00a0est venue."
    gold = _gold_file(tmp_path, "Jumelage Une délégation de Wetzlar est venue.")
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / f"{text_key('https://example.org/jumelage')}.txt").write_text(text, encoding="utf-8")
    result = read_gold(gold)
    assert result.problems == []
    assert [a.article.text for a in result.articles] == [text]


def test_changed_and_missing_texts_are_refused_by_name(tmp_path, capsys):
    gold = _gold_file(tmp_path, "Une délégation de Wetzlar est venue.")
    missing = read_gold(gold)
    assert missing.articles == [] and missing.missing_texts == 1
    assert "https://example.org/jumelage" in missing.problems[0]
    assert main(["corpus", str(gold)]) == 1
    assert capsys.readouterr().out.startswith("missing  https://example.org/jumelage")

    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / f"{text_key('https://example.org/jumelage')}.txt").write_text("Une autre page.", encoding="utf-8")
    changed = read_gold(gold)
    assert changed.articles == [] and changed.missing_texts == 0
    assert "fingerprint differs" in changed.problems[0] and f"{gold}:1" in changed.problems[0]
    assert main(["corpus", str(gold)]) == 1
    assert capsys.readouterr().out.startswith("changed  https://example.org/jumelage")
