"""Build ``geodata/world.json``, the overview's world map, from Natural Earth country shapes.

Input: ``countries-50m.json`` of the npm package ``world-atlas`` (Natural Earth 1:50m Admin 0
countries, public domain, as TopoJSON): ``npm pack world-atlas && tar xzf world-atlas-*.tgz``,
then ``python -m pipeline.review.build_world_map package/countries-50m.json
pipeline/review/geodata/world.json``. A build-time tool, run once: the review page only reads
the JSON it writes.

Each shared border (a TopoJSON arc) is projected once (Equal Earth, Antarctica left out) and
simplified once (Douglas-Peucker, a third of a map pixel), so neighbours keep one common
border and the map stays small (about 130 kB). Per country (ISO 3166-1 alpha-2, from the
numeric id Natural Earth gives): its SVG path, the point its arc ends at (the centroid of
its largest polygon) and its area in square map pixels (tiny countries get a marker on
top). Shapes without an ISO code (Kosovo, Somaliland, northern Cyprus…) are kept as
unlinked background.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pycountry

MAP_WIDTH = 960.0
# Equal Earth (Šavrič, Patterson and Jenny, 2018): polynomial coefficients.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
HALF_ROOT_THREE = math.sqrt(3) / 2
SIMPLIFY_PIXELS = 0.45
MIN_RING_AREA = 1.0  # square map pixels
ANTARCTICA = "010"
SOURCE = (
    "Natural Earth 1:50m Admin 0 countries (public domain, https://www.naturalearthdata.com), "
    "TopoJSON of the npm package world-atlas 2.0.2; Equal Earth projection"
)

Point = tuple[float, float]


def equal_earth(longitude: float, latitude: float) -> Point:
    """Unscaled Equal Earth coordinates, y upwards."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(HALF_ROOT_THREE * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (HALF_ROOT_THREE * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """TopoJSON's delta-encoded, quantised arcs as (longitude, latitude) lists."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for encoded in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in encoded:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, endpoints kept (iterative: long coastlines are deep)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = -1, tolerance
        for index in range(first + 1, last):
            px, py = points[index]
            d = abs(dy * (px - x1) - dx * (py - y1)) / length if length else math.hypot(px - x1, py - y1)
            if d > distance:
                farthest, distance = index, d
        if farthest >= 0:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_area_and_centroid(ring: list[Point]) -> tuple[float, Point]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if not area:
        xs, ys = zip(*ring, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area), (cx / (6 * area), cy / (6 * area))


def build(topology: dict[str, Any]) -> dict[str, Any]:
    geometries = [g for g in topology["objects"]["countries"]["geometries"] if g.get("id") != ANTARCTICA]
    raw_arcs = decode_arcs(topology)
    projected = [[equal_earth(lon, lat) for lon, lat in arc] for arc in raw_arcs]
    used = {a if a >= 0 else ~a for g in geometries for polygon in _polygons(g) for ring in polygon for a in ring}
    xs = [x for index in used for x, _ in projected[index]]
    ys = [y for index in used for _, y in projected[index]]
    scale = MAP_WIDTH / (max(xs) - min(xs))
    left, top = min(xs), max(ys)
    height = math.ceil((max(ys) - min(ys)) * scale)

    def to_map(point: Point) -> Point:
        return (point[0] - left) * scale, (top - point[1]) * scale

    on_map = [[to_map(p) for p in arc] for arc in projected]
    simplified = [simplify(arc, SIMPLIFY_PIXELS) for arc in on_map]
    rings_of: dict[str | None, list[list[Point]]] = {}
    names: dict[str, str] = {}
    background: list[str] = []
    for geometry in geometries:
        rings = []
        for polygon in _polygons(geometry):
            for ring_arcs in polygon:
                lon_lat = _ring(ring_arcs, raw_arcs)
                if _crosses_antimeridian(lon_lat):
                    # Russia's far east, Fiji: drawn once on each side, the map's edge clips them.
                    unwrapped = _unwrapped(lon_lat)
                    for shift in (0.0, -360.0 if max(lon for lon, _ in unwrapped) > 180 else 360.0):
                        ring = [to_map(equal_earth(lon + shift, lat)) for lon, lat in unwrapped]
                        rings.append(simplify(ring, SIMPLIFY_PIXELS))
                    continue
                ring = _ring(ring_arcs, simplified)
                if len(ring) < 4:  # collapsed below a pixel: keep the island's true outline
                    ring = _ring(ring_arcs, on_map)
                rings.append(ring)
        code = _alpha_2(geometry.get("id"))
        if code is None:
            background.append("".join(_path(ring) for ring in rings))
            continue
        # Natural Earth gives some countries several shapes (Australia and its Ashmore islands).
        rings_of.setdefault(code, []).extend(rings)
        names.setdefault(code, geometry["properties"]["name"])
    countries: dict[str, dict[str, Any]] = {}
    for code, rings in sorted(rings_of.items()):
        measured = [ring_area_and_centroid(ring) for ring in rings]
        largest = max(measured, key=lambda m: m[0])
        # Islands below a square pixel are invisible at this scale; a country made only of
        # such islands keeps its largest one (and gets a marker on the page).
        shown = [ring for ring, (area, _) in zip(rings, measured, strict=True) if area >= MIN_RING_AREA] or [rings[measured.index(largest)]]
        countries[code] = {
            "name": names[code],
            "path": "".join(_path(ring) for ring in shown),
            "anchor": [round(largest[1][0], 1), round(largest[1][1], 1)],
            "area": round(sum(area for area, _ in measured), 1),
        }
    return {"source": SOURCE, "width": MAP_WIDTH, "height": height, "countries": countries, "background": background}


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def _ring(arc_indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    ring: list[Point] = []
    for index in arc_indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _crosses_antimeridian(ring: list[Point]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))


def _unwrapped(ring: list[Point]) -> list[Point]:
    """Longitudes made continuous (179, -179 becomes 179, 181)."""
    result = [ring[0]]
    for lon, lat in ring[1:]:
        previous = result[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        result.append((lon, lat))
    return result


def _path(ring: list[Point]) -> str:
    """An SVG subpath: absolute first point, then relative moves in tenths of a pixel."""
    rounded = [(round(x, 1), round(y, 1)) for x, y in ring]
    deduplicated = [p for index, p in enumerate(rounded) if index == 0 or p != rounded[index - 1]]
    (x0, y0), steps = deduplicated[0], []
    previous = deduplicated[0]
    for x, y in deduplicated[1:]:
        steps.append(f"{_number(x - previous[0])} {_number(y - previous[1])}")
        previous = (x, y)
    return f"M{_number(x0)} {_number(y0)}l" + " ".join(steps) + "z"


def _number(value: float) -> str:
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _alpha_2(numeric: str | None) -> str | None:
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.review.build_world_map", description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="countries-50m.json of the npm package world-atlas")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    document = build(json.loads(args.topojson.read_text(encoding="utf-8")))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(document['countries'])} countries, {args.output.stat().st_size / 1000:.0f} kB -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
