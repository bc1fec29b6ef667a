"""The generalized winding number of a mesh, far parts of it replaced by fans over their rims.

The solid angle a patch of triangles subtends at a point depends only on the patch's boundary
as long as the point lies outside the patch's convex hull: the patch and a fan of triangles
from a point inside the hull to each boundary edge close a surface that lies within the hull,
whose winding number there is 0. So a point outside a patch's box sees the patch as its fan,
which has far fewer triangles (its rim's edges, not its faces). The faces are split into a
tree of such patches (halved along their longest extent); each query point group takes the
coarsest patches whose boxes hold none of its points, and the faces themselves near it.

The same numbers as the plain sum up to rounding (single precision, as ``_Solid.winding``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from calfexplorer.geometry.implicit import winding_rows

#: Faces of a leaf patch; meshes with fewer than four leaves are summed plainly.
LEAF_FACES = 32
#: Query points judged together against the patch boxes.
GROUP = 8
#: A point this close to a patch's box (m) takes the patch's faces, not its fan.
MARGIN_M = 1e-3



@dataclass(frozen=True)
class _Patches:
    """How a mesh's faces split into patches (depends on its faces and a first pose only)."""

    order: np.ndarray  # faces in leaf order
    start: np.ndarray  # per node, its range of ``order``
    end: np.ndarray
    parent: np.ndarray  # per node (-1: the root)
    leaf: np.ndarray  # per node, bool
    rim_node: np.ndarray  # per rim edge, its node
    rim: np.ndarray  # (edges, 2) vertex numbers, directed as the node's faces run them
    levels: list[np.ndarray]  # the nodes below the root by depth, the deepest first


_PATCHES: dict[bytes, _Patches] = {}


def _patches(vertices: np.ndarray, faces: np.ndarray) -> _Patches:
    key = hashlib.blake2b(np.ascontiguousarray(faces).tobytes(), digest_size=16).digest()
    found = _PATCHES.get(key)
    if found is None:
        if len(_PATCHES) > 256:  # (a worker learns one pack: a few dozen meshes)
            _PATCHES.clear()
        found = _PATCHES[key] = _split(vertices, faces)
    return found


def _split(vertices: np.ndarray, faces: np.ndarray) -> _Patches:
    centres = vertices[faces].mean(axis=1)
    order = np.arange(len(faces))
    starts: list[int] = []
    ends: list[int] = []
    parents: list[int] = []
    leaves: list[bool] = []
    todo = [(0, len(faces), -1)]
    while todo:
        s, e, parent = todo.pop()
        node = len(starts)
        starts.append(s)
        ends.append(e)
        parents.append(parent)
        if e - s <= LEAF_FACES:
            leaves.append(True)
            continue
        leaves.append(False)
        part = order[s:e]
        c = centres[part]
        axis = int(np.argmax(c.max(axis=0) - c.min(axis=0)))
        half = (e - s) // 2
        order[s:e] = part[np.argpartition(c[:, axis], half)]
        todo += [(s, s + half, node), (s + half, e, node)]
    # each face's edges as directed (from, to) and as one number per undirected edge
    edges = faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 3, 2)
    lo, hi = edges.min(axis=2), edges.max(axis=2)
    keys = lo.astype(np.int64) * (int(faces.max(initial=0)) + 1) + hi
    signs = np.where(edges[:, :, 0] < edges[:, :, 1], 1, -1)
    nodes, rim_node = [], []
    for node, (s, e) in enumerate(zip(starts, ends, strict=True)):
        k = keys[order[s:e]].reshape(-1)
        key, inverse = np.unique(k, return_inverse=True)
        count = np.bincount(inverse, weights=signs[order[s:e]].reshape(-1),
                            minlength=len(key)).astype(np.int64)
        # the chain's edges that do not cancel, each as often as it is left over, as run
        keep = count != 0
        first = np.stack(np.divmod(key[keep], int(faces.max(initial=0)) + 1), axis=1)
        directed = np.where((count[keep] > 0)[:, None], first, first[:, ::-1])
        nodes.append(np.repeat(directed, np.abs(count[keep]), axis=0))
        rim_node.append(np.full(int(np.abs(count[keep]).sum()), node))
    up = np.array(parents)
    depth = np.zeros(len(up), np.int64)
    for node in range(1, len(up)):  # (a parent is numbered before its children)
        depth[node] = depth[up[node]] + 1
    levels = [np.flatnonzero(depth == d) for d in range(int(depth.max()), 0, -1)]
    return _Patches(order, np.array(starts), np.array(ends), up, np.array(leaves),
                    np.concatenate(rim_node), np.concatenate(nodes).reshape(-1, 2), levels)


