"""A triangle mesh's vertices as a graph: its edges, its connected pieces, a vertex mask
grown by rings of neighbours, the mean of each vertex's neighbours, its Laplacian, and its
free vertices placed to fit wanted edge vectors (the solve that relaxes a fold: the skin's
behind the knee, :mod:`.skin_untangle`; a muscle's crease, :mod:`calfexplorer.anatomy.folds`).

SciPy is imported by the functions that use it, not with the module (the pack's poser
imports :mod:`calfexplorer.anatomy.folds` when it poses a saved binding)."""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np


def face_edges(faces: np.ndarray) -> np.ndarray:
    """The three edges (3m, 2) of every face, each face's way round: its (0, 1) edges, then
    (1, 2), then (2, 0); an edge of two faces stands twice."""
    return np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])


def unique_edges(faces: np.ndarray) -> np.ndarray:
    """Each edge of the mesh once, as (lower, higher) vertex index, in sorted order."""
    return np.unique(np.sort(face_edges(faces), 1), axis=0)


def mesh_edges(faces: np.ndarray) -> np.ndarray:
    """Each edge of the mesh both ways (from, to), in sorted order."""
    e = unique_edges(faces)
    return np.unique(np.concatenate([e, e[:, ::-1]]), axis=0)


def piece_labels(faces: np.ndarray, n: int) -> np.ndarray:
    """Per vertex (n,), the label of the connected piece of the mesh it is on (a vertex in no
    face is a piece of its own)."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]]])
    graph = sparse.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def components(vertices: np.ndarray, faces: np.ndarray) -> list[np.ndarray]:
    """Face index arrays of the connected pieces of a mesh, in the order of
    :func:`piece_labels`."""
    face_label = piece_labels(faces, len(vertices))[faces[:, 0]]
    return [np.flatnonzero(face_label == c) for c in np.unique(face_label)]


def grow_by_rings(faces: np.ndarray, mask: np.ndarray, rings: int) -> np.ndarray:
    """The vertex ``mask`` (n,) widened by ``rings`` rings of neighbours (the vertices that
    share a face with one in it)."""
    out = np.asarray(mask, bool).copy()
    for _ in range(rings):
        out[faces[out[faces].any(axis=1)].ravel()] = True
    return out


def neighbour_average(edges: np.ndarray, n: int) -> Any:
    """The operator (SciPy CSR, n x n) that takes each vertex's value to the mean of its
    neighbours' over ``edges`` (either way round; repeats count once); a vertex with none
    gets 0."""
    from scipy import sparse

    e = np.concatenate([edges, edges[:, ::-1]])
    adjacent = sparse.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)).tocsr()
    adjacent.data[:] = 1.0
    degree = np.maximum(np.asarray(adjacent.sum(axis=1)).ravel(), 1.0)
    return sparse.diags(1.0 / degree) @ adjacent


#: The last edge arrays (by identity, while they live) -> their :func:`neighbour_average`.
_AVERAGES: dict[tuple[int, int], tuple[Any, Any]] = {}


def neighbour_mean(edges: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The mean of each vertex's neighbours' ``values`` (n,) or (n, k) over ``edges``
    (:func:`neighbour_average`, made once per edge array: the skin's fits smooth over the
    same edges thousands of times)."""
    key = (id(edges), n)
    found = _AVERAGES.get(key)
    if found is None or found[0]() is not edges:
        if len(_AVERAGES) > 8:  # (a build fits two skins; dead entries go)
            _AVERAGES.clear()
        found = (weakref.ref(edges), neighbour_average(edges, n))
        _AVERAGES[key] = found
    return np.asarray(found[1] @ np.asarray(values, np.float64))


def graph_laplacian(edges: np.ndarray, n: int) -> Any:
    """The mesh graph's Laplacian (degree less adjacency; SciPy CSR, n x n) for its
    ``edges``, each once (:func:`unique_edges`)."""
    from scipy import sparse

    i, j = edges[:, 0], edges[:, 1]
    adj = sparse.coo_matrix((np.ones(2 * len(edges)), (np.r_[i, j], np.r_[j, i])),
                            shape=(n, n)).tocsr()
    return (sparse.diags(np.asarray(adj.sum(1)).ravel()) - adj).tocsr()


def edge_divergence(edges: np.ndarray, vectors: np.ndarray, n: int) -> np.ndarray:
    """The right-hand side (n, 3) of :class:`EdgeFit` for wanting each edge ``(i, j)`` of
    ``edges`` to be ``vectors`` (its row: ``q[i] - q[j]``)."""
    out = np.zeros((n, 3))
    np.add.at(out, edges[:, 0], vectors)
    np.add.at(out, edges[:, 1], -vectors)
    return out


class EdgeFit:
    """The ``free`` vertices (mask, n) of a mesh placed so that each edge touching them is, in
    the least-squares sense, a wanted vector (:func:`edge_divergence`), the other vertices held
    at ``held`` (n, 3; its free rows unread). ``laplacian``: :func:`graph_laplacian`.

    ``at``: the free vertices' indices; ``matrix``: the Laplacian's rows and columns for them
    (the normal equations' matrix, factored on the first :meth:`solve`); ``border``: the held
    neighbours' part of those rows times where they are held."""

    def __init__(self, laplacian: Any, free: np.ndarray, held: np.ndarray) -> None:
        self.at = np.flatnonzero(free)
        rows = laplacian[self.at]
        self.matrix = rows[:, self.at]
        self.border = rows[:, np.flatnonzero(~free)] @ held[~free]
        self._solve: Any = None

    def rhs(self, divergence: np.ndarray) -> np.ndarray:
        """The normal equations' right-hand side (free, 3) for an :func:`edge_divergence`."""
        return divergence[self.at] - self.border

    def solve(self, divergence: np.ndarray) -> np.ndarray:
        """Where the free vertices go (free, 3) for an :func:`edge_divergence`."""
        if self._solve is None:
            from scipy.sparse.linalg import splu

            self._solve = splu(self.matrix.tocsc()).solve
        return np.asarray(self._solve(self.rhs(divergence)))
