"""The article text cut at evidence boundaries, so the template can mark each field's words.

Evidence of different fields may overlap (a date inside the signing sentence): each piece
of text carries every field whose evidence covers it, the innermost first. The pieces are plain strings; the
template escapes them, so an article's markup is shown, never interpreted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Piece:
    text: str
    fields: tuple[str, ...]
    rules: tuple[str, ...]


def evidence_pieces(text: str, evidence: Iterable[Mapping[str, Any]]) -> list[Piece]:
    spans = [
        (max(0, int(item["start"])), min(len(text), int(item["end"])), str(item["field"]), str(item.get("rule") or ""))
        for item in evidence
    ]
    spans = [span for span in spans if span[0] < span[1]]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        # Innermost evidence first: its field gives the piece its colour.
        covering = [(field, rule) for s, e, field, rule in sorted(spans, key=lambda span: span[1] - span[0]) if s <= start and end <= e]
        pieces.append(
            Piece(
                text[start:end],
                tuple(dict.fromkeys(field for field, _ in covering)),
                tuple(dict.fromkeys(rule for _, rule in covering if rule)),
            )
        )
    return pieces
