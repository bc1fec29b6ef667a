"""The 3D scene: one VTK actor per structure id, styled from :class:`AppState`.

No Qt here. The window hands its render window in (``render_window=``); the command line and
the tests let the scene make an offscreen one. Screen coordinates (``pick``, ``project``) are
VTK display coordinates: pixels, origin at the BOTTOM-left of the render window.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import vtkmodules.vtkInteractionStyle  # noqa: F401  (registers the default interactor style)
import vtkmodules.vtkRenderingFreeType  # noqa: F401  (text rendering)
import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (the OpenGL render window)
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonDataModel import vtkStaticCellLocator
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkCommonTransforms import vtkTransform
from vtkmodules.vtkFiltersCore import vtkAppendPolyData
from vtkmodules.vtkFiltersGeneral import vtkTransformFilter
from vtkmodules.vtkFiltersHybrid import vtkPolyDataSilhouette
from vtkmodules.vtkIOImage import vtkPNGWriter
from vtkmodules.vtkRenderingCore import (
    vtkActor,
    vtkFrustumCoverageCuller,
    vtkLightKit,
    vtkPolyDataMapper,
    vtkRenderer,
    vtkRenderWindow,
    vtkTextActor,
    vtkWindowToImageFilter,
)

from calfexplorer.scene import picking, style
from calfexplorer.scene.camera import (
    DEFAULT_VIEW,
    VIEW_ANGLE_DEG,
    VIEWS,
    CameraMove,
    CameraPose,
    fit_direction,
    fit_view,
)
from calfexplorer.scene.catalog import StructureInfo, build_catalog
from calfexplorer.scene.gpu_timers import silence_gpu_timers
from calfexplorer.scene.labels import Label, LabelLayer
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.reduced_frame import can_reduce, render_reduced
from calfexplorer.scene.skin_layer import SkinView
from calfexplorer.scene.stand_ins import StandIns
from calfexplorer.scene.styling import PICK_MIN_OPACITY, DrawnStyle, Resolved, resolve_styles
from calfexplorer.scene.styling import selection_parts as _selection_parts
from calfexplorer.state import AppState

#: At most this many attachment labels at once (a bone can carry dozens of sites).
MAX_LABELS = 12
#: More sites than this of one role on one bone are named in one label with a list.
GROUP_OVER = 3
#: Attachment patches are drawn pulled towards the camera (_SITE_OFFSET): a pick counts them
#: this much nearer (metres; the offset grows where a surface is seen obliquely, up to about
#: this at the calcaneal tuberosity), so a tendon ending on the spot does not win where the
#: patch is drawn over it.
SITE_PICK_LEAD = 0.003
#: Structures drawn at most this opaque (the faded rest around a selection) draw their coarse
#: twin: at that opacity the finer surface cannot be told apart.
GHOST_MAX_OPACITY = 0.4
#: Depth offsets (factor, units) that draw attachment patches in front of their bone; a lit
#: patch sits further forward, so other muscles' faded patches on the same spot (the calcaneal
#: tuberosity carries five) cannot blend over it.
_SITE_OFFSET = (-2.0, -8.0)
_LIT_SITE_OFFSET = (-3.0, -24.0)
#: Resolution of the quick frame that answers a change in a window on screen, as a share of
#: the window's: half the width and height shade a quarter of the pixels (software OpenGL).
QUICK_SCALE = 0.5
#: How far up the femur (metres from the knee) the default views reach.
DISTAL_FEMUR = 0.1
#: Bones left out of the default view's frame (which reaches only up to the distal femur).
_ABOVE_THE_LEG = frozenset({"hip_bone", "sacrum", "coccyx", "femur"})


#: Appended to VTK's colour code in the fragment shader: the style of the moment, as uniforms.
_STYLE_SHADER = """//VTK::Color::Impl
  if (csOverride > 0.5) {
    ambientColor = csAmbient * csColor;
    diffuseColor = csDiffuse * csColor;
  }
  opacity = opacity * csOpacity;
"""


def _offscreen_window() -> vtkRenderWindow:
    """A render window for offscreen use: EGL on Linux without a display, else the default.

    The default (X) window would work there too, through VTK's fallback, but only after
    printing a warning about the missing X server.
    """
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        from vtkmodules.vtkRenderingOpenGL2 import vtkEGLRenderWindow

        return vtkEGLRenderWindow()
    return vtkRenderWindow()


def _add_lights(renderer: vtkRenderer) -> None:
    """A light kit's key, fill and head lights, without its two back (rim) lights.

    The rim lights barely change the picture but each light costs every pixel in software
    OpenGL; three lights draw a frame about an eighth faster than five.
    """
    renderer.RemoveAllLights()
    vtkLightKit().AddLightsToRenderer(renderer)
    lights = renderer.GetLights()
    lights.InitTraversal()
    for light in [lights.GetNextItem() for _ in range(lights.GetNumberOfItems())]:
        if light.GetPosition()[2] < 0:  # camera-relative: behind the subject
            renderer.RemoveLight(light)


def _frustum_culler(renderer: vtkRenderer) -> vtkFrustumCoverageCuller:
    """The renderer's frustum culler, which also decides the order props are drawn in."""
    cullers = renderer.GetCullers()
    cullers.InitTraversal()
    for _ in range(cullers.GetNumberOfItems()):
        culler = cullers.GetNextItem()
        if isinstance(culler, vtkFrustumCoverageCuller):
            return culler
    culler = vtkFrustumCoverageCuller()
    renderer.AddCuller(culler)
    return culler


