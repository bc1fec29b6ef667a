"""A click is answered by one quick frame whose 3D scene is drawn at half resolution and
scaled up (a quarter of the pixels to shade in software OpenGL), with sharp labels; the
full-quality frame that follows is drawn at full resolution."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def _pixels(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def _detail(pixels: np.ndarray) -> float:
    """Mean second difference along rows: fine detail, which scaling a half-resolution
    picture up (linear filtering) smooths away."""
    return float(np.abs(np.diff(pixels, n=2, axis=1)).mean())


@pytest.fixture
def soleus_view(main_window, qtbot):
    """The window in the posterior view, warmed up, and the soleus' on-screen position."""
    window = main_window
    if window.viewport is None:
        pytest.skip(f"no 3D view: {window.gl_problem}")
    scene, viewport = window.scene, window.viewport
    qtbot.waitUntil(lambda: scene.warmed_up, timeout=30000)
    window.set_view("posterior")
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    return window, viewport.widget_point(*scene.visible_point("soleus"))


def test_a_click_is_answered_by_a_half_resolution_frame_then_a_full_one(
    soleus_view, qtbot
) -> None:
    window, pos = soleus_view
    viewport, scene = window.viewport, window.scene
    grabs = []
    viewport.frame_rendered.connect(lambda: grabs.append(window.grab_window().toImage()))
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.waitUntil(lambda: len(grabs) >= 2 and not viewport.drawing_pending, timeout=20000)
    assert window.state.selected == "soleus"
    quick, full = _pixels(grabs[0]), _pixels(grabs[-1])
    # the 3D view's part of the window, around the leg
    top_left = viewport.mapTo(window, viewport.rect().topLeft())
    x, y = top_left.x() + pos.x(), top_left.y() + pos.y()
    leg = (slice(max(0, y - 150), y + 150), slice(max(0, x - 60), x + 60))
    assert _detail(quick[leg]) < 0.7 * _detail(full[leg])
    # the labels are drawn at full resolution in both frames: the same letters (the scene
    # shows a little through their backgrounds)
    assert scene.labels
    layer = scene._label_layer
    for placement in layer.placements:
        if placement is None:
            continue
        box = placement.box
        h = viewport.height()
        rows = slice(top_left.y() + h - int(box.y1) + 3, top_left.y() + h - int(box.y0) - 3)
        cols = slice(top_left.x() + int(box.x0) + 6, top_left.x() + int(box.x1) - 6)
        letters = quick[rows, cols].max(axis=2) < 90
        assert letters.any() and np.array_equal(letters, full[rows, cols].max(axis=2) < 90)


def test_the_quick_frame_composed_in_the_window_shows_what_vtks_framebuffers_did(
    main_window, qtbot
) -> None:
    """Scaled straight into the window's framebuffer with the labels drawn there (one
    full-window pass instead of three), the quick frame shows the picture composed in VTK's
    framebuffers and copied to the window, but for a few pixels one grey level apart
    (llvmpipe filters one of the two scaled blits in fixed point); the full frame after it is
    unchanged."""
    from calfexplorer.scene.reduced_frame import can_draw_to_screen

    window = main_window
    if window.viewport is None:
        pytest.skip(f"no 3D view: {window.gl_problem}")
    viewport, scene = window.viewport, window.scene
    qtbot.waitUntil(lambda: scene.warmed_up, timeout=30000)
    window.set_view("posterior")
    window.select("soleus")
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    assert can_draw_to_screen(scene.render_window)
    frames = scene._frames

    def quick(to_screen):
        frames.quick_to_screen = to_screen
        scene.render()  # a full frame first, as before a click
        scene.set_fast_rendering(True)
        try:
            frames._render_quick()
        finally:
            scene.set_fast_rendering(False)
            frames.quick_to_screen = None
        qtbot.wait(1)  # lets Qt hand the grab the frame now on the X screen
        return _pixels(window.grab_window().toImage())

    def full():
        scene.render()
        qtbot.wait(1)
        return _pixels(window.grab_window().toImage())

    before, full_before = quick(False), full()
    ours, full_ours = quick(None), full()
    assert np.array_equal(full_ours, full_before)
    assert not np.array_equal(ours, full_ours)  # a reduced frame was shown
    apart = np.abs(ours - before).max(axis=2)
    assert apart.max() <= 1
    assert (apart > 0).mean() < 1e-3
    assert np.array_equal(quick(None), ours)


