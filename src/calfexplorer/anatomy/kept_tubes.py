"""The built-in tubes the BodyParts3D leg keeps (nerves, small vessels), posed with the pack.

Routed at build time beside the pack's muscles (:mod:`.routing`), a kept tube would leave them
if the built-in deformer posed it along the built-in model's paths. Instead each station (ring
of the tube) is embedded in the rest pack tissue around it: the nearest points of each of the
two nearest pack structures (muscles, tendons, bones), so it has neighbours on both sides. A
pose moves the station by the best rigid fit of its neighbours' rest to posed points (weighted
by inverse distance), smoothed along the tube, then out of those structures' surfaces (a plane
through each one's nearest point, turned with the station) to the clearance it had at rest, or
between them where they close in; and out of the structures that slide up to it across the
knee's and ankle's ranges (met in a few sample poses; each such guard acts only within reach of
its point, so it cannot move the tube where that tissue is not); the rings are laid
perpendicular to the posed centreline, turned as their neighbours turn, each vertex keeping its
offset in its ring's frame, so a tube stays smooth and round. Where the caller taught it
(:meth:`KeptTubes.learn`) how far the stations must move out of the tissue in a grid of poses
(found with the exact inside test at the poser's construction, :mod:`.leg_poser`), that move,
blended between the grid's poses and turned with each station, is added before the rings are
laid.

The neighbours are given as named *sources* of points: the caller hands their rest points once
and their posed points (only the rows :attr:`KeptTubes.needs` names) each pose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from calfexplorer.anatomy.pose_grid import grid_cell
from calfexplorer.geometry import sweep
from calfexplorer.geometry.rotations import nearest_rotations
from calfexplorer.recent import Recent

#: Points searched around each station, the nearest structures kept, and points per structure.
SEARCH = 256
STRUCTURES = 2
#: Nearest structures (muscles, tendons, bones) each station is kept out of.
GUARDS = 2
PER_STRUCTURE = 8
#: Softening (m) of the inverse-distance weights: neighbours this close weigh about alike.
SOFTEN_M = 0.003
#: Passes of a 1-2-1 filter over each tube's posed displacement and ring normals.
SMOOTH_PASSES = 2
#: Clearance (m) a station keeps off its neighbours' surfaces, beyond its radius (or less, as
#: at rest).
CLEAR_M = 0.001
#: Share of its shortfall each round moves a station (pushes from both sides settle between).
GUARD_STEP = 0.5
#: Passes of the filter between the two times the stations are kept out of their neighbours.
AFTER_PASSES = 2
#: Rounds of moving stations out of the neighbours' surfaces (two guards may push in turn).
GUARD_ROUNDS = 4
#: In the sample poses (tissue slid past the tube), the structures a station meets within this
#: reach (m), nearest first, it is kept out of as well; such a guard acts fully within half the
#: reach of its point, fading out by the reach (so a tube moves smoothly with the pose).
REACH_M = 0.010
SAMPLE_GUARDS = 4
#: Points searched around each station in a sample pose.
SAMPLE_SEARCH = 96
#: Passes of the 1-2-1 filter over a taut tube's neighbours' fits (their cross-covariances)
#: before each station's rotation is taken from them.
TAUT_PASSES = 8


@dataclass(frozen=True)
class TubeLayout:
    """One kept tube: its rest vertices (a swept mesh: ``stations * ring + 2``) and normals."""

    vertices: np.ndarray
    normals: np.ndarray
    stations: int
    ring: int


def _neighbours(starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each station's previous and next station along its tube (itself at the tube's ends),
    and which stations are inside their tube (not at an end)."""
    i = np.arange(int(starts[-1]))
    first, last = np.zeros(len(i), bool), np.zeros(len(i), bool)
    first[starts[:-1]] = True
    last[starts[1:] - 1] = True
    return np.where(first, i, i - 1), np.where(last, i, i + 1), ~(first | last)


def _frames(centres: np.ndarray, prev: np.ndarray, nxt: np.ndarray,
            up: np.ndarray) -> np.ndarray:
    """(S, 3, 3) frames (rows: normal, binormal, tangent) along each tube's centreline, the
    normal as near ``up`` (S, 3) as it can be while perpendicular to the tangent."""
    t = np.take(centres, nxt, axis=0) - np.take(centres, prev, axis=0)
    t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-12)
    n = up - np.einsum("ij,ij->i", up, t)[:, None] * t
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    return np.stack([n, np.cross(t, n), t], axis=1)


