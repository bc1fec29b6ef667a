"""What the window's first-start offer of the realistic leg costs a new user's start."""

from __future__ import annotations

import subprocess
import sys


def test_the_offer_of_the_realistic_leg_does_not_load_the_pack_builder() -> None:
    """The first-start offer bar asks the archive's size; that imported the whole pack
    builder with scipy (425 modules, about 0.4 s before a new user's first frame)."""
    code = ("import sys\nfrom calfexplorer.anatomy.install import archive_size\narchive_size()\n"
            "print(sorted(m for m in ('scipy', 'calfexplorer.anatomy.pack') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
