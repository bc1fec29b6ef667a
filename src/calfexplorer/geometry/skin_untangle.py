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

from calfexplorer.geometry.mesh import face_normals
from calfexplorer.geometry.mesh_graph import (
    EdgeFit,
    edge_divergence,
    graph_laplacian,
    unique_edges,
)
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


def turned_face_count(skin: Skin, rest_bodies: dict[str, np.ndarray],
                      bodies: dict[str, np.ndarray]) -> int:
    """How many faces of the skin posed in ``bodies`` (with its moves for the bent knee, if it
    has them) are turned over (:func:`turned_faces`): the fold behind the bent knee has some."""
    posed = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
    return int(turned_faces(skin, vertex_turns(skin, rest_bodies, bodies), posed).sum())


def relax(posed: np.ndarray, rest: np.ndarray, turns: np.ndarray, faces: np.ndarray,
          free: np.ndarray) -> np.ndarray:
    """``posed`` with its ``free`` vertices moved so that each edge touching them is, in the
    least-squares sense, its ``rest`` edge turned by its two vertices' mean rotation
    (``turns``); the others hold them (:class:`.mesh_graph.EdgeFit`). The fold's squeeze is
    shared out over the free vertices, their faces facing as their rest faces turned."""
    if not free.any():
        return posed.copy()
    every = unique_edges(faces)
    fit = EdgeFit(graph_laplacian(every, len(posed)), free, posed)
    edges = every[free[every[:, 0]] | free[every[:, 1]]]
    i, j = edges[:, 0], edges[:, 1]
    wanted = np.einsum("eij,ej->ei", 0.5 * (turns[i] + turns[j]), rest[i] - rest[j])
    out = posed.copy()
    out[fit.at] = fit.solve(edge_divergence(edges, wanted, len(posed)))
    return out
