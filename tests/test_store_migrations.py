"""The store's Alembic migrations on SQLite and PostgreSQL: a migrated store is exactly
``schema.metadata``, stores of the former hand-written runner are adopted, a newer store is
refused, and commands started at the same moment on a new store all succeed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pipeline.store import schema
from pipeline.store.engine import create_store_engine
from pipeline.store.errors import StoreTooNew
from pipeline.store.migrations import alembic_config, current_revision, head_revision
from pipeline.store.repository import Store
from tests.store_fixtures import ENGINES, REPO, new_database_url, postgres_server, store_url  # noqa: F401 - fixtures

# Trials of several commands started together on a new store, per engine; the operator's
# drill raises it (README, "What an operator tried").
CONCURRENT_TRIALS = int(os.environ.get("PARTNERSHIPS_CONCURRENT_TRIALS", "4"))
COMMANDS_PER_TRIAL = 3


def test_a_migrated_store_is_exactly_the_schema_metadata(store_url: str) -> None:
    with Store(store_url) as store, store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert compare_metadata(MigrationContext.configure(connection), schema.metadata) == []
        assert not sa.inspect(connection).has_table("schema_migrations")


def test_alembic_check_finds_nothing_to_generate(store_url: str) -> None:
    Store(store_url).close()
    checked = subprocess.run(
        [sys.executable, "-m", "pipeline.store.migrations", "--db", store_url, "check"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


@pytest.mark.parametrize("legacy_version", [1, 2])
def test_a_store_of_the_former_runner_is_stamped_then_upgraded(store_url: str, legacy_version: int) -> None:
    engine = create_store_engine(store_url)
    with engine.begin() as connection:  # what the hand-written runner left
        command.upgrade(alembic_config(connection), f"{legacy_version:04d}")
        connection.exec_driver_sql("DROP TABLE alembic_version")
        connection.exec_driver_sql(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        for version in range(1, legacy_version + 1):
            connection.exec_driver_sql(f"INSERT INTO schema_migrations VALUES ({version}, 'step {version}', CURRENT_TIMESTAMP)")
        connection.exec_driver_sql("INSERT INTO sources VALUES ('kept', 'A source stored before', '{}')")
    engine.dispose()
    with Store(store_url) as store, store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert compare_metadata(MigrationContext.configure(connection), schema.metadata) == []
        assert connection.execute(sa.select(schema.sources.c.name)).scalars().all() == ["A source stored before"]


def test_a_store_written_by_a_newer_program_is_refused(store_url: str) -> None:
    Store(store_url).close()
    engine = create_store_engine(store_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(StoreTooNew, match="9999"):
        Store(store_url)


@pytest.mark.parametrize("engine", ENGINES)
def test_commands_started_together_on_a_new_store_all_succeed(
    engine: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for trial in range(CONCURRENT_TRIALS):
        url = new_database_url(engine, request, tmp_path_factory.mktemp(f"together-{trial}"))
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "pipeline.store.cli", "runs", "--db", url],
                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for _ in range(COMMANDS_PER_TRIAL)
        ]
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, f"trial {trial}: {err}"
            assert "Traceback" not in err
        with Store(url) as store, store.engine.connect() as connection:
            assert current_revision(connection) == head_revision()
