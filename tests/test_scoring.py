"""The contract's scoring: hand-counted cases (fixtures/scoring/cases.jsonl) and gold scored as prediction."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.records import GoldArticle
from pipeline.evaluation.scoring import (
    FIELDS,
    SLOT_FIELDS,
    ScoreReport,
    article_diffs,
    format_article_diff,
    format_report,
    score,
)

REPO = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
CASES_PATH = REPO / "fixtures" / "scoring" / "cases.jsonl"
CASES = [json.loads(line) for line in CASES_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def _case(name: str) -> dict[str, Any]:
    return next(case for case in CASES if case["case"] == name)


def _gold(case: dict[str, Any]) -> list[GoldArticle]:
    return [GoldArticle.model_validate(line) for line in case["gold"]]


def _read_gold(name: str) -> list[GoldArticle]:
    lines = (SHARED_CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [GoldArticle.model_validate_json(line) for line in lines if line.strip()]


def _as_items(pairs: list[list[Any]]) -> Counter[str]:
    """(field, value) pairs as a multiset, lists and tuples alike."""
    return Counter(json.dumps([field, list(value) if isinstance(value, tuple) else value]) for field, value in pairs)


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_hand_counted_case(case: dict[str, Any]) -> None:
    report = score(_gold(case), case["predicted"])
    expected = case["expected"]
    counts = {name: [c.tp, c.predicted, c.gold] for name, c in report.fields.items()}
    assert counts == expected["fields"]
    assert [report.records.tp, report.records.predicted, report.records.gold] == expected["records"]
    assert [report.slots.tp, report.slots.predicted, report.slots.gold] == expected["slots"]
    assert [report.records.precision, report.records.recall, report.records.f1] == pytest.approx(
        expected["record_prf"], abs=1e-4
    )


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_article_diffs_list_the_hand_counted_errors(case: dict[str, Any]) -> None:
    diffs = list(article_diffs(_gold(case), case["predicted"]))
    expected = case["expected"]
    assert {diff.url: [list(pair) for pair in diff.pairs] for diff in diffs} == expected["pairs"]
    assert _as_items([[e.field, e.value] for d in diffs for e in d.missed]) == _as_items(expected["missed"])
    assert _as_items([[e.field, e.value] for d in diffs for e in d.wrong]) == _as_items(expected["wrong"])


def test_tie_break_keeps_the_earlier_prediction_and_flags_the_later_unpaired() -> None:
    case = _case("greedy_tie_goes_to_earlier_prediction")
    [diff] = article_diffs(_gold(case), case["predicted"])
    assert {(e.record, e.paired_with) for e in diff.wrong} == {(0, 0), (1, None)}
    assert [e.field for e in diff.wrong if e.record == 0] == ["signed_on"]


def _themes_as_objects(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "themes": [{"label": code, "code": code} for code in record["themes"]]}


@pytest.mark.parametrize("corpus", ["seed.jsonl", "dev.jsonl"])
@pytest.mark.parametrize("themes_as_objects", [False, True], ids=["bare_codes", "label_code_objects"])
def test_gold_as_prediction_scores_one_everywhere(corpus: str, themes_as_objects: bool) -> None:
    gold = _read_gold(corpus)
    predicted = {
        article.article.url: [
            _themes_as_objects(record.model_dump(mode="json")) if themes_as_objects else record.model_dump(mode="json")
            for record in article.records
        ]
        for article in gold
    }
    report = score(gold, predicted)
    assert report.articles == len(gold)
    for name, counts in [("records", report.records), ("slots", report.slots), *report.fields.items()]:
        assert counts.gold > 0, name
        assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0), name
    assert all(not diff.missed and not diff.wrong for diff in article_diffs(gold, predicted))


def test_dev_without_predictions_scores_zero_recall() -> None:
    gold = _read_gold("dev.jsonl")
    report = score(gold, {})
    assert report.records.gold == sum(len(article.records) for article in gold)
    assert (report.records.tp, report.records.predicted, report.records.recall) == (0, 0, 0.0)
    assert report.slots.recall == 0.0


def _report(name: str) -> ScoreReport:
    case = _case(name)
    return score(_gold(case), case["predicted"])


def test_to_dict_is_json_with_every_field() -> None:
    data = json.loads(json.dumps(_report("greedy_signatories_before_slot_values").to_dict()))
    assert list(data["fields"]) == list(FIELDS)
    expected_records = {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "tp": 1, "predicted": 1, "gold": 2}
    assert data["records"] == expected_records
    assert (data["slots"]["tp"], data["slots"]["predicted"], data["slots"]["gold"]) == (7, 10, 15)
    assert data["articles"] == 1


def test_format_report_is_an_aligned_table() -> None:
    text = format_report(_report("greedy_signatories_before_slot_values"))
    labels = {"records", "slots", *FIELDS}
    table = [line for line in text.splitlines() if line.split() and line.split()[0].rstrip("*") in labels]
    assert [line.split()[0].rstrip("*") for line in table] == ["records", "slots", *FIELDS]
    assert len({len(line) for line in table}) == 1
    assert table[0].split()[1:] == ["1.000", "0.500", "0.667", "1", "1", "2"]
    assert table[1].split()[1:] == ["0.700", "0.467", "0.560", "7", "10", "15"]
    starred = [line.split()[0] for line in table if line.split()[0].endswith("*")]
    assert starred == [f"{name}*" for name in FIELDS if name not in SLOT_FIELDS]


def test_format_article_diff_names_missed_and_wrong_items() -> None:
    case = _case("missed_record_lowers_recall")
    [diff] = article_diffs(_gold(case), case["predicted"])
    text = format_article_diff(diff)
    assert "pairs (predicted, gold): 0-1" in text
    assert "missed signatories    'Vitré' (gold 0, unpaired)" in text
    assert "wrong" not in text


def test_format_article_diff_is_empty_for_a_perfect_article() -> None:
    case = _case("item_matching_is_maximum")
    [diff] = article_diffs(_gold(case), case["predicted"])
    assert diff.pairs == ((0, 0),)
    assert format_article_diff(diff) == ""
