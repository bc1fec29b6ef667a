"""The information page by keyboard: one stop in the window's Tab order, its links walked with
the arrows and followed with Return."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _tab(qtbot, backwards: bool = False):
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    qtbot.keyClick(QApplication.focusWidget(), key)
    return QApplication.focusWidget()


def test_tab_passes_the_information_page_in_one_press(qtbot, main_window) -> None:
    """Tab from the 3D view stayed in the page's links for over 60 presses (the soleus'):
    a keyboard user could not reach the controls after it."""
    window, info = main_window, main_window.info
    window.select("soleus")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.viewport.setFocus()
    qtbot.waitUntil(window.viewport.hasFocus)
    presses = 1
    while _tab(qtbot) is not info:
        presses += 1
        assert presses < 10, "Tab never reached the information page"
    after = _tab(qtbot)
    assert after is not info and not info.isAncestorOf(after), "Tab stayed in the page"
    assert _tab(qtbot, backwards=True) is info  # Shift+Tab comes back to it


def test_the_arrows_walk_the_page_s_links_and_return_follows_one(qtbot, main_window) -> None:
    window, info = main_window, main_window.info
    window.select("soleus")
    targets = info.link_targets()
    assert len(targets) > 3
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    info.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(info.hasFocus)

    def marked() -> str:
        return info.textCursor().charFormat().anchorHref().removeprefix("select:")

    qtbot.keyClick(info, Qt.Key.Key_Right)
    assert marked() == targets[0]
    qtbot.keyClick(info, Qt.Key.Key_Right)
    qtbot.keyClick(info, Qt.Key.Key_Right)
    assert marked() == targets[2]
    qtbot.keyClick(info, Qt.Key.Key_Left)
    assert marked() == targets[1]
    assert info.hasFocus()
    qtbot.keyClick(info, Qt.Key.Key_Return)
    assert window.state.selected == targets[1]
