"""The quick OpenGL check agrees with VTK's own probe."""

from __future__ import annotations

from calfexplorer.ui import viewport


def test_qt_says_yes_only_where_vtk_gets_a_context(qapp):
    from vtkmodules.vtkRenderingCore import vtkRenderWindow

    window = vtkRenderWindow()
    try:
        vtk_ok = bool(window.SupportsOpenGL())
    finally:
        window.Finalize()
    if viewport._qt_has_opengl_3_2():
        assert vtk_ok
    assert viewport.opengl_available()[0] == vtk_ok


def test_disabled_gl_is_reported_before_any_probe(monkeypatch, qapp):
    monkeypatch.setenv("CALFEXPLORER_DISABLE_GL", "1")
    monkeypatch.setattr(viewport, "_qt_has_opengl_3_2", lambda: True)
    ok, reason = viewport.opengl_available()
    assert not ok and "CALFEXPLORER_DISABLE_GL" in reason
