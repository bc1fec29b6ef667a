"""Fixtures for window tests: a real X display (Xvfb), isolated user folders, the main window."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

HAS_DISPLAY = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def pytest_collection_modifyitems(config, items) -> None:
    """Skip the window tests, with the reason, when there is no display to open windows on."""
    if HAS_DISPLAY:
        return
    skip = pytest.mark.skip(
        reason="window tests need a display: run them under Xvfb (scripts/dev.sh test does)"
    )
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch) -> None:
    """Settings and progress go to a temporary folder, never the tester's own."""
    monkeypatch.setenv("CALFEXPLORER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFEXPLORER_USER_DIR", str(tmp_path / "user"))


@pytest.fixture
def main_window(qtbot) -> Iterator:
    """The real main window, shown, with its first frame rendered."""
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    # (closed when the test ends, by pytest-qt first: answers the test left unsaved are
    # given up without the dialog that would wait for a user)
    window.confirm_losing_answers = lambda *_: True
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    if window.viewport is not None:
        window.scene.render()
        qtbot.waitUntil(lambda: window.viewport.frames_rendered > 0, timeout=10000)
    yield window
    window.close()


@pytest.fixture
def study_window(main_window, qtbot):
    """The main window with its Study dock shown (built on first show, not at start-up), and
    its panel."""
    if main_window.viewport is None:
        pytest.skip("no OpenGL: no 3D view")
    dock = main_window.mode_docks["study"]
    assert not main_window.study.built
    dock.show()
    dock.raise_()
    panel = main_window.study.panel
    qtbot.waitExposed(panel)
    yield main_window, panel
    panel.close_store()
