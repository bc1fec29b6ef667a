"""The command-line commands (``calfexplorer <command>``), one module each."""

from __future__ import annotations

import sys


def warn_data_problems(command: str, count: int, going_on: str) -> None:
    """One warning line on stderr when the data files had ``count`` problems (none: nothing)."""
    if count:
        print(f"calfexplorer {command}: warning: the data files have {count} problem"
              f"{'s' if count != 1 else ''}; run 'calfexplorer validate'. {going_on}",
              file=sys.stderr)