class FanWinding:
    """Winding numbers of one posed mesh (vertices, faces) at query points."""

    def __init__(self, vertices: np.ndarray, faces: np.ndarray) -> None:
        v = np.asarray(vertices, np.float32)
        faces = np.asarray(faces)
        self._plain = len(faces) < 4 * LEAF_FACES
        p = None if self._plain else _patches(v, faces)
        ordered = faces if p is None else faces[p.order]
        tri = v[ordered]
        self._tri = np.ascontiguousarray(tri.reshape(-1, 9).T)
        if p is None:
            return
        self._p = p
        leaves = np.flatnonzero(p.leaf)
        leaves = leaves[np.argsort(p.start[leaves])]
        n = len(p.start)
        self._lo = np.full((n, 3), np.inf, np.float32)
        self._hi = np.full((n, 3), -np.inf, np.float32)
        self._lo[leaves] = np.minimum.reduceat(tri.min(axis=1), p.start[leaves])
        self._hi[leaves] = np.maximum.reduceat(tri.max(axis=1), p.start[leaves])
        for level in p.levels:  # the deepest first: each node's box holds its children's
            np.minimum.at(self._lo, p.parent[level], self._lo[level])
            np.maximum.at(self._hi, p.parent[level], self._hi[level])
        summed = np.concatenate([np.zeros((1, 3)), np.cumsum(tri.sum(axis=1), axis=0,
                                                             dtype=np.float64)])
        apex = ((summed[p.end] - summed[p.start]) / (3 * (p.end - p.start))[:, None])
        apex = apex.astype(np.float32)
        self._lo -= MARGIN_M
        self._hi += MARGIN_M
        fan = np.stack([apex[p.rim_node], v[p.rim[:, 0]], v[p.rim[:, 1]]], axis=1)
        self._fan = np.ascontiguousarray(fan.reshape(-1, 9).T)
        self._root_parent = p.parent < 0
        self._faces_at = (p.start, p.end - p.start)  # each node's columns of the faces
        rims = np.bincount(p.rim_node, minlength=n)
        self._fans_at = (np.cumsum(rims) - rims, rims)  # and of the fans

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """The winding number at each point (1 inside, 0 outside)."""
        points = np.asarray(points, np.float32)
        if self._plain:
            return winding_rows(points, self._tri)
        out = np.empty(len(points))
        p = self._p
        for s in range(0, len(points), GROUP):
            g = points[s:s + GROUP]
            inbox = (g[:, None] > self._lo) & (g[:, None] < self._hi)
            near = np.any(inbox.all(axis=2), axis=0)
            up = self._root_parent | near[p.parent]
            fans = np.flatnonzero(~near & up)
            leaves = np.flatnonzero(near & p.leaf)
            t = np.concatenate([self._tri[:, _columns(*self._faces_at, leaves)],
                                self._fan[:, _columns(*self._fans_at, fans)]], axis=1)
            out[s:s + GROUP] = winding_rows(g, t)
        return out


def _columns(start: np.ndarray, count: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The columns ``start[i]`` to ``start[i] + count[i]`` of each of ``nodes``, in a row."""
    n = count[nodes]
    total = int(n.sum())
    if not total:
        return np.zeros(0, np.int64)
    # each run's first column, less the columns before it, spread over the run
    offset = np.repeat(start[nodes] - (np.cumsum(n) - n), n)
    return offset + np.arange(total)
