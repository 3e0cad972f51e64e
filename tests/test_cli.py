"""The command line as a scheduler and an analyst meet it: exit codes, stdout JSONL, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.cli import main, parse_args
from pipeline.records import PartnershipRecord
from tests.conftest import FIXTURES

INPUTS = FIXTURES / "inputs"


def _records(out: str) -> list[PartnershipRecord]:
    return [PartnershipRecord.model_validate_json(line) for line in out.splitlines() if line.strip()]


def test_parse_args_is_pure_and_reads_dates():
    args = parse_args(["extract", "a.txt", "--published", "2025-03-14"])
    assert args.command == "extract" and str(args.published) == "2025-03-14"


def test_usage_error_exits_2(capsys):
    assert main(["extract", "a.txt", "--published", "14/03/2025"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_module_runs_as_the_entry_point():
    """`python -m pipeline.cli` is the same command as `partnerships` (for machines without the script)."""
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", "a.txt", "--published", "14/03/2025"], capture_output=True, text=True)
    assert done.returncode == 2 and "not a date" in done.stderr


def test_schema_prints_the_record_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"signatories", "signed_on", "evidence", "model_version"} <= set(schema["properties"])


def test_malformed_line_is_reported_and_the_others_processed(nlp, capsys):
    status = main(["extract", str(INPUTS / "mixed.jsonl")])
    captured = capsys.readouterr()
    assert status == 1
    assert "mixed.jsonl:2" in captured.err
    assert "mixed.jsonl:4" in captured.err and "url" in captured.err
    records = _records(captured.out)
    assert [r.article_url for r in records] == ["https://example.org/a"]
    assert {p.name for p in records[0].signatories} == {"Abbeville", "Kolda"}
    assert records[0].signed_on == "2025-03-11"  # "mardi", the latest Tuesday on or before 2025-03-14


@pytest.mark.parametrize("name", ["no_agreement.txt", "english.txt"])
def test_texts_without_agreement_give_no_record_and_no_error(nlp, capsys, name):
    assert main(["extract", str(INPUTS / name), "--published", "2025-03-14"]) == 0
    assert capsys.readouterr().out == ""


def test_txt_input_takes_url_and_published(nlp, capsys):
    status = main(["extract", str(INPUTS / "signed.txt"), "--published", "2025-03-14", "--url", "https://example.org/kolda"])
    (record,) = _records(capsys.readouterr().out)
    assert status == 0
    assert record.article_url == "https://example.org/kolda"
    assert record.duration == "P3Y"


def test_unreadable_and_unknown_inputs_fail_alone(nlp, capsys, tmp_path):
    status = main(["extract", str(tmp_path / "missing.jsonl"), str(tmp_path / "notes.docx"), str(INPUTS / "signed.txt")])
    captured = capsys.readouterr()
    assert status == 1
    assert "missing.jsonl: cannot read" in captured.err
    assert "notes.docx: unsupported input type" in captured.err
    assert len(_records(captured.out)) == 1


def test_output_file_is_written_whole(nlp, capsys, tmp_path):
    target = tmp_path / "records.jsonl"
    assert main(["extract", str(INPUTS / "signed.txt"), "--published", "2025-03-14", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert len(_records(target.read_text(encoding="utf-8"))) == 1
    assert not (tmp_path / "records.jsonl.partial").exists()


def test_html_page_is_parsed_then_extracted(nlp, capsys):
    page = FIXTURES / "parser_golden" / "network-date-line-and-bullets.html"
    assert main(["extract", str(page), "--url", "https://example.org/page"]) == 0
    records = _records(capsys.readouterr().out)
    assert records and all(r.article_url == "https://example.org/page" for r in records)


def test_html_page_that_is_not_an_article_fails_alone(nlp, capsys):
    page = FIXTURES / "parser_golden" / "generic-legal-notice.html"
    assert main(["extract", str(page)]) == 1
    assert "not an article page" in capsys.readouterr().err
