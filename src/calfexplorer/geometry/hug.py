"""Lay nerves and vessels on the tissue around them instead of letting them float.

Authored paths are approximate; where one runs in the air (no skin is drawn) its stations move
towards the nearest bone, muscle or tendon surface until the tube lies a small gap from it.
Subcutaneous structures (the saphenous veins, cutaneous nerves) are also lifted out of muscle
onto its surface. The move is a per-station shift of the whole ring, smoothed along the path, so
the tube keeps its shape and posing carries the shift in the station frames.
"""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry.collide import BoneField


def _smooth(values: np.ndarray, passes: int = 4) -> np.ndarray:
    out = values.copy()
    for _ in range(passes):
        out[1:-1] = 0.5 * out[1:-1] + 0.25 * (out[:-2] + out[2:])
    return out


def hug_shift(
    tissue: BoneField, centres: np.ndarray, radius: np.ndarray, gap: float,
    subcutaneous: bool = False, iterations: int = 4,
) -> np.ndarray:
    """Per-station displacement (n, 3) that lays a tube of ``radius`` ``gap`` from ``tissue``."""
    shift = np.zeros_like(centres)
    target = radius + gap
    for _ in range(iterations):
        c = centres + shift
        _, idx, nrm = tissue.nearest(c)
        surf = tissue.points[idx]
        rel = c - surf
        depth = -np.einsum("ij,ij->i", rel, nrm)  # > 0: inside the tissue
        dist = np.linalg.norm(rel, axis=1)
        step = np.zeros_like(c)
        far = (depth < 0) & (dist > target * 1.05)
        step[far] = -rel[far] * ((dist[far] - target[far]) / np.maximum(dist[far], 1e-9))[:, None]
        if subcutaneous:  # below the surface or too close to it: out along the normal
            lift = target + depth
            inside = lift > 0.05 * target
            step[inside] = nrm[inside] * lift[inside][:, None]
        if not np.any(np.abs(step) > 1e-5):
            break
        shift = shift + _smooth(step, 2)
    return _smooth(shift, 3)
