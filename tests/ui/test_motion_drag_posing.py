"""A held knee slider in the motion lab while its poses take long to make (#12): the window
keeps answering, the angles the slider left meanwhile are never posed or shown, and the leg
shown once it is let go is the final angle's full pose. While held, its frames are drawn
coarser; once let go, the full frame as ever."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from calfexplorer.scene.posing import ModelPoser

from .waiting import open_lab_with, wait_until_quiet

MUSCLE = "gastrocnemius_medial_head"  # (drawn in full in every frame while selected)
#: Longest a pose waits for the test to let it through (a pose made in the window's own
#: thread waits this long, the window frozen meanwhile).
GATE_S = 5.0


def _drawn_points(scene, sid: str) -> np.ndarray:
    """The vertices the structure's own actor draws now (what its last frame showed)."""
    from vtkmodules.util.numpy_support import vtk_to_numpy

    data = scene.actor(sid).GetMapper().GetInput()
    return vtk_to_numpy(data.GetPoints().GetData()).copy()


def test_a_held_slider_s_slow_pose_leaves_the_window_answering_and_shows_only_newer_angles(
        qtbot, main_window, monkeypatch):
    window, scene = main_window, main_window.scene
    open_lab_with(qtbot, window, "gastrocnemius")
    # Each angle's full pose, made apart from the window: what the muscle looks like there.
    expected_poser = ModelPoser(window.assets)
    angles = (0, 10, 20, 30, 40)
    expected = {a: expected_poser({"knee": math.radians(a)}).vertices[MUSCLE] for a in angles}

    gate = threading.Event()
    gate_missed: list[int] = []  # poses that waited for the gate in vain
    asked: list[tuple[int, bool]] = []  # (knee degrees, coarse) of every pose made
    started = threading.Event()
    made = ModelPoser.__call__

    def slow(self, pose, coarse=False, full=()):
        knee = round(math.degrees(pose.get("knee", 0.0)))
        asked.append((knee, coarse))
        started.set()
        if coarse and not gate.wait(GATE_S):
            gate_missed.append(knee)
        return made(self, pose, coarse=coarse, full=full)

    monkeypatch.setattr(ModelPoser, "__call__", slow)
    shown: list[int] = []  # the angle each frame showed the muscle at
    off: list[float] = []  # how far each frame's muscle was from that angle's pose

    def frame_drawn() -> None:
        points = _drawn_points(scene, MUSCLE)
        gaps = {a: float(np.abs(points - v).max()) for a, v in expected.items()}
        best = min(gaps, key=gaps.__getitem__)
        shown.append(best)
        off.append(gaps[best])

    window.viewport.frame_rendered.connect(frame_drawn)
    panel = window.motion.panel
    slider = panel.sliders["knee"]
    slider.setSliderDown(True)  # held by the mouse
    slider.setValue(10)
    qtbot.waitUntil(started.is_set, timeout=60_000)
    # While 10 degrees is being made the hand moves on: the window takes each move.
    for value in (20, 30, 40):
        slider.setValue(value)
        qtbot.waitUntil(
            lambda v=value: panel.slider_labels["knee"].text() == f"Knee: {v}° flexion")
    assert not gate_missed, "the window waited for a pose before taking the slider's moves"
    gate.set()
    qtbot.waitUntil(lambda: bool(shown) and shown[-1] == 40, timeout=60_000)
    slider.setSliderDown(False)  # let go
    qtbot.waitUntil(lambda: not window.viewport.drawing_pending, timeout=60_000)
    wait_until_quiet(qtbot, window)
    window.viewport.frame_rendered.disconnect(frame_drawn)

    assert max(off) < 1e-6, off  # (each frame showed one of these angles, exactly)
    # 20 and 30 degrees, left while 10 was being made, were never posed nor shown
    coarse_asked = [a for a, coarse in asked if coarse]
    assert set(coarse_asked) == {10, 40} and coarse_asked == sorted(coarse_asked), asked
    assert 20 not in shown and 30 not in shown, shown
    assert shown == sorted(shown), shown  # no frame went back to an older angle
    # Let go: the last frame shows 40 degrees' full pose, every swept mesh in full.
    assert asked[-1] == (40, False), asked
    assert shown[-1] == 40
    full = expected_poser({"knee": math.radians(40)})
    for sid in (MUSCLE, "soleus", "tibialis_anterior"):
        assert np.array_equal(_drawn_points(scene, sid), full.vertices[sid]), sid


