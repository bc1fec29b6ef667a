"""A camera move between two poses."""

from __future__ import annotations

import warnings

import numpy as np

from calfexplorer.scene.camera import CameraMove, CameraPose


def test_a_move_from_a_camera_on_its_focal_point_stays_finite_and_quiet() -> None:
    """A mesh squashed to one point framed the camera on it: numpy warned on stderr
    ('invalid value encountered in divide') and the pose was NaN."""
    at = np.array([0.1, 0.2, 0.3])
    start = CameraPose(at.copy(), at.copy(), np.array([0.0, 0.0, 1.0]))
    end = CameraPose(np.array([0.1, -1.0, 0.3]), at.copy(), np.array([0.0, 0.0, 1.0]))
    move = CameraMove(start, end, 0.3, lambda _pose: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        middle = move.pose_at(0.5)
    assert np.isfinite(middle.position).all() and np.isfinite(middle.view_up).all()
    assert np.allclose(move.pose_at(1.0).position, end.position)
