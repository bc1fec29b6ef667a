"""``calfexplorer check-geometry``: per-structure mesh quality and atlas coverage."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("--assets", type=Path, default=None, help="assets folder")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--failures", action="store_true", help="list only failing structures")


def run(args: argparse.Namespace) -> int:
    """Print the report; exit status 1 when any check fails."""
    import sys

    from calfexplorer.assets import REBUILD_HINT, load_assets
    from calfexplorer.assets.manifest import stale_reasons
    from calfexplorer.assets.write import current_inputs
    from calfexplorer.atlas import load_atlas
    from calfexplorer.geometry.params import load_params
    from calfexplorer.geometry.quality import check_assets

    assets = load_assets(args.assets)
    if not assets.meshes:
        print(
            f"calfexplorer check-geometry: error: no meshes to check: {assets.problem}; "
            f"{REBUILD_HINT}",
            file=sys.stderr,
        )
        return 1
    atlas, _ = load_atlas()
    report = check_assets(assets, atlas, load_params().no_geometry)
    stale = stale_reasons(assets.manifest or None, current_inputs())
    if args.json:
        doc = {
            "ok": report.ok and not stale and not assets.problem,
            "problem": assets.problem,
            "stale": stale,
            "coverage": report.coverage,
            "unavailable": assets.unavailable,
            "structures": [vars(s) for s in report.structures],
        }
        print(json.dumps(doc, indent=1))
        return 0 if doc["ok"] else 1
    print(f"{'structure':58} {'kind':7} {'tris':>6} {'closed':>6} {'in bone':>8}  notes")
    for s in sorted(report.structures, key=lambda r: (r.kind, r.id)):
        if args.failures and not s.problems:
            continue
        closed = "yes" if not (s.open_edges or s.misoriented_edges) else "NO"
        inb = f"{s.inside_bone:.2%}" if s.inside_bone is not None else "-"
        note = "; ".join(s.problems) or (f"on {s.on_bone}" if s.on_bone else "ok")
        print(f"{s.id:58} {s.kind:7} {s.triangles:6d} {closed:>6} {inb:>8}  {note}")
    for line in report.coverage:
        print(f"COVERAGE: {line}")
    if assets.problem:
        print(f"PROBLEM: {assets.problem} ({REBUILD_HINT})")
    for reason in stale:
        print(f"STALE: {reason} (run calfexplorer build-assets)")
    failed = sum(1 for s in report.structures if s.problems)
    print(f"{len(report.structures)} meshes, {failed} failing, {len(report.coverage)} coverage "
          f"problems, {'stale' if stale else 'up to date'}")
    return 0 if report.ok and not stale and not assets.problem else 1
