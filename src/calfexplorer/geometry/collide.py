"""Keep soft tissue out of bone: push vertices that fall inside a bone back to its surface."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.geometry.mesh import Mesh


class BoneField:
    """Nearest-surface queries against all bones (vertices with outward normals)."""

    def __init__(self, bones: list[Mesh]) -> None:
        self.points = np.concatenate([b.vertices for b in bones]).astype(np.float64)
        self.normals = np.concatenate([b.normals for b in bones]).astype(np.float64)
        self.tree = cKDTree(self.points)

    def depth(self, points: np.ndarray, k: int = 4) -> tuple[np.ndarray, np.ndarray]:
        """Signed depth below the nearest bone surface (positive inside) and that surface point.

        Uses the nearest surface vertices' normals, averaged; good where bones are dense.
        """
        dist, idx = self.tree.query(points, k=k)
        w = 1.0 / np.maximum(dist, 1e-6)
        w /= w.sum(1, keepdims=True)
        base = np.einsum("nk,nkj->nj", w, self.points[idx])
        nrm = np.einsum("nk,nkj->nj", w, self.normals[idx])
        nrm /= np.maximum(np.linalg.norm(nrm, axis=1, keepdims=True), 1e-12)
        depth = -np.einsum("nj,nj->n", points - base, nrm)
        return depth, base + 0.0 * nrm


def push_out(field: BoneField, vertices: np.ndarray, margin: float = 0.0008) -> np.ndarray:
    """Move vertices that lie inside (or within ``margin`` of) a bone onto its surface."""
    v = np.asarray(vertices, dtype=np.float64).copy()
    for _ in range(3):
        depth, _ = field.depth(v)
        bad = depth > -margin
        if not bad.any():
            break
        dist, idx = field.tree.query(v[bad], k=4)
        nrm = field.normals[idx].mean(1)
        nrm /= np.maximum(np.linalg.norm(nrm, axis=1, keepdims=True), 1e-12)
        v[bad] += nrm * (depth[bad] + margin)[:, None]
    return v