def _view_pixels(window) -> np.ndarray:
    """The 3D view's part of the window as now on the X screen."""
    viewport = window.viewport
    top_left = viewport.mapTo(window, viewport.rect().topLeft())
    pixels = _pixels(window.grab_window().toImage())
    return pixels[
        top_left.y() : top_left.y() + viewport.height(),
        top_left.x() : top_left.x() + viewport.width(),
    ]


def _point_at(viewport, pos) -> None:
    """The pointer moves onto ``pos``: the move Qt hands the view. (``QTest.mouseMove`` warps
    the X pointer instead, whose motion arrives later, goes to whatever window is under it,
    a tooltip say, and is not sent at all where the pointer already is.)"""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(viewport.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, move)


def _rest_on(window, qtbot, pos) -> None:
    """Move the pointer onto ``pos`` and wait until the click's frame is drawn ahead."""
    viewport = window.viewport
    _point_at(viewport, pos)
    qtbot.waitUntil(
        lambda: window.scene.selection_frame_ready and not viewport.drawing_pending,
        timeout=20000,
    )


def _away(window, qtbot) -> None:
    """The pointer over empty background (a corner of the posterior view), frames drawn."""
    viewport = window.viewport
    _point_at(viewport, QPoint(1, 1))
    qtbot.waitUntil(
        lambda: window.state.hovered is None and not viewport.drawing_pending, timeout=20000
    )


def test_a_click_on_what_the_pointer_rests_on_shows_the_frame_drawn_ahead(
    soleus_view, qtbot
) -> None:
    """While the pointer rests on the soleus, the quick frame that selecting it would show is
    drawn unseen; the click shows that frame (a buffer swap) instead of drawing one: the same
    picture as a click that had nothing drawn ahead, and nothing on screen changed before."""
    window, pos = soleus_view
    viewport, scene, state = window.viewport, window.scene, window.state
    frames = scene._frames
    grabs: list[np.ndarray] = []
    viewport.frame_rendered.connect(lambda: grabs.append(_view_pixels(window)))

    _away(window, qtbot)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.waitUntil(lambda: len(grabs) >= 2 and not viewport.drawing_pending, timeout=20000)
    assert state.selected == "soleus" and frames.prepared_shown == 0
    drawn_by_the_click = grabs[0]

    state.clear_selection()
    _rest_on(window, qtbot, pos)
    qtbot.wait(1)
    before = _view_pixels(window)
    picked = viewport.pick_at(pos), viewport.pick_at(pos + pos / 8)
    assert state.hovered == "soleus" and state.selected is None
    assert scene.highlighted == frozenset()  # drawn ahead, not shown: nothing selected yet
    grabs.clear()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.waitUntil(lambda: len(grabs) >= 1, timeout=20000)
    assert frames.prepared_shown == 1
    assert state.selected == "soleus" and window.info.current_id == "soleus"
    shown = grabs[0]
    # (the column at the view's right edge may differ by a few levels: the scaled blit's edge)
    apart = np.abs(shown[:, :-1] - drawn_by_the_click[:, :-1]).max(axis=2)
    assert (apart > 2).mean() < 1e-4
    assert np.abs(shown - before).max(axis=2).mean() > 5  # the selection is what changed
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    state.clear_selection()
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    assert (viewport.pick_at(pos), viewport.pick_at(pos + pos / 8)) == picked


