"""Numbers per atlas muscle, using the atlas's ``Muscle.model_muscles`` (the data owns the map).

Aggregation rule for an atlas muscle modelled by several actuators (e.g. gastrocnemius =
``gasmed_r`` + ``gaslat_r``, gluteus maximus = ``glmax1_r..3_r``):

- ``length_m`` is the mean of the actuators' muscle-tendon lengths;
- each moment arm is the mean over *all* its actuators, an actuator that does not cross the
  joint counting as 0. This makes the aggregate moment arm exactly ``-d(mean length)/dtheta``,
  so it stays consistent with the aggregate length; the joint is listed if any part crosses it.
- ``parts`` keeps every actuator's own numbers, so nothing is hidden by averaging.

The heads are atlas structures of their own (``gastrocnemius_medial_head`` -> ``gasmed_r``) and
report their own actuator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from calfexplorer.biomech.model import JOINT_KEYS, LegModel, PoseState


class _HasModelMuscles(Protocol):
    id: str
    model_muscles: list[str]


class _AtlasLike(Protocol):
    def muscles(self) -> Iterable[_HasModelMuscles]: ...


@dataclass(frozen=True)
class AtlasMuscleNumbers:
    """Muscle-tendon length (m) and moment arms (m, see :mod:`calfexplorer.biomech`)."""

    id: str
    model_muscles: tuple[str, ...]
    length_m: float
    moment_arms_m: dict[str, float]
    parts: dict[str, tuple[float, dict[str, float]]] = field(default_factory=dict)

    def as_json(self) -> dict:
        """The ``lengths --json`` entry for this muscle."""
        out: dict = {
            "length_m": self.length_m,
            "moment_arms_m": dict(self.moment_arms_m),
            "model_muscles": list(self.model_muscles),
        }
        if len(self.model_muscles) > 1:
            out["parts"] = {
                name: {"length_m": length, "moment_arms_m": dict(arms)}
                for name, (length, arms) in self.parts.items()
            }
        return out


def model_mapping(atlas: _AtlasLike, leg: LegModel) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Atlas muscle id -> model actuators, for every atlas muscle with a model path.

    Returns ``(mapping, problems)``; a problem names an atlas muscle whose ``model_muscles``
    lists an actuator the model lacks (that muscle is left out of the mapping).
    """
    known = set(leg.muscle_names())
    mapping: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    for muscle in atlas.muscles():
        names = tuple(muscle.model_muscles)
        if not names:
            continue
        missing = [n for n in names if n not in known]
        if missing:
            problems.append(
                f"{muscle.id}: model_muscles names {', '.join(missing)}, which MyoLeg's right "
                f"leg does not have"
            )
            continue
        mapping[muscle.id] = names
    return mapping, problems


def aggregate(atlas_id: str, actuators: tuple[str, ...], state: PoseState) -> AtlasMuscleNumbers:
    """Numbers of one atlas muscle from its actuators (rule in the module docstring)."""
    parts = {n: (state.muscles[n].length, dict(state.muscles[n].moment_arms)) for n in actuators}
    count = len(actuators)
    length = sum(length for length, _ in parts.values()) / count
    joints = [k for k in JOINT_KEYS if any(k in arms for _, arms in parts.values())]
    arms = {k: sum(a.get(k, 0.0) for _, a in parts.values()) / count for k in joints}
    return AtlasMuscleNumbers(atlas_id, actuators, length, arms, parts)


def atlas_lengths(
    atlas: _AtlasLike, state: PoseState, leg: LegModel | None = None
) -> dict[str, AtlasMuscleNumbers]:
    """Length and moment arms of every atlas muscle with a model path, at ``state``'s pose."""
    mapping, _ = model_mapping(atlas, leg or LegModel.load())
    return {aid: aggregate(aid, names, state) for aid, names in mapping.items()}
