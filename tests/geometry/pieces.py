"""Connected pieces of a built-in mesh, for the tests of tendon slips."""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry.bones import components


def piece_points(vertices: np.ndarray, faces: np.ndarray) -> list[np.ndarray]:
    """Points of each connected piece of a mesh."""
    v = np.asarray(vertices, dtype=np.float64)
    return [v[np.unique(faces[piece])] for piece in components(vertices, faces)]
