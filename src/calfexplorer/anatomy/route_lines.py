"""A routed tube's line (its stations' centres, a polyline) as the routing shapes it: smoothed
by 1-2-1 passes, the turns between its runs, the cheapest sequence of places per station
(Viterbi), and a disc of places across it."""

from __future__ import annotations

import numpy as np

SMOOTH_PASSES = 3


def _smooth(d: np.ndarray, passes: int = SMOOTH_PASSES) -> np.ndarray:
    """``d`` (rows along the line) smoothed by ``passes`` 1-2-1 passes, each end its own
    neighbour."""
    for _ in range(passes):
        pad = np.concatenate([d[:1], d, d[-1:]])
        d = 0.25 * pad[:-2] + 0.5 * pad[1:-1] + 0.25 * pad[2:]
    return d


def _turns(c: np.ndarray) -> np.ndarray:
    """The angle (degrees) between each pair of consecutive runs of a polyline."""
    d = np.diff(c, axis=0)
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
    return np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", d[1:], d[:-1]), -1.0, 1.0)))


def _cheapest(unary: list[np.ndarray], steps: list[np.ndarray]) -> list[int]:
    """The option per station with the least summed cost (Viterbi)."""
    cost = unary[0]
    back = []
    for k in range(1, len(unary)):
        total = cost[:, None] + steps[k - 1]
        back.append(total.argmin(axis=0))
        cost = total.min(axis=0) + unary[k]
    pick = [int(cost.argmin())]
    for k in range(len(unary) - 1, 0, -1):
        pick.append(int(back[k - 1][pick[-1]]))
    return pick[::-1]


#: Places across the tube a re-laid station may take around its (smoothed) place (m, radians).
_LAY_RADII = np.arange(1, 9) * 0.0025
_LAY_ANGLES = np.arange(10) * (np.pi / 5)
_LAY_DISC = np.array([(0.0, 0.0)] + [(r * np.cos(a), r * np.sin(a)) for r in _LAY_RADII
                                       for a in _LAY_ANGLES])


def _disc_across(tangent: np.ndarray) -> np.ndarray:
    """:data:`_LAY_DISC`'s places as offsets (P, 3) across a tube running along ``tangent``
    (the first no move)."""
    t = tangent / max(float(np.linalg.norm(tangent)), 1e-12)
    u = np.cross(t, [0.0, 0.0, 1.0] if abs(t[2]) < 0.9 else [1.0, 0.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(t, u)
    return _LAY_DISC[:, :1] * u + _LAY_DISC[:, 1:] * v
