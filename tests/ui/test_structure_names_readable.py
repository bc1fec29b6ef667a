"""Every name in the structure list can be read whole beside a mode's panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem


def _cut_short(tree) -> list[str]:
    """Names that do not fit, wrapped, in the room their row gives them."""
    tree.expandAll()
    short = []
    for item in _items(tree.model_.invisibleRootItem()):
        index = item.index()
        option = QStyleOptionViewItem()
        option.rect = tree.visualRect(index)
        option.text, option.font = item.text(), item.font()
        option.features = (QStyleOptionViewItem.ViewItemFeature.HasDisplay
                           | QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator)
        room = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, tree)
        need = QFontMetrics(item.font()).boundingRect(
            QRect(0, 0, room.width(), 10_000), Qt.TextFlag.TextWordWrap, item.text())
        if need.width() > room.width() or need.height() > room.height():
            short.append(item.text())
    return short


def _items(parent):
    for row in range(parent.rowCount()):
        yield parent.child(row)
        yield from _items(parent.child(row))


@pytest.mark.parametrize("mode", ["study", "motion"])
def test_beside_a_mode_panel_at_1280_by_800_every_name_reads_whole(qtbot, main_window, mode):
    """'Flexor digitorum lo...': long names were cut short, readable only as tooltips."""
    window, tree = main_window, main_window.tree
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    window.mode_actions[mode].trigger()
    dock = window.mode_docks[mode]
    # (generous waits: opening the motion lab holds the window while it loads its posing model,
    # seconds on a loaded machine, before the docks settle)
    qtbot.waitUntil(lambda: dock.widget().built and not dock.visibleRegion().isEmpty(),
                    timeout=60_000)
    if window.viewport is not None:  # (not at the 3D view's cost: it keeps half the window)
        qtbot.waitUntil(lambda: window.viewport.width() >= 1280 / 2 - 2
                        and dock.width() >= dock.widget().panel.minimumSizeHint().width(),
                        timeout=60_000)
    qtbot.waitUntil(lambda: not _cut_short(tree), timeout=60_000)
