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
    from calfexplorer.commands import data_folder_problem

    if problem := data_folder_problem(args.dir):
        print(f"calfexplorer validate: {problem}", file=sys.stderr)
        return 2
    atlas, problems = load_atlas(args.dir)
    lesion_data = None
    if _has_lesion_file(args.dir):
        from calfexplorer.lesion import load_lesion_data

        lesion_data, lesion_problems = load_lesion_data(atlas, args.dir)
        problems = problems + lesion_problems
    found: list[object] = [*problems, *_other_files(atlas, args.dir, lesion_data)]
    for item in found:
        print(item)
    if found:
        n = len(found)
        print(f"{n} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return 1
    lesions = f", {len(lesion_data.courses)} nerve courses" if lesion_data else ""
    print(f"{len(atlas)} structures, {len(atlas.references)} references{lesions}: OK")
    return 0


def _other_files(atlas: object, folder: Path | None, lesion_data: object = None) -> list[object]:
    """Problems of the folder's other data files, where it has them: the skin map, the 3D
    geometry parameters and the BodyParts3D mapping (each read as the app reads it)."""
    from calfexplorer.paths import data_dir

    root = folder if folder is not None else data_dir()
    found: list[object] = []
    if (root / "skin_map.yaml").exists():
        from calfexplorer.lesion.skin_map import load_skin_map, unmapped_areas

        skin_map, skin_problems = load_skin_map(atlas, root)
        found += skin_problems
        if lesion_data is not None:
            found += unmapped_areas(skin_map, lesion_data)
    if (root / "geometry").is_dir():
        from calfexplorer.geometry.params import GeometryDataError, load_params

        try:
            load_params(root)
        except GeometryDataError as exc:
            found.append(str(exc))
    if (root / "bodyparts3d.yaml").exists():
        from calfexplorer.anatomy.mapping import mapping_problems

        found += mapping_problems(root / "bodyparts3d.yaml", atlas)
    return found


def _has_lesion_file(folder: Path | None) -> bool:
    """The lesion data is optional in a folder of one's own, always checked in the one the
    app reads (its absence is a problem there: the lesion mode and its cards need it)."""
    from calfexplorer.lesion.data import FILE

    return folder is None or (folder / FILE).exists()
