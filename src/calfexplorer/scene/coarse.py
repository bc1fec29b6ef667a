"""Coarse twins of the scene's meshes, drawn where surface detail cannot be seen anyway.

A see-through ("ghosted") structure around a selection shows its outline and little else, yet
software OpenGL pays for every one of its triangles in every frame. So each mesh with enough
triangles gets a twin with about a quarter of them:

* a swept structure (a tube of ``stations x ring`` vertices plus two cap centres, or one
  split into slips towards its end) keeps every other station and every other ring vertex,
  its faces carried onto them; a pose moves the twin by picking its vertices out of the full
  mesh's new ones (``CoarseMesh.index``);
* any other mesh (a bone) is decimated once and moves rigidly with the full mesh.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from calfexplorer.geometry.mesh import vertex_normals

if TYPE_CHECKING:
    from vtkmodules.vtkCommonDataModel import vtkPolyData

#: Meshes with fewer triangles than this are drawn as they are.
MIN_FACES = 400
#: Share of a decimated mesh's triangles that goes.
DECIMATION = 0.75


@dataclass
class CoarseMesh:
    """A coarse copy of a mesh: ``index[i]`` is the full mesh's vertex that twin vertex ``i``
    copies, or None when the twin was decimated (then it can only move rigidly)."""

    vertices: np.ndarray
    faces: np.ndarray
    normals: np.ndarray
    belly: np.ndarray | None
    index: np.ndarray | None


def tube_shape(n_vertices: int, faces: np.ndarray) -> tuple[int, int] | None:
    """``(stations, ring)`` when the faces are exactly those of a swept tube (not split into
    slips: :func:`calfexplorer.geometry.sweep.sweep_layout` finds the layout), else None."""
    from calfexplorer.geometry import sweep  # (pulls in YAML: kept off the start-up path)

    shape = sweep.sweep_layout(n_vertices, faces)
    if shape is None or not np.array_equal(faces, sweep.tube_faces(*shape)):
        return None
    return shape


def coarse_tube(
    vertices: np.ndarray,
    normals: np.ndarray,
    belly: np.ndarray | None,
    stations: int,
    ring: int,
    faces: np.ndarray | None = None,
) -> CoarseMesh | None:
    """Every other station (and the last) and every other ring vertex of a swept tube;
    ``faces``: the mesh's own (a tube split into slips), carried onto those vertices
    (:func:`calfexplorer.geometry.sweep.coarse_faces`) in place of the tube's."""
    from calfexplorer.geometry import sweep

    thinned = sweep.coarse_tube(stations, ring)
    if thinned is None:
        return None
    index, tube = thinned
    carried = None if faces is None else sweep.coarse_faces(faces, stations, ring)
    faces = tube if carried is None else carried
    return CoarseMesh(
        vertices[index],  # (indexing with an array already copies)
        faces,
        normals[index],
        None if belly is None else belly[index],
        index.astype(np.int32),  # (kept for every twin: half the bytes of int64)
    )


def decimated(vertices: np.ndarray, faces: np.ndarray,
              belly: np.ndarray | None = None) -> CoarseMesh | None:
    """The mesh with :data:`DECIMATION` of its triangles collapsed (quadric error metric);
    ``belly`` (a muscle's belly to tendon) taken from each new vertex's nearest old one."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkFiltersCore import vtkQuadricDecimation

    from calfexplorer.scene.polydata import MeshData

    # kept in a variable: its polydata points at numpy arrays the MeshData owns
    source = MeshData(SimpleNamespace(vertices=vertices, faces=faces, normals=None))
    decimate = vtkQuadricDecimation()
    decimate.SetInputData(source.polydata)
    decimate.SetTargetReduction(DECIMATION)
    decimate.VolumePreservationOn()
    decimate.Update()
    out = decimate.GetOutput()
    if out.GetNumberOfPolys() < 4:
        return None
    verts = vtk_to_numpy(out.GetPoints().GetData()).astype(np.float32)
    conn = vtk_to_numpy(out.GetPolys().GetConnectivityArray()).reshape(-1, 3).astype(np.int64)
    if belly is not None:  # (a muscle's tendon slips: its twin still shades belly to tendon)
        belly = belly[_nearest(source.polydata, verts)]
    return CoarseMesh(verts, conn, vertex_normals(verts, conn), belly, None)


def _nearest(points: vtkPolyData, queries: np.ndarray) -> np.ndarray:
    """Index of each query's nearest point. With VTK's locator, not SciPy's k-d tree: the
    window imports SciPy for no other reason at start (~36 MiB resident, ~0.5 s)."""
    from vtkmodules.vtkCommonDataModel import vtkStaticPointLocator

    locator = vtkStaticPointLocator()
    locator.SetDataSet(points)
    locator.BuildLocator()
    return np.fromiter((locator.FindClosestPoint(q) for q in queries.tolist()), np.int64,
                       len(queries))


def coarse_mesh(
    vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray, belly: np.ndarray | None
) -> CoarseMesh | None:
    """The coarse twin of a mesh, or None where the mesh is small enough as it is."""
    if len(faces) < MIN_FACES:
        return None
    from calfexplorer.geometry import sweep

    shape = sweep.sweep_layout(len(vertices), faces)
    if shape is not None:  # (a tube, or one split into slips: its twin follows its poses)
        twin = coarse_tube(vertices, normals, belly, *shape, faces=faces)
        if twin is not None:
            return twin
    return decimated(vertices, faces, belly)
