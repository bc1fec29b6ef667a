"""Stand-ins a frame may draw instead of a structure's own actor, to spare software OpenGL.

* Coarse twins (:mod:`calfexplorer.scene.coarse`): about a quarter of a mesh's triangles, for
  what shows little detail (the faded rest around a selection, quick frames while something
  moves) and for swept meshes a pose has so far reached only coarsely.
* Patch groups: the attachment patches that move with one body, merged into one actor (their
  outer faces only) and drawn while they all look alike: one actor costs far less than dozens.
* Faded groups (:mod:`calfexplorer.scene.faded_groups`): in quick frames, the faded rest
  around a selection (twins, patch groups, small meshes) merged into one actor per look.

The scene decides which stand-ins a frame uses (:meth:`StandIns.swap_in`, just before the frame)
and puts its own actors back afterwards (:meth:`StandIns.restore`); picking, labels and saved
images always see the full actors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Set
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor, vtkRenderer

from calfexplorer.geometry.patches import outer_surface
from calfexplorer.scene.actors import place_actor
from calfexplorer.scene.coarse import coarse_mesh
from calfexplorer.scene.faded_groups import FadedGroups, Piece
from calfexplorer.scene.polydata import MeshData

#: How long one idle step may spend building stand-ins (seconds).
STEP_BUDGET = 0.03


class Twin(NamedTuple):
    """A structure's coarse twin and its actor."""

    data: MeshData
    actor: vtkActor
    #: full-mesh vertex of each twin vertex, or a sparse matrix blending them into the twin's
    #: (the pack's twins); None: rigid only
    index: Any


def _follow(index: Any, values: np.ndarray) -> np.ndarray:
    """A twin's vertices (or normals) from its full mesh's (``Twin.index``)."""
    if isinstance(index, np.ndarray):
        return np.take(values, index, axis=0)  # (a few times quicker than values[index])
    return np.asarray(index @ values, np.float32)


class PatchGroup(NamedTuple):
    """The patches of one body merged into one actor."""

    members: tuple[str, ...]
    data: MeshData
    actor: vtkActor
    style: list[Any]  # the style its uniforms hold now (one-element list, updated in place)


