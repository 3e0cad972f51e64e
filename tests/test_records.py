"""The record model's own normalisation of names (pipeline.records): what every stage stores."""

from __future__ import annotations

import pytest

from pipeline.records import Party, make_record_id


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Nouvelle- Calédonie", "Nouvelle-Calédonie"),  # a hyphen a hard line break cut
        ("Centre-  Val de Loire", "Centre-Val de Loire"),
        ("Saint\u2019Jean", "Saint'Jean"),
        ("  Association des maires\nde Ngazidja ", "Association des maires de Ngazidja"),
        ("Fédération des comités de jumelage France - Italie", "Fédération des comités de jumelage France - Italie"),
    ],
)
def test_party_names_are_stored_clean(written: str, stored: str) -> None:
    assert Party(name=written, kind="region", country="FR").name == stored


def test_a_cut_name_keeps_its_record_id() -> None:
    cut = [Party(name="Nouvelle- Calédonie", kind="region", country="FR"), Party(name="Vanuatu", kind="national", country="VU")]
    whole = [Party(name="Nouvelle-Calédonie", kind="region", country="FR"), Party(name="Vanuatu", kind="national", country="VU")]
    assert make_record_id(cut, "2017") == make_record_id(whole, "2017")
