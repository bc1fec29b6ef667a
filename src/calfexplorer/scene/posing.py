"""The default poser: AppState's pose -> every mesh posed, via biomech and geometry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from calfexplorer.geometry.deform import PosedMeshes


def model_poser(assets: Any) -> Callable[[Mapping[str, float]], PosedMeshes]:
    """A function from pose angles (radians: knee, ankle, subtalar, toes) to posed meshes.

    Evaluates the MyoLeg model (:mod:`calfexplorer.biomech`) and poses the rest-pose meshes
    with :class:`calfexplorer.geometry.deform.Deformer`: bones and patches as rigid
    transforms, muscles, nerves and vessels as new vertices with approximate normals. Built on
    first use, since loading the model takes a moment.
    """
    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.deform import Deformer
    from calfexplorer.geometry.source import pose_state

    deformer = Deformer(assets)

    def poser(angles: Mapping[str, float]) -> PosedMeshes:
        return deformer.pose(pose_state(Pose(**dict(angles))))

    return poser
