"""Where the extraction model's data lives.

``models/`` at the top of the repository is installed as the package ``pipeline.models``
(see pyproject.toml), so one lookup serves a source checkout, an editable install and a
wheel. ``PARTNERSHIPS_MODELS`` points elsewhere, for trying a modified model without
reinstalling. Everything else receives paths from here, through the pipeline config.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def models_dir() -> Path:
    override = os.environ.get("PARTNERSHIPS_MODELS")
    if override:
        return Path(override)
    return Path(str(files("pipeline.models")))
