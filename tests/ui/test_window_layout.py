"""The window at the sizes students use: panels fit their content, the 3D view keeps its room."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QPushButton, QSlider, QToolBar, QToolButton


def _show_motion_lab(qtbot, window, size):
    window.resize(*size)
    dock = window.mode_docks["motion"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built and not dock.visibleRegion().isEmpty())
    qtbot.waitUntil(lambda: window.width() == size[0])
    return window.motion.panel


def _cut_off(panel) -> list[str]:
    """Sliders and buttons reaching past the panel's visible width (or a sideways scrollbar)."""
    viewport = panel.scroll.viewport()
    out = []
    for widget in [*panel.findChildren(QPushButton), *panel.findChildren(QSlider)]:
        if not widget.isVisibleTo(panel):
            continue
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        if right > viewport.width():
            out.append(widget.text() if isinstance(widget, QPushButton) else widget.objectName())
    return out


@pytest.mark.parametrize("size", [(1600, 1000), (1500, 950), (1280, 720)])
def test_the_motion_lab_fits_and_the_3d_view_keeps_half_the_window(qtbot, main_window, size):
    panel = _show_motion_lab(qtbot, main_window, size)
    qtbot.waitUntil(lambda: main_window.viewport.width() >= size[0] / 2)
    qtbot.waitUntil(lambda: _cut_off(panel) == [])  # once laid out
    assert not panel.scroll.horizontalScrollBar().isVisible()


def test_at_1024_wide_nothing_in_the_motion_lab_or_the_toolbars_is_cut_off(qtbot, main_window):
    panel = _show_motion_lab(qtbot, main_window, (1024, 700))
    qtbot.waitUntil(lambda: main_window.viewport.width() > 0.45 * 1024)  # was about 330 px
    qtbot.waitUntil(lambda: _cut_off(panel) == [])  # once laid out
    assert not panel.scroll.horizontalScrollBar().isVisible()
    for bar in main_window.findChildren(QToolBar):  # no ">>" hiding the last actions
        overflow = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert not overflow.isVisible(), bar.windowTitle()
