"""The default poser: AppState's pose -> new vertices for every mesh, via biomech and geometry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


def model_poser(assets: Any) -> Callable[[Mapping[str, float]], Mapping[str, np.ndarray]]:
    """A function from pose angles (radians: knee, ankle, subtalar, toes) to vertices by id.

    Evaluates the MyoLeg model (:mod:`calfexplorer.biomech`) and deforms the rest-pose meshes
    with :class:`calfexplorer.geometry.deform.Deformer` (bones move rigidly, muscles follow
    their paths). Built on first use, since loading the model takes a moment.
    """
    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.deform import Deformer
    from calfexplorer.geometry.source import pose_state

    deformer = Deformer(assets)

    def poser(angles: Mapping[str, float]) -> Mapping[str, np.ndarray]:
        return deformer.deform(pose_state(Pose(**dict(angles))))

    return poser