class Scene:
    """VTK scene of the leg that follows an :class:`AppState`.

    Parameters
    ----------
    assets
        An ``AssetSet`` (``.meshes`` dict id -> mesh with ``vertices``, ``faces``, ``normals``;
        ``.unavailable`` dict id -> reason) or a plain dict of meshes.
    atlas
        The loaded atlas (kinds, layers, names, attachments), or None.
    state
        The state to follow; a fresh one when None.
    render_window
        A window to draw into (the Qt widget's); None makes an offscreen window of ``size``.
    auto_render
        Render after every change (default: only when drawing into a given window).
    """

    def __init__(
        self,
        assets: Any,
        atlas: Any = None,
        state: AppState | None = None,
        *,
        render_window: vtkRenderWindow | None = None,
        size: tuple[int, int] = (800, 1000),
        auto_render: bool | None = None,
    ) -> None:
        self.state = state if state is not None else AppState()
        self.closed = False
        meshes: Mapping[str, Any] = getattr(assets, "meshes", assets)
        self.unavailable: dict[str, str] = dict(getattr(assets, "unavailable", {}) or {})
        self.catalog: dict[str, StructureInfo] = build_catalog(
            atlas, meshes.keys(), getattr(assets, "kinds", None)
        )
        self._children: dict[str, list[str]] = {}
        for info in self.catalog.values():
            if info.parent:
                self._children.setdefault(info.parent, []).append(info.id)
        # Selecting a region lights what it holds (a compartment's muscles, nerve and artery;
        # the contents of the popliteal fossa or the tarsal tunnel) with its volume.
        for region in atlas.regions() if atlas is not None and hasattr(atlas, "regions") else ():
            held = [*region.members, *region.nerves, *region.arteries]
            held += list(region.contents.ids) if region.contents is not None else []
            self._children.setdefault(region.id, []).extend(
                dict.fromkeys(h for h in held if h in self.catalog or h in self._children)
            )

        self.renderer = vtkRenderer()
        self.renderer.SetBackground(*style.BACKGROUND)
        self.renderer.SetUseFXAA(True)
        # See-through structures are blended one actor after another, farthest first (the
        # culler sorts them): next to depth peeling the difference is hard to see, and a
        # frame costs a third to a quarter as much in software OpenGL (a peeled frame with a
        # selection takes ~300 ms there, long enough to stall the next click). Saved images
        # (``_grab``) still peel, so exports stay exact.
        self.renderer.SetUseDepthPeeling(False)
        self.renderer.SetMaximumNumberOfPeels(6)
        self.renderer.SetOcclusionRatio(0.05)
        self.renderer.SetUseOIT(False)
        self._culler = _frustum_culler(self.renderer)
        _add_lights(self.renderer)
        self._stand_ins = StandIns(self.renderer, self._make_actor, self._apply_uniforms)
        self.overlay = vtkRenderer()
        self.overlay.SetLayer(1)
        self.overlay.InteractiveOff()
        self.overlay.SetActiveCamera(self.renderer.GetActiveCamera())
        # The labels' frames are see-through: plain blending draws them well (they hardly
        # overlap), and order-independent translucency's full-window buffers and passes cost
        # each frame with labels about 6 ms in software OpenGL.
        self.overlay.SetUseOIT(False)

        self._own_window = render_window is None
        if render_window is None:
            render_window = _offscreen_window()
            render_window.SetOffScreenRendering(True)
            render_window.SetSize(*size)
        render_window.SetAlphaBitPlanes(True)
        render_window.SetMultiSamples(0)
        render_window.SetNumberOfLayers(max(2, render_window.GetNumberOfLayers()))
        render_window.AddRenderer(self.renderer)
        render_window.AddRenderer(self.overlay)
        self.render_window = render_window
        self.auto_render = (not self._own_window) if auto_render is None else auto_render
        self.quick_scale = QUICK_SCALE

        self._data: dict[str, MeshData] = {}
        self._resolved: Mapping[str, Resolved] = {}
        self._pending_pose: dict[str, float] | None = None
        self._stale: set[str] = set()  # swept meshes behind the pose (their twin is current)
        self._needs_full: set[str] = set()
        self._exact = False
        self._drawn: dict[str, DrawnStyle] = {}
        self._painted: set[str] = set()
        self._actors: dict[str, vtkActor] = {}
        self._ids: dict[vtkActor, str] = {}
        for sid, mesh in meshes.items():
            try:
                self._data[sid] = MeshData(mesh)
            except (ValueError, TypeError, AttributeError, IndexError) as exc:
                self.unavailable[sid] = f"mesh could not be drawn: {exc}"
                continue
            actor = self._make_actor(sid)
            self._actors[sid] = actor
            self._ids[actor] = sid
            self.renderer.AddActor(actor)

        self._stand_ins.plan(self._actors)
        self.renderer.AddObserver("StartEvent", self._swap_in_stand_ins)
        # (after the window's OpenGL context is up, which may have reloaded VTK's entry points)
        self.renderer.AddObserver("StartEvent", lambda *_: silence_gpu_timers())
        self.renderer.AddObserver("EndEvent", lambda *_: self._stand_ins.restore(self._actors))

        self._locators: dict[str, vtkStaticCellLocator] = {}

        self._outline_append = vtkAppendPolyData()
        self._silhouette = vtkPolyDataSilhouette()
        self._silhouette.SetCamera(self.renderer.GetActiveCamera())
        self._silhouette.SetInputConnection(self._outline_append.GetOutputPort())
        self._silhouette.BorderEdgesOn()
        self._silhouette.SetFeatureAngle(179.0)  # the contour only, not the mesh's creases
        outline_mapper = vtkPolyDataMapper()
        outline_mapper.SetInputConnection(self._silhouette.GetOutputPort())
        # Drawn with depth test in the main scene, pulled towards the camera so it wins over
        # the surface it outlines; faded structures in front let it show through.
        outline_mapper.SetResolveCoincidentTopologyToPolygonOffset()
        outline_mapper.SetRelativeCoincidentTopologyLineOffsetParameters(-4.0, -400.0)
        self.outline_actor = vtkActor()
        self.outline_actor.SetMapper(outline_mapper)
        prop = self.outline_actor.GetProperty()
        prop.SetColor(*style.OUTLINE_COLOR)
        prop.SetLineWidth(style.OUTLINE_WIDTH)
        prop.SetLighting(False)
        prop.SetRenderLinesAsTubes(False)
        self.outline_actor.PickableOff()
        self.outline_actor.VisibilityOff()
        self.renderer.AddActor(self.outline_actor)

        self.title_actor = vtkTextActor()
        tprop = self.title_actor.GetTextProperty()
        tprop.SetFontSize(22)
        tprop.SetBold(True)
        tprop.SetColor(*style.LABEL_COLOR)
        tprop.SetVerticalJustificationToTop()
        # Top left: the leg stands in the middle of every preset view.
        self.title_actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.title_actor.SetPosition(0.025, 0.975)
        self.title_actor.PickableOff()
        self.title_actor.VisibilityOff()
        self.overlay.AddViewProp(self.title_actor)
        self._label_layer = LabelLayer(
            self.overlay, self.world_to_display, lambda: tuple(self.render_window.GetSize())
        )

        self._lit_sites: dict[str, str] = {}
        self._sites_concealed = False
        self._highlighted: frozenset[str] = frozenset()
        self._assets = assets
        self.atlas = atlas
        #: The skin (off until asked for; built on first use): see scene.skin_layer.
        self.skin = SkinView(self)
        self._overrides: dict[str, style.RGB] = {}
        self._poser: Callable[[Mapping[str, float]], Mapping[str, np.ndarray]] | None = None
        self._move: CameraMove | None = None
        self._fast = False
        self._schedule_idle: Callable[[Callable[[], None]], None] | None = None
        self._schedule_frame: Callable[[Callable[[], None]], None] | None = None
        self.view = DEFAULT_VIEW
        self._warming: str | None = None
        self._warm_steps = 0
        self.warmed_up = False

        self._connections: list[tuple[Any, Callable[..., None]]] = [
            (self.state.selected_changed, self._on_style_change),
            (self.state.hovered_changed, self._on_style_change),
            (self.state.visibility_changed, self._on_style_change),
            (self.state.fade_changed, self._on_style_change),
            (self.state.xray_changed, self._on_style_change),
            (self.state.labels_changed, self._on_style_change),
            (self.state.pose_changed, self._on_pose_change),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self.restyle()
        self.set_view(self.view)

    # ------------------------------------------------------------------------ building
    def _make_actor(self, sid: str, data: MeshData | None = None) -> vtkActor:
        """An actor drawing ``data`` (default: the structure's mesh) in the structure's style."""
        data = data or self._data[sid]
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(data.polydata)
        # No pipeline feeds the polydata (MeshData changes it in place and marks it modified):
        # skipping the pipeline check saves each actor a little per frame and per bounds query.
        mapper.StaticOn()
        mapper.ScalarVisibilityOff()
        info = self.catalog[sid]
        if info.is_site:
            # Patches lie on the bone surface: draw them in front of it.
            mapper.SetResolveCoincidentTopologyToPolygonOffset()
            mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(*_SITE_OFFSET)
        if info.kind == "muscle" and data.belly is not None:
            self._paint_belly(data, mapper)
            self._painted.add(sid)
        actor = vtkActor()
        actor.SetMapper(mapper)
        prop = actor.GetProperty()
        prop.SetInterpolationToPhong()
        # Every mesh is closed (or, for patches, faces outwards from its bone), so its far side
        # is never seen: skipping it draws a frame about a third faster in software OpenGL,
        # and a see-through surface shows only its near side (no muddy double layers).
        prop.BackfaceCullingOn()
        material = self._material(info)
        prop.SetAmbient(material.ambient)
        prop.SetDiffuse(material.diffuse)
        prop.SetSpecular(material.specular)
        prop.SetSpecularPower(material.specular_power)
        prop.SetColor(*material.color)
        # Colour and opacity per state come in as uniforms (see _draw_style); the property
        # keeps the material and never changes.
        actor.GetShaderProperty().AddFragmentShaderReplacement(
            "//VTK::Color::Impl", True, _STYLE_SHADER, False
        )
        self._apply_uniforms(
            actor, DrawnStyle(material.color, 1.0, material.ambient, material.diffuse, True)
        )
        return actor

    @staticmethod
    def _paint_belly(data: MeshData, mapper: vtkPolyDataMapper) -> None:
        """Per-vertex colour from fleshy belly (muscle red) to tendon (silver-white)."""
        belly = np.clip(data.belly, 0.0, 1.0)[:, None]
        muscle = np.asarray(style.MATERIALS["muscle"].color)
        tendon = np.asarray(style.MATERIALS["tendon"].color)
        rgb = np.round((tendon + (muscle - tendon) * belly) * 255).astype(np.uint8)
        colors = numpy_to_vtk(rgb, deep=True)
        colors.SetName("tissue")
        data.polydata.GetPointData().SetScalars(colors)
        mapper.SetScalarModeToUsePointData()
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()

    @staticmethod
    def _material(info: StructureInfo) -> style.Material:
        return style.MATERIALS.get(info.kind, style.MATERIALS["other"])

    # ------------------------------------------------------------------------- queries
    @property
    def ids(self) -> list[str]:
        """Ids that have an actor, in insertion order."""
        return list(self._actors)

    def actor(self, structure_id: str) -> vtkActor | None:
        """The actor drawing a structure, or None."""
        return self._actors.get(structure_id)

    def id_of(self, actor: Any) -> str | None:
        """The structure id an actor draws, or None (outline, labels, foreign props)."""
        return self._ids.get(actor)

    def info(self, structure_id: str) -> StructureInfo | None:
        """Display facts (kind, layer, name) of an id."""
        return self.catalog.get(structure_id)

    def ids_in_layer(self, layer: str) -> list[str]:
        """Ids with an actor in a display layer."""
        return [sid for sid in self._actors if self.catalog[sid].layer == layer]

    def is_shown(self, structure_id: str) -> bool:
        """Whether a structure's actor is currently drawn."""
        actor = self._actors.get(structure_id)
        return bool(actor is not None and actor.GetVisibility())

    def centre(self, structure_id: str) -> np.ndarray:
        """Area-weighted centre of a structure's surface (world, metres)."""
        self._resolve_pose()
        return self._data[structure_id].centroid.copy()

    def parts(self, structure_id: str) -> frozenset[str]:
        """Ids with an actor that selecting ``structure_id`` highlights (itself and its parts)."""
        return self._selection_parts(structure_id) & self._actors.keys()

    @property
    def highlighted(self) -> frozenset[str]:
        """Ids drawn in the highlight colour (the selection and its parts)."""
        return self._highlighted

    @property
    def lit_sites(self) -> Mapping[str, str]:
        """Attachment patches lit for the selection: id -> "origin" or "insertion"."""
        return dict(self._lit_sites)

    @property
    def labels(self) -> list[str]:
        """Texts of the 3D labels now shown."""
        return self._label_layer.texts

    # ------------------------------------------------------------------------- styling
    def _on_style_change(self, *_: Any) -> None:
        self.restyle()
        self._changed()

    def _selection_parts(self, sid: str | None) -> frozenset[str]:
        return _selection_parts(sid, self._children)

    def restyle(self) -> None:
        """Apply the state's selection, hover, visibility and opacity to every actor: resolve
        the styles (:func:`~calfexplorer.scene.styling.resolve_styles`) and hand the actors
        only what changed since the last time."""
        styles = resolve_styles(
            self.state,
            self.catalog,
            self._actors.keys(),
            selected=self.state.selected if self._warming is None else self._warming,
            children=self._children,
            overrides=self._overrides,
            painted=self._painted,
            concealed=self._sites_concealed,
        )
        self._highlighted = styles.parts & self._actors.keys()
        self._lit_sites = dict(styles.lit)
        last = self._resolved
        for sid, now in styles.by_id.items():
            if last.get(sid) != now:
                self._apply_resolved(sid, now, last.get(sid))
        self._resolved = styles.by_id
        self._update_outline()
        self._update_labels()
        # See-through structures blend correctly drawn farthest first; with none, that order
        # only adds overdraw (about 2 ms a frame in software OpenGL), so props keep theirs.
        translucent = any(r.visible and r.drawn.opacity < 1.0 for r in styles.by_id.values())
        if translucent:
            self._culler.SetSortingStyleToBackToFront()
        else:
            self._culler.SetSortingStyleToNone()

    def _apply_resolved(self, sid: str, now: Resolved, before: Resolved | None) -> None:
        actor = self._actors[sid]
        actor.SetVisibility(now.visible)
        actor.SetPickable(now.pickable)
        if before is None or before.forward != now.forward:
            offset = _LIT_SITE_OFFSET if now.forward else _SITE_OFFSET
            if self.catalog[sid].is_site:
                actor.GetMapper().SetRelativeCoincidentTopologyPolygonOffsetParameters(*offset)
        self._draw_style(sid, now.drawn)

    def _draw_style(self, sid: str, drawn: DrawnStyle) -> None:
        """Hand a structure's style to its actors' shaders (uniforms), only when it changed.

        Changing the vtkProperty instead would make VTK rebuild the shader source and vertex
        buffers of every restyled actor on the next frame: most of a selection's cost.
        """
        if self._drawn.get(sid) == drawn:
            return
        self._drawn[sid] = drawn
        self._apply_uniforms(self._actors[sid], drawn)
        self._stand_ins.restyle(sid, drawn)

    @staticmethod
    def _apply_uniforms(actor: vtkActor, drawn: DrawnStyle) -> None:
        uniforms = actor.GetShaderProperty().GetFragmentCustomUniforms()
        uniforms.SetUniform3f("csColor", list(drawn.color))
        uniforms.SetUniformf("csOverride", 0.0 if drawn.plain else 1.0)
        uniforms.SetUniformf("csAmbient", drawn.ambient)
        uniforms.SetUniformf("csDiffuse", drawn.diffuse)
        uniforms.SetUniformf("csOpacity", drawn.opacity)
        actor.SetForceTranslucent(drawn.opacity < 1.0)

    # ----------------------------------------------------------------------- stand-ins
    def build_twins_step(self) -> bool:
        """Build the next few stand-ins (coarse twins, then merged patch groups; see
        :mod:`calfexplorer.scene.stand_ins`), a few tens of ms a step; True while more remain."""
        if self.closed:
            return False
        bodies = getattr(self._assets, "bodies", None) or {}
        sites = {
            sid: bodies.get(sid) or info.bone or ""
            for sid, info in self.catalog.items()
            if info.is_site and sid in self._actors
        }
        return self._stand_ins.build_step(self._data, self._actors, sites, self._drawn)

    def world_vertices(self, structure_id: str) -> np.ndarray:
        """World vertices of a structure's (full) mesh as now posed."""
        self._resolve_pose()
        return self._data[structure_id].world_vertices

    def faces(self, structure_id: str) -> np.ndarray:
        """Triangles of a structure: (m, 3) indices into :meth:`world_vertices`."""
        return self._data[structure_id].faces

    def coarse_vertices(self, structure_id: str) -> np.ndarray | None:
        """World vertices of a structure's coarse twin, or None when it has none (yet)."""
        twin = self._stand_ins.twins.get(structure_id)
        return None if twin is None else twin.data.world_vertices

    @property
    def drawn_merged(self) -> list[tuple[str, ...]]:
        """Groups of patches the last frame drew as one merged actor each."""
        return list(self._stand_ins.last_groups)

    @property
    def drawn_coarse(self) -> list[str]:
        """Ids the last frame drew with their coarse twin."""
        return list(self._stand_ins.last_twins)

    def _swap_in_stand_ins(self, *_: Any) -> None:
        """Before a frame: coarse twins for faded structures, for everything but the selection
        in quick frames, and for meshes behind the pose; a merged actor for each body's
        patches while they look alike. Never for exports."""
        if self._exact:
            return
        # A lit patch lies on its bone's full surface; a coarse bone could cover it.
        keep = self._highlighted | self._lit_sites.keys()
        keep |= {self.catalog[sid].bone for sid in self._lit_sites}

        def use_twin(sid: str) -> bool:
            drawn = self._drawn.get(sid)
            faded = drawn is not None and drawn.opacity <= GHOST_MAX_OPACITY
            return sid in self._stale or (sid not in keep and (faded or self._fast))

        self._stand_ins.swap_in(self._actors, self._drawn, use_twin, keep)

    def drawn_style(self, structure_id: str) -> DrawnStyle | None:
        """The colour, opacity and lighting a structure is drawn with now, or None."""
        return self._drawn.get(structure_id)

    def _update_outline(self) -> None:
        self._outline_append.RemoveAllInputs()
        shown = [sid for sid in sorted(self._highlighted) if self._actors[sid].GetVisibility()]
        for sid in shown:
            data = self._data[sid]
            if data.transform is None:
                self._outline_append.AddInputData(data.polydata)
                continue
            placed = vtkTransformFilter()
            transform = vtkTransform()
            transform.SetMatrix(data.transform.ravel())
            placed.SetTransform(transform)
            placed.SetInputData(data.polydata)
            placed.Update()
            self._outline_append.AddInputData(placed.GetOutput())
        self.outline_actor.SetVisibility(bool(shown))

    def _update_labels(self) -> None:
        selected = self.state.selected if self._warming is None else self._warming
        show = self.state.labels and selected is not None
        name = self.catalog[selected].name if selected in self.catalog else (selected or "")
        self.title_actor.SetInput(name)
        self.title_actor.SetVisibility(bool(show and name))
        selected_kind = self.catalog[selected].kind if selected in self.catalog else ""
        named: dict[tuple[str, str], dict[str, list[str]]] = {}  # (bone, role) -> text -> ids
        for sid, role in sorted(self._lit_sites.items()) if show else ():
            if not self._actors[sid].GetVisibility():
                continue
            info = self.catalog[sid]
            if selected_kind == "bone" and info.owner:
                owner = self.catalog.get(info.owner)
                text = f"{owner.name if owner else info.owner} ({role})"
            else:
                text = f"{role.capitalize()}: {info.place or info.name}"
            # (one text for several sites: e.g. one muscle with several sites on a bone)
            named.setdefault((info.bone or "", role), {}).setdefault(text, []).append(sid)
        labels: list[Label] = []
        for (bone, role), texts in named.items():
            if len(texts) > GROUP_OVER:
                labels.append(self._list_label(bone, role, texts, selected_kind == "bone"))
                continue
            for text, sids in texts.items():
                labels.append(Label(text, role, self._site_point(sids[0])))
        self._label_layer.set_labels(labels[:MAX_LABELS])

    def _site_point(self, sid: str) -> tuple[float, float, float]:
        x, y, z = (float(v) for v in self._data[sid].centroid)
        return x, y, z

    def _list_label(
        self, bone: str, role: str, texts: Mapping[str, list[str]], on_selected_bone: bool
    ) -> Label:
        """One label listing many sites of one role on one bone, pointing at each site."""
        plural = "Origins" if role == "origin" else "Insertions"
        if on_selected_bone:
            heading = f"{plural}:"
            items = [text.removesuffix(f" ({role})") for text in texts]
        else:
            name = self.catalog[bone].name.lower() if bone in self.catalog else bone
            heading = f"{plural} on the {name}:"
            items = [text.split(": ", 1)[-1] for text in texts]
        anchors: list[tuple[float, float, float]] = []
        for sids in texts.values():
            for sid in sids:
                point = self._site_point(sid)
                if point not in anchors:
                    anchors.append(point)
        lines = "\n".join(f"\u2022 {item}" for item in items)
        return Label(f"{heading}\n{lines}", role, anchors[0], tuple(anchors[1:]))

    # ------------------------------------------------------------------------- posing
    def set_poser(self, poser: Callable[[Mapping[str, float]], Any] | None) -> None:
        """Callable turning ``state.pose`` into new geometry; used on every pose change.

        It returns either vertices by id, or an object with ``transforms`` (id -> 4x4 rigid
        placement of the rest mesh), ``vertices`` and ``normals`` (id -> (n, 3) arrays), like
        :class:`calfexplorer.geometry.deform.PosedMeshes`.
        """
        self._poser = poser

    def prepare_posing(self) -> None:
        """Load what posing needs (the model, the deformer and its plans) ahead of the first
        pose: a few hundred ms that would otherwise stall the first slider move."""
        if self.closed:
            return
        if self._poser is None:
            from calfexplorer.scene.posing import poser_for

            self._poser = poser_for(self._assets)
        prepare = getattr(self._poser, "prepare", None)
        if prepare is not None:
            prepare()

    @property
    def posing_ready(self) -> bool:
        """Whether :meth:`prepare_posing` (or a first pose) has loaded the poser."""
        return self._poser is not None

    def _on_pose_change(self, pose: Mapping[str, float]) -> None:
        if self._poser is None:
            self.prepare_posing()
        self._pending_pose = None
        self._stale.clear()
        if self._coarse_posing():
            # Drawn in a quick frame right away; the full meshes follow before the full frame.
            full = tuple(sorted(self._highlighted | self._needs_full))
            posed = self._poser(pose, coarse=True, full=full)
            lacking = {sid for sid in posed.coarse if not self._stand_ins.follows_pose(sid)}
            if lacking:  # swept meshes too small for a twin: pose them in full from now on
                self._needs_full |= lacking
                posed = self._poser(pose, coarse=True, full=(*full, *sorted(lacking)))
            if posed.coarse:
                self._pending_pose = dict(pose)
                self._stale = set(posed.coarse)
            self._apply_posed(posed)
            return
        self._apply_posed(self._poser(pose))

    def _coarse_posing(self) -> bool:
        """Whether a pose may first be drawn coarse: quick frames come before full ones, the
        twins exist and the poser can."""
        return (
            self._schedule_idle is not None
            and not self._stand_ins.pending
            and bool(self._stand_ins.twins)
            and getattr(self._poser, "supports_coarse", False)
        )

    def _apply_posed(self, posed: Any, notify: bool = True) -> None:
        """Apply a poser's result (vertices by id, or a PosedMeshes, maybe partly coarse)."""
        if isinstance(posed, Mapping):
            self._pose_meshes(posed, notify=notify)
            return
        thinned = getattr(posed, "coarse", frozenset())
        full = {sid: v for sid, v in posed.vertices.items() if sid not in thinned}
        self._pose_meshes(
            full, posed.normals, transforms=posed.transforms, exact_normals=False, notify=notify
        )
        self._stand_ins.take_coarse_pose(
            {sid: posed.vertices[sid] for sid in thinned}, posed.normals
        )

    def _resolve_pose(self) -> None:
        """Bring the full meshes to a pose drawn so far only coarse."""
        if self._pending_pose is None or self._poser is None:
            return
        pose, self._pending_pose = self._pending_pose, None
        self._stale.clear()
        self._apply_posed(self._poser(pose), notify=False)

    def set_sites_concealed(self, concealed: bool) -> None:
        """While a quiz question is open, light no attachment patches of the selection (they
        would show an origin or insertion asked about); a selected patch itself stays lit."""
        if bool(concealed) != self._sites_concealed:
            self._sites_concealed = bool(concealed)
            self.restyle()
            self._changed()

    def set_colour_overrides(self, colors: Mapping[str, style.RGB] | None) -> None:
        """Draw these ids in these colours (0..1 RGB) instead of their anatomical ones.

        Used to colour muscles by lengthening and shortening; ``{}`` or None restores. The
        selection, hover and lit attachment sites still take precedence.
        """
        new = {sid: tuple(float(c) for c in rgb) for sid, rgb in (colors or {}).items()}
        if new != self._overrides:
            self._overrides = new  # type: ignore[assignment]
            self.restyle()
            self._changed()

    def apply_pose_vertices(
        self,
        vertices: Mapping[str, np.ndarray],
        normals: Mapping[str, np.ndarray] | None = None,
        *,
        transforms: Mapping[str, np.ndarray] | None = None,
        exact_normals: bool = True,
    ) -> None:
        """Move meshes (ids without an actor are ignored).

        ``vertices`` replace a mesh's vertices in place (same count); ``transforms`` place a
        mesh's rest vertices rigidly (4x4), which costs the renderer nothing per vertex.
        Normals given with ``exact_normals=False`` are replaced by ones computed from the faces
        before the next full-quality frame.
        """
        self._stale -= vertices.keys()
        self._pose_meshes(
            vertices, normals, transforms=transforms, exact_normals=exact_normals
        )

    def _pose_meshes(
        self,
        vertices: Mapping[str, np.ndarray],
        normals: Mapping[str, np.ndarray] | None = None,
        *,
        transforms: Mapping[str, np.ndarray] | None = None,
        exact_normals: bool = True,
        notify: bool = True,
    ) -> None:
        normals = normals or {}
        for sid, verts in vertices.items():
            data = self._data.get(sid)
            if data is not None:
                data.set_vertices(verts, normals.get(sid), exact=exact_normals)
        for sid, matrix in (transforms or {}).items():
            data, actor = self._data.get(sid), self._actors.get(sid)
            if data is None or actor is None:
                continue
            data.set_transform(matrix)
            vtk_matrix = actor.GetUserMatrix() or vtkMatrix4x4()
            vtk_matrix.DeepCopy(np.asarray(matrix, dtype=np.float64).ravel())
            actor.SetUserMatrix(vtk_matrix)
        self._stand_ins.follow(vertices, normals, transforms or {}, exact_normals, self._actors)
        if transforms and self._highlighted & transforms.keys():
            self._update_outline()
        self._update_labels()
        if notify:
            self._changed()

    # -------------------------------------------------------------------------- camera
    @property
    def camera(self):
        """The vtkCamera shared by the scene's renderers."""
        return self.renderer.GetActiveCamera()

    def _aspect(self) -> float:
        w, h = self.render_window.GetSize()
        return w / h if h else 1.0

    def frame_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Box the default views frame: the leg's bones and the distal femur (or everything)."""
        self._resolve_pose()
        leg = [
            data.bounds()
            for sid, data in self._data.items()
            if self.catalog[sid].kind == "bone" and sid not in _ABOVE_THE_LEG
        ]
        if leg:
            lo = np.min([b[0] for b in leg], axis=0).astype(float)
            hi = np.max([b[1] for b in leg], axis=0).astype(float)
            knee = self._data.get("patella") or self._data.get("tibia")
            femur = self._data.get("femur")
            if knee is not None and femur is not None:
                femur_world = femur.world_vertices
                near = np.linalg.norm(femur_world - knee.centroid, axis=1) < DISTAL_FEMUR
                if near.any():
                    lo = np.minimum(lo, femur_world[near].min(axis=0))
                    hi = np.maximum(hi, femur_world[near].max(axis=0))
            return lo, hi
        everything = [d.bounds() for d in self._data.values()]
        if not everything:
            return np.full(3, -0.1), np.full(3, 0.1)
        return (
            np.min([b[0] for b in everything], axis=0).astype(float),
            np.max([b[1] for b in everything], axis=0).astype(float),
        )

    def camera_pose(self) -> CameraPose:
        """The current camera position, focal point and view-up."""
        cam = self.camera
        return CameraPose(
            np.array(cam.GetPosition()), np.array(cam.GetFocalPoint()), np.array(cam.GetViewUp())
        )

    def set_camera_pose(self, pose: CameraPose, view_angle: float | None = None) -> None:
        """Place the camera (e.g. copy another scene's ``camera_pose()``)."""
        if view_angle is not None:
            self.camera.SetViewAngle(float(view_angle))
        self._apply_camera(pose)

    def set_fast_rendering(self, fast: bool) -> None:
        """Trade quality for speed while the user drags (no anti-aliasing)."""
        self._fast = bool(fast)
        self.renderer.SetUseFXAA(not fast)

    def set_idle_scheduler(self, schedule: Callable[[Callable[[], None]], None] | None) -> None:
        """Draw changes in two steps: a quick frame first, full quality once changes pause.

        ``schedule(fn)`` is called after every quick frame and must call ``fn`` later, once the
        caller sees no more changes coming (Qt: a restarted single-shot timer), so a slider drag
        draws only quick frames. Without a scheduler every change draws one full frame.
        """
        self._schedule_idle = schedule

    def set_frame_scheduler(
        self, schedule: Callable[[Callable[[], None]], None] | None
    ) -> None:
        """Draw changes together, a moment later, instead of one frame per change.

        ``schedule(fn)`` must call ``fn`` soon, once however often it was asked before then
        (Qt: a zero-delay single-shot timer). A pose and the length colours it brings, or a
        selection and its camera move, then cost one frame. Without it every change draws.
        """
        self._schedule_frame = schedule

    def _apply_camera(self, pose: CameraPose) -> None:
        cam = self.camera
        cam.SetFocalPoint(*pose.focal_point)
        cam.SetPosition(*pose.position)
        cam.SetViewUp(*pose.view_up)
        self.renderer.ResetCameraClippingRange()
        self._changed()

    def set_view(self, view: str) -> None:
        """Look from a preset (anterior, posterior, medial, lateral, superior), framing the leg.

        The superior view looks down the front of the leg from above (see ``camera.VIEWS``);
        like every view it draws the whole scene, nothing cut away or clipped.
        """
        lo, hi = self.frame_bounds()
        pose = fit_view(view, lo, hi, self._aspect(), view_angle_deg=VIEW_ANGLE_DEG)
        self.camera.SetViewAngle(VIEW_ANGLE_DEG)
        self.view = view
        self._apply_camera(pose)

    def reset_camera(self) -> None:
        """Back to the current preset view, framing the whole leg."""
        self.set_view(self.view)

    def leg_in_view(self) -> bool:
        """Whether the leg (the box :meth:`frame_bounds` frames) is wholly on screen."""
        lo, hi = self.frame_bounds()
        corners = np.array(np.meshgrid(*zip(lo, hi, strict=True))).reshape(3, -1).T
        xy = np.array([self.world_to_display(c) for c in corners])
        w, h = self.render_window.GetSize()
        return bool((xy >= 0).all() and (xy[:, 0] <= w).all() and (xy[:, 1] <= h).all())

    def keep_leg_in_view(self) -> None:
        """Frame the posed leg again (same direction) if part of it is off screen."""
        if not self.leg_in_view():
            self.frame_leg()

    def frame_leg(self) -> None:
        """Frame the leg as it is posed now, looking from where the camera looks now."""
        lo, hi = self.frame_bounds()
        now = self.camera_pose()
        self._apply_camera(
            fit_direction(
                now.position - now.focal_point, now.view_up, lo, hi, self._aspect(),
                view_angle_deg=self.camera.GetViewAngle(),
            )
        )

    def share_on_screen(self, structure_id: str) -> float:
        """Fraction (0..1) of a structure's vertices (all its parts) inside the view now."""
        self._resolve_pose()
        parts = [p for p in self._selection_parts(structure_id) if p in self._data]
        if not parts:
            return 0.0
        points = np.concatenate([self._data[p].world_vertices[::7] for p in parts])
        matrix = self.camera.GetCompositeProjectionTransformMatrix(self._aspect(), -1.0, 1.0)
        m = np.array([[matrix.GetElement(i, j) for j in range(4)] for i in range(4)])
        clip = np.c_[points, np.ones(len(points))] @ m.T
        w = clip[:, 3]
        front = w > 1e-9
        ndc = clip[front, :2] / w[front, None]
        inside = (np.abs(ndc) <= 1.0).all(axis=1)
        return float(inside.sum()) / len(points)

    def focus(self, structure_id: str | None = None, duration: float = 0.35) -> CameraMove:
        """Start a smooth move centring a structure (default: the selection).

        Returns the :class:`CameraMove`; call ``advance(dt)`` from a timer until it returns
        False (``duration=0`` or ``finish()`` jumps there).
        """
        self._resolve_pose()
        sid = structure_id or self.state.selected
        start = self.camera_pose()
        parts = [p for p in self._selection_parts(sid) if p in self._data]
        if not parts:  # nothing drawn: the whole leg (a group frames its drawn parts)
            lo, hi = self.frame_bounds()
        else:
            boxes = [self._data[p].bounds() for p in parts]
            lo = np.min([b[0] for b in boxes], axis=0).astype(float)
            hi = np.max([b[1] for b in boxes], axis=0).astype(float)
        back = start.position - start.focal_point
        end = fit_direction(
            back, start.view_up, lo, hi, self._aspect(), 1.25, self.camera.GetViewAngle()
        )
        self._move = CameraMove(start, end, duration, self._apply_camera)
        if duration <= 0:
            self._move.finish()
        return self._move

    # ------------------------------------------------------------------- picking, projecting
    def _locator(self, key: str, data: MeshData) -> vtkStaticCellLocator:
        """A cell locator over a mesh (built again when the mesh moved): a pick then costs
        microseconds per mesh instead of a scan of every triangle."""
        locator = self._locators.get(key)
        if locator is None or locator.GetDataSet() is not data.polydata:
            locator = self._locators[key] = vtkStaticCellLocator()
            locator.SetDataSet(data.polydata)
        if locator.GetBuildTime() < data.polydata.GetMTime():
            locator.BuildLocator()
        return locator

    def _drawn_meshes(self) -> Iterator[tuple[str, MeshData, str]]:
        """(id, mesh, locator key) of each structure a click can select, as the last frame
        drew it: shown, opaque enough, and its coarse twin where the frame drew that."""
        twins = self._stand_ins.twins
        coarse = set(self._stand_ins.last_twins)
        for sid, actor in self._actors.items():
            if not (actor.GetVisibility() and actor.GetPickable()):
                continue
            if sid in coarse and sid in twins:
                yield sid, twins[sid].data, "twin:" + sid
            else:
                yield sid, self._data[sid], sid

    def pick(self, x: float, y: float) -> str | None:
        """The id of the structure drawn in front at display pixel (x, y), or None.

        The ray passes through the pixel's centre and meets the geometry the last frame drew
        (coarse twins where it drew them) on its drawn, camera-facing side: a click selects
        only what is drawn under the cursor.
        """
        self._resolve_pose()
        ren = self.renderer
        ends = []
        for depth in (0.0, 1.0):  # the near and far clipping planes
            ren.SetDisplayPoint(float(x) + 0.5, float(y) + 0.5, depth)
            ren.DisplayToWorld()
            wx, wy, wz, w = ren.GetWorldPoint()
            ends.append(np.array([wx, wy, wz]) / (w or 1.0))
        near, far = ends
        candidates = list(self._drawn_meshes())
        if not candidates:
            return None
        bounds = np.array([self._actors[sid].GetBounds() for sid, _, _ in candidates])
        crossed = picking.rays_hit_boxes(near, far, bounds)
        best: tuple[float, str] | None = None
        for (sid, data, key), hit in zip(candidates, crossed, strict=True):
            if not hit:
                continue
            p0, p1 = picking.to_local(data.transform, near), picking.to_local(data.transform, far)
            t = picking.nearest_front_hit(
                self._locator(key, data), data.vertices, data.faces, p0, p1
            )
            if t is not None and self.catalog[sid].is_site:
                t -= SITE_PICK_LEAD / float(np.linalg.norm(far - near))  # drawn in front
            if t is not None and (best is None or t < best[0]):
                best = (t, sid)
        return None if best is None else best[1]

    def project(self, structure_id: str) -> tuple[float, float]:
        """Display position (x, y; origin bottom-left) of a structure's centre."""
        self._resolve_pose()
        return self.world_to_display(self._data[structure_id].centroid)

    def world_to_display(self, point: Iterable[float]) -> tuple[float, float]:
        """Display position (x, y; origin bottom-left) of a world point."""
        x, y, z = (float(v) for v in point)
        self.renderer.SetWorldPoint(x, y, z, 1.0)
        self.renderer.WorldToDisplay()
        dx, dy, _ = self.renderer.GetDisplayPoint()
        return dx, dy

    def visible_point(self, structure_id: str, step: int = 4) -> tuple[int, int] | None:
        """A display pixel where ``pick`` returns this structure, near its projected centre.

        Scans the structure's projected bounding box outwards from its centre; None when the
        structure is hidden or entirely covered.
        """
        self._resolve_pose()
        data = self._data.get(structure_id)
        if data is None or not self.is_shown(structure_id):
            return None
        lo, hi = data.bounds()
        corners = np.array(np.meshgrid(*zip(lo, hi, strict=True))).reshape(3, -1).T
        xy = np.array([self.world_to_display(c) for c in corners])
        w, h = self.render_window.GetSize()
        x0, y0 = np.clip(xy.min(axis=0), 0, [w - 1, h - 1]).astype(int)
        x1, y1 = np.clip(xy.max(axis=0), 0, [w - 1, h - 1]).astype(int)
        cx, cy = self.project(structure_id)
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1, step), np.arange(y0, y1 + 1, step))
        order = np.argsort((gx - cx) ** 2 + (gy - cy) ** 2, axis=None)
        for k in order[:2000]:
            px, py = int(gx.flat[k]), int(gy.flat[k])
            if self.pick(px, py) == structure_id:
                return px, py
        return None

    # ---------------------------------------------------------------------- rendering
    def _changed(self) -> None:
        if not self.auto_render:
            return
        if self._schedule_frame is not None:
            self._schedule_frame(self._draw_changes)
            return
        self._draw_changes()

    def _draw_changes(self) -> None:
        if not self.auto_render or self.closed:
            return
        if self._schedule_idle is None:
            self._refine_normals()
            self.render()
            return
        if self._fast:
            self.render()
            return
        self.set_fast_rendering(True)
        try:
            self._render_quick()
        finally:
            self.set_fast_rendering(False)
        self._schedule_idle(self._refine)

    def _render_quick(self) -> None:
        """The quick frame that answers a change: in a window on screen, the 3D scene at
        ``quick_scale`` of its resolution, scaled up (labels stay sharp)."""
        window = self.render_window
        if self._own_window or self.quick_scale >= 1.0 or not can_reduce(window):
            self.render()
            return
        self.renderer.ResetCameraClippingRange()
        render_reduced(window, self.renderer, self.overlay, self.quick_scale)

    def warm_up(self) -> None:
        """Draw, without showing them, the frames a first selection would (see warm_up_step)."""
        while self.warm_up_step():
            pass

    def warm_up_step(self) -> bool:
        """Draw one hidden frame as a selection would (faded rest, labels); True if more remain.

        The first selection otherwise allocates at that moment what every later one reuses
        (translucency buffers, label text, shader variants), which makes it slow and grows
        memory. Call once the first frame is on screen, one step per idle moment: the coarse
        twins first (:meth:`build_twins_step`), then a quick frame, then a full-quality one.
        The picture on screen does not change.
        """
        if self.closed or self.warmed_up:
            return False
        if self._stand_ins.pending:
            self.build_twins_step()
            return True
        target = next((sid for sid in self._actors if self.catalog[sid].kind == "muscle"), None)
        fast = self._warm_steps == 0
        self._warm_steps += 1
        self.warmed_up = target is None or not fast
        if target is None:
            return False
        window = self.render_window
        swap = window.GetSwapBuffers()
        window.SwapBuffersOff()
        self._warming = target
        try:
            self.restyle()
            self.set_fast_rendering(fast)
            self.render()
        finally:
            self._warming = None
            self.set_fast_rendering(False)
            self.restyle()
            window.SetSwapBuffers(swap)
        return not self.warmed_up

    def _refine(self) -> None:
        if not self._fast:
            self._resolve_pose()
            self._refine_normals()
            self.render()

    def _refine_normals(self) -> None:
        for data in self._data.values():
            data.refine_normals()
        self._stand_ins.refine_normals()

    def render(self) -> None:
        """Draw one frame (nothing once the scene is closed)."""
        if self.closed:
            return
        if not self._fast:
            self._resolve_pose()
        self.renderer.ResetCameraClippingRange()
        self.render_window.Render()

    def set_size(self, width: int, height: int) -> None:
        """Resize the (offscreen) window, keeping the view framed."""
        self.render_window.SetSize(int(width), int(height))
        self.set_view(self.view)

    def _grab(self, exact: bool = True) -> vtkWindowToImageFilter:
        """Render at full quality and read the image; ``exact``: see-through structures
        depth-peeled and every structure in full (as saved images are), else as on screen."""
        self._resolve_pose()
        self._refine_normals()
        self.renderer.SetUseDepthPeeling(exact)
        self._exact = exact
        try:
            self.render()
            grab = vtkWindowToImageFilter()
            grab.SetInput(self.render_window)
            grab.SetInputBufferTypeToRGB()
            grab.ReadFrontBufferOff()
            grab.ShouldRerenderOff()
            grab.Update()
        finally:
            self.renderer.SetUseDepthPeeling(False)
            self._exact = False
        return grab

    def capture(self, exact: bool = True) -> np.ndarray:
        """Render and return the image as an (height, width, 3) uint8 array, top row first.

        ``exact=False`` draws the full-quality frame the window shows (stand-ins, see-through
        structures blended farthest first) instead of a saved image's.
        """
        image = self._grab(exact).GetOutput()
        w, h, _ = image.GetDimensions()
        pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)
        return np.ascontiguousarray(pixels[::-1, :, :3])

    def pixel(self, x: float, y: float, image: np.ndarray | None = None) -> np.ndarray:
        """RGB of display pixel (x, y; origin bottom-left), from ``image`` or a new capture."""
        image = self.capture() if image is None else image
        h = image.shape[0]
        return image[h - 1 - int(round(y)), int(round(x))].astype(int)

    def save_png(self, path: str | Path, size: tuple[int, int] | None = None) -> Path:
        """Render offscreen (at ``size`` if given) and write a PNG; returns the path."""
        if size is not None and tuple(size) != tuple(self.render_window.GetSize()):
            self.set_size(*size)
        grab = self._grab()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = vtkPNGWriter()
        writer.SetFileName(str(path))
        writer.SetCompressionLevel(4)
        writer.SetInputConnection(grab.GetOutputPort())
        writer.Write()
        return path

    def close(self) -> None:
        """Stop following the state and release the offscreen window; later renders do nothing."""
        if self.closed:
            return
        self.closed = True
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections.clear()
        self.render_window.RemoveRenderer(self.renderer)
        self.render_window.RemoveRenderer(self.overlay)
        if self._own_window:
            self.render_window.Finalize()


__all__ = ["PICK_MIN_OPACITY", "VIEWS", "Scene"]
