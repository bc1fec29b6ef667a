"""Framing in the window: a structure chosen elsewhere than in the 3D view comes into view; a
motion preset and a narrower view keep the leg framed."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt


@pytest.mark.parametrize("size", [(1600, 1000), (1024, 700)])
def test_choosing_the_sciatic_nerve_in_search_brings_it_into_view(qtbot, main_window, size):
    window, scene = main_window, main_window.scene
    window.resize(*size)
    qtbot.waitUntil(lambda: window.viewport.width() > 0 and window.size().width() == size[0])
    window.set_view("posterior")  # frames the leg: the thigh and its nerve are mostly above
    assert scene.share_on_screen("sciatic_nerve") < 0.5
    qtbot.keyClicks(window.search.edit, "sciatic")
    qtbot.waitUntil(lambda: "sciatic_nerve" in window.search.result_ids())
    window.search.chosen.emit("sciatic_nerve")  # the user picks the result
    assert window.state.selected == "sciatic_nerve"
    # (the move draws a frame a step: 5 s ran out at load 8-12)
    qtbot.waitUntil(lambda: scene.share_on_screen("sciatic_nerve") > 0.95, timeout=60000)


def test_a_space_chosen_in_search_below_a_zoomed_view_comes_into_view(qtbot, main_window):
    """The camera zoomed on the calf: the tarsal tunnel (at the ankle) is below the view while
    most of its tendons, nerve and vessels (running up the calf) are in it. Chosen in search,
    the tunnel is framed as a muscle below the view is (the camera stayed: the new-user walk)."""
    window, scene = main_window, main_window.scene
    window.set_view("posterior")
    scene.focus("soleus", duration=0)
    scene.camera.Dolly(1.3)
    scene.renderer.ResetCameraClippingRange()
    scene.render()
    assert _in_view(scene, "tarsal_tunnel") < 0.2
    window.search.chosen.emit("tarsal_tunnel")  # the user picks the result
    assert window.state.selected == "tarsal_tunnel"
    # (the move draws a frame a step: seconds on a loaded machine)
    qtbot.waitUntil(lambda: _in_view(scene, "tarsal_tunnel") > 0.95, timeout=60000)


def _in_view(scene, sid: str) -> float:
    """Share of a structure's own surface projected inside the view."""
    width, height = scene.render_window.GetSize()
    xy = [scene.world_to_display(p) for p in scene.world_vertices(sid)[::5]]
    return sum(0 <= x <= width and 0 <= y <= height for x, y in xy) / len(xy)


def _camera_moves(monkeypatch, viewport) -> list:
    """Record the camera moves the window starts (instead of starting them)."""
    moves: list = []
    monkeypatch.setattr(viewport, "animate_focus", lambda sid=None: moves.append(sid))
    return moves


def test_a_selection_already_in_view_keeps_the_camera(qtbot, main_window, monkeypatch):
    window, scene = main_window, main_window.scene
    window.set_view("posterior")
    assert scene.share_on_screen("soleus") > 0.9
    moves = _camera_moves(monkeypatch, window.viewport)
    window.search.chosen.emit("soleus")
    assert window.state.selected == "soleus"
    assert moves == []


def test_an_attachment_link_to_the_far_side_turns_the_camera_to_it(qtbot, main_window):
    """Tibialis anterior's origin on the lateral condyle of the tibia, followed from its page
    while the leg was seen from behind: the site lay on the far side (its label said so) and
    the camera stayed."""
    from calfexplorer.scene.site_view import share_in_sight

    window, scene = main_window, main_window.scene
    window.set_view("posterior")
    window.select("tibialis_anterior")
    site = "tibialis_anterior:origin:lateral_condyle_of_tibia"
    assert share_in_sight(scene, site) < 0.1
    window.info.link_activated.emit(site)  # the user clicks the origin's link
    assert window.state.selected == site
    assert scene.view == "lateral" and share_in_sight(scene, site) > 0.5
    assert window.view_actions["lateral"].isChecked()


