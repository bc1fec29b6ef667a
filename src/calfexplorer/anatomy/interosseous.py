"""Which side of the leg's interosseous line a point lies: the line across the leg from the
tibia to the fibula at its level, along which the interosseous membrane parts the front of the
leg from the back. A kept tube moved out of the posed tissue must stay on its side: the tibial
nerve, moved into the gap between the bones in the deep squat, lay in front of tibialis
posterior, among the anterior compartment's muscles (#12)."""

from __future__ import annotations

import numpy as np

#: The bones' vertices within this (m) of a point's level along the tibia make their slices.
SLICE_M = 0.01
#: A point counts as moved across the line only where it lay at least :data:`SIDE_M` (m) on its
#: side and ends over :data:`ACROSS_M` on the other: a station lying on the line lies in a bone
#: (the line runs through their centres), and a move out of the bone may take either side.
SIDE_M = 0.005
ACROSS_M = 0.002


class Line:
    """The interosseous line of the leg posed with these ``tibia`` and ``fibula`` vertices:
    the tibia's long axis and each vertex's place along it found once, for the many points a
    pose's learning asks about."""

    def __init__(self, tibia: np.ndarray, fibula: np.ndarray) -> None:
        self.t = np.asarray(tibia, np.float64)
        self.f = np.asarray(fibula, np.float64)
        self.mid = self.t.mean(axis=0)
        axis = np.linalg.svd(self.t - self.mid, full_matrices=False)[2][0]
        at = (self.t - self.mid) @ axis
        if _spread(self.t, at, axis, at > np.quantile(at, 0.9)) \
                < _spread(self.t, at, axis, at < np.quantile(at, 0.1)):
            axis, at = -axis, -at  # pointing to the knee, whose end of the tibia is the wider
        self.axis, self.at = axis, at
        self.af = (self.f - self.mid) @ axis

    def signed_depth(self, points: np.ndarray, levels: np.ndarray | None = None) -> np.ndarray:
        """Each point's distance (m) from the line between the tibia's and the fibula's
        centres at its level (their vertices within :data:`SLICE_M` of it along the tibia's
        long axis; or at ``levels``, a point per point, whose level is taken instead), signed
        so that points on the same side of it share a sign in any pose (the tibia's axis taken
        towards its wider end, the knee's, and the line from tibia to fibula); NaN where either
        bone has no slice there (above the fibula's head, below the malleoli)."""
        p = np.asarray(points, np.float64)
        at_level = p if levels is None else np.asarray(levels, np.float64)
        out = np.full(len(p), np.nan)
        # (the places on a disc across a station share its level: each level's line found once)
        level, rows = np.unique(at_level, axis=0, return_inverse=True)
        for k, q in enumerate((level - self.mid) @ self.axis):
            ts = self.t[np.abs(self.at - q) < SLICE_M]
            fs = self.f[np.abs(self.af - q) < SLICE_M]
            if len(ts) < 3 or len(fs) < 3:
                continue
            tc = ts.mean(axis=0)
            across = fs.mean(axis=0) - tc
            across -= (across @ self.axis) * self.axis
            normal = np.cross(self.axis, across)
            mine = rows.reshape(-1) == k
            out[mine] = (p[mine] - tc) @ normal / max(float(np.linalg.norm(normal)), 1e-12)
        return out

    def crossed(self, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Which points moved from ``before`` to ``after`` end more than :data:`ACROSS_M` on
        the other side of the line (:meth:`signed_depth`, at the level they left) from where
        they lay, at least :data:`SIDE_M` on their side."""
        was = self.signed_depth(before)
        now = self.signed_depth(after, levels=before)
        with np.errstate(invalid="ignore"):
            return (np.abs(was) >= SIDE_M) & (np.sign(was) * now < -ACROSS_M)


def signed_depth(points: np.ndarray, tibia: np.ndarray, fibula: np.ndarray,
                 levels: np.ndarray | None = None) -> np.ndarray:
    """:meth:`Line.signed_depth` of the line of ``tibia`` and ``fibula``."""
    return Line(tibia, fibula).signed_depth(points, levels)


def _spread(t: np.ndarray, at: np.ndarray, axis: np.ndarray, rows: np.ndarray) -> float:
    """How far the tibia's vertices in ``rows`` spread across its long axis."""
    across = t[rows] - np.outer(at[rows], axis)
    return float(np.linalg.norm(across - across.mean(axis=0), axis=1).mean())


def crossed(before: np.ndarray, after: np.ndarray, tibia: np.ndarray,
            fibula: np.ndarray) -> np.ndarray:
    """:meth:`Line.crossed` of the line of ``tibia`` and ``fibula``."""
    return Line(tibia, fibula).crossed(before, after)
