"""Smooth, closed bone surfaces from the model's low-poly bone meshes, kept in place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calfexplorer.geometry.implicit import remesh_closed
from calfexplorer.geometry.mesh import Mesh, area, edge_report, merge, transform, vertex_normals
from calfexplorer.geometry.mesh_graph import components
from calfexplorer.geometry.params import BoneSpec
from calfexplorer.geometry.source import BoneSource, PoseLike, body_rt


@dataclass
class BuiltBone:
    """A bone mesh in world coordinates (rest pose) and the body it moves with."""

    id: str
    body: str
    mesh: Mesh


def _weld(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq, inv = np.unique(np.round(vertices, 7), axis=0, return_inverse=True)
    return uniq, inv.reshape(-1)[faces]


def select_pieces(src: BoneSource, seeds: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The pieces of a model mesh nearest to the seed points (all of it without seeds)."""
    v, f = _weld(src.vertices, src.faces)
    if not seeds:
        return v, f
    parts = components(v, f)
    centroids = np.array([v[np.unique(f[p])].mean(0) for p in parts])
    nearest = (np.argmin(np.linalg.norm(centroids - np.array(s), axis=1)) for s in seeds)
    chosen = sorted({int(c) for c in nearest})
    faces = f[np.concatenate([parts[c] for c in chosen])]
    return v, faces


def _compact(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    used, inv = np.unique(faces, return_inverse=True)
    return vertices[used], inv.reshape(faces.shape)


def decimate(
    vertices: np.ndarray, faces: np.ndarray, target: int, agg: float = 4.0
) -> tuple[np.ndarray, np.ndarray]:
    """Quadric decimation to about ``target`` triangles (unchanged when already below)."""
    if len(faces) <= target:
        return vertices, faces
    import fast_simplification

    v, f = fast_simplification.simplify(
        np.ascontiguousarray(vertices, dtype=np.float64),
        np.ascontiguousarray(faces, dtype=np.int64),
        target_count=int(target),
        agg=agg,
    )
    return np.asarray(v), np.asarray(f)


def decimate_closed(
    vertices: np.ndarray, faces: np.ndarray, target: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`decimate` to about ``target`` triangles, keeping the surface closed and
    consistently oriented; None where no setting does."""
    for agg in (4.0, 3.0, 2.0, 1.5, 1.0):  # rare pinched edges: retry less aggressively
        v, f = decimate(vertices, faces, target, agg)
        if edge_report(f) == (0, 0):
            return v, f
    return None


def build_bone(spec: BoneSpec, src: BoneSource, rest: PoseLike) -> BuiltBone:
    """Remesh one bone (each piece separately), decimate it and place it in the rest pose."""
    v, f = select_pieces(src, spec.seeds)
    parts = [_compact(v, f[p]) for p in components(v, f)]
    areas = np.array([area(pv, pf) for pv, pf in parts])
    pieces = []
    for (pv, pf), share in zip(parts, areas / areas.sum(), strict=True):
        rv, rf = remesh_closed(pv, pf, spec.spacing)
        target = max(200, int(spec.triangles * share))
        rv, rf = decimate_closed(rv, rf, target) or (rv, rf)
        pieces.append(Mesh(rv, rf))
    body_mesh = merge(pieces)
    rot, pos = body_rt(rest, src.body)
    world = transform(body_mesh.vertices, rot, pos)
    faces = body_mesh.faces
    return BuiltBone(spec.id, src.body, Mesh(world, faces, vertex_normals(world, faces)))
