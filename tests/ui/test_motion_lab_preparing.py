"""While the motion lab readies the 3D leg for posing (seconds with the realistic leg), the
window goes on answering, the lab laid out and saying so; a pose given meanwhile waits for
the leg, which is readied once."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QWidget
from tests.ui.waiting import wait_until_quiet


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def _hold_posing(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[int]]:
    """Make readying the leg for posing wait (as long as the realistic leg's set-up) until the
    test sets the returned event; the list counts the readyings begun."""
    posing = importlib.import_module("calfexplorer.scene.posing")
    made, gate, calls = posing.poser_for, threading.Event(), []

    def slow_poser(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        gate.wait(timeout=15)
        return made(*args, **kwargs)

    monkeypatch.setattr(posing, "poser_for", slow_poser)
    return gate, calls


def test_the_window_answers_while_the_lab_readies_the_leg(
    qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, scene = main_window, main_window.scene
    if scene is None:
        pytest.skip("no OpenGL: no 3D view, nothing to ready")
    gate, _ = _hold_posing(monkeypatch)
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    panel = window.motion.panel
    # a selection made meanwhile shows, in the lab's table too (the event loop runs)
    QTimer.singleShot(0, lambda: window.select("tibialis_posterior"))
    qtbot.waitUntil(lambda: window.state.selected == "tibialis_posterior", timeout=5000)
    qtbot.waitUntil(lambda: "tibialis_posterior" in panel.shown_ids, timeout=5000)
    assert not scene.posing_ready  # (still readying)
    # a line says what goes on, and nothing lies over anything else
    assert panel.preparing_label.isVisible()
    assert "a few seconds" in panel.preparing_label.text()
    body = panel.scroll_area.widget()
    qtbot.waitUntil(lambda: not _rect_in(panel.pin_button, body).intersects(
        _rect_in(panel.table, body)), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: scene.posing_ready, timeout=60_000)
    assert not panel.preparing_label.isVisible()
    panel.sliders["knee"].setValue(30)
    assert np.degrees(window.state.pose["knee"]) == pytest.approx(30)


def test_a_pose_given_while_the_lab_readies_the_leg_waits_for_it(
    qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, scene = main_window, main_window.scene
    if scene is None:
        pytest.skip("no OpenGL: no 3D view, nothing to ready")
    gate, calls = _hold_posing(monkeypatch)
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built and bool(calls))
    rest = scene.world_vertices("soleus").copy()
    threading.Timer(0.3, gate.set).start()  # (the leg ready while the pose waits)
    window.motion.panel.sliders["knee"].setValue(60)
    assert scene.posing_ready and len(calls) == 1  # waited for it: not readied twice
    assert float(np.abs(scene.world_vertices("soleus") - rest).max()) > 0.005


def test_a_screenshot_of_the_open_lab_waits_for_the_leg_to_be_ready(
    qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """``calfexplorer --motion --screenshot`` showed the lab saying it was readying the leg."""
    window, scene = main_window, main_window.scene
    if scene is None:
        pytest.skip("no OpenGL: no 3D view, nothing to ready")
    gate, _ = _hold_posing(monkeypatch)
    grab, ready_when_taken = window.grab_window, []

    def grab_and_note() -> Any:
        ready_when_taken.append(scene.posing_ready and not window.motion.panel
                                .preparing_label.isVisible())
        return grab()

    monkeypatch.setattr(window, "grab_window", grab_and_note)
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    out = tmp_path / "lab.png"
    window.screenshot_when_rendered(str(out))
    threading.Timer(0.5, gate.set).start()  # (the leg ready after the first frames)
    qtbot.waitUntil(out.exists, timeout=60_000)
    assert ready_when_taken == [True]


def test_a_preset_chosen_in_the_search_before_the_lab_opened_leaves_no_readying_line(
    qtbot: Any, main_window: Any
) -> None:
    """A preset found in the search ("deep squat") opens the lab and poses the leg at once,
    which readies it: the lab said "Readying the 3D leg..." under the posed leg for good."""
    window, scene = main_window, main_window.scene
    if scene is None:
        pytest.skip("no OpenGL: no 3D view, nothing to ready")
    window.search.preset_chosen.emit("deep_squat")
    qtbot.waitUntil(lambda: window.motion.built and scene.posing_ready, timeout=60_000)
    panel = window.motion.panel
    assert np.degrees(window.state.pose["knee"]) == pytest.approx(120)
    wait_until_quiet(qtbot, window, timeout=60_000)  # (the lab's own readying, had it begun)
    assert panel.isVisible() and not panel.preparing_label.isVisible()


def test_a_preset_chosen_in_the_search_while_the_lab_readies_the_leg_keeps_the_window_answering(
    qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preset found in the search before the lab was ready posed the leg at once, readying it
    in the window's thread: the window froze (~1 s with the realistic leg) with no word."""
    window, scene = main_window, main_window.scene
    if scene is None:
        pytest.skip("no OpenGL: no 3D view, nothing to ready")
    gate, calls = _hold_posing(monkeypatch)
    window.search.preset_chosen.emit("deep_squat")
    assert not scene.posing_ready  # (returned at once: readied in the worker thread)
    qtbot.waitUntil(lambda: window.motion.built)
    panel = window.motion.panel
    qtbot.waitUntil(panel.preparing_label.isVisible, timeout=5000)  # the lab says so
    QTimer.singleShot(0, lambda: window.select("soleus"))
    qtbot.waitUntil(lambda: window.state.selected == "soleus", timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: scene.posing_ready
                    and np.degrees(window.state.pose.get("knee", 0.0)) == pytest.approx(120),
                    timeout=60_000)
    assert len(calls) == 1
    wait_until_quiet(qtbot, window, timeout=60_000)
    assert not panel.preparing_label.isVisible()
