"""The 3D view presents its frames colour-only (cheaper in software OpenGL than VTK's default
colour-and-depth copy) and the window shows the very same picture."""

from __future__ import annotations

import pytest


def test_the_window_shows_the_same_picture_as_with_vtks_default_presentation(
    main_window, qtbot
) -> None:
    window = main_window
    if window.viewport is None:
        pytest.skip(f"no 3D view: {window.gl_problem}")
    viewport, scene = window.viewport, window.scene
    # the coarse twins and merged patches come in idle steps after start, and change the frame
    qtbot.waitUntil(lambda: scene.warmed_up, timeout=30000)
    window.select("soleus")
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    render_window = scene.render_window

    def shown():
        scene.render()
        qtbot.wait(1)  # lets Qt hand the grab the frame now on the X screen
        return window.grab_window().toImage()

    ours = shown()
    render_window.SetFrameBlitModeToBlitToHardware()  # VTK's default
    default = shown()
    render_window.SetFrameBlitModeToBlitToCurrent()
    assert ours == default
    assert shown() == default
