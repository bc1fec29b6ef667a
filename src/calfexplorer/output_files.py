"""Output files of the subcommands: checked before any long work, and verified after writing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def output_problem(path: Path | str, example: str) -> str | None:
    """Why ``path`` cannot be written as a new or replaced file (None when it can).

    Creates missing parent folders, as writing would. ``example`` is a file name to suggest when
    ``path`` is a folder. Checks by writing a scratch file next to it, so a read-only folder, a
    parent that is a file or a folder in /proc is caught even when running as root.
    """
    path = Path(path)
    if path.is_dir():
        return f"{path} is a folder; give a file name, e.g. {path / example}"
    parent = path.parent
    blocker = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        return f"cannot write {path}: {blocker} is a file, not a folder"
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the folder {parent}: {exc.strerror or exc}"
    if not parent.is_dir():
        return f"cannot write into {parent}: it is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".calfexplorer-", delete=True):
            pass
    except OSError as exc:
        return f"cannot write into the folder {parent}: {exc.strerror or exc}"
    if path.exists() and not os.access(path, os.W_OK):
        return f"cannot replace {path}: it is read-only"
    return None


def written_problem(path: Path | str) -> str | None:
    """Why ``path`` was not written after all (None when it is a non-empty file)."""
    path = Path(path)
    if not path.is_file():
        return f"nothing was written to {path}"
    if path.stat().st_size == 0:
        return f"{path} was written empty"
    return None
