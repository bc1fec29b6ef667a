"""A played action after a lesion: how far the movement still goes, and where the foot drifts
when the muscles that still work are left unopposed.

Derived from the lesion model's movement effects and the atlas's actions: a lost movement does
not happen; a weakened one goes part of the way; and the working prime movers pull their other
joint towards their other movement when its opposite has lost its muscles (with the superficial
fibular nerve cut, tibialis anterior lifts the foot and turns it in, the evertors no longer
balancing it). The fractions are illustrative for teaching, not measured strengths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from calfexplorer.atlas import Atlas
from calfexplorer.biomech.pose import Pose
from calfexplorer.lesion import LesionResult, MovementEffect
from calfexplorer.motion.actions import ACTIONS, Action, Frame, action_frames

#: The atlas movement each played action shows.
ACTION_MOVEMENTS: dict[str, tuple[str, str]] = {
    "plantarflexion": ("ankle", "plantarflexion"),
    "dorsiflexion": ("ankle", "dorsiflexion"),
    "knee_flexion": ("knee", "flexion"),
    "inversion": ("subtalar", "inversion"),
    "eversion": ("subtalar", "eversion"),
    "toe_flexion": ("lateral_toes", "flexion"),
    "toe_extension": ("lateral_toes", "extension"),
}
#: Share of the normal range a movement reaches, by its status after the lesion (illustrative).
REACH: dict[str, float] = {
    "spared": 1.0,
    "slightly_weakened": 0.9,
    "weakened": 0.6,
    "severely_weakened": 0.25,
    "lost": 0.0,
}
#: Share of the other movement's range that unopposed muscles pull the foot through.
DRIFT_SHARE = 0.5

_TARGET_BY_MOVEMENT = {ACTION_MOVEMENTS[a.id]: a for a in ACTIONS}


@dataclass(frozen=True)
class LesionedAction:
    """A played action as the lesion leaves it.

    ``reach`` is the share of the movement's range that still happens; ``drift`` maps other
    pose joints to the angle (degrees) they are pulled to at the top of the movement, with
    ``drift_text`` saying why.
    """

    action: Action
    status: str
    reach: float
    drift: dict[str, float] = field(default_factory=dict)
    drift_text: str = ""


def lesioned_action(atlas: Atlas, result: LesionResult, act: Action) -> LesionedAction:
    """What is left of ``act`` after the lesion of ``result``."""
    joint, movement = ACTION_MOVEMENTS[act.id]
    effect = result.movement(joint, movement)
    if effect is None or effect.status == "spared" and not _pullers(atlas, result, effect):
        return LesionedAction(act, "spared", 1.0)
    reach = REACH[effect.status]
    drift: dict[str, float] = {}
    why: list[str] = []
    if reach > 0:
        for muscle, other in _pullers(atlas, result, effect):
            target = _TARGET_BY_MOVEMENT[other]
            drift[target.joint] = target.target_deg * DRIFT_SHARE * reach
            opposite = atlas.opposite_movement(*other) or ""
            why.append(
                f"{atlas.name_of(muscle)} also gives {atlas.action_label(*other).lower()}, "
                f"and its opposite ({atlas.movement_name(other[0], opposite)}) has lost its muscles"
            )
    return LesionedAction(act, effect.status, reach, drift, "; ".join(dict.fromkeys(why)))


def lesioned_frames(
    la: LesionedAction, start: Pose | None = None, fps: float = 30.0
) -> list[Frame]:
    """The frames of :func:`calfexplorer.motion.actions.action_frames`, scaled by the reach,
    with the drifting joints pulled along (a lost movement stays where it started)."""
    frames = action_frames(la.action, start, fps)
    start = start or Pose()
    begin = start.degrees()
    out = []
    for f in frames:
        done = f.pose.degrees()[la.action.joint] - begin[la.action.joint]
        full = la.action.target_deg - begin[la.action.joint]
        ease = done / full if full else 0.0
        angles = {la.action.joint: begin[la.action.joint] + done * la.reach}
        for joint, target in la.drift.items():
            angles[joint] = begin[joint] + (target - begin[joint]) * ease
        out.append(Frame(f.t, start.replace(**{j: math.radians(d) for j, d in angles.items()})))
    return out


def _pullers(
    atlas: Atlas, result: LesionResult, effect: MovementEffect
) -> list[tuple[str, tuple[str, str]]]:
    """(working prime mover, its other movement) pairs whose opposing muscles are lost (the
    other movement may be one it only assists: tibialis anterior inverts)."""
    status = {(m.joint, m.movement): m.status for m in result.movements}
    out = []
    for muscle in effect.intact_prime:
        for other in result.movements:
            if other.joint == effect.joint or muscle not in (*other.intact_prime,
                                                             *other.intact_assisting):
                continue
            key = (other.joint, other.movement)
            opposite = atlas.opposite_movement(*key)
            if (
                opposite is not None
                and status.get((other.joint, opposite)) in ("lost", "severely_weakened")
                and key in _TARGET_BY_MOVEMENT
            ):
                out.append((muscle, key))
    return out
