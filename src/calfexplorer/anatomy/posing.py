"""Pose the pack's soft tissue from a model pose: two sparse products for all structures.

Path-bound vertices follow their tracks' stations and frames; each cross-section is scaled by
1/sqrt(stretch) of its stretch along the track, so a lengthening muscle thins and keeps its
volume. Bone-bound vertices move with their bones' rigid transforms (blended for vessels).

Every vertex is a fixed linear combination of per-pose columns (a station's centre, its scaled
normal and binormal, its tangent; a body's rotation columns and translation), so one level is
posed by two sparse products (:class:`.sparse_rows.BlockRows`, numpy alone: SciPy's sparse
matrices kept ~19 MiB resident in the motion lab): one for what lies along the tracks and on
the bones, one for the cross-sections, which a per-structure factor rescales where the volume
drifts. Soft
tissue pushed deeper into a bone than at rest is then moved out of it (:mod:`.bone_fields`), and
the volume the push took or gave back restored (:mod:`.volume_settle`). Last, the moves learnt
in a grid of poses where the bent knee creases the tissue (:mod:`.folds`) are blended in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from calfexplorer.anatomy import folds as fold_moves
from calfexplorer.anatomy.binding import Level, PackBinding, Rows
from calfexplorer.anatomy.bone_fields import KEPT_OUT, BoneFields, find_checks, pool_fields
from calfexplorer.anatomy.sparse_rows import Blend, BlockRows, block_diagonal
from calfexplorer.anatomy.tracks import evaluate
from calfexplorer.anatomy.twins import follow_matrix
from calfexplorer.anatomy.volume_settle import restore_volume
from calfexplorer.geometry.vec3 import norms
from calfexplorer.recent import Recent

#: Prepared subsets of a level kept, the most recently used. A drag with a selection poses
#: two (the selection in full, the rest of the twins), ~1.4 MiB each with the pack leg, and
#: preparing one again takes ~6 ms: the last three selections' (16 held 23 MiB).
SUBSETS_KEPT = 6


def _stretch(centres: np.ndarray, rest_centres: np.ndarray) -> np.ndarray:
    """Stretch (T, N) of each station: posed over rest spacing of its neighbours."""
    def spacing(c: np.ndarray) -> np.ndarray:
        seg = norms(np.diff(c, axis=1))
        pad = np.concatenate([seg[:, :1], seg, seg[:, -1:]], axis=1)
        return 0.5 * (pad[:, :-1] + pad[:, 1:])

    return spacing(centres) / np.maximum(spacing(rest_centres), 1e-12)


Columns = tuple[np.ndarray, np.ndarray, np.ndarray]


def _pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(S, 4, 3) blocks of stations: ``a`` at a station and the next, then ``b`` likewise
    (the last station's next: itself; no row reads it)."""
    def following(x: np.ndarray) -> np.ndarray:
        return np.concatenate([x[1:], x[-1:]]) if len(x) else x

    return np.stack([a, following(a), b, following(b)], axis=1)


def _components(v: np.ndarray) -> Columns:
    """x, y and z of (n, 3) points as contiguous arrays."""
    return np.ascontiguousarray(v[:, 0]), np.ascontiguousarray(v[:, 1]), \
        np.ascontiguousarray(v[:, 2])


def _at(cols: Columns, idx: np.ndarray) -> Columns:
    return np.take(cols[0], idx), np.take(cols[1], idx), np.take(cols[2], idx)


def _det(a: Columns, b: Columns, c: Columns) -> np.ndarray:
    """Row-wise determinant of the corners a, b, c (each as x, y, z columns): a . (b x c)."""
    (ax, ay, az), (bx, by, bz), (cx, cy, cz) = a, b, c
    return ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx)


def _cross(b: Columns, c: Columns) -> Columns:
    """Row-wise cross product b x c (as x, y, z columns)."""
    (bx, by, bz), (cx, cy, cz) = b, c
    return by * cz - bz * cy, bz * cx - bx * cz, bx * cy - by * cx


