"""Builds the extraction pipeline from ``models/config.cfg``: the French spaCy model plus our rule components.

The config names the base model (an ordinary pip dependency, nothing is downloaded), the
components to add and the paths of their data, written ``${paths.models}/...`` and resolved
here against :func:`pipeline.resources.models_dir`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.util import compile_infix_regex, load_config

import pipeline.extract.components  # noqa: F401  (registers the partnerships_* factories)
from pipeline.resources import models_dir

CONFIG_NAME = "config.cfg"


def read_model_config(models: Path | None = None) -> dict[str, Any]:
    folder = models or models_dir()
    config = load_config(folder / CONFIG_NAME, overrides={"paths.models": str(folder)}, interpolate=True)
    return dict(config)


def model_version(models: Path | None = None) -> str:
    """Version of the extraction model: the base spaCy model's name and version plus our rules' version."""
    config = read_model_config(models)
    return str(config["model"]["version"])


def load_nlp(models: Path | None = None) -> Language:
    config = read_model_config(models)
    base = config["model"]["base"]
    nlp = spacy.load(base, exclude=list(config["model"].get("exclude", [])))
    joined = config["model"].get("joined_words_path")
    if joined:
        keep_joined(nlp, Path(joined))
    split_glued_brackets(nlp)
    # corrections of how the base model reads every block, placed before its parser
    _add_components(nlp, config.get("before_parser", {}), before="parser")
    _add_components(nlp, config.get("components", {}))
    return nlp


def _add_components(nlp: Language, section: dict[str, Any], before: str | None = None) -> None:
    """Adds each component of a config section, its ``factory`` and the rest as its config."""
    for name, component in section.items():
        settings = dict(component)
        factory = settings.pop("factory")
        nlp.add_pipe(factory, name=name, config=settings, before=before)


@functools.cache
def shared_nlp() -> Language:
    """One pipeline per process: loading the model takes seconds, so every caller shares it."""
    return load_nlp()


def split_glued_brackets(nlp: Language) -> None:
    """Splits an opening bracket glued to the word before it ("Nouakchott(Mauritanie)"): tables and
    hasty pages drop the space, and the name and its locator must be two tokens."""
    infixes = [*nlp.Defaults.infixes, r"(?<=\w)\((?=\w)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def keep_joined(nlp: Language, path: Path) -> None:
    """Makes each hyphenated noun of ``path`` one token ("accord-cadre"), in lower case, capitalised,
    title case and upper case: the parser reads a sentence holding it as one sentence."""
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        for spelling in {word, word.capitalize(), word.title(), word.upper()}:
            nlp.tokenizer.add_special_case(spelling, [{ORTH: spelling}])

