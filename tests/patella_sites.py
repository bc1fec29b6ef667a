"""Where the quadriceps' patches lie on the patella, for the built-in leg's tests and the pack's."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.geometry.source import body_rt, pose_state

#: The quadriceps' insertions on the patella and where the atlas puts each.
PATELLA_SITES = {
    "rectus_femoris:insertion:patella_base": "base",
    "vastus_intermedius:insertion:patella_base": "base",
    "vastus_lateralis:insertion:patella_lateral": "lateral border",
    "vastus_medialis:insertion:patella_medial": "medial border",
}


def patella_marks(assets) -> dict[str, tuple[float, float, float]]:
    """Per patch on the patella: how high it lies (0 the apex, 1 the base), how far lateral
    (0 the medial edge, 1 the lateral edge) and the share of it over the articular back face
    (where the bone's outward normal points backwards), at rest in the patella's frame."""
    rot, pos = (np.asarray(a, dtype=np.float64) for a in body_rt(pose_state(), "patella_r"))
    bone = assets.meshes["patella"]
    v = (bone.vertices.astype(np.float64) - pos) @ rot
    normals = bone.normals.astype(np.float64) @ rot  # x anterior, y up, z lateral
    lo, span = v.min(axis=0), np.ptp(v, axis=0)
    tree = cKDTree(v)
    out = {}
    for sid in PATELLA_SITES:
        patch = assets.meshes[sid].vertices
        top = (patch[: len(patch) // 2].astype(np.float64) - pos) @ rot  # its outer face
        rel = (top.mean(axis=0) - lo) / span
        back = float((normals[tree.query(top)[1], 0] < -0.6).mean())
        out[sid] = (float(rel[1]), float(rel[2]), back)
    return out


def patella_faults(assets, back_face: float) -> list[str]:
    """The patella patches that are not where the atlas puts them, or that lie more than the
    share ``back_face`` over the articular back face."""
    faults = []
    for sid, (up, lateral, back) in patella_marks(assets).items():
        where = PATELLA_SITES[sid]
        placed = {"base": up > 0.8,
                  "lateral border": lateral > 0.8 and up > 0.45,
                  "medial border": lateral < 0.3 and up > 0.45}[where]
        if not placed or back > back_face:
            faults.append(f"{sid}: not on the {where} (height {up:.2f}, lateral {lateral:.2f}, "
                          f"{back:.0%} on the articular back face)")
    return faults