class StandIns:
    """The scene's coarse twins and patch groups, built in idle steps after start.

    ``make_actor(id, data)`` makes an actor drawing ``data`` in a structure's style;
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
        self.twins: dict[str, Twin] = {}
        self.groups: list[PatchGroup] = []
        self._pending: list[str] = []
        self._given: dict[str, Any] = {}  # twins the poser made (CoarseMesh), to build
        self._groups_pending = False
        self._twins_in: list[str] = []
        self._groups_in: list[PatchGroup] = []
        self.last_twins: list[str] = []
        self.last_groups: list[tuple[str, ...]] = []
        self.faded = FadedGroups(renderer, make_actor, apply_style)

    def plan(self, ids: Iterable[str]) -> None:
        """Structures to build stand-ins for, by later :meth:`build_step` calls."""
        self._pending = list(ids)
        self._groups_pending = True

    @property
    def given_pending(self) -> bool:
        """Whether twins a poser made (:meth:`adopt`) remain to be built."""
        return bool(self._given)

    @property
    def pending(self) -> bool:
        """Whether stand-ins remain to be built."""
        return bool(self._pending) or self._groups_pending

    def build_step(
        self,
        meshes: Mapping[str, MeshData],
        actors: Mapping[str, vtkActor],
        sites: Mapping[str, str],
        styles: Mapping[str, Any],
    ) -> bool:
        """Build the next few twins, then the patch groups; True while more remain.

        ``sites`` maps each attachment patch to the body (or bone) it moves with; ``styles``
        holds each structure's current style.
        """
        started = time.perf_counter()
        if not self._pending and self._groups_pending:
            self._build_groups(meshes, sites)
        while self._pending:
            sid = self._pending.pop()
            data = meshes[sid]
            coarse = self._given.pop(sid, None)
            if coarse is not None:
                self._drop(sid)
                # as the full mesh lies now, which need not be its rest pose
                coarse.vertices = _follow(coarse.index, data.vertices)
                coarse.normals = _follow(coarse.index, data.normals)
            elif sid in self.twins:
                continue
            else:
                coarse = coarse_mesh(data.vertices, data.faces, data.normals, data.belly)
            if coarse is not None:
                twin_data = MeshData(coarse, owned=True)
                twin_data.set_transform(data.transform)
                actor = self._make_actor(sid, twin_data)
                actor.SetUserMatrix(actors[sid].GetUserMatrix())
                actor.PickableOff()
                actor.VisibilityOff()
                if sid in styles:
                    self._apply_style(actor, styles[sid])
                self.twins[sid] = Twin(twin_data, actor, coarse.index)
                self._renderer.AddActor(actor)
            if time.perf_counter() - started > STEP_BUDGET:
                break
        return self.pending

    def adopt(self, twins: Mapping[str, Any]) -> None:
        """Twins a poser made (id -> :class:`~calfexplorer.scene.coarse.CoarseMesh` whose
        ``index`` is a follow matrix), built by the next :meth:`build_step` calls in place of
        any twin the structures have."""
        self._given.update(twins)
        self._pending += [sid for sid in twins if sid not in self._pending]

    def _drop(self, sid: str) -> None:
        twin = self.twins.pop(sid, None)
        if twin is not None:
            self._renderer.RemoveActor(twin.actor)

    def _build_groups(self, meshes: Mapping[str, MeshData], sites: Mapping[str, str]) -> None:
        self._groups_pending = False
        by_body: dict[str, list[str]] = {}
        for sid, body in sites.items():
            by_body.setdefault(body, []).append(sid)
        for members in by_body.values():
            datas = [meshes[m] for m in members]
            first = datas[0].transform
            if len(members) < 2 or any(
                (d.transform is None) != (first is None)
                or (first is not None and d.transform is not None
                    and not np.array_equal(d.transform, first))
                for d in datas
            ):
                continue
            # each patch's outer surface (the rest lies under it), and only the vertices that
            # surface uses: a shell's inner half was copied, drawn from no triangle
            shown = [outer_surface(d.vertices, d.faces) for d in datas]
            starts = np.cumsum([0] + [count for count, _ in shown[:-1]])
            merged = SimpleNamespace(
                vertices=np.concatenate(
                    [d.vertices[:count] for d, (count, _) in zip(datas, shown, strict=True)]
                ),
                faces=np.concatenate(
                    [faces + k for (_, faces), k in zip(shown, starts, strict=True)]
                ),
                normals=np.concatenate(
                    [d.normals[:count] for d, (count, _) in zip(datas, shown, strict=True)]
                ),
                belly=None,
            )
            data = MeshData(merged, owned=True)
            data.set_transform(first)
            actor = self._make_actor(members[0], data)
            place_actor(actor, first)
            actor.PickableOff()
            actor.VisibilityOff()
            self.groups.append(PatchGroup(tuple(members), data, actor, [None]))
            self._renderer.AddActor(actor)

    def follows_pose(self, sid: str) -> bool:
        """Whether a structure's twin can take new vertices from a pose (a swept mesh's can)."""
        twin = self.twins.get(sid)
        return twin is not None and twin.index is not None

    def restyle(self, sid: str, style: Any) -> None:
        """A structure's new style, for its twin too."""
        twin = self.twins.get(sid)
        if twin is not None:
            self._apply_style(twin.actor, style)

    def swap_in(
        self,
        actors: Mapping[str, vtkActor],
        styles: Mapping[str, Any],
        use_twin: Callable[[str], bool],
        keep: Set[str],
    ) -> None:
        """Before a frame: twins for the shown structures ``use_twin`` names, and a group for
        each body whose shown patches all look alike and are not in ``keep``."""
        for sid, twin in self.twins.items():
            actor = actors[sid]
            if actor.GetVisibility() and use_twin(sid):
                actor.VisibilityOff()
                twin.actor.VisibilityOn()
                self._twins_in.append(sid)
        for group in self.groups:
            members = [actors[m] for m in group.members]
            looks = {styles.get(m) for m in group.members}
            if len(looks) != 1 or not keep.isdisjoint(group.members):
                continue
            style = looks.pop()
            if style is None or not all(a.GetVisibility() for a in members):
                continue
            if group.style[0] != style:
                self._apply_style(group.actor, style)
                group.style[0] = style
            for actor in members:
                actor.VisibilityOff()
            group.actor.VisibilityOn()
            self._groups_in.append(group)

    def merge_faded(
        self,
        meshes: Mapping[str, MeshData],
        actors: Mapping[str, vtkActor],
        styles: Mapping[str, Any],
        look: Callable[[str], Hashable],
        most: float,
        full: Callable[[str], bool],
        unhurried: bool = False,
        fits: Callable[[str, Any], bool] = lambda _sid, _style: True,
        thin: bool = False,
    ) -> None:
        """After :meth:`swap_in`, for a quick frame: what it draws for the structures drawn at
        most ``most`` opaque (twins, patch groups, own actors) merged into one actor per
        ``look`` and style (:class:`~calfexplorer.scene.faded_groups.FadedGroups`). ``full``
        names structures that some frames draw faded in full although they have a twin;
        ``unhurried``: a hidden frame, which may build every merged mesh it needs at once;
        ``fits(id, style)``: whether a structure can ever be drawn faded in a style (a merged
        mesh of that style holds copies of those alone); ``thin``: thinner merged meshes (a
        pose moving)."""
        grouped = {m for group in self._groups_in for m in group.members}
        twins_in = set(self._twins_in)
        pieces = [Piece(g.members, g.data, g.actor) for g in self._groups_in]
        for sid, actor in actors.items():
            if sid in twins_in:
                pieces.append(Piece((sid,), self.twins[sid].data, self.twins[sid].actor))
            elif actor.GetVisibility() and sid not in grouped:
                pieces.append(Piece((sid,), meshes[sid], actor))

        def spares() -> list[Piece]:
            found = [Piece((sid,), twin.data, twin.actor) for sid, twin in self.twins.items()]
            found += [Piece(g.members, g.data, g.actor) for g in self.groups]
            return found + [
                Piece((sid,), meshes[sid], actor)
                for sid, actor in actors.items()
                if sid not in self.twins or full(sid)
            ]

        self.faded.swap_in(pieces, spares, look, styles.get, most, unhurried, fits, thin)

    def restore(self, actors: Mapping[str, vtkActor]) -> None:
        """After a frame: the structures' own actors back in place of their stand-ins."""
        self.faded.restore()
        for sid in self._twins_in:
            self.twins[sid].actor.VisibilityOff()
            actors[sid].VisibilityOn()
        for group in self._groups_in:
            group.actor.VisibilityOff()
            for m in group.members:
                actors[m].VisibilityOn()
        self.last_twins = self._twins_in
        self.last_groups = [g.members for g in self._groups_in]
        self._twins_in, self._groups_in = [], []

    def follow(
        self,
        vertices: Mapping[str, np.ndarray],
        normals: Mapping[str, np.ndarray],
        transforms: Mapping[str, np.ndarray],
        exact: bool,
        actors: Mapping[str, vtkActor],
    ) -> None:
        """Move the stand-ins with their structures' new full vertices and placements."""
        for sid, verts in vertices.items():
            twin = self.twins.get(sid)
            if twin is None:
                continue
            if twin.index is None:  # a decimated mesh cannot follow new vertices
                self._drop(sid)
                continue
            given = normals.get(sid)
            twin.data.set_vertices(
                _follow(twin.index, np.asarray(verts)),
                None if given is None else _follow(twin.index, np.asarray(given)),
                exact=exact,
            )
        for sid in transforms.keys() & self.twins.keys():
            self.twins[sid].data.set_transform(transforms[sid])
            self.twins[sid].actor.SetUserMatrix(actors[sid].GetUserMatrix())
        for group in self.groups:
            matrix = transforms.get(group.members[0])
            if matrix is not None:
                group.data.set_transform(matrix)
                place_actor(group.actor, matrix)

    def take_coarse_pose(
        self, vertices: Mapping[str, np.ndarray], normals: Mapping[str, np.ndarray]
    ) -> None:
        """Twins' own vertices from a coarse pose (only twins that follow poses)."""
        for sid, verts in vertices.items():
            self.twins[sid].data.set_vertices(verts, normals.get(sid), exact=False)

    def refine_normals(self) -> None:
        """Exact normals for the twins, before a full-quality frame."""
        for twin in self.twins.values():
            twin.data.refine_normals()
