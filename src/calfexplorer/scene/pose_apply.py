"""Pose application: the state's pose turned into the meshes' vertices and placements.

While the window draws in two steps, a pose may first reach the swept meshes only coarsely
(their twins take it, for the quick frame); the full meshes catch up later.
:attr:`PoseApplier.meshes` is the one way to read the meshes: reading one that is behind the
pose brings the meshes to it first, so no reader can forget to; reading one that is not (a bone,
placed rigidly by every pose) poses nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Set
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor

from calfexplorer.scene.actors import place_actor
from calfexplorer.scene.coarse import CoarseMesh
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.pose_worker import PoseWorker
from calfexplorer.scene.stand_ins import StandIns

Poser = Callable[..., Any]


@dataclass(frozen=True)
class LoadedPoser:
    """A poser made by :meth:`PoseApplier.load`, and its coarse twins (id -> rest vertices,
    faces, normals, follow matrix; None where the poser has none of its own)."""

    poser: Poser
    twins: Mapping[str, tuple[Any, Any, Any, Any]] | None


class _Posed(Mapping[str, MeshData]):
    """The meshes by id; reading one behind the pose brings them all to it first."""

    def __init__(self, applier: PoseApplier) -> None:
        self._applier = applier

    def __getitem__(self, sid: str) -> MeshData:
        data = self._applier._data[sid]
        self._applier.catch_up()
        if sid in self._applier.stale:
            self._applier.resolve()
        return data

    def __contains__(self, sid: object) -> bool:
        return sid in self._applier._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._applier._data)

    def __len__(self) -> int:
        return len(self._applier._data)


class PoseApplier:
    """Moves the scene's meshes, actors and stand-ins to each new pose.

    ``moved(rigid_ids, notify)`` is called after every move with the ids placed rigidly;
    ``notify`` says whether the move should draw a frame.
    """

    def __init__(
        self,
        meshes: Mapping[str, MeshData],
        actors: Mapping[str, vtkActor],
        stand_ins: StandIns,
        assets: Any,
        moved: Callable[[Set[str], bool], None],
    ) -> None:
        self._data = meshes
        self._actors = actors
        self._stand_ins = stand_ins
        self._assets = assets
        self._moved = moved
        self.poser: Poser | None = None
        #: A poser loading in another thread (:meth:`Scene.load_posing_async`): a pose given
        #: meanwhile waits for it rather than loading one again.
        self.loading: Future[LoadedPoser] | None = None
        self._pending: dict[str, float] | None = None
        self.stale: set[str] = set()  # swept meshes behind the pose (their twin is current)
        self._needs_full: set[str] = set()
        self._adopted = False  # whether the poser's own coarse twins went to the stand-ins
        self._moved_once = False  # whether any mesh was moved from where it was loaded
        self._posed = _Posed(self)
        #: Poses asked for so far, and the number of the one the meshes are at; the last
        #: asked for (see :meth:`pose_elsewhere`).
        self._asked = 0
        self._placed = 0
        self._asked_pose: dict[str, float] = {}
        #: The pose the meshes are at (the rest pose: empty).
        self.placed_pose: dict[str, float] = {}
        self._worker: PoseWorker | None = None
        self._as_placed = False  # see as_placed
        #: Called after each pose made in the worker is placed (see Scene.set_pose_landed).
        self.landed: Callable[[], None] | None = None
        #: Told each pose that cannot be made, instead of raising it (Scene.set_posing_failed).
        self.failed: Callable[[Exception], None] | None = None

    def pose_elsewhere(self, call_soon: Callable[[Callable[[], None]], None] | None) -> None:
        """Make the poses a quick frame draws first in a worker thread, while this thread
        draws the last one (:mod:`.pose_worker`); ``call_soon(fn)`` runs ``fn`` in this
        thread soon, called from any thread. None: make them here (as before)."""
        if self._worker is not None:
            self._worker.drop()
            self._worker.close()
        self._worker = None if call_soon is None else PoseWorker(
            self._make_in_worker, self._land, call_soon)

    @property
    def behind(self) -> bool:
        """Whether a pose asked for is still being made elsewhere (the meshes are at an
        earlier one)."""
        return self._worker is not None and self._worker.busy

    def catch_up(self) -> None:
        """Bring the meshes to the last pose asked for (coarsely, as it would come), waiting
        for the worker: readers of the meshes see the state's pose, as when made here."""
        if self._worker is not None and self._worker.busy and not self._as_placed:
            self._worker.finish()

    @contextlib.contextmanager
    def as_placed(self) -> Iterator[None]:
        """Within the block :attr:`meshes` are read where they are placed (as last drawn),
        not waiting for a pose still being made (a drag's check that the leg is in view)."""
        before, self._as_placed = self._as_placed, True
        try:
            yield
        finally:
            self._as_placed = before

    @property
    def meshes(self) -> Mapping[str, MeshData]:
        """The meshes (id -> MeshData), each read as the current pose has it: reading one
        that a pose moved only coarsely (:attr:`stale`) first brings them all to the pose
        (a drag's check that the leg is in view reads bones, and poses nothing in full)."""
        return self._posed

    def prepare(self, say: Callable[[str], None] | None = None,
                still: Callable[[], None] | None = None) -> None:
        """Load the poser (the model, the deformer and its plans) ahead of the first pose;
        ``say``, ``still``: see :func:`calfexplorer.scene.posing.poser_for`."""
        if self.poser is None:
            self.take(self.load(say, still))

    def load(self, say: Callable[[str], None] | None = None,
             still: Callable[[], None] | None = None) -> LoadedPoser:
        """The poser made and readied, touching nothing of the scene: it may run in another
        thread (:meth:`take` then hands it over)."""
        from calfexplorer.scene.posing import poser_for

        poser = poser_for(self._assets, say, still)
        prepare = getattr(poser, "prepare", None)
        if prepare is not None:
            prepare()
        twins = getattr(poser, "coarse_twins", None)  # the pack's: see anatomy.twins
        return LoadedPoser(poser, twins() if twins is not None else None)

    def take(self, loaded: LoadedPoser) -> None:
        """Pose with ``loaded`` (from :meth:`load`) from now on; its coarse twins go to the
        stand-ins. A poser loaded while another was taken is dropped."""
        self.loading = None  # (its result held the twins' rest vertices, ~0.2 MiB with the pack)
        if self.poser is not None:
            return
        self.poser = loaded.poser
        if loaded.twins is not None and not self._adopted:
            self._adopted = True
            self._stand_ins.adopt({
                sid: CoarseMesh(v, f, n, None, follow)
                for sid, (v, f, n, follow) in loaded.twins.items() if sid in self._data
            })

    @contextlib.contextmanager
    def _told(self) -> Iterator[None]:
        """Within the block a pose that cannot be made (the poser failing to load or to pose)
        goes to :attr:`failed` where set (the meshes stay where they were), else up."""
        try:
            yield
        except Exception as exc:
            if self.failed is None:
                raise
            self.failed(exc)

    def pose(self, pose: Mapping[str, float], *, coarse_first: bool, full: Set[str]) -> None:
        """Move to ``pose``; ``coarse_first``: swept meshes (but ``full``) may first move only
        coarsely, when the poser can and their twins exist."""
        with self._told():
            self._pose(pose, coarse_first, full)

    def _pose(self, pose: Mapping[str, float], coarse_first: bool, full: Set[str]) -> None:
        if self.poser is None:
            if not any(pose.values()) and not self._moved_once:  # the meshes are at rest
                return
            if self.loading is not None:
                with contextlib.suppress(Exception):  # (it failed: loaded here, as without)
                    self.take(self.loading.result())
            self.prepare()
        assert self.poser is not None
        self._asked += 1
        self._asked_pose = dict(pose)
        if coarse_first and self._coarse_ready():
            # Drawn in a quick frame right away; the full meshes follow before the full frame.
            keep = tuple(sorted(full | self._needs_full))
            if self._worker is not None:
                self._worker.ask(self._asked, (dict(pose), keep))
                return
            self._land(self._asked, (dict(pose), keep), self._make_coarse((pose, keep)))
            return
        if self._worker is not None:
            self._worker.drop()  # (made here now: a pose being made elsewhere is older)
        self._placed = self._asked
        self.placed_pose = dict(pose)
        self._pending = None
        self.stale.clear()
        self._apply(self._call(pose))

    def _call(self, pose: Mapping[str, float], **kw: Any) -> Any:
        """The poser's answer, made in this thread (waiting for the worker's)."""
        assert self.poser is not None
        if self._worker is None:
            return self.poser(pose, **kw)
        with self._worker.lock:
            return self.poser(pose, **kw)

    def _make_coarse(self, args: tuple[Mapping[str, float], tuple[str, ...]]
                     ) -> tuple[Any, frozenset[str]]:
        """A coarse pose (the swept meshes but ``keep`` as their twins), and the swept meshes
        too small for a twin, posed in full (from now on: :meth:`_land`); any thread."""
        pose, keep = args
        assert self.poser is not None
        posed = self.poser(pose, coarse=True, full=keep)
        lacking = frozenset(s for s in posed.coarse if not self._stand_ins.follows_pose(s))
        if lacking:
            posed = self.poser(pose, coarse=True, full=(*keep, *sorted(lacking)))
        return posed, lacking

    def _make_in_worker(self, args: tuple[Mapping[str, float], tuple[str, ...]]
                        ) -> tuple[Any, frozenset[str]] | Exception:
        """:meth:`_make_coarse` in the worker: what it raises is handed to :meth:`_land` in
        this thread (raised from the worker's hand-over it reached only stderr)."""
        try:
            return self._make_coarse(args)
        except Exception as exc:  # noqa: BLE001 - told in the owner's thread
            return exc

    def _land(self, number: int, args: tuple[Mapping[str, float], tuple[str, ...]],
              made: tuple[Any, frozenset[str]] | Exception) -> None:
        """Move to a coarse pose made (here or elsewhere), unless a later one is placed."""
        if isinstance(made, Exception):
            with self._told():
                raise made
            return
        posed, lacking = made
        self._needs_full |= lacking
        if number <= self._placed:
            return
        pose, _keep = args
        self.placed_pose = dict(pose)
        self._placed = number
        self._pending = dict(pose) if posed.coarse else None
        self.stale = set(posed.coarse)
        self._apply(posed)
        if self.landed is not None:
            self.landed()

    def _coarse_ready(self) -> bool:
        return (
            not self._stand_ins.pending
            and bool(self._stand_ins.twins)
            and getattr(self.poser, "supports_coarse", False)
        )

    def resolve(self) -> None:
        """Bring the full meshes to a pose drawn so far only coarse (the last asked for:
        one still being made elsewhere is made here in full instead)."""
        if self.poser is None:
            return
        if self.behind:
            assert self._worker is not None
            self._worker.drop()
            self._pending = self._asked_pose
        if self._pending is None:
            return
        pose, self._pending = self._pending, None
        with self._told():
            posed = self._call(pose)
            self._placed = self._asked
            self.placed_pose = dict(pose)
            self.stale.clear()
            self._apply(posed, notify=False)

    def _apply(self, posed: Any, notify: bool = True) -> None:
        """Apply a poser's result (vertices by id, or a PosedMeshes, maybe partly coarse);
        what reads the meshes meanwhile (labels, the outline) reads them as placed."""
        with self.as_placed():
            self._apply_placed(posed, notify)

    def _apply_placed(self, posed: Any, notify: bool) -> None:
        if isinstance(posed, Mapping):
            self.move(posed, notify=notify)
            return
        thinned: Set[str] = getattr(posed, "coarse", frozenset())
        full = {sid: v for sid, v in posed.vertices.items() if sid not in thinned}
        self.move(
            full, posed.normals, transforms=posed.transforms, exact_normals=False, notify=notify
        )
        self._stand_ins.take_coarse_pose(
            {sid: posed.vertices[sid] for sid in thinned}, posed.normals
        )

    def move(
        self,
        vertices: Mapping[str, np.ndarray],
        normals: Mapping[str, np.ndarray] | None = None,
        *,
        transforms: Mapping[str, np.ndarray] | None = None,
        exact_normals: bool = True,
        notify: bool = True,
    ) -> None:
        """Give meshes new vertices and rigid placements (ids without an actor are ignored);
        meshes given full vertices are no longer behind the pose."""
        self._moved_once = True
        self.stale -= vertices.keys()
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
            place_actor(actor, matrix)
        self._stand_ins.follow(vertices, normals, transforms or {}, exact_normals, self._actors)
        self._moved((transforms or {}).keys(), notify)
