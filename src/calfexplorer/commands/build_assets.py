"""``calfexplorer build-assets``: rebuild assets/meshes from the MyoLeg model and data/geometry."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("--out", default=None, help="folder (default: assets/meshes)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")


def run(args: argparse.Namespace) -> int:
    """Build every mesh and write the glTF file, manifest and notice."""
    from calfexplorer.assets.write import current_inputs, write_assets
    from calfexplorer.geometry.build import build_all
    from calfexplorer.geometry.source import source_info
    from calfexplorer.output_files import folder_problem
    from calfexplorer.paths import assets_dir

    folder = Path(args.out) if args.out is not None else assets_dir()
    # (checked before a minute of building: a folder it cannot write failed only at the end)
    if args.out is not None:
        if problem := _out_problem(args.out) or folder_problem(folder):
            print(f"calfexplorer build-assets: error: --out: {problem}", file=sys.stderr)
            return 2
    elif problem := folder_problem(folder):
        print(f"calfexplorer build-assets: error: {problem}; give another with --out",
              file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))
    built = build_all(progress=say)
    from calfexplorer.atlas import load_atlas
    from calfexplorer.geometry.regions import build_regions

    atlas, _ = load_atlas()
    built += build_regions({b.id: b.mesh for b in built}, atlas,
                           {b.id: b.body for b in built}, say)
    from calfexplorer.geometry.fascia import build_crural_fascia

    say("crural fascia")
    built.append(build_crural_fascia(built))
    manifest = write_assets(folder, built, current_inputs(), source_info(), say=print)
    from calfexplorer.assets import load_assets
    from calfexplorer.geometry.skin import SKIN_FILE, build_skin, save_skin
    from calfexplorer.geometry.skin_knee_learn import KNEES_DEG, builtin_knee_moves

    say("skin: wrapping the bones, muscles and tendons")
    assets = load_assets(folder)
    skin = build_skin(assets)
    say(f"skin: learning its moves for the knee bent {'/'.join(map(str, KNEES_DEG))} degrees")
    save_skin(folder / SKIN_FILE, builtin_knee_moves(skin, assets))
    print(f"built {len(manifest['meshes'])} meshes and the skin in "
          f"{time.perf_counter() - t0:.1f} s")
    return 0


def _out_problem(given: str) -> str | None:
    """Why ``out`` may not take the meshes (None: it may): only an empty folder, or one this
    command wrote, is written into (the user's own manifest.json and NOTICE.md in a folder
    were replaced without a word, and '' wrote into the current folder)."""
    from calfexplorer.assets.manifest import GLB, MANIFEST, NOTICE, parsed_manifest
    from calfexplorer.geometry.skin import SKIN_FILE

    if not given.strip():  # (Path("") is the current folder)
        return "no folder given"
    out = Path(given)
    if out.exists() and not out.is_dir():
        return f"{out} is a file, not a folder"
    if not out.is_dir():
        return None
    others = sorted(p.name for p in out.iterdir() if p.name not in {GLB, MANIFEST, NOTICE,
                                                                      SKIN_FILE})
    ours = parsed_manifest(out).get("generator", {}) if (out / MANIFEST).exists() else None
    made_here = isinstance(ours, dict) and ours.get("name") == "calfexplorer"
    if others or (ours is not None and not made_here):
        held = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "") if others else MANIFEST
        return (f"{out} holds files build-assets did not write ({held}): give an empty folder "
                "or one it wrote before")
    return None
