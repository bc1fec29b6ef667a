"""The pack's meshes as the solids a routed tube keeps out of: each one's nearest surface
vertex, clearance and exact inside test (:class:`_Solid`), and the questions the routing asks of
many at once: which points are free of them, the nearest free place, which runs of a line lie
inside, and how much of it; a tube's stations moved as far as they stay clear."""

from __future__ import annotations

from typing import Any

import numpy as np

from calfexplorer.anatomy.fan_winding import FanWinding
from calfexplorer.geometry.mesh import Mesh

#: Clearance (m) between a routed tube and the surfaces it is moved beside or out of.
GAP_M = 0.001
#: Points along each run between two stations at which a route made at rest is judged inside
#: tissue or not (evenly spaced). Its midpoint alone let a run cross thin tissue between its
#: ends: the sciatic nerve through the edge of the gluteus maximus.
RUN_POINTS = 5
#: The same while the pack's learning makes a posed tube's moves
#: (:func:`.posed_routes.clear_out`, :func:`.route_laying.lay_through`), which judge runs many
#: thousands of times: their midpoints only (three points there doubled the build, 40 -> 82 s,
#: and the tubes lay no better). The learning chooses between the moves at :data:`RUN_POINTS`
#: (:func:`.posed_routes.posed_cost`).
POSED_RUN_POINTS = 1