def _drawn(renderer) -> tuple[int, int]:
    """The triangles and the actors a frame of ``renderer`` draws (visible ones)."""
    from vtkmodules.vtkRenderingCore import vtkActor

    props = renderer.GetViewProps()
    props.InitTraversal()
    total = actors = 0
    for _ in range(props.GetNumberOfItems()):
        prop = props.GetNextProp()
        if isinstance(prop, vtkActor) and prop.GetVisibility() and prop.GetMapper():
            data = prop.GetMapper().GetInput()
            total += 0 if data is None else data.GetNumberOfPolys()
            actors += 1
    return total, actors


def _view_pixels(window) -> np.ndarray:
    """The 3D view's part of the window as shown on screen."""
    viewport = window.viewport
    corner = viewport.mapTo(window, viewport.rect().topLeft())
    image = window.grab_window().toImage()
    image = image.convertToFormat(image.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    pixels = rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    return pixels[corner.y(): corner.y() + viewport.height(),
                  corner.x(): corner.x() + viewport.width()].copy()


def test_a_held_slider_draws_coarser_frames_and_its_release_the_full_frame(
        qtbot, main_window):
    window, scene = main_window, main_window.scene
    viewport = window.viewport
    open_lab_with(qtbot, window, "gastrocnemius")
    drawn: list[tuple[int, int, int]] = []  # each frame: the 3D scene's width, triangles
    # and actors drawn

    def frame_starts(*_: object) -> None:  # (after the frame's stand-ins are swapped in)
        drawn.append((scene.renderer.GetSize()[0], *_drawn(scene.renderer)))

    tag = scene.renderer.AddObserver("StartEvent", frame_starts, -10.0)
    width = scene.render_window.GetSize()[0]
    slider = window.motion.panel.sliders["knee"]
    try:
        slider.setValue(5)  # a key's move: a quick frame at once, then the full one
        qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=60_000)
        wait_until_quiet(qtbot, window)
        quick = [d for d in drawn if d[0] < width]
        assert quick, drawn
        _, still_triangles, still_actors = quick[0]
        drawn.clear()
        slider.setSliderDown(True)  # held by the mouse, moved a degree at a time
        for value in range(6, 31):
            frames = viewport.frames_rendered
            slider.setValue(value)
            qtbot.waitUntil(lambda f=frames: viewport.frames_rendered > f, timeout=60_000)
        held = [d for d in drawn if d[0] < width]  # (a pause long enough draws a full one)
        drawn.clear()
        slider.setSliderDown(False)  # let go
        qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=60_000)
        wait_until_quiet(qtbot, window)
        released = list(drawn)
    finally:
        scene.renderer.RemoveObserver(tag)
    # While held: the 3D scene drawn at about a third of the view's width (a quick frame of
    # a still pose: half), the faded rest around the muscle in fewer triangles.
    assert held, drawn
    assert all(w <= round(width * 0.35) + 1 for w, _, _ in held), (width, held)
    assert held[-1][1] < 0.7 * still_triangles, (held[-1], still_triangles)
    # Let go: the last frame is the full one, at the view's resolution, every structure drawn
    # by its own actor (a still pose's quick frame draws the faded rest merged, in as many
    # triangles): the same picture as a full frame of that pose drawn again.
    assert released and released[-1][0] == width, released
    assert released[-1][1] >= still_triangles, (released, still_triangles)
    assert released[-1][2] > still_actors, (released, still_actors)
    assert window.state.pose["knee"] == pytest.approx(math.radians(30))
    shown = _view_pixels(window)
    frames = viewport.frames_rendered
    scene.render()
    qtbot.waitUntil(lambda: viewport.frames_rendered > frames, timeout=60_000)
    wait_until_quiet(qtbot, window)
    assert np.array_equal(_view_pixels(window), shown)
