"""The 3D scene: one VTK actor per structure, styled from :class:`AppState`.

No Qt here. The window hands its render window in (``render_window=``); the command line and
the tests let the scene make an offscreen one. Screen coordinates (``pick``, ``project``) are
VTK display coordinates: pixels, origin at the BOTTOM-left of the render window.

The Scene is a facade over modules with one job each: :mod:`~calfexplorer.scene.actors`
(an actor and its shader uniforms), :mod:`~calfexplorer.scene.styling` (what to draw how),
:mod:`~calfexplorer.scene.style_apply` (handing the actors what changed),
:mod:`~calfexplorer.scene.pose_apply` (meshes to the pose), :mod:`~calfexplorer.scene.frames`
(when and how well to draw), :mod:`~calfexplorer.scene.stand_ins`,
:mod:`~calfexplorer.scene.picker`, :mod:`~calfexplorer.scene.outline`,
:mod:`~calfexplorer.scene.site_labels` and :mod:`~calfexplorer.scene.export`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkRenderingCore import vtkActor, vtkRenderWindow

from calfexplorer.scene import export, style
from calfexplorer.scene.actors import apply_uniforms as _apply_uniforms
from calfexplorer.scene.actors import is_painted, make_actor, material
from calfexplorer.scene.camera import DEFAULT_VIEW, VIEWS, CameraMove, CameraPose
from calfexplorer.scene.camera_rig import Box, CameraRig
from calfexplorer.scene.catalog import StructureInfo, build_catalog
from calfexplorer.scene.faded_groups import faded_look
from calfexplorer.scene.far_side import (
    BEHIND_BONE,
    BEHIND_FOOT,
    BONE_DEPTH,
    FOOT_DEPTH,
    UNDER_DEPTH,
    UNDER_MUSCLE,
    behind_box,
    in_box,
)
from calfexplorer.scene.frames import Frames
from calfexplorer.scene.gpu_timers import silence_gpu_timers
from calfexplorer.scene.labels import Label, LabelLayer
from calfexplorer.scene.nerve_cut import Mark, NerveCuts, grey_colours
from calfexplorer.scene.outline import Outline
from calfexplorer.scene.picker import Picker
from calfexplorer.scene.picking import rays_hit_boxes
from calfexplorer.scene.polydata import MeshData, as_drawn_patch
from calfexplorer.scene.pose_apply import LoadedPoser, PoseApplier
from calfexplorer.scene.region_band import inside
from calfexplorer.scene.renderers import make_renderers
from calfexplorer.scene.site_labels import fit_title, site_labels, title_actor
from calfexplorer.scene.skin_layer import SkinView
from calfexplorer.scene.space_labels import content_labels
from calfexplorer.scene.stand_ins import StandIns
from calfexplorer.scene.style_apply import StyleApplier
from calfexplorer.scene.styling import PICK_MIN_OPACITY, DrawnStyle, part_of, space_ids
from calfexplorer.scene.styling import selection_parts as _selection_parts
from calfexplorer.state import AppState

_COS_1_DEG = 0.99985  # cos(1 degree)

#: Structures drawn at most this opaque (the faded rest around a selection) draw their coarse
#: twin: at that opacity the finer surface cannot be told apart.
GHOST_MAX_OPACITY = 0.4
#: Vertices of the selection projected to find the boxes covering it on screen, which the
#: labels keep clear of (in every frame with labels: ~0.5 ms), and the strips of its width that
#: each box spans.
BOX_POINTS = 1500
BOX_STRIPS = 8
#: Under this share of a lesion's muscles on screen, the view frames them with the leg.
ON_SCREEN_SHARE = 0.75


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
        self._assets = assets
        self.atlas = atlas
        meshes: Mapping[str, Any] = getattr(assets, "meshes", assets)
        self.unavailable: dict[str, str] = dict(getattr(assets, "unavailable", {}) or {})
        self.catalog: dict[str, StructureInfo] = build_catalog(
            atlas, meshes.keys(), getattr(assets, "kinds", None)
        )

        self._r = make_renderers(render_window, size)
        self.renderer, self.overlay, self.render_window = (
            self._r.renderer, self._r.overlay, self._r.window
        )
        self._frames = Frames(
            self._r,
            auto_render=(not self._r.own_window) if auto_render is None else auto_render,
            resolve_pose=lambda: self._posing.resolve(),
            refine_normals=self._refine_normals,
            as_placed=lambda: self._posing.as_placed(),
        )
        self._stand_ins = StandIns(self.renderer, self._make_actor, _apply_uniforms)

        # The meshes as last moved: read them through _posed (which first brings them to the
        # pose) except while a pose is being applied (labels, outline, stand-ins).
        self._data: dict[str, MeshData] = {}
        self._painted: set[str] = set()
        #: Bones some attachment patch lies on (drawn faded in full while one is lit).
        self._site_bones = frozenset(
            info.bone for info in self.catalog.values() if info.is_site and info.bone
        )
        self._actors: dict[str, vtkActor] = {}
        self._ids: dict[vtkActor, str] = {}
        for sid, mesh in meshes.items():
            try:
                self._data[sid] = MeshData(
                    as_drawn_patch(mesh) if self.catalog[sid].is_site else mesh)
            except (ValueError, TypeError, AttributeError, IndexError) as exc:
                self.unavailable[sid] = f"mesh could not be drawn: {exc}"
                continue
            actor = self._make_actor(sid)
            self._actors[sid] = actor
            self._ids[actor] = sid
            self.renderer.AddActor(actor)
        self._posing = PoseApplier(
            self._data, self._actors, self._stand_ins, assets, self._after_move
        )
        self._picker = Picker(
            self.renderer, self.render_window, self.catalog, self._actors,
            lambda: self._posing.meshes, self._stand_ins,
        )

        #: Regions that are spaces (the tarsal tunnel): their contents are lit, and framed,
        #: only inside them.
        self._spaces = space_ids(atlas) & self._actors.keys()
        self._styles = StyleApplier(
            self.state, self.catalog, self._actors, part_of(self.catalog, atlas), self._painted,
            self._stand_ins, self._r.culler, part_of(self.catalog, atlas, spaces=False),
            spaces=self._spaces,
            world_vertices=lambda sid: self._posed[sid].world_vertices,
        )
        self._drawn: dict[str, DrawnStyle] = self._styles.drawn  # the same dict, kept current
        self._stand_ins.plan(self._actors)
        self.renderer.AddObserver(vtkCommand.StartEvent, self._swap_in_stand_ins)
        # (after the window's OpenGL context is up, which may have reloaded VTK's entry points)
        def silence_timers(*_: object) -> None:
            silence_gpu_timers()

        self.renderer.AddObserver(vtkCommand.StartEvent, silence_timers)
        self.renderer.AddObserver(vtkCommand.EndEvent,
                                  lambda *_: self._stand_ins.restore(self._actors))

        self._outline = Outline(self.renderer)
        self.outline_actor = self._outline.actor
        self.title_actor = title_actor(self.overlay)
        self._title = ""
        self._title_fitted: tuple[str, int] | None = None
        self.overlay.AddObserver(vtkCommand.StartEvent, lambda *_: self._fit_title())
        self._label_layer = LabelLayer(
            self.overlay, self.world_to_display, lambda: self.render_window.GetSize(),
            self.selection_on_screen, self._far_side,
        )
        #: A nerve lesion's cuts (see :mod:`~calfexplorer.scene.nerve_cut`); the colours last
        #: given to :meth:`set_colour_overrides`, which the cut-off nerves' grey joins.
        self._cuts = NerveCuts(
            self.renderer, self.overlay, lambda sid: self._data[sid].world_vertices,
            lambda sid: self._data[sid].faces, self._actors.keys(), self.is_shown,
            {n.id: n.branch_of for n in (atlas.nerves() if hasattr(atlas, "nerves") else ())
             if n.branch_of},
        )
        self._given_colours: dict[str, style.RGB] = {}
        #: The foot's bones (the talus too): a site seen through them is on the far side.
        self._foot_bones = [s.id for s in atlas if getattr(s, "kind", None) == "bone"
                            and getattr(s, "region", None) in ("foot", "ankle")]
        self._foot_box: tuple[Any, tuple[float, ...], tuple[float, ...]] | None = None
        #: The other bones (the leg's, the hip's): a site seen through one lies beyond it. Not
        #: the patella: its own sites, on its edges, lie 16-20 mm inside it seen from in front.
        self._leg_bones = [s.id for s in atlas if getattr(s, "kind", None) == "bone"
                           and s.id not in self._foot_bones and s.id != "patella"]
        self._leg_boxes: tuple[Any, np.ndarray] | None = None
        #: A selected space's content labels and what they were found for.
        self._space_labels: tuple[Any, list[Label]] | None = None
        #: (foot box key and camera position, each site point's far-side note) of the last
        #: labels' layout: see _far_side.
        self._far_notes: tuple[Any, dict[tuple[float, float, float], str]] = (None, {})
        #: (what the last answers hold for but the pose, the answers in order): a quick frame
        #: whose only change is the pose shows them again (see _far_side).
        self._far_held: tuple[Any, list[str]] | None = None

        self._warm_selection: str | None = None  # drawn as selected by the warm-up
        self._prepared_id: str | None = None  # drawn as selected ahead of a click
        #: The skin (off until asked for; built on first use): see scene.skin_layer.
        self.skin = SkinView(self)
        self._rig = CameraRig(
            self.renderer, self.render_window, self.catalog,
            lambda: self._posing.meshes, self._frames.changed,
        )

        self._connections: list[tuple[Any, Callable[..., None]]] = [
            (self.state.selected_changed, self._on_style_change),
            (self.state.hovered_changed, self._on_style_change),
            (self.state.visibility_changed, self._on_style_change),
            (self.state.fade_changed, self._on_style_change),
            (self.state.xray_changed, self._on_style_change),
            (self.state.labels_changed, self._on_style_change),
            (self.state.pose_changed, self._on_pose_change),
            (self.state.pose_changed, self.skin.follow_pose),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self.restyle()
        self.set_view(DEFAULT_VIEW)

    # ------------------------------------------------------------------------ building
    def _make_actor(self, sid: str, data: MeshData | None = None) -> vtkActor:
        """An actor drawing ``data`` (default: the structure's mesh) in the structure's style."""
        data = data or self._data[sid]
        if is_painted(data, self.catalog[sid]):
            self._painted.add(sid)
        return make_actor(data, self.catalog[sid])

    # ------------------------------------------------------------------------- queries
    @property
    def _posed(self) -> Mapping[str, MeshData]:
        """The meshes, brought to the current pose first."""
        return self._posing.meshes

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (later renders do nothing)."""
        return self._frames.closed

    @property
    def auto_render(self) -> bool:
        """Whether every change draws (now or when the frame scheduler says)."""
        return self._frames.auto_render

    @auto_render.setter
    def auto_render(self, on: bool) -> None:
        self._frames.auto_render = bool(on)

    @property
    def warmed_up(self) -> bool:
        """Whether :meth:`warm_up_step` has drawn all it draws."""
        return self._frames.warmed_up

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
        return self._posed[structure_id].centroid.copy()

    def world_vertices(self, structure_id: str) -> np.ndarray:
        """World vertices of a structure's (full) mesh as now posed."""
        return self._posed[structure_id].world_vertices

    def faces(self, structure_id: str) -> np.ndarray:
        """Triangles of a structure: (m, 3) indices into :meth:`world_vertices`."""
        return self._data[structure_id].faces

    def parts(self, structure_id: str) -> frozenset[str]:
        """Ids with an actor that selecting ``structure_id`` highlights (itself and its parts)."""
        return self._selection_parts(structure_id) & self._actors.keys()

    @property
    def highlighted(self) -> frozenset[str]:
        """Ids drawn as selected: the selection and its parts in the highlight colour; a
        selected space's contents lit in their kinds' colours, only inside it."""
        return self._styles.highlighted

    @property
    def _highlighted(self) -> frozenset[str]:
        return self._styles.highlighted

    @property
    def lit_sites(self) -> Mapping[str, str]:
        """Attachment patches lit for the selection: id -> "origin" or "insertion"."""
        return dict(self._styles.lit)

    @property
    def _lit_sites(self) -> Mapping[str, str]:
        return self._styles.lit

    @property
    def labels(self) -> list[str]:
        """Texts of the 3D labels now shown."""
        return self._label_layer.texts

    @property
    def drawn_labels(self) -> list[str]:
        """The labels' texts as the last frame drew them (a far side's note added)."""
        return list(self._label_layer.drawn_texts)

    def drawn_style(self, structure_id: str) -> DrawnStyle | None:
        """The colour, opacity and lighting a structure is drawn with now, or None."""
        return self._drawn.get(structure_id)

    # ------------------------------------------------------------------------- styling
    def _on_style_change(self, *_: Any) -> None:
        self.restyle()
        self._frames.changed()

    def _selection_parts(self, sid: str | None) -> frozenset[str]:
        return _selection_parts(sid, self._styles.children)

    def _selected(self) -> str | None:
        return self.state.selected if self._warm_selection is None else self._warm_selection

    def restyle(self) -> None:
        """Apply the state's selection, hover, visibility and opacity to every actor: resolve
        the styles (:func:`~calfexplorer.scene.styling.resolve_styles`) and hand the actors
        only what changed since the last time (:class:`~calfexplorer.scene.style_apply.
        StyleApplier`); then the outline and the labels follow."""
        self._styles.apply(self._selected())
        self._cuts.show_with(self._drawn, self._styles.highlighted)
        self._update_outline()
        self._update_labels()

    def _fit_title(self) -> None:
        """The title within the view's width (once per text and width)."""
        key = (self._title, self.overlay.GetSize()[0])
        if self._title and self.title_actor.GetVisibility() and key != self._title_fitted:
            fit_title(self.title_actor, self.overlay, self._title)
            self._title_fitted = key

    def _update_outline(self) -> None:
        # (a space's contents, lit only inside it, are not outlined from knee to toes)
        outlined = self._highlighted - self._styles.banded
        shown = [sid for sid in sorted(outlined) if self._actors[sid].GetVisibility()]
        self._outline.around(self._data[sid] for sid in shown)

    def _update_labels(self) -> None:
        selected = self._selected()
        show = self.state.labels and selected is not None
        name = self.catalog[selected].name if selected in self.catalog else (selected or "")
        self._title = name
        self._title_fitted = None  # (fitted to the view's width as the next frame starts)
        self.title_actor.SetInput(name)
        self.title_actor.SetVisibility(bool(show and name))
        labels = (
            site_labels(self.catalog, selected, self._lit_sites, self.is_shown, self._site_point)
            if show
            else []
        )
        if show:
            labels += self._content_labels()
        if self.state.labels:  # (a lesion's cut is named with nothing selected)
            labels += self._cuts.labels
        self._label_layer.set_labels(labels)

    def _content_labels(self) -> list[Label]:
        """Labels of a selected space's shown contents (see :mod:`.space_labels`), found
        again only when the space, its lit boxes, the pose or what is shown changed (a hover
        restyles too: ~3-10 ms saved)."""
        band, space = self._styles.band, self._styles.space
        if band is None or space is None:
            return []
        shown = frozenset(sid for sid in self._styles.banded if self.is_shown(sid))
        key = (space, band.tobytes(), tuple(sorted(self.state.pose.items())), shown)
        if self._space_labels is None or self._space_labels[0] != key:
            labels = content_labels(
                self.catalog, self._styles.children.get(space, ()),
                lambda sid: self._selection_parts(sid) & shown,
                lambda sid: self._data[sid].world_vertices, band)
            self._space_labels = (key, labels)
        return list(self._space_labels[1])

    def _far_side(self, points: Sequence[tuple[float, float, float]]) -> list[str]:
        """:data:`.far_side.BEHIND_FOOT` for each point seen through the shown foot bones' box
        from the camera (the leg's sites from below), or, on the foot, behind its bones (the
        toes from behind); else :data:`.far_side.BEHIND_BONE` for one deep beyond a bone of
        the leg, named (the popliteal groove from the medial side); else
        :data:`.far_side.UNDER_MUSCLE` for one deep beneath the selected muscle itself (its
        origin under its belly); else ""."""
        shown = tuple(sid for sid in self._foot_bones if self.is_shown(sid))
        over = self._selected_muscle_parts()
        bones = tuple(sid for sid in self._leg_bones if self.is_shown(sid))
        if not shown and not over and not bones:
            return [""] * len(points)
        eye = tuple(self.renderer.GetActiveCamera().GetPosition())
        # A quick frame whose only change is the pose (a slider held, an action playing) keeps
        # the last notes, site by site: casting each site again against the moved selection
        # (its cell locators built anew) cost ~4 ms of main-thread CPU a drag step with the
        # pack. The full frame once the pose stops answers for it.
        held = (shown, over, bones, eye, tuple(self._label_layer.texts), len(points))
        if self._frames.fast and self._far_held is not None and self._far_held[0] == held:
            return list(self._far_held[1])
        answers = self._cast_far_side(points, shown, over, eye, bones)
        self._far_held = (held, answers)
        return list(answers)

    def _cast_far_side(self, points: Sequence[tuple[float, float, float]],
                       shown: tuple[str, ...], over: tuple[str, ...],
                       eye: tuple[float, ...], bones: tuple[str, ...] = ()) -> list[str]:
        """The notes of :meth:`_far_side` for the pose as it is (kept while the camera, the
        pose and the selection stay)."""
        pose = tuple(sorted(self._posing.placed_pose.items()))
        foot_key = (shown, pose)
        key = (foot_key, over, bones)
        if bones and (self._leg_boxes is None or self._leg_boxes[0] != (bones, pose)):
            self._leg_boxes = ((bones, pose), np.array(
                [np.column_stack([v.min(axis=0), v.max(axis=0)]).ravel()  # (VTK's order)
                 for v in map(self.world_vertices, bones)], dtype=np.float64))
        if shown and (self._foot_box is None or self._foot_box[0] != foot_key):
            boxes = [(v.min(axis=0), v.max(axis=0)) for v in map(self.world_vertices, shown)]
            self._foot_box = (foot_key, tuple(np.min([b[0] for b in boxes], axis=0).tolist()),
                              tuple(np.max([b[1] for b in boxes], axis=0).tolist()))
        # Every layout asks again (before each frame); the answers hold while the camera,
        # the pose and the selection stay (a site's ray-cast is ~0.1-0.7 ms).
        if self._far_notes[0] != (key, eye):
            self._far_notes = ((key, eye), {})
        notes = self._far_notes[1]

        def behind_foot(p: tuple[float, float, float]) -> bool:
            if not shown or self._foot_box is None:
                return False
            _, lo, hi = self._foot_box
            if in_box(p, lo, hi):  # (a site on the foot: beyond its bones, or on this side)
                return self._picker.run_behind(eye, p, shown) > FOOT_DEPTH
            return behind_box(eye, p, lo, hi)

        def behind_bone(p: tuple[float, float, float]) -> str:
            """The note naming the leg's bone the site lies deepest beyond ("" for none)."""
            if not bones or self._leg_boxes is None:
                return ""
            crossed = rays_hit_boxes(np.asarray(eye, np.float64), np.asarray(p, np.float64),
                                     self._leg_boxes[1])  # (a cast only where it may meet)
            runs = {b: self._picker.run_behind(eye, p, (b,))
                    for b, hit in zip(bones, crossed, strict=True) if hit}
            deepest = max(runs, key=runs.__getitem__, default=None)
            if deepest is None or runs[deepest] <= BONE_DEPTH:
                return ""
            name = self.atlas.name_of(deepest)
            return BEHIND_BONE.format(bone=name[:1].lower() + name[1:])

        for p in points:
            if p not in notes:
                notes[p] = BEHIND_FOOT if behind_foot(p) else behind_bone(p) or (
                    UNDER_MUSCLE if over and self._picker.run_behind(eye, p, over) > UNDER_DEPTH
                    else "")
        return [notes[p] for p in points]

    def _selected_muscle_parts(self) -> tuple[str, ...]:
        """The shown muscle and tendon parts of the selection when a muscle is selected (its
        sites may lie under them), else none (a space's contents, a lesion's cut)."""
        selected = self._selected()  # (a frame drawn ahead of a click says it already)
        info = self.catalog.get(selected) if selected is not None else None
        if info is None or info.kind != "muscle":
            return ()
        return tuple(sorted(sid for sid in self._selection_parts(selected)
                            if self.catalog[sid].kind in ("muscle", "tendon")
                            and self.is_shown(sid)))

    def _site_point(self, sid: str) -> tuple[float, float, float]:
        x, y, z = (float(v) for v in self._data[sid].centroid)
        return x, y, z

    def set_sites_concealed(self, concealed: bool) -> None:
        """While a quiz question is open, light no attachment patches of the selection (they
        would show an origin or insertion asked about); a selected patch itself stays lit."""
        if self._styles.set_concealed(concealed):
            self.restyle()
            self._frames.changed()

    def set_colour_overrides(self, colors: Mapping[str, style.RGB] | None,
                             stay: bool = False) -> None:
        """Draw these ids in these colours (0..1 RGB) instead of their anatomical ones.

        Used to colour muscles by lengthening and shortening, and a lesion's weak muscles
        (``stay``: they do not fade with the rest when something is selected); ``{}`` or None
        restores. The selection, hover and lit attachment sites still take precedence.
        """
        self._given_colours = dict(colors or {})
        merged = {**self._given_colours, **grey_colours(self._cuts.grey)}
        if self._styles.set_overrides(merged, stay):
            self.restyle()
            self._frames.changed()

    def set_nerve_cuts(self, marks: Iterable[Mark], cut_off: Iterable[str] = ()) -> None:
        """Mark where a lesion cuts its nerves (``marks``: :class:`~calfexplorer.lesion.
        cut_marks.CutMark`), draw each nerve below its mark grey, and the nerves ``cut_off``
        grey whole, with those that leave a marked nerve below its mark; a label names each
        cut (with the Labels toggle). Nothing for empty ones. The grey keeps with the colours
        of :meth:`set_colour_overrides`, which take the same ``stay``."""
        self._posing.resolve()  # (marks laid on the meshes as the pose has them, not coarse)
        if self._cuts.draw(marks, cut_off):
            self.set_colour_overrides(self._given_colours, self._styles.overrides_stay)
            self._update_labels()
            self._frames.changed()

    @property
    def nerve_cuts(self) -> NerveCuts:
        """The lesion's cuts as drawn: their places, actors, labels and grey nerves."""
        return self._cuts

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
        if self._frames.exact:
            return
        # A lit patch lies on its bone's full surface; a coarse bone could cover it.
        keep = self._highlighted | self._lit_sites.keys()
        keep |= {b for sid in self._lit_sites if (b := self.catalog[sid].bone) is not None}
        fast, stale = self._frames.fast, self._posing.stale

        def use_twin(sid: str) -> bool:
            drawn = self._drawn.get(sid)
            faded = drawn is not None and drawn.opacity <= GHOST_MAX_OPACITY
            return sid in stale or (sid not in keep and (faded or fast))

        self._stand_ins.swap_in(self._actors, self._drawn, use_twin, keep)
        if fast:  # quick frames: the faded rest merged into one actor per look
            self._stand_ins.merge_faded(
                self._data,
                self._actors,
                self._drawn,
                lambda sid: faded_look(self.catalog[sid]),
                GHOST_MAX_OPACITY,
                # in full under lit patches: the bones some patch lies on
                lambda sid: sid in self._site_bones,
                unhurried=self._warm_selection is not None,  # the hidden warm-up frame
                fits=self._fades_as,
                thin=self._frames.moving,
            )

    def _fades_as(self, sid: str, drawn: DrawnStyle) -> bool:
        """Whether a structure can be drawn faded in a style: a muscle painted belly to tendon
        in its own colours (``plain``), or in one colour other than its material's (a colour
        override: lengths, a lesion); any other in one colour."""
        if sid not in self._painted:
            return not drawn.plain
        return drawn.plain or drawn.color != material(self.catalog[sid]).color

    # ------------------------------------------------------------------------- posing
    def set_poser(self, poser: Callable[[Mapping[str, float]], Any] | None) -> None:
        """Callable turning ``state.pose`` into new geometry; used on every pose change.

        It returns either vertices by id, or an object with ``transforms`` (id -> 4x4 rigid
        placement of the rest mesh), ``vertices`` and ``normals`` (id -> (n, 3) arrays), like
        :class:`calfexplorer.geometry.deform.PosedMeshes`.
        """
        self._posing.poser = poser

    def prepare_posing(self, say: Callable[[str], None] | None = None,
                       still: Callable[[], None] | None = None) -> None:
        """Load what posing needs (the model, the deformer and its plans) ahead of the first
        pose: a few hundred ms that would otherwise stall the first slider move. ``say`` is
        told each step of longer work the poser must do again (the BodyParts3D leg's kept
        tubes relearning their moves after an update of the program: ~20 s), ``still`` called
        several times a second meanwhile; either may raise to stop (no poser is kept)."""
        if not self.closed:
            self.take_posing(self.load_posing(say, still) if self._posing.poser is None
                             else None)

    def load_posing(self, say: Callable[[str], None] | None = None,
                    still: Callable[[], None] | None = None) -> LoadedPoser:
        """The poser :meth:`prepare_posing` loads, made without touching the scene or VTK: it
        may run in another thread (seconds for the BodyParts3D leg), handed to
        :meth:`take_posing` in the scene's own."""
        return self._posing.load(say, still)

    def load_posing_async(self, say: Callable[[str], None] | None = None
                          ) -> Future[LoadedPoser]:
        """:meth:`load_posing` in a worker thread; its result goes to :meth:`take_posing` in
        the scene's own thread. A pose given meanwhile waits for it (not loading again)."""
        future: Future[LoadedPoser] = Future()

        def run() -> None:
            try:
                future.set_result(self.load_posing(say))
            except BaseException as exc:  # noqa: BLE001 - the caller reads it from the future
                future.set_exception(exc)

        self._posing.loading = future
        threading.Thread(target=run, name="posing-load", daemon=True).start()
        return future

    def take_posing(self, loaded: LoadedPoser | None) -> None:
        """Pose with a poser from :meth:`load_posing` (unless one was taken meanwhile); the
        poser's own coarse twins are made ready for the first drag."""
        if not self.closed:
            if loaded is not None:
                self._posing.take(loaded)
            while self._stand_ins.given_pending and self.build_twins_step():
                pass  # the poser's own twins (the pack's), before the first drag

    @property
    def posing_ready(self) -> bool:
        """Whether :meth:`prepare_posing` (or a first pose) has loaded the poser."""
        return self._posing.poser is not None

    def show_as(self, other: Scene) -> None:
        """Draw what ``other`` (on the same state) draws: the state's pose, which a new scene
        does not take by itself, the colour overrides (lengths, a lesion), the skin and the
        camera. For an export of the window's view."""
        if any(self.state.pose.values()):
            self.prepare_posing()
            self._on_pose_change(self.state.pose)
        self.set_colour_overrides(other._styles.overrides, other._styles.overrides_stay)
        self.skin.copy_from(other.skin)
        self.set_camera_pose(other.camera_pose(), view_angle=other.camera.GetViewAngle())

    def _on_pose_change(self, pose: Mapping[str, float]) -> None:
        # Swept meshes may move coarsely first when a quick frame will draw them.
        self._posing.pose(pose, coarse_first=self._frames.two_step, full=self._highlighted)

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
        self._posing.move(vertices, normals, transforms=transforms, exact_normals=exact_normals)

    def _after_move(self, placed: Set[str], notify: bool) -> None:
        if self._cuts.places:  # (a nerve is deformed, not placed: any move may move it)
            self._cuts.follow()
        if self._highlighted & placed:
            self._update_outline()
            self._styles.refresh_bands()
        self._update_labels()
        if notify:
            self._frames.changed()

    # -------------------------------------------------------------------------- camera
    @property
    def camera(self):
        """The vtkCamera shared by the scene's renderers."""
        return self.renderer.GetActiveCamera()

    @property
    def view(self) -> str:
        """The preset view last chosen (``set_view``; Reset view goes back to it)."""
        return self._rig.view

    def looking_from(self, view: str) -> bool:
        """Whether the camera looks from a preset's side (within about a degree), however
        near, far or off-centre (a zoom or pan keeps it, a turn does not)."""
        if view not in VIEWS:
            return False
        pose = self.camera_pose()
        back = np.asarray(pose.position, float) - np.asarray(pose.focal_point, float)
        length = float(np.linalg.norm(back))
        return length > 0 and float(back @ np.asarray(VIEWS[view][0])) > length * _COS_1_DEG

    def frame_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Box the default views frame: the leg's bones and the distal femur (or everything)."""
        return self._rig.leg_box()

    def camera_pose(self) -> CameraPose:
        """The current camera position, focal point and view-up."""
        return self._rig.pose()

    def set_camera_pose(self, pose: CameraPose, view_angle: float | None = None) -> None:
        """Place the camera (e.g. copy another scene's ``camera_pose()``)."""
        self._rig.place(pose, view_angle)

    def set_view(self, view: str) -> None:
        """Look from a preset (anterior, posterior, medial, lateral, superior, inferior), framing
        the leg.

        The superior view looks down the front of the leg from above (see ``camera.VIEWS``);
        like every view it draws the whole scene, nothing cut away or clipped.
        """
        self._rig.set_view(view)

    def turn(self, right_deg: float = 0.0, up_deg: float = 0.0, closer: float = 1.0) -> None:
        """Turn the camera about the focal point (``right_deg`` round the leg, ``up_deg``
        over it) and move it ``closer`` (2: half the distance): the keyboard's camera."""
        camera = self.camera
        camera.Azimuth(right_deg)  # (as a drag to the right turns it)
        camera.Elevation(up_deg)
        camera.OrthogonalizeViewUp()
        camera.Dolly(closer)
        self.renderer.ResetCameraClippingRange()
        self.render()

    def reset_camera(self) -> None:
        """Back to the current preset view, framing the whole leg."""
        self.set_view(self.view)

    def leg_in_view(self, as_drawn: bool = False) -> bool:
        """Whether the leg (the box :meth:`frame_bounds` frames) is wholly on screen;
        ``as_drawn``: the leg as the last frame drew it, not waiting for a pose still being
        made (see :meth:`set_main_thread_call`: a drag's check)."""
        if as_drawn:
            with self._posing.as_placed():
                return self._picker.box_in_view(*self.frame_bounds())
        return self._picker.box_in_view(*self.frame_bounds())

    def keep_leg_in_view(self) -> None:
        """Frame the posed leg again (same direction) if part of it is off screen."""
        if not self.leg_in_view():
            self.frame_leg()

    def frame_leg(self) -> None:
        """Frame the leg as it is posed now, looking from where the camera looks now."""
        self._rig.frame_leg()

    def keep_leg_in_view_through(self, poses: Iterable[Any], as_drawn: bool = False) -> None:
        """Frame the leg again (same direction) where it would leave the view on its way
        through these poses (:class:`calfexplorer.biomech.Pose`: an action played, a slider
        dragged): the knee's flexion swung the shank and foot off screen for most of it.
        ``as_drawn``: from the leg as the last frame drew it (see :meth:`leg_in_view`)."""
        with self._posing.as_placed() if as_drawn else contextlib.nullcontext():
            lo, hi = self._rig.leg_box()
            boxes = list(self._leg_boxes_at(poses))
        for then_lo, then_hi in boxes:
            lo, hi = np.minimum(lo, then_lo), np.maximum(hi, then_hi)
        if not self._picker.box_in_view(lo, hi):
            self._rig.frame_box(lo, hi)

    def _leg_boxes_at(self, poses: Iterable[Any]) -> Iterator[Box]:
        """The box of the leg's bones in each pose: their boxes now carried rigidly with
        their model bodies (the model's forward kinematics; no mesh is posed)."""
        from calfexplorer.biomech import Pose
        from calfexplorer.geometry.source import pose_state

        bodies = getattr(self._assets, "bodies", None) or {}
        meshes = self._posing.meshes
        corners: dict[str, list[np.ndarray]] = {}
        for sid in self._rig.leg_bones():
            if sid in bodies and sid in meshes:
                blo, bhi = meshes[sid].bounds()
                box = np.array([[x, y, z, 1.0] for x in (blo[0], bhi[0])
                                for y in (blo[1], bhi[1]) for z in (blo[2], bhi[2])])
                corners.setdefault(bodies[sid], []).append(box)
        if not corners:
            return
        now = pose_state(Pose(**self._posing.placed_pose))  # (where the bones are)
        back = {b: np.linalg.inv(np.asarray(now.bodies[b], dtype=float)) for b in corners}
        for pose in poses:
            then = pose_state(pose)
            points = np.concatenate([
                box @ (np.asarray(then.bodies[b], dtype=float) @ back[b]).T
                for b, boxes in corners.items() for box in boxes
            ])[:, :3]
            yield points.min(axis=0), points.max(axis=0)

    def focus(self, structure_id: str | None = None, duration: float = 0.35) -> CameraMove:
        """Start a smooth move centring a structure (default: the selection; a group frames
        its drawn parts, nothing drawn the whole leg).

        A space frames its own surface, not the whole length of what passes through it (the
        tarsal tunnel's tendons run from the knee to the toes).

        Returns the :class:`CameraMove`; call ``advance(dt)`` from a timer until it returns
        False (``duration=0`` or ``finish()`` jumps there).
        """
        target = structure_id or self.state.selected
        if target in self._spaces:
            return self._rig.focus([target], duration)
        return self._rig.focus(self._selection_parts(target), duration)

    # ------------------------------------------------------------------- picking, projecting
    def takes_clicks(self, structure_id: str) -> bool:
        """Whether a click can ever select the structure (a see-through kind, a compartment
        or a retinaculum over its tendons, never takes one)."""
        info = self.catalog.get(structure_id)
        return info is not None and material(info).opacity >= 1.0

    def of_kind_along(self, x: float, y: float, kind: str) -> list[tuple[float, str]]:
        """The structures of ``kind`` under display pixel (x, y), nearest the eye first, each
        with how far behind the first it begins (metres), drawn or not: what a click there
        may mean when the question is where a space or a sheet lies."""
        return self._picker.of_kind_along(x, y, kind)

    def pick(self, x: float, y: float) -> str | None:
        """The id of the structure drawn in front at display pixel (x, y), or None.

        The ray passes through the pixel's centre and meets the geometry the last frame drew
        (coarse twins where it drew them) on its drawn, camera-facing side: a click selects
        only what is drawn under the cursor. The highlighted selection seen through faded
        structures of other layers is what the pixel shows, and a click there keeps it.
        """
        # Only what lies in other layers gives way to the selection (a faded soleus to the lit
        # tibialis posterior): within its layer a click takes the structure in front (the
        # gastrocnemius over a selected soleus: half of it could not be clicked).
        layers = {self.catalog[s].layer for s in self._highlighted}
        faded = frozenset(sid for sid, d in self._styles.drawn.items() if d.opacity < 0.99
                          and self.catalog[sid].layer not in layers)
        return self._picker.pick(x, y, self._highlighted, faded)

    def project(self, structure_id: str) -> tuple[float, float]:
        """Display position (x, y; origin bottom-left) of a structure's centre."""
        return self._picker.project(structure_id)

    def world_to_display(self, point: Iterable[float]) -> tuple[float, float]:
        """Display position (x, y; origin bottom-left) of a world point."""
        return self._picker.world_to_display(point)

    def selection_on_screen(self) -> list[tuple[float, float, float, float]]:
        """Display boxes (x0, y0, x1, y1) about covering the highlighted structures as drawn
        now: one per strip of the :data:`BOX_STRIPS` their width on screen is cut into, so a
        muscle lying aslant leaves the corners of its whole box free; from at most
        :data:`BOX_POINTS` of their vertices (every few: the outermost may be missed by a
        pixel or two), those in front of the camera (none when nothing highlighted is shown).
        A selected space's contents count only inside it, where they are lit."""
        band = self._styles.band
        shown = []
        for sid in sorted(self._highlighted):
            if sid in self._data and self._actors[sid].GetVisibility():
                points = self._data[sid].world_vertices
                if band is not None and sid in self._styles.banded:
                    points = points[inside(band, points)]
                shown.append(points)
        count = sum(len(p) for p in shown)
        if not count:
            return []
        step = -(-count // BOX_POINTS)
        xy = self._picker.points_to_display(np.concatenate([p[::step] for p in shown]))
        xy = xy[np.isfinite(xy).all(axis=1)]
        if not len(xy):
            return []
        lo, hi = float(xy[:, 0].min()), float(xy[:, 0].max())
        strip = np.minimum(((xy[:, 0] - lo) / max(hi - lo, 1e-9) * BOX_STRIPS).astype(int),
                           BOX_STRIPS - 1)
        order = np.argsort(strip, kind="stable")
        xy, starts = xy[order], np.flatnonzero(np.diff(strip[order], prepend=-1))
        low, high = np.minimum.reduceat(xy, starts), np.maximum.reduceat(xy, starts)
        return [(float(a), float(b), float(c), float(d))
                for (a, b), (c, d) in zip(low, high, strict=True)]

    def visible_point(self, structure_id: str, step: int = 4) -> tuple[int, int] | None:
        """A display pixel where ``pick`` returns this structure, near its projected centre.

        Scans the structure's projected bounding box outwards from its centre; None when the
        structure is hidden or entirely covered.
        """
        return self._picker.visible_point(structure_id, step)

    def frame_with_leg(self, ids: Iterable[str], points: np.ndarray | None = None,
                       whole: bool = False) -> bool:
        """Frame these structures with the leg, from where the camera looks, when under
        :data:`ON_SCREEN_SHARE` of them is on screen (an obturator lesion's adductors lay above
        the leg's frame, unseen); ``points`` (n, 3), world points framed with them; ``whole``:
        when any of them or of the points is off screen (a lesion's weak muscles, numb skin
        and cuts: the sciatic nerve's cut in the buttock and its hamstrings lay above the
        calf's frame). Returns whether the camera moved."""
        parts = [p for sid in ids for p in self._selection_parts(sid)]
        points = np.empty((0, 3)) if points is None else np.asarray(points, float).reshape(-1, 3)
        need = 1.0 if whole else ON_SCREEN_SHARE
        if ((not parts or self._picker.share_on_screen(parts) >= need)
                and (not len(points) or self._picker.points_on_screen(points) >= need)):
            return False
        self._rig.focus([*parts, *self._rig.leg_bones()], 0.0, points)
        return True

    def share_on_screen(self, structure_id: str) -> float:
        """Fraction (0..1) of a structure's vertices (all its parts) inside the view now; a
        space's own surface, as :meth:`focus` frames it (its tendons on screen in the calf
        left the tarsal tunnel, at the ankle below the view, where it was)."""
        if structure_id in self._spaces:
            return self._picker.share_on_screen([structure_id])
        return self._picker.share_on_screen(self._selection_parts(structure_id))

    # ---------------------------------------------------------------------- rendering
    def set_fast_rendering(self, fast: bool) -> None:
        """Trade quality for speed while the user drags (no anti-aliasing)."""
        self._frames.set_fast(fast)

    def set_moving(self, moving: bool) -> None:
        """Whether a pose is moving (a held slider, a played action): its quick frames then
        draw the 3D scene at :data:`~calfexplorer.scene.frames.MOVING_SCALE` of the view's
        resolution, not at ``QUICK_SCALE``; the full-quality frame once changes pause is
        unchanged."""
        self._frames.moving = bool(moving)

    def set_idle_scheduler(self, schedule: Callable[[Callable[[], None]], None] | None) -> None:
        """Draw changes in two steps: a quick frame first, full quality once changes pause.

        ``schedule(fn)`` is called after every quick frame and must call ``fn`` later, once the
        caller sees no more changes coming (Qt: a restarted single-shot timer), so a slider drag
        draws only quick frames. Without a scheduler every change draws one full frame.
        """
        self._frames.set_idle_scheduler(schedule)

    def set_frame_scheduler(
        self, schedule: Callable[[Callable[[], None]], None] | None
    ) -> None:
        """Draw changes together, a moment later, instead of one frame per change.

        ``schedule(fn)`` must call ``fn`` soon, once however often it was asked before then
        (Qt: a zero-delay single-shot timer). A pose and the length colours it brings, or a
        selection and its camera move, then cost one frame. Without it every change draws.
        """
        self._frames.set_frame_scheduler(schedule)

    def set_main_thread_call(self, call: Callable[[Callable[[], None]], None] | None) -> None:
        """Make the poses a quick frame draws first (a held slider, a played action) in a
        worker thread while this one draws the last (see :mod:`.pose_worker`).

        ``call(fn)`` must run ``fn`` in the scene's thread soon and may be called from any
        thread (Qt: a queued signal). Only with a frame scheduler, which draws each pose once
        it lands. Without it (None) poses are made in this thread, before the call returns.
        """
        self._posing.pose_elsewhere(call)

    def set_posing_failed(self, failed: Callable[[Exception], None] | None) -> None:
        """Call ``failed(exc)`` where a pose cannot be made (the poser cannot be loaded or
        fails on a pose: a damaged pack, a file missing from the install), here or in the
        worker thread, instead of raising it (through the state's signal, or from the
        worker's hand-over, it reached only stderr): the window tells the user, and the
        meshes stay at the last pose made."""
        self._posing.failed = failed

    def set_pose_landed(self, landed: Callable[[], None] | None) -> None:
        """Call ``landed()`` each time a pose made in the worker thread is placed (its frame
        is scheduled, not drawn): a held slider may send its newest angle then, to be made
        while that frame is drawn (see :attr:`posing_behind`)."""
        self._posing.landed = landed

    @property
    def posing_behind(self) -> bool:
        """Whether a pose asked for is still being made in the worker thread (a frame will
        follow when it lands)."""
        return self._posing.behind

    def _changed(self) -> None:
        """Something drawn changed (the skin layer calls this too)."""
        self._frames.changed()

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
        target = next((sid for sid in self._actors if self.catalog[sid].kind == "muscle"), None)
        build = self.build_twins_step if self._stand_ins.pending else None
        return self._frames.warm_up_step(build, target, self._draw_as_selected)

    def _draw_as_selected(self, sid: str | None) -> None:
        self._warm_selection = sid
        self.restyle()

    def prepare_selection(self, structure_id: str | None) -> bool:
        """Draw, unseen, the quick frame that selecting ``structure_id`` would show, so that a
        click selecting it shows that frame at once instead of drawing one (the pointer rests
        on what it is about to click: call when it does, with nothing else to draw). The
        picture on screen, and what a pick finds, do not change. Never in study mode (a click
        there answers a question). True if the frame was drawn."""
        if (
            structure_id is None
            or structure_id == self.state.selected
            or structure_id not in self._actors
            or self.state.mode == "study"
        ):
            return False
        if self._prepared_id == structure_id and self._frames.prepared:
            return True  # drawn ahead already, and nothing drawn since
        stand_ins = self._stand_ins
        on_screen = stand_ins.last_twins, stand_ins.last_groups  # what a pick reads
        drawn: list[tuple[list[str], list[tuple[str, ...]]]] = []

        def undo() -> None:
            drawn.append((stand_ins.last_twins, stand_ins.last_groups))
            stand_ins.last_twins, stand_ins.last_groups = on_screen
            self._draw_as_selected(None)

        def shown() -> None:
            stand_ins.last_twins, stand_ins.last_groups = drawn[0]

        drawn_ahead = self._frames.prepare_quick(
            lambda: self._draw_as_selected(structure_id), undo, self._look, shown
        )
        self._prepared_id = structure_id if drawn_ahead else None
        return drawn_ahead

    def present_again(self) -> bool:
        """Show the frame on screen again without drawing the scene (the window system asks
        for the view again: a tooltip over it went), if it is a full frame and nothing was
        drawn or changed since; False otherwise (draw one). See Frames.present_again."""
        return self._frames.present_again()

    @property
    def selection_frame_ready(self) -> bool:
        """Whether a frame drawn by :meth:`prepare_selection` waits for its click."""
        return self._frames.prepared

    def _look(self) -> tuple[object, ...]:
        """What a frame would show, but for the pose and the camera: the view's size, the
        selection, each structure's style and visibility, the labels."""
        shown = frozenset(sid for sid, actor in self._actors.items() if actor.GetVisibility())
        return (
            tuple(self.render_window.GetSize()),
            self._selected(),
            dict(self._drawn),
            shown,
            tuple(self._label_layer.texts),
            self.title_actor.GetVisibility(),
        )

    def _refine_normals(self) -> None:
        for data in self._data.values():
            data.refine_normals()
        self._stand_ins.refine_normals()

    def render(self) -> None:
        """Draw one frame (nothing once the scene is closed)."""
        self._frames.render()

    def set_size(self, width: int, height: int) -> None:
        """Resize the (offscreen) window, keeping the view framed."""
        self.render_window.SetSize(int(width), int(height))
        self.set_view(self.view)

    # ------------------------------------------------------------------------- export
    def capture(self, exact: bool = True) -> np.ndarray:
        """Render and return the image as an (height, width, 3) uint8 array, top row first.

        ``exact=False`` draws the full-quality frame the window shows (stand-ins, see-through
        structures blended farthest first) instead of a saved image's.
        """
        return export.to_array(export.grab(self._frames, self._r, exact))

    def pixel(self, x: float, y: float, image: np.ndarray | None = None) -> np.ndarray:
        """RGB of display pixel (x, y; origin bottom-left), from ``image`` or a new capture."""
        return export.pixel_at(self.capture() if image is None else image, x, y)

    def save_png(self, path: str | Path, size: tuple[int, int] | None = None) -> Path:
        """Render offscreen (at ``size`` if given) and write a PNG; returns the path."""
        if size is not None and tuple(size) != tuple(self.render_window.GetSize()):
            self.set_size(*size)
        return export.write_png(export.grab(self._frames, self._r), path)

    def close(self) -> None:
        """Stop following the state and release the offscreen window; later renders do nothing."""
        if self.closed:
            return
        self._frames.closed = True
        self._posing.pose_elsewhere(None)
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections.clear()
        self.render_window.RemoveRenderer(self.renderer)
        self.render_window.RemoveRenderer(self.overlay)
        # VTK holds its observers' Python callbacks: cycles the garbage collector cannot see,
        # which kept every closed window's scene and meshes (View > Model: ~28 MB a switch)
        for obj in (self.renderer, self.overlay, self.render_window):
            obj.RemoveAllObservers()
        if self._r.own_window:
            self.render_window.Finalize()


__all__ = ["PICK_MIN_OPACITY", "VIEWS", "Scene"]
