"""Picking what a frame draws: the nearest front-facing triangle along a pixel's ray.

Every actor is drawn with back faces culled, so where a swept tube folds over itself (the
inside of a sharp bend) or a mesh crosses another, the triangles facing away from the camera
are not drawn. VTK's cell picker hits them anyway and selects a structure the user cannot
see there; these functions skip them, as the frame does.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonCore import vtkIdList, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkAbstractCellLocator


def to_local(transform: np.ndarray | None, point: np.ndarray) -> np.ndarray:
    """A world point in the rest coordinates of a mesh placed by ``transform`` (4x4)."""
    if transform is None:
        return point
    return (np.linalg.inv(np.asarray(transform, dtype=np.float64)) @ np.append(point, 1.0))[:3]


#: A box's eight corners: for each, which of its two corners (0 low, 1 high) gives x, y, z.
_CORNERS = np.array(np.meshgrid([0, 1], [0, 1], [0, 1], indexing="ij")).reshape(3, -1).T


def world_boxes(boxes: np.ndarray, transforms: list[np.ndarray | None]) -> np.ndarray:
    """Axis-aligned world bounds (rows in VTK bounds order) of boxes given in their meshes' own
    frames ((n, 2, 3) lowest and highest corners), each placed by its 4x4 transform (None:
    where it is): the bounds of its eight corners so placed, as VTK bounds a placed actor."""
    lo, hi = boxes[:, 0].copy(), boxes[:, 1].copy()
    placed = [i for i, t in enumerate(transforms) if t is not None]
    if placed:
        m = np.array([transforms[i] for i in placed], dtype=np.float64)
        box = boxes[placed]
        corners = np.where(_CORNERS == 0, box[:, None, 0], box[:, None, 1])  # (k, 8, 3)
        world = np.einsum("kij,kcj->kci", m[:, :3, :3], corners) + m[:, None, :3, 3]
        lo[placed], hi[placed] = world.min(axis=1), world.max(axis=1)
    return np.stack((lo, hi), axis=2).reshape(-1, 6)


def rays_hit_boxes(p0: np.ndarray, p1: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Which of the axis-aligned boxes (rows in VTK bounds order) the segment p0-p1 passes
    through."""
    lo, hi = bounds[:, 0::2], bounds[:, 1::2]
    d = p1 - p0
    safe = np.where(d == 0, 1.0, d)
    t0, t1 = (lo - p0) / safe, (hi - p0) / safe
    inside = (p0 >= lo) & (p0 <= hi)
    t_near = np.where(d == 0, np.where(inside, -np.inf, np.inf), np.minimum(t0, t1))
    t_far = np.where(d == 0, np.where(inside, np.inf, -np.inf), np.maximum(t0, t1))
    return np.maximum(t_near.max(axis=1), 0.0) <= np.minimum(t_far.min(axis=1), 1.0)


def nearest_front_hit(
    locator: vtkAbstractCellLocator,
    vertices: np.ndarray,
    faces: np.ndarray,
    p0: np.ndarray,
    p1: np.ndarray,
) -> float | None:
    """Fraction along p0-p1 (mesh coordinates) of the nearest triangle facing p0, or None.

    ``locator`` is built over the mesh's triangles ``faces`` on ``vertices``.
    """
    points, cells = vtkPoints(), vtkIdList()
    locator.IntersectWithLine(p0.tolist(), p1.tolist(), 0.0, points, cells)
    n = cells.GetNumberOfIds()
    if n == 0:
        return None
    ids = np.array([cells.GetId(i) for i in range(n)])
    tri = vertices[faces[ids]].astype(np.float64)
    a, b = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    normals = np.stack([
        a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1],
        a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
        a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0],
    ], axis=1)
    direction = p1 - p0
    front = normals @ direction < 0.0
    if not front.any():
        return None
    hits = np.array([points.GetPoint(i) for i in range(n)])[front]
    t = (hits - p0) @ direction / float(direction @ direction)
    return float(t.min())
