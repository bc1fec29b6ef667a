"""How much of a soft-tissue mesh lies inside bone: one measure for the pack build and checks."""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry.collide import BoneField

#: Vertices measured per mesh (an even stride through them): the share to about 1 %.
SAMPLE_VERTICES = 1000


def inside_bone(vertices: np.ndarray, bones: BoneField) -> float:
    """Share of the mesh's vertices (up to SAMPLE_VERTICES of them) inside a bone."""
    v = np.asarray(vertices, dtype=np.float64)
    v = v[:: max(1, len(v) // SAMPLE_VERTICES)]
    return float(bones.inside(v, near=0.0).mean()) if len(v) else 0.0
