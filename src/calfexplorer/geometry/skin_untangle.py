"""The posed skin's faces turned over behind the bent knee, and a relaxation that turns them
back (used where the skin's moves for the bent knee are learnt:
:mod:`calfexplorer.geometry.skin_knee_learn`).

The blend across the knee (:mod:`calfexplorer.geometry.skin_blend`) moves each skin vertex by
its own rigid transform, so a posed vertex is ``R_i v + t_i``: a move ``d`` made in the pose is
``R_i^T d`` in the rest frame, exactly, at that pose. Behind the knee neighbouring vertices turn
by very different shares of the knee's angle, and the skin there folds over itself."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as splinalg

from calfexplorer.geometry.mesh import face_normals
from calfexplorer.geometry.skin import Skin


def vertex_turns(skin: Skin, rest_bodies: dict[str, np.ndarray],
                 bodies: dict[str, np.ndarray]) -> np.ndarray:
    """Each vertex's rotation (n, 3, 3) from the rest pose to the pose ``bodies`` as the
    skin's blend poses it (its moves for the bent knee left out)."""
    plain = skin if skin.knee_moves is None else replace(skin, knee_grid=None, knee_moves=None)
    rest = skin.vertices.astype(np.float64)
    base = plain.posed_vertices(rest_bodies, bodies, vertices=rest).astype(np.float64)
    return np.stack([plain.posed_vertices(rest_bodies, bodies, vertices=rest + e) - base
                     for e in np.eye(3)], axis=2)


def turned_faces(skin: Skin, turns: np.ndarray, posed: np.ndarray) -> np.ndarray:
    """Which faces of the skin posed as ``posed`` face against their rest normal turned with
    their vertices (``turns``: :func:`vertex_turns`)."""
    expected = np.einsum("fij,fj->fi", turns[skin.faces].mean(axis=1),
                         face_normals(skin.vertices.astype(np.float64), skin.faces))
    return np.asarray(np.einsum("ij,ij->i", face_normals(posed, skin.faces), expected) < 0)


def grow(edges: np.ndarray, mask: np.ndarray, rings: int) -> np.ndarray:
    """``mask`` (per vertex) widened by ``rings`` rings over the mesh's ``edges`` (both
    ways)."""
    for _ in range(rings):
        wider = mask.copy()
        wider[edges[mask[edges[:, 1]], 0]] = True
        mask = wider
    return mask


def relax(posed: np.ndarray, rest: np.ndarray, turns: np.ndarray, edges: np.ndarray,
          free: np.ndarray) -> np.ndarray:
    """``posed`` with its ``free`` vertices moved so that each edge touching them is, in the
    least-squares sense, its ``rest`` edge turned by its two vertices' mean rotation
    (``turns``); the others hold them. The fold's squeeze is shared out over the free
    vertices, their faces facing as their rest faces turned."""
    e = edges[edges[:, 0] < edges[:, 1]]
    e = e[free[e[:, 0]] | free[e[:, 1]]]
    idx = np.flatnonzero(free)
    if not len(idx):
        return posed.copy()
    local = np.full(len(posed), -1)
    local[idx] = np.arange(len(idx))
    target = np.einsum("eij,ej->ei", 0.5 * (turns[e[:, 0]] + turns[e[:, 1]]),
                       rest[e[:, 1]] - rest[e[:, 0]])
    rows, cols, vals = [], [], []
    b = target.copy()
    for end, sign in ((1, 1.0), (0, -1.0)):
        v = e[:, end]
        held = local[v] < 0
        b[held] -= sign * posed[v[held]]
        rows.append(np.flatnonzero(~held))
        cols.append(local[v[~held]])
        vals.append(np.full((~held).sum(), sign))
    a = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(len(e), len(idx)))
    out = posed.copy()
    out[idx] = splinalg.splu((a.T @ a).tocsc()).solve(np.asarray(a.T @ b))
    return out
