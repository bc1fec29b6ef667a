"""``calfexplorer lesion``: what a patient loses when a nerve or a spinal root is injured."""

from __future__ import annotations

import argparse
import json
import sys

from calfexplorer.commands import warn_data_problems


def register(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    parser.add_argument("nerve", nargs="?", help="nerve to cut, e.g. common_fibular_nerve")
    parser.add_argument("--at", metavar="LEVEL", help="where to cut it, e.g. fibular_neck")
    parser.add_argument(
        "--root", action="append", default=[], metavar="ROOT", help="a damaged root, e.g. L5"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--list", action="store_true", help="list the nerves, levels and roots")


def run(args: argparse.Namespace) -> int:
    """Print the consequences; a wrong nerve, level or root exits 2 with the valid ones."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.lesion import Lesion, LesionError, open_lesion_model
    from calfexplorer.lesion.report import result_data, result_text

    atlas, problems = load_atlas()
    model, lesion_problems = open_lesion_model(atlas)
    if lesion_problems and not model.nerves():  # (the lesion data could not be read at all)
        print(f"calfexplorer lesion: error: the lesion data cannot be used: "
              f"{lesion_problems[0]}; run 'calfexplorer validate'", file=sys.stderr)
        return 1
    warn_data_problems("lesion", len(problems) + len(lesion_problems),
                       "Using the valid entries.")
    if args.list:
        if args.nerve or args.at or args.root:  # (they were ignored: the whole list printed)
            print("calfexplorer lesion: error: --list lists every nerve, level and root; give "
                  "it alone (or a nerve or --root without it)", file=sys.stderr)
            return 2
        levels = {n: [e.level for e in model.levels(n) if e.level] for n in model.nerves()}
        if args.json:  # (it printed the text list)
            print(json.dumps({"nerves": levels, "roots": model.roots()}, indent=2))
            return 0
        for nerve, at in levels.items():
            print(f"{nerve}: {', '.join(at)}")
        print(f"roots: {', '.join(model.roots())}")
        return 0
    if args.at and not args.nerve:
        print("calfexplorer lesion: error: --at needs a nerve, e.g. common_fibular_nerve --at "
              f"{args.at}; see --list", file=sys.stderr)
        return 2
    if not args.nerve and not args.root:
        print("calfexplorer lesion: error: name a nerve (with --at LEVEL) or give --root; see "
              "--list", file=sys.stderr)
        return 2
    try:
        cuts = (model.cut(args.nerve, args.at),) if args.nerve else ()
        roots = tuple(dict.fromkeys(model.root(r) for r in args.root))
    except LesionError as exc:
        print(f"calfexplorer lesion: error: {exc}", file=sys.stderr)
        return 2
    result = model.compute(Lesion(cuts, roots))
    if args.json:
        print(json.dumps(result_data(atlas, result), indent=2, ensure_ascii=False))
    else:
        print(result_text(atlas, result))
    return 0
