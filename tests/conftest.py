"""Shared fixtures: the French model is loaded once per test session; the system programs
some tests need (Chromium, a PostgreSQL server) are found in one place, ``system_program``."""

from __future__ import annotations

import glob
import json
import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest
import spacy
from spacy.language import Language

from pipeline.extract.model import load_nlp

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def base_nlp() -> Language:
    """The bare French model, for testing one component on top of it."""
    return spacy.load("fr_core_news_md")


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The whole extraction pipeline as models/config.cfg builds it."""
    return load_nlp()


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing_on_this_machine(message: str) -> NoReturn:
    """Skip with one line saying what to install, or fail under ``CI=true``: .ci/run installs
    what the tests need, so there a skip would hide a broken setup."""
    if running_in_ci():
        pytest.fail(f"{message} (CI=true: what is missing fails)", pytrace=False)
    pytest.skip(message)


def system_program(name: str, package: str, places: tuple[str, ...] = ()) -> str:
    """The path of a program a Debian package installs (on PATH or at one of ``places``,
    globs allowed); missing, see ``missing_on_this_machine``."""
    candidates = (hit for place in places for hit in sorted(glob.glob(place), reverse=True))
    found = shutil.which(name) or next((hit for hit in candidates if os.path.isfile(hit) and os.access(hit, os.X_OK)), None)
    if found is None:
        missing_on_this_machine(f"needs {name}: install the Debian package {package} (apt-get install -y {package}), as .ci/run does")
    return found


@pytest.fixture(scope="session")
def chromium() -> str:
    return system_program("chromium", "chromium", ("/usr/bin/chromium",))


@pytest.fixture(scope="session")
def postgresql_bin() -> Path:
    """The directory of Debian's PostgreSQL server programs (initdb, pg_ctl)."""
    return Path(system_program("pg_ctl", "postgresql", ("/usr/lib/postgresql/*/bin/pg_ctl",))).parent
