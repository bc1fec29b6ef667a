"""A damaged settings.ini never stops the window: bad values fall back, each logged and told in
the status bar."""

from __future__ import annotations

import logging
import os

import pytest

BAD_SETTINGS = """[window]
geometry=not a layout
state=@ByteArray(garbage)

[prefs]
fade=abc
xray=1e300
labels=maybe
view=underneath
model=bogus
"""


@pytest.mark.parametrize("fade", ["abc", "nan"])
def test_the_window_opens_with_defaults_and_logs_each_bad_value(qtbot, caplog, fade):
    from calfexplorer.ui.main_window import MainWindow
    from calfexplorer.ui.settings_store import settings

    path = settings().fileName()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(BAD_SETTINGS.replace("fade=abc", f"fade={fade}"))
    with caplog.at_level(logging.WARNING, logger="calfexplorer.ui.prefs"):
        window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    assert window.state.fade == 0.25 and window.fade_slider.value() == 25
    assert window.state.xray == 1.0 and window.xray_slider.value() == 100
    assert window.state.labels is True
    if window.scene is not None:
        assert window.scene.view == "posterior"
    text = "\n".join(caplog.messages)
    for key in ("window/geometry", "window/state", "prefs/fade", "prefs/xray", "prefs/labels",
                "prefs/view", "prefs/model"):
        assert key in text, text
    assert all(m.startswith(f"settings {path}: ") for m in caplog.messages)
    window.show()  # and the user is told in the window, not only on stderr
    qtbot.waitUntil(lambda: "could not be used" in window.statusBar().currentMessage())
    message = window.statusBar().currentMessage()
    assert "window/geometry" in message and "(and 6 more)" in message and path in message
    window.close()
    # saved anew on closing, as the message says: the bad model choice too (it was told at
    # every start)
    with open(path) as fh:
        assert "bogus" not in fh.read()


def test_the_window_opens_where_the_config_folder_cannot_be_made(qtbot, tmp_path, monkeypatch):
    """A file named like the config folder (or a read-only profile) stopped the window from
    starting: "calfexplorer: error: File exists"."""
    from calfexplorer import paths
    from calfexplorer.ui.main_window import MainWindow

    blocker = tmp_path / "config-is-a-file"
    blocker.write_text("mine")
    monkeypatch.setenv("CALFEXPLORER_CONFIG_DIR", str(blocker))
    try:
        window = MainWindow.create(show_problems=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: "cannot be used" in window.statusBar().currentMessage())
        assert str(blocker) in window.statusBar().currentMessage()
        window.close()
        assert blocker.read_text() == "mine"
    finally:
        paths.forget_unusable_folders()


def test_settings_that_cannot_be_saved_are_told_at_start(qtbot, tmp_path, monkeypatch):
    """settings.ini a folder (or locked): every change of preferences and layout was dropped at
    each close without a word."""
    from calfexplorer.ui.main_window import MainWindow
    from calfexplorer.ui.settings_store import settings

    monkeypatch.setenv("CALFEXPLORER_CONFIG_DIR", str(tmp_path))
    (tmp_path / "settings.ini").mkdir()
    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "cannot be saved" in window.statusBar().currentMessage())
    assert settings().fileName() in window.statusBar().currentMessage()
    window.close()


def test_a_layout_saved_on_another_screen_is_not_called_damaged(qtbot, monkeypatch):
    """Qt declines a geometry saved on a screen of another size (restoreGeometry is False for a
    layout saved at 1280x800 restored at 1920x1080); the status bar then read 'window/geometry
    is not a saved window layout' at every start on the new screen."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    from calfexplorer.ui.main_window import MainWindow
    from calfexplorer.ui.settings_store import settings

    other = QMainWindow()
    qtbot.addWidget(other)
    settings().setValue("window/geometry", other.saveGeometry())
    monkeypatch.setattr(MainWindow, "restoreGeometry", lambda self, blob: False)
    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)  # (the start's queued message has been shown by now)
    QApplication.processEvents()
    assert "could not be used" not in window.statusBar().currentMessage()
    window.close()
