"""Numpy meshes to VTK polydata and back, with in-place vertex updates for posing.

A posed mesh either has new vertices (swept muscles, nerves, vessels) or keeps its rest vertices
and gains a rigid 4x4 ``transform`` (bones, attachment patches) that the viewer applies to the
actor; ``centroid``, ``bounds`` and ``world_vertices`` always answer in world coordinates.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import VTK_TYPE_INT32, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData

from calfexplorer.geometry.mesh import vertex_normals
from calfexplorer.geometry.patches import drawn_patch
from calfexplorer.geometry.vec3 import times_transposed

_OFFSETS = np.zeros(1, np.int32)


def _triangle_offsets(n: int) -> np.ndarray:
    """Cell offsets of ``n`` triangles (0, 3, ..., 3n): a read-only view of one array that
    every mesh shares."""
    global _OFFSETS
    if len(_OFFSETS) <= n:
        _OFFSETS = np.arange(0, 3 * (2 * n + 1) + 1, 3, dtype=np.int32)
        _OFFSETS.flags.writeable = False
    return _OFFSETS[: n + 1]


def triangle_cells(faces: np.ndarray) -> tuple[vtkCellArray, tuple[Any, Any]]:
    """VTK triangles with 32-bit cells that share ``faces`` (int32, contiguous) and the offsets
    every mesh shares, and the two VTK arrays, which must be kept as long as the cells."""
    arrays = (numpy_to_vtk(_triangle_offsets(len(faces)), deep=False, array_type=VTK_TYPE_INT32),
              numpy_to_vtk(faces.ravel(), deep=False, array_type=VTK_TYPE_INT32))
    cells = vtkCellArray()
    if not cells.SetData(*arrays):
        raise ValueError("VTK refused the mesh's triangles")
    return cells, arrays


def _kept(given: Any, arr: np.ndarray, owned: bool) -> np.ndarray:
    """``arr`` (``given`` as float32, contiguous) as MeshData keeps it: a read-only array is
    shared (nothing can change it; :meth:`MeshData._writable` copies it before the first
    write), a converted one is already a copy, a writable one is copied (its owner may change
    it) unless ``owned`` (handed over: held nowhere else)."""
    if owned or arr is not given or not arr.flags.writeable:
        return arr
    return arr.copy()


def as_drawn_patch(mesh: Any) -> Any:
    """An attachment patch's mesh as the scene draws it (see
    :func:`calfexplorer.geometry.patches.drawn_patch`): its vertices, its outer faces and
    the bone's normals under them."""
    vertices = np.asarray(mesh.vertices)
    normals = getattr(mesh, "normals", None)
    if normals is None or np.shape(normals) != vertices.shape:
        normals = vertex_normals(vertices, np.asarray(mesh.faces))
    faces, normals = drawn_patch(vertices, np.asarray(mesh.faces), normals)
    return SimpleNamespace(vertices=mesh.vertices, faces=faces, normals=normals)


