"""A drop-in for ``spacy.matcher.Matcher`` that looks words up instead of walking every pattern.

Why: the Matcher walks every pattern over every token, and each ``{"IN": [...]}`` is a Python
predicate called per token and pattern; with a lexicon of hundreds of entries (the themes) that
walk costs as much as the French model itself. A first token testing one attribute (ORTH,
LOWER, LEMMA or NORM) against a word or an ``IN`` list, without operator, is a set-membership
question, answered for the whole block by one array of the tokens' attribute hashes and a dict
lookup per token and attribute:
- a one-word pattern of that kind is answered by the lookup alone;
- longer patterns starting with such a token get a Matcher of their own (one per first
  token), run only from the first token where that word occurs, not at all in a block without it;
- every other pattern goes to one shared Matcher, as before.
Every pattern is checked by spaCy's validator, as ``Matcher(vocab, validate=True)`` does.

Same answers as the Matcher it replaces, for what our components use: ``add(key, patterns,
greedy=...)`` and ``__call__(doc, as_spans=...)``. Matches are deduplicated per (key, start,
end) and come in the Matcher's order: by end, then start, then the order patterns were added
(the Matcher's own order for patterns without operators; the matches of an operator pattern
keep their order among themselves). A ``greedy`` key is filtered as the Matcher filters it,
after the matches of the non-greedy keys.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import Any, Literal, overload

from spacy.attrs import IDS
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

# Attributes a one-word pattern may test to be answered by lookup, as the Matcher names them.
LOOKUP_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "LEMMA": "LEMMA", "NORM": "NORM"}

Match = tuple[int, int, int]


def lookup_values(pattern: Sequence[dict[str, Any]]) -> tuple[str, list[str]] | None:
    """The attribute and the words of a one-word pattern that a dict lookup can answer, else None.

    Only a single token spec testing one attribute against a string or an ``IN`` list of
    strings qualifies: operators, other predicates and extra attributes need the Matcher.
    """
    if len(pattern) != 1 or len(pattern[0]) != 1:
        return None
    ((name, value),) = pattern[0].items()
    attr = LOOKUP_ATTRS.get(name.upper()) if isinstance(name, str) else None
    if attr is None:
        return None
    if isinstance(value, str):
        return attr, [value]
    if isinstance(value, dict) and list(value) == ["IN"] and isinstance(value["IN"], list):
        words = value["IN"]
        if all(isinstance(word, str) for word in words):
            return attr, words
    return None


class TokenPatternIndex:
    """Token patterns matched like ``Matcher(vocab, validate=True)`` would, one-word ones by lookup."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        # patterns whose first token cannot be looked up: one Matcher walks them over every token
        self.matcher = Matcher(vocab, validate=True)
        self.has_matcher_patterns = False
        # one Matcher per first token that can be looked up, holding the longer patterns starting
        # with it, run only from where that word is
        self.gated: list[Matcher] = []
        self.gate_of: dict[tuple[str, tuple[str, ...]], int] = {}
        # attribute name -> word hash -> (pattern order, key, gated Matcher index or None for a
        # one-word pattern, which the lookup answers by itself)
        self.lookup: dict[str, dict[int, list[tuple[int, int, int | None]]]] = {}
        # key -> order of its first pattern, the Matcher's tie-break among matches of one extent
        self.key_order: dict[int, int] = {}
        self.greedy: dict[int, str] = {}
        self.pattern_count = 0

    def __len__(self) -> int:
        return len(self.key_order)

    def add(self, key: str | int, patterns: list[list[dict[str, Any]]], *, greedy: str | None = None) -> None:
        """Validates the patterns as the Matcher does, then files each one under lookup or a Matcher."""
        errors = {i: validate_token_pattern(pattern) for i, pattern in enumerate(patterns)}
        if any(errors.values()):
            raise MatchPatternError(key, errors)
        if greedy not in (None, "FIRST", "LONGEST"):
            raise ValueError(f"greedy must be 'FIRST' or 'LONGEST', not {greedy!r}")
        key_hash = self.vocab.strings.add(key) if isinstance(key, str) else key
        self.key_order.setdefault(key_hash, self.pattern_count)
        for pattern in patterns:
            # greedy filtering is done here over every kind of match, so the Matchers return all of them
            found = lookup_values(pattern[:1])
            if found is None:
                self.matcher.add(key_hash, [pattern])
                self.has_matcher_patterns = True
            else:
                attr, words = found
                target = None
                if len(pattern) > 1:
                    first_token = (attr, tuple(words))
                    target = self.gate_of.get(first_token)
                    if target is not None:
                        self.gated[target].add(key_hash, [pattern])
                        self.pattern_count += 1
                        continue
                    target = self.gate_of[first_token] = len(self.gated)
                    gated = Matcher(self.vocab, validate=True)
                    gated.add(key_hash, [pattern])
                    self.gated.append(gated)
                by_word = self.lookup.setdefault(attr, {})
                for word_hash in dict.fromkeys(get_string_id(word) for word in words):
                    by_word.setdefault(word_hash, []).append((self.pattern_count, key_hash, target))
            self.pattern_count += 1
        if greedy is None:
            self.greedy.pop(key_hash, None)
        else:
            self.greedy[key_hash] = greedy

    @overload
    def __call__(self, doc: Doc, *, as_spans: Literal[False] = ...) -> list[Match]: ...

    @overload
    def __call__(self, doc: Doc, *, as_spans: Literal[True]) -> list[Span]: ...

    def __call__(self, doc: Doc, *, as_spans: bool = False) -> list[Match] | list[Span]:
        one_word, first_starts = self._looked_up(doc)
        sources = [one_word, *(self._offset(self.gated[target](doc[start:]), start) for target, start in first_starts.items())]
        if self.has_matcher_patterns:
            sources.append(self.matcher(doc))
        matches = self._filter_greedy(self._merge(sources))
        if as_spans:
            return [Span(doc, start, end, label=key) for key, start, end in matches]
        return matches

    def _looked_up(self, doc: Doc) -> tuple[list[Match], dict[int, int]]:
        """Matches of the one-word patterns in the Matcher's order, and where each gated pattern may start first."""
        if not self.lookup or len(doc) == 0:
            return [], {}
        if "LEMMA" in self.lookup and not doc.has_annotation("LEMMA"):
            raise ValueError("a LEMMA pattern needs a lemmatizer before this component (spaCy E155)")
        tables = list(self.lookup.values())
        rows = doc.to_array([IDS[name] for name in self.lookup]).reshape(len(doc), len(tables)).tolist()
        one_word: list[Match] = []
        first_starts: dict[int, int] = {}
        for i, row in enumerate(rows):
            found: list[tuple[int, int, int | None]] = []
            for table, value in zip(tables, row):
                patterns = table.get(value)
                if patterns is not None:
                    found.extend(patterns)
            if len(tables) > 1 and len(found) > 1:
                found.sort(key=lambda hit: hit[0])
            for _, key, target in found:
                if target is None:
                    one_word.append((key, i, i + 1))
                else:
                    first_starts.setdefault(target, i)
        return one_word, first_starts

    @staticmethod
    def _offset(matches: list[Match], start: int) -> list[Match]:
        """Matches found in ``doc[start:]``, in the doc's token positions."""
        return [(key, start + begin, start + end) for key, begin, end in matches]

    def _merge(self, sources: list[list[Match]]) -> list[Match]:
        """All matches in the Matcher's order (end, start, pattern order), each (key, start, end) once."""
        if len(sources) == 1:
            ordered: Iterable[Match] = sources[0]
        else:
            ordered = heapq.merge(*sources, key=lambda match: (match[2], match[1], self.key_order[match[0]]))
        return list(dict.fromkeys(ordered))

    def _filter_greedy(self, matches: list[Match]) -> list[Match]:
        """The Matcher's ``greedy`` filter: per key, non-overlapping matches, first or longest first."""
        if not self.greedy:
            return matches
        final: list[Match] = []
        pairs_by_key: dict[int, list[tuple[int, int]]] = {}
        for key, start, end in matches:
            if key in self.greedy:
                pairs_by_key.setdefault(key, []).append((start, end))
            else:
                final.append((key, start, end))
        for key, pairs in pairs_by_key.items():
            if self.greedy[key] == "FIRST":
                ordered = sorted(pairs, key=lambda pair: (pair[0], -pair[1]))
            else:
                ordered = sorted(pairs, key=lambda pair: (pair[1] - pair[0], -pair[0]), reverse=True)
            taken: set[int] = set()
            for start, end in ordered:
                if taken.isdisjoint(range(start, end)):
                    final.append((key, start, end))
                    taken.update(range(start, end))
        return final
