"""The store commands as an operator meets them when something is wrong, each in a real
process: a bad ``--db`` (one line, password masked, exit 2), a server that never answers
(connect timeout), a read-only file system (``runs`` and ``export`` still serve), a lock
held by a run of another host (exit 75 before the model is loaded; ``unlock``), two runs
started at the same moment on a new store."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipeline.records import Article, PartnershipRecord
from pipeline.store import schema
from pipeline.store.exports import export
from pipeline.store.repository import ArticleToStore, Store
from tests.conftest import FIXTURES, missing_on_this_machine
from tests.store_fixtures import ENGINES, REPO, new_database_url, postgres_server, store, store_url  # noqa: F401 - fixtures

EXIT_USAGE, EXIT_LOCKED = 2, 75
# Runs the command line like `python -m pipeline`, then says whether spaCy was imported and
# the process's peak memory: a refused run must not have loaded the model.
PROBE = """\
import resource, runpy, sys
try:
    runpy.run_module("pipeline", run_name="__main__")
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"probe: spacy imported={'spacy' in sys.modules} peak={peak} MiB", file=sys.stderr)
"""


def partnerships(*args: str, cwd: Path = REPO, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _one_line(completed: subprocess.CompletedProcess[str]) -> str:
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fill(store: Store) -> None:
    for line in (FIXTURES / "review" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        article = Article.model_validate(item["article"])
        records = [PartnershipRecord.model_validate(r) for r in item["records"]]
        store.save_article(ArticleToStore(article, records, "fixture"), f"hash-{article.url}")
    run_id = store.start_run("fixture")
    store.update_run(run_id, {"extracted": 3}, [], status="done")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "--db is empty"),
        ("partnerships.db", "not a database URL"),
        ("mysql://analyst:s3cret@db.example.org/partnerships", "unsupported database 'mysql'"),
        ("postgresql://analyst:s3cret@db.example.org:port/partnerships", "not a database URL"),
        ("sqlite:///{tmp}/no/such/directory/store.db", "directory {tmp}/no/such/directory does not exist"),
        ("sqlite:///{tmp}", "{tmp} is a directory"),
        ("postgresql://analyst:s3cret@127.0.0.1:{closed_port}/partnerships", "Connection refused"),
    ],
)
def test_a_bad_store_url_is_one_line_naming_it_and_exit_2(tmp_path: Path, url: str, reason: str) -> None:
    url = url.format(tmp=tmp_path, closed_port=_free_port())
    for command in (["runs"], ["export", "--format", "csv"], ["run", "--no-crawl"]):
        completed = partnerships(*command, "--db", url, cwd=tmp_path)
        assert completed.returncode == EXIT_USAGE, completed.stderr
        line = _one_line(completed)
        assert reason.format(tmp=tmp_path) in line and "s3cret" not in line
        assert line.startswith(f"partnerships {command[0]}: cannot open the store")
    assert url.replace("s3cret", "***") in line
    assert list(tmp_path.iterdir()) == [], "nothing is created for a refused URL"


def test_a_missing_postgresql_database_is_one_line(postgres_server: str) -> None:
    completed = partnerships("runs", "--db", f"{postgres_server}/no_such_database")
    assert completed.returncode == EXIT_USAGE
    assert 'database "no_such_database" does not exist' in _one_line(completed)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A localhost port whose listener accepts connections (the kernel's backlog) but never
    reads or answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


def test_a_server_that_never_answers_costs_the_connect_timeout_then_one_line(silent_server: int) -> None:
    url = f"postgresql://analyst:s3cret@127.0.0.1:{silent_server}/partnerships"
    completed = partnerships("run", "--no-crawl", "--db", url, "--connect-timeout", "2", timeout=60)
    assert completed.returncode == EXIT_USAGE
    assert _one_line(completed) == f"partnerships run: cannot open the store {url.replace('s3cret', '***')}: no answer within 2 s (--connect-timeout)"


@pytest.fixture
def read_only_view() -> list[str]:
    """A command prefix that runs a command with the directory given as its first argument
    mounted read-only (a mount namespace of its own: nothing changes for anyone else)."""
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        missing_on_this_machine("needs unshare -rm (util-linux, with user namespaces enabled) to mount a read-only view")
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return ["unshare", "-rm", "sh", "-c", script]


def test_a_store_on_a_read_only_file_system_serves_runs_and_export_and_run_says_why_it_cannot(
    tmp_path: Path, read_only_view: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store(url) as writable:
        _fill(writable)
        expected_csv = export(writable.partnerships(), "csv")

    def read_only(*args: str) -> subprocess.CompletedProcess[str]:
        command = [*read_only_view, str(tmp_path), sys.executable, "-m", "pipeline", *args, "--db", url]
        completed = subprocess.run(command, cwd=REPO, capture_output=True, timeout=120)  # bytes: CSV lines end in CRLF
        return subprocess.CompletedProcess(command, completed.returncode, completed.stdout.decode(), completed.stderr.decode())

    runs = read_only("runs", "--json")
    assert runs.returncode == 0, runs.stderr
    assert [r["status"] for r in json.loads(runs.stdout)] == ["done"]
    exported = read_only("export", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == expected_csv and expected_csv.count("\r\n") == 3
    refused = read_only("run", "--no-crawl")
    assert refused.returncode == EXIT_USAGE
    assert _one_line(refused).endswith(f"{tmp_path / 'store.db'} is on a read-only file system (this command writes to the store)")


def _far_away_lock(store: Store, **values: Any) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            sa.insert(schema.locks).values(
                name="run", holder="nightly-0412", host="far-away-host", pid=4242,
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10), **values,
            )
        )


def test_a_run_refused_by_the_lock_exits_75_before_loading_the_model_and_unlock_releases_it(store: Store, store_url: str) -> None:
    _far_away_lock(store)
    refused = subprocess.run(
        [sys.executable, "-c", PROBE, "run", "--no-crawl", "--db", store_url], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == EXIT_LOCKED
    message, probe = refused.stderr.strip().splitlines()
    assert message.startswith("partnerships run: lock 'run' held by run nightly-0412 (host far-away-host, pid 4242) until ")
    assert message.endswith("`partnerships unlock` releases it")
    assert probe.startswith("probe: spacy imported=False"), probe

    released = partnerships("unlock", "--db", store_url)
    assert released.returncode == 0
    assert _one_line(released).startswith("partnerships unlock: released the lock 'run' held by run nightly-0412 (host far-away-host, pid 4242)")
    assert store.lock() is None
    assert _one_line(partnerships("unlock", "--db", store_url)) == "partnerships unlock: no run holds the store's lock"


def test_unlock_leaves_the_lock_of_a_run_alive_on_this_host(store: Store, store_url: str) -> None:
    store.acquire_lock("alive-here", dt.timedelta(minutes=10))  # held by this test's own process
    kept = partnerships("unlock", "--db", store_url)
    assert kept.returncode == EXIT_LOCKED
    assert "that process is running: stop it instead" in _one_line(kept)
    lock = store.lock()
    assert lock is not None and lock.holder == "alive-here"


@pytest.mark.parametrize("engine", ENGINES)
def test_two_runs_started_together_on_a_new_store_one_runs_the_other_is_refused(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = new_database_url(engine, request, tmp_path)
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline", "run", "--no-crawl", "--quiet", "--db", url],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]
    outcomes = sorted((child.wait(timeout=300), child.stderr.read() if child.stderr else "") for child in children)
    (ran, ran_err), (refused, refused_err) = outcomes
    assert (ran, refused) == (0, EXIT_LOCKED), outcomes
    assert "Traceback" not in ran_err + refused_err
    assert "held by run" in _one_line(subprocess.CompletedProcess([], refused, "", refused_err))
    with Store(url) as opened:
        assert [r.status for r in opened.recent_runs()] == ["done"] and opened.lock() is None


def test_a_bad_sources_file_names_the_file_and_each_entry_by_its_id(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nid = "lianes"\nname = "Lianes"\nregion = "Hauts-de-France"\nbase_url = "https://lianes.example"\n'
        'start_urls = ["/actualites"]\narticle_url_pattern = "^/actualite/[("\n\n'
        '[[source]]\nname = "Sans identifiant"\nregion = "Normandie"\nbase_url = "https://sans-id.example"\n'
        'start_urls = ["/"]\narticle_url_pattern = "^/"\n',
        encoding="utf-8",
    )
    for command in (["run", "--db", f"sqlite:///{tmp_path / 'store.db'}"], ["crawl"]):
        completed = partnerships(*command, "--sources", str(sources))
        assert completed.returncode == EXIT_USAGE
        line = _one_line(completed)
        assert line.startswith(f"partnerships {command[0]}: cannot read sources: {sources}: ")
        assert 'source "lianes", article_url_pattern: invalid regular expression' in line
        assert "source entry 2 (no id), id: Field required" in line
