"""Modes in the real window: turning one on shows its panel, leaving it restores the explorer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


def _in_front(dock) -> bool:
    """Whether a dock's panel is the tab the user sees (not hidden behind another)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


@pytest.mark.parametrize(
    ("mode", "key"),
    [("study", Qt.Key.Key_S), ("motion", Qt.Key.Key_M)],
)
def test_a_mode_shortcut_brings_its_panel_to_the_front(qtbot, main_window, mode, key):
    main_window.info_dock.raise_()
    qtbot.waitUntil(lambda: _in_front(main_window.info_dock))
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main_window, key, modifiers)
    dock = main_window.mode_docks[mode]
    qtbot.waitUntil(lambda: _in_front(dock))
    assert not _in_front(main_window.info_dock)


def test_the_modes_menu_brings_the_panel_to_the_front(qtbot, main_window):
    main_window.mode_docks["study"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: _in_front(main_window.mode_docks["study"]))
    main_window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: _in_front(main_window.mode_docks["motion"]))
    assert not _in_front(main_window.mode_docks["study"])


@pytest.mark.parametrize(("mode", "key"), [("study", Qt.Key.Key_S), ("motion", Qt.Key.Key_M)])
def test_a_mode_turned_off_and_on_again_comes_back_in_front(qtbot, main_window, mode, key):
    """The user read another tab, closed the mode and opens it again: it is in front."""
    dock = main_window.mode_docks[mode]
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main_window, key, modifiers)
    qtbot.waitUntil(lambda: _in_front(dock))
    tabs = _tab_bar_showing(main_window, "Information")
    tabs.setCurrentIndex(_tab_index(tabs, "Information"))  # the user clicks the tab
    qtbot.waitUntil(lambda: _in_front(main_window.info_dock))
    main_window.mode_docks[mode].toggleViewAction().trigger()  # off (the panel's own toggle)
    qtbot.waitUntil(lambda: not dock.isVisible())
    qtbot.keyClick(main_window, key, modifiers)  # on again
    qtbot.waitUntil(lambda: _in_front(dock))
    assert not _in_front(main_window.info_dock)
    assert main_window.mode_actions[mode].isChecked()


@pytest.mark.parametrize(("mode", "key"), [("study", Qt.Key.Key_S), ("motion", Qt.Key.Key_M)])
def test_a_mode_shortcut_brings_its_open_panel_forward_then_closes_it(
    qtbot, main_window, mode, key
):
    """Open behind another tab, the shortcut shows the panel (it used to close it unseen);
    pressed again with the panel in front, it closes it."""
    dock = main_window.mode_docks[mode]
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main_window, key, modifiers)
    qtbot.waitUntil(lambda: _in_front(dock))
    main_window.mode_docks["lesion"].toggleViewAction().trigger()  # another mode in front
    qtbot.waitUntil(lambda: _in_front(main_window.mode_docks["lesion"]))
    assert not _in_front(dock)
    qtbot.keyClick(main_window, key, modifiers)
    qtbot.waitUntil(lambda: _in_front(dock))
    assert main_window.mode_actions[mode].isChecked()
    qtbot.keyClick(main_window, key, modifiers)
    qtbot.waitUntil(lambda: not dock.isVisible())
    assert not main_window.mode_actions[mode].isChecked()


def test_a_link_in_the_study_panel_brings_the_information_tab_forward(qtbot, main_window):
    """Information was brought forward once, the user went to Study: a link shows it again."""
    study = main_window.mode_docks["study"]
    main_window.bring_to_front(main_window.info_dock)  # e.g. --select at start-up
    qtbot.keyClick(
        main_window, Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: _in_front(study))
    tabs = _tab_bar_showing(main_window, "Study")
    main_window.bring_to_front(main_window.info_dock)
    tabs.setCurrentIndex(_tab_index(tabs, "Study"))  # the user clicks the Study tab
    qtbot.waitUntil(lambda: _in_front(study))
    main_window.study.panel.explore("soleus")  # the answer's "look at it" link
    qtbot.waitUntil(lambda: _in_front(main_window.info_dock))
    assert main_window.state.selected == "soleus"


def test_a_mode_raised_while_hidden_still_comes_to_the_front(qtbot, main_window):
    """raise_() on a hidden dock (any code may do it) must not keep its tab behind later."""
    study = main_window.mode_docks["study"]
    study.raise_()  # hidden: puts it on top of the stacking order, switches no tab
    study.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: _in_front(study))
    assert not _in_front(main_window.info_dock)


def _tab_bar_showing(window, title: str):
    """The dock tab bar that has a tab with this title."""
    from PySide6.QtWidgets import QTabBar

    bars = [b for b in window.findChildren(QTabBar) if b.isVisible() and _tab_index(b, title) >= 0]
    assert bars, f"no tab '{title}'"
    return bars[0]


def _tab_index(bar, title: str) -> int:
    return next((i for i in range(bar.count()) if bar.tabText(i) == title), -1)


