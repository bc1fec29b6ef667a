"""The BodyParts3D leg's skin: how much of the pack's tissue lies outside the built-in skin and
outside the pack's own skin (:mod:`calfexplorer.anatomy.pack_skin`), at rest and in the preset
poses; how far the pack skin moved; its smoothness (dihedral angles, faces turned over); the
time to fit it. Prints numbers, asserts nothing.

    .venv/bin/python benchmarks/bench_pack_skin.py [--pack DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from calfexplorer.anatomy import pack_skin
from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
from calfexplorer.anatomy.leg_poser import PackLegPoser
from calfexplorer.biomech import Pose
from calfexplorer.geometry.mesh import face_normals
from calfexplorer.geometry.skin import SKIN_FILE, Skin, load_skin
from calfexplorer.geometry.source import pose_state
from calfexplorer.paths import assets_dir

POSES = ((0, 0), (0, -30), (0, 30), (90, 0), (90, -30), (120, 0), (120, 30))


def dihedral_deg(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """The angle between the normals of each pair of faces sharing an edge (degrees)."""
    fn = face_normals(vertices, faces)
    edges = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    owner = np.tile(np.arange(len(faces)), 3)
    order = np.lexsort((edges[:, 1], edges[:, 0]))
    e, o = edges[order], owner[order]
    same = np.all(e[1:] == e[:-1], axis=1)
    a, b = o[:-1][same], o[1:][same]
    return np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", fn[a], fn[b]), -1, 1)))


def outside(skin: Skin, points: np.ndarray, keep: np.ndarray, knee: float, ankle: float,
            rest_bodies: dict) -> tuple[float, float, float]:
    """Share of the covered muscle points outside the posed skin, and p95/max of how far (mm)."""
    bodies = pose_state(Pose(**pack_skin.angles_of(knee, ankle))).bodies
    v = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
    from calfexplorer.geometry.mesh import vertex_normals

    h, _ = pack_skin.depths(v, vertex_normals(v, skin.faces).astype(np.float64), points[keep])
    out = h[h > 0] * 1000
    if not len(out):
        return 0.0, 0.0, 0.0
    return len(out) / len(h), float(np.percentile(out, 95)), float(out.max())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", type=Path, default=None)
    args = ap.parse_args()
    leg, problem = load_leg(BODYPARTS3D, pack=args.pack)
    if leg.pack is None:
        raise SystemExit(f"no pack leg: {problem}")
    pack = leg.pack
    builtin = load_skin(assets_dir() / SKIN_FILE)
    poser = PackLegPoser(leg)
    t0 = time.perf_counter()
    fitted = pack_skin.fit_skin(builtin, *_inputs(poser, pack, builtin))
    print(f"fit (poses posed beforehand) {time.perf_counter() - t0:.2f} s")
    muscles = sorted(s for s in pack.meshes if pack.kinds.get(s) == "muscle")
    rest_m = np.concatenate([np.asarray(pack.meshes[s].vertices, np.float64) for s in muscles])
    keep = pack_skin.covered(builtin, rest_m)
    rest_bodies = pose_state(None).bodies
    print(f"pack muscle vertices below the skin's cut: {keep.sum()}")
    for knee, ankle in POSES:
        pts = rest_m if (knee, ankle) == (0, 0) else pack_skin.posed_points(
            poser, pack, muscles, pack_skin.angles_of(knee, ankle))
        for name, skin in (("built-in", builtin), ("pack", fitted)):
            share, p95, mx = outside(skin, pts, keep, knee, ankle, rest_bodies)
            print(f"knee {knee:3d} ankle {ankle:3d} {name:8s} skin: {share:6.2%} of muscle "
                  f"vertices outside, p95 {p95:.1f} mm, max {mx:.1f} mm")
    move = np.linalg.norm(fitted.vertices - builtin.vertices, axis=1) * 1000
    print(f"skin moved: max {move.max():.1f} mm, mean {move.mean():.2f} mm, "
          f"moved >0.1 mm {np.mean(move > 0.1):.1%} of vertices")
    for name, skin in (("built-in", builtin), ("pack", fitted)):
        d = dihedral_deg(skin.vertices.astype(np.float64), skin.faces)
        print(f"{name} skin dihedral p50 {np.percentile(d, 50):.1f} p99 {np.percentile(d, 99):.1f}"
              f" max {d.max():.1f} deg")
    before = face_normals(builtin.vertices.astype(np.float64), builtin.faces)
    after = face_normals(fitted.vertices.astype(np.float64), fitted.faces)
    print(f"faces turned over: {int((np.einsum('ij,ij->i', before, after) < 0).sum())}")


def _inputs(poser: PackLegPoser, pack: object, builtin: Skin) -> tuple[np.ndarray, list]:
    ids, rest = pack_skin.pack_points(pack)
    rest_bodies = pose_state(None).bodies
    posed = [(pack_skin.posed_points(poser, pack, ids, pack_skin.angles_of(k, a)), rest_bodies,
              pose_state(Pose(**pack_skin.angles_of(k, a))).bodies)
             for k, a in pack_skin.FIT_POSES_DEG]
    return rest, posed


if __name__ == "__main__":
    main()
