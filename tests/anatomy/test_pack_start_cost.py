"""What drawing the BodyParts3D leg costs the window's start beyond the built-in leg's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_pack_manifest import _pack

_LOAD = """
import sys
from pathlib import Path
from calfexplorer.anatomy.leg_model import load_leg
assets, note = load_leg(pack=Path(sys.argv[1]))
print(assets.model, note)
print(sorted(m for m in ("scipy", "scipy.ndimage", "scipy.spatial") if m in sys.modules))
"""


def test_the_pack_leg_loads_without_scipy(tmp_path: Path) -> None:
    """Reading the pack's routes imported the build's winding numbers, and with them SciPy's
    ndimage and spatial: ~0.25 s of CPU and ~1.7 MiB more at every start with the pack."""
    done = subprocess.run([sys.executable, "-c", _LOAD, str(_pack(tmp_path))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["bodyparts3d None", "[]"]


@pytest.mark.skipif(not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
                    reason="window tests need a display: run them under Xvfb")
def test_the_pack_window_starts_without_the_build_time_routing(tmp_path: Path) -> None:
    """Drawing the pack's routes imported the build's routing with its inside tests
    (``anatomy.routing``, ``envelope``, ``fan_winding``, ``geometry.implicit``): +5.7 MiB
    resident in a bare process, for the few functions that apply the stored routes."""
    from lab_probe import probe_lab

    env = dict(os.environ, CALFEXPLORER_ANATOMY_DIR=str(_pack(tmp_path).parent),
               CALFEXPLORER_CONFIG_DIR=str(tmp_path / "config"),
               CALFEXPLORER_USER_DIR=str(tmp_path / "user"))
    lines = probe_lab(env, lab=False)
    assert lines["leg"] == "bodyparts3d"
    assert lines["build code at start"] == "[]"
