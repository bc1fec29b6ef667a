"""The leg posed once per pose, shared by everything that needs the model at that pose.

The scene's mesh posing, the motion lab's read-out and its length colours all ask for the same
pose within one slider step; each used to evaluate MuJoCo itself. :class:`PosedLeg` evaluates a
pose once (paths with points along the wrap surfaces, lengths, moment arms, body transforms)
and hands the same :class:`PoseState` to every reader.
"""

from __future__ import annotations

import threading

from calfexplorer.biomech.model import LegModel, PoseState
from calfexplorer.biomech.pose import Pose
from calfexplorer.recent import Recent

#: Points along each wrapping surface in shared evaluations, so drawn paths follow the wrap.
ARC_POINTS = 4
#: Poses kept: the current one, the one before, and a couple the panel may still ask about.
KEEP = 4


class PosedLeg:
    """:meth:`at` evaluates a pose the first time it is asked for and remembers the last few.

    ``evaluations`` counts the MuJoCo evaluations made (tests and benchmarks read it).
    """

    def __init__(self, leg: LegModel | None = None, keep: int = KEEP) -> None:
        self._leg = leg
        self._states: Recent[Pose, PoseState] = Recent(keep)
        self._lock = threading.Lock()
        self.evaluations = 0

    @property
    def leg(self) -> LegModel:
        """The model (loaded on first use)."""
        if self._leg is None:
            self._leg = LegModel.load()
        return self._leg

    def at(self, pose: Pose | None = None) -> PoseState:
        """The model in ``pose`` (default: anatomical position)."""
        pose = pose or Pose()
        with self._lock:
            state = self._states.get(pose)
            if state is not None:
                return state
        state = self.leg.evaluate(pose, arc_points=ARC_POINTS)
        with self._lock:
            self.evaluations += 1
            self._states.put(pose, state)
        return state


_shared: PosedLeg | None = None
_shared_lock = threading.Lock()


def posed_leg() -> PosedLeg:
    """The process-wide posed leg (over :meth:`LegModel.load`)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PosedLeg()
        return _shared
