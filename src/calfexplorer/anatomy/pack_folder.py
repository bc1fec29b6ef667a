"""What a stopped pack build or swap leaves beside the pack folder, tidied up.

A build writes into ``.bodyparts3d-new-*`` and swaps it in by renaming the old pack to
``.bodyparts3d-old`` first: a process killed there leaves no pack (the old one aside), and
one killed during the build leaves its temporary folder for good.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

#: A temporary build folder untouched this long belongs to a build that was stopped (a build
#: takes minutes; a younger one may be another build still running).
STALE_BUILD_S = 6 * 3600


def old_pack(pack: Path) -> Path:
    """Where a swap puts the previous pack while the new one is renamed in."""
    return pack.with_name(f".{pack.name}-old")


def tidy_interrupted(pack: Path) -> None:
    """Put back a pack that a stopped swap left aside, and remove the temporary folders of
    builds stopped long ago. Never raises (the folder may not be ours to change)."""
    old = old_pack(pack)
    try:
        if old.is_dir():
            if pack.exists():  # stopped after the new pack went in: the old one is spare
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.rename(pack)
    except OSError:
        pass
    try:
        now = time.time()
        for tmp in pack.parent.glob(f".{pack.name}-new-*"):
            if tmp.is_dir() and now - tmp.stat().st_mtime > STALE_BUILD_S:
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        pass
