"""Bad input to ``partnerships extract`` costs only itself: a line that is not UTF-8, a byte-order
mark, a line or file over the size limit, a directory, a date written as a number, a closed
standard input. Each is one clear message with its file (and line); every other line is read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.inputs import read_inputs
from pipeline.records import Article, PartnershipRecord
from tests.conftest import REPO

AGREEMENT = "La ville de Lyon a signé un accord de coopération décentralisée avec la ville de Dakar (Sénégal)."
SEPARATOR_BYTES = 2_000


def _line(number: int, **changes: object) -> bytes:
    article = {"url": f"https://example.org/{number}", "source": None, "title": f"Article {number}", "published": "2025-03-14", "text": AGREEMENT}
    return json.dumps({**article, **changes}, ensure_ascii=False).encode("utf-8") + b"\n"


def _extract(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, set[str], list[str]]:
    status = main(["extract", "--quiet", *argv])
    captured = capsys.readouterr()
    urls = {PartnershipRecord.model_validate_json(line).article_url for line in captured.out.splitlines() if line.strip()}
    return status, urls, [line for line in captured.err.splitlines() if line.strip()]


@pytest.mark.parametrize(("lines", "latin1_line"), [(30, 15), (3, 2)])
def test_a_line_that_is_not_utf8_is_one_bad_line_and_every_other_line_is_extracted(
    nlp, capsys, tmp_path: Path, lines: int, latin1_line: int
) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_bytes(b"".join(
        _line(n).decode("utf-8").encode("latin-1") if n == latin1_line else _line(n) for n in range(1, lines + 1)
    ))
    status, urls, errors = _extract(capsys, str(path))
    assert status == 1
    assert urls == {f"https://example.org/{n}" for n in range(1, lines + 1) if n != latin1_line}
    (error,) = errors
    assert f"articles.jsonl:{latin1_line}: not UTF-8 text" in error


def test_a_byte_order_mark_does_not_cost_the_first_line(nlp, capsys, tmp_path: Path) -> None:
    path = tmp_path / "excel.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _line(1) + _line(2))
    assert _extract(capsys, str(path)) == (0, {"https://example.org/1", "https://example.org/2"}, [])


def test_inputs_over_the_size_limit_are_skipped_alone(nlp, capsys, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(_line(1) + _line(2, text=AGREEMENT + " " + "x" * 5_000) + _line(3))
    note = tmp_path / "note.txt"
    note.write_text("Un titre\n" + AGREEMENT + " " + "y" * 5_000, encoding="utf-8")
    status, urls, errors = _extract(capsys, "--max-article-size", "4000", str(path), str(note))
    assert status == 1
    assert urls == {"https://example.org/1", "https://example.org/3"}
    assert len(errors) == 2
    assert "mixed.jsonl:2: larger than the 4,000-byte article limit (--max-article-size), skipped" in errors[0]
    assert "note.txt: larger than the 4,000-byte article limit" in errors[1]


def test_memory_stays_bounded_by_the_limit_whatever_the_line(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    with path.open("wb") as handle:
        handle.write(_line(1))
        handle.write(b'{"url": "https://example.org/huge", "text": "')
        for _ in range(60):
            handle.write(b"z" * 500_000)  # a 30 MB line
        handle.write(b'"}\n')
        handle.write(_line(3))
    tracemalloc.start()
    items = list(read_inputs([str(path)], max_bytes=1_000_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [item.url for item in items if isinstance(item, Article)] == ["https://example.org/1", "https://example.org/3"]
    assert [item for item in items if isinstance(item, str)] == [
        f"{path}:2: larger than the 1,000,000-byte article limit (--max-article-size), skipped"
    ]
    assert peak < 4_000_000, f"peak {peak:,} bytes while skipping a 30 MB line"


def test_a_directory_and_a_date_written_as_a_number_get_messages_a_person_understands(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_bytes(_line(1, published=20240101) + _line(2, published="14/03/2025") + _line(3, text=None))
    messages = [item for item in read_inputs([str(tmp_path), str(path)]) if isinstance(item, str)]
    assert messages == [
        f"{tmp_path}: is a directory; give the files in it (for example {tmp_path / '*.jsonl'})",
        f"{path}:1: published: expected a date written YYYY-MM-DD (or null), not 20240101",
        f"{path}:2: published: expected a date written YYYY-MM-DD (or null), not '14/03/2025'",
        f"{path}:3: text: Input should be a valid string",
    ]


def test_a_closed_standard_input_is_one_line_and_exit_1() -> None:
    closed = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", "-"],
        cwd=REPO, capture_output=True, text=True, stdin=None, preexec_fn=lambda: os.close(0), timeout=120,
    )
    assert closed.returncode == 1
    assert closed.stderr.strip().endswith("<stdin>: standard input is closed; pipe Article JSONL into it or name files")
    assert len(closed.stderr.strip().splitlines()) == 1 and closed.stdout == ""
