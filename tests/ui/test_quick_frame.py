"""A click is answered by one quick frame whose 3D scene is drawn at half resolution and
scaled up (a quarter of the pixels to shade in software OpenGL), with sharp labels; the
full-quality frame that follows is drawn at full resolution."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def _pixels(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def _detail(pixels: np.ndarray) -> float:
    """Mean second difference along rows: fine detail, which scaling a half-resolution
    picture up (linear filtering) smooths away."""
    return float(np.abs(np.diff(pixels, n=2, axis=1)).mean())


def test_a_click_is_answered_by_a_half_resolution_frame_then_a_full_one(
    main_window, qtbot
) -> None:
    window = main_window
    if window.viewport is None:
        pytest.skip(f"no 3D view: {window.gl_problem}")
    viewport, scene = window.viewport, window.scene
    qtbot.waitUntil(lambda: scene.warmed_up, timeout=30000)
    window.set_view("posterior")
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    pos = viewport.widget_point(*scene.visible_point("soleus"))
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
