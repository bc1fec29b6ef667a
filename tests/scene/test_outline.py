"""The selection's outline: the silhouette of its meshes as the camera sees them, traced again
after a new pose or camera."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import trimesh
from vtkmodules.vtkRenderingCore import vtkRenderer

from calfexplorer.scene.outline import Outline
from calfexplorer.scene.polydata import MeshData

RADIUS = 0.05


def _sphere(centre: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> MeshData:
    ball = trimesh.creation.icosphere(subdivisions=4, radius=RADIUS)
    return MeshData(SimpleNamespace(vertices=ball.vertices + centre, faces=ball.faces))


def _outline_points(outline: Outline) -> np.ndarray:
    return np.array(outline.actor.GetMapper().GetInput().GetPoints().GetData(), dtype=float)


@pytest.fixture
def renderer() -> vtkRenderer:
    renderer = vtkRenderer()
    camera = renderer.GetActiveCamera()
    camera.SetFocalPoint(0.0, 0.0, 0.0)
    camera.SetPosition(0.0, -1.0, 0.0)  # looking along +y
    camera.SetViewUp(0.0, 0.0, 1.0)
    return renderer


def test_the_outline_is_the_rim_the_camera_sees(renderer: vtkRenderer) -> None:
    outline = Outline(renderer)
    outline.around([_sphere()])
    points = _outline_points(outline)
    assert outline.actor.GetVisibility() and len(points) > 50
    # a sphere seen from 1 m has its rim where the sight lines touch it: at y = r^2 / d
    # (towards the eye), r * sqrt(1 - r^2 / d^2) from the line of sight
    rim = RADIUS * np.sqrt(1 - RADIUS**2)
    assert np.hypot(points[:, 0], points[:, 2]) == pytest.approx(rim, rel=0.02)
    assert points[:, 1] == pytest.approx(-(RADIUS**2), abs=0.004)
    # all around it: every direction about the line of sight has rim points
    angles = np.arctan2(points[:, 2], points[:, 0])
    assert len(np.unique(np.floor((angles + np.pi) / (np.pi / 8)))) == 16


def test_a_new_camera_or_pose_traces_it_again_before_the_frame(renderer: vtkRenderer) -> None:
    outline = Outline(renderer)
    ball = _sphere()
    outline.around([ball])
    renderer.GetActiveCamera().SetPosition(1.0, 0.0, 0.0)  # now looking along -x
    renderer.InvokeEvent("StartEvent")  # as a render begins
    points = _outline_points(outline)
    assert np.abs(points[:, 0]).max() < 0.01  # the rim now lies across the x axis
    ball.set_vertices(ball.vertices + np.float32([0.0, 0.0, 0.2]))  # posed 20 cm up
    renderer.InvokeEvent("StartEvent")
    assert _outline_points(outline)[:, 2].mean() == pytest.approx(0.2, abs=0.005)
    shift = np.eye(4)
    shift[1, 3] = 0.3  # and a rigid placement moves it again
    ball.set_transform(shift)
    renderer.InvokeEvent("StartEvent")
    assert _outline_points(outline)[:, 1].mean() == pytest.approx(0.3, abs=0.005)


def test_an_open_border_is_always_drawn_and_no_meshes_hide_it(renderer: vtkRenderer) -> None:
    outline = Outline(renderer)
    ball = trimesh.creation.icosphere(subdivisions=3, radius=RADIUS)
    cap = ball.faces[ball.triangles_center[:, 1] < -0.03]  # the cap facing the camera
    outline.around([MeshData(SimpleNamespace(vertices=ball.vertices, faces=cap))])
    points = _outline_points(outline)
    # the cap faces the camera whole: its only outline is its open edge
    assert len(points) > 0 and np.all(points[:, 1] < -0.02)
    outline.around([])
    assert not outline.actor.GetVisibility()
    assert len(_outline_points(outline)) == 0


def test_a_mesh_outlined_again_is_traced_for_the_camera_and_pose_of_now(
    renderer: vtkRenderer,
) -> None:
    """A silhouette is kept for the next time its mesh is outlined (a click's selection was
    outlined for its frame drawn ahead, then the hover's outline came back), but only for the
    camera and the pose it was traced for."""
    outline = Outline(renderer)
    ball, other = _sphere(), _sphere((0.5, 0.0, 0.0))

    def back_to_ball() -> np.ndarray:
        outline.around([other])
        outline.around([ball])
        return _outline_points(outline)

    outline.around([ball])
    assert np.array_equal(back_to_ball(), _outline_points(outline))
    renderer.GetActiveCamera().SetPosition(1.0, 0.0, 0.0)  # now looking along -x
    assert np.abs(back_to_ball()[:, 0]).max() < 0.01  # the rim across the x axis
    ball.set_vertices(ball.vertices + np.float32([0.0, 0.0, 0.2]))  # posed 20 cm up
    assert back_to_ball()[:, 2].mean() == pytest.approx(0.2, abs=0.005)
    shift = np.eye(4)
    shift[1, 3] = 0.3
    ball.set_transform(shift)
    assert back_to_ball()[:, 1].mean() == pytest.approx(0.3, abs=0.005)
