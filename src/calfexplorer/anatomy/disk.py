"""Free-space checks before long writes, and the message for a full disk."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from calfexplorer.anatomy.errors import AnatomyError

MB = 1_000_000


def ensure_space(folder: Path, needed: int, what: str) -> None:
    """Raise AnatomyError when ``folder``'s disk has under ``needed`` bytes free."""
    probe = next((p for p in (folder, *folder.parents) if p.exists()), folder)
    free = shutil.disk_usage(probe).free
    if free < needed:
        raise AnatomyError(
            f"not enough free disk space in {folder} to {what}: {needed / MB:.0f} MB needed, "
            f"{free / MB:.0f} MB free; free some space and run get-anatomy again"
        )


def is_disk_full(exc: OSError) -> bool:
    """Whether an OSError means the disk (or quota) is full."""
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)


def write_failed(exc: OSError, path: Path) -> AnatomyError:
    """The one-line error for a failed write to ``path``."""
    if is_disk_full(exc):
        return AnatomyError(f"the disk is full while writing {path}; free some space and try again")
    return AnatomyError(f"cannot write {path}: {exc.strerror or exc}")
