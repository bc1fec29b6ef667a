"""Connected pieces of a built-in mesh, for the tests of tendon slips."""

from __future__ import annotations

import numpy as np

from calfexplorer.biomech import Pose
from calfexplorer.geometry.mesh_graph import components

#: Poses a slipped tendon must stay on its toes through: toes flexed, extended, and moved with
#: the knee, ankle and subtalar joint.
TOE_POSES = [Pose.from_degrees(toes=30), Pose.from_degrees(toes=-30),
             Pose.from_degrees(knee=60, ankle=-35, subtalar=10, toes=20)]


def piece_points(vertices: np.ndarray, faces: np.ndarray) -> list[np.ndarray]:
    """Points of each connected piece of a mesh."""
    v = np.asarray(vertices, dtype=np.float64)
    return [v[np.unique(faces[piece])] for piece in components(vertices, faces)]
