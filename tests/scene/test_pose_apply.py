"""PoseApplier: a pose that reached the swept meshes only coarsely (a drag's quick frame) poses
them in full when one of them is read, and only then: a bone, placed rigidly by every pose, is
read as it is (a drag's check that the leg is in view posed the whole leg in full every 5
degrees, ~20-30 ms on the main thread)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor

from calfexplorer.geometry.deform import PosedMeshes
from calfexplorer.geometry.mesh import Mesh
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.pose_apply import PoseApplier

_V = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
_F = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.int32)


class _StandIns:
    """What PoseApplier asks of the scene's stand-ins: a twin for the muscle that follows poses."""

    pending = False
    twins = {"muscle": object()}

    def __init__(self) -> None:
        self.coarse: list[dict[str, np.ndarray]] = []

    def follows_pose(self, sid: str) -> bool:
        return sid in self.twins

    def take_coarse_pose(self, vertices: dict[str, np.ndarray], _normals: Any) -> None:
        self.coarse.append(vertices)

    def follow(self, *_args: Any) -> None:
        pass


class _Poser:
    """Moves the bone rigidly and the muscle's vertices by the knee angle; records each call's
    ``coarse``."""

    supports_coarse = True

    def __init__(self) -> None:
        self.calls: list[bool] = []

    def __call__(self, pose: dict[str, float], coarse: bool = False,
                 full: tuple[str, ...] = ()) -> PosedMeshes:
        self.calls.append(coarse)
        shift = np.eye(4)
        shift[0, 3] = pose["knee"]
        moved = _V + np.float32(pose["knee"])
        return PosedMeshes({"bone": shift}, {"muscle": moved}, {},
                           frozenset({"muscle"}) if coarse else frozenset())


def _applier() -> tuple[PoseApplier, _Poser]:
    data = {sid: MeshData(Mesh(_V.copy(), _F.copy())) for sid in ("bone", "muscle")}
    actors = {sid: vtkActor() for sid in data}
    applier = PoseApplier(data, actors, _StandIns(), SimpleNamespace(), lambda *_: None)
    poser = _Poser()
    applier.poser = poser
    return applier, poser


def test_reading_a_rigid_mesh_after_a_coarse_pose_poses_nothing_in_full() -> None:
    applier, poser = _applier()
    applier.pose({"knee": 0.5}, coarse_first=True, full=set())
    assert poser.calls == [True] and applier.stale == {"muscle"}
    meshes = applier.meshes
    low, _high = meshes["bone"].bounds()  # placed by the pose already
    assert np.allclose(low, [0.5, 0, 0])
    assert "muscle" in meshes and len(meshes) == 2 and set(meshes) == {"bone", "muscle"}
    assert poser.calls == [True] and applier.stale == {"muscle"}


def test_reading_a_mesh_behind_the_pose_brings_it_to_the_pose_first() -> None:
    applier, poser = _applier()
    applier.pose({"knee": 0.5}, coarse_first=True, full=set())
    assert np.allclose(applier.meshes["muscle"].vertices, _V + 0.5)
    assert poser.calls == [True, False] and not applier.stale
    assert np.allclose(applier.meshes.get("muscle").vertices, _V + 0.5)  # once only
    assert [d.vertices.min() for d in applier.meshes.values()] == [0.0, 0.5]
    assert poser.calls == [True, False]
