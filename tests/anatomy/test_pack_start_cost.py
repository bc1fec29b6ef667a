"""What drawing the BodyParts3D leg costs the window's start beyond the built-in leg's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
