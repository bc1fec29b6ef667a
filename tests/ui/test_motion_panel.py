"""The motion-lab panel driven like a user: sliders, presets, actions, pins, colouring."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

from calfexplorer.atlas import load_atlas
from calfexplorer.biomech import LegModel, Pose
from calfexplorer.motion import preset
from calfexplorer.state import AppState

from .waiting import open_lab_with, wait_for_ticks, wait_until_quiet


@pytest.fixture(scope="module")
def motion_atlas():
    atlas, _ = load_atlas()
    return atlas


@pytest.fixture
def panel(qtbot, motion_atlas):
    from calfexplorer.ui.motion.panel import MotionPanel

    state = AppState()
    widget = MotionPanel(motion_atlas, state, LegModel.load())
    qtbot.addWidget(widget)
    widget.resize(460, 1200)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.stop()


def test_moving_the_knee_slider_changes_the_pose_and_the_readout(qtbot, panel):
    state = panel.state
    before = panel.readout()["gastrocnemius"]
    assert before.percent == pytest.approx(100.0)
    slider = panel.sliders["knee"]
    slider.setFocus()
    for _ in range(6):  # PageUp moves the slider by its page step (5 degrees)
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert slider.value() == 30
    assert state.pose["knee"] == pytest.approx(math.radians(30))
    assert panel.slider_labels["knee"].text() == "Knee: 30° flexion"
    after = panel.readout()
    assert after["gastrocnemius"].percent < before.percent - 1.0  # shortened by the knee
    assert after["soleus"].percent == pytest.approx(100.0)  # does not cross the knee
    column = panel.shown_ids.index("gastrocnemius")
    assert panel.table.item(0, column).text().startswith(f"{after['gastrocnemius'].percent:.1f}%")
    # the soleus unchanged reads +0.0 mm (it read "-0.0 mm": rounding noise that made it
    # look changed by the knee)
    soleus = panel.table.item(0, panel.shown_ids.index("soleus")).text()
    assert soleus.endswith("\n+0.0 mm"), soleus


def test_a_held_slider_moves_the_numbers_less_often_and_they_catch_up_on_release(
    qtbot, panel, monkeypatch
):
    """While the mouse holds a slider the 3D view takes every step and the read-out follows
    at most every READOUT_INTERVAL_MS; letting go shows the numbers of the final pose."""
    import time
    from types import SimpleNamespace

    from calfexplorer.motion import pose_from_angles
    from calfexplorer.ui.motion import panel as motion_panel
    from calfexplorer.ui.motion.panel import READOUT_INTERVAL_MS

    # The panel's clock, moved by the test: a drag of a step every 30 ms whatever the load,
    # and its read-out timer on that clock (a real one fired on real time, which under load
    # ran ahead of the test's: a gap of 90 ms was seen).
    clock = SimpleNamespace(now=time.monotonic() + 1.0)
    monkeypatch.setattr(motion_panel, "time", SimpleNamespace(monotonic=lambda: clock.now))

    class ClockTimer:
        due: float | None = None

        def start(self, ms: int) -> None:
            self.due = clock.now + ms / 1000

        def stop(self) -> None:
            self.due = None

        def isActive(self) -> bool:  # noqa: N802 - QTimer's name
            return self.due is not None

        def fire_if_due(self) -> None:
            if self.due is not None and clock.now >= self.due - 1e-9:
                self.due = None
                panel._update_numbers()

    timer = ClockTimer()
    monkeypatch.setattr(panel, "_readout_timer", timer)
    slider = panel.sliders["knee"]
    column = panel.shown_ids.index("gastrocnemius")
    cell = panel.table.item(0, column)
    changed_at = []
    shown = cell.text()
    slider.setSliderDown(True)
    for value in range(1, 21):
        clock.now += 0.030
        timer.fire_if_due()
        slider.setValue(value)
        assert panel.slider_labels["knee"].text() == f"Knee: {value}° flexion"  # every step
        qtbot.waitUntil(lambda v=value: _knee_degrees(panel.state) == v, timeout=10_000)
        if cell.text() != shown:
            shown = cell.text()
            changed_at.append(clock.now)
    assert len(changed_at) > 1  # the numbers follow the drag...
    gaps = [b - a for a, b in zip(changed_at, changed_at[1:], strict=False)]
    assert min(gaps) >= READOUT_INTERVAL_MS / 1000  # ...never sooner than the interval
    clock.now += READOUT_INTERVAL_MS / 1000
    timer.fire_if_due()
    assert not timer.isActive()
    slider.setValue(25)
    slider.setSliderDown(False)  # let go: the numbers of the final pose at once
    expected = panel.model.readout(pose_from_angles(panel.state.pose), ["gastrocnemius"])
    percent = expected["gastrocnemius"].percent
    assert panel.readout()["gastrocnemius"].percent == pytest.approx(percent)
    assert panel.table.item(0, column).text().startswith(f"{percent:.1f}%")


def _knee_degrees(state: AppState) -> int:
    return round(math.degrees(state.pose.get("knee", 0.0)))


def test_a_held_slider_poses_once_for_the_moves_made_while_a_pose_is_drawn(qtbot, panel):
    """A hand's drag moves the slider faster than a pose and its frame take: the moves that
    come meanwhile make one pose, the latest, instead of one each; a key moves it at once."""
    state, slider = panel.state, panel.sliders["knee"]
    poses = []
    state.pose_changed.connect(lambda _: poses.append(_knee_degrees(state)))
    slider.setSliderDown(True)
    for value in (3, 6, 9):  # three moves before the event loop runs again
        slider.setValue(value)
    assert panel.slider_labels["knee"].text() == "Knee: 9° flexion"  # the label follows each
    qtbot.waitUntil(lambda: _knee_degrees(state) == 9, timeout=10_000)
    assert poses == [9]
    slider.setValue(12)
    slider.setSliderDown(False)  # let go: its last move is posed before the release is told
    assert poses == [9, 12] and _knee_degrees(state) == 12
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Right)  # not held: at once
    assert poses == [9, 12, 13]


def test_a_held_slider_redraws_the_length_curves_once_the_drag_pauses(qtbot, panel):
    """A drag step slower than the curves' delay (a pose and its frame with the anatomy pack
    on a loaded machine) does not redraw the curves for a pose the drag has already left:
    they are drawn once, for where the slider stopped."""
    state, slider = panel.state, panel.sliders["knee"]
    wait_until_quiet(qtbot, panel)
    panel._sweep_timer.setInterval(0)  # every step is slower than this delay
    drawn_at: list[int] = []
    sweep = panel.model.sweep

    def spy(joint, pose=None, *args, **kwargs):
        if joint == "ankle":
            drawn_at.append(round(math.degrees(pose.knee)))
        return sweep(joint, pose, *args, **kwargs)

    panel.model.sweep = spy

    def next_move(_angles) -> None:
        if _knee_degrees(state) == 10:  # the drag goes on before the event loop runs again
            slider.setValue(20)

    state.pose_changed.connect(next_move)
    slider.setSliderDown(True)
    slider.setValue(10)
    qtbot.waitUntil(lambda: drawn_at[-1:] == [20], timeout=10_000)
    slider.setSliderDown(False)
    state.pose_changed.disconnect(next_move)
    assert drawn_at == [20]


def test_a_slider_step_does_not_lay_the_panel_out_again(qtbot, panel):
    from PySide6.QtCore import QCoreApplication, QEvent, QObject
    from PySide6.QtWidgets import QApplication

    requests: list[str] = []

    class Spy(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.LayoutRequest and _inside(panel, obj):
                requests.append(f"{type(obj).__name__} {obj.objectName()}".strip())
            return False

    wait_until_quiet(qtbot, panel)  # the layouts and timers of showing the panel done
    spy = Spy()
    QApplication.instance().installEventFilter(spy)
    try:
        slider = panel.sliders["ankle"]
        for value in range(-5, 6):
            slider.setValue(value)  # new angle text, new numbers in the table
            # What the step posted (layout requests, paints), not the timers it restarted
            # (the plot's curves follow once the slider pauses, however slow the machine).
            QCoreApplication.sendPostedEvents()
    finally:
        QApplication.instance().removeEventFilter(spy)
    assert requests == [], requests  # the new texts fit where the old ones were


def _inside(panel, obj) -> bool:
    """Whether ``obj`` is the panel, one of its widgets or an item of one of its plots."""
    from PySide6.QtWidgets import QGraphicsObject, QWidget

    if isinstance(obj, QWidget):
        return obj is panel or panel.isAncestorOf(obj)
    if isinstance(obj, QGraphicsObject) and obj.scene() is not None:
        return any(panel.isAncestorOf(view) for view in obj.scene().views())
    return False


def test_ankle_label_uses_anatomical_words(panel):
    panel.sliders["ankle"].setValue(-20)
    assert panel.slider_labels["ankle"].text() == "Ankle: 20° plantarflexion"
    assert panel.state.pose["ankle"] == pytest.approx(math.radians(-20))


def test_a_preset_sets_the_angles(qtbot, panel):
    qtbot.mouseClick(panel.preset_buttons["bent_knee_calf_stretch"], Qt.MouseButton.LeftButton)
    expected = preset("bent_knee_calf_stretch").degrees
    for joint, degrees in expected.items():
        assert panel.sliders[joint].value() == degrees
        assert math.degrees(panel.state.pose.get(joint, 0.0)) == pytest.approx(degrees)
    numbers = panel.readout()
    assert numbers["soleus"].percent > numbers["gastrocnemius"].percent
    qtbot.mouseClick(panel.preset_buttons["anatomical"], Qt.MouseButton.LeftButton)
    assert dict(panel.state.pose) == {}


def test_state_changes_from_elsewhere_move_the_sliders(panel):
    panel.state.set_pose({"subtalar": math.radians(-10), "toes": math.radians(15)})
    assert panel.sliders["subtalar"].value() == -10
    assert panel.slider_labels["subtalar"].text() == "Subtalar (heel): 10° eversion"
    assert panel.slider_labels["toes"].text() == "Toes: 15° extension"


def test_playing_an_action_animates_and_can_be_stopped(qtbot, panel):
    seen: list[float] = []
    panel.state.pose_changed.connect(lambda pose: seen.append(pose.get("ankle", 0.0)))
    qtbot.mouseClick(panel.action_buttons["plantarflexion"], Qt.MouseButton.LeftButton)
    assert panel.playing == "plantarflexion"
    qtbot.waitUntil(lambda: len(seen) >= 5, timeout=5000)
    assert min(seen) < 0  # moving into plantarflexion
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert panel.playing is None and not panel.timer.isActive()
    count = len(seen)
    wait_for_ticks(qtbot, panel.timer.interval())  # a running animation would have moved
    assert len(seen) == count  # nothing more after stopping


def test_an_action_keeps_its_speed_when_its_frames_are_slow(qtbot, panel, monkeypatch):
    """Where each pose and its frame take longer than a tick, an action skips steps to keep
    to its clock instead of slowing down, and ends where it would have ended."""
    from types import SimpleNamespace

    from calfexplorer.motion import action, action_frames
    from calfexplorer.ui.motion import panel as motion_panel

    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(motion_panel, "time", SimpleNamespace(monotonic=lambda: clock.now))
    steps = len(action_frames(action("plantarflexion"), panel.pose, fps=motion_panel.FPS))
    poses: list[float] = []

    def slow(pose) -> None:  # each pose drawn in 0.1 s: three ticks at 30 per second
        poses.append(pose.get("ankle", 0.0))
        clock.now += 0.1

    panel.state.pose_changed.connect(slow)
    with qtbot.waitSignal(panel.playing_changed, timeout=20_000, check_params_cb=lambda on: not on):
        panel.play("plantarflexion")
    assert len(poses) <= steps / 3 + 2, (len(poses), steps)
    # there and back, in order: into plantarflexion nearly as far as the action goes...
    deepest = poses.index(min(poses))
    assert poses[: deepest + 1] == sorted(poses[: deepest + 1], reverse=True)
    assert poses[deepest:] == sorted(poses[deepest:])
    assert math.degrees(min(poses)) < 0.9 * action("plantarflexion").target_deg
    assert poses[-1] == pytest.approx(0.0)  # ...and back where it started


def test_an_action_plays_to_the_end_and_returns(qtbot, panel):
    panel.apply_preset("seated_calf_raise")
    start = dict(panel.state.pose)
    with qtbot.waitSignal(panel.playing_changed, timeout=10000, check_params_cb=lambda on: not on):
        panel.play("inversion")
    assert dict(panel.state.pose) == pytest.approx(start)


def test_a_selection_made_while_the_lab_is_hidden_shows_when_it_opens_again(qtbot, panel):
    """Hidden, the lab leaves its table and curves for later (a click need not pay for
    them); shown again, they are the selection's."""
    state = panel.state
    panel.hide()
    state.select("tibialis_anterior")
    state.select("fibularis_longus")
    panel.show()
    qtbot.waitExposed(panel)
    heads = [panel.table.horizontalHeaderItem(c).text().replace("\n", " ")
             for c in range(panel.table.columnCount())]
    assert "(selected)" in heads[0] and "longus" in heads[0].lower(), heads
    assert not any("tibialis" in h.lower() for h in heads), heads
    assert len(panel._curves["knee"]) == len(panel.shown_ids) == len(heads)
    assert panel.pin_button.isEnabled()  # the selection can be pinned