def _dot(a: Columns, b: Columns) -> np.ndarray:
    """Row-wise dot product (as x, y, z columns)."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _wide(rows: Rows) -> Rows:
    """``rows`` in int64 and float64 (a loaded binding keeps them in int32 and float32, as
    saved): the matrices are made from them as before."""
    return Rows(*(np.asarray(getattr(rows, f), np.int64 if f in ("vertex", "driver")
                             else np.float64) for f in ("vertex", "driver", "frac", "local",
                                                        "weight")))


#: A muscle whose volume is off by more than this gets its cross-sections rescaled.
VOLUME_TOLERANCE = 0.01


class _Prepared:
    """One level's bindings as two sparse maps over per-pose blocks (:class:`BlockRows`).

    Blocks of the axial map: per station its centre and the next station's, its tangent and
    the next one's (S), then per body its three rotation columns and its translation (B).
    Blocks of the lateral map: per station its normal and the next one's, its binormal and
    the next one's, all scaled by the station's cross-section scale (S).
    """

    def __init__(self, lev: Level, n_stations: int, n_bodies: int,
                 measured: frozenset[str] = frozenset()) -> None:
        self.total = int(lev.starts[-1])
        self.ids = lev.ids
        self.starts = lev.starts
        p, r = _wide(lev.path), _wide(lev.rigid)
        s = n_stations
        a0 = (1.0 - p.frac) * p.weight
        a1 = p.frac * p.weight
        lx, ly, lz = p.local[:, 0], p.local[:, 1], p.local[:, 2]
        rw = r.weight
        self.axial = BlockRows(
            np.concatenate([p.vertex, r.vertex]), np.concatenate([p.driver, s + r.driver]),
            np.stack([np.concatenate(c) for c in (
                (a0, rw * r.local[:, 0]), (a1, rw * r.local[:, 1]),
                (a0 * lz, rw * r.local[:, 2]), (a1 * lz, rw))]), self.total)
        self.lateral = BlockRows(p.vertex, p.driver,
                                 np.stack([a0 * lx, a1 * lx, a0 * ly, a1 * ly]), self.total)
        # structures with cross-sections: their volume is measured and kept
        struct = np.searchsorted(lev.starts, np.arange(self.total), side="right") - 1
        self.vertex_struct = struct.astype(np.int32)  # (indices kept in int32: half the bytes)
        # ... and the ``measured`` ones bound to bones (the popliteus): pushed out of bone
        kept = np.unique(np.concatenate([struct[p.vertex], [
            k for k, sid in enumerate(lev.ids) if sid in measured]]).astype(np.int64))
        self.kept = kept
        faces = [lev.faces[lev.ids[k]] + lev.starts[k] for k in kept]
        self.faces = np.concatenate(faces).astype(np.int32) if faces \
            else np.zeros((0, 3), np.int32)
        self.face_struct = np.concatenate([np.full(len(f), k, np.int32) for k, f in zip(
            kept, faces, strict=True)]) if faces else np.zeros(0, np.int32)
        self.n_struct = len(lev.ids)
        self.rest_volume = np.zeros(0)
        self._fcols: Columns | None = None
        # (volume_settle.restore_volume keeps these here, found at its first call)
        self.vertex_areas: np.ndarray | None = None
        self.own_faces: dict[int, np.ndarray] = {}

    def _centred(self, v: np.ndarray) -> np.ndarray:
        """``v`` less each structure's centroid (a structure's vertices are contiguous, from
        ``starts``: summed by ``reduceat``, the centroids repeated, no gathers)."""
        if not len(v):
            return v
        counts = np.diff(self.starts)
        sums = np.add.reduceat(v.astype(np.float64), np.minimum(self.starts[:-1], len(v) - 1),
                               axis=0)
        centre = (sums / np.maximum(counts, 1)[:, None]).astype(v.dtype)
        return v - np.repeat(centre, counts, axis=0)

    def volumes(self, v: np.ndarray) -> np.ndarray:
        """Signed volume of each structure (0 for those not measured), about its centroid: a
        decimated mesh may have small holes, and then only that keeps it from depending on
        where the structure lies."""
        return self._volumes(self._centred(v))

    def _face_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each face's first, second and third vertex (contiguous: gathers by them are fast)."""
        if self._fcols is None:
            cols = np.ascontiguousarray(self.faces.T)
            self.faces = cols.T  # the same faces, a view: not kept twice
            self._fcols = (cols[0], cols[1], cols[2])
        return self._fcols

    def _volumes(self, centred: np.ndarray) -> np.ndarray:
        x, y, z = _components(centred)
        f0, f1, f2 = self._face_columns()
        six = _det(_at((x, y, z), f0), _at((x, y, z), f1), _at((x, y, z), f2))
        return np.bincount(self.face_struct, six, minlength=self.n_struct) / 6.0

    def subset(self, keep: set[str]) -> tuple[_Prepared, np.ndarray]:
        """This level restricted to the structures in ``keep`` (which pose as they do in the
        whole level: every step is per structure or per vertex), and each vertex's new index
        (-1 where dropped)."""
        picked = [k for k, sid in enumerate(self.ids) if sid in keep]
        sub = object.__new__(_Prepared)
        rows = np.concatenate([np.arange(self.starts[k], self.starts[k + 1]) for k in picked]) \
            if picked else np.zeros(0, np.int64)
        vmap = np.full(self.total, -1, np.int64)
        vmap[rows] = np.arange(len(rows))
        smap = np.full(self.n_struct, -1, np.int64)
        smap[picked] = np.arange(len(picked))
        sub.total = len(rows)
        sub.ids = [self.ids[k] for k in picked]
        sub.starts = np.concatenate([[0], np.cumsum([self.starts[k + 1] - self.starts[k]
                                                     for k in picked])]).astype(np.int64)
        sub.axial, sub.lateral = self.axial.subset(rows), self.lateral.subset(rows)
        sub.vertex_struct = smap[self.vertex_struct[rows]].astype(np.int32)
        sub.kept = smap[self.kept][smap[self.kept] >= 0]
        faces = smap[self.face_struct] >= 0
        sub.faces = vmap[self.faces[faces]].astype(np.int32)
        sub.face_struct = smap[self.face_struct[faces]].astype(np.int32)
        sub.n_struct = len(picked)
        sub.rest_volume = self.rest_volume[picked]
        sub._fcols = None
        return sub, vmap

    def followed(self, follow: Blend, starts: np.ndarray,
                 faces: dict[str, np.ndarray], rest: np.ndarray) -> _Prepared:
        """A level whose vertices are fixed blends of this one's (``follow``: twin vertices x
        these vertices, block by block in the same structures' order; ``starts`` and ``faces``
        the twins'; ``rest`` this level's rest vertices): posed by the same rows blended, so
        before the volume's correction a twin lies exactly on its posed full mesh."""
        sub = object.__new__(_Prepared)
        sub.total = int(starts[-1])
        sub.ids, sub.starts = self.ids, starts
        sub.axial, sub.lateral = self.axial.blended(follow), self.lateral.blended(follow)
        sub.vertex_struct = np.repeat(np.arange(self.n_struct, dtype=np.int32), np.diff(starts))
        sub.kept = self.kept
        own = [faces[self.ids[k]] + starts[k] for k in self.kept]
        sub.faces = np.concatenate(own).astype(np.int32) if own else np.zeros((0, 3), np.int32)
        sub.face_struct = np.concatenate([np.full(len(f), k, np.int32) for k, f in zip(
            self.kept, own, strict=True)]) if own else np.zeros(0, np.int32)
        sub.n_struct = self.n_struct
        sub._fcols = None
        sub.rest_volume = sub.volumes(follow @ rest)
        return sub

    def parts(self, axial_blocks: np.ndarray, lateral_blocks: np.ndarray) -> tuple[
            np.ndarray, np.ndarray]:
        """Positions without cross-sections, and the cross-section offsets."""
        return self.axial.apply(axial_blocks), self.lateral.apply(lateral_blocks)

    def correction(self, axial: np.ndarray, lateral: np.ndarray) -> np.ndarray:
        """Per structure: the factor on its cross-sections that brings back its rest volume.

        Only the structures whose volume is off by more than ``VOLUME_TOLERANCE``: the volume
        of ``axial + k lateral`` is a cubic in ``k`` (each face's determinant is), so their
        coefficients, then a few Newton steps from ``k = 1``.
        """
        centred = self._centred(axial + lateral)
        target = self.rest_volume
        k = np.ones(self.n_struct)
        known = np.abs(target) > 1e-12
        vol = self._volumes(centred)
        off = known & (np.abs(vol / np.where(known, target, 1.0) - 1.0) > VOLUME_TOLERANCE)
        if not off.any():
            return k.astype(np.float32)
        pick = off[self.face_struct]
        fs = self.face_struct[pick]
        f0, f1, f2 = (f[pick] for f in self._face_columns())
        p, q = _components(centred - lateral), _components(lateral)
        pa, pb, pc = _at(p, f0), _at(p, f1), _at(p, f2)
        qa, qb, qc = _at(q, f0), _at(q, f1), _at(q, f2)
        # a face's determinant is linear in each corner: expand det(pa + k qa, pb + k qb, ...)
        # = (pa + k qa) . (pb x pc + k (qb x pc + pb x qc) + k^2 qb x qc)
        x, z = _cross(pb, pc), _cross(qb, qc)
        y0, y1, y2 = (u + v for u, v in zip(_cross(qb, pc), _cross(pb, qc), strict=True))
        y = (y0, y1, y2)
        terms = (_dot(pa, x), _dot(qa, x) + _dot(pa, y), _dot(pa, z) + _dot(qa, y), _dot(qa, z))
        c0, c1, c2, c3 = (np.bincount(fs, t, minlength=self.n_struct) / 6.0 for t in terms)
        for _ in range(4):
            val = ((c3 * k + c2) * k + c1) * k + c0 - target
            slope = (3 * c3 * k + 2 * c2) * k + c1
            step = np.where(off & (np.abs(slope) > 1e-15), val / np.where(
                np.abs(slope) > 1e-15, slope, 1.0), 0.0)
            k = np.clip(k - step, 0.6, 1.6)
        return k.astype(np.float32)


