"""The faded rest around a selection, merged into a few actors for quick frames.

With a structure selected, the ~150 others are drawn faded, see-through, one actor each, and
in software OpenGL they are most of a quick frame. A quick frame instead draws the faded
structures that look alike (same material and drawn style) as one actor per look: their drawn
geometry (coarse twins, patch groups, or full meshes) copied into one mesh in world
coordinates. Inside a merged actor the pieces keep the farthest-first order the renderer would
give them as separate actors (sorted again when the camera turns), so they blend alike.

A merged actor is drawn unlit: its vertex colours are shaded on the CPU for the renderer's
lights (diffuse and ambient as VTK lights them, per vertex, without the faint specular
highlights) and shaded again only when the camera turns or a piece moves. That spares the
per-pixel lighting of three lights on every see-through layer.

While a pose moves (a held slider, a played action) the quick frames draw thinner merged
meshes (:func:`thinned`): about a quarter of each piece's vertices, one kept from each cell of
a grid over it, with the triangles between them; the rasterizer's cost of a see-through
layer is mostly its triangles. The full frame once the pose stops draws every structure's own.

A piece whose mesh or placement changed since it was copied (a pose) is copied again before
the frame. Merged actors are never picked and never drawn in saved images.
``CALFEXPLORER_NO_FADED_MERGE=1`` turns the merge off (to compare).
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkRenderingCore import vtkActor, vtkRenderer

from calfexplorer.geometry.patches import outer_surface
from calfexplorer.geometry.vec3 import times_transposed
from calfexplorer.scene import style
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.polydata import MeshData, triangle_cells
from calfexplorer.scene.styling import DrawnStyle

#: Set to 1 to draw the faded rest one actor per structure in quick frames too (for comparing).
DISABLE_ENV = "CALFEXPLORER_NO_FADED_MERGE"
#: At most this many merged meshes are kept (one per look seen lately, and its thinner twin
#: once a pose has moved with it: a selection's 8 looks, both ways, take 16).
MAX_GROUPS = 24
#: A frame (re)builds one merged mesh, and more only until its merging has taken this long
#: (seconds); the rest wait for later frames, their structures drawn by their own actors.
BUILD_BUDGET = 0.01
#: The camera may turn this far (degrees) before a merged mesh is shaded and sorted again: a
#: drag turns it a degree or two a frame, and the faint faded rest shows no difference.
TURN_DEGREES = 2.0
_TURN_COS = float(np.cos(np.radians(TURN_DEGREES)))
#: The thinner meshes of a moving pose keep about this share of each piece's vertices ...
THIN_SHARE = 0.25
#: ... where a piece has at least this many (a smaller one is drawn as it is).
THIN_MIN_VERTICES = 64


class Piece(NamedTuple):
    """What a frame draws for one structure (or one body's merged patches)."""

    members: tuple[str, ...]
    data: MeshData
    actor: vtkActor


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a piece lies in a merged mesh."""

    start: int  # first vertex
    count: int  # vertices copied (a patch's outer ones, or those ``pick`` names)
    row: int  # its row in the group's centres (the slots in the order of their vertices)
    faces: np.ndarray  # its faces as the piece numbers them (shared, not copied): + start
    version: list[Any]  # the mesh's modification time and placement when copied (updated)
    pick: np.ndarray | None  # the piece's vertices copied (None: its first ``count``)


def faded_look(info: StructureInfo) -> Hashable:
    """What a structure shares with the others a merged actor draws: its material, and whether
    it is a patch (drawn in front of its bone)."""
    return style.MATERIALS.get(info.kind, style.MATERIALS["other"]), info.is_site


def _version(data: MeshData) -> tuple[int, bytes | None]:
    transform = None if data.transform is None else data.transform.tobytes()
    return data.polydata.GetMTime(), transform


def _world(
    data: MeshData, count: int, pick: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """World vertices and normals of a mesh's first ``count`` vertices (or those ``pick``
    names) as now placed."""
    if pick is not None:
        vertices, normals = data.vertices[pick], data.normals[pick]
        if data.transform is None:
            return vertices, normals
        turn = data.transform[:3, :3].astype(np.float32)
        return (times_transposed(vertices, turn) + data.transform[:3, 3]).astype(
            np.float32), times_transposed(normals, turn)
    normals = data.normals[:count]
    if data.transform is None:
        return data.vertices[:count], normals
    return data.world_vertices[:count], times_transposed(
        normals, data.transform[:3, :3].astype(np.float32))


def thinned(
    vertices: np.ndarray, faces: np.ndarray, share: float = THIN_SHARE
) -> tuple[np.ndarray, np.ndarray] | None:
    """About ``share`` of a surface's vertices and the triangles between them: the first
    vertex in each occupied cell of a grid over the surface (cells sized for its area), each
    triangle carried onto its corners' kept vertices; those that collapse, and repeats, go.
    ``(pick, faces)``: the vertices kept (indices into ``vertices``) and the faces numbering
    them in that order; None where the surface is too small to thin or thins to nothing."""
    if len(vertices) < THIN_MIN_VERTICES or len(faces) == 0:
        return None
    corners = vertices[faces].astype(np.float64)
    area = 0.5 * np.linalg.norm(
        np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1).sum()
    if area <= 0.0:
        return None
    cell = np.sqrt(area / (share * len(vertices)))
    keys = np.floor((vertices - vertices.min(axis=0)) / cell).astype(np.int64)
    _, pick, cluster = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    carried = cluster.reshape(-1)[faces]
    carried = carried[(carried[:, 0] != carried[:, 1]) & (carried[:, 1] != carried[:, 2])
                      & (carried[:, 0] != carried[:, 2])]
    if len(carried) == 0:
        return None
    _, first = np.unique(np.sort(carried, axis=1), axis=0, return_index=True)
    return pick.astype(np.intp), carried[np.sort(first)].astype(np.int32)


def lights_in_world(renderer: vtkRenderer) -> list[tuple[np.ndarray, np.ndarray]]:
    """(unit direction towards the light, colour times intensity) of each directional light
    that is on, in world coordinates for the renderer's camera as it is now."""
    camera = renderer.GetActiveCamera()
    view = camera.GetViewTransformMatrix()
    rotation = np.array([[view.GetElement(i, j) for j in range(3)] for i in range(3)])
    out = []
    lights = renderer.GetLights()
    lights.InitTraversal()
    for _ in range(lights.GetNumberOfItems()):
        light = lights.GetNextItem()
        if not light.GetSwitch() or light.GetPositional():
            continue
        if light.LightTypeIsHeadlight():
            towards = -np.asarray(camera.GetDirectionOfProjection())
        else:
            towards = np.subtract(light.GetPosition(), light.GetFocalPoint())
            if light.LightTypeIsCameraLight():
                towards = rotation.T @ towards
        norm = float(np.linalg.norm(towards))
        if norm > 0:
            colour = np.asarray(light.GetDiffuseColor()) * light.GetIntensity()
            out.append((towards / norm, colour))
    return out


