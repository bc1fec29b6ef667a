"""The mark that skips a scene test module where the built-in leg's meshes are not built (the
``real_assets`` fixture that loads them is in conftest.py)."""

from __future__ import annotations

import pytest

from calfexplorer.paths import assets_dir

NEEDS_REAL_ASSETS = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)

