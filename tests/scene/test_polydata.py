"""MeshData shares the loaded meshes' read-only arrays with VTK and copies them only when it
moves them: posing never changes the rest mesh, and a caller's writable arrays are not drawn
through (changing them later does not change what is drawn)."""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy

from calfexplorer.geometry.mesh import Mesh
from calfexplorer.scene.polydata import MeshData


def _tetra(read_only: bool) -> Mesh:
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.int32)
    mesh = Mesh(v, f)
    for a in (mesh.vertices, mesh.faces, mesh.normals):
        a.flags.writeable = not read_only
    return mesh


def _drawn(data: MeshData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pd = data.polydata
    cells = vtk_to_numpy(pd.GetPolys().GetConnectivityArray()).reshape(-1, 3)
    return (vtk_to_numpy(pd.GetPoints().GetData()), cells,
            vtk_to_numpy(pd.GetPointData().GetNormals()))


def test_a_loaded_mesh_is_drawn_from_its_own_arrays_until_posed() -> None:
    mesh = _tetra(read_only=True)
    rest = mesh.vertices.copy()
    data = MeshData(mesh)
    points, cells, normals = _drawn(data)
    assert np.shares_memory(points, mesh.vertices) and np.shares_memory(cells, mesh.faces)
    assert np.shares_memory(normals, mesh.normals)
    assert data.polydata.GetNumberOfCells() == 4
    data.set_vertices(rest * 2)
    points, _, normals = _drawn(data)
    assert np.allclose(points, rest * 2) and not np.shares_memory(points, mesh.vertices)
    assert np.array_equal(mesh.vertices, rest)  # the rest mesh is unchanged
    assert np.allclose(np.linalg.norm(normals, axis=1), 1, atol=1e-5)


def test_a_writable_mesh_is_copied() -> None:
    mesh = _tetra(read_only=False)
    data = MeshData(mesh)
    mesh.vertices[:] = 5
    mesh.faces[:] = 0
    points, cells, _ = _drawn(data)
    assert not (points == 5).all() and cells.max() == 3


def test_a_mesh_box_follows_its_vertices() -> None:
    """The box a pick tests first is the vertices' own, kept until they move."""
    data = MeshData(_tetra(False))
    assert np.array_equal(data.box, [data.vertices.min(axis=0), data.vertices.max(axis=0)])
    moved = data.vertices + np.float32(0.5)
    data.set_vertices(moved)
    assert np.allclose(data.box, [moved.min(axis=0), moved.max(axis=0)])


def test_placed_boxes_are_bounded_as_vtk_bounds_placed_actors() -> None:
    """A pick's boxes, placed in numpy, are the bounds VTK gives the same placed actors."""
    from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

    from calfexplorer.scene.actors import place_actor
    from calfexplorer.scene.picking import world_boxes

    rng = np.random.default_rng(3)
    datas, transforms, expected = [], [], []
    for k in range(4):
        data = MeshData(_tetra(False))
        data.set_vertices(data.vertices * np.float32(1 + k) + rng.normal(size=3).astype("f4"))
        q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        transform = None if k == 0 else np.eye(4)
        if transform is not None:
            transform[:3, :3], transform[:3, 3] = q, rng.normal(size=3)
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(data.polydata)
        actor = vtkActor()
        actor.SetMapper(mapper)
        place_actor(actor, transform)
        datas.append(data)
        transforms.append(transform)
        expected.append(actor.GetBounds())
    boxes = world_boxes(np.array([d.box for d in datas]), transforms)
    assert np.allclose(boxes, expected, rtol=0, atol=1e-9)
