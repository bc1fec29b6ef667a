"""Clicking what a user clicks: a link inside a label's rich text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt


def click_link(qtbot: Any, label: Any, done: Callable[[], bool]) -> bool:
    """Click across a label, last line first, until ``done()`` (what its link does) holds;
    whether it did (its link's place in the wrapped text is Qt's to know)."""
    for y in range(label.height() - 4, 0, -5):
        for x in range(4, label.width(), 6):
            qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
            if done():
                return True
    return False
