"""The interosseous line between tibia and fibula: which side a point lies, and which moves
cross it (the tibial nerve moved through the gap between the bones in the deep squat, #12)."""

from __future__ import annotations

import numpy as np

from calfexplorer.anatomy.interosseous import crossed, signed_depth


def _shaft(x: float, radius: float, top: float = 1.0) -> np.ndarray:
    """Vertices of a vertical cone at (x, 0), z 0..0.3 m, ``top`` times as wide at the top."""
    a, z = np.meshgrid(np.linspace(0, 2 * np.pi, 16, endpoint=False), np.linspace(0, 0.3, 61))
    r = radius * (1.0 + (top - 1.0) * z / 0.3)
    return np.stack([x + r * np.cos(a), r * np.sin(a), z], axis=-1).reshape(-1, 3)


TIBIA, FIBULA = _shaft(0.0, 0.012, top=1.5), _shaft(0.04, 0.007)


def test_points_behind_and_in_front_of_the_bones_lie_on_either_side() -> None:
    depth = signed_depth(np.array([[0.02, -0.01, 0.15], [0.02, 0.015, 0.15],
                                   [0.02, -0.01, 0.5]]), TIBIA, FIBULA)
    assert np.allclose(depth[:2], [-0.01, 0.015])
    turned = np.array([[1.0, 0, 0], [0, -1, 0], [0, 0, -1]])  # the leg upside down
    again = signed_depth(np.array([[0.02, -0.01, 0.15]]) @ turned.T, TIBIA @ turned.T,
                         FIBULA @ turned.T)
    assert np.allclose(again, [-0.01])  # the same side, whichever way the leg lies
    assert np.isnan(depth[2])  # above the bones: no line there


def test_a_move_through_the_gap_crosses_the_line_and_one_along_it_does_not() -> None:
    before = np.array([[0.02, -0.01, 0.15], [0.02, -0.01, 0.16], [0.02, -0.001, 0.17]])
    after = np.array([[0.02, 0.01, 0.15], [0.02, -0.02, 0.16], [0.02, 0.005, 0.17]])
    # the first moves through the gap; the second stays behind; the third lay on the line
    assert crossed(before, after, TIBIA, FIBULA).tolist() == [True, False, False]