def test_selected_and_pinned_muscles_in_the_readout(qtbot, panel):
    state = panel.state
    assert panel.shown_ids == ["gastrocnemius", "soleus"]
    state.select("tibialis_anterior")
    assert panel.shown_ids[0] == "tibialis_anterior"
    assert "selected" in panel.table.horizontalHeaderItem(0).text()
    qtbot.mouseClick(panel.pin_button, Qt.MouseButton.LeftButton)
    state.select("soleus")
    assert "tibialis_anterior" in panel.shown_ids
    assert panel.unpin("gastrocnemius")
    assert "gastrocnemius" not in panel.shown_ids
    assert len(panel._curves["knee"]) == len(panel.shown_ids)
    state.select("popliteus")  # no model path: explained, not crashed
    assert "no muscle path" in panel.note.text()


def test_knee_plot_shows_gastrocnemius_moving_and_soleus_flat(panel):
    curves = dict(zip(panel.shown_ids, panel._curves["knee"], strict=True))
    _, gas = curves["gastrocnemius"].getData()
    _, sol = curves["soleus"].getData()
    assert gas.max() - gas.min() > 5.0
    assert sol.max() - sol.min() < 1e-6
    assert "Soleus" in panel.plot_note.text().split("Changes")[0]  # listed as flat