class _Group:
    """One merged mesh and its actor: the pieces of one look and style, drawn farthest first,
    unlit, in colours shaded on the CPU for the camera's lights (:meth:`shade`)."""

    def __init__(
        self,
        sid: str,
        datas: Sequence[MeshData],
        drawn: DrawnStyle,
        make_actor: Callable[[str, MeshData], vtkActor],
        thin: bool = False,
    ) -> None:
        self.slots: dict[int, _Slot] = {}
        self.order: tuple[int, ...] = ()
        self.drawn = drawn
        self.opacity = -1.0  # the opacity its uniforms hold (none yet)
        self.lit: tuple[np.ndarray, ...] | None = None  # the lights the colours are shaded for
        self.sorted_for: tuple[np.ndarray, ...] | None = None  # the view direction of order
        self._cells: tuple[Any, ...] = ()  # the VTK arrays of the arranged triangles
        # a patch shows only its outer surface: the rest is neither copied nor drawn
        shown = [outer_surface(d.vertices, d.faces) for d in datas]
        picks: list[np.ndarray | None] = [None] * len(datas)
        if thin:  # (see the module's notes)
            for i, (d, (count, faces)) in enumerate(zip(datas, shown, strict=True)):
                kept = thinned(d.vertices[:count], faces)
                if kept is not None:
                    picks[i], faces = kept
                    shown[i] = len(kept[0]), faces
        starts = np.cumsum([0] + [count for count, _ in shown[:-1]])
        world = [_world(d, count, pick)
                 for d, (count, _), pick in zip(datas, shown, picks, strict=True)]
        self.data = MeshData(
            SimpleNamespace(
                vertices=np.concatenate([v for v, _ in world]),
                faces=np.zeros((1, 3), np.int64),  # its triangles come with each frame (arrange)
                normals=np.concatenate([n for _, n in world]),
            ),
            owned=True,
            draw_normals=False,  # (unlit: the normals shade its colours on the CPU)
        )
        for row, (d, k, (count, faces), pick) in enumerate(
                zip(datas, starts, shown, picks, strict=True)):
            self.slots[id(d)] = _Slot(int(k), count, row, faces, [_version(d)], pick)
        self._starts = starts.astype(np.intp)
        self.centres = self._centres()
        self.keep = list(datas)  # the slots are keyed by id(): keep those objects alive
        self.base = self._base_colours(
            datas, [slice(0, count) if pick is None else pick
                    for (count, _), pick in zip(shown, picks, strict=True)], drawn)
        # RGBA, opaque: VTK draws four bytes a vertex as they are (three it copies into four)
        self.rgb = np.full((len(self.data.vertices), 4), 255, np.uint8)
        self.actor = make_actor(sid, self.data)
        colours = numpy_to_vtk(self.rgb, deep=False)
        colours.SetName("shaded")
        self.data.polydata.GetPointData().SetScalars(colours)
        mapper = self.actor.GetMapper()
        mapper.SetScalarModeToUsePointData()
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
        prop = self.actor.GetProperty()
        prop.LightingOff()  # unlit: the fragments only blend the shaded vertex colours
        prop.SetAmbient(1.0)
        prop.SetDiffuse(0.0)
        self.actor.PickableOff()
        self.actor.VisibilityOff()

    @staticmethod
    def _base_colours(
        datas: Sequence[MeshData], rows: Sequence[slice | np.ndarray], drawn: DrawnStyle
    ) -> np.ndarray:
        """The unlit colour of the vertices copied (``rows`` of each mesh): the style's, one
        row for all; or a painted muscle's belly to tendon, per vertex, as bytes (0-255) where
        every piece is painted (a quarter of the memory of floats), else as floats."""
        colour = np.asarray(drawn.color, np.float32)
        if not drawn.plain or all(d.belly is None for d in datas):
            return colour
        muscle = np.asarray(style.MATERIALS["muscle"].color, np.float32)
        tendon = np.asarray(style.MATERIALS["tendon"].color, np.float32)
        codes, parts = [], []
        for d, taken in zip(datas, rows, strict=True):
            if d.belly is None:  # a twin without a belly is drawn in its material's colour
                parts.append(np.tile(colour, (len(d.vertices[taken]), 1)))
            else:
                belly = np.clip(d.belly[taken], 0.0, 1.0)[:, None]
                codes.append(np.round((tendon + (muscle - tendon) * belly) * 255))
                parts.append(codes[-1] / 255)
        if len(codes) == len(parts):
            return np.concatenate(codes).astype(np.uint8)
        return np.concatenate(parts).astype(np.float32)

    def _centres(self) -> np.ndarray:
        """Each slot's world bounds' centre (rows: the slots in the order of their vertices),
        from the merged vertices: one reduction over them all, not two per piece."""
        vertices = self.data.vertices
        low = np.minimum.reduceat(vertices, self._starts, axis=0)
        high = np.maximum.reduceat(vertices, self._starts, axis=0)
        return (low + high) / 2.0

    def refresh(self, pieces: Sequence[Piece]) -> None:
        """Copy again the pieces whose mesh or placement changed since they were copied (into
        the merged arrays in place)."""
        changed = False
        into_vertices, into_normals = self.data.vertices, self.data.normals
        for piece in pieces:
            slot = self.slots[id(piece.data)]
            now = _version(piece.data)
            if slot.version[0] == now:
                continue
            vertices, normals = _world(piece.data, slot.count, slot.pick)
            end = slot.start + slot.count
            into_vertices[slot.start : end] = vertices
            into_normals[slot.start : end] = normals
            slot.version[0] = now
            changed = True
        if changed:
            self.data.changed_in_place()
            self.centres = self._centres()
            self.lit = self.sorted_for = None

    def shade(self, lights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Colours lit as VTK's Phong lighting would light them, without the specular term
        (per vertex, for these lights; again when the vertices changed or a light turned with
        the camera by more than :data:`TURN_DEGREES`)."""
        towards = np.array([t for t, _ in lights], np.float32).reshape(-1, 3)
        colours = np.array([c for _, c in lights], np.float32).reshape(-1, 3)
        if _close(self.lit, (towards, colours)):
            return
        self.lit = towards, colours
        light = np.maximum(times_transposed(self.data.normals, towards), 0.0) @ colours
        base = self.base
        if base.dtype == np.uint8:  # belly to tendon as bytes: the floats they stand for
            base = base.astype(np.float32) / 255
        shaded = base * (self.drawn.ambient + self.drawn.diffuse * light)
        np.minimum(shaded * 255.0 + 0.5, 255.0, out=shaded)
        self.rgb[:, :3] = shaded
        self.data.polydata.GetPointData().GetScalars().Modified()
        self.data.polydata.Modified()

    def arrange(self, pieces: Sequence[Piece], ahead: np.ndarray) -> None:
        """Draw only ``pieces``, farthest from the camera first (by their bounds' centres;
        sorted again when they change or the camera turns by more than :data:`TURN_DEGREES`)."""
        keys = [id(p.data) for p in pieces]
        if set(keys) == set(self.order) and _close(self.sorted_for, (ahead[None, :],)):
            return
        self.sorted_for = (ahead[None, :],)
        depth = self.centres[[self.slots[k].row for k in keys]] @ ahead
        order = tuple(keys[i] for i in np.argsort(depth)[::-1])
        if order == self.order:
            return
        self.order = order
        slots = [self.slots[k] for k in order]
        faces = np.concatenate([slot.faces for slot in slots])
        starts = np.array([slot.start for slot in slots], np.int32)
        faces += np.repeat(starts, [len(slot.faces) for slot in slots])[:, None]
        # 32-bit cells sharing the int32 faces (no 64-bit copies in VTK); their arrays kept
        cells, self._cells = triangle_cells(faces)
        self.data.polydata.SetPolys(cells)
        self.data.polydata.Modified()


def _close(before: tuple[np.ndarray, ...] | None, now: tuple[np.ndarray, ...]) -> bool:
    """Whether directions (first array, unit rows) turned by at most TURN_DEGREES and the
    other arrays are the same."""
    if before is None or before[0].shape != now[0].shape:
        return False
    if not all(np.array_equal(b, n) for b, n in zip(before[1:], now[1:], strict=True)):
        return False
    return bool(np.all(np.sum(before[0] * now[0], axis=1) >= _TURN_COS))


class FadedGroups:
    """Merged actors for the faded rest of quick frames (see the module's notes).

    ``make_actor(id, data)`` makes an actor drawing ``data`` in a structure's material;
    ``apply_style(actor, style)`` hands a style to an actor's shader.
    """

    def __init__(
        self,
        renderer: vtkRenderer,
        make_actor: Callable[[str, MeshData], vtkActor],
        apply_style: Callable[[vtkActor, Any], None],
    ) -> None:
        self._renderer = renderer
        self._make_actor = make_actor
        self._apply_style = apply_style
        self._groups: OrderedDict[Hashable, _Group] = OrderedDict()
        self._in: list[tuple[_Group, list[Piece]]] = []
        self._builds = 0  # merged meshes built in this frame
        #: Whether quick frames merge at all (``CALFEXPLORER_NO_FADED_MERGE=1`` turns it off).
        self.enabled = not os.environ.get(DISABLE_ENV)
        self.last: list[tuple[str, ...]] = []

    def swap_in(
        self,
        pieces: Sequence[Piece],
        spares: Callable[[], Sequence[Piece]],
        look: Callable[[str], Hashable],
        style: Callable[[str], DrawnStyle | None],
        most: float,
        unhurried: bool = False,
        fits: Callable[[str, DrawnStyle], bool] = lambda _sid, _drawn: True,
        thin: bool = False,
    ) -> None:
        """Before a frame: the pieces drawn at most ``most`` opaque, two or more of one look and
        style, drawn by one merged actor instead of their own actors (``thin``: a thinner one,
        while a pose moves; see the module's notes).

        ``spares()`` lists what other frames may draw for a structure (coarse twins, patch
        groups, bones in full): a merged mesh built now holds those of its look too that
        ``fits(id, style)`` says can ever be drawn faded in its style, so a later selection
        seldom has to build it again. A frame builds one merged mesh, and more within
        :data:`BUILD_BUDGET`, or all it needs when ``unhurried`` (a hidden one).
        """
        if not self.enabled:
            return
        started, self._builds = time.perf_counter(), 0
        alike: dict[tuple[Hashable, DrawnStyle], list[Piece]] = {}
        for piece in pieces:
            first = piece.members[0]
            drawn = style(first)
            if drawn is not None and 0.0 < drawn.opacity <= most:
                alike.setdefault((look(first), drawn), []).append(piece)
        camera = self._renderer.GetActiveCamera()
        ahead = np.asarray(camera.GetDirectionOfProjection())
        lights = lights_in_world(self._renderer)
        for (kind, drawn), members in alike.items():
            # one merged mesh serves every opacity of a look (the fade and x-ray sliders)
            key = (kind, drawn._replace(opacity=0.0), thin)
            if len(members) < 2 or any(g is self._groups.get(key) for g, _ in self._in):
                continue

            def spares_of_look(k: Hashable = kind, d: DrawnStyle = drawn) -> list[Piece]:
                return [
                    p for p in spares() if look(p.members[0]) == k and fits(p.members[0], d)
                ]

            group = self._group(
                key,
                drawn,
                members,
                spares_of_look,
                can_build=unhurried
                or not self._builds
                or time.perf_counter() - started < BUILD_BUDGET,
                thin=thin,
            )
            if group is None:  # built in a later frame; its own actors draw these now
                continue
            if group.opacity != drawn.opacity:
                self._apply_style(group.actor, drawn._replace(plain=True))  # colours: shaded
                group.opacity = drawn.opacity
            group.refresh(members)
            group.shade(lights)
            group.arrange(members, ahead)
            for piece in members:
                piece.actor.VisibilityOff()
            group.actor.VisibilityOn()
            self._in.append((group, members))

    def _group(
        self,
        key: Hashable,
        drawn: DrawnStyle,
        pieces: Sequence[Piece],
        spares: Callable[[], Sequence[Piece]],
        can_build: bool,
        thin: bool = False,
    ) -> _Group | None:
        """The merged mesh for a look, (re)built when it lacks one of ``pieces`` (None: it
        would have to be, and ``can_build`` is False)."""
        group = self._groups.get(key)
        if group is not None and all(id(p.data) in group.slots for p in pieces):
            self._groups.move_to_end(key)
            return group
        if not can_build:
            return None
        datas = {id(p.data): p.data for p in [*spares(), *pieces]}
        if group is not None:  # keep what it held: a later selection may fade those again
            datas = {id(d): d for d in group.keep} | datas
            self._renderer.RemoveActor(group.actor)
        group = _Group(
            pieces[0].members[0], list(datas.values()), drawn, self._make_actor, thin=thin)
        self._builds += 1
        self._groups[key] = group
        self._groups.move_to_end(key)
        self._renderer.AddActor(group.actor)
        in_use = {id(g) for g, _ in self._in} | {id(group)}
        for old_key in [k for k, g in self._groups.items() if id(g) not in in_use]:
            if len(self._groups) <= MAX_GROUPS:
                break
            self._renderer.RemoveActor(self._groups.pop(old_key).actor)
        return group

    def restore(self) -> None:
        """After a frame: the pieces' own actors back in place of the merged ones."""
        self.last = []
        for group, members in self._in:
            group.actor.VisibilityOff()
            for piece in members:
                piece.actor.VisibilityOn()
            self.last.append(tuple(m for p in members for m in p.members))
        self._in = []

    @property
    def actors(self) -> list[vtkActor]:
        """The merged actors there are now (drawn only inside quick frames)."""
        return [group.actor for group in self._groups.values()]