def test_f1_lists_the_study_and_motion_keys(qtbot, main_window):
    text = main_window.shortcuts_html()
    assert "Ctrl+Shift+S" in text and "Ctrl+Shift+M" in text
    assert "Study" in text and "Motion lab" in text
    assert "Choose an answer" in text  # the study panel's own keys
    from calfexplorer.study.questions import N_CHOICES

    assert f"<b>1 – {N_CHOICES}</b></td><td>Choose an answer" in text  # as many as offered


def _open_motion_lab(qtbot, window):
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_M, modifiers)
    dock = window.mode_docks["motion"]
    qtbot.waitUntil(lambda: _in_front(dock) and window.motion.built)
    return window.motion.panel


def test_leaving_the_motion_lab_gives_the_explorer_its_colours_and_pose_back(
    qtbot, main_window
):
    scene, state = main_window.scene, main_window.state
    explorer_colour = scene.drawn_style("soleus").color
    panel = _open_motion_lab(qtbot, main_window)
    panel.set_colour_by_length(True)
    panel.sliders["knee"].setValue(87)
    qtbot.waitUntil(lambda: scene.drawn_style("soleus").color != explorer_colour)

    main_window.info_dock.raise_()  # the user clicks the Information tab
    qtbot.waitUntil(lambda: scene.drawn_style("soleus").color == explorer_colour)
    assert not any(state.pose.values())  # anatomical position
    assert "Keep the pose" in main_window.statusBar().currentMessage()

    main_window.mode_docks["motion"].raise_()  # back in the lab: both come back
    qtbot.waitUntil(lambda: round(panel.pose.degrees()["knee"]) == 87)
    qtbot.waitUntil(lambda: scene.drawn_style("soleus").color != explorer_colour)
    assert panel.colour_by_length


def test_a_kept_pose_stays_outside_the_lab_but_the_colours_do_not(qtbot, main_window):
    scene, state = main_window.scene, main_window.state
    explorer_colour = scene.drawn_style("soleus").color
    panel = _open_motion_lab(qtbot, main_window)
    panel.set_colour_by_length(True)
    panel.keep_pose_check.setChecked(True)
    panel.sliders["knee"].setValue(87)
    qtbot.waitUntil(lambda: scene.drawn_style("soleus").color != explorer_colour)
    main_window.info_dock.raise_()
    qtbot.waitUntil(lambda: scene.drawn_style("soleus").color == explorer_colour)
    assert round(panel.pose.degrees()["knee"]) == 87
    assert state.pose["knee"] > 1.5


def test_panels_information_brings_it_forward_from_behind_a_mode(qtbot, main_window):
    """With Lesion in front, View > Panels > Information closed the hidden panel instead of
    showing it; from the keyboard only some sixteen Tabs reached its tab."""
    lesion = main_window.mode_docks["lesion"]
    lesion.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: _in_front(lesion))
    assert not _in_front(main_window.info_dock)
    assert main_window.act_info in main_window.panels_menu.actions()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main_window, Qt.Key.Key_I, modifiers)
    qtbot.waitUntil(lambda: _in_front(main_window.info_dock))
    assert main_window.act_info.isChecked()
    qtbot.keyClick(main_window, Qt.Key.Key_I, modifiers)  # in front: closes it
    qtbot.waitUntil(lambda: not main_window.info_dock.isVisible())
    assert not main_window.act_info.isChecked()
    main_window.act_info.trigger()
    qtbot.waitUntil(lambda: _in_front(main_window.info_dock))
    assert "Ctrl+Shift+I" in main_window.shortcuts_html()


def test_the_shortcuts_list_names_the_panels_own_keys(main_window):
    """Space in the list, links by the arrows and Return, ↓ in the search box worked
    unlisted."""
    text = main_window.shortcuts_html()
    for keys in ("Space in the structure list", "→ / ← in the information panel",
                 "↓ / ↑ in the search box"):
        assert keys in text


def test_tab_never_reaches_a_panel_behind_another_s_tab(qtbot, main_window) -> None:
    """With the motion lab in front, Tab walked through the information panel behind it (off
    screen), and Return followed a link there: the selection changed with no visible cause."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = main_window
    window.select("flexor_digitorum_longus")
    dock = window.mode_docks["motion"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: window.info_dock.visibleRegion().isEmpty())
    window.activateWindow()
    window.search.edit.setFocus()
    qtbot.waitUntil(window.search.edit.hasFocus)
    for _ in range(60):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is None or not window.info_dock.isAncestorOf(focused), focused
    window.info_dock.raise_()  # in front again: its links take the keys again
    qtbot.waitUntil(window.info.isEnabled)


def test_the_motion_lab_s_shortcut_puts_the_keys_on_the_knee_slider(qtbot, main_window) -> None:
    """Ctrl+Shift+M put the focus on the lab's frameless scroll area: no focus mark, and the
    arrows scrolled the page instead of bending the knee."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = main_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    if window.viewport is not None:
        window.viewport.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.motion.built)
    slider = window.motion.panel.sliders["knee"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is slider)