def _smooth(x: np.ndarray, prev: np.ndarray, nxt: np.ndarray, inner: np.ndarray,
            passes: int) -> np.ndarray:
    """A 1-2-1 filter along each tube (its ends held)."""
    for _ in range(passes):
        x = np.where(inner[:, None], 0.25 * (np.take(x, prev, axis=0) + np.take(
            x, nxt, axis=0)) + 0.5 * x, x)
    return x


def _rotations(h: np.ndarray) -> np.ndarray:
    """Proper rotations (S, 3, 3) best taking rest to posed offsets, from their weighted
    cross-covariances ``h`` (Kabsch: the rotations nearest their transposes)."""
    return nearest_rotations(h.transpose(0, 2, 1))


def _ranks(idx: np.ndarray, label: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """For each station's neighbours (``idx``, nearest first, of points labelled by structure
    in ``label``, ``count`` structures): its structure's rank among those met, and its rank
    among the points of its structure."""
    lab = label[idx]
    key = (np.arange(len(lab))[:, None] * count + lab).ravel()
    order = np.argsort(key, kind="stable")  # by station and structure, nearest first
    ks = key[order]
    start = np.maximum.accumulate(np.where(np.r_[True, ks[1:] != ks[:-1]],
                                           np.arange(len(ks)), 0))
    nth = np.empty(lab.size, np.int64)
    nth[order] = np.arange(len(ks)) - start
    nth = nth.reshape(lab.shape)
    met = np.cumsum(nth == 0, axis=1) - 1  # at a structure's nearest point: its rank
    rank = np.empty(lab.size, np.int64)
    rank[order] = met.ravel()[order[start]]
    return rank.reshape(lab.shape), nth


class KeptTubes:
    """Kept tubes embedded in the rest pack tissue, posed by their neighbours.

    Parameters
    ----------
    tubes
        Id -> :class:`TubeLayout` at rest, as drawn (routed beside the pack, and eased).
    sources
        Name -> rest points (n, 3) of a pack structure the tubes may follow.
    normals
        Name -> outward normals at those points, where a tube should stay outside the source:
        each station is kept at least as far out of its neighbours' surfaces as it lay at
        rest (a plane through the nearest neighbour of each, turned with the station).
    within
        Tube id -> sources it runs inside (not kept out of them).
    samples
        Every source's points (all rows, as ``sources``) posed in a few poses across the
        joints' ranges: the structures that slide up to a station there are guarded too.
    guards
        What ``samples`` found before (:attr:`sampled_guards`), given instead of them.
    near
        The :data:`SEARCH` nearest source points of each station at rest, found before
        (:attr:`found_near`): (distances, rows of the sources' points), given instead of
        searching them with SciPy's k-d tree (imported for no other reason when the motion
        lab opens: ~16 MiB resident).
    eased
        (S, 3) the part of each station's rest place (as the tubes are drawn) that is its
        route's easing (:func:`.routing.ease`): taken off where the station is embedded in
        the tissue; the caller's moves (:meth:`learn`) give it back where they should.
    taut
        Tube ids drawn taut (a branch's start round a muscle): their stations are not pushed
        out of their neighbours one by one (each push a fold; the caller's moves keep them
        out of the tissue), and each station turns as its stretch of the tube does (its
        neighbours' fits smoothed along the tube, :data:`TAUT_PASSES`), so the moves turn
        with it smoothly between the poses they were given in.
    """

    def __init__(self, tubes: Mapping[str, TubeLayout], sources: Mapping[str, np.ndarray],
                 normals: Mapping[str, np.ndarray] | None = None,
                 within: Mapping[str, frozenset[str]] | None = None,
                 samples: Sequence[Mapping[str, np.ndarray]] = (),
                 eased: np.ndarray | None = None, taut: frozenset[str] = frozenset(),
                 guards: tuple[np.ndarray, np.ndarray] | None = None,
                 near: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.ids = list(tubes)
        self._tubes = dict(tubes)
        centres = [t.vertices[: t.stations * t.ring].astype(np.float64)
                   .reshape(t.stations, t.ring, 3).mean(axis=1) for t in tubes.values()]
        self._starts = np.cumsum([0] + [len(c) for c in centres])
        drawn = np.concatenate(centres) if centres else np.zeros((0, 3))
        if eased is not None and np.shape(eased) != drawn.shape:
            raise ValueError(f"eased: {np.shape(eased)} rows for {drawn.shape} stations")
        c0 = drawn - eased if eased is not None else drawn
        self._rest_centres = c0
        self._radii = np.concatenate([np.linalg.norm(
            t.vertices[: t.stations * t.ring].astype(np.float64).reshape(t.stations, t.ring, 3)
            - c[:, None], axis=2).max(axis=1) for t, c in zip(tubes.values(), centres,
                                                              strict=True)]) \
            if centres else np.zeros(0)
        self._along = _neighbours(self._starts)
        self._taut = np.concatenate([np.arange(self._starts[k], self._starts[k + 1])
                                     for k, sid in enumerate(self.ids) if sid in taut]
                                    + [np.zeros(0, np.int64)]).astype(np.int64)
        self.needs: dict[str, np.ndarray] = {}
        #: The guards the sample poses found (stations; rows of the sources' points, the
        #: sources with points one after another), or given as ``guards``: saved by the
        #: caller, given back for the same sources and tubes, they spare the sample poses.
        self.sampled_guards = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        #: The nearest points searched here (``near`` not given; see there), for the caller
        #: to save: None where given.
        self.found_near: tuple[np.ndarray, np.ndarray] | None = None
        if not len(c0):
            return
        names = [n for n, p in sources.items() if len(p)]
        label = np.concatenate([np.full(len(sources[n]), k) for k, n in enumerate(names)])
        local = np.concatenate([np.arange(len(sources[n])) for n in names])
        points = np.concatenate([np.asarray(sources[n], np.float64) for n in names])
        if near is None:
            from scipy.spatial import cKDTree

            dist, idx = cKDTree(points).query(c0, k=min(SEARCH, len(points)))
            idx = np.asarray(idx, np.int64).reshape(len(c0), -1)
            dist = np.asarray(dist).reshape(idx.shape)
            self.found_near = (dist, idx)
        else:
            dist, idx = near
        normals, within = normals or {}, within or {}
        guarded = np.array([n in normals for n in names])
        tube_of = np.repeat(np.arange(len(self.ids)), np.diff(self._starts))
        lab = label[idx]
        rank, nth = _ranks(idx, label, len(names))
        first = nth == 0
        picked = (rank < STRUCTURES) & (nth < PER_STRUCTURE)
        runs_in = np.zeros((len(self.ids), len(names)), bool)
        for k_t, sid in enumerate(self.ids):
            for n in within.get(sid, ()):
                if n in names:
                    runs_in[k_t, names.index(n)] = True
        keep_out = guarded[None] & ~runs_in[tube_of]  # (station, structure)
        keep_out[self._taut] = False
        guard = first & (rank < GUARDS) & keep_out[np.arange(len(c0))[:, None], lab]
        g_station, g_col = np.nonzero(guard)
        g_row = idx[g_station, g_col]
        k = int(picked.sum(axis=1).max())
        order = np.argsort(~picked, axis=1, kind="stable")[:, :k]
        nbr = np.take_along_axis(idx, order, axis=1)
        ok = np.take_along_axis(picked, order, axis=1)
        d = np.take_along_axis(dist, order, axis=1)
        w = np.where(ok, 1.0 / (d + SOFTEN_M) ** 2, 0.0)
        self._weights = w / w.sum(axis=1, keepdims=True)
        g_reach = np.full(len(g_station), np.inf)
        if guards is None and len(samples):
            guards = self._sampled_guards(
                [np.concatenate([np.asarray(p[n], np.float64) for n in names])
                 for p in samples], label, points, nbr, keep_out,
                g_station * len(names) + lab[g_station, g_col])
        if guards is not None:
            s_station, s_row = guards
            self.sampled_guards = (s_station, s_row)
            g_station = np.concatenate([g_station, s_station])
            g_row = np.concatenate([g_row, s_row])
            g_reach = np.concatenate([g_reach, np.full(len(s_station), REACH_M)])
        # the rows of each source the tubes need, and each neighbour's place among them
        g_row_a = np.asarray(g_row, np.int64)
        used = np.unique(np.concatenate([nbr[ok], g_row_a]))
        slot = np.zeros(len(points), np.int64)
        rows: list[np.ndarray] = []
        for k_src, n in enumerate(names):
            mine = used[label[used] == k_src]
            if len(mine):
                self.needs[n] = local[mine]
                slot[mine] = sum(len(r) for r in rows) + np.arange(len(mine))
                rows.append(mine)
        self._slot = np.where(ok, slot[nbr], 0)
        self._rest_points = points[np.concatenate(rows)] if rows else np.zeros((0, 3))
        # the nearest point of each structure a station stays out of, and its normal there
        self._guard_station = g_station
        self._guard_slot = slot[g_row_a]
        all_normals = np.concatenate([np.asarray(normals[n], np.float64) if n in normals
                                      else np.zeros((len(sources[n]), 3)) for n in names])
        n0 = all_normals[g_row_a]
        self._guard_n0 = n0 / np.maximum(np.linalg.norm(n0, axis=1, keepdims=True), 1e-12)
        self._guard_reach = g_reach
        # the sampled guards come last: the ones that fade with distance
        self._fade_from = int(np.isfinite(g_reach).argmax()) if np.isfinite(g_reach).any() \
            else len(g_reach)
        self._fit_rest(self._rest_points)
        # each vertex's offset in its ring's frame at rest
        up0 = self._rest_up(drawn)
        self._up0 = up0
        f0 = _frames(drawn, *self._along[:2], up0)  # the rings as drawn
        st = np.concatenate([sweep.station_of_vertex(t.stations, t.ring) + self._starts[k]
                             for k, t in enumerate(tubes.values())])
        rel = np.concatenate([t.vertices for t in tubes.values()]).astype(np.float64) \
            - drawn[st]
        nrm = np.concatenate([t.normals for t in tubes.values()]).astype(np.float64)
        self._station = st
        self._local = np.einsum("nij,nj->ni", f0[st], rel).astype(np.float32)
        self._local_normals = np.einsum("nij,nj->ni", f0[st], nrm).astype(np.float32)
        self._coarse = {sid: sweep.coarse_tube(t.stations, t.ring) for sid, t in tubes.items()}
        self._vstarts = np.cumsum([0] + [len(t.vertices) for t in tubes.values()])
        self._rows: Recent[frozenset[str], tuple[np.ndarray, np.ndarray]] = Recent(16)
        self._learnt: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._first_row: tuple[np.ndarray, np.ndarray] | None = None

    def _fit_rest(self, points: np.ndarray) -> None:
        a0 = points[self._slot]
        self._mu0 = np.einsum("sk,skj->sj", self._weights, a0)
        self._wa0 = ((a0 - self._mu0[:, None]) * self._weights[:, :, None]).transpose(0, 2, 1)
        st = self._guard_station
        off = self._rest_centres[st] - points[self._guard_slot]
        h0 = np.einsum("ij,ij->i", off, self._guard_n0)
        clear = self._radii[st] + CLEAR_M
        # (a station the plane puts inside at rest, where the surface curves, goes no deeper;
        # a sampled guard out of reach at rest just keeps the clearance)
        acts = np.einsum("ij,ij->i", off, off) < self._guard_reach ** 2
        self._guard_h0 = np.where(acts, np.minimum(h0, clear), clear)

    def rebase(self, posed: Mapping[str, np.ndarray]) -> None:
        """Take the sources' rows as posed in the rest pose (``posed`` as in :meth:`pose`) for
        their rest: the rest pose then leaves every tube where it was routed, though the pack's
        posing moves its tissue a little from its rest meshes."""
        if self.ids:
            self._fit_rest(np.concatenate([np.asarray(posed[n], np.float64)
                                           for n in self.needs]))

    def _rows_of(self, thin: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        """The vertex rows posed (the coarse tube's of the ids in ``thin``) and where each
        tube's start among them."""
        found = self._rows.get(thin)
        if found is None:
            parts = []
            for k, sid in enumerate(self.ids):
                keep = self._coarse[sid] if sid in thin else None
                parts.append(self._vstarts[k] + (keep[0] if keep is not None else
                                                 np.arange(self._vstarts[k + 1]
                                                           - self._vstarts[k])))
            # (selections come and go: the last few are kept)
            found = self._rows.put(thin, (np.concatenate(parts),
                                          np.cumsum([len(p) for p in parts])[:-1]))
        return found

    def _kept_out(self, c: np.ndarray, pts: np.ndarray, rot: np.ndarray) -> np.ndarray:
        """Stations moved out along their guards' turned normals to their clearance."""
        st = self._guard_station
        if not len(st):
            return c
        # take: row gathers by fancy indexing are slow (numpy 2.4: ~4x)
        n = np.einsum("sij,sj->si", np.take(rot, st, axis=0), self._guard_n0)
        p = np.take(pts, self._guard_slot, axis=0)
        f = self._fade_from
        reach = self._guard_reach[f:]
        for _ in range(GUARD_ROUNDS):
            off = np.take(c, st, axis=0) - p
            short = self._guard_h0 - np.einsum("ij,ij->i", off, n)
            if f < len(st):
                d = np.sqrt(np.einsum("ij,ij->i", off[f:], off[f:]))
                short[f:] *= np.clip(2.0 - 2.0 * d / reach, 0.0, 1.0)
            step = GUARD_STEP * np.maximum(short, 0.0)
            if not step.any():
                break
            c = c + np.stack([np.bincount(st, step * n[:, j], len(c)) for j in range(3)], 1)
        return c

    def _sampled_guards(self, samples: list[np.ndarray], label: np.ndarray,
                        points: np.ndarray, nbr: np.ndarray, keep_out: np.ndarray,
                        known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stations and rows of the nearest points of the structures each station meets within
        :data:`REACH_M` in the sample poses (all rows of every source, posed), the stations
        posed by their neighbours' fit; not those ``known`` (station * structures +
        structure), and each pair once (where it came nearest)."""
        from scipy.spatial import cKDTree

        c0, w, count = self._rest_centres, self._weights, keep_out.shape[1]
        mu0 = np.einsum("sk,skj->sj", w, points[nbr])
        wa0 = ((points[nbr] - mu0[:, None]) * w[:, :, None]).transpose(0, 2, 1)
        keys, rows, dists = [], [], []
        for sp in samples:
            a = sp[nbr]
            mu = np.einsum("sk,skj->sj", w, a)
            rot = _rotations(np.matmul(wa0, a - mu[:, None]))
            c = c0 + _smooth(mu + np.einsum("sij,sj->si", rot, c0 - mu0) - c0,
                             *self._along, SMOOTH_PASSES)
            dist, idx = cKDTree(sp).query(c, k=min(SAMPLE_SEARCH, len(sp)))
            rank, nth = _ranks(idx, label, count)
            lab = label[idx]
            meets = (nth == 0) & (rank < SAMPLE_GUARDS) & (dist < REACH_M) \
                & keep_out[np.arange(len(c))[:, None], lab]
            s, col = np.nonzero(meets)
            keys.append(s * count + lab[s, col])
            rows.append(idx[s, col])
            dists.append(dist[s, col])
        key, row, d = np.concatenate(keys), np.concatenate(rows), np.concatenate(dists)
        new = ~np.isin(key, known)
        key, row, d = key[new], row[new], d[new]
        order = np.lexsort((d, key))
        _, once = np.unique(key[order], return_index=True)
        pick = order[once]
        return key[pick] // count, row[pick]

    def _rest_up(self, c0: np.ndarray) -> np.ndarray:
        """A direction across each tube at rest: towards its first ring vertex."""
        up = []
        for t in self._tubes.values():
            v = t.vertices[: t.stations * t.ring].astype(np.float64).reshape(t.stations, t.ring, 3)
            up.append(v[:, 0] - v.mean(axis=1))
        out = np.concatenate(up) if up else np.zeros((0, 3))
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def centres(self, posed: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Every station's posed centre (S, 3; tubes one after another, in :attr:`ids` order)
        and its neighbours' rotation (S, 3, 3), before any correction given to :meth:`learn`."""
        pts = np.concatenate([np.asarray(posed[n], np.float64) for n in self.needs])
        a = np.take(pts, self._slot, axis=0)
        mu = np.matmul(self._weights[:, None, :], a)[:, 0]
        h = np.matmul(self._wa0, a - mu[:, None])
        if len(self._taut):
            h[self._taut] = _smooth(h.reshape(len(h), 9), *self._along, TAUT_PASSES).reshape(
                h.shape)[self._taut]
        rot = _rotations(h)
        c0 = self._rest_centres
        c = mu + np.einsum("sij,sj->si", rot, c0 - self._mu0)
        c = c0 + _smooth(c - c0, *self._along, SMOOTH_PASSES)
        c = self._kept_out(c, pts, rot)
        return self._kept_out(c0 + _smooth(c - c0, *self._along, AFTER_PASSES), pts, rot), rot

    def split(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """Per-station rows (as :meth:`centres` gives them) split per tube."""
        return dict(zip(self.ids, np.split(values, self._starts[1:-1]), strict=True))

    @property
    def rest_centres(self) -> np.ndarray:
        """Every station's centre at rest where it is embedded: as drawn but its easing (as
        :meth:`centres` orders them)."""
        return self._rest_centres

    @property
    def radii(self) -> np.ndarray:
        """Every station's radius (as :meth:`centres` orders them)."""
        return self._radii

    def learn(self, knees: np.ndarray, ankles: np.ndarray, offsets: np.ndarray,
              rotations: np.ndarray,
              first: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> None:
        """Corrections to add to the posed stations, given on a grid of poses: ``offsets``
        (K, A, S, 3, world frame) at knee ``knees[i]`` and ankle ``ankles[j]`` (radians,
        ascending), where the stations' neighbours had turned by ``rotations`` (K, A, S, 3, 3).
        Kept in each station's turned frame and blended bilinearly between the grid's poses
        (held at its edges). ``first``: more poses of the grid's first knee (ankles (B,) not
        among ``ankles``, offsets (B, S, 3), rotations (B, S, 3, 3)), its row then blended
        through them too."""
        local = np.einsum("kasji,kasj->kasi", rotations, offsets)
        ankles = np.asarray(ankles, np.float64)
        row: tuple[np.ndarray, np.ndarray] | None = None
        if first is not None and len(first[0]):
            more = np.einsum("bsji,bsj->bsi", first[2], first[1])
            at = np.concatenate([ankles, np.asarray(first[0], np.float64)])
            order = np.argsort(at, kind="stable")
            row = (at[order], np.concatenate([local[0], more])[order])
        self._learnt = (np.asarray(knees, np.float64), ankles, local)
        self._first_row = row

    def _correction(self, angles: tuple[float, float], rot: np.ndarray) -> np.ndarray:
        knees, ankles, local = self._learnt  # type: ignore[misc]
        (i, wi), (j, wj) = grid_cell(knees, angles[0]), grid_cell(ankles, angles[1])
        low = (1 - wj) * local[i, j] + wj * local[i, j + 1]
        if i == 0 and self._first_row is not None:
            at, row = self._first_row
            k, wk = grid_cell(at, angles[1])
            low = (1 - wk) * row[k] + wk * row[k + 1]
        blend = (1 - wi) * low + wi * ((1 - wj) * local[i + 1, j] + wj * local[i + 1, j + 1])
        return np.einsum("sij,sj->si", rot, blend)

    def pose(self, posed: Mapping[str, np.ndarray], coarse: bool = False,
             full: frozenset[str] = frozenset(), angles: tuple[float, float] | None = None
             ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], frozenset[str]]:
        """Vertices and normals (float32) of every tube given each source's posed rows
        (``posed[name]``: the points at :attr:`needs` ``[name]``), and the ids posed as their
        coarse tube (``coarse``: every other station and ring vertex, as the scene thins a
        swept mesh; but the ids in ``full``). ``angles`` (knee, ankle; radians) blend in the
        corrections :meth:`learn` was given."""
        if not self.ids:
            return {}, {}, frozenset()
        c, rot = self.centres(posed)
        if angles is not None and self._learnt is not None:
            c = c + self._correction(angles, rot)
        up = _smooth(np.einsum("sij,sj->si", rot, self._up0), *self._along, SMOOTH_PASSES)
        frames = _frames(c, *self._along[:2], up)
        thin = frozenset(self.ids).difference(full) if coarse else frozenset()
        rows, splits = self._rows_of(thin)
        st = self._station[rows]
        loc, nl = np.take(self._local, rows, axis=0), np.take(self._local_normals, rows, axis=0)
        f = np.take(frames.astype(np.float32), st, axis=0)
        v = np.take(c.astype(np.float32), st, axis=0) + f[:, 0] * loc[:, :1] \
            + f[:, 1] * loc[:, 1:2] + f[:, 2] * loc[:, 2:]
        n = f[:, 0] * nl[:, :1] + f[:, 1] * nl[:, 1:2] + f[:, 2] * nl[:, 2:]
        verts = dict(zip(self.ids, np.split(v, splits), strict=True))
        normals = dict(zip(self.ids, np.split(n, splits), strict=True))
        return verts, normals, frozenset(t for t in thin if self._coarse[t] is not None)
