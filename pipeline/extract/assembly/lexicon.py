"""The assembler's word lists (models/lexicons/assembly.json) and province levels (models/lexicons/party_kinds.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AssemblyLexicon:
    """The assembler's word lists (models/lexicons/assembly.json) and province levels (party_kinds.json)."""

    distractor_words: frozenset[str]  # a sentence with one dates something else than the signature
    axis_words: frozenset[str]  # a sentence with one states what the agreement is about
    tripartite_marks: tuple[str, ...]  # an association signs too
    province_department_countries: frozenset[str]
    administered_territories: dict[str, str]  # territory code -> code of the country that administers it

    @classmethod
    def from_files(cls, assembly_path: str | Path, party_kinds_path: str | Path) -> AssemblyLexicon:
        with open(assembly_path, encoding="utf-8") as handle:
            words = json.load(handle)
        with open(party_kinds_path, encoding="utf-8") as handle:
            provinces = json.load(handle)["province"]
        return cls(
            frozenset(words["distractor_words"]),
            frozenset(words["axis_words"]),
            tuple(words["tripartite_marks"]),
            frozenset(provinces.get("department", [])),
            dict(words["administered_territories"]),
        )
