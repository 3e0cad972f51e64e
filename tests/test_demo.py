"""`partnerships demo`, the README's first command: fixture site → crawl → extract → SQLite store."""

from __future__ import annotations

from pipeline.cli import main
from pipeline.store.repository import Store
from tests.conftest import FIXTURES, read_jsonl


def test_demo_fills_the_store_and_a_second_demo_adds_nothing(nlp, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", url, "--site", str(FIXTURES / "site"), "--quiet"]) == 0
    table = capsys.readouterr().out
    gold_records = sum(len(line["records"]) for line in read_jsonl(FIXTURES / "site" / "gold.jsonl"))
    with Store(url) as store:
        first = store.partnerships()
        counts = store.counts()
    assert len(first) >= gold_records - 2
    assert "Béthune (FR) / Kédougou (SN)" in table
    assert main(["demo", "--db", url, "--site", str(FIXTURES / "site"), "--quiet"]) == 0
    with Store(url) as store:
        assert [p.id for p in store.partnerships()] == [p.id for p in first]
        again = store.counts()
    assert again.pop("runs") == counts.pop("runs") + 1  # each run is recorded, and nothing else is added
    assert again == counts