def test_a_frame_drawn_ahead_is_dropped_when_anything_else_changed_or_drew(
    soleus_view, qtbot
) -> None:
    """A change before the click (here a structure hidden in the same moment), or a frame
    drawn in between, makes the click draw its own frame, showing the change."""
    window, pos = soleus_view
    viewport, scene, state = window.viewport, window.scene, window.state
    frames = scene._frames

    _rest_on(window, qtbot, pos)
    state.hide("gastrocnemius")
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    assert frames.prepared_shown == 0
    assert state.selected == "soleus" and not scene.is_shown("gastrocnemius")

    state.clear_selection()
    _rest_on(window, qtbot, pos)
    scene.render()  # anything drawn into the window replaces the frame drawn ahead
    assert not scene.selection_frame_ready
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    assert frames.prepared_shown == 0 and state.selected == "soleus"


def test_nothing_is_drawn_ahead_in_study_mode(soleus_view, qtbot) -> None:
    """In a quiz a click answers the question: no selection frame is drawn ahead."""
    window, pos = soleus_view
    scene, state = window.scene, window.state
    state.set_mode("study")
    _point_at(window.viewport, pos)
    qtbot.waitUntil(lambda: state.hovered == "soleus", timeout=20000)
    qtbot.waitUntil(lambda: not window.viewport.drawing_pending, timeout=20000)
    assert not scene.prepare_selection("soleus")
    assert not scene.selection_frame_ready


def test_a_held_press_draws_the_click_frame_ahead_without_a_hover(soleus_view, qtbot) -> None:
    """No hover first (a touch, a quick hand): while the press is held the click's frame is
    drawn ahead, and the release shows it."""
    window, pos = soleus_view
    viewport, scene, state = window.viewport, window.scene, window.state
    frames = scene._frames
    _away(window, qtbot)
    left, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(viewport, left, plain, pos)
    qtbot.waitUntil(lambda: scene.selection_frame_ready, timeout=20000)
    assert state.selected is None and state.hovered is None
    QTest.mouseRelease(viewport, left, plain, pos)
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    assert frames.prepared_shown == 1
    assert state.selected == "soleus" and window.info.current_id == "soleus"


def _exposed(viewport) -> None:
    """The window system asks for the view again, as when the hover's tooltip over it goes
    (a press hides it)."""
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(viewport, QPaintEvent(viewport.rect()))


def test_a_view_exposed_while_the_press_is_held_waits_for_the_click_frame(
    soleus_view, qtbot
) -> None:
    """A hand rests on the soleus (its tooltip shows), presses (the tooltip goes: an expose)
    and releases: nothing is drawn while the press is held, and the release shows the frame
    drawn ahead. Before, the expose drew a full-quality frame during the press, which made the
    release draw another one and the click its own quick frame after both (with the
    BodyParts3D leg, 0.35-0.86 s from the release on a loaded machine, against ~30 ms now)."""
    window, pos = soleus_view
    viewport, scene, state = window.viewport, window.scene, window.state
    frames = scene._frames
    left, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    _rest_on(window, qtbot, pos)
    drawn = viewport.frames_rendered
    QTest.mousePress(viewport, left, plain, pos)
    _exposed(viewport)
    assert viewport.frames_rendered == drawn
    QTest.mouseRelease(viewport, left, plain, pos)
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    assert frames.prepared_shown == 1
    assert state.selected == "soleus" and window.info.current_id == "soleus"


def test_a_view_exposed_during_a_click_that_changes_nothing_is_drawn_after_it(
    soleus_view, qtbot
) -> None:
    """An expose while the press is held, then a release that changes nothing (a click on the
    empty background with nothing selected): the view is drawn once the press is over."""
    window, _ = soleus_view
    viewport, state = window.viewport, window.state
    left, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    _away(window, qtbot)
    drawn = viewport.frames_rendered
    QTest.mousePress(viewport, left, plain, QPoint(1, 1))
    _exposed(viewport)
    QTest.mouseRelease(viewport, left, plain, QPoint(1, 1))
    qtbot.waitUntil(lambda: viewport.frames_rendered > drawn, timeout=20000)
    assert state.selected is None