def test_each_plot_has_its_own_note(panel):
    """Under the ankle plot the note spoke of the knee ("Flat against the knee") and named the
    ankle among the joints held."""
    panel.plot_tabs.setCurrentIndex(0)
    knee = panel.plot_note.text()
    assert "Flat against the knee" in knee and "ankle 0°" in knee and "knee 0°" not in knee
    panel.plot_tabs.setCurrentIndex(1)
    ankle = panel.plot_note.text()
    assert "against the knee" not in ankle and "Changes with the ankle" in ankle
    assert "knee 0°" in ankle and "ankle 0°" not in ankle


def test_colouring_by_length_emits_colours(qtbot, panel):
    with qtbot.waitSignal(panel.muscle_colours_changed) as blocker:
        panel.colour_check.setChecked(True)
    colours = blocker.args[0]
    assert set(colours) == set(panel.model.ids)
    assert panel.legend_widget.isVisible()
    with qtbot.waitSignal(panel.muscle_colours_changed) as blocker:
        panel.apply_preset("straight_knee_calf_stretch")
    gas = blocker.args[0]["gastrocnemius"]
    assert gas[0] > gas[2]  # longer -> towards orange
    with qtbot.waitSignal(panel.muscle_colours_changed) as blocker:
        panel.colour_check.setChecked(False)
    assert blocker.args[0] == {}


