"""The pack's coarse twins: the binding's decimated meshes, and how each follows its full mesh.

The coarse level of a :class:`~calfexplorer.anatomy.binding.PackBinding` is bound like the full
one, so while a slider moves it is posed on its own (a quarter of the vertices). Once the full
mesh is posed again its twin follows it: each twin vertex is a fixed blend of the three corners
of the full triangle nearest to it at rest (:func:`follow_matrix`).
"""

from __future__ import annotations

import numpy as np

from calfexplorer.anatomy.sparse_rows import Blend

#: Triangles tried per point (nearest by centre) when looking for the nearest one.
CANDIDATES = 8


def _closest_on_triangles(p: np.ndarray, a: np.ndarray, b: np.ndarray,
                          c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Barycentric weights (n, 3) of the closest point of each triangle (a, b, c) to each
    point of ``p``, and the squared distance to it (Ericson's region tests, vectorised)."""
    ab, ac, ap = b - a, c - a, p - a
    d1, d2 = (ab * ap).sum(1), (ac * ap).sum(1)
    bp = p - b
    d3, d4 = (ab * bp).sum(1), (ac * bp).sum(1)
    cp = p - c
    d5, d6 = (ab * cp).sum(1), (ac * cp).sum(1)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    denom = np.where(np.abs(va + vb + vc) > 1e-30, va + vb + vc, 1e-30)
    v, w = vb / denom, vc / denom  # inside the face
    bary = np.stack([1 - v - w, v, w], axis=1)

    def put(mask: np.ndarray, weights: np.ndarray) -> None:
        bary[mask] = weights[mask]

    def edge(t: np.ndarray, i: int, j: int) -> np.ndarray:
        out = np.zeros((len(p), 3))
        out[:, i], out[:, j] = 1 - t, t
        return out

    safe = np.where
    # edges (checked before the corners, which override them)
    t_ab = d1 / safe(np.abs(d1 - d3) > 1e-30, d1 - d3, 1e-30)
    put((vc <= 0) & (d1 >= 0) & (d3 <= 0), edge(t_ab, 0, 1))
    t_ac = d2 / safe(np.abs(d2 - d6) > 1e-30, d2 - d6, 1e-30)
    put((vb <= 0) & (d2 >= 0) & (d6 <= 0), edge(t_ac, 0, 2))
    e43, e56 = d4 - d3, d5 - d6
    t_bc = e43 / safe(np.abs(e43 + e56) > 1e-30, e43 + e56, 1e-30)
    put((va <= 0) & (e43 >= 0) & (e56 >= 0), edge(t_bc, 1, 2))
    eye = np.eye(3)
    put((d1 <= 0) & (d2 <= 0), np.broadcast_to(eye[0], bary.shape))
    put((d3 >= 0) & (d4 <= d3), np.broadcast_to(eye[1], bary.shape))
    put((d6 >= 0) & (d5 <= d6), np.broadcast_to(eye[2], bary.shape))
    bary = np.clip(bary, 0.0, 1.0)
    bary /= bary.sum(1, keepdims=True)
    q = bary[:, :1] * a + bary[:, 1:2] * b + bary[:, 2:] * c
    return bary, ((q - p) ** 2).sum(1)


def follow_matrix(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray,
                  candidates: int = CANDIDATES) -> Blend:
    """(len(points), len(vertices)) map taking a mesh's vertices to ``points`` (all three at
    rest): each row blends the corners of the triangle nearest that point (of the
    ``candidates`` triangles whose centres are nearest it). Made with the binding, which
    keeps it: SciPy is imported here only."""
    from scipy.spatial import cKDTree

    p = np.asarray(points, np.float64)
    v = np.asarray(vertices, np.float64)
    f = np.asarray(faces, np.int64)
    k = min(candidates, len(f))
    _, cand = cKDTree(v[f].mean(1)).query(p, k=k)
    cand = np.asarray(cand).reshape(len(p), k)
    best = np.full(len(p), np.inf)
    weights = np.zeros((len(p), 3))
    corners = np.zeros((len(p), 3), np.int64)
    for j in range(k):
        tri = f[cand[:, j]]
        bary, d2 = _closest_on_triangles(p, v[tri[:, 0]], v[tri[:, 1]], v[tri[:, 2]])
        better = d2 < best
        best[better], weights[better], corners[better] = d2[better], bary[better], tri[better]
    return Blend(corners, weights, len(v))
