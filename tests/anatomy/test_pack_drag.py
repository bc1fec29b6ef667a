"""A knee drag in the motion lab with the BodyParts3D leg: the pack's coarse twins are drawn and
follow each step; letting go draws the full meshes in the full pose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calfexplorer.anatomy.twins import follow_matrix

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
    reason="window tests need a display: run them under Xvfb (scripts/dev.sh test does)",
)

HEAD = "gastrocnemius_medial_head"


@pytest.fixture()
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_pack: Path) -> Path:
    """The session's pack installed in a temporary user's anatomy folder."""
    monkeypatch.setenv("CALFEXPLORER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFEXPLORER_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(tmp_path / "anatomy"))
    shutil.copytree(built_pack, tmp_path / "anatomy" / "bodyparts3d")
    return tmp_path / "anatomy" / "bodyparts3d"


def _off_surface_mm(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray) -> float:
    """Largest distance (mm) from ``points`` to the mesh (its nearest triangles)."""
    near = follow_matrix(points, vertices, faces) @ vertices.astype(np.float64)
    return float(np.linalg.norm(near - points, axis=1).max()) * 1000


def _knee_degrees(window: Any) -> int:
    return round(np.degrees(window.state.pose.get("knee", 0.0)))


def test_a_knee_drag_draws_the_pack_twins_moving_then_the_full_pose(
        qtbot: Any, installed: Path) -> None:
    from calfexplorer.anatomy.leg_poser import PackLegPoser
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    scene, viewport = window.scene, window.viewport
    window.mode_docks["motion"].show()
    qtbot.waitUntil(lambda: window.motion.built and scene.posing_ready, timeout=60_000)
    rest = scene.coarse_vertices(HEAD)
    assert rest is not None and len(rest) < len(scene.world_vertices(HEAD)) / 2
    rest = rest.copy()
    poser = PackLegPoser(window.assets)
    faces = window.assets.meshes[HEAD].faces
    slider = window.motion.panel.sliders["knee"]
    # what each frame shown drew coarse, taken as it is shown (hidden warm-up frames follow)
    shown: list[list[str]] = []
    viewport.frame_rendered.connect(lambda: shown.append(scene.drawn_coarse))
    slider.setSliderDown(True)  # as while the mouse holds the handle
    for value in (15, 30, 45, 60):
        shown.clear()
        slider.setValue(value)
        # the step drew the twin (a quick frame; a full-quality one may come first)...
        qtbot.waitUntil(lambda: any(HEAD in drawn for drawn in shown), timeout=20_000)
        assert _knee_degrees(window) == value
        twin = scene.coarse_vertices(HEAD)
        full = poser(window.state.pose).vertices[HEAD]
        assert _off_surface_mm(twin, full, faces) < 5.0  # ...on the posed muscle
    assert float(np.abs(twin - rest).max()) > 0.02  # the head follows the femur and tibia
    slider.setSliderDown(False)
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20_000)
    assert scene.drawn_coarse == []  # the full frame
    expected = poser(window.state.pose).vertices[HEAD]
    np.testing.assert_allclose(scene.world_vertices(HEAD), expected, atol=1e-6)
    assert _off_surface_mm(scene.coarse_vertices(HEAD), expected, faces) < 5.0  # follows too
    window.close()