def test_exercise_cards_show_model_numbers(panel):
    text = panel.card_labels["bent_knee_calf_stretch"].text()
    numbers = panel.model.readout(preset("bent_knee_calf_stretch").pose, ["soleus"])
    soleus = numbers["soleus"]
    assert f"soleus +{soleus.change_mm:.0f} mm ({soleus.percent:.1f}%)" in text
    assert "Bent-knee wall calf stretch" in text
    assert Pose() == preset("anatomical").pose


def test_motion_dock_in_the_main_window_colours_the_scene(qtbot, main_window):
    window = main_window
    dock = window.mode_docks["motion"]
    assert not window.motion.built  # built on first show, not at start-up
    assert window.mode_actions["motion"] in window.modes_menu.actions()
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    assert window.state.mode == "motion"
    panel = window.motion.panel
    panel.apply_preset("straight_knee_calf_stretch")
    panel.colour_check.setChecked(True)
    scene = window.scene
    if scene is not None and scene.actor("soleus") is not None:
        expected = panel.colours()["soleus"]
        assert scene.drawn_style("soleus").color == pytest.approx(expected)
    dock.toggleViewAction().trigger()  # close the dock
    assert window.state.mode == "explore"
    assert not panel.colour_by_length


def test_the_lab_behind_the_info_tab_shows_the_selection_made_meanwhile(qtbot, main_window):
    """Behind another panel's tab the lab leaves its table and curves for later (a click
    need not pay for them); brought to the front, they are the selection's."""
    window = main_window
    dock = window.mode_docks["motion"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    panel = window.motion.panel
    window.bring_to_front(window.info_dock)
    qtbot.waitUntil(lambda: not window.motion.in_front)
    for sid in ("tibialis_anterior", "fibularis_longus"):
        window.select(sid)
    assert window.info.current_id == "fibularis_longus"  # the page in front follows at once
    window.bring_to_front(dock)
    qtbot.waitUntil(lambda: window.motion.in_front and panel.isVisible())
    heads = [panel.table.horizontalHeaderItem(c).text().replace("\n", " ")
             for c in range(panel.table.columnCount())]
    assert "(selected)" in heads[0] and "longus" in heads[0].lower(), heads
    assert not any("tibialis" in h.lower() for h in heads), heads
    assert len(panel._curves["knee"]) == len(panel.shown_ids) == len(heads)


def test_a_selection_made_as_the_lab_opens_shows_once_its_panel_is_shown(qtbot, main_window):
    """The lab's panel, made as its dock shows, is itself shown a turn of the event loop later
    (Qt shows a child added to a shown widget then): a selection made in between is the
    table's and the curves' once it is shown."""
    window = main_window
    window.mode_docks["motion"].toggleViewAction().trigger()
    panel = window.motion.panel
    assert not panel.isVisible()  # (not yet: the case this test is about)
    window.select("fibularis_longus")
    qtbot.waitUntil(panel.isVisible)
    qtbot.waitUntil(lambda: "(selected)" in panel.table.horizontalHeaderItem(0).text())
    heads = [panel.table.horizontalHeaderItem(c).text().replace("\n", " ")
             for c in range(panel.table.columnCount())]
    assert "longus" in heads[0].lower(), heads
    assert len(panel._curves["knee"]) == len(panel.shown_ids) == len(heads)


def test_a_preset_frames_the_posed_leg_in_the_view(qtbot, main_window):
    window, scene = main_window, main_window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    window.set_view("posterior")
    window.motion.panel.apply_preset("deep_squat")  # the heel ends up far from where it was
    width, height = scene.render_window.GetSize()
    for sid in ("calcaneus", "phalanges", "patella"):
        x, y = scene.project(sid)
        assert 0 <= x <= width and 0 <= y <= height, sid
    assert scene.view == "lateral"  # (from behind the bent shank was seen end-on)


def test_a_bent_knee_preset_turns_an_end_on_view_to_the_side_unless_the_user_turned_it(
    qtbot, main_window
):
    """The seated calf raise and the deep squat, left in the posterior view, showed the
    shank end-on; a preset with the knee straighter, or a view the user turned, stays."""
    window, scene = main_window, main_window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    panel = window.motion.panel
    for view in ("posterior", "anterior"):
        window.set_view(view)
        panel.apply_preset("seated_calf_raise")
        assert scene.view == "lateral" and scene.looking_from("lateral")
        assert window.view_actions["lateral"].isChecked()
    window.set_view("posterior")
    panel.apply_preset("bent_knee_calf_stretch")  # knee 40 degrees: stays
    assert scene.view == "posterior" and scene.looking_from("posterior")
    window.set_view("medial")
    panel.apply_preset("deep_squat")  # already from the side
    assert scene.looking_from("medial")
    window.set_view("posterior")
    scene.turn(right_deg=30)  # the user's own direction is kept
    before = scene.camera_pose()
    panel.apply_preset("deep_squat")
    after = scene.camera_pose()
    back = [np.subtract(p.position, p.focal_point) for p in (before, after)]
    cos = float(back[0] @ back[1]) / float(np.linalg.norm(back[0]) * np.linalg.norm(back[1]))
    assert cos == pytest.approx(1.0, abs=1e-6) and not scene.looking_from("lateral")


@pytest.mark.parametrize("view", ["inferior", "superior"])
def test_a_preset_turns_a_view_along_the_leg_to_the_side(qtbot, main_window, view):
    """The Lesion panel leaves the camera at the sole (a tarsal tunnel lesion): a standing
    heel raise chosen in the lab then showed the foot from below, the movement unseen."""
    window, scene = main_window, main_window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    window.set_view(view)
    window.motion.panel.apply_preset("standing_heel_raise")
    assert scene.view == "lateral" and scene.looking_from("lateral")
    assert window.view_actions["lateral"].isChecked()


def test_opening_the_lab_loads_the_posing_model_before_the_first_slider_move(
    qtbot, main_window
):
    window, scene = main_window, main_window.scene
    assert not scene.posing_ready  # nothing loaded at start-up for the lab
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built and scene.posing_ready,
                    timeout=60_000)  # (readied in a worker thread: seconds under load)
    window.motion.panel.sliders["knee"].setValue(30)
    assert np.degrees(window.state.pose["knee"]) == pytest.approx(30)


