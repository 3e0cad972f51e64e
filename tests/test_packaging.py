"""A wheel (a non-editable install) must carry the extraction model's data, the shipped sources,
the store's migration scripts and the review page's templates, assets and map."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_wheel_carries_models_and_sources(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True, text=True,
    )
    (wheel,) = tmp_path.glob("partnerships-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "pipeline/models/config.cfg",
        "pipeline/models/patterns/agreements.jsonl",
        "pipeline/models/lexicons/themes.jsonl",
        "pipeline/models/taxonomy.json",
        "pipeline/models/gazetteers/countries.jsonl",
        "pipeline/scraper/sources.toml",
        "pipeline/extract/components/agreements.py",
        "pipeline/extract/assembly/__init__.py",
        "pipeline/store/migrations/env.py",
        "pipeline/store/migrations/script.py.mako",
        "pipeline/store/migrations/versions/0001_initial_store.py",
        "pipeline/review/geodata/world.json",
        "pipeline/review/static/favicon.svg",
        "pipeline/review/templates/record.html",
    ):
        assert expected in names, expected
