"""The overview's figures: bars per year, partner country and theme, and the world view.

The world view is an equirectangular map drawn server-side as SVG: a graticule, France and
each partner country at its map point (``static/country_points.json``, GeoNames capitals),
and a line from France to each partner whose width grows with the number of partnerships.
No tiles, no script: the SVG is plain markup, each country a link to the filtered queue.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from pipeline.store.exports import country_name

FRANCE = "FR"
MAP_WIDTH = 720
MAP_HEIGHT = 360
GRATICULE_STEP = 30


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    percent: float
    href: str


@dataclass(frozen=True)
class MapLink:
    country: str
    label: str
    count: int
    x: float
    y: float
    width: float
    href: str


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: int
    france: tuple[float, float]
    meridians: list[float]
    parallels: list[float]
    links: list[MapLink]
    unplaced: list[str]


@cache
def country_points() -> dict[str, tuple[float, float]]:
    """Country code -> (longitude, latitude)."""
    document = json.loads(files("pipeline.review").joinpath("static/country_points.json").read_text(encoding="utf-8"))
    return {code: (point[0], point[1]) for code, point in document["points"].items()}


def project(longitude: float, latitude: float) -> tuple[float, float]:
    x = (longitude + 180.0) / 360.0 * MAP_WIDTH
    y = (90.0 - latitude) / 180.0 * MAP_HEIGHT
    return round(x, 1), round(y, 1)


def bars(counts: dict[str, int], labels: dict[str, str], href: dict[str, str]) -> list[Bar]:
    largest = max(counts.values(), default=0)
    return [
        Bar(key, labels.get(key, key), count, round(100.0 * count / largest, 1) if largest else 0.0, href[key])
        for key, count in counts.items()
    ]


def world_map(countries: dict[str, int], href: dict[str, str]) -> WorldMap:
    points = country_points()
    largest = max(countries.values(), default=1)
    links = []
    unplaced = []
    for code, count in countries.items():
        if code not in points:
            unplaced.append(code)
            continue
        x, y = project(*points[code])
        width = 1.0 + 5.0 * math.sqrt(count / largest)
        links.append(MapLink(code, country_name(code), count, x, y, round(width, 1), href[code]))
    return WorldMap(
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        france=project(*points[FRANCE]),
        meridians=[project(longitude, 0)[0] for longitude in range(-180, 181, GRATICULE_STEP)],
        parallels=[project(0, latitude)[1] for latitude in range(-90, 91, GRATICULE_STEP)],
        links=links,
        unplaced=unplaced,
    )
