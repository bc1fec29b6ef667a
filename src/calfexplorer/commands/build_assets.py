"""``calfexplorer build-assets``: rebuild assets/meshes from the MyoLeg model and data/geometry."""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("--out", type=Path, default=None, help="folder (default: assets/meshes)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")


def run(args: argparse.Namespace) -> int:
    """Build every mesh and write the glTF file, manifest and notice."""
    from calfexplorer.assets.write import current_inputs, write_assets
    from calfexplorer.geometry.build import build_all
    from calfexplorer.geometry.source import source_info
    from calfexplorer.paths import assets_dir

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
    folder = args.out or assets_dir()
    manifest = write_assets(folder, built, current_inputs(), source_info(), say=print)
    from calfexplorer.assets import load_assets
    from calfexplorer.geometry.skin import SKIN_FILE, build_skin, save_skin

    say("skin: wrapping the bones, muscles and tendons")
    save_skin(folder / SKIN_FILE, build_skin(load_assets(folder)))
    print(f"built {len(manifest['meshes'])} meshes and the skin in "
          f"{time.perf_counter() - t0:.1f} s")
    return 0
