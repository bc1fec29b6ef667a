"""Every web link in the window opens one way: where no web browser can be started, the address
is copied and the user is told so (Qt's own handler did nothing to be seen)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QToolTip

from calfexplorer.anatomy.attribution import LICENCE_PAGE
from ui.clicking import click_link


@pytest.fixture()
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No web browser starts; the addresses asked for."""
    asked: list[str] = []

    def refuse(url: Any) -> bool:
        asked.append(url.toString())
        return False

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(refuse))
    QGuiApplication.clipboard().setText("")
    return asked


def _copied_and_said() -> bool:
    return (QGuiApplication.clipboard().text() == LICENCE_PAGE
            and "No web browser could be started" in QToolTip.text())


def test_the_anatomy_dialog_s_licence_link_says_when_no_browser_starts(
        qtbot: Any, no_browser: list[str]) -> None:
    from calfexplorer.ui.anatomy_dialog import GetAnatomyDialog

    dialog = GetAnatomyDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    intro = next(label for label in dialog.findChildren(QLabel) if LICENCE_PAGE in label.text())
    assert click_link(qtbot, intro, _copied_and_said)
    assert no_browser == [LICENCE_PAGE]


def test_the_about_box_s_licence_link_says_when_no_browser_starts(
        qtbot: Any, main_window: Any, no_browser: list[str]) -> None:
    main_window.about_html = lambda: f"<p>See the <a href='{LICENCE_PAGE}'>licence page</a>.</p>"
    seen: list[bool] = []

    def click_in_box() -> None:  # (by a timer: a box shown with exec() is clicked too)
        boxes = [w for w in main_window.findChildren(QMessageBox) if w.isVisible()]
        if not boxes:
            QTimer.singleShot(10, click_in_box)
            return
        label = boxes[0].findChild(QLabel, "qt_msgbox_label")
        seen.append(click_link(qtbot, label, _copied_and_said))
        boxes[0].close()

    QTimer.singleShot(0, click_in_box)
    main_window.act_about.trigger()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [True]
    assert no_browser == [LICENCE_PAGE]
