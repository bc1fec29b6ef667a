"""Per-muscle numbers of the motion lab: length as % of anatomical position, moment arms,
and sweeps of length against one joint angle (cached: the model never changes)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from calfexplorer.biomech.atlas_map import aggregate, model_mapping
from calfexplorer.biomech.model import LegModel
from calfexplorer.biomech.pose import RANGES_DEG, Pose
from calfexplorer.biomech.posed import PosedLeg, posed_leg


class _Named(Protocol):
    id: str
    name: str
    model_muscles: list[str]


class _AtlasLike(Protocol):
    def muscles(self) -> Iterable[_Named]: ...

    def name_of(self, any_id: str) -> str: ...


@dataclass(frozen=True)
class MuscleReadout:
    """One atlas muscle at a pose.

    ``percent`` is the muscle-tendon length as a percentage of its length in anatomical
    position; ``moment_arms_m`` holds ``-dL/dtheta`` (metres) for every joint crossed (keys as
    in :data:`calfexplorer.biomech.JOINT_KEYS`; positive = knee flexor, ankle dorsiflexor,
    subtalar invertor, toe extensor).
    """

    id: str
    name: str
    length_m: float
    reference_m: float
    moment_arms_m: dict[str, float]

    @property
    def percent(self) -> float:
        """Length as % of the anatomical-position length."""
        return 100.0 * self.length_m / self.reference_m

    @property
    def change_mm(self) -> float:
        """Length change from anatomical position, millimetres (+ = longer)."""
        return 1000.0 * (self.length_m - self.reference_m)


@dataclass(frozen=True)
class Sweep:
    """Length (% of anatomical) of every modelled atlas muscle against one joint's angle,
    the other joints held at ``held`` (degrees)."""

    joint: str
    held: dict[str, float]
    angles_deg: np.ndarray
    percent: dict[str, np.ndarray]

    def span(self, muscle_id: str) -> float:
        """Max minus min length (% points) over the sweep: ~0 for a muscle the joint misses."""
        values = self.percent[muscle_id]
        return float(values.max() - values.min())

    def note(self, ids: Iterable[str], name: Callable[[str], str]) -> str:
        """What the curves of ``ids`` against this joint show: which are flat (the muscle does
        not cross the joint) and which change, and where the other joints are held."""
        ids = list(ids)
        flat = [name(m) for m in ids if self.span(m) < 0.05]
        moving = [f"{name(m)} ({self.span(m):.1f} points)" for m in ids if self.span(m) >= 0.05]
        parts = []
        if flat:
            parts.append(f"Flat against the {self.joint} (does not cross it): {', '.join(flat)}.")
        if moving:
            parts.append(f"Changes with the {self.joint}: {', '.join(moving)}.")
        held = ", ".join(f"{j} {d:g}°" for j, d in self.held.items() if j != self.joint)
        parts.append(
            "Length: % of the muscle-tendon length in anatomical position. Curves hold the "
            f"other joints where they are now ({held}); dots mark the current pose."
        )
        return " ".join(parts)


class MotionModel:
    """The model's numbers for atlas muscles, with anatomical-position references.

    Parameters
    ----------
    atlas
        The atlas (its ``Muscle.model_muscles`` maps atlas ids to MyoLeg actuators).
    leg
        The posed model (default: ``LegModel.load()``).
    """

    def __init__(self, atlas: _AtlasLike, leg: LegModel | None = None) -> None:
        self.atlas = atlas
        # The shared posed leg (one evaluation per pose with the scene), or one of its own.
        self.posed = posed_leg() if leg is None else PosedLeg(leg)
        self.leg = self.posed.leg
        self.mapping, self.problems = model_mapping(atlas, self.leg)
        reference = self.leg.lengths(Pose())
        self._reference = {aid: _mean(reference, acts) for aid, acts in self.mapping.items()}
        self._names = {m.id: m.name for m in atlas.muscles()}
        self._sweeps: dict[tuple, Sweep] = {}
        self._sweep_lock = threading.Lock()

    @property
    def ids(self) -> tuple[str, ...]:
        """Atlas ids of the muscles with a model path, in atlas order."""
        return tuple(self.mapping)

    def has(self, muscle_id: str | None) -> bool:
        """Whether the model has a path for this atlas id."""
        return muscle_id in self.mapping

    def name(self, muscle_id: str) -> str:
        """Display name of an atlas muscle."""
        return self._names.get(muscle_id, muscle_id)

    def reference_m(self, muscle_id: str) -> float:
        """Muscle-tendon length in anatomical position (m)."""
        return self._reference[muscle_id]

    def readout(self, pose: Pose, ids: Iterable[str] | None = None) -> dict[str, MuscleReadout]:
        """Lengths and moment arms of the given (default: all modelled) muscles at ``pose``."""
        wanted = [i for i in (self.ids if ids is None else ids) if i in self.mapping]
        if not wanted:
            return {}
        state = self.posed.at(pose)
        out = {}
        for aid in wanted:
            numbers = aggregate(aid, self.mapping[aid], state)
            out[aid] = MuscleReadout(
                aid,
                self.name(aid),
                numbers.length_m,
                self._reference[aid],
                dict(numbers.moment_arms_m),
            )
        return out

    def percentages(self, pose: Pose, ids: Iterable[str] | None = None) -> dict[str, float]:
        """Length as % of anatomical position for the given (default: all) muscles."""
        state = self.posed.at(pose)
        lengths = {name: m.length for name, m in state.muscles.items()}
        wanted = self.ids if ids is None else [i for i in ids if i in self.mapping]
        return {
            aid: 100.0 * _mean(lengths, self.mapping[aid]) / self._reference[aid] for aid in wanted
        }

    def sweep(self, joint: str, pose: Pose | None = None, step_deg: float = 2.0) -> Sweep:
        """Length of every modelled muscle over ``joint``'s whole range, the other joints as in
        ``pose`` (rounded to whole degrees). Cached per (joint, other angles, step)."""
        if joint not in RANGES_DEG:
            raise ValueError(f"unknown joint {joint!r}; use {', '.join(RANGES_DEG)}")
        held = {k: float(round(v)) for k, v in (pose or Pose()).degrees().items() if k != joint}
        key = (joint, tuple(sorted(held.items())), float(step_deg))
        with self._sweep_lock:
            cached = self._sweeps.get(key)
        if cached is not None:
            return cached
        lo, hi = RANGES_DEG[joint]
        count = int(math.floor((hi - lo) / step_deg + 1e-9)) + 1
        angles = np.linspace(lo, lo + (count - 1) * step_deg, count)
        if angles[-1] < hi - 1e-9:
            angles = np.append(angles, hi)
        table = np.empty((len(angles), len(self.mapping)))
        for row, angle in enumerate(angles):
            sample = Pose.from_degrees(**held, **{joint: float(angle)}, clamp=False)
            lengths = self.leg.lengths(sample)
            for col, (aid, acts) in enumerate(self.mapping.items()):
                table[row, col] = 100.0 * _mean(lengths, acts) / self._reference[aid]
        result = Sweep(
            joint,
            held,
            angles,
            {aid: table[:, col].copy() for col, aid in enumerate(self.mapping)},
        )
        with self._sweep_lock:
            self._sweeps[key] = result
        return result


def _mean(lengths: Mapping[str, float], actuators: tuple[str, ...]) -> float:
    return sum(lengths[a] for a in actuators) / len(actuators)