class PackPoser:
    """Poses one :class:`PackBinding`; keeps the rest centrelines it measures stretch against."""

    def __init__(self, binding: PackBinding, rest: Any) -> None:
        self.binding = binding
        self._rest_state = rest
        if binding.fields is not None:  # one flat array: the checks read all by one gather
            binding.fields = pool_fields(binding.fields)
        n_st = int(sum(len(t.fraction) for t in binding.tracks))
        self._rest_centres = (evaluate(binding.tracks, rest)[0] if binding.tracks
                              else np.empty((0, 0, 3)))
        self._rest_inv = np.linalg.inv(binding.rest_bodies)
        nb = len(binding.bodies)
        measured = frozenset(s for s, k in binding.kinds.items() if k in KEPT_OUT)
        # The coarse level is posed through the full one's rows (:meth:`_twin_level`, on the
        # first coarse pose): its own rows are never prepared.
        full = _Prepared(binding.full, n_st, nb, measured)
        lev = binding.full
        rest = self._rest(lev)
        full.rest_volume = full.volumes(rest)
        self._levels = {False: full}
        self._fields = {c: BoneFields(binding.fields, binding.checks["coarse" if c else "full"],
                                      None if c else rest)
                        for c in (False, True)} \
            if binding.fields is not None and binding.checks is not None else None
        self._subsets: Recent[tuple[bool, frozenset[str]], tuple[_Prepared, BoneFields | None]] \
            = Recent(SUBSETS_KEPT)

        self._twinned = False  # whether the coarse level follows the full one's rows
        # (coarse, only) -> the level's rows the fold moves go to, and the blend taking them
        # (selections come and go: the last few are kept)
        self._fold_rows: Recent[tuple[bool, frozenset[str] | None], tuple[
            np.ndarray, Blend | None]] = Recent(16)

    def find_checks(self, states: list[Any]) -> None:
        """Find which vertices each pose may push into which bone, over ``states`` (the
        joints' extremes): the binding keeps them, and posing then keeps them out of bone."""
        b = self.binding
        if b.fields is None:
            return
        self._fields = None
        posed: dict[bool, list[tuple[np.ndarray, np.ndarray]]] = {False: [], True: []}
        for st in states:
            for coarse in (False, True):
                v = self.pose(st, coarse)
                lev = b.coarse if coarse else b.full
                flat = np.concatenate([v[s] for s in lev.ids]) if lev.ids else np.zeros((0, 3))
                posed[coarse].append((self._columns(st)[2], flat))
        b.checks = {("coarse" if c else "full"): find_checks(
            b.fields, b.coarse if c else b.full, b.kinds, posed[c]) for c in (False, True)}
        self._fields = {c: BoneFields(b.fields, b.checks["coarse" if c else "full"],
                                      None if c else self._rest(b.full))
                        for c in (False, True)}
        self._twinned = False  # the twins' checks come from the full level's, found now
        self._subsets.clear()

    def learn_folds(self, states: dict[tuple[int, int], Any]) -> dict[
            tuple[str, int, int], tuple[float, float]]:
        """Learn the moves that mend the creases of :data:`.folds.FOLDING` in the grid of
        poses ``states`` ((i, j) of :data:`.folds.KNEES_DEG` x :data:`.folds.ANKLES_DEG`); the
        binding keeps them. Returns the turned-over shares (before, after) per (id, i, j)."""
        b = self.binding
        self._set_folds(None)
        if b.fields is None:
            return {}
        lev = b.full
        sids = [s for s in fold_moves.FOLDING if s in lev.ids]
        meshes = {s: (lev.rest[s], np.asarray(lev.faces[s]), int(lev.starts[lev.ids.index(s)]))
                  for s in sids}
        ends = {s: self._ends(s) for s in sids}
        poses = {}
        for key, st in states.items():
            columns = self._columns(st)
            poses[key] = (self._pose_with(columns, False, None), columns[2])
        rows, values, report = fold_moves.learn(meshes, ends, b.fields, poses)
        if len(rows):
            knees, ankles = fold_moves.fold_grid()
            self._set_folds(fold_moves.Folds(knees, ankles, rows, values))
        return report

    def _set_folds(self, folds: fold_moves.Folds | None) -> None:
        self.binding.folds = folds
        self._fold_rows.clear()

    def _ends(self, sid: str) -> list[tuple[int, np.ndarray]]:
        """(body index, rest point) of each end of the model paths posing ``sid``."""
        how, rest = self.binding.how.get(sid, ""), self._rest_state
        if not how.startswith("paths: "):
            return []
        out = []
        for act in how[len("paths: "):].split(", "):
            ms = rest.muscles[act]
            for e in (0, -1):
                if ms.point_bodies[e] in self.binding.bodies:
                    out.append((self.binding.bodies.index(ms.point_bodies[e]),
                                np.asarray(ms.points[e], np.float64)))
        return out

    def _fold_plan(self, coarse: bool, only: frozenset[str] | None) -> tuple[
            np.ndarray, Blend | None]:
        """The rows of a level (all of it or ``only``) the fold moves go to, and the matrix
        blending the moves for them (None: the moves themselves, the full level)."""
        key = (coarse, only)
        found = self._fold_rows.get(key)
        if found is not None:
            return found
        folds, lev = self.binding.folds, self._levels[coarse]
        assert folds is not None
        matrix: Blend | None
        if coarse:
            follow = self.follow_matrices()
            rows, matrix = block_diagonal([follow[sid] for sid in lev.ids]).on_columns(
                folds.rows)
        else:
            rows, matrix = folds.rows, None
        if only is not None:
            keep = np.zeros(lev.total, bool)
            for k, sid in enumerate(lev.ids):
                if sid in only:
                    keep[lev.starts[k]:lev.starts[k + 1]] = True
            new = np.cumsum(keep) - 1
            pick = keep[rows]
            rows = new[rows[pick]]
            matrix = matrix[pick] if matrix is not None else Blend(
                np.flatnonzero(pick)[:, None], np.ones((int(pick.sum()), 1)), len(folds.rows))
        return self._fold_rows.put(key, (rows, matrix))

    @staticmethod
    def _rest(lev: Level) -> np.ndarray:
        """A level's rest vertices, in the order posing puts them."""
        return np.concatenate([lev.rest[sid] for sid in lev.ids]) if lev.ids \
            else np.zeros((0, 3))

    def _columns(self, state: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The per-pose blocks of both maps, and each body's rest-to-pose transform."""
        b = self.binding
        names = b.bodies
        delta = np.stack([np.asarray(state.bodies[n], np.float64) for n in names]) \
            @ self._rest_inv
        rigid = np.concatenate([delta[:, :3, :3].transpose(0, 2, 1),
                                delta[:, None, :3, 3]], axis=1)  # (B, 4, 3)
        if b.tracks:
            centres, frames = evaluate(b.tracks, state)
            scale = 1.0 / np.sqrt(np.maximum(_stretch(centres, self._rest_centres), 1e-6))
            c = centres.reshape(-1, 3)
            f = frames.reshape(-1, 3, 3)
            sc = scale.reshape(-1, 1)
            axial = np.concatenate([_pairs(c, f[:, :, 2]), rigid])
            lateral = _pairs(f[:, :, 0] * sc, f[:, :, 1] * sc)
        else:
            axial, lateral = rigid, np.zeros((0, 4, 3))
        return axial.astype(np.float32), lateral.astype(np.float32), delta

    def follow_matrices(self) -> dict[str, Blend]:
        """Id -> the map taking the full mesh's vertices to its coarse twin's (the coarse
        level's mesh; :func:`calfexplorer.anatomy.twins.follow_matrix`): the binding's, saved
        with it, else made now (~0.3 s, with SciPy's k-d tree) and kept in the binding."""
        b = self.binding
        if b.follow is None:
            b.follow = {sid: follow_matrix(b.coarse.rest[sid], b.full.rest[sid],
                                           b.full.faces[sid]) for sid in b.full.ids}
        return b.follow

    def _twin_level(self) -> None:
        """Pose the coarse level from now on as blends of the full level's rows (see
        :meth:`_Prepared.followed`), kept out of bone where the full vertices it blends are."""
        b, full = self.binding, self._levels[False]
        follow = self.follow_matrices()
        sizes = [follow[sid].shape[0] for sid in full.ids]
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        blend = block_diagonal([follow[sid] for sid in full.ids])
        self._levels[True] = full.followed(blend, starts, b.coarse.faces, self._rest(b.full))
        self._twinned = True
        if self._fields is None or b.fields is None:
            return
        checks = []
        for body, _f, idx, goal in self._fields[False].checks:
            mark = np.zeros(full.total)
            mark[idx] = 1.0
            wanted = np.zeros(full.total)
            wanted[idx] = goal
            share = blend @ mark
            twin = np.flatnonzero(share > 0)
            if len(twin):
                checks.append((body, twin, ((blend @ wanted)[twin] / share[twin])
                               .astype(np.float32)))
        # hard pushes (no rest given): a drag's coarse poses cost no more than before
        self._fields[True] = BoneFields(b.fields, checks)

    def _plan(self, coarse: bool, only: frozenset[str] | None) -> tuple[
            _Prepared, BoneFields | None]:
        """The prepared level (all of it, or the structures ``only`` names) and its checks."""
        if coarse and not self._twinned:
            self._twin_level()
        fields = None if self._fields is None else self._fields[coarse]
        if only is None:
            return self._levels[coarse], fields
        key = (coarse, only)
        found = self._subsets.get(key)
        if found is None:  # (selections come and go: the last few are kept)
            prep, vmap = self._levels[coarse].subset(set(only))
            found = self._subsets.put(key, (prep, None if fields is None else fields.subset(vmap)))
        return found

    def pose(self, state: Any, coarse: bool = False,
             only: frozenset[str] | None = None) -> dict[str, np.ndarray]:
        """Vertices (float32, metres, world frame) of every bound structure at ``state``.

        ``coarse=True`` poses the decimated meshes (faces in ``binding.coarse.faces``);
        ``only``: just these structures (each posed exactly as with all of them).
        """
        return self._pose_with(self._columns(state), coarse, only,
                               fold_moves.angles_of(state))

    def pose_many(self, state: Any, parts: Sequence[tuple[bool, frozenset[str] | None]]) -> list[
            dict[str, np.ndarray]]:
        """:meth:`pose` for each ``(coarse, only)`` of ``parts``, the model's paths evaluated
        once: e.g. a selection in full and the rest coarse."""
        columns, angles = self._columns(state), fold_moves.angles_of(state)
        return [self._pose_with(columns, coarse, only, angles) for coarse, only in parts]

    def _pose_with(self, columns: tuple[np.ndarray, np.ndarray, np.ndarray], coarse: bool,
                   only: frozenset[str] | None, angles: tuple[float, float] | None = None
                   ) -> dict[str, np.ndarray]:
        """Pose a level (see :meth:`pose`); ``angles`` (knee, ankle; radians) blend in the
        fold moves (none without)."""
        axial_cols, lateral_cols, delta = columns
        prep, fields = self._plan(coarse, only)
        if not prep.total:
            return {}
        ax, lat = prep.parts(axial_cols, lateral_cols)
        lat = lat * np.take(prep.correction(ax, lat), prep.vertex_struct)[:, None]
        out = ax + lat
        if fields is not None:
            before = out.copy()
            moved, settled = fields.push_out(out, delta)
            changed = restore_volume(prep, out, before, moved, lat, fields.on_bone(len(out)))
            # (the settled vertices were checked where they lie: the restore moves no vertex
            # the push moved)
            fields.push_out_some(out, delta, changed & ~settled)
        if angles is not None and self.binding.folds is not None:
            rows, matrix = self._fold_plan(coarse, only)
            if len(rows):
                moves = self.binding.folds.blend(*angles)
                # (take: row gathers by fancy indexing are slow)
                out[rows] = np.take(out, rows, axis=0) + (
                    moves if matrix is None else matrix @ moves)
                if fields is not None:  # blended between grid poses, moves can enter bone
                    which = np.zeros(len(out), bool)
                    which[rows] = True
                    fields.push_out_some(out, delta, which)
        return {sid: out[prep.starts[k]:prep.starts[k + 1]] for k, sid in enumerate(prep.ids)}


def pose_pack(poser: PackPoser, state: Any, coarse: bool = False) -> dict[str, np.ndarray]:
    """Vertices of every soft-tissue structure of the pack at ``state`` (a PoseState)."""
    return poser.pose(state, coarse)