class MeshData:
    """A VTK polydata whose points, normals and triangles are views of numpy arrays kept alive
    here; read-only vertices and normals (the loaded meshes') are shared until first moved.
    ``owned``: the mesh's vertices and normals are handed over (made for this MeshData alone,
    as the stand-ins' merged and coarse meshes are) and kept without a copy. ``draw_normals``:
    hand VTK the normals (False for a mesh drawn unlit: nothing would read them there)."""

    def __init__(self, mesh: Any, *, owned: bool = False, draw_normals: bool = True) -> None:
        vertices = np.ascontiguousarray(mesh.vertices, dtype=np.float32)
        faces = np.ascontiguousarray(mesh.faces, dtype=np.int32)
        if vertices.ndim != 2 or vertices.shape[1] != 3 or len(vertices) == 0:
            raise ValueError(f"vertices must be a non-empty (n, 3) array, got {vertices.shape}")
        if faces.ndim != 2 or faces.shape[1] != 3 or len(faces) == 0:
            raise ValueError(f"faces must be a non-empty (m, 3) array, got {faces.shape}")
        if faces.min() < 0 or faces.max() >= len(vertices):
            raise ValueError("faces refer to vertices that do not exist")
        normals = getattr(mesh, "normals", None)
        if normals is None or np.shape(normals) != vertices.shape:
            normals = vertex_normals(vertices, faces)
        belly = getattr(mesh, "belly", None)
        self.belly: np.ndarray | None = None
        if belly is not None and np.shape(belly) == (len(vertices),):
            self.belly = np.asarray(belly, dtype=np.float32)
        self.vertices = _kept(mesh.vertices, vertices, owned)
        self.faces = faces
        self.normals = _kept(normals, np.ascontiguousarray(normals, dtype=np.float32), owned)

        points = vtkPoints()
        points.SetData(numpy_to_vtk(self.vertices, deep=False))
        if faces is mesh.faces and faces.flags.writeable:  # the caller may change it
            self.faces = faces = faces.copy()
        # cells that share self.faces (the loaded meshes' read-only int32 faces)
        cells, self._cell_arrays = triangle_cells(faces)
        self.polydata = vtkPolyData()
        self.polydata.SetPoints(points)
        self.polydata.SetPolys(cells)
        self.draw_normals = draw_normals
        self._set_normals_array()
        self._centroid_cache: np.ndarray | None = None
        self._box_cache: np.ndarray | None = None
        self.transform: np.ndarray | None = None
        self.normals_exact = True

    def _set_normals_array(self) -> None:
        if not self.draw_normals:
            return
        vtk_normals = numpy_to_vtk(self.normals, deep=False)
        vtk_normals.SetName("Normals")
        self.polydata.GetPointData().SetNormals(vtk_normals)

    def _writable(self) -> None:
        """Own copies of shared (read-only) vertices and normals, before they are changed."""
        if not self.vertices.flags.writeable:
            self.vertices = self.vertices.copy()
            self.polydata.GetPoints().SetData(numpy_to_vtk(self.vertices, deep=False))
        if not self.normals.flags.writeable:
            self.normals = self.normals.copy()
            self._set_normals_array()

    @property
    def centroid(self) -> np.ndarray:
        """Area-weighted centre of the surface in world coordinates (computed when asked for)."""
        if self._centroid_cache is None:
            self._centroid_cache = self._centroid()
        if self.transform is None:
            return self._centroid_cache
        return self.transform[:3, :3] @ self._centroid_cache + self.transform[:3, 3]

    @property
    def world_vertices(self) -> np.ndarray:
        """Vertices in world coordinates (the rest vertices moved by ``transform``)."""
        if self.transform is None:
            return self.vertices
        return (times_transposed(self.vertices, self.transform[:3, :3])
                + self.transform[:3, 3]).astype(np.float32)

    @property
    def box(self) -> np.ndarray:
        """(2, 3) lowest and highest corner of the vertices in the mesh's own frame (before
        ``transform``; computed when asked for, kept until the vertices move)."""
        if self._box_cache is None:
            self._box_cache = np.array(
                [self.vertices.min(axis=0), self.vertices.max(axis=0)], dtype=np.float64
            )
        return self._box_cache

    def set_transform(self, transform: np.ndarray | None) -> None:
        """Place the rest-pose vertices rigidly (4x4 matrix; None: where they are)."""
        self.transform = None if transform is None else np.asarray(transform, dtype=np.float64)

    def _centroid(self) -> np.ndarray:
        """Area-weighted centre of the surface."""
        tri = self.vertices[self.faces].astype(np.float64)
        areas = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
        centres = tri.mean(axis=1)
        total = areas.sum()
        if total <= 0:
            return self.vertices.mean(axis=0).astype(np.float64)
        return (centres * areas[:, None]).sum(axis=0) / total

    def set_vertices(
        self, vertices: np.ndarray, normals: np.ndarray | None = None, exact: bool = True
    ) -> None:
        """Move the vertices in place (same count); normals are recomputed when not given.

        ``exact=False`` marks given normals as an approximation that :meth:`refine_normals`
        replaces with ones computed from the faces.
        """
        vertices = np.asarray(vertices, dtype=np.float32)
        if vertices.shape != self.vertices.shape:
            raise ValueError(
                f"pose vertices have shape {vertices.shape}, the mesh {self.vertices.shape}"
            )
        self._writable()
        self.vertices[:] = vertices
        self.normals_exact = normals is None or exact
        if normals is None:
            normals = vertex_normals(self.vertices, self.faces)
        self.normals[:] = normals
        self.changed_in_place()

    def changed_in_place(self) -> None:
        """Tell VTK (and the cached centroid) that the vertices and normals were written in
        place (:meth:`set_vertices` does; a caller that wrote into ``vertices`` and ``normals``
        itself calls it, sparing a copy of the arrays onto themselves)."""
        self.polydata.GetPoints().GetData().Modified()
        self.polydata.GetPoints().Modified()
        self._normals_modified()
        self.polydata.Modified()
        self._centroid_cache = None
        self._box_cache = None

    def refine_normals(self) -> bool:
        """Replace approximate normals with ones from the faces; True when something changed."""
        if self.normals_exact:
            return False
        self._writable()
        self.normals[:] = vertex_normals(self.vertices, self.faces)
        self.normals_exact = True
        self._normals_modified()
        self.polydata.Modified()
        return True

    def _normals_modified(self) -> None:
        if self.draw_normals:
            self.polydata.GetPointData().GetNormals().Modified()

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned (min, max) corners in world coordinates."""
        world = self.world_vertices
        return world.min(axis=0), world.max(axis=0)
