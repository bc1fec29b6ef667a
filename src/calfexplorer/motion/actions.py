"""'Play an action': one joint moved through its range and back, as poses over time."""

from __future__ import annotations

import math
from dataclasses import dataclass

from calfexplorer.biomech.pose import RANGES_DEG, Pose


@dataclass(frozen=True)
class Action:
    """A movement of one pose field (``joint``) to ``target_deg`` and back."""

    id: str
    name: str
    joint: str
    target_deg: float


@dataclass(frozen=True)
class Frame:
    """One step of an animation: time in seconds from the start, and the pose."""

    t: float
    pose: Pose


ACTIONS: tuple[Action, ...] = (
    Action("plantarflexion", "Plantarflexion", "ankle", RANGES_DEG["ankle"][0]),
    Action("dorsiflexion", "Dorsiflexion", "ankle", RANGES_DEG["ankle"][1]),
    Action("knee_flexion", "Knee flexion", "knee", RANGES_DEG["knee"][1]),
    Action("inversion", "Inversion", "subtalar", RANGES_DEG["subtalar"][1]),
    Action("eversion", "Eversion", "subtalar", RANGES_DEG["subtalar"][0]),
    Action("toe_flexion", "Toe flexion", "toes", RANGES_DEG["toes"][0]),
    Action("toe_extension", "Toe extension", "toes", RANGES_DEG["toes"][1]),
)

_BY_ID = {a.id: a for a in ACTIONS}

#: Angular speed of an animation (degrees per second) and the shortest one-way time.
SPEED_DEG_PER_S = 60.0
MIN_LEG_S = 0.6


def action(action_id: str) -> Action:
    """The action with this id (``KeyError`` naming the known ids if unknown)."""
    try:
        return _BY_ID[action_id]
    except KeyError:
        raise KeyError(f"unknown action {action_id!r}; known: {', '.join(_BY_ID)}") from None


def action_frames(act: Action, start: Pose | None = None, fps: float = 30.0) -> list[Frame]:
    """Poses that move ``act.joint`` from its angle in ``start`` to the target and back.

    The other joints keep their angles from ``start`` (anatomical position by default). The
    motion eases in and out (cosine), at about :data:`SPEED_DEG_PER_S`; the first and last
    frames are ``start`` itself.
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    start = start or Pose()
    begin = start.degrees()[act.joint]
    travel = abs(act.target_deg - begin)
    leg_s = max(travel / SPEED_DEG_PER_S, MIN_LEG_S)
    count = max(2, round(2 * leg_s * fps))
    frames = []
    for i in range(count + 1):
        phase = i / count  # 0 -> 1 over the whole out-and-back motion
        ease = 0.5 - 0.5 * math.cos(2 * math.pi * phase)  # 0 -> 1 -> 0
        deg = begin + (act.target_deg - begin) * ease
        pose = start if i in (0, count) else start.replace(**{act.joint: math.radians(deg)})
        frames.append(Frame(i / fps, pose))
    return frames
