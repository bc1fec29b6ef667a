"""The built-in leg's skin over its own muscles: the share of the built-in muscle vertices
below the skin's top cut lying outside the posed skin (by winding number; below the cut
posed, where the skin can cover them), without and with its learnt moves for the bent knee
(:mod:`calfexplorer.geometry.skin_knee_learn`), at rest, knee 60/90/120 and ankle -30/+20;
the worst muscles; faces turned over; the time to learn the moves (as build-assets does) and
to pose the skin. Prints numbers, asserts nothing.

    .venv/bin/python benchmarks/bench_builtin_skin.py [--assets DIR] [--learn]

``--learn`` learns the moves afresh over the assets' skin (else those saved in skin.npz).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from calfexplorer.assets import load_assets
from calfexplorer.biomech import Pose
from calfexplorer.geometry import skin_fit
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.implicit import fast_winding_number
from calfexplorer.geometry.mesh import vertex_normals
from calfexplorer.geometry.skin import SKIN_FILE, Skin, load_skin
from calfexplorer.geometry.skin_knee_learn import LID, builtin_knee_moves
from calfexplorer.geometry.skin_untangle import turned_face_count
from calfexplorer.geometry.source import pose_state
from calfexplorer.paths import assets_dir
from skin_measures import pose_ms, print_turned_over_by_knee

POSES = ((0, 0), (60, 0), (90, 0), (120, 0), (0, -30), (0, 20))


def outside(skin: Skin, points: np.ndarray, owner: np.ndarray, bodies: dict,
            rest_bodies: dict) -> tuple[float, float, str]:
    """The share of ``points`` outside the skin posed in ``bodies`` by winding number, below
    its top cut posed, the largest depth (mm, nearest normal) and the three worst owners."""
    v = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
    h, _ = skin_fit.depths(v, vertex_normals(v, skin.faces).astype(np.float64), points)
    doubt = np.flatnonzero((h > 0) & (points[:, 2] < skin.cut_z - LID))
    out = doubt[fast_winding_number(points[doubt], v, skin.faces) < 0.5]
    ids, counts = np.unique(owner[out], return_counts=True)
    worst = ", ".join(f"{i} {c}" for c, i in sorted(zip(counts, ids, strict=True))[::-1][:3])
    return len(out) / len(points), float(h[out].max() * 1000) if len(out) else 0.0, worst


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=Path, default=None)
    ap.add_argument("--learn", action="store_true")
    args = ap.parse_args()
    folder = args.assets or assets_dir()
    assets = load_assets(folder)
    skin = load_skin(folder / SKIN_FILE)
    plain = replace(skin, knee_grid=None, knee_moves=None)
    if args.learn:
        t0, c0 = time.perf_counter(), time.process_time()
        skin = builtin_knee_moves(plain, assets)
        print(f"moves learnt in {time.perf_counter() - t0:.2f} s "
              f"({time.process_time() - c0:.2f} s CPU)")
    if skin.knee_moves is not None and skin.knee_grid is not None:
        size = np.linalg.norm(skin.knee_moves, axis=2)
        print(f"moves at knees {np.round(skin.knee_grid, 1).tolist()} deg: up to "
              f"{size.max() * 1000:.1f} mm, {np.mean(size.max(axis=0) > 1e-4):.1%} of vertices "
              f"moved, {skin.knee_moves.nbytes / 1e6:.2f} MB as float32")
    muscles = sorted(s for s in assets.meshes if assets.kinds.get(s) == "muscle")
    rest = np.concatenate([np.asarray(assets.meshes[s].vertices, np.float64) for s in muscles])
    owner = np.concatenate([np.full(len(assets.meshes[s].vertices), s) for s in muscles])
    keep = skin_fit.covered(skin, rest)
    print(f"built-in muscle vertices below the skin's cut: {keep.sum()}")
    deformer = Deformer(assets)
    rest_bodies = pose_state(None).bodies
    skins = (("no knee moves", plain), ("knee moves", skin))
    for knee, ankle in POSES:
        state = pose_state(Pose(**skin_fit.angles_of(knee, ankle)))
        points = skin_fit.stack_posed(deformer.pose(state), assets.meshes, muscles)[keep]
        for name, s in skins:
            share, deepest, worst = outside(s, points, owner[keep], state.bodies, rest_bodies)
            print(f"knee {knee:3d} ankle {ankle:3d} {name:13s}: outside {share:6.2%}, deepest "
                  f"{deepest:4.1f} mm, faces turned over "
                  f"{turned_face_count(s, rest_bodies, state.bodies)}; {worst}")
    print_turned_over_by_knee(plain, skin)
    for knee in (90, 120):
        bodies = pose_state(Pose(**skin_fit.angles_of(knee, 0))).bodies
        print(f"pose the skin at knee {knee}: without the knee moves "
              f"{pose_ms(plain, rest_bodies, bodies):.2f} ms, with them "
              f"{pose_ms(skin, rest_bodies, bodies):.2f} ms (median of 50)")


if __name__ == "__main__":
    main()
