"""The skin's learnt moves for the bent knee: per vertex, how far (rest frame) the skin moves
out in a few knee angles so that the tissue posed there stays under it, blended by the knee's
angle as the skin is posed.

Blended across the knee (:mod:`calfexplorer.geometry.skin_blend`) the skin behind it is turned
narrowly between the thigh and the leg, while the tissue there follows the model's paths: in
deep flexion the calf's and the thigh's muscles met behind the knee up to 36 mm outside the
skin. The moves are learnt where the tissue is, at build time, for the built-in skin and the
pack's (:mod:`calfexplorer.geometry.skin_knee_learn`); posing adds them before the blend,
two arrays scaled and summed (tens of microseconds)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: The bodies whose turn from each other is the knee's angle.
THIGH, LEG = "femur_r", "tibia_r"


def knee_angle_deg(rest_bodies: Mapping[str, np.ndarray],
                   posed_bodies: Mapping[str, np.ndarray]) -> float:
    """How far the leg has turned from the thigh since the rest pose (degrees; 0 where either
    body is missing)."""
    if not all(b in rest_bodies and b in posed_bodies for b in (THIGH, LEG)):
        return 0.0
    thigh = np.asarray(posed_bodies[THIGH])[:3, :3] @ np.asarray(rest_bodies[THIGH])[:3, :3].T
    leg = np.asarray(posed_bodies[LEG])[:3, :3] @ np.asarray(rest_bodies[LEG])[:3, :3].T
    cos = (np.trace(thigh.T @ leg) - 1.0) / 2.0
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def knee_move(grid_deg: np.ndarray, moves: np.ndarray, angle_deg: float) -> np.ndarray | None:
    """The move (n, 3) at ``angle_deg``: the learnt ``moves`` (k, n, 3) at the knee angles
    ``grid_deg`` (k, ascending, above 0) blended linearly between them and from none at 0,
    held beyond the last; None where there is none."""
    knees = np.concatenate([[0.0], np.asarray(grid_deg, np.float64)])
    if angle_deg <= 0.0 or not len(moves):
        return None
    a = min(angle_deg, float(knees[-1]))
    i = int(np.clip(np.searchsorted(knees, a) - 1, 0, len(knees) - 2))
    t = float((a - knees[i]) / (knees[i + 1] - knees[i]))
    out = t * moves[i]  # (moves[i] is the grid's (i+1)-th knee: index 0 is the straight knee)
    if i > 0:
        out += (1.0 - t) * moves[i - 1]
    return out
