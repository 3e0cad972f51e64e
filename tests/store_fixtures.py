"""Shared fixtures of the store tests: a throwaway PostgreSQL server, a fresh store per test
on each engine, the fixture site served on localhost, and a deterministic dump of a store.

Test modules import what they use (``from tests.store_fixtures import ...``); pytest then
treats the imported fixtures as the module's own.

The PostgreSQL server is a real one: ``initdb`` and ``pg_ctl`` from Debian's ``postgresql``
package (``/usr/lib/postgresql/<version>/bin``, or on PATH), a cluster in a temporary
directory listening on a free localhost port, run as the ``postgres`` user when the tests
run as root. Without those programs the PostgreSQL tests skip, naming the package, except
under ``CI=true`` where they fail (``tests/conftest.py``, ``system_program``).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from pipeline.extract import Extractor
from pipeline.scraper.fetch import FetchSettings
from pipeline.scraper.fixture_server import FixtureSite
from pipeline.scraper.sources import Source, load_sources, rebase
from pipeline.store import schema
from pipeline.store.repository import Store

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "fixtures" / "site"
STORE_FIXTURES = REPO / "fixtures" / "store"
ENGINES = ["sqlite", "postgresql"]
FAST_FETCH = FetchSettings(delay=0.0, timeout=10.0, max_retries=1, backoff_base=0.1)
# Logs of what happened, not the store's content: they grow with every run.
LOG_TABLES = frozenset({"runs", "locks"})
_database_numbers = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_server(postgresql_bin: Path) -> Iterator[str]:
    """URL of the maintenance database of a throwaway PostgreSQL cluster."""
    initdb, pg_ctl = str(postgresql_bin / "initdb"), str(postgresql_bin / "pg_ctl")
    directory = Path(tempfile.mkdtemp(prefix="partnerships-pg-"))
    data, sockets = directory / "data", directory / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    subprocess.run(
        _as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(directory / "server.log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def new_database_url(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty store on this engine."""
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server = request.getfixturevalue("postgres_server")
    name = f"store_{os.getpid()}_{next(_database_numbers)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


@pytest.fixture(params=ENGINES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return new_database_url(request.param, request, tmp_path)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        yield opened


@pytest.fixture(scope="session")
def extractor(nlp) -> Extractor:  # type: ignore[no-untyped-def]
    return Extractor(nlp)


@pytest.fixture(scope="session")
def fixture_site() -> Iterator[FixtureSite]:
    with FixtureSite(SITE) as site:
        yield site


@pytest.fixture(scope="session")
def site_sources(fixture_site: FixtureSite) -> list[Source]:
    return rebase(load_sources(SITE / "sources.toml"), fixture_site.url)


def dump(store: Store, *, without: frozenset[str] = frozenset()) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every content table, sorted, timestamps of fetches and refreshes left out: two stores
    holding the same facts dump equal, whatever happened on the way."""
    result: dict[str, list[tuple[object, ...]]] = {}
    with store.engine.connect() as connection:
        for table in schema.metadata.sorted_tables:
            if table.name in LOG_TABLES or table.name in without:
                continue
            columns = [c for c in table.columns if c.name not in ("fetched_at", "updated_at")]
            rows = connection.execute(sa.select(*columns)).all()
            result[table.name] = sorted((tuple(row) for row in rows), key=lambda row: json.dumps(row, default=repr))
    return result
