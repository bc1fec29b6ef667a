"""The MyoLeg bone surfaces BodyParts3D bones are fitted onto (world frame, rest pose, metres)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from calfexplorer.anatomy.errors import AnatomyError
from calfexplorer.anatomy.register import registration_samples

if TYPE_CHECKING:
    from calfexplorer.geometry.source import PoseLike

SAMPLE_SPACING = 0.001  # m between target points: finer than the fit's errors


@dataclass(frozen=True)
class Target:
    """Dense points on the model's surface of some bones, and the body they move with."""

    points: np.ndarray
    body: str


@cache
def _model() -> tuple[dict[str, Any], dict[str, Any], PoseLike]:
    from calfexplorer.geometry.params import load_params
    from calfexplorer.geometry.source import bone_sources, rest_pose

    return ({s.mesh: s for s in bone_sources()}, {b.id: b for b in load_params().bones},
            rest_pose())


def model_target(bone_ids: tuple[str, ...]) -> Target:
    """The model's surface of these atlas bones (data/geometry/bones.yaml says which mesh and
    which pieces of it), in the rest pose."""
    from calfexplorer.geometry.bones import select_pieces
    from calfexplorer.geometry.source import body_rt

    sources, specs, rest = _model()
    points, bodies = [], set()
    for bid in bone_ids:
        spec = specs.get(bid)
        if spec is None or spec.mesh not in sources:
            raise AnatomyError(f"the MyoLeg model has no mesh for the bone {bid!r}")
        src = sources[spec.mesh]
        v, f = select_pieces(src, spec.seeds)
        rot, pos = body_rt(rest, src.body)
        points.append(registration_samples(v @ rot.T + pos, f, SAMPLE_SPACING))
        bodies.add(src.body)
    if len(bodies) != 1:
        raise AnatomyError(f"the bones {', '.join(bone_ids)} move with different model bodies")
    return Target(np.concatenate(points), bodies.pop())


def model_layers() -> dict[str, str]:
    """Layer of each structure the built-in model sweeps (muscles, vessels, tendons)."""
    from calfexplorer.geometry.params import load_params

    return {s.id: s.layer for s in load_params().sweeps}


def model_versions() -> dict[str, str]:
    """Versions of the model packages the fit was made against."""
    from calfexplorer.geometry.source import source_info

    return source_info()
