"""Camera keys in the real window: a preset view, then R goes back to the start view."""

from __future__ import annotations

import numpy as np
import pytest
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


def test_key_6_shows_the_sole_from_below_named_so_in_the_view_menu(qtbot, main_window):
    scene = main_window.scene
    main_window.viewport.setFocus()
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_6)
    qtbot.waitUntil(lambda: scene.view == "inferior")
    assert scene.camera.GetDirectionOfProjection()[2] > 0.99  # looking up at the sole
    action = main_window.view_actions["inferior"]
    assert action.isChecked() and action.text().replace("&", "") == "Inferior (sole)"
    assert "sole" in action.toolTip() and "(6)" in action.toolTip()


def _drag(viewport, start, end) -> None:
    """A left-button drag in the 3D view, as a mouse sends it."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    left, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(viewport, left, plain, start)
    for step in range(1, 6):
        point = QPointF(start + (end - start) * (step / 5))
        QApplication.sendEvent(viewport, QMouseEvent(
            QEvent.Type.MouseMove, point, viewport.mapToGlobal(point), Qt.MouseButton.NoButton,
            left, plain))
    QTest.mouseRelease(viewport, left, plain, end)


def test_turning_the_camera_away_from_a_preset_releases_its_button(qtbot, main_window):
    from PySide6.QtCore import QPoint

    window, scene, viewport = main_window, main_window.scene, main_window.viewport
    if scene is None:
        pytest.skip("no OpenGL: no 3D view")
    window.set_view("posterior")
    assert window.view_actions["posterior"].isChecked()
    scene.camera.Dolly(1.5)  # a zoom keeps it
    window._sync_view_actions()
    assert window.view_actions["posterior"].isChecked()
    centre = viewport.rect().center()
    _drag(viewport, centre, centre + QPoint(120, 0))
    qtbot.waitUntil(lambda: not scene.looking_from("posterior"))
    assert not any(act.isChecked() for act in window.view_actions.values())
    window.view_actions["medial"].trigger()
    assert window.view_actions["medial"].isChecked() and scene.looking_from("medial")
