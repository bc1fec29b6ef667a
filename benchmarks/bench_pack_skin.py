"""The BodyParts3D leg's skin: how much of the pack's tissue lies outside the built-in skin and
outside the pack's own skin (:mod:`calfexplorer.anatomy.pack_skin`), without and with its
moves for the bent knee (:mod:`calfexplorer.geometry.skin_knee_learn`), at rest and in the preset
poses: by the nearest vertex's normal (which also counts tissue in the fold behind the knee,
under the other segment's skin) and by the skin's winding number (all of it, and that below
the skin's top cut posed: the hamstrings slide up through the cut as the knee bends); how far
the pack skin moved; its smoothness (dihedral angles, faces turned over at rest and posed); the
time to fit it and to pose it. Prints numbers, asserts nothing.

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
from calfexplorer.geometry import skin_fit, skin_knee_learn
from calfexplorer.geometry.implicit import fast_winding_number
from calfexplorer.geometry.mesh import face_normals, vertex_normals
from calfexplorer.geometry.mesh_graph import face_edges
from calfexplorer.geometry.skin import SKIN_FILE, Skin, load_skin
from calfexplorer.geometry.skin_untangle import turned_face_count
from calfexplorer.geometry.source import pose_state
from calfexplorer.paths import assets_dir
from skin_measures import pose_ms, print_turned_over_by_knee

POSES = ((0, 0), (0, -30), (0, 30), (90, 0), (90, -30), (120, 0), (120, 30))


def dihedral_deg(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """The angle between the normals of each pair of faces sharing an edge (degrees)."""
    fn = face_normals(vertices, faces)
    edges = np.sort(face_edges(faces), axis=1)
    owner = np.tile(np.arange(len(faces)), 3)
    order = np.lexsort((edges[:, 1], edges[:, 0]))
    e, o = edges[order], owner[order]
    same = np.all(e[1:] == e[:-1], axis=1)
    a, b = o[:-1][same], o[1:][same]
    return np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", fn[a], fn[b]), -1, 1)))


def outside(skin: Skin, points: np.ndarray, keep: np.ndarray, knee: float, ankle: float,
            rest_bodies: dict) -> str:
    """The shares of the covered muscle points outside the posed skin (by the nearest normal;
    by the winding number, all and below the top cut), and p95/max of how far (mm, nearest
    normal, of those outside by the winding number)."""
    bodies = pose_state(Pose(**skin_fit.angles_of(knee, ankle))).bodies
    v = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
    p = points[keep]
    h, _ = skin_fit.depths(v, vertex_normals(v, skin.faces).astype(np.float64), p)
    doubt = np.flatnonzero(h > 0)
    out = doubt[fast_winding_number(p[doubt], v, skin.faces) < 0.5]
    below = out[p[out, 2] < skin.cut_z - skin_knee_learn.LID]
    far = h[out] * 1000 if len(out) else np.zeros(1)
    return (f"normal {len(doubt) / len(p):6.2%}, winding {len(out) / len(p):6.2%} "
            f"(below the cut {len(below) / len(p):5.2%}), p95 {np.percentile(far, 95):.1f} mm, "
            f"max {far.max():.1f} mm")


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
    plain = pack_skin.fit_skin(builtin, *_inputs(poser, pack, builtin))
    print(f"fit (poses posed beforehand) {time.perf_counter() - t0:.2f} s")
    ids, rest_all = pack_skin.pack_points(pack)
    t0, c0 = time.perf_counter(), time.process_time()
    fitted = skin_knee_learn.learn_knee_moves(
        plain, rest_all, lambda a: pack_skin.posed_points(poser, pack, ids, a))
    print(f"moves for the bent knee learnt in {time.perf_counter() - t0:.2f} s "
          f"({time.process_time() - c0:.2f} s CPU; knees {skin_knee_learn.KNEES_DEG}), "
          f"up to {np.linalg.norm(fitted.knee_moves, axis=2).max() * 1000:.1f} mm, "
          f"{np.asarray(fitted.knee_moves).nbytes / 1e6:.2f} MB as float32")
    muscles = sorted(s for s in pack.meshes if pack.kinds.get(s) == "muscle")
    rest_m = np.concatenate([np.asarray(pack.meshes[s].vertices, np.float64) for s in muscles])
    keep = skin_fit.covered(builtin, rest_m)
    rest_bodies = pose_state(None).bodies
    print(f"pack muscle vertices below the skin's cut: {keep.sum()}")
    skins = (("built-in", builtin), ("pack, no knee moves", plain), ("pack", fitted))
    for knee, ankle in POSES:
        pts = rest_m if (knee, ankle) == (0, 0) else pack_skin.posed_points(
            poser, pack, muscles, skin_fit.angles_of(knee, ankle))
        bodies = pose_state(Pose(**skin_fit.angles_of(knee, ankle))).bodies
        for name, skin in skins:
            posed = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
            d = dihedral_deg(posed, skin.faces)
            turned = "" if skin is builtin else \
                (f", faces turned over {turned_face_count(skin, rest_bodies, bodies)}, "
                 f"dihedral p99 {np.percentile(d, 99):.1f} deg, "
                 f"{int((d > 150).sum())} edges over 150")
            print(f"knee {knee:3d} ankle {ankle:3d} {name:19s}: "
                  f"{outside(skin, pts, keep, knee, ankle, rest_bodies)}{turned}")
    print_turned_over_by_knee(plain, fitted)
    for knee in (90, 120):
        bodies = pose_state(Pose(**skin_fit.angles_of(knee, 0))).bodies
        print(f"pose the skin at knee {knee}: without the knee moves "
              f"{pose_ms(plain, rest_bodies, bodies):.2f} ms, with them "
              f"{pose_ms(fitted, rest_bodies, bodies):.2f} ms (median of 50)")
    move = np.linalg.norm(fitted.vertices - builtin.vertices, axis=1) * 1000
    print(f"skin moved: max {move.max():.1f} mm, mean {move.mean():.2f} mm, "
          f"moved >0.1 mm {np.mean(move > 0.1):.1%} of vertices")
    for name, skin in (("built-in", builtin), ("pack", fitted)):
        d = dihedral_deg(skin.vertices.astype(np.float64), skin.faces)
        print(f"{name} skin dihedral p50 {np.percentile(d, 50):.1f} p99 {np.percentile(d, 99):.1f}"
              f" max {d.max():.1f} deg")
    before = face_normals(builtin.vertices.astype(np.float64), builtin.faces)
    after = face_normals(fitted.vertices.astype(np.float64), fitted.faces)
    print(f"faces turned over at rest: {int((np.einsum('ij,ij->i', before, after) < 0).sum())}")


def _inputs(poser: PackLegPoser, pack: object, builtin: Skin) -> tuple[np.ndarray, list]:
    ids, rest = pack_skin.pack_points(pack)
    rest_bodies = pose_state(None).bodies
    posed = [(pack_skin.posed_points(poser, pack, ids, skin_fit.angles_of(k, a)), rest_bodies,
              pose_state(Pose(**skin_fit.angles_of(k, a))).bodies)
             for k, a in pack_skin.FIT_POSES_DEG]
    return rest, posed


if __name__ == "__main__":
    main()
