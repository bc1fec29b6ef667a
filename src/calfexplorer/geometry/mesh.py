"""Triangle meshes as plain numpy arrays, and the few measures the rest of the code needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(init=False)
class Mesh:
    """A triangle mesh: float32 vertices (n, 3), int32 faces (m, 3), float32 vertex normals
    (computed from the faces when none are given).

    ``belly`` (muscles only, optional): float32 (n,), 1 on the fleshy belly, 0 on tendon.
    """

    vertices: np.ndarray
    faces: np.ndarray
    normals: np.ndarray
    belly: np.ndarray | None = None

    def __init__(
        self,
        vertices: np.ndarray,
        faces: np.ndarray,
        normals: np.ndarray | None = None,
        belly: np.ndarray | None = None,
    ) -> None:
        self.vertices = np.ascontiguousarray(vertices, dtype=np.float32)
        self.faces = np.ascontiguousarray(faces, dtype=np.int32)
        if normals is None:
            normals = vertex_normals(self.vertices, self.faces)
        self.normals = np.ascontiguousarray(normals, dtype=np.float32)
        self.belly = None if belly is None else np.ascontiguousarray(belly, dtype=np.float32)

    @property
    def n_triangles(self) -> int:
        """Number of triangles."""
        return int(len(self.faces))


def face_normals(vertices: np.ndarray, faces: np.ndarray, unit: bool = True) -> np.ndarray:
    """Per-face normals (area-weighted when ``unit`` is False)."""
    v = np.asarray(vertices, dtype=np.float64)
    tri = v[faces]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    if unit:
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-20)
    return n


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals."""
    fn = face_normals(vertices, faces, unit=False)
    vn = np.zeros((len(vertices), 3))
    for k in range(3):  # bincount is many times faster than np.add.at
        for axis in range(3):
            vn[:, axis] += np.bincount(faces[:, k], weights=fn[:, axis], minlength=len(vertices))
    vn /= np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-20)
    return vn.astype(np.float32)


def volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Signed volume enclosed by a closed mesh (positive when normals point outwards)."""
    tri = np.asarray(vertices, dtype=np.float64)[faces]
    return float(np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2])).sum() / 6.0)


def area(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Total surface area."""
    return float(np.linalg.norm(face_normals(vertices, faces, unit=False), axis=1).sum() / 2.0)


def edge_report(faces: np.ndarray) -> tuple[int, int]:
    """Count (boundary or non-manifold edges, edges whose two faces disagree in orientation).

    A closed, consistently oriented surface has every undirected edge used exactly twice, once in
    each direction; both counts are then zero.
    """
    f = np.asarray(faces, dtype=np.int64)
    directed = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    n = int(directed.max()) + 1 if len(directed) else 1
    und = np.sort(directed, axis=1)
    und_key = und[:, 0] * n + und[:, 1]
    _, counts = np.unique(und_key, return_counts=True)
    open_edges = int((counts != 2).sum())
    dkey = directed[:, 0] * n + directed[:, 1]
    _, dcounts = np.unique(dkey, return_counts=True)
    misoriented = int((dcounts > 1).sum())
    return open_edges, misoriented


def is_closed_and_oriented(faces: np.ndarray) -> bool:
    """True when the surface is closed and its faces are consistently oriented."""
    return edge_report(faces) == (0, 0)


def merge(meshes: list[Mesh]) -> Mesh:
    """Concatenate meshes into one (components stay separate surfaces)."""
    verts, faces, norms, off = [], [], [], 0
    for m in meshes:
        verts.append(m.vertices)
        faces.append(m.faces + off)
        norms.append(m.normals)
        off += len(m.vertices)
    return Mesh(np.concatenate(verts), np.concatenate(faces), np.concatenate(norms))


def subdivide(mesh: Mesh) -> Mesh:
    """Each triangle split into four at its edge midpoints: the same surface, finer (normals
    of a midpoint: the mean of its edge's two)."""
    f = np.asarray(mesh.faces, dtype=np.int64)
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    uniq, inv = np.unique(edges, axis=0, return_inverse=True)
    mid = len(mesh.vertices) + inv.reshape(3, -1).T  # midpoints of edges 01, 12, 20
    v = mesh.vertices.astype(np.float64)
    verts = np.concatenate([v, 0.5 * (v[uniq[:, 0]] + v[uniq[:, 1]])])
    n = mesh.normals.astype(np.float64)
    nm = n[uniq[:, 0]] + n[uniq[:, 1]]
    nm /= np.maximum(np.linalg.norm(nm, axis=1, keepdims=True), 1e-20)
    a, b, c, ab, bc, ca = f[:, 0], f[:, 1], f[:, 2], mid[:, 0], mid[:, 1], mid[:, 2]
    faces = np.concatenate([np.stack(t, axis=1) for t in
                            ((a, ab, ca), (ab, b, bc), (ca, bc, c), (ab, bc, ca))])
    return Mesh(verts, faces, np.concatenate([n, nm]))


def transform(points: np.ndarray, rotation: np.ndarray, translation: np.ndarray) -> np.ndarray:
    """Apply ``x -> R x + t`` to an (n, 3) array."""
    return np.asarray(points) @ np.asarray(rotation).T + np.asarray(translation)
