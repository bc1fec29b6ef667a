"""``calfexplorer check-geometry``: per-structure mesh quality and atlas coverage, for the
built-in meshes and for the BodyParts3D leg when its pack is installed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BOTH = "both"


def register(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("--assets", type=Path, default=None, help="assets folder")
    parser.add_argument("--model", choices=["builtin", "bodyparts3d", BOTH], default=None,
                        help="which leg to check: the built-in meshes, the BodyParts3D anatomy "
                             "pack (with the built-in nerves and vessels it keeps), or both "
                             "(default: both when a pack is installed, else the built-in)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--failures", action="store_true",
                        help="list only failing structures (in the JSON too)")


def _fail(message: str) -> int:
    print(f"calfexplorer check-geometry: error: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    """Print the report; exit status 1 when any check fails."""
    from calfexplorer.anatomy.leg_model import load_pack, pack_installed
    from calfexplorer.assets import BODYPARTS3D, BUILTIN, REBUILD_HINT, load_assets
    from calfexplorer.atlas import load_atlas
    from calfexplorer.paths import anatomy_pack_dir

    model = args.model or (BOTH if pack_installed() else BUILTIN)
    assets = load_assets(args.assets)
    if not assets.meshes:
        return _fail(f"no meshes to check: {assets.problem}; {REBUILD_HINT}")
    pack = None
    if model in (BODYPARTS3D, BOTH):
        folder = anatomy_pack_dir()
        if not pack_installed(folder):
            return _fail(f"no BodyParts3D anatomy pack in {folder}; run 'calfexplorer "
                         "get-anatomy' to get it")
        pack, problem = load_pack(folder)
        if problem:
            return _fail(problem)
    atlas, _ = load_atlas()
    doc: dict[str, Any] = {}
    ok = True
    if model in (BUILTIN, BOTH):
        ok &= _builtin(args, assets, atlas, doc)
    if pack is not None:
        ok &= _pack(args, pack, assets, atlas, doc)
    if args.json:
        doc["ok"] = ok
        print(json.dumps(doc, indent=1))
    return 0 if ok else 1


def _builtin(args: argparse.Namespace, assets: Any, atlas: Any, doc: dict[str, Any]) -> bool:
    """Check the built-in meshes; print (or put into ``doc``) the report; True when it passes."""
    from calfexplorer.assets import REBUILD_HINT
    from calfexplorer.assets.manifest import stale_reasons
    from calfexplorer.assets.write import current_inputs
    from calfexplorer.geometry.params import load_params
    from calfexplorer.geometry.quality import check_assets

    report = check_assets(assets, atlas, load_params().no_geometry)
    stale = stale_reasons(assets.manifest or None, current_inputs())
    ok = report.ok and not stale and not assets.problem
    if args.json:
        doc.update({
            "problem": assets.problem,
            "stale": stale,
            "coverage": report.coverage,
            "unavailable": assets.unavailable,
            "structures": [vars(s) for s in report.structures
                           if s.problems or not args.failures],
        })
        return ok
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
    return ok


def _pack(args: argparse.Namespace, pack: Any, builtin: Any, atlas: Any,
          doc: dict[str, Any]) -> bool:
    """Check the BodyParts3D leg; print (or put into ``doc``) the report; True when it passes."""
    from calfexplorer.anatomy.pack_check import check_pack

    report = check_pack(pack, builtin, atlas)
    if args.json:
        doc["bodyparts3d"] = {
            "pack": str(pack.path), "ok": report.ok, "coverage": report.coverage,
            "structures": [vars(i) for i in report.items if i.problems or not args.failures],
        }
        return report.ok
    print(f"\nBodyParts3D leg ({pack.path}):")
    print(f"{'structure':58} {'kind':7} {'tris':>6}  measure; notes")
    order = {"muscle": 0, "tendon": 1, "site": 2}
    kept = [i for i in report.items if i.kept]
    for i in sorted(report.items, key=lambda r: (order.get(r.kind, 3), r.kept, r.kind, r.id)):
        if args.failures and not i.problems:
            continue
        note = "; ".join(i.problems + i.notes)
        print(f"{i.id:58} {i.kind:7} {i.triangles:6d}  {i.measure}{'; ' + note if note else ''}")
    for line in report.coverage:
        print(f"COVERAGE: {line}")
    failed = sum(1 for i in report.items if i.problems)
    print(f"BodyParts3D leg: {len(report.items) - len(kept)} pack meshes and {len(kept)} kept "
          f"built-in nerves and vessels checked, {failed} failing, {len(report.coverage)} "
          "coverage problems")
    return report.ok
