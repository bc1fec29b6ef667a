"""The outline drawn around the selection: the silhouette of its shown parts as posed now.

A silhouette edge joins a triangle that faces the camera to one that faces away; an edge with one
triangle (a mesh's border) is always drawn. Each mesh's edges and the triangles on either side
are found once (the triangles never change, only the vertices as the leg is posed); each frame
that follows a new pose or camera then only signs the triangles against the eye, in numpy. VTK's
``vtkPolyDataSilhouette`` rebuilt its edge map whenever the vertices moved, in every frame of a
motion-lab drag: a drag step with the BodyParts3D gastrocnemius selected took 4.7 ms more
(benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import VTK_TYPE_INT32, vtkCommand, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkRenderer

from calfexplorer.geometry.vec3 import times_transposed
from calfexplorer.recent import Recent
from calfexplorer.scene import style
from calfexplorer.scene.polydata import MeshData

#: Meshes whose edges are kept between selections (a click back to one of them skips the search).
_KEPT_EDGES = 8
#: Silhouettes kept, each for the camera and placement it was traced for: a click's selection
#: was traced already for its frame drawn ahead (then the hover's outline came back), and a
#: hover on and off the selection restyles twice (~0.5 ms a trace of a BodyParts3D muscle).
_KEPT_TRACES = 8


class _Edges:
    """A triangle mesh's edges: their two vertices and the triangles on either side (the second
    is -1 on a border)."""

    def __init__(self, faces: np.ndarray) -> None:
        n = int(faces.max()) + 1 if len(faces) else 0
        pairs = np.sort(faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1).astype(np.int64)
        keys = pairs[:, 0] * n + pairs[:, 1]
        order = np.argsort(keys, kind="stable")
        keys, owners = keys[order], order // 3
        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        counts = np.diff(np.r_[first, len(keys)])
        self.vertices = pairs[order[first]].astype(np.int32)
        self.left = owners[first]
        # an edge shared by two triangles has both; one with one (or more than two, where the
        # mesh is not a closed surface) is drawn as a border
        self.right = np.where(counts == 2, owners[np.minimum(first + 1, len(keys) - 1)], -1)


class Outline:
    """A silhouette actor in ``renderer``, seen from its camera, around the meshes given."""

    def __init__(self, renderer: vtkRenderer) -> None:
        self._camera = renderer.GetActiveCamera()
        self.polydata = vtkPolyData()
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(self.polydata)
        # Drawn with depth test in the main scene, pulled towards the camera so it wins over
        # the surface it outlines; faded structures in front let it show through.
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyLineOffsetParameters(-4.0, -400.0)
        self.actor = vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetColor(*style.OUTLINE_COLOR)
        prop.SetLineWidth(style.OUTLINE_WIDTH)
        prop.SetLighting(False)
        prop.SetRenderLinesAsTubes(False)
        self.actor.PickableOff()
        self.actor.VisibilityOff()
        renderer.AddActor(self.actor)
        self._meshes: list[MeshData] = []
        self._edges: Recent[int, tuple[np.ndarray, _Edges]] = Recent(_KEPT_EDGES)
        #: id(mesh) -> (the mesh, what it was traced for, its silhouette's edge ends)
        self._traces: Recent[int, tuple[MeshData, tuple, np.ndarray]] = Recent(_KEPT_TRACES)
        self._drawn_for: tuple | None = None
        self._kept: tuple[np.ndarray, ...] = ()
        self.refresh()  # an empty outline until meshes are given
        # traced again before each frame that follows a new pose or camera
        renderer.AddObserver(vtkCommand.StartEvent, lambda *_: self.refresh())

    def around(self, meshes: Iterable[MeshData]) -> None:
        """Outline these meshes, each where its placement puts it (none: hide the outline)."""
        self._meshes = list(meshes)
        self._drawn_for = None
        self.actor.SetVisibility(bool(self._meshes))
        self.refresh()

    def refresh(self) -> None:
        """Trace the silhouette again if the camera or a mesh has moved since it was traced."""
        camera = self._camera
        view = (camera.GetPosition(), camera.GetFocalPoint(), camera.GetParallelProjection())
        placed = [
            (d.polydata.GetPoints().GetMTime(),
             None if d.transform is None else d.transform.tobytes(),
             d.faces.shape)
            for d in self._meshes
        ]
        key = (view, tuple(zip(map(id, self._meshes), placed, strict=True)))
        if key == self._drawn_for:
            return
        self._drawn_for = key
        eye = np.array(camera.GetPosition(), dtype=np.float64)
        towards = None
        if camera.GetParallelProjection():
            towards = eye - np.array(camera.GetFocalPoint(), dtype=np.float64)
        ends = []
        for data, where in zip(self._meshes, placed, strict=True):
            traced_for = (view, where, id(data.faces))
            kept = self._traces.get(id(data))
            if kept is None or kept[0] is not data or kept[1] != traced_for:
                kept = self._traces.put(
                    id(data), (data, traced_for, self._silhouette(data, eye, towards))
                )
            ends.append(kept[2])
        points = (
            np.concatenate(ends).astype(np.float32) if ends else np.zeros((0, 3), np.float32)
        )
        lines = np.arange(len(points), dtype=np.int32)
        offsets = np.arange(0, len(points) + 1, 2, dtype=np.int32)
        self._kept = (points, lines, offsets)  # VTK's arrays below are views of these
        vtk_points = vtkPoints()
        vtk_points.SetData(numpy_to_vtk(points, deep=False))
        cells = vtkCellArray()
        cells.SetData(
            numpy_to_vtk(offsets, deep=False, array_type=VTK_TYPE_INT32),
            numpy_to_vtk(lines, deep=False, array_type=VTK_TYPE_INT32),
        )
        self.polydata.SetPoints(vtk_points)
        self.polydata.SetLines(cells)
        self.polydata.Modified()

    def _silhouette(
        self, data: MeshData, eye: np.ndarray, towards: np.ndarray | None
    ) -> np.ndarray:
        """The world positions of the ends of ``data``'s silhouette edges, two rows an edge."""
        edges = self._edges_of(data.faces)
        vertices = data.vertices  # float32: enough to tell which way a triangle faces
        if data.transform is not None:  # the eye in the mesh's own frame
            rotation, shift = data.transform[:3, :3], data.transform[:3, 3]
            eye = rotation.T @ (eye - shift)
            towards = None if towards is None else rotation.T @ towards
        tri = np.take(vertices, data.faces, axis=0)  # (a few times quicker than vertices[faces])
        normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        view = (eye - tri[:, 0]) if towards is None else towards
        facing = np.einsum("ij,ij->i", normals, np.broadcast_to(view, normals.shape)) > 0
        drawn = (edges.right < 0) | (facing[edges.left] != facing[np.maximum(edges.right, 0)])
        ends = np.take(vertices, edges.vertices[drawn].ravel(), axis=0)
        if data.transform is not None:
            ends = times_transposed(ends, data.transform[:3, :3]) + data.transform[:3, 3]
        return ends

    def _edges_of(self, faces: np.ndarray) -> _Edges:
        key = id(faces)
        kept = self._edges.get(key)
        if kept is not None and kept[0] is faces:
            return kept[1]
        edges = _Edges(faces)
        self._edges.put(key, (faces, edges))  # (the faces kept alive, so their id stays theirs)
        return edges
