"""The overview's figures: bars per year, partner country and theme, and the world map.

The map is SVG drawn on the server from ``geodata/world.json`` (Natural Earth country
shapes, public domain, projected and simplified once by ``build_world_map``): every country
is a link to its queue, shaded by its number of partnerships; France is joined to each
partner by an arc whose width grows with that number. Arcs, labels and France's point take
no clicks, so a click always lands on the country under the pointer. Countries too small to
click at this scale get a marker on top of the shapes, the smallest drawn last. Labels are
placed for the largest partners first and a label that would overprint one already placed
is left out (the country's name and count stay in its tooltip and in the bars).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from pipeline.store.labels import country_name

FRANCE = "FR"
SHADES = 5
MARKER_AREA = 40.0  # square map pixels: below it a country gets a marker
MARKER_RADIUS = 3.5
MAX_LABELS = 30
LABEL_FONT = 10.0
LABEL_CHAR_WIDTH = 5.6  # at LABEL_FONT, a generous average


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    percent: float
    href: str


@dataclass(frozen=True)
class MapCountry:
    code: str
    label: str
    count: int
    path: str
    shade: int  # 0 none, 1..SHADES
    href: str


@dataclass(frozen=True)
class MapMarker:
    code: str
    label: str
    count: int
    x: float
    y: float
    href: str


@dataclass(frozen=True)
class MapArc:
    code: str
    path: str
    width: float


@dataclass(frozen=True)
class MapLabel:
    text: str
    x: float
    y: float
    anchor: str  # SVG text-anchor


@dataclass(frozen=True)
class WorldMap:
    width: float
    height: float
    countries: list[MapCountry]
    background: list[str]
    markers: list[MapMarker]
    arcs: list[MapArc]
    labels: list[MapLabel]
    france: tuple[float, float]
    unmapped: list[Bar]  # partner countries without a shape at this scale
    source: str


@cache
def world_geometry() -> dict[str, Any]:
    return json.loads(files("pipeline.review").joinpath("geodata/world.json").read_text(encoding="utf-8"))


def bars(counts: dict[str, int], labels: dict[str, str], href: dict[str, str]) -> list[Bar]:
    largest = max(counts.values(), default=0)
    return [
        Bar(key, labels.get(key, key), count, round(100.0 * count / largest, 1) if largest else 0.0, href[key])
        for key, count in counts.items()
    ]


def world_map(partners: dict[str, int], href: Callable[[str], str]) -> WorldMap:
    """The map of these partner countries' counts; ``href`` gives a country's queue link."""
    geometry = world_geometry()
    shapes: dict[str, dict[str, Any]] = geometry["countries"]
    largest = max(partners.values(), default=0)

    def shade(count: int) -> int:
        return 0 if not count or not largest else max(1, math.ceil(SHADES * math.sqrt(count / largest)))

    countries = [
        MapCountry(code, country_name(code), partners.get(code, 0), shape["path"], shade(partners.get(code, 0)), href(code))
        for code, shape in shapes.items()
    ]
    france = tuple(shapes[FRANCE]["anchor"])
    tiny = sorted((code for code in partners if code in shapes and shapes[code]["area"] < MARKER_AREA), key=lambda c: -shapes[c]["area"])
    markers = [MapMarker(code, country_name(code), partners[code], *shapes[code]["anchor"], href(code)) for code in tiny]
    arcs = [
        MapArc(code, _arc(france, tuple(shapes[code]["anchor"])), round(1.0 + 4.0 * math.sqrt(count / largest), 1))
        for code, count in sorted(partners.items(), key=lambda item: item[1])
        if code in shapes and code != FRANCE
    ]
    return WorldMap(
        width=geometry["width"],
        height=geometry["height"],
        countries=countries,
        background=geometry["background"],
        markers=markers,
        arcs=arcs,
        labels=_labels(partners, shapes, geometry["width"]),
        france=(france[0], france[1]),
        unmapped=[Bar(code, country_name(code), count, 0.0, href(code)) for code, count in partners.items() if code not in shapes],
        source=geometry["source"],
    )


def _arc(start: tuple[float, ...], end: tuple[float, ...]) -> str:
    """A quadratic curve bowed to the left of its direction (north for a partner to the east)."""
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    bow = 0.22
    cx, cy = (x1 + x2) / 2 + bow * dy, (y1 + y2) / 2 - bow * dx
    if cy > (y1 + y2) / 2:  # always bow upwards, east or west
        cx, cy = (x1 + x2) / 2 - bow * dy, (y1 + y2) / 2 + bow * dx
    return f"M{x1:.1f} {y1:.1f}Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"


def _labels(partners: dict[str, int], shapes: dict[str, dict[str, Any]], width: float) -> list[MapLabel]:
    """Labels of the largest partners, each where it overprints no label already placed."""
    placed: list[tuple[float, float, float, float]] = []
    labels: list[MapLabel] = []
    for code, count in sorted(partners.items(), key=lambda item: (-item[1], item[0])):
        if len(labels) >= MAX_LABELS or code not in shapes or code == FRANCE:
            continue
        text = f"{country_name(code)} {count}"
        x, y = shapes[code]["anchor"]
        box_width, box_height = LABEL_CHAR_WIDTH * len(text), LABEL_FONT + 2
        for dx, dy, anchor in ((5, -4, "start"), (-5, -4, "end"), (5, 11, "start"), (-5, 11, "end")):
            left = x + dx if anchor == "start" else x + dx - box_width
            box = (left, y + dy - LABEL_FONT, left + box_width, y + dy - LABEL_FONT + box_height)
            if box[0] < 0 or box[2] > width or box[1] < 0:
                continue
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                placed.append(box)
                labels.append(MapLabel(text, round(x + dx, 1), round(y + dy, 1), anchor))
                break
    return labels