def test_letting_go_of_a_slider_brings_a_swung_leg_back_into_view(qtbot, main_window):
    window, scene = main_window, main_window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    window.set_view("lateral")
    scene.camera.Zoom(1.3)  # a user looking closer: the standing leg just fits
    slider = window.motion.panel.sliders["knee"]
    slider.setValue(slider.maximum())  # the shank swings backwards, the foot leaves the view
    assert not scene.leg_in_view()
    before = scene.camera_pose()
    slider.sliderReleased.emit()
    assert scene.leg_in_view()
    assert np.allclose(_looking(scene.camera_pose()), _looking(before), atol=1e-6)


def test_leaving_the_lab_brings_the_leg_back_into_view(qtbot, main_window):
    window, scene = main_window, main_window.scene
    dock = window.mode_docks["motion"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    window.set_view("lateral")
    slider = window.motion.panel.sliders["knee"]
    slider.setValue(slider.maximum())
    slider.sliderReleased.emit()  # the bent leg framed where it now is
    dock.toggleViewAction().trigger()  # the leg goes back to anatomical position
    assert not any(window.state.pose.values())
    assert scene.leg_in_view()  # framed again, not left half off the screen


def _looking(pose) -> np.ndarray:
    """The unit direction from the camera's focal point to the camera."""
    back = pose.position - pose.focal_point
    return back / np.linalg.norm(back)


def test_compared_muscles_fit_a_narrow_panel_without_sideways_scrolling(qtbot, panel):
    panel.resize(380, 1200)
    table = panel.table
    panel.state.select("gastrocnemius_medial_head")  # with the two pinned calf muscles: 3
    assert table.columnCount() == 3
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: table.isVisible() and header.length() > 0
                    and header.height() == header.sizeHint().height())  # laid out
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible())  # the panel widened
    used = table.verticalHeader().width() + table.horizontalHeader().length()
    assert used <= table.parentWidget().contentsRect().width()
    head = table.horizontalHeaderItem(0).text()
    assert "(selected)" in head and max(len(line) for line in head.splitlines()) <= 16


def test_every_row_of_the_readout_shows_whatever_was_selected_before(qtbot, panel):
    """Titles wrapped to more lines than the last selection's (and a fifth row for the toes)
    leave no row cut off: the table has no scroll bar of its own."""
    table = panel.table
    header = table.horizontalHeader()
    for muscle in ("soleus", "tibialis_anterior", "flexor_digitorum_longus"):
        panel.state.select(muscle)
        rows = sum(table.rowHeight(row) for row in range(table.rowCount()))
        qtbot.waitUntil(lambda: table.isVisible()
                        and header.height() == header.sizeHint().height())  # laid out
        assert table.viewport().height() >= rows, muscle
        last = table.rowCount() - 1
        assert table.rowViewportPosition(last) + table.rowHeight(last) <= (
            table.viewport().height()), muscle


def test_posing_by_keys_brings_a_swung_leg_back_into_view_once_they_pause(qtbot, main_window):
    # 24 PageUps on the knee slider swung the foot out of the lateral view: no slider is let go
    window, scene = main_window, main_window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built and scene.posing_ready, timeout=60_000)
    window.set_view("lateral")
    scene.camera.Zoom(1.3)
    slider = window.motion.panel.sliders["knee"]
    slider.setFocus()
    for _ in range(24):
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert np.degrees(window.state.pose["knee"]) > 90
    qtbot.waitUntil(scene.leg_in_view, timeout=5000)


