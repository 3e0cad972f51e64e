"""Tests that need a system package (Chromium, a PostgreSQL server) skip on a machine without
it, with one line naming the package, and fail under CI=true: checked by running pytest on a
test that needs a program no machine has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

NEEDS_MISSING_PROGRAM = """\
from tests.conftest import system_program


def test_needs_a_missing_program():
    system_program("partnerships-no-such-program", "partnerships-no-such-package")
"""


@pytest.mark.parametrize(("ci", "outcome"), [(None, "1 skipped"), ("true", "1 failed")])
def test_a_missing_system_package_skips_with_its_name_except_under_ci(tmp_path: Path, ci: str | None, outcome: str) -> None:
    test_file = tmp_path / "test_needs_missing.py"
    test_file.write_text(NEEDS_MISSING_PROGRAM, encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        environment["CI"] = ci
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test_file)],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert outcome in completed.stdout, completed.stdout
    expected = (
        "needs partnerships-no-such-program: install the Debian package partnerships-no-such-package "
        "(apt-get install -y partnerships-no-such-package), as .ci/run does"
    )
    summary = [line for line in completed.stdout.splitlines() if line.startswith(("SKIPPED", "FAILED"))]
    assert len(summary) == 1 and expected in summary[0], completed.stdout
    assert summary[0].startswith("SKIPPED" if ci is None else "FAILED")
