"""Measures of posed soft tissue used by the posing tests (and the numbers in their report).

Every measure compares a pose with the rest pose, because BodyParts3D muscles already overlap
their bones at the attachments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.geometry.mesh import volume
from calfexplorer.geometry.mesh_graph import face_edges

GRID_M = 0.0015
ATTACH_M = 0.003  # a vertex this close to a bone at rest is an attachment vertex
END_M = 0.04  # ... of a muscle's origin or insertion when this close to the model's end point


@dataclass
class Bones:
    """The pack's bones in their rest frame: occupancy grids and surface trees, by body."""

    body: dict[str, str]
    grids: dict[str, tuple[np.ndarray, np.ndarray]]
    trees: dict[str, cKDTree]
    rest: dict[str, np.ndarray]

    @staticmethod
    def of(assets: Any, rest: Any, skip: tuple[str, ...] = ("sacrum", "hip_bone")) -> Bones:
        """Grids and trees of every bone of a loaded pack (the pelvis left out: far away)."""
        body, grids, trees = {}, {}, {}
        for sid, b in assets.bodies.items():
            if assets.kinds.get(sid) != "bone" or not b or sid in skip:
                continue
            m = assets.meshes[sid]
            body[sid] = b
            grids[sid] = parity_grid(np.asarray(m.vertices, np.float64), np.asarray(m.faces))
            trees[sid] = cKDTree(m.vertices)
        rest_tf = {b: np.asarray(rest.bodies[b]) for b in set(body.values())}
        return Bones(body, grids, trees, rest_tf)

    def to_rest(self, bone: str, points: np.ndarray, state: Any) -> np.ndarray:
        """Posed points expressed in the bone's rest placement."""
        b = self.body[bone]
        tf = self.rest[b] @ np.linalg.inv(np.asarray(state.bodies[b]))
        return points @ tf[:3, :3].T + tf[:3, 3]

    def inside(self, points: np.ndarray, state: Any) -> np.ndarray:
        """Which posed points lie inside any posed bone."""
        out = np.zeros(len(points), bool)
        for bone, (occ, lo) in self.grids.items():
            p = self.to_rest(bone, points, state)
            idx = np.rint((p - lo) / GRID_M).astype(int)
            ok = np.all((idx >= 0) & (idx < np.array(occ.shape)), axis=1)
            hit = np.zeros(len(p), bool)
            hit[ok] = occ[idx[ok, 0], idx[ok, 1], idx[ok, 2]]
            out |= hit
        return out

    def attachments(self, rest_points: np.ndarray, bodies: tuple[str, ...] = ()) -> tuple[
            np.ndarray, list[str]]:
        """Indices of attachment vertices and the bone each is attached to (only bones moving
        with ``bodies`` where given: a muscle slides over the bones between its ends)."""
        names = [n for n in self.trees if not bodies or self.body[n] in bodies]
        dist = np.stack([self.trees[n].query(rest_points)[0] for n in names])
        near = dist.min(0) < ATTACH_M
        idx = np.flatnonzero(near)
        return idx, [names[k] for k in dist[:, idx].argmin(0)]

    def drift_mm(self, rest_points: np.ndarray, posed: np.ndarray, state: Any,
                 bodies: tuple[str, ...] = ()) -> np.ndarray:
        """Per attachment vertex: how much farther (mm) from its bone than at rest."""
        idx, bones = self.attachments(rest_points, bodies)
        out = np.zeros(len(idx))
        for bone in set(bones):
            sel = np.array([b == bone for b in bones])
            d0 = self.trees[bone].query(rest_points[idx[sel]])[0]
            d1 = self.trees[bone].query(self.to_rest(bone, posed[idx[sel]], state))[0]
            out[sel] = (d1 - d0) * 1000
        return out


    def end_drift_mm(self, rest_points: np.ndarray, posed: np.ndarray, state: Any,
                     ends: list[tuple[str, np.ndarray]]) -> np.ndarray:
        """Per origin or insertion vertex: how much farther (mm) from its bone than at rest.

        ``ends``: (body, rest point) of each end of the muscle's model paths; a vertex is at an
        end when it lies within ``ATTACH_M`` of a bone of that body and ``END_M`` of the point
        (a belly resting on a bone elsewhere may slide over it)."""
        out = []
        for body, point in ends:
            names = [n for n in self.trees if self.body[n] == body]
            if not names:
                continue
            near_end = np.linalg.norm(rest_points - point, axis=1) < END_M
            for n in names:
                d0 = self.trees[n].query(rest_points)[0]
                idx = np.flatnonzero(near_end & (d0 < ATTACH_M))
                if len(idx):
                    d1 = self.trees[n].query(self.to_rest(n, posed[idx], state))[0]
                    out.append((d1 - d0[idx]) * 1000)
        return np.concatenate(out) if out else np.zeros(0)


def parity_grid(v: np.ndarray, f: np.ndarray, h: float = GRID_M) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """Inside/outside of a closed mesh on a grid (spacing ``h``) by the parity of crossings of
    rays along z through each grid column, and the grid's origin."""
    from calfexplorer.anatomy.bone_fields import parity_grid as grid_of

    lo = v.min(0) - 2 * h - h * np.array([0.31, 0.17, 0.0])  # off the vertices' exact values
    shape = np.ceil((v.max(0) + 2 * h - lo) / h).astype(int) + 1
    return grid_of(v, f, h, lo, tuple(shape)), lo


def edge_ratio(faces: np.ndarray, rest: np.ndarray, posed: np.ndarray) -> np.ndarray:
    """Posed over rest length of every edge."""
    e = face_edges(faces)
    r = np.linalg.norm(rest[e[:, 0]] - rest[e[:, 1]], axis=1)
    p = np.linalg.norm(posed[e[:, 0]] - posed[e[:, 1]], axis=1)
    return p / np.maximum(r, 1e-12)


def flipped_share(faces: np.ndarray, rest: np.ndarray, posed: np.ndarray) -> float:
    """Share of triangles whose normal turned by more than 90 degrees against the best rigid
    rotation of the whole mesh piece around them (their 64 nearest triangles)."""
    c0, c1 = rest[faces].mean(1), posed[faces].mean(1)
    n0 = np.cross(rest[faces[:, 1]] - rest[faces[:, 0]], rest[faces[:, 2]] - rest[faces[:, 0]])
    n1 = np.cross(posed[faces[:, 1]] - posed[faces[:, 0]],
                  posed[faces[:, 2]] - posed[faces[:, 0]])
    _, nb = cKDTree(c0).query(c0, k=min(64, len(c0)))
    a = c0[nb] - c0[nb].mean(1, keepdims=True)
    b = c1[nb] - c1[nb].mean(1, keepdims=True)
    u, _s, vt = np.linalg.svd(np.einsum("fki,fkj->fij", b, a))
    d = np.sign(np.linalg.det(u @ vt))
    u[:, :, 2] *= d[:, None]
    rot = u @ vt
    expected = np.einsum("fij,fj->fi", rot, n0)
    return float(((expected * n1).sum(1) < 0).mean())


def extent(rest_points: np.ndarray, posed: np.ndarray, u: np.ndarray) -> float:
    """Length of a mesh along its path: through the centroids of five bands of vertices
    ordered by their rest position along the path (``u``)."""
    order = np.argsort(u)
    bands = np.array_split(order, 5)
    cents = np.stack([posed[b].mean(0) for b in bands])
    return float(np.linalg.norm(np.diff(cents, axis=0), axis=1).sum())


def signed_volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Signed volume of a closed mesh (m^3)."""
    return float(volume(np.asarray(vertices, np.float64), faces))
