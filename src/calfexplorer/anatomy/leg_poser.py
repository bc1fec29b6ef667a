"""Posing the BodyParts3D leg: the pack's soft tissue along the model's paths, its bones and
patches with their bodies, the built-in nerves and vessels it keeps (routed beside the pack's
muscles) with the pack tissue around them (:mod:`.kept_tubes`; with the moves out of the
posed tissue they learn in a grid of poses, saved in the pack folder as ``kept_tubes.npz``),
and any other built-in mesh it keeps as the built-in model poses it.

Like :class:`calfexplorer.scene.posing.ModelPoser` it turns pose angles into a
:class:`calfexplorer.geometry.deform.PosedMeshes`; one MuJoCo evaluation serves both parts.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.anatomy.kept_tubes import SEARCH, KeptTubes, TubeLayout
from calfexplorer.anatomy.mapping import load_mapping
from calfexplorer.anatomy.route_apply import MAX_STORED_SHIFT_M
from calfexplorer.assets import AssetSet
from calfexplorer.geometry.deform import Deformer, PosedMeshes
from calfexplorer.geometry.mesh import vertex_normals
from calfexplorer.npz_cache import DAMAGED, write_npz

#: Kinds the pack poses as rigid parts of a body; every other kind follows the model's paths.
RIGID_KINDS = frozenset({"bone", "site"})
#: Kinds of soft tissue the kept tubes follow (with the bones).
FOLLOWED_KINDS = frozenset({"muscle", "tendon"})
#: Poses (knee, ankle; degrees) across the joints' ranges in which the kept tubes look for the
#: tissue that slides up to them, to keep out of it as well.
SAMPLE_POSES_DEG = tuple((k, a) for k in (0, 45, 90, 120) for a in (-40, 30))
#: A grid of poses (knee x ankle; degrees) in whose poses with the knee bent the kept tubes are
#: moved out of the tissue they are posed into (the exact inside test of :mod:`.routing`);
#: other poses blend those moves. With the knee straight a tube takes the easing it is drawn
#: with at rest (:func:`.routing.ease`), so the rest pose poses it as drawn. Saved in the pack
#: folder. The ankle's plantarflexed column is the seated calf raise's -30 degrees, not the
#: joint's limit (-40, held at -30's moves): blended from -40 and 0 the tibial nerve lay 3.7 %
#: inside the soleus and plantaris there, learnt at -30 1.7 %.
LEARN_KNEES_DEG = (0, 45, 90, 120)
LEARN_ANKLES_DEG = (-30, 0, 30)
#: With the knee straight the kept tubes learn their moves only at these ankles (the standing
#: heel raise's and the straight-knee calf stretch's; ~2 s each, not told), the grid's other
#: straight-knee poses taking only their easing. Between the grid's ankles -40 and 0 the heel
#: raise took the easing alone: the tibial nerve 3.7 % inside the soleus and the medial head.
LEARN_STRAIGHT_ANKLES_DEG = (-30, 20)


def learning_steps() -> int:
    """How many poses the kept tubes' learning tells (``say``): the grid's poses with the knee
    bent (with it straight the tubes learn none, taking their easing at rest). Binding anew,
    told before them (:data:`calfexplorer.anatomy.soft_tissue.BINDING_STEP`), is one step
    more."""
    return sum(1 for knee in LEARN_KNEES_DEG if knee != 0) * len(LEARN_ANKLES_DEG)


#: Kept tubes whose learnt moves are faired where they turn sharply, besides the taut ones
#: (:func:`_best_move`): the tibial nerve, moved in the deep squat, turned 66 degrees behind the
#: knee (60 faired). Fairing every kept tube smoothed others too (gastrocnemius veins in the deep
#: squat 73 -> 53 degrees) but laid the lateral sural cutaneous nerve at knee 105, ankle 0 2.3 %
#: in tissue between the learnt poses (under 2 % before), so only these.
FAIRED = frozenset({"tibial_nerve"})
LEARNT_NAME = "kept_tubes.npz"
#: The kept tubes' guards found in :data:`SAMPLE_POSES_DEG` (the pack build saves them, or the
#: first opening of the motion lab: posing the tissue in those poses took ~1.5 s of CPU there),
#: and each station's nearest source points at rest (searched with SciPy's k-d tree).
GUARDS_NAME = "kept_guards.npz"
#: Whether the kept tubes learn those moves (off, for comparisons: as before, the tubes posed
#: from their routes, so the rest pose lays them where routed, not eased as drawn).
LEARN = True


class PackLegPoser:
    """Pose angles (radians: knee, ankle, subtalar, toes) -> the merged leg posed.

    ``assets`` is a merged set from :func:`calfexplorer.anatomy.leg_model.load_leg` (``pack``
    set). Binding the pack's soft tissue takes about a second, done here once.
    """

    #: While a slider moves the pack's soft tissue poses its coarse twins (:meth:`coarse_twins`).
    supports_coarse = True

    def __init__(self, assets: AssetSet, say: Callable[[str], None] | None = None, *,
                 learn: bool = True, still: Callable[[], None] | None = None,
                 warm: Any = None, meanwhile: Callable[[PackLegPoser], None] | None = None
                 ) -> None:
        """``say``: told each step of binding the soft tissue and learning the kept tubes'
        moves (when not read from the pack folder); ``still``: called several times a second
        while worker processes learn them. Either may raise to stop. ``learn=False``: the
        kept tubes take no moves (a learning worker's poser, which learns them). ``warm``:
        learning workers started ahead (:func:`.learning_workers.warm_workers`), to learn
        with where they must be learnt. ``meanwhile``: called once with this poser, ready to
        pose, while the workers learn (the pack build fits its skin then, which the kept
        tubes' moves do not touch), or before the moves are learnt or read here."""
        from calfexplorer.anatomy.soft_tissue import load_poser
        from calfexplorer.geometry.source import rest_pose

        pack = assets.pack
        if pack is None or pack.path is None:
            raise ValueError("not a BodyParts3D leg: the asset set has no pack")
        self._pack_assets = pack
        self._pack_path: Path = pack.path
        rest = rest_pose()
        self._soft = {sid for sid in pack.meshes if pack.kinds.get(sid) not in RIGID_KINDS}
        tubes, eased = _kept_tubes(assets)
        #: Each kept tube's easing as drawn at rest (:func:`.routing.ease`), per station in the
        #: kept tubes' order: the straight knee's learnt moves (:meth:`clear_pose`).
        self._eased = np.concatenate([eased[sid] for sid in tubes]) if tubes \
            else np.zeros((0, 3))
        # Everything else moves as the built-in model moves it: the pack's bones and patches
        # rigidly with their bodies, any other built-in sweep along its path.
        mine = self._soft | set(tubes)
        rest_of_leg = AssetSet(
            meshes={s: m for s, m in assets.meshes.items() if s not in mine},
            kinds=assets.kinds, layers=assets.layers,
            bodies={s: b for s, b in assets.bodies.items() if s not in mine},
        )
        self._deformer = Deformer(rest_of_leg, rest=rest)
        self._rest_normals = {s: pack.meshes[s].normals for s in self._soft}
        self._pack = load_poser(pack.path, assets=pack, rest=rest, say=say)
        coarse = self._pack.binding.coarse
        self._thin = frozenset(s for s in coarse.ids if s in self._soft)
        self._coarse_normals = {s: vertex_normals(coarse.rest[s], coarse.faces[s])
                                .astype(np.float32) for s in self._thin}
        sources, normals = self._sources()
        mapping = load_mapping()
        within = {sid: frozenset(s.within) for sid in tubes
                  if (s := mapping.structures.get(sid)) is not None}
        # a branch's start is drawn taut round a muscle (:func:`.routing._smooth_start`)
        taut = frozenset(sid for sid in tubes if (s := mapping.structures.get(sid)) is not None
                         and s.from_end_of is not None)
        #: the taut tubes' moves are faired where they turn them sharply (:func:`_best_move`)
        self._taut = taut
        saved = self._saved_guards(tubes, sources) if tubes else None
        self._tubes = KeptTubes(tubes, sources, normals, within,
                                self._sampled(sources) if tubes and saved is None else (),
                                self._eased, taut, guards=saved and saved[0],
                                near=saved and saved[1])
        if tubes and saved is None:
            self._save_guards(tubes)
        self._tubes.found_near = None  # (saved: not kept)
        self._embed(rest)
        self._warm = warm
        if tubes and LEARN and learn:
            self._learn(say or (lambda _line: None), still, meanwhile)
        elif meanwhile is not None:
            meanwhile(self)

    def _sources(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The rest points (and their normals) the kept tubes follow: the muscles' and
        tendons' coarse twins (the full mesh where one has none), so coarse poses move them
        alike, and the bones. Not the pack's vessels: they are posed with less care."""
        pack, binding = self._pack_assets, self._pack.binding
        points, normals = {}, {}
        for sid in sorted(self._soft):
            if pack.kinds.get(sid) not in FOLLOWED_KINDS:
                continue
            if sid in self._thin:
                points[sid], normals[sid] = binding.coarse.rest[sid], self._coarse_normals[sid]
            elif sid in binding.full.rest:
                points[sid] = binding.full.rest[sid]
                normals[sid] = vertex_normals(points[sid], binding.full.faces[sid])
        for sid in sorted(pack.meshes):
            if pack.kinds.get(sid) == "bone" and sid in pack.bodies:
                points[sid], normals[sid] = pack.meshes[sid].vertices, pack.meshes[sid].normals
        return points, normals

    def _guards_key(self, tubes: Mapping[str, TubeLayout]) -> str:
        """Hex digest of what the kept tubes' sampled guards depend on: the pack (its manifest
        and binding), the sample poses, the tubes as drawn and the source that finds them."""
        h = self._pack_digest()
        h.update(repr(SAMPLE_POSES_DEG).encode())
        for sid, t in tubes.items():
            h.update(sid.encode())
            h.update(np.ascontiguousarray(t.vertices).tobytes())
        h.update(np.ascontiguousarray(self._eased).tobytes())
        return h.hexdigest()

    def _saved_guards(self, tubes: Mapping[str, TubeLayout], sources: Mapping[str, np.ndarray]
                      ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]
                                 ] | None:
        """The sampled guards and the stations' nearest points saved in the pack folder for
        this pack and these tubes (the build saves them: :data:`GUARDS_NAME`), else None."""
        stations = sum(t.stations for t in tubes.values())
        points = sum(len(p) for p in sources.values())
        with contextlib.suppress(*DAMAGED), np.load(self._pack_path / GUARDS_NAME,
                                                    allow_pickle=False) as f:
            at, rows = f["stations"], f["rows"]
            dist, idx = f["near_dist"], f["near_rows"]
            if str(f["key"]) == self._guards_key(tubes) and at.shape == rows.shape \
                    and at.ndim == 1 and at.dtype.kind == rows.dtype.kind == "i" \
                    and bool(np.all((at >= 0) & (at < stations) & (rows >= 0) & (rows < points))) \
                    and idx.shape == dist.shape == (stations, min(SEARCH, points)) \
                    and idx.dtype.kind == "i" and dist.dtype.kind == "f" \
                    and bool(np.all((idx >= 0) & (idx < points))) and np.isfinite(dist).all():
                return (at.astype(np.int64), rows.astype(np.int64)), (dist, idx.astype(np.int64))
        return None

    def _save_guards(self, tubes: Mapping[str, TubeLayout]) -> None:
        at, rows = self._tubes.sampled_guards
        near = self._tubes.found_near
        if near is None:
            return
        with contextlib.suppress(OSError):  # (a read-only pack samples them at every start)
            write_npz(self._pack_path / GUARDS_NAME, key=np.array(self._guards_key(tubes)),
                      stations=at, rows=rows, near_dist=near[0],
                      near_rows=near[1].astype(np.int32))

    def _pack_digest(self) -> Any:
        """A sha256 over the pack's manifest and binding and the source of the modules that
        pose it and its kept tubes."""
        from calfexplorer.anatomy.binding_cache import _SOURCES, CACHE_NAME

        pack = self._pack_path
        h = hashlib.sha256((pack / "manifest.json").read_bytes())
        with contextlib.suppress(OSError):  # the binding (its key: the model's paths and rest)
            h.update((pack / CACHE_NAME).read_bytes())
        for name in (*_SOURCES, "kept_tubes.py", "routing.py", "route_apply.py",
                     "fan_winding.py", "interosseous.py", "leg_poser.py"):
            h.update((Path(__file__).parent / name).read_bytes())
        return h

    def _sampled(self, sources: Mapping[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
        """Every row of ``sources`` posed in each of :data:`SAMPLE_POSES_DEG`."""
        from calfexplorer.biomech import Pose
        from calfexplorer.geometry.source import pose_state

        bones = {sid: self._pack_assets.meshes[sid].vertices.astype(np.float64)
                 for sid in sources if sid not in self._soft}
        levels = [(False, frozenset(self._soft.difference(self._thin))), (True, self._thin)]
        out = []
        for knee, ankle in SAMPLE_POSES_DEG:
            state: Any = pose_state(Pose(knee=np.radians(knee), ankle=np.radians(ankle)))
            whole, rough = self._pack.pose_many(state, levels)  # the twins as coarse poses
            transforms = self._deformer.rigid_transforms(state)
            posed = {}
            for sid in sources:
                if sid in bones:
                    t = transforms[sid]
                    posed[sid] = bones[sid] @ t[:3, :3].T + t[:3, 3]
                else:
                    posed[sid] = rough[sid] if sid in rough else whole[sid]
            out.append(posed)
        return out

    def _learn(self, say: Callable[[str], None], still: Callable[[], None] | None,
               meanwhile: Callable[[PackLegPoser], None] | None = None) -> None:
        """Teach the kept tubes how far their stations must move out of the tissue in the
        :data:`LEARN_KNEES_DEG` x :data:`LEARN_ANKLES_DEG` poses with the knee bent and at
        :data:`LEARN_STRAIGHT_ANKLES_DEG` with it straight (:func:`_best_move`; ~30 s of CPU,
        spread over the machine's cores), or read what was learnt before from the pack folder
        (the pack build learns them: :mod:`.pack`)."""
        kept = self._tubes
        knees, ankles = list(LEARN_KNEES_DEG), list(LEARN_ANKLES_DEG)
        path = self._pack_path / LEARNT_NAME
        key = self.learnt_key()
        shape = (len(knees), len(ankles), len(kept.radii), 3)
        straight = [a for a in LEARN_STRAIGHT_ANKLES_DEG if a not in ankles]
        offsets = rotations = more = turned = None
        with contextlib.suppress(*DAMAGED), np.load(path, allow_pickle=False) as f:
            saved = (f["offsets"], f["rotations"], f["straight_offsets"], f["straight_rotations"])
            shapes = (shape, (*shape, 3), (len(straight), *shape[2:]),
                      (len(straight), *shape[2:], 3))
            bounds = (MAX_STORED_SHIFT_M, 1.0 + 1e-3) * 2  # moves (m); rotation matrices
            if str(f["key"]) == key and all(
                a.shape == s and a.dtype.kind == "f" and np.isfinite(a).all()
                and np.abs(a).max(initial=0.0) <= bound
                for a, s, bound in zip(saved, shapes, bounds, strict=True)
            ):
                offsets, rotations, more, turned = saved
        if offsets is not None and meanwhile is not None:
            meanwhile(self)
        if offsets is None or rotations is None or more is None or turned is None:
            learnt = self._learn_poses([(k, a) for k in knees for a in ankles]
                                       + [(0, a) for a in straight], key, say, still,
                                       meanwhile)
            offsets, rotations = self._clear_samples(knees, ankles, learnt)
            more, turned = self._clear_samples([0], straight, learnt)
            more, turned = more[0], turned[0]
            with contextlib.suppress(OSError):  # a read-only pack learns at every start
                write_npz(path, key=np.array(key), offsets=offsets, rotations=rotations,
                          straight_offsets=more, straight_rotations=turned)
        kept.learn(np.radians(knees), np.radians(ankles), offsets, rotations,
                   (np.radians(straight), more, turned))

    def learnt_key(self) -> str:
        """Hex digest of what the kept tubes' learnt moves depend on: the pack's manifest (its
        meshes and routes) and binding, the learning's poses, the tubes' embedding, and the
        source of the modules that pose and move them."""
        kept = self._tubes
        h = self._pack_digest()
        h.update(repr((SAMPLE_POSES_DEG, LEARN_KNEES_DEG, LEARN_ANKLES_DEG,
                       LEARN_STRAIGHT_ANKLES_DEG)).encode())
        h.update(np.ascontiguousarray(kept.radii).tobytes())
        h.update(np.ascontiguousarray(kept.rest_centres).tobytes())
        return h.hexdigest()

    def _learn_poses(self, poses: list[tuple[int, int]], key: str, say: Callable[[str], None],
                     still: Callable[[], None] | None = None,
                     meanwhile: Callable[[PackLegPoser], None] | None = None,
                     ) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
        """:meth:`clear_pose` in each of ``poses`` that has a move to learn (:func:`_moves_at`),
        all together in worker processes where the machine has the cores
        (:mod:`.learning_workers`, which check that they pose the pack of :meth:`learnt_key`
        ``key``; ``still``: see there), else here. ``say`` is told each pose with the knee
        bent as its learning starts; ``meanwhile`` (see the constructor) is called once the
        workers have the poses, or before they are learnt here."""
        from calfexplorer.anatomy.learning_workers import learn_in_workers

        told: set[tuple[int, int]] = set()

        def tell(pose: tuple[int, int]) -> None:
            if pose not in told and pose[0] != 0:  # (the straight knee's ~1 s: not told)
                told.add(pose)
                say(f"  knee bent {pose[0]} degrees, ankle at {pose[1]} degrees")

        # the costliest first (the bent knee's poses take 1-9 s, the more the more it bends)
        moving = sorted((p for p in poses if _moves_at(*p)), reverse=True)
        called: list[bool] = []

        def meantime() -> None:
            if meanwhile is not None and not called:
                called.append(True)
                meanwhile(self)

        learnt = learn_in_workers(self._pack_path, key, moving, tell, still, self._warm,
                                  meantime) if len(moving) > 1 else {}
        meantime()
        for pose in moving:
            if pose not in learnt:  # (here: one CPU, or a worker failed)
                if still is not None:
                    still()
                tell(pose)
                learnt[pose] = self.clear_pose(*pose)
        return learnt

    def _clear_samples(self, knees: list[int], ankles: list[int],
                       learnt: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]],
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Each station's move out of the tissue (world frame) and its neighbours' rotation,
        in each (knee, ankle) of the grid: ``learnt`` (:meth:`_learn_poses`) where it holds
        the pose, else :meth:`clear_pose` (the straight knee's easing only)."""
        shape = (len(knees), len(ankles), len(self._tubes.radii), 3)
        offsets, rotations = np.zeros(shape), np.zeros((*shape, 3))
        for i, knee in enumerate(knees):
            for j, ankle in enumerate(ankles):
                found = learnt.get((knee, ankle))
                if found is None:  # the straight knee's poses: their easing only
                    found = self.clear_pose(knee, ankle)
                offsets[i, j], rotations[i, j] = found
        return offsets, rotations

    def clear_pose(self, knee: int, ankle: int) -> tuple[np.ndarray, np.ndarray]:
        """Each station's move out of the tissue (world frame) and its neighbours' rotation, in
        one pose (degrees). With the knee straight the move is the tube's easing at rest
        (turned with the neighbours), and at :data:`LEARN_STRAIGHT_ANKLES_DEG` the move out of
        the tissue from there added."""
        from calfexplorer.anatomy.routing import solids
        from calfexplorer.biomech import Pose
        from calfexplorer.geometry.mesh import Mesh
        from calfexplorer.geometry.source import pose_state

        kept, pack = self._tubes, self._pack_assets
        state: Any = pose_state(Pose(knee=np.radians(knee), ankle=np.radians(ankle)))
        levels = [(False, frozenset(self._soft)), (True, self._thin)]
        whole, rough = self._pack.pose_many(state, levels)
        transforms = self._deformer.rigid_transforms(state)
        c, rotations = kept.centres(self._anchors(whole, {}, transforms))
        offsets = np.einsum("sij,sj->si", rotations, self._eased) if knee == 0 \
            else np.zeros((len(kept.radii), 3))
        c = c + offsets
        if not _moves_at(knee, ankle):
            return offsets, rotations
        mapping = load_mapping()
        coarse_faces = self._pack.binding.coarse.faces
        meshes, full = {}, {}
        for sid in sorted(pack.meshes):  # the soft tissue's coarse twins: 1/4 the faces
            kind, faces = pack.kinds.get(sid), pack.meshes[sid].faces
            if kind in FOLLOWED_KINDS and sid in whole:
                v = np.asarray(whole[sid], np.float32)
                full[sid] = Mesh(v, faces, vertex_normals(v, faces))
            if kind in FOLLOWED_KINDS and sid in rough:
                v, faces = rough[sid], coarse_faces[sid]
            elif kind in FOLLOWED_KINDS and sid in whole:
                v = whole[sid]
            elif kind == "bone" and sid in transforms:
                t = transforms[sid]
                v = pack.meshes[sid].vertices @ t[:3, :3].T + t[:3, 3]
            else:
                continue
            v = np.asarray(v, np.float32)
            meshes[sid] = Mesh(v, faces, vertex_normals(v, faces))
            if kind == "bone":
                full[sid] = meshes[sid]
        found, judge = solids(meshes), solids(full)
        bones = frozenset(k for k in found if pack.kinds.get(k) == "bone")
        for sid, r in kept.split(np.arange(len(c))).items():
            s = mapping.structures.get(sid)
            within = set(s.within) if s else set()
            near = {k: v for k, v in found.items() if k not in within}
            offsets[r] += _best_move(c[r], kept.radii[r], near, {
                k: v for k, v in judge.items() if k not in within},
                {k: v for k, v in judge.items() if k in within},
                kept.rest_centres[r], bones, sid in self._taut or sid in FAIRED)
        return offsets, rotations

    def _embed(self, rest: Any) -> None:
        """Ready the kept tubes' posing: the rows each pose gathers, and their rest taken as
        the tissue lies posed in the rest pose."""
        pack, kept = self._pack_assets, self._tubes
        follow = self._pack.follow_matrices() if kept.ids else {}
        self._follow = {sid: follow[sid][rows] for sid, rows in kept.needs.items()
                        if sid in self._thin}
        self._bone_rest = {sid: pack.meshes[sid].vertices[rows].astype(np.float64)
                           for sid, rows in kept.needs.items() if sid not in self._soft}
        if kept.ids:
            eye = {sid: np.eye(4) for sid in self._bone_rest}
            kept.rebase(self._anchors(self._pack.pose(rest), {}, eye))

    def _anchors(self, whole: dict[str, np.ndarray], rough: dict[str, np.ndarray],
                 transforms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The posed rows of every source the kept tubes follow."""
        out = {}
        for sid, rows in self._tubes.needs.items():
            if sid in rough:  # (take: row gathers by fancy indexing are slow)
                out[sid] = np.take(rough[sid], rows, axis=0)
            elif sid in self._follow:
                out[sid] = self._follow[sid] @ whole[sid]
            elif sid in whole:
                out[sid] = np.take(whole[sid], rows, axis=0)
            else:
                t = transforms[sid]
                out[sid] = self._bone_rest[sid] @ t[:3, :3].T + t[:3, 3]
        return out

    def prepare(self) -> None:
        """Build the built-in meshes' coarse posing plan (the binding is made in the
        constructor)."""
        self._deformer.prepare_coarse()

    def coarse_twins(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, Any]]:
        """Id -> (rest vertices, faces, rest normals, follow matrix) of each soft-tissue
        structure's coarse twin: the binding's coarse mesh, which coarse poses move; the
        follow matrix takes the full mesh's vertices to the twin's (see :mod:`.twins`)."""
        coarse = self._pack.binding.coarse
        follow = self._pack.follow_matrices()
        return {sid: (coarse.rest[sid].astype(np.float32), np.asarray(coarse.faces[sid]),
                      self._coarse_normals[sid], follow[sid]) for sid in sorted(self._thin)}

    def __call__(self, angles: Mapping[str, float], coarse: bool = False,
                 full: tuple[str, ...] = ()) -> PosedMeshes:
        from calfexplorer.biomech import Pose
        from calfexplorer.geometry.source import pose_state

        state: Any = pose_state(Pose(**dict(angles)))
        posed = self._deformer.pose(state, coarse=coarse, full=full)
        if coarse:  # the soft tissue's twins, but the ids in ``full`` (a selection)
            thin = self._thin.difference(full)
            whole, rough = self._pack.pose_many(
                state, [(False, frozenset(self._soft.difference(thin))), (True, thin)])
        else:
            thin, rough = frozenset(), {}
            whole = self._pack.pose(state)
        moved = {s: v for s, v in whole.items() if s in self._soft}
        tubes, tube_normals, thin_tubes = self._tubes.pose(
            self._anchors(whole, rough, posed.transforms), coarse, frozenset(full),
            (float(angles.get("knee", 0.0)), float(angles.get("ankle", 0.0))))
        # Rest normals stand in until the scene refines them from the faces before its full
        # frame: recomputing them for every drag step would cost more than the posing.
        normals = {**posed.normals, **{s: self._rest_normals[s] for s in moved},
                   **{s: self._coarse_normals[s] for s in rough}, **tube_normals}
        return PosedMeshes(posed.transforms, {**posed.vertices, **moved, **rough, **tubes},
                           normals, posed.coarse | thin | thin_tubes)


#: A posed tube is laid again from where the move out of the coarse twins left it only where
#: the best move before leaves it costing more than this (:func:`.routing.posed_cost`: about
#: the share of its length inside tissue; most that remain cost far less, and each laying
#: takes a second or more: laying again with every smoothing, and from 0, made the pack's
#: build 3-7 s longer for no better result).
LAY_AGAIN_COST = 0.02


def _best_move(centres: np.ndarray, radii: np.ndarray, coarse: Mapping[str, Any],
               full: Mapping[str, Any], own: Mapping[str, Any], rest: np.ndarray,
               bones: frozenset[str], fair: bool = False) -> np.ndarray:
    """A posed tube's move out of the tissue: none, the one out of the tissue's coarse twins
    (:func:`calfexplorer.anatomy.routing.clear_out`), one through the full tissue where it
    is least, smooth (:func:`~calfexplorer.anatomy.routing.lay_through`; smoothed wider where
    that leaves some inside or kinked), or, where those leave it costing more than
    :data:`LAY_AGAIN_COST`, the wider laying started from where the move out of the coarse twins
    left the tube, whichever leaves the tube lying best in the full tissue
    (:func:`~calfexplorer.anatomy.routing.posed_cost`; ``own``: the full tissue it runs
    inside). Each only where the ones before leave some of it inside or kinked. Where the
    best of them still leaves runs crossing tissue between stations (they are made judging
    each run at its midpoint), its stations are moved off it a few at a time
    (:func:`~calfexplorer.anatomy.routing.clear_runs`), kept where that lies better. ``fair``
    (a taut tube: a branch's start drawn round a muscle): where the move turns the tube more
    sharply than it turned, the turns are eased (:func:`~calfexplorer.anatomy.routing.fair_turns`;
    the common fibular nerve, moved round the medial border of biceps femoris, turned 60
    degrees at knee 120 where it turned 36 posed without the move); also for :data:`FAIRED`.
    No move may take a station across the leg's interosseous line (:mod:`.interosseous`): the
    layings charge places across it, and a move that still crosses it is not taken (the tibial
    nerve in the deep squat was moved through the gap between tibia and fibula, in front of
    tibialis posterior, and zigzagged: 17 turns over 45 degrees, the sharpest 112)."""
    from calfexplorer.anatomy.routing import (
        LAY_WIDE,
        clear_out,
        clear_runs,
        fair_turns,
        lay_through,
        posed_cost,
    )

    lo, hi = centres.min(axis=0) - 0.06, centres.max(axis=0) + 0.06
    judge = {i: o for i, o in full.items() if np.all(o.lo <= hi) and np.all(o.hi >= lo)}
    cleared = np.zeros_like(centres)
    crosses, across = _crossing(centres, full)

    def clear() -> np.ndarray:
        cleared[:] = clear_out(centres, radii, dict(coarse))
        return cleared

    def lay_from_cleared() -> np.ndarray:
        # the coarse twins' free places lie near the full tissue's: where the laying from the
        # posed place finds no free line (a pose's tissue overlapping there), it may from them
        return cleared + lay_through(centres + cleared, radii, judge, rest, bones, LAY_WIDE,
                                     across=across)

    ways = ((0.0, clear),
            (0.0, lambda: lay_through(centres, radii, judge, rest, bones, across=across)),
            (0.0, lambda: lay_through(centres, radii, judge, rest, bones, smoothing=LAY_WIDE,
                                      across=across)),
            (LAY_AGAIN_COST, lay_from_cleared))
    def cost(move: np.ndarray) -> float:
        # a move across the interosseous line takes the tube out of its compartment
        if crosses(move):
            return np.inf
        return posed_cost(centres + move, judge, dict(own))

    moves = [np.zeros_like(centres)]
    costs = [posed_cost(centres, judge, dict(own))]
    for worse_than, way in ways:
        if min(costs) <= worse_than:
            break
        moves.append(way().copy())
        costs.append(cost(moves[-1]))
    best = int(np.argmin(costs))
    move = moves[best]
    if costs[best] > 0.0:
        polished = move + clear_runs(centres + move, judge, dict(own))
        if cost(polished) < costs[best]:
            move = polished
    if fair:
        faired = move + fair_turns(centres, centres + move, radii, judge, dict(own))
        if not crosses(faired):
            move = faired
    return move


def _crossing(centres: np.ndarray, full: Mapping[str, Any]) -> tuple[
        Callable[[np.ndarray], bool],
        Callable[[np.ndarray, np.ndarray], np.ndarray] | None]:
    """Whether a move of the posed tube ``centres`` takes any station across the leg's
    interosseous line (:func:`.interosseous.crossed`), and which places lie across it from
    given stations' places (for :func:`.routing.lay_through`); never, and none, where ``full``
    lacks the tibia or the fibula."""
    from calfexplorer.anatomy.interosseous import Line

    tibia, fibula = full.get("tibia"), full.get("fibula")
    if tibia is None or fibula is None:
        return (lambda _move: False), None
    across = Line(tibia.mesh.vertices, fibula.mesh.vertices).crossed  # (its axis found once)
    return (lambda move: bool(across(centres, centres + move).any())), across


def _moves_at(knee: int, ankle: int) -> bool:
    """Whether the kept tubes learn a move in this pose (degrees): with the knee bent, or
    straight at :data:`LEARN_STRAIGHT_ANKLES_DEG`."""
    return knee != 0 or ankle in LEARN_STRAIGHT_ANKLES_DEG


def _kept_tubes(assets: AssetSet) -> tuple[dict[str, TubeLayout], dict[str, np.ndarray]]:
    """The built-in tubes the pack routes (its manifest's ``routes``) that the leg holds, as
    drawn, and their easing per station (:func:`.routing.ease`; none where the leg draws a
    tube as built in: its route did not fit)."""
    from calfexplorer.anatomy.route_apply import route_layout

    pack = assets.pack
    if pack is None:
        return {}, {}
    routes = pack.manifest.get("routes")  # (as :func:`.route_apply.drawn_routes` keeps them)
    out, eased = {}, {}
    for sid, doc in (routes.items() if isinstance(routes, dict) else ()):
        mesh, layout = assets.meshes.get(sid), route_layout(doc)
        if mesh is None or layout is None or sid in pack.meshes \
                or len(mesh.vertices) != layout[0] * layout[1] + 2:
            continue
        eased[sid] = doc["eased_m"]
        out[sid] = TubeLayout(mesh.vertices, mesh.normals, *layout)
    return out, eased