def test_a_click_in_the_view_never_moves_the_camera(qtbot, main_window, monkeypatch):
    window, scene, viewport = main_window, main_window.scene, main_window.viewport
    window.set_view("posterior")
    scene.focus("gastrocnemius_medial_head", duration=0)
    scene.camera.Dolly(4.0)  # so close that most of the muscle is off screen
    scene.renderer.ResetCameraClippingRange()
    scene.render()
    assert scene.share_on_screen("gastrocnemius_medial_head") < 0.5
    point = scene.visible_point("gastrocnemius_medial_head")
    assert point is not None
    moves = _camera_moves(monkeypatch, viewport)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=viewport.widget_point(*point))
    qtbot.waitUntil(lambda: window.state.selected == "gastrocnemius_medial_head")
    assert moves == []


def _direction(scene) -> tuple[float, float, float]:
    camera = scene.camera
    ahead = [f - p for f, p in zip(camera.GetFocalPoint(), camera.GetPosition(), strict=True)]
    norm = sum(a * a for a in ahead) ** 0.5
    return tuple(a / norm for a in ahead)


def test_a_view_chosen_while_the_camera_moves_to_a_selection_is_kept(qtbot, main_window):
    """Choosing a structure off screen starts a short camera move; pressing a view button
    before it ends leaves the camera on that view (the move does not carry on over it)."""
    window, scene, viewport = main_window, main_window.scene, main_window.viewport
    window.set_view("posterior")
    assert scene.share_on_screen("sciatic_nerve") < 0.5
    window.search.chosen.emit("sciatic_nerve")
    assert viewport.animating
    window.set_view("medial")
    assert not viewport.animating
    for _ in range(40):  # the animation timer's ticks, longer than the move would run
        viewport._step_animation()
    assert _direction(scene) == pytest.approx((-1.0, 0.0, 0.0), abs=1e-6)  # looking from medial


def test_a_motion_preset_chosen_while_the_camera_moves_frames_the_posed_leg(
    qtbot, main_window
):
    """The lab's preset frames the leg as posed (a seated calf raise lays the leg across the
    view); a focus move still running then stops instead of carrying the camera off it."""
    window, scene, viewport = main_window, main_window.scene, main_window.viewport
    window.set_view("medial")
    window.mode_docks["motion"].show()
    panel = window.motion.panel
    qtbot.waitUntil(panel.isVisible)
    window.search.chosen.emit("sciatic_nerve")  # off screen: the camera starts to move
    assert viewport.animating
    panel.apply_preset("seated_calf_raise")
    assert not viewport.animating
    for _ in range(40):  # the animation timer's ticks, longer than the move would run
        viewport._step_animation()
    assert scene.leg_in_view()
    assert _direction(scene) == pytest.approx((-1.0, 0.0, 0.0), abs=1e-6)  # still medial


def test_a_drag_in_the_view_stops_the_camera_move(qtbot, main_window):
    window, viewport = main_window, main_window.viewport
    window.set_view("posterior")
    window.search.chosen.emit("sciatic_nerve")
    assert viewport.animating
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=viewport.rect().center())
    assert not viewport.animating
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=viewport.rect().center())


def test_narrowing_the_view_keeps_a_framed_leg_wholly_in_view(qtbot, main_window):
    """A bent leg lies across the view; narrowing the window (or opening a panel beside the
    view) would crop its ends: the leg is framed again. A leg zoomed into stays as it is."""
    window, scene, viewport = main_window, main_window.scene, main_window.viewport
    window.state.set_pose({"knee": math.radians(90.0)})
    window.set_view("medial")
    assert scene.leg_in_view()
    width = viewport.width()
    window.resize(window.width() - 350, window.height())
    qtbot.waitUntil(lambda: viewport.width() < width - 200)
    assert scene.leg_in_view()
    assert _direction(scene) == pytest.approx((-1.0, 0.0, 0.0), abs=1e-6)  # still medial

    scene.camera.Dolly(3.0)  # the user zooms in: the leg no longer wholly in view
    scene.set_camera_pose(scene.camera_pose())
    zoomed = scene.camera_pose()
    assert not scene.leg_in_view()
    width = viewport.width()
    window.resize(window.width() + 300, window.height())
    qtbot.waitUntil(lambda: viewport.width() > width + 150)
    assert scene.camera_pose().position == pytest.approx(zoomed.position)
