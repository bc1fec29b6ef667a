"""Modes in the real window: turning one on shows its panel, leaving it restores the explorer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

#: Known: after Ctrl+Shift+S or Modes > Study the Study tab stays behind Information (the
#: motion lab comes to the front; plain show() brings Study forward too). Not found yet.
STUDY_BEHIND = pytest.mark.xfail(strict=True, reason="Study tab stays behind after the action")


def _in_front(dock) -> bool:
    """Whether a dock's panel is the tab the user sees (not hidden behind another)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


@pytest.mark.parametrize(
    ("mode", "key"),
    [pytest.param("study", Qt.Key.Key_S, marks=STUDY_BEHIND), ("motion", Qt.Key.Key_M)],
)
def test_a_mode_shortcut_brings_its_panel_to_the_front(qtbot, main_window, mode, key):
    main_window.info_dock.raise_()
    qtbot.waitUntil(lambda: _in_front(main_window.info_dock))
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main_window, key, modifiers)
    dock = main_window.mode_docks[mode]
    qtbot.waitUntil(lambda: _in_front(dock))
    assert not _in_front(main_window.info_dock)


@STUDY_BEHIND
def test_the_modes_menu_brings_the_panel_to_the_front(qtbot, main_window):
    main_window.mode_docks["study"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: _in_front(main_window.mode_docks["study"]))
    main_window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: _in_front(main_window.mode_docks["motion"]))
    assert not _in_front(main_window.mode_docks["study"])


def test_f1_lists_the_study_and_motion_keys(qtbot, main_window):
    text = main_window.shortcuts_html()
    assert "Ctrl+Shift+S" in text and "Ctrl+Shift+M" in text
    assert "Study" in text and "Motion lab" in text
    assert "Choose an answer" in text  # the study panel's own keys


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
