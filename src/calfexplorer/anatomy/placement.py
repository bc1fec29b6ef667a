"""Placing the soft tissue on the registered skeleton: each vertex moves with the bones it lies
nearest, blended where two registration groups meet.

One similarity transform per structure is not enough for those that span the leg and the foot:
BodyParts3D's foot is turned out against MyoLeg's, so the toe tendons of extensor digitorum
longus, carried by the tibia's fit, ended 3 to 4 cm from the metatarsals they run over. Blending
the groups' transforms by distance keeps each part on its own bones and the transitions smooth.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial import cKDTree

#: Width (BodyParts3D millimetres) of the zone in which two groups' transforms blend.
BLEND_MM = 25.0


def group_distances(points_mm: np.ndarray, trees: dict[str, cKDTree]) -> np.ndarray:
    """Each point's distance to each group's bones (groups in ``trees``' order, points)."""
    # (workers: the queries spread over the cores, the build's other one idle meanwhile)
    return np.stack([trees[n].query(points_mm, workers=-1)[0] for n in trees])


def place_blended(points_mm: np.ndarray, fits: dict[str, Any],
                  trees: dict[str, cKDTree], dist: np.ndarray | None = None) -> np.ndarray:
    """Model-frame positions (m) of BodyParts3D points (mm): each group's fit weighted by how
    near the point lies to that group's bones (Gaussian in the extra distance). ``dist``:
    :func:`group_distances`, where already found."""
    names = list(trees)
    if dist is None:
        dist = group_distances(points_mm, trees)
    weight = np.exp(-(((dist - dist.min(axis=0)) / BLEND_MM) ** 2))
    weight /= weight.sum(axis=0)
    out = np.zeros((len(points_mm), 3))
    for k, name in enumerate(names):
        if weight[k].max() > 1e-6:
            out += weight[k][:, None] * fits[name].apply(points_mm)
    return out
