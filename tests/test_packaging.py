"""A wheel (a non-editable install) must carry the extraction model's data, the shipped sources,
the store's migration scripts, the review page's templates, assets and map, and the demo's
fixture site; `partnerships demo` must run from it in any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder), str(REPO)],
        check=True, capture_output=True, text=True,
    )
    (built,) = folder.glob("partnerships-*.whl")
    return built


def test_wheel_carries_models_sources_and_the_demo_site(wheel: Path) -> None:
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
        "pipeline/demo_site/sources.toml",
        "pipeline/demo_site/robots.txt",
        "pipeline/demo_site/faults/article.html",
        "pipeline/demo_site/lianes/actualites.html",
        "pipeline/demo_site/wp-network/sitemap.xml",
        "pipeline/demo_site/drupal-network/actualites__page=1.html",
    ):
        assert expected in names, expected


def test_demo_runs_from_the_installed_wheel_in_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = (
        "import sys, pipeline; "
        f"assert pipeline.__file__.startswith({str(target)!r}), pipeline.__file__; "
        "from pipeline.cli import main; sys.exit(main(['demo', '--quiet']))"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "PARTNERSHIPS_DB": f"sqlite:///{work / 'demo.db'}"}
    env.pop("PARTNERSHIPS_MODELS", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Béthune (FR) / Kédougou (SN)" in done.stdout
    assert (work / "demo.db").is_file()
