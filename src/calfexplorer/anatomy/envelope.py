"""The limb's envelope: the convex hull of the tissue's cross-section, level by level.

A routed nerve pushed out of a muscle takes the nearest free place, which can lie on the
muscle's outer face, under the skin: the sciatic nerve, drawn inside the long head of biceps
femoris, came out behind it instead of in front of it. :class:`Outside` is the space outside
the envelope as an obstacle of the routing (the same queries as its solids), so a route
drawn within the envelope is kept within it.
"""

from __future__ import annotations

import numpy as np

#: Height (m) of the slabs of tissue whose cross-section's hull makes one level.
LEVEL_M = 0.01


class Outside:
    """The space outside the envelope of the tissue's ``vertices``, less a ``margin`` (m,
    per level) around it."""

    def __init__(self, vertices: np.ndarray) -> None:
        from scipy.spatial import ConvexHull, QhullError  # here: the window applies routes

        v = np.asarray(vertices, np.float64)
        self.z0 = float(v[:, 2].min())
        levels = max(int(np.ceil((float(v[:, 2].max()) - self.z0) / LEVEL_M)), 1)
        level = np.clip(((v[:, 2] - self.z0) / LEVEL_M).astype(int), 0, levels - 1)
        #: per level the hull's edges as half-planes n . p <= d (unit normals n)
        self.planes: list[tuple[np.ndarray, np.ndarray] | None] = []
        for i in range(levels):
            xy = v[level == i, :2]
            if len(xy) < 3 or np.ptp(xy, axis=0).min() < 1e-6:
                self.planes.append(None)
                continue
            try:
                eq = ConvexHull(xy).equations  # n . p + e <= 0 inside
            except QhullError:  # (a flat slab: no envelope there)
                self.planes.append(None)
                continue
            self.planes.append((eq[:, :2], -eq[:, 2]))
        self.margin = np.zeros(levels)
        self.lo = np.array([-np.inf, -np.inf, self.z0])
        self.hi = np.array([np.inf, np.inf, self.z0 + levels * LEVEL_M])

    def around(self, centres: np.ndarray, slack: float) -> Outside:
        """The envelope widened, level by level, as far as the course ``centres`` goes out of
        it on that level and the ones either side, and by ``slack``: a route kept no farther
        out than the course drawn for it."""
        margin = np.zeros(len(self.planes))
        beyond = np.clip(-self.clearance(centres), 0.0, None)
        for i, b in zip(self.levels(centres).tolist(), beyond.tolist(), strict=True):
            margin[max(i - 1, 0):i + 2] = np.maximum(margin[max(i - 1, 0):i + 2], b)
        out = object.__new__(Outside)
        out.__dict__.update(self.__dict__, margin=self.margin + margin + slack)
        return out

    def levels(self, points: np.ndarray) -> np.ndarray:
        """The level of each point (clipped to the envelope's)."""
        return np.clip(((np.asarray(points)[:, 2] - self.z0) / LEVEL_M).astype(int), 0,
                       len(self.planes) - 1)

    def clearance(self, points: np.ndarray) -> np.ndarray:
        """How far inside the envelope each point lies, negative outside
        (outside: the farthest edge's distance, a bound on the true one); 1 cm on levels with
        no hull."""
        points = np.asarray(points, np.float64)
        out = np.full(len(points), 0.01)
        lv = self.levels(points)
        for i in np.unique(lv).tolist():
            planes = self.planes[i]
            if planes is None:
                continue
            rows = np.flatnonzero(lv == i)
            n, d = planes
            out[rows] = (d[None] - points[rows, :2] @ n.T).min(axis=1) + self.margin[i]
        return out

    def inside(self, points: np.ndarray, exact: bool = True,
               deep: float | None = None) -> np.ndarray:
        """Which points lie outside the envelope (inside this obstacle)."""
        return self.clearance(points) < 0.0

    def free(self, points: np.ndarray, clear: np.ndarray, exact: bool = False) -> np.ndarray:
        """Which points lie ``clear`` inside the envelope (as a routing solid's ``free``)."""
        return self.clearance(points) >= clear

