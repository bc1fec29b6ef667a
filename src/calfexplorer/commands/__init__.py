"""The command-line commands (``calfexplorer <command>``), one module each."""

from __future__ import annotations

import sys
from pathlib import Path


def comma_list(text: str) -> list[str]:
    """An option's comma-separated items, stripped, empty ones left out."""
    return [item.strip() for item in text.split(",") if item.strip()]


def warn_data_problems(command: str, count: int, going_on: str) -> None:
    """One warning line on stderr when the data files had ``count`` problems (none: nothing)."""
    if count:
        print(f"calfexplorer {command}: warning: the data files have {count} problem"
              f"{'s' if count != 1 else ''}; run 'calfexplorer validate'. {going_on}",
              file=sys.stderr)


def data_folder_problem(folder: Path | str | None) -> str | None:
    """Why a data folder given on the command line cannot be read, or None (none given is
    the app's own)."""
    if folder is None:
        return None
    path = Path(folder)
    if path.is_dir():
        from calfexplorer.atlas.loader import no_data_in

        return no_data_in(path)
    if path.exists():
        return f"{path} is a file, not a data folder"
    return f"data folder not found: {path}"
