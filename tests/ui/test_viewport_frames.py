"""The viewport draws no frame more than a click or a drag needs (software GL is slow)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def _soleus_pos(window) -> QPoint:
    window.set_view("posterior")
    window.scene.render()
    point = window.scene.visible_point("soleus")
    assert point is not None
    return window.viewport.widget_point(*point)


def test_a_click_that_selects_draws_one_frame(qtbot, main_window):
    viewport = main_window.viewport
    pos = _soleus_pos(main_window)
    main_window.state.clear_selection()
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=5000)
    before = viewport.frames_rendered
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert main_window.state.selected == "soleus"
    qtbot.waitUntil(lambda: viewport.frames_rendered > before, timeout=5000)
    assert viewport.frames_rendered - before == 1


def _send(widget, kind, pos: QPoint, button, buttons) -> None:
    event = QMouseEvent(
        kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_a_drag_still_ends_with_a_full_quality_frame(qtbot, main_window):
    viewport, scene = main_window.viewport, main_window.scene
    start = _soleus_pos(main_window)
    end = start + QPoint(60, 0)
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    camera_before = scene.camera_pose().position.copy()
    _send(viewport, QMouseEvent.Type.MouseButtonPress, start, left, left)
    _send(viewport, QMouseEvent.Type.MouseMove, end, none, left)
    assert not scene.renderer.GetUseFXAA()  # fast frames while dragging
    frames = viewport.frames_rendered
    _send(viewport, QMouseEvent.Type.MouseButtonRelease, end, left, none)
    assert scene.renderer.GetUseFXAA()
    assert viewport.frames_rendered > frames  # the final frame at full quality
    assert (scene.camera_pose().position != camera_before).any()


def test_no_frames_before_the_window_is_shown_then_one_when_it_is(qtbot):
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    viewport = window.viewport
    before = viewport.frames_rendered
    window.set_view("anterior")
    window.select("soleus")
    assert viewport.frames_rendered == before
    window.show()
    qtbot.waitUntil(lambda: viewport.frames_rendered > before, timeout=10000)
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=5000)
    frames = viewport.frames_rendered
    window.select("tibialis_anterior")  # once shown, each change draws
    qtbot.waitUntil(lambda: viewport.frames_rendered > frames, timeout=5000)
    assert viewport.frames_rendered == frames + 1
    window.close()


def test_hidden_warm_up_frames_follow_the_first_and_change_nothing_seen(qtbot, main_window):
    scene, viewport = main_window.scene, main_window.viewport
    qtbot.waitUntil(lambda: scene.warmed_up, timeout=10000)
    assert main_window.state.selected is None
    assert scene.highlighted == frozenset() and scene.labels == []
    assert all(scene.drawn_style(sid).opacity == 1.0 for sid in scene.ids)
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=5000)
    before = viewport.frames_rendered
    main_window.select("soleus")
    qtbot.waitUntil(lambda: viewport.frames_rendered > before, timeout=5000)
    assert viewport.frames_rendered - before == 1  # warm-up frames are not counted as frames


def test_changes_made_together_draw_one_frame(qtbot, main_window):
    """A pose and the length colours it brings (or any changes in one go) cost one frame."""
    viewport, scene, state = main_window.viewport, main_window.scene, main_window.state
    qtbot.waitUntil(lambda: scene.warmed_up and not viewport.drawing_pending, timeout=10000)
    before = viewport.frames_rendered
    state.update_pose(knee=0.5)
    scene.set_color_overrides({"soleus": (0.0, 0.45, 0.7)})
    state.select("soleus")
    assert viewport.frames_rendered == before  # nothing drawn until the event is handled
    qtbot.waitUntil(lambda: viewport.frames_rendered > before, timeout=5000)
    assert viewport.frames_rendered == before + 1
    assert scene.highlighted == {"soleus"}
