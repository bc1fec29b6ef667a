"""The sural arteries and gastrocnemius veins run inside the gastrocnemius, not on it."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.paths import assets_dir

pytestmark = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)


def _inside(points: np.ndarray, mesh) -> np.ndarray:
    """Which points lie inside a closed mesh."""
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkPolyData
    from vtkmodules.vtkFiltersModeling import vtkSelectEnclosedPoints

    from calfexplorer.scene.polydata import MeshData

    pts = vtkPoints()
    pts.SetData(numpy_to_vtk(np.ascontiguousarray(points, dtype=float), deep=True))
    cloud = vtkPolyData()
    cloud.SetPoints(pts)
    select = vtkSelectEnclosedPoints()
    select.SetInputData(cloud)
    select.SetSurfaceData(MeshData(mesh).polydata)
    select.Update()
    return np.array([select.IsInside(i) for i in range(len(points))], dtype=bool)


@pytest.mark.parametrize("vessel", ["sural_arteries", "gastrocnemius_veins"])
def test_muscular_vessels_of_gastrocnemius_run_inside_its_medial_head(vessel) -> None:
    from calfexplorer.assets import load_assets

    meshes = load_assets().meshes
    vertices = np.asarray(meshes[vessel].vertices, dtype=float)
    inside = _inside(vertices, meshes["gastrocnemius_medial_head"])
    # all but the short stretch from the popliteal vessel between the heads into the muscle
    assert inside.mean() > 0.6, f"{inside.mean():.0%} of {vessel} inside the medial head"
    # a short intramuscular course, not a long vein down the calf (was 20 cm)
    assert np.ptp(vertices[:, 2]) < 0.10
