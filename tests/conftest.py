"""Shared fixtures: the French model is loaded once per test session."""

from __future__ import annotations

import json
from pathlib import Path

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