def test_comparing_many_muscles_scrolls_the_table_and_keeps_half_the_window_for_the_view(
    qtbot, main_window
):
    window = main_window
    window.resize(1500, 950)
    dock = window.mode_docks["motion"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    panel = window.motion.panel
    qtbot.waitUntil(lambda: panel.table.columnCount() >= 1)
    host = dock.widget()

    def laid_out() -> bool:  # (the dock as wide as the panel asks)
        return host.width() >= panel.minimumSizeHint().width()

    qtbot.waitUntil(laid_out)
    width = dock.width()
    for muscle in ("soleus", "tibialis_anterior", "fibularis_longus", "plantaris",
                   "tibialis_posterior", "flexor_hallucis_longus"):
        panel.pin(muscle)
    qtbot.waitUntil(lambda: panel.table.columnCount() >= 6)
    qtbot.waitUntil(laid_out)
    # Up to WIDEN_FOR_COLUMNS columns widen it, not a column (84 px) for each muscle (the
    # width taken before the dock was first laid out, this held only while the widening
    # had not come yet)
    from calfexplorer.ui.motion.panel import MIN_COLUMN_WIDTH, WIDEN_FOR_COLUMNS

    assert dock.width() < width + (WIDEN_FOR_COLUMNS - 1) * MIN_COLUMN_WIDTH + 20
    if window.viewport is not None:  # (once the window has balanced the docks again)
        qtbot.waitUntil(lambda: window.viewport.width() >= window.width() // 2)
    bar = panel.table.horizontalScrollBar()
    assert bar.maximum() > 0 and bar.isVisible()  # the columns scroll, all rows still shown
    last = panel.table.rowCount() - 1
    bottom = panel.table.rowViewportPosition(last) + panel.table.rowHeight(last)
    assert bottom <= panel.table.viewport().height() + 1


def test_the_readout_is_as_tall_as_its_rows_without_a_sideways_bar(qtbot, panel):
    table = panel.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: table.isVisible() and header.height() == header.sizeHint().height())
    assert table.columnCount() == 2 and not table.horizontalScrollBar().isVisible()
    rows = sum(table.rowHeight(row) for row in range(table.rowCount()))
    assert table.height() == header.height() + rows + 2 * table.frameWidth()


def test_an_action_or_a_preset_after_keys_is_not_followed_by_a_late_settle(qtbot, panel):
    slider = panel.sliders["knee"]
    places = (lambda: panel.apply_preset("deep_squat"), lambda: panel.play("knee_flexion"),
              panel.disconnect_state)
    for angle, place in zip((30, 40, 50), places, strict=True):
        slider.setValue(angle)  # a key: the pose settles after a pause...
        assert panel._keys_settle.isActive()
        place()  # ...unless the leg is placed another way first (or the lab closes)
        assert not panel._keys_settle.isActive()
        panel.stop()


def test_reopening_the_window_keeps_the_lab_s_pose_and_its_keep_choice(qtbot, main_window):
    from calfexplorer.ui import main_window as main_window_module

    window = main_window
    dock = window.mode_docks["motion"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    window.motion.panel.apply_preset("bent_knee_calf_stretch")
    posed = dict(window.state.pose)
    window.info_dock.show()
    window.bring_to_front(window.info_dock)  # the lab behind: the leg stands, the pose is kept
    qtbot.waitUntil(lambda: not any(window.state.pose.values()))
    new = window.reopen()
    qtbot.addWidget(new)
    new.confirm_losing_answers = lambda *_: True
    assert new is main_window_module._open_windows[-1]
    new.mode_docks["motion"].show()
    new.bring_to_front(new.mode_docks["motion"])
    qtbot.waitUntil(lambda: new.motion.built and any(new.state.pose.values()))
    assert dict(new.state.pose) == pytest.approx(posed)  # it came back, as it would have
    new.motion.panel.keep_pose_check.setChecked(True)
    again = new.reopen()
    qtbot.addWidget(again)
    again.confirm_losing_answers = lambda *_: True
    again.mode_docks["motion"].show()
    qtbot.waitUntil(lambda: again.motion.built)
    assert again.motion.panel.keep_pose


def test_reopening_the_window_keeps_the_lab_s_colours_pins_and_the_leg_in_view(
    qtbot, main_window
):
    """View > Model with the knee bent: the new window framed the leg as if straight (the
    shank and foot ran off the view), the length colours were off and the muscles pinned
    for comparison were back to the defaults."""
    import math

    window = main_window
    dock = window.mode_docks["motion"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    panel = window.motion.panel
    panel.colour_check.setChecked(True)
    panel.pin("tibialis_anterior")
    pinned = list(panel.pinned)
    window.set_view("lateral")
    window.state.set_pose({"knee": math.radians(120)})
    new = window.reopen()
    qtbot.addWidget(new)
    new.confirm_losing_answers = lambda *_: True
    new.mode_docks["motion"].show()
    new.bring_to_front(new.mode_docks["motion"])
    qtbot.waitUntil(lambda: new.motion.built)
    assert new.motion.panel.colour_check.isChecked()
    assert new.motion.panel.pinned == pinned
    if new.scene is not None:
        assert new.scene.leg_in_view()


def test_a_moment_arm_that_reads_against_the_atlas_is_marked_and_explained(qtbot, panel):
    """Past ~110 degrees the model's gastrocnemius path crosses the knee's axis: the table
    must not simply teach that the gastrocnemius extends the knee."""
    column = panel.shown_ids.index("gastrocnemius")
    row = 1 + panel._arm_keys.index("knee")
    panel.state.set_pose({"knee": math.radians(60)})
    qtbot.waitUntil(lambda: "flexor" in panel.table.item(row, column).text())
    assert "†" not in panel.table.item(row, column).text() and panel.arm_note.isHidden()
    panel.state.set_pose({"knee": math.radians(120)})
    qtbot.waitUntil(lambda: "extensor" in panel.table.item(row, column).text())
    cell = panel.table.item(row, column)
    assert cell.text().endswith("†")
    assert "still acts in knee flexion" in cell.toolTip() and "axis of the knee" in cell.toolTip()
    assert panel.arm_note.isVisible()
    assert panel.arm_note.text().startswith("† Gastrocnemius: in this pose the model's path")
    panel.state.set_pose({})
    qtbot.waitUntil(panel.arm_note.isHidden)


@pytest.mark.parametrize("width", [300, 460])
def test_open_exercise_cards_show_their_whole_text(qtbot, panel, width):
    """The cards' section capped each card at the height it asked for before it was laid
    out: the text stopped mid-sentence ("...The bent") at every panel width."""
    panel.resize(width, 1200)
    section = panel.cards_section
    section.expand()
    qtbot.waitUntil(lambda: all(label.isVisible() for label in panel.card_labels.values()))
    for label in panel.card_labels.values():
        qtbot.waitUntil(lambda lb=label: lb.height() >= lb.heightForWidth(lb.width()))
    section.collapse()
    assert not any(label.isVisible() for label in panel.card_labels.values())


def test_tab_leaves_the_readout_table(qtbot, panel) -> None:
    """Tab went round the table's cells for ever: the buttons and plots after it could not
    be reached from the keyboard."""
    from PySide6.QtCore import Qt

    panel.state.select("gastrocnemius")
    qtbot.waitUntil(lambda: panel.table.columnCount() > 0)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    qtbot.keyClick(panel.table, Qt.Key.Key_Tab)
    assert not panel.table.hasFocus()


@pytest.mark.parametrize("view", ["lateral", "posterior"])
def test_an_action_keeps_the_leg_in_view_all_the_way(qtbot, main_window, view, monkeypatch):
    """The knee's flexion framed the leg again only at its end: from about 22 degrees on only
    the heel (from behind) or the knee (from the side) was left on screen."""
    from types import SimpleNamespace

    from calfexplorer.motion import action, action_frames
    from calfexplorer.ui.motion import panel as motion_panel

    window, scene = main_window, main_window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    window.set_view(view)
    panel = window.motion.panel
    # Every third step of the action posed in turn and checked (five between the poses it is
    # framed for), on the panel's clock moved by the test and ticks driven one by one: on real
    # time an action skips steps to keep its speed, and at load 12 on 2 cores its first tick
    # came after its end (no pose or 2 seen).
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(motion_panel, "time", SimpleNamespace(monotonic=lambda: clock.now))
    frames = action_frames(action("knee_flexion"), panel.pose, fps=motion_panel.FPS)
    steps = [*range(0, len(frames) - 1, 3), len(frames) - 1]
    seen: list[bool] = []
    window.state.pose_changed.connect(lambda *_: seen.append(scene.leg_in_view()))
    panel.play("knee_flexion")
    panel.timer.stop()
    for step in steps:
        clock.now = 1000.0 + (step + 0.5) / motion_panel.FPS
        panel.timer.timeout.emit()
        knee = frames[step].pose.knee
        qtbot.waitUntil(lambda k=knee: window.state.pose.get("knee", 0.0) == k)
    assert panel.playing is None
    assert len(seen) >= len(steps) - 1 and all(seen), (len(seen), seen.count(False))


def test_a_dragged_slider_keeps_the_leg_in_view_and_a_small_move_the_camera(
        qtbot, main_window):
    """A drag showed only the heel until the mouse was let go; framing the slider's whole
    range at the press instead zoomed the view out for a 5 degree move, for good."""
    window, scene = main_window, main_window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    window.set_view("lateral")
    before = scene.camera_pose()
    slider = window.motion.panel.sliders["knee"]
    slider.setSliderDown(True)  # (held by the mouse)
    for value in (5, 40, 80, slider.maximum()):
        slider.setValue(value)
        qtbot.waitUntil(lambda v=value: round(np.degrees(window.state.pose.get("knee", 0))) == v)
        assert scene.leg_in_view(), value
        if value == 5:
            assert np.allclose(scene.camera_pose().position, before.position)
    slider.setSliderDown(False)


def test_a_held_slider_poses_the_leg_only_coarsely_even_where_it_checks_the_view(
        qtbot, main_window, monkeypatch):
    """While a slider is held, a step poses the swept meshes coarsely (their twins draw the
    quick frame; the full meshes follow once it stops). The check every few degrees that the
    leg stays in view read the full meshes, and so posed the whole leg in full as well: ~20 ms
    of the main thread every fifth degree of a drag."""
    from calfexplorer.scene.posing import ModelPoser

    window, scene = main_window, main_window.scene
    open_lab_with(qtbot, window, "gastrocnemius")
    calls: list[bool] = []
    pose = ModelPoser.__call__
    stepping = [False]

    def counted(self, angles, coarse=False, full=()):
        # the poses a step makes: in the worker thread, or here during the step (the full
        # frame once the moves pause, later, poses in full as it should)
        if stepping[0] or threading.current_thread() is not threading.main_thread():
            calls.append(coarse)
        return pose(self, angles, coarse=coarse, full=full)

    monkeypatch.setattr(ModelPoser, "__call__", counted)
    panel = window.motion.panel
    slider = panel.sliders["knee"]
    slider.setSliderDown(True)  # (held by the mouse)
    for value in range(1, 13):
        slider.setValue(value)
        stepping[0] = True
        panel._pose_waiting()  # the held slider's pose, at once (as its timer does it)
        stepping[0] = False
    qtbot.waitUntil(lambda: not scene.posing_behind, timeout=60_000)  # (the newest landed)
    assert calls and all(calls), calls  # (no full pose while held)
    slider.setSliderDown(False)


def test_a_slider_says_the_normal_range_beside_the_model_s(qtbot, main_window):
    """The sliders went to the model's limits (dorsiflexion 30, plantarflexion 40 degrees)
    with nothing saying how far a healthy ankle goes (about 20 and 50)."""
    window = main_window
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    tip = window.motion.panel.sliders["ankle"].toolTip()
    assert "(to 30°): the model's range." in tip
    assert "Normal: dorsiflexion about 20 degrees" in tip and "plantarflexion about 50" in tip


def test_the_wheel_over_a_slider_scrolls_the_panel_until_the_slider_is_chosen(
        qtbot, main_window):
    """Scrolling down the lab with the pointer over the knee slider bent the knee (90 -> 81
    degrees in three notches) and the panel stayed where it was."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    window = main_window
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    slider = window.motion.panel.sliders["knee"]
    slider.setValue(90)
    window.setFocus()

    def wheel() -> None:
        centre = QPointF(slider.rect().center())
        event = QWheelEvent(centre, QPointF(slider.mapToGlobal(centre.toPoint())), QPoint(),
                            QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(slider, event)

    wheel()
    assert slider.value() == 90
    slider.setFocus()
    wheel()
    assert slider.value() != 90


def test_the_plots_titles_fit_in_a_narrow_lab(qtbot, main_window):
    """At 1600 x 1000 the ankle axis read 'Ankle angle (° ; − plantarflexion, + dorsifle' and
    the tabs 'Against ankle ar' behind scroll arrows."""
    window = main_window
    window.resize(1600, 1000)
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built)
    panel = window.motion.panel
    assert [panel.plot_tabs.tabText(i) for i in range(panel.plot_tabs.count())] == [
        "Knee", "Ankle"]
    panel.plot_tabs.setCurrentIndex(1)
    plot = panel.plots["ankle"]
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 150)
    title = plot.getPlotItem().getAxis("bottom").label
    assert title.boundingRect().width() < plot.width() - 58


@pytest.mark.parametrize("typed", ["deep squats", "squatting"])
def test_searching_a_squat_offers_the_motion_lab_s_deep_squat(qtbot, main_window, typed):
    """'deep squat' and 'squats' found no way to the motion lab's Deep squat preset, which
    shows the pose and each muscle's share in it."""
    from calfexplorer.motion.presets import preset
    from calfexplorer.ui.explore.search_box import PRESET_NOTE

    window, box = main_window, main_window.search
    qtbot.keyClicks(box.edit, typed)
    qtbot.waitUntil(lambda: box.results.isVisible() and box.results.count() > 0)
    assert box.result_presets() == ["deep_squat"]
    assert box.results.item(0).text() == f"Deep squat  ({PRESET_NOTE})"  # (first: named so)
    assert {"gluteus_maximus", "adductor_magnus"} <= set(box.result_ids())
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.motion.built)
    wanted = preset("deep_squat").pose
    qtbot.waitUntil(lambda: window.state.pose.get("knee") == pytest.approx(wanted.knee))
    assert window.state.pose.get("ankle") == pytest.approx(wanted.ankle)
    assert window.state.mode == "motion" and window.mode_docks["motion"].isVisible()


def test_presets_are_offered_for_what_they_show_not_for_a_letter(qtbot, main_window):
    """'s' offered the Deep squat; 'calf raise' only the seated one, not the standing heel
    raise whose card shows the standing calf raises."""
    box = main_window.search
    qtbot.keyClicks(box.edit, "s")
    qtbot.waitUntil(lambda: box.results.count() > 0)
    assert box.result_presets() == []
    box.edit.clear()
    qtbot.keyClicks(box.edit, "calf raises")
    qtbot.waitUntil(lambda: box.results.count() > 0)
    assert {"standing_heel_raise", "seated_calf_raise"} <= set(box.result_presets())
