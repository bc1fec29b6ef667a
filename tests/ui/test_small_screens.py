"""What a student needs in sight on a 1280 x 800 screen: the study setup's compartments, and
the statistics window whole on the screen as it widens for long names."""

from __future__ import annotations

import random

from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen

from calfexplorer.state import AppState
from calfexplorer.ui.study.panel import StudyPanel
from calfexplorer.ui.study.stats_view import StatsView


def test_the_study_setup_shows_its_compartments_without_scrolling_at_1280_by_800(
    main_window, qtbot
) -> None:
    window = main_window
    window.resize(1280, 800)
    dock = window.mode_docks["study"]
    dock.show()
    dock.raise_()
    panel = window.study.panel
    qtbot.waitExposed(panel)
    try:
        group = panel.scope_picker.compartments
        qtbot.waitUntil(lambda: group.isVisible())
        seen = group.visibleRegion().boundingRect()
        assert seen.height() == group.height(), (
            f"{group.height() - seen.height()} pixels of the compartments below the fold")
    finally:
        panel.close_store()


def test_the_statistics_window_widening_for_names_stays_on_the_screen(
    qtbot, atlas, monkeypatch
) -> None:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(0, 0, 1280, 760))
    panel = StudyPanel(atlas, AppState(), rng=random.Random(7))
    qtbot.addWidget(panel)
    try:
        view = StatsView(panel.facts, panel.store)
        qtbot.addWidget(view)
        start = 1280 - view.width() - 10  # opened near the screen's right edge
        view.move(start, 40)
        view.show()
        qtbot.waitExposed(view)
        assert view.width() > 760  # (widened for the names: the case in question)
        frame = view.frameGeometry()
        assert frame.left() >= 0 and frame.right() < 1280, f"off the screen: {frame}"
    finally:
        panel.close_store()
