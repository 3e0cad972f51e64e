"""Name normalisation of the data contract (CONTRACT.md, Scoring, rule 1).

One implementation serves scoring, record ids and merging, so that "the same name" means
the same thing everywhere: accents removed, ligatures spelled out, lower case, split on
anything not a letter or digit, stop words and generic territorial words dropped.
"""

from __future__ import annotations

import functools
import re
import unicodedata

STOP_WORDS = frozenset("de du des la le les l d et en a au aux".split())
GENERIC_WORDS = frozenset(
    """region departement ville commune municipalite mairie metropole communaute
    agglomeration urbaine communes oblast province prefecture conseil departemental
    regional general cercle wilaya gouvernorat district etat""".split()
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, ligatures spelled out, curly apostrophe read as straight. Cached:
    extraction folds the same words and names many times over."""
    text = text.translate(_LIGATURES).replace("\u2019", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=65536)
def name_words(name: str) -> frozenset[str]:
    """The words of a name that count when comparing names."""
    return frozenset(
        w for w in _NON_WORD.split(fold(name)) if w and w not in STOP_WORDS and w not in GENERIC_WORDS
    )


def names_match(a: str, b: str) -> bool:
    """Both names keep a word, and one's words are all among the other's."""
    wa, wb = name_words(a), name_words(b)
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)
