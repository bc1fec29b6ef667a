"""``calfexplorer validate [DIR]``: check a data folder and print every problem at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    parser.add_argument(
        "dir", nargs="?", type=Path, help="data folder to check (default: the app's data/)"
    )


def run(args: argparse.Namespace) -> int:
    """Print each problem on its own line; exit 1 when there is any, else print a summary."""
    from calfexplorer.atlas import load_atlas

    atlas, problems = load_atlas(args.dir)
    for problem in problems:
        print(problem)
    if problems:
        n = len(problems)
        print(f"{n} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return 1
    print(f"{len(atlas)} structures, {len(atlas.references)} references: OK")
    return 0
