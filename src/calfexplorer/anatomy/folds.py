"""Creases of the bent knee smoothed out: a correction learnt per grid pose (#12).

Where a gastrocnemius head leaves its origin on the femur, the part held on the bone points
down while the belly turns back up the calf: posed along the model's paths and pushed out of
bone, the two meet in a crease in deep knee flexion, and some of its triangles turn over (the
plantaris, biceps femoris short head and popliteus alike). No per-pose rule found so far undid
it without pushing the tissue into bone (the bone is what the crease is pressed against).

So it is mended where time allows, when the binding is made: in each pose of a knee x ankle
grid, around the turned-over triangles of each :data:`FOLDING` structure (those and a few
rings of neighbours), the surface is solved again (a Poisson solve) for edges mapped as the
posed mesh maps them on average over each vertex's :data:`NEIGHBOURS` nearest (rest)
vertices, a map that does not turn over; then, by a few dozen projective steps, kept out of
the bones (:mod:`.bone_fields`' fields: as deep as at rest or :data:`CLEAR_M` outside), at the
volume it had as posed, its origin's and insertion's vertices at their rest distance from
their bone (within :data:`HOLD_TOL_M`); at knee 120 also each edge shorter than a share of
its rest length projected to that length, and the origin's and insertion's vertices kept
within 2 mm of where posing left them (:class:`Mend`); :data:`PASSES` times, each around what
the one before left turned over. What it moved is kept where it turns fewer triangles over
(:data:`MIN_GAIN`) and squeezes the shortest edges no further (:data:`EDGE_FLOOR`): per
vertex, a move added to the posed vertices, blended bilinearly between the grid's poses
(:class:`Folds`; none with the knee straight).

What it mends, measured over the posing tests' poses (``tests/anatomy/test_posing.py``; at
knee 120: ankle -40 / 0 / 30, the last the deep squat):

- the gastrocnemius lateral head at knee 90 (0.72 -> 0.13 % of its triangles turned over;
  seated calf raise 0.79 -> 0.13 %);
- at knee 120 the lateral head (2.16 / 2.03 / 2.00 -> 1.28 / 1.05 / 1.05 %; the 1st
  percentile of its edges' ratio to rest 0.44 -> 0.47-0.48), the plantaris (2.99 / 2.55 /
  2.99 -> 2.35 / 2.23 / 2.99 %; 0.39-0.43 -> 0.43) and the biceps femoris short head (3.47 ->
  2.60 %; 0.33 -> 0.35). Solved without the edges held (as at knee 90) they turned 0.9-1.0 %
  over but squeezed those edges to 0.34-0.36 (the short head's to 0.11), past the tests'
  collapse check (0.4); with the edges held but the origin free to slide, the lateral head
  0.7-0.8 % and the plantaris 1.4-1.8 %, but their origins slid along the femur (the
  plantaris's held vertices up to 40 mm, the short head's 19 mm; the origin-drift check, by
  the nearest bone vertex, 5.5 and 4.9 mm against 5). The kept tubes, learning in the mended
  tissue, leave the tibial nerve in the deep squat 8.5 -> 5.1 % in tissue (no other preset's
  route changed).
- both heads at knee 105, a grid knee since the moves blended between 90 and 120 alone
  turned more over between them than at either (knee 110, medial / lateral head: 1.69 / 1.83
  -> 1.35 / 1.28 %; knee 100: 1.56 / 0.95 -> 1.20 / 0.92 %), the lateral head with 1.5 % of its
  vertices newly inside bone at knee 110 (0.6 % now, with the vertices the moves take pushed
  out of bone again after them: :meth:`.posing.PackPoser.pose`). The kept tubes learn at no
  knee 105 pose, so the presets' routes are as before. The learning takes ~2.5 s more CPU (5.6
  -> 8.4 s, one run).

Not kept, though it turned fewer over:

- the medial head at knee 90 and 120 (1.30 -> 0.60 %; 1.93 / 1.93 / 1.98 -> 1.30 / 1.41 /
  1.41 %, edges held at 0.6 of rest, 4 rings): the kept tubes, learning in the mended tissue,
  then left the tibial nerve in tissue 4.8 -> 9.6 % of its length in the seated calf raise and
  6.8 -> 18.1 % in the deep squat (as in two tries before, with other settings). Solved without
  the edges held, or with them held at 0.5-0.55 of rest, 0.7-1.1 % at knee 120 but its shortest
  edges squeezed to 0.34-0.43 of rest; solved smooth, a third of the region around its crease
  lies in the femur it is pressed against;
- the plantaris at knee 90 (1.35 -> 0.20 %): the kept tubes, learning in the mended tissue,
  then left the tibial nerve 2.6 % of its length in tissue in the seated calf raise;
- the popliteus (1.98 %): its moves turned more over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from calfexplorer.anatomy.bone_fields import REACH_M, Field
from calfexplorer.anatomy.pose_grid import grid_cell
from calfexplorer.geometry.mesh import face_normals
from calfexplorer.geometry.mesh import volume as mesh_volume
from calfexplorer.geometry.mesh_graph import (
    EdgeFit,
    edge_divergence,
    graph_laplacian,
    grow_by_rings,
    unique_edges,
)
from calfexplorer.geometry.rotations import nearest_rotations

#: A pass is not kept where it squeezes this percentile of the edges below this ratio to
#: their rest length, or below where posing left it if lower (the posing tests' collapse
#: check: 1 % over 0.4).
EDGE_FLOOR = (1.0, 0.45)
#: A structure turning fewer than this share of its triangles over in a pose is left as it is.
MIN_SHARE = 0.006
#: The move is kept where it lowers that share by at least this.
MIN_GAIN = 0.002
#: Passes of solving again (each around the triangles the one before left turned over).
PASSES = 3
#: Rest vertices over which the posed map is fitted (its average: what the surface follows).
NEIGHBOURS = 48
#: A vertex is kept this far (m) out of bone, or as far as at rest if nearer: beyond the
#: posing's ``bone_fields.MARGIN_M`` (1 mm), as its soft push leaves most.
CLEAR_M = 0.002
#: ... and one nearer at rest this much (m) farther out than it was (one on the bone at rest,
#: moved along it, could else lie in it as the bones' grid counts it).
LIFT_M = 0.001
#: Solves to that averaged map, then projective steps out of bone, and their weight.
SMOOTH_SOLVES = 3
STEPS = 30
BONE_WEIGHT = 3.0
#: Last steps straight to the goals (out of bone, the volume as posed).
FINAL_STEPS = 3
#: An origin's or insertion's vertex (one within :data:`HOLD_ON_M` of its bone at rest and
#: :data:`HOLD_NEAR_M` of the model's end point, as the origin-drift check counts them) is kept
#: at its rest distance from its bone within this (m).
HOLD_TOL_M = 0.001
HOLD_ON_M = 0.003
HOLD_NEAR_M = 0.04
#: Triangles over whose rigid turn a triangle's turn is judged (as the posing tests do).
TURN_NEIGHBOURS = 64

#: The grid of poses (degrees) the moves are learnt in (that of the kept tubes' moves, and
#: knee 105: blended between 90 and 120 alone, the lateral head's moves turned 1.8 % of it
#: over at knee 110 and left 1.5 % of its vertices newly inside bone).
KNEES_DEG = (0, 45, 90, 105, 120)
ANKLES_DEG = (-40, 0, 30)
#: Rings of neighbours around the turned-over triangles that are solved again (by default).
RINGS = 4


@dataclass(frozen=True)
class Mend:
    """How a structure is solved again in a grid knee's poses: ``rings`` of neighbours around
    its turned-over triangles; in the projective steps each edge shorter than ``edge_min`` of
    its rest length is projected to that length, with ``edge_weight`` (against the bone's
    :data:`BONE_WEIGHT`; 0: no such projection); its origin's and insertion's vertices are kept
    within ``slide_m`` of where posing left them (the edges' push slides them along the bone)."""

    rings: int = RINGS
    edge_min: float = 0.0
    edge_weight: float = 0.0
    slide_m: float = np.inf


#: Structures whose creases are mended, and how, per grid knee (degrees; see the module's note
#: for the others). At knee 120 the edges are held and the ends kept within 2 mm: each the
#: setting (of 4 or 6 rings, edges held at 0.55 or 0.6 of rest, weights 2, 3 or 5) that turned
#: fewest over across the knee's three poses, no pass stopped by :data:`EDGE_FLOOR`.
FOLDING: dict[str, dict[int, Mend]] = {
    "gastrocnemius_medial_head": {105: Mend(4, 0.6, 5.0, 0.002)},
    "gastrocnemius_lateral_head": {90: Mend(), 105: Mend(6, 0.55, 3.0, 0.002),
                                   120: Mend(6, 0.55, 3.0, 0.002)},
    "plantaris": {120: Mend(4, 0.6, 3.0, 0.002)},
    "biceps_femoris_short_head": {120: Mend(4, 0.55, 2.0, 0.002)},
}
#: The grid's knees (degrees) whose poses take moves (the others none: see the module's note).
MENDED_KNEES_DEG = tuple(sorted({k for m in FOLDING.values() for k in m}))


@dataclass
class Folds:
    """Moves (``values``: (K, A, n, 3) float32, world frame) of the full level's vertices
    ``rows`` at knee ``knees[i]`` and ankle ``ankles[j]`` (radians, ascending)."""

    knees: np.ndarray
    ankles: np.ndarray
    rows: np.ndarray
    values: np.ndarray

    def blend(self, knee: float, ankle: float) -> np.ndarray:
        """The moves at a pose: bilinear between the grid's poses, held at its edges."""
        (i, wi), (j, wj) = grid_cell(self.knees, knee), grid_cell(self.ankles, ankle)
        v = self.values
        return ((1 - wi) * (1 - wj) * v[i, j] + wi * (1 - wj) * v[i + 1, j]
                + (1 - wi) * wj * v[i, j + 1] + wi * wj * v[i + 1, j + 1]).astype(np.float32)


def turned_over(faces: np.ndarray, rest: np.ndarray, posed: np.ndarray,
                near: np.ndarray) -> np.ndarray:
    """Which triangles' normals turned by more than 90 degrees against the best rigid rotation
    of the triangles ``near`` them (rows of indices, at rest), as the posing tests count them
    (``tests/anatomy/posing_checks.flipped_share``)."""
    c0 = rest[faces].mean(1)
    return _turned(faces, posed, np.arange(len(faces)), near,
                   c0[near] - c0[near].mean(1, keepdims=True),
                   face_normals(rest, faces, unit=False))


def _turned(faces: np.ndarray, posed: np.ndarray, which: np.ndarray, near: np.ndarray,
            spread: np.ndarray, n0: np.ndarray) -> np.ndarray:
    """:func:`turned_over` for the triangles ``which`` (``near``: their rows), with the rest's
    part given: ``spread``, their neighbours' centres about the neighbourhood's, and their
    normals ``n0``."""
    c1 = posed[faces].mean(1)
    b = c1[near] - c1[near].mean(1, keepdims=True)
    expected = np.matmul(nearest_rotations(np.matmul(b.transpose(0, 2, 1), spread)),
                         n0[:, :, None])[:, :, 0]
    f = faces[which]
    return np.einsum("fi,fi->f", expected, face_normals(posed, f, unit=False)) < 0


class _Mesh:
    """One structure's rest mesh, ready to be solved again around its creases (when the
    binding is made: SciPy is imported then, not when a saved binding poses)."""

    def __init__(self, rest: np.ndarray, faces: np.ndarray) -> None:
        from scipy.spatial import cKDTree

        self.rest, self.faces = rest, faces
        n = len(rest)
        self.edges = unique_edges(faces)
        self.i, self.j = self.edges[:, 0], self.edges[:, 1]
        self.lap = graph_laplacian(self.edges, n)
        centres = rest[faces].mean(1)
        self.near_faces = cKDTree(centres).query(centres, k=min(TURN_NEIGHBOURS, len(faces)))[1]
        self.face_spread = centres[self.near_faces] - centres[self.near_faces].mean(
            1, keepdims=True)
        self.rest_normals = face_normals(rest, faces, unit=False)
        self.near = cKDTree(rest).query(rest, k=min(NEIGHBOURS, n))[1]
        a = rest[self.near] - rest[self.near].mean(1, keepdims=True)
        self.spread = a
        self.inv = np.linalg.pinv(np.einsum("vki,vkj->vij", a, a))

    def share(self, posed: np.ndarray, was: np.ndarray | None = None,
              moved: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Share of the triangles turned over, and which; only those near the vertices
        ``moved`` (a mask) judged again where ``was`` tells the others."""
        if was is None or moved is None:
            t = _turned(self.faces, posed, np.arange(len(self.faces)), self.near_faces,
                        self.face_spread, self.rest_normals)
            return float(t.mean()), t
        touched = moved[self.faces].any(1)
        again = np.flatnonzero(touched[self.near_faces].any(1))
        t = was.copy()
        t[again] = _turned(self.faces, posed, again, self.near_faces[again],
                           self.face_spread[again], self.rest_normals[again])
        return float(t.mean()), t

    def squeeze(self, posed: np.ndarray) -> float:
        """The :data:`EDGE_FLOOR` percentile of the edges' ratios to their rest length."""
        rest = np.linalg.norm(self.rest[self.i] - self.rest[self.j], axis=1)
        ratio = np.linalg.norm(posed[self.i] - posed[self.j], axis=1) / np.maximum(rest, 1e-12)
        return float(np.percentile(ratio, EDGE_FLOOR[0]))

    def region(self, turned: np.ndarray, rings: int = RINGS) -> np.ndarray:
        """The vertices of the ``turned`` triangles and ``rings`` rings around them."""
        out = np.zeros(len(self.rest), bool)
        out[self.faces[turned].ravel()] = True
        return grow_by_rings(self.faces, out, rings)

    def target(self, p: np.ndarray, free: np.ndarray) -> np.ndarray:
        """The wanted edges (:func:`.mesh_graph.edge_divergence`, n) of the vertices ``free``
        (indices) posed as ``p``: each of their edges mapped by its ends' averaged map."""
        ends = np.zeros(len(p), bool)
        ends[free] = True
        edge = ends[self.i] | ends[self.j]
        i, j = self.i[edge], self.j[edge]
        at = np.unique(np.concatenate([i, j]))
        near = self.near[at]
        b = p[near] - p[near].mean(1, keepdims=True)
        m = np.zeros((len(p), 3, 3))
        m[at] = np.matmul(b.transpose(0, 2, 1), self.spread[at]) @ self.inv[at]
        e = 0.5 * np.matmul(m[i] + m[j], (self.rest[i] - self.rest[j])[:, :, None])[:, :, 0]
        return edge_divergence(self.edges[edge], e, len(p))


class _Bones:
    """The bones' fields in one pose, for the vertices of one region: keeps them out."""

    def __init__(self, fields: Mapping[int, Field], delta: np.ndarray, rest: np.ndarray,
                 posed: np.ndarray, hold: np.ndarray, hold_body: np.ndarray) -> None:
        """Only the bodies whose bones lie within reach of the vertices, at rest or
        ``posed``, are kept (their fields read as far beyond)."""
        self.parts = []
        #: Where the held vertices may not slide farther from than the distance given.
        self.anchor: tuple[np.ndarray, np.ndarray, float] | None = None
        for b, f in fields.items():
            d0 = f.sample(rest)[0]
            near = (f.nearest((posed - delta[b][:3, 3]) @ delta[b][:3, :3]) < REACH_M).any()
            if not near and not (d0 < REACH_M).any():
                continue
            self.parts.append((f, delta[b][:3, :3], delta[b][:3, 3],
                               np.where(d0 < 0, d0, np.minimum(d0 + LIFT_M, CLEAR_M)),
                               np.where(hold & (hold_body == b), d0, np.nan)))

    def goals(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each vertex should be (out of bone, held ones at their rest distance), and
        which ones went into a bone."""
        q = q.copy()
        inside = np.zeros(len(q), bool)
        for f, rot, tr, goal, held in self.parts:
            p = (q - tr) @ rot
            d, g = f.sample(p)
            step = np.where(d < goal - 1e-5, goal - d, 0.0)
            inside |= step > 0
            off = d - held
            pull = np.where(np.abs(off) > HOLD_TOL_M, np.sign(off) * HOLD_TOL_M - off, 0.0)
            step = step + np.nan_to_num(pull)
            move = step != 0
            if move.any():
                gn = g[move] / np.maximum(np.linalg.norm(g[move], axis=1, keepdims=True), 1e-9)
                q[move] = (p[move] + gn * step[move, None]) @ rot.T + tr
        if self.anchor is not None:
            at, which, most = self.anchor
            off = q[which] - at[which]
            far = np.linalg.norm(off, axis=1, keepdims=True)
            q[which] = at[which] + off * np.minimum(1.0, most / np.maximum(far, 1e-12))
        return q, inside


def unfold(mesh: _Mesh, posed: np.ndarray, fields: Mapping[int, Field], delta: np.ndarray,
           hold: np.ndarray, hold_body: np.ndarray, turned: np.ndarray | None = None,
           mend: Mend = Mend(), anchor: np.ndarray | None = None
           ) -> tuple[np.ndarray, float, float, np.ndarray] | None:
    """The posed structure (``posed``, float64) solved again around its turned-over triangles
    as ``mend`` says, and its turned share before and after; None where it turns too few over.
    ``fields``, ``delta``: the bones and each body's rest-to-pose transform; ``hold``,
    ``hold_body``: its origin's and insertion's vertices and their body
    (:func:`held_vertices`); ``turned``: the triangles turned over as posed, where known;
    ``anchor``: where posing left the vertices (``posed`` where not given), whence
    ``mend.slide_m`` counts. Also returns those left turned over. (The vertices on a bone at
    rest are solved again too: left as posed, 1.9-3.2 % stayed turned over.)"""
    if turned is None:
        turned = mesh.share(posed)[1]
    before = float(turned.mean())
    if before < MIN_SHARE:
        return None
    free = mesh.region(turned, mend.rings)
    fit = EdgeFit(mesh.lap, free, posed)
    fi = fit.at
    from scipy import sparse
    from scipy.sparse.linalg import splu  # only when the binding is made, not at posing

    q = posed.copy()
    for _ in range(SMOOTH_SOLVES):
        q[fi] = fit.solve(mesh.target(q, fi))
    rhs = fit.rhs(mesh.target(q, fi))
    keep = _Bones(fields, delta, mesh.rest[fi], q[fi], hold[fi], hold_body[fi])
    if np.isfinite(mend.slide_m):
        keep.anchor = ((posed if anchor is None else anchor)[fi], hold[fi], mend.slide_m)
    edges = _EdgeFloor(mesh, free, fit, mend) if mend.edge_weight > 0 else None
    stiff = 1.0 + (mend.edge_weight if edges is not None else 0.0)
    solve = splu((stiff * fit.matrix + BONE_WEIGHT * sparse.eye(len(fi))).tocsc()).solve
    volume = mesh_volume(posed, mesh.faces)
    for _ in range(STEPS):
        goal, _inside = keep.goals(q[fi])
        pull = rhs if edges is None else rhs + edges.pull(q)
        q[fi] = solve(pull + BONE_WEIGHT * goal)
        q[fi] += _swell(q, mesh.faces, volume, fi)
    for _ in range(FINAL_STEPS):
        q[fi] = keep.goals(q[fi] + _swell(q, mesh.faces, volume, fi))[0]
    after, left = mesh.share(q, turned, free)
    return q, before, after, left


class _EdgeFloor:
    """The projective steps' hold on the edges of a region (those with an end in it): each
    projected to at least ``mend.edge_min`` of its rest length (the others as they are), with
    ``mend.edge_weight``; the system's matrix takes ``edge_weight`` times the region's
    Laplacian (every edge held), so it is factored once."""

    def __init__(self, mesh: _Mesh, free: np.ndarray, fit: EdgeFit, mend: Mend) -> None:
        on = free[mesh.i] | free[mesh.j]
        self.edges, self.fit, self.n = mesh.edges[on], fit, len(free)
        self.i, self.j = self.edges[:, 0], self.edges[:, 1]
        self.least = mend.edge_min * np.linalg.norm(mesh.rest[self.i] - mesh.rest[self.j],
                                                    axis=1)
        self.weight = mend.edge_weight

    def pull(self, q: np.ndarray) -> np.ndarray:
        """The right-hand side's part for the vertices ``q``: the edges' projections (the
        region's held border taken off, as :meth:`.mesh_graph.EdgeFit.rhs` does)."""
        d = q[self.i] - q[self.j]
        length = np.linalg.norm(d, axis=1)
        d *= np.maximum(self.least / np.maximum(length, 1e-12), 1.0)[:, None]
        return self.weight * self.fit.rhs(edge_divergence(self.edges, d, self.n))


def _swell(v: np.ndarray, faces: np.ndarray, volume: float, free: np.ndarray) -> np.ndarray:
    """The least move of the vertices ``free`` (indices) that brings a closed mesh's volume
    back to ``volume`` to first order: along the volume's gradient."""
    a, b, c = v[faces[:, 0]], v[faces[:, 1]], v[faces[:, 2]]
    parts = (np.cross(b, c), np.cross(c, a), np.cross(a, b))
    idx = faces.T.ravel()
    grad = np.stack([np.bincount(idx, np.concatenate([p[:, d] for p in parts]), len(v))
                     for d in range(3)], axis=1)[free] / 6.0
    now = float(np.einsum("ij,ij->", a, parts[0])) / 6.0
    return grad * ((volume - now) / max(float((grad * grad).sum()), 1e-30))


def held_vertices(rest: np.ndarray, ends: list[tuple[int, np.ndarray]],
                  fields: Mapping[int, Field]) -> tuple[np.ndarray, np.ndarray]:
    """Which rest vertices are an origin's or insertion's (``ends``: body index and rest point
    of each end of the structure's paths), and their body."""
    held = np.zeros(len(rest), bool)
    body = np.full(len(rest), -1)
    for b, point in ends:
        if b not in fields:
            continue
        on = (np.linalg.norm(rest - point, axis=1) < HOLD_NEAR_M) & (
            fields[b].sample(rest)[0] < HOLD_ON_M)
        held |= on
        body[on] = b
    return held, body


def learn(meshes: Mapping[str, tuple[np.ndarray, np.ndarray, int]],
          ends: Mapping[str, list[tuple[int, np.ndarray]]], fields: Mapping[int, Field],
          poses: Mapping[tuple[int, int], tuple[Mapping[str, np.ndarray], np.ndarray]]
          ) -> tuple[np.ndarray, np.ndarray, dict[tuple[str, int, int], tuple[float, float]]]:
    """The moves of :data:`FOLDING`'s vertices in each grid pose: ``meshes`` id -> (rest
    vertices, faces, first row in the full level); ``poses`` (i, j) of the grid -> (id ->
    posed vertices, each body's rest-to-pose transform). Returns the rows moved, their moves
    (K, A, n, 3) and per (id, pose) the turned-over shares before and after that were kept."""
    shape = (len(KNEES_DEG), len(ANKLES_DEG))
    found: dict[tuple[int, int], dict[int, np.ndarray]] = {}
    report = {}
    prepared = {sid: _Mesh(*m[:2]) for sid, m in meshes.items()}
    held = {sid: held_vertices(m[0], ends.get(sid, []), fields) for sid, m in meshes.items()}
    for (i, j), (posed, delta) in poses.items():
        for sid, mesh in prepared.items():
            mend = FOLDING.get(sid, {}).get(KNEES_DEG[i])
            if mend is None:  # (none with the knee straight: the rest pose's)
                continue
            start = meshes[sid][2]
            p = np.asarray(posed[sid], np.float64)
            q, before, after, left = p, None, None, None
            floor = min(EDGE_FLOOR[1], mesh.squeeze(p))
            for _ in range(PASSES):
                done = unfold(mesh, q, fields, delta, *held[sid], left, mend, p)
                if done is None or done[2] > done[1] - MIN_GAIN or mesh.squeeze(done[0]) < floor:
                    break
                q, after, left = done[0], done[2], done[3]
                before = done[1] if before is None else before
            if before is None or after is None:
                continue
            moved = np.flatnonzero(np.abs(q - p).max(1) > 1e-7)
            found.setdefault((i, j), {}).update(
                {start + int(v): (q[v] - p[v]) for v in moved})
            report[sid, i, j] = (before, after)
    rows = np.array(sorted({r for d in found.values() for r in d}), np.int64)
    values = np.zeros((*shape, len(rows), 3), np.float32)
    at = {int(r): k for k, r in enumerate(rows)}
    for (i, j), d in found.items():
        for r, v in d.items():
            values[i, j, at[r]] = v
    return rows, values, report


def fold_grid() -> tuple[np.ndarray, np.ndarray]:
    """The grid's knees and ankles in radians."""
    return np.radians(KNEES_DEG), np.radians(ANKLES_DEG)


def angles_of(state: Any) -> tuple[float, float] | None:
    """(knee, ankle) of a model pose, in radians (None where it does not say)."""
    pose = getattr(state, "pose", None)
    if pose is None:
        return None
    return float(pose.knee), float(pose.ankle)