class _Solid:
    """A closed-ish pack mesh: nearest surface vertex (with its normal) and inside tests."""

    def __init__(self, mesh: Mesh) -> None:
        from scipy.spatial import cKDTree  # here: the window applies routes without SciPy

        self.mesh = mesh
        self.tree = cKDTree(mesh.vertices.astype(np.float64))
        self.normals = mesh.normals.astype(np.float64)
        self.lo = mesh.vertices.min(axis=0) - 0.01
        self.hi = mesh.vertices.max(axis=0) + 0.01
        self._tri: FanWinding | None = None
        #: places asked about before -> which lie inside, and their distance to the nearest
        #: vertex (:func:`.route_laying._tissue_parts`)
        self.parts: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        #: point (its float64 bytes) -> its winding number: a posed tube's routings and
        #: layings ask about the same points again (a third of them), and a point's winding
        #: does not depend on the points computed beside it
        self._wound: dict[bytes, float] = {}

    def inside(self, points: np.ndarray, exact: bool = True,
               deep: float | None = None) -> np.ndarray:
        """Which points lie inside: behind the nearest vertex's normal, confirmed (``exact``)
        by the winding number; but (``deep``) those behind it and farther than that from it."""
        out = np.zeros(len(points), bool)
        box, d, behind = self._nearest(points)
        if not len(box):
            return out
        if not exact:
            out[box] = behind
            return out
        self._confirm(points, box, d, behind, out, deep)
        return out

    def _nearest(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The points within the mesh's box (their rows), their distance to the nearest
        vertex, and whether they lie behind its normal."""
        box = np.flatnonzero(np.all((points > self.lo) & (points < self.hi), axis=1))
        if not len(box):
            return box, np.zeros(0), np.zeros(0, bool)
        d, idx = self.tree.query(points[box])
        behind = np.einsum("ij,ij->i", points[box] - self.tree.data[idx], self.normals[idx]) < 0
        return box, d, behind

    def _confirm(self, points: np.ndarray, box: np.ndarray, d: np.ndarray,
                 behind: np.ndarray, out: np.ndarray, deep: float | None = None) -> None:
        """Set ``out`` at the rows ``box`` of ``points`` (``d``, ``behind``: see
        :meth:`_nearest`) that lie inside by the exact test (as :meth:`inside`)."""
        near = behind | (d < 0.003)
        if deep is not None:
            sure = behind & (d > deep)
            out[box[sure]] = True
            near &= ~sure
        cand = box[near]
        if len(cand):
            out[cand] = self._winding_of(points[cand]) > 0.5

    def _winding_of(self, points: np.ndarray) -> np.ndarray:
        """:meth:`winding` at each point, those asked about before remembered."""
        pts = np.ascontiguousarray(points, np.float64)
        keys = [p.tobytes() for p in pts]
        known = self._wound
        new = [i for i, k in enumerate(keys) if k not in known]
        if new:
            known.update(zip((keys[i] for i in new), self.winding(pts[new]).tolist(),
                             strict=True))
        return np.array([known[k] for k in keys])

    def winding(self, points: np.ndarray) -> np.ndarray:
        """The generalized winding number of the mesh at each point (1 inside, 0 outside), as
        :func:`calfexplorer.geometry.implicit.winding_number` gives it, in single precision
        with the triangles' coordinates in rows (a tenth of the time), far parts of the mesh
        summed as fans over their rims (:mod:`.fan_winding`)."""
        if self._tri is None:
            self._tri = FanWinding(self.mesh.vertices, self.mesh.faces)
        return self._tri(points)

    def inside_depth(self, points: np.ndarray, deep: float | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``points`` inside (as :meth:`inside`) and their distance to the nearest
        vertex, found by the same search."""
        return self._inside_depth_of(points, *self._nearest(points), deep)

    def _inside_depth_of(self, points: np.ndarray, box: np.ndarray, d: np.ndarray,
                         behind: np.ndarray, deep: float | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`inside_depth` from :meth:`_nearest`'s answer for ``points``."""
        out = np.zeros(len(points), bool)
        if len(box):
            self._confirm(points, box, d, behind, out, deep)
        hit = out[box]
        return box[hit], d[hit]

    def clearance(self, points: np.ndarray) -> np.ndarray:
        """Distance to the nearest surface vertex, negative inside (fast test); points
        farther than 1 cm from the mesh's box get 1 cm."""
        return self._clear_of(len(points), *self._nearest(points))

    @staticmethod
    def _clear_of(count: int, box: np.ndarray, d: np.ndarray, behind: np.ndarray
                  ) -> np.ndarray:
        out = np.full(count, 0.01)
        out[box] = np.where(behind, -d, d)
        return out

    def free(self, points: np.ndarray, clear: np.ndarray, exact: bool = False) -> np.ndarray:
        """Which points are ``clear`` off the surface (:meth:`clearance`; ``exact``: and not
        inside by :meth:`inside`), the nearest vertices found once for both."""
        box, d, behind = self._nearest(points)
        ok = self._clear_of(len(points), box, d, behind) >= clear
        if exact and ok.any():
            keep = ok[box]
            inside = np.zeros(len(points), bool)
            self._confirm(points, box[keep], d[keep], behind[keep], inside)
            ok &= ~inside
        return ok

    def outside_point(self, points: np.ndarray, clearance: np.ndarray) -> np.ndarray:
        """Just outside the surface nearest each point, ``clearance`` off it."""
        _, idx = self.tree.query(points)
        return self.tree.data[idx] + self.normals[idx] * clearance[:, None]


def solids(meshes: dict[str, Mesh]) -> dict[str, _Solid]:
    """Inside and nearest-surface queries for each mesh."""
    return {sid: _Solid(m) for sid, m in meshes.items()}


def run_points(c: np.ndarray, count: int = RUN_POINTS) -> np.ndarray:
    """``count`` points evenly spaced inside each run of a polyline (runs, count, 3): at
    ``1 / (count + 1)`` of the run apart, so both its ends are left to the stations."""
    return _between(c[:-1], c[1:], count)


def _between(start: np.ndarray, end: np.ndarray, count: int) -> np.ndarray:
    """``count`` points evenly spaced inside each straight run from ``start`` to ``end``
    (rows, broadcast against each other): (runs, count, 3)."""
    f = (np.arange(1, count + 1) / (count + 1))[None, :, None]
    return np.asarray(start)[..., None, :] * (1.0 - f) + np.asarray(end)[..., None, :] * f


def inside_share(centres: np.ndarray, solids: dict[str, Any],
                 points: int = RUN_POINTS) -> dict[str, float]:
    """Share of a polyline's length inside each solid (those with any share), judged at
    ``points`` points along each run."""
    pts = run_points(centres, points)
    seg = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    total = max(float(seg.sum()), 1e-12)
    out = {}
    for sid, solid in solids.items():
        part = solid.inside(pts.reshape(-1, 3)).reshape(pts.shape[:2]).mean(axis=1)
        s = float(seg @ part) / total
        if s > 0:
            out[sid] = s
    return out


#: Directions searched for free space around a station inside a muscle or bone.
_DIRS = np.array([d for d in np.ndindex(3, 3, 3) if d != (1, 1, 1)], float) - 1.0
_DIRS /= np.linalg.norm(_DIRS, axis=1, keepdims=True)
_STEPS = np.arange(1, 21) * 0.002
_OFFSETS = (_STEPS[:, None, None] * _DIRS[None]).reshape(-1, 3)  # nearest first


def _free(points: np.ndarray, obstacles: dict[str, _Solid], clear: np.ndarray,
          exact: bool = False) -> np.ndarray:
    """Which points are ``clear`` off every obstacle (``exact``: and outside by the winding
    number, which open meshes need)."""
    ok = np.ones(len(points), bool)
    solids = list(obstacles.values())
    if not solids:
        return ok
    clear = np.broadcast_to(np.asarray(clear, np.float64), ok.shape)
    # which solids' boxes hold any of the points, all at once: the others are far from them
    lo = np.array([s.lo for s in solids])
    hi = np.array([s.hi for s in solids])
    plo, phi = points.min(axis=0), points.max(axis=0)
    reach = np.all((phi > lo) & (plo < hi), axis=1)
    if not reach.all():  # a far solid: as clearance() finds there, 1 cm off and not inside
        ok &= clear <= 0.01
    for solid in (s for s, near in zip(solids, reach.tolist(), strict=True) if near):
        if not ok.any():
            break
        idx = np.flatnonzero(ok)
        ok[idx] = solid.free(points[idx], clear[idx], exact)
    return ok


def _nearest_free(points: np.ndarray, obstacles: dict[str, _Solid],
                  clear: np.ndarray, exact: bool = False) -> np.ndarray:
    """For each point, the nearest of a ray search's points that is clear of every obstacle
    (the point itself where none is); searched outwards a few steps at a time."""
    out = points.copy()
    todo = np.arange(len(points))
    # with the clearance first; where nothing is that clear (muscles pressed together, or
    # overlapping as BodyParts3D's do), just outside
    for need in (clear, np.zeros_like(clear)):
        for ring in np.array_split(_OFFSETS, len(_STEPS) // 4):
            if not len(todo):
                return out
            cand = points[todo][:, None, :] + ring[None]
            k = len(ring)
            ok = _free(cand.reshape(-1, 3), obstacles, np.repeat(need[todo], k),
                       exact).reshape(len(todo), k)
            has = ok.any(axis=1)
            out[todo[has]] = cand[np.flatnonzero(has), ok.argmax(axis=1)[has]]
            todo = todo[~has]
    return out


def _free_sets(sets: list[np.ndarray], obstacles: dict[str, _Solid],
               clear: list[Any]) -> list[np.ndarray]:
    """:func:`_free` (exact test) for each set of points with its clearance (one number or one
    per point), all searched at once: each point's answer is its own."""
    sizes = [len(p) for p in sets]
    need = np.concatenate([np.broadcast_to(np.asarray(c, np.float64), (n,))
                           for c, n in zip(clear, sizes, strict=True)])
    ok = _free(np.concatenate(sets).reshape(-1, 3), obstacles, need, exact=True)
    return np.split(ok, np.cumsum(sizes)[:-1])


def _inside_parts(c: np.ndarray, obstacles: dict[str, _Solid],
                  own: dict[str, _Solid] | None = None,
                  points: int = POSED_RUN_POINTS) -> np.ndarray:
    """Each run's share of its ``points`` points (:func:`run_points`) inside any of
    ``obstacles`` (exact test), not counting those inside any of ``own``."""
    hit = _points_inside(run_points(c, points).reshape(-1, 3), obstacles, own)
    return hit.reshape(-1, points).mean(axis=1)  # (none for fewer than two stations)


def _points_inside(pts: np.ndarray, obstacles: dict[str, _Solid],
                   own: dict[str, _Solid] | None = None) -> np.ndarray:
    """Which points lie inside any of ``obstacles`` (exact test) and none of ``own``."""
    hit = np.zeros(len(pts), bool)
    for o in obstacles.values():
        hit[~hit] = o.inside(pts[~hit])
    if own and hit.any():
        mine = np.zeros(len(pts), bool)
        for o in own.values():
            mine[hit & ~mine] = o.inside(pts[hit & ~mine])
        hit &= ~mine
    return hit


def _inside_runs(c: np.ndarray, obstacles: dict[str, _Solid],
                 points: int = POSED_RUN_POINTS) -> np.ndarray:
    """Which runs of a polyline have any of their ``points`` points inside any of
    ``obstacles``."""
    return _inside_parts(c, obstacles, points=points) > 0.0


def _inside_length(c: np.ndarray, obstacles: dict[str, _Solid],
                   points: int = POSED_RUN_POINTS) -> float:
    """The length (m) of a polyline inside any of ``obstacles`` (:func:`_inside_parts`)."""
    return float(np.linalg.norm(np.diff(c, axis=0), axis=1)
                 @ _inside_parts(c, obstacles, points=points))


#: The halvings of a station's step tried where the whole step would enter tissue.
_HALVINGS = 3


def _step_free(s: np.ndarray, i: np.ndarray, step: np.ndarray, clear: np.ndarray,
               near: dict[str, _Solid], halvings: int = _HALVINGS) -> None:
    """Move the stations ``i`` of ``s`` (in place) by ``step``, each as far as (halving the
    step) it and its runs to its neighbours stay ``clear`` of ``near`` (the runs 1 mm at
    most, :data:`GAP_M`)."""
    step = step.copy()
    todo = np.ones(len(i), bool)
    for _ in range(halvings):
        k = i[todo]
        new = s[k] + step[todo]
        runs = np.concatenate([_between(s[k - 1], new, RUN_POINTS),
                               _between(new, s[k + 1], RUN_POINTS)], axis=1)
        # the stations and their runs in one search (each point's answer is its own)
        free = _free(np.concatenate([new, runs.reshape(-1, 3)]), near,
                     np.concatenate([clear[k], np.repeat(np.minimum(clear[k], GAP_M),
                                                         2 * RUN_POINTS)]))
        ok = free[:len(k)] & free[len(k):].reshape(len(k), -1).all(axis=1)
        s[k[ok]] = new[ok]
        todo[np.flatnonzero(todo)[ok]] = False
        if not todo.any():
            break
        step *= 0.5
