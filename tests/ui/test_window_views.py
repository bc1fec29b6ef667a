"""Camera keys in the real window: a preset view, then R goes back to the start view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt


def test_r_after_the_superior_view_returns_to_the_posterior_view(qtbot, main_window):
    scene = main_window.scene
    start = scene.camera_pose()
    main_window.viewport.setFocus()
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_5)  # superior
    qtbot.waitUntil(lambda: scene.view == "superior")
    assert not np.allclose(scene.camera_pose().position, start.position)
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: scene.view == "posterior")
    np.testing.assert_allclose(scene.camera_pose().position, start.position, atol=1e-6)
    assert main_window.view_actions["posterior"].isChecked()
