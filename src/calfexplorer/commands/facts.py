"""``calfexplorer facts``: print the atlas as JSON (``--json``) or Markdown (``--markdown``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas
    from calfexplorer.lesion.data import LesionData


def register(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON document (the default)")
    fmt.add_argument(
        "--markdown",
        action="store_true",
        help="a table per structure (muscles, bones, nerves, vessels, regions...), for teachers",
    )
    parser.add_argument("--data", type=Path, help="data folder (default: the app's data/)")
    parser.add_argument("--id", action="append", help="only these structure ids (repeatable)")


def run(args: argparse.Namespace) -> int:
    """Print the facts; problems in the data go to stderr and make the exit code 1."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.commands import data_folder_problem

    if problem := data_folder_problem(args.data):
        print(f"calfexplorer facts: {problem}", file=sys.stderr)
        return 2
    atlas, problems = load_atlas(args.data)
    for item in problems:
        print(item, file=sys.stderr)
    unknown = [i for i in args.id or () if i not in atlas]
    if unknown:
        from calfexplorer.atlas.messages import did_you_mean

        hint = did_you_mean(unknown[0], atlas.structures) if len(unknown) == 1 else ""
        print(f"calfexplorer facts: unknown structure id: {', '.join(unknown)}{hint}",
              file=sys.stderr)
        return 2
    clinical, lesion_problems = _lesion_data(atlas, args)
    try:
        _print(atlas, args, clinical)
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        sys.stderr.close()
    return 1 if problems or lesion_problems else 0


def _lesion_data(atlas: Atlas, args: argparse.Namespace) -> tuple[LesionData | None, list]:
    """The folder's lesion data (nerve courses, reflexes, dermatomes, signs), if it has one,
    and its problems, which go to stderr like the atlas's."""
    from calfexplorer.lesion.data import FILE, load_lesion_data
    from calfexplorer.paths import data_dir

    folder = args.data if args.data is not None else data_dir()
    if not (folder / FILE).exists():
        return None, []
    data, problems = load_lesion_data(atlas, folder)
    for problem in problems:
        print(problem, file=sys.stderr)
    return data, list(problems)


def _print(atlas: Atlas, args: argparse.Namespace, clinical: LesionData | None) -> None:
    from calfexplorer.atlas.export import atlas_facts, atlas_markdown, cited_markdown

    if args.markdown:
        if args.id:
            print(cited_markdown(atlas, args.id))
        else:
            sys.stdout.write(atlas_markdown(atlas))
            if clinical is not None:
                from calfexplorer.lesion.export import clinical_markdown

                sys.stdout.write("\n" + clinical_markdown(atlas, clinical))
    else:
        doc = atlas_facts(atlas)
        if clinical is not None:
            from calfexplorer.lesion.export import clinical_facts

            doc["clinical"] = clinical_facts(atlas, clinical)
        if args.id:
            doc["structures"] = [s for s in doc["structures"] if s["id"] in args.id]
        json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
