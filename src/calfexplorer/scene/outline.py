"""The outline drawn around the selection: the silhouette of its shown parts as posed now."""

from __future__ import annotations

from collections.abc import Iterable

from vtkmodules.vtkCommonTransforms import vtkTransform
from vtkmodules.vtkFiltersCore import vtkAppendPolyData
from vtkmodules.vtkFiltersGeneral import vtkTransformFilter
from vtkmodules.vtkFiltersHybrid import vtkPolyDataSilhouette
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkRenderer

from calfexplorer.scene import style
from calfexplorer.scene.polydata import MeshData


class Outline:
    """A silhouette actor in ``renderer``, seen from its camera, around the meshes given."""

    def __init__(self, renderer: vtkRenderer) -> None:
        self.append = vtkAppendPolyData()
        silhouette = vtkPolyDataSilhouette()
        silhouette.SetCamera(renderer.GetActiveCamera())
        silhouette.SetInputConnection(self.append.GetOutputPort())
        silhouette.BorderEdgesOn()
        silhouette.SetFeatureAngle(179.0)  # the contour only, not the mesh's creases
        mapper = vtkPolyDataMapper()
        mapper.SetInputConnection(silhouette.GetOutputPort())
        # Drawn with depth test in the main scene, pulled towards the camera so it wins over
        # the surface it outlines; faded structures in front let it show through.
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyLineOffsetParameters(-4.0, -400.0)
        self._silhouette = silhouette  # (kept: the mapper holds only its output port)
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

    def around(self, meshes: Iterable[MeshData]) -> None:
        """Outline these meshes, each where its placement puts it (none: hide the outline)."""
        self.append.RemoveAllInputs()
        shown = False
        for data in meshes:
            shown = True
            if data.transform is None:
                self.append.AddInputData(data.polydata)
                continue
            placed = vtkTransformFilter()
            transform = vtkTransform()
            transform.SetMatrix(data.transform.ravel())
            placed.SetTransform(transform)
            placed.SetInputData(data.polydata)
            placed.Update()
            self.append.AddInputData(placed.GetOutput())
        self.actor.SetVisibility(shown)
