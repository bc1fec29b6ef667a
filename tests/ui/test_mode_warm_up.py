"""After the first frame the window loads what the modes need, one step at a time; a mode opened
before that finishes opens as ever."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt


def test_the_steps_run_in_order_and_one_that_fails_stops_none_of_the_rest(qtbot):
    from calfexplorer.ui.mode_warm_up import ModeWarmUp

    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise ImportError("no such module")

    owner = QObject()
    warm = ModeWarmUp(owner, (("a", lambda: ran.append("a")), ("broken", broken),
                              ("b", lambda: ran.append("b"))))
    assert not warm.done and not ran  # nothing before start
    warm.start()
    warm.start()  # (once)
    qtbot.waitUntil(lambda: warm.done, timeout=10000)
    assert ran == ["a", "broken", "b"]


def test_the_window_warms_the_modes_after_its_first_frame(qtbot, main_window):
    import sys

    qtbot.waitUntil(lambda: main_window.modes_warm_up.done, timeout=120000)
    assert "calfexplorer.ui.motion.panel" in sys.modules
    assert "calfexplorer.ui.study.panel" in sys.modules
    assert "calfexplorer.ui.lesion.panel" in sys.modules
    assert not (main_window.motion.built or main_window.study.built
                or main_window.lesion.built)  # imported, not built: nothing shows


def test_a_mode_opened_before_the_warm_up_finished_shows_its_content(qtbot, main_window):
    window = main_window
    assert not window.modes_warm_up.done
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_L, modifiers)  # the lesion panel, at once
    qtbot.waitUntil(lambda: window.lesion.built, timeout=60000)
    panel = window.lesion.panel
    assert panel.nerve_combo.count() > 1  # the nerves to cut are there
    qtbot.keyClick(window, Qt.Key.Key_M, modifiers)  # and the motion lab
    scene = window.scene
    qtbot.waitUntil(lambda: window.motion.built and (scene is None or scene.posing_ready),
                    timeout=120000)
    qtbot.waitUntil(lambda: window.modes_warm_up.done, timeout=120000)
    window.motion.panel.apply_preset("straight_knee_calf_stretch")
    assert any(window.state.pose.values())  # the lab poses the leg as ever
    assert window.state.mode == "motion"
