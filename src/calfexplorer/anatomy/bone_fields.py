"""Keep posed soft tissue out of the pack's bones: signed distance grids, one per body.

Each body's bones get a grid of signed distances (negative inside) in the rest pose, built once
with the binding. Posing moves a vertex that the pose put deeper into a bone than it was at rest
(or nearer than ``MARGIN_M`` to it from outside) back out along the field's gradient.
BodyParts3D muscles overlap their bones at the attachments: a vertex inside a bone at rest may
stay as deep, no deeper. One farther out at rest is moved softly: into a band ``SOFT_M`` wide
above the margin, deeper vertices nearer its floor (:func:`soft_distance`), so a muscle's side
pressed into a bone is squeezed onto it in order, not flattened into it with its triangles
turned over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from calfexplorer.anatomy.binding import Level

#: Grid spacing (m) of the bones' distance fields.
SPACING_M = 0.002
#: Distances are kept up to this far (m) from a surface; farther reads as this.
REACH_M = 0.02
#: A vertex is kept at least this far (m) outside a bone (or as far as it was at rest).
MARGIN_M = 0.001
#: Kinds of structure kept out of bone.
KEPT_OUT = ("muscle", "tendon")
#: Width (m) of the band above the margin that vertices pressed into a bone are squeezed into
#: (see :func:`soft_distance`; 2 and 5 mm did worse).
SOFT_M = 0.003
#: A vertex in the soft band (outside the bone) is moved by at least this (m) or not at all:
#: else many moved a few micrometres, each then checked again and counted in the volume's
#: restore.
SKIP_M = 1e-4


def soft_distance(dist: np.ndarray, goal: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Where a vertex at distance ``dist`` from the bone is put: unmoved above ``top``, below
    it ``goal + (top - goal) exp((dist - top) / (top - goal))``, which rises with ``dist`` (the
    order along the bone's normal kept) and meets ``dist`` at ``top`` with the same slope;
    ``goal`` itself where ``top`` is ``goal``."""
    span = top - goal
    wide = span > 1e-6
    soft = goal + span * np.exp(np.minimum(dist - top, 0.0) / np.where(wide, span, 1.0))
    return np.where(dist >= top, dist, np.where(wide, soft, goal))


@dataclass(frozen=True)
class Field:
    """Signed distances (m, negative inside) on a grid: node (i, j, k) at ``lo + h (i, j, k)``.

    ``values`` may be float16 (as a saved binding holds them: half the memory); what is read
    from them is float32 either way.
    """

    lo: np.ndarray  # (3,)
    spacing: float
    values: np.ndarray  # (nx, ny, nz) float32 or float16

    def nearest(self, p: np.ndarray) -> np.ndarray:
        """Distance at the grid node nearest to each point (outside the grid: REACH_M)."""
        g = (p - self.lo.astype(p.dtype)) * (1.0 / self.spacing) + 0.5
        return _nearest(self.values.reshape(-1), g.T, _grid(self.values.shape, 0)[_NODE, None])

    def sample(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Trilinear distance and its gradient at points ``p`` (outside the grid: REACH_M)."""
        d, grad = _trilinear(self.values.reshape(-1), ((p - self.lo) / self.spacing).T,
                             _grid(self.values.shape, 0)[_CELL, None])
        return d, np.ascontiguousarray(grad.T)


def _grid(shape: tuple[int, ...], offset: int) -> np.ndarray:
    """How a grid of ``shape`` stored flat from ``offset`` is read: its shape, the same less 1
    and less 2, its strides along x and y, the offset, then the steps to a cell's eight
    corners (4 dx + 2 dy + dz): :data:`_NODE` for :func:`_nearest`, :data:`_CELL` for
    :func:`_trilinear`."""
    nx, ny, nz = (int(n) for n in shape)
    sy, sz = ny * nz, nz
    return np.array([nx, ny, nz, nx - 1, ny - 1, nz - 1, nx - 2, ny - 2, nz - 2, sy, sz, offset,
                     *(dx * sy + dy * sz + dz for dx in (0, 1) for dy in (0, 1) for dz in (0, 1))],
                    np.int64)


#: Columns of :func:`_grid` that :func:`_nearest` reads (shape, strides, offset) ...
_NODE = np.array([0, 1, 2, 9, 10, 11])
#: ... and that :func:`_trilinear` reads (shape less 1, less 2, strides, offset, corners).
_CELL = np.arange(3, 20)


def _nearest(flat: np.ndarray, g: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Values of ``flat`` at the grid nodes nearest the points at grid coordinates ``g - 0.5``
    ((3, n): x, y and z rows) (REACH_M outside the grid): ``grid``, :func:`_grid`'s
    :data:`_NODE` columns as rows, one column or one per point. Coordinates as rows, not
    points: numpy runs a (n, 3) array's arithmetic with a (3,) one three numbers at a time."""
    i = g.astype(np.int64)  # floor for the points in the grid
    ok = (g[0] >= 0) & (g[1] >= 0) & (g[2] >= 0) & (i[0] < grid[0]) & (i[1] < grid[1]) & (
        i[2] < grid[2])
    at = np.where(ok, i[0] * grid[3] + i[1] * grid[4] + i[2] + grid[5], 0)
    return np.where(ok, flat[at].astype(np.float32, copy=False), REACH_M)


def _trilinear(flat: np.ndarray, g: np.ndarray, grid: np.ndarray) -> tuple[
        np.ndarray, np.ndarray]:
    """Trilinear value of ``flat`` and its gradient (per grid step; both (3, n)) at grid
    coordinates ``g`` (3, n) (REACH_M outside the grid): ``grid``, :func:`_grid`'s
    :data:`_CELL` columns as rows, one column or one per point. The eight corners are
    interpolated as rows of one array (the same sums as corner by corner, in fewer steps)."""
    inside = (g[0] >= 0) & (g[1] >= 0) & (g[2] >= 0) & (g[0] <= grid[0]) & (
        g[1] <= grid[1]) & (g[2] <= grid[2])
    i0 = np.minimum(np.maximum(np.floor(g).astype(np.int64), 0), grid[3:6])
    f = np.minimum(np.maximum(g - i0, 0.0), 1.0)
    base = i0[0] * grid[6] + i0[1] * grid[7] + i0[2] + grid[8]
    c = flat[base + grid[9:]].astype(np.float32, copy=False)
    fx, fy, fz = f
    # along z (c00, c01, c10, c11), then y (c0, c1), then x
    dc = c[1::2] - c[0::2]
    cz = c[0::2] + dc * fz
    dz = cz[1::2] - cz[0::2]
    cy = cz[0::2] + dz * fy
    grad = np.empty((3, *cy.shape[1:]), np.result_type(cy, f))
    gx = np.subtract(cy[1], cy[0], out=grad[0])
    d = cy[0] + gx * fx
    ux, uy = 1 - fx, 1 - fy
    np.add(dz[0] * ux, dz[1] * fx, out=grad[1])
    dzz = dc[0::2] * uy + dc[1::2] * fy
    np.add(dzz[0] * ux, dzz[1] * fx, out=grad[2])
    d = np.where(inside, d, REACH_M)
    return d, grad


def parity_grid(v: np.ndarray, f: np.ndarray, h: float, lo: np.ndarray,
                shape: tuple[int, ...]) -> np.ndarray:
    """Inside/outside of a closed mesh on a grid (``shape`` nodes from ``lo``, ``h`` apart) by
    the parity of crossings of rays along z through each grid column."""
    occ = np.zeros(shape, bool)
    tri = v[f]
    hits: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for a, b, c in tri:
        x0, y0 = np.ceil((np.minimum(np.minimum(a, b), c)[:2] - lo[:2]) / h).astype(int)
        x1, y1 = np.floor((np.maximum(np.maximum(a, b), c)[:2] - lo[:2]) / h).astype(int)
        if x1 < x0 or y1 < y0:
            continue
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1), np.arange(y0, y1 + 1), indexing="ij")
        px, py = lo[0] + gx.ravel() * h, lo[1] + gy.ravel() * h
        det = (b[1] - c[1]) * (a[0] - c[0]) + (c[0] - b[0]) * (a[1] - c[1])
        if abs(det) < 1e-18:
            continue
        l1 = ((b[1] - c[1]) * (px - c[0]) + (c[0] - b[0]) * (py - c[1])) / det
        l2 = ((c[1] - a[1]) * (px - c[0]) + (a[0] - c[0]) * (py - c[1])) / det
        l3 = 1 - l1 - l2
        ok = (l1 >= 0) & (l2 >= 0) & (l3 >= 0)
        if ok.any():
            z = l1[ok] * a[2] + l2[ok] * b[2] + l3[ok] * c[2]
            hits.append((gx.ravel()[ok], gy.ravel()[ok], z))
    if not hits:
        return occ
    gx, gy, z = (np.concatenate([h_[k] for h_ in hits]) for k in range(3))
    order = np.lexsort((z, gy, gx))
    gx, gy, z = gx[order], gy[order], z[order]
    key = gx * shape[1] + gy
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    for s0, e0 in zip(starts, ends, strict=True):
        zs = (z[s0:e0] - lo[2]) / h
        for k in range(0, e0 - s0 - 1, 2):
            occ[gx[s0], gy[s0], int(np.ceil(zs[k])):int(np.floor(zs[k + 1])) + 1] = True
    return occ


def build_field(meshes: Sequence[tuple[np.ndarray, np.ndarray]]) -> Field:
    """The signed distance field of one body's bones (vertices in m, rest pose): inside by ray
    parity, distances exact (to dense surface samples) within two nodes of the surface and
    from the grid's distance transform beyond."""
    from scipy import ndimage
    from scipy.spatial import cKDTree

    from calfexplorer.geometry.implicit import surface_samples

    h = SPACING_M
    verts = np.concatenate([np.asarray(v, np.float64) for v, _f in meshes])
    pad = REACH_M + 2 * h
    # off the vertices' exact values, so no ray runs along an edge
    lo = verts.min(0) - pad - h * np.array([0.31, 0.17, 0.0])
    shape = tuple(int(n) for n in np.ceil((verts.max(0) + pad - lo) / h).astype(int) + 1)
    occ = np.zeros(shape, bool)
    samples = []
    for v, f in meshes:
        v = np.asarray(v, np.float64)
        occ |= parity_grid(v, np.asarray(f), h, lo, shape)
        samples.append(surface_samples(v, np.asarray(f), 0.75 * h))
    pts = np.concatenate(samples)
    dist = np.where(occ, ndimage.distance_transform_edt(occ, sampling=h),
                    ndimage.distance_transform_edt(~occ, sampling=h)) - 0.5 * h
    near = np.flatnonzero(dist.ravel() < 2 * h)
    nodes = lo + np.stack(np.unravel_index(near, shape), axis=1) * h
    exact, _ = cKDTree(pts).query(nodes, workers=-1)
    flat = dist.reshape(-1)
    flat[near] = exact
    sdf = np.where(occ, -dist, dist)
    return Field(lo, h, np.clip(sdf, -REACH_M, REACH_M).astype(np.float32))


#: No move yet (:meth:`BoneFields._overlaps`).
_NO_MOVE = np.iinfo(np.int64).max
#: A vertex is checked against a body when some sampled pose takes it this near (m) its bones.
SAFETY_M = 0.008

Check = tuple[int, np.ndarray, np.ndarray]  # body index, vertex indices, distance to keep


def _rest_distances(fields: dict[int, Field], lev: Level, kinds: dict[str, str]) -> tuple[
        np.ndarray, dict[int, np.ndarray]]:
    """Vertices of the kinds kept out of bone, and their rest distances to each body's bones."""
    rest = np.concatenate([lev.rest[s] for s in lev.ids]) if lev.ids else np.zeros((0, 3))
    kept = np.zeros(len(rest), bool)
    for k, sid in enumerate(lev.ids):
        if kinds.get(sid) in KEPT_OUT:
            kept[lev.starts[k]:lev.starts[k + 1]] = True
    idx = np.flatnonzero(kept)
    at_rest = {}
    for b, f in fields.items():
        d = np.full(len(idx), REACH_M, np.float32)
        near = np.flatnonzero(f.nearest(rest[idx]) < REACH_M)
        d[near] = f.sample(rest[idx[near]])[0]
        at_rest[b] = d
    return idx, at_rest


def find_checks(fields: dict[int, Field], lev: Level, kinds: dict[str, str],
                posed: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[Check]:
    """Which vertices to check against which body, and the distance each keeps: those that
    come within ``SAFETY_M`` of that distance in any of ``posed`` ((rest-to-pose transform of
    every body, vertices) pairs, unpushed). A vertex keeps ``MARGIN_M`` outside the bone, or
    where it was at rest if nearer: one inside a bone at rest (BodyParts3D muscles overlap
    their attachments) goes no deeper."""
    idx, at_rest = _rest_distances(fields, lev, kinds)
    out = []
    for b, f in fields.items():
        goal = np.minimum(at_rest[b], MARGIN_M).astype(np.float32)
        near = np.zeros(len(idx), bool)
        for delta, verts in posed:
            rot, tr = delta[b][:3, :3], delta[b][:3, 3]
            near |= f.nearest((verts[idx] - tr) @ rot) < goal + SAFETY_M
        if near.any():
            out.append((b, idx[near].astype(np.int64), goal[near]))
    return out


def _tops(f: Field, idx: np.ndarray, goal: np.ndarray,
          rest: np.ndarray | None) -> np.ndarray | None:
    """Top of the band the checked vertices ``idx`` are squeezed into (see
    :func:`soft_distance`): ``SOFT_M`` above the goal, no higher than the vertex lay at rest
    (``rest``: the level's rest vertices; the rest pose then moves nothing), the goal itself
    for a vertex on or in the bone at rest; None without ``rest`` (a hard push)."""
    if rest is None or not len(idx):
        return None
    at_rest = f.sample(np.asarray(rest[idx], np.float64))[0].astype(np.float32)
    top = np.clip(at_rest, goal, goal + SOFT_M)
    return np.where(goal < MARGIN_M - 1e-6, goal, top).astype(np.float32)


def pool_fields(fields: dict[int, Field]) -> dict[int, Field]:
    """``fields`` with their values in one flat array (each field's values a view of it): the
    checks against every body (:class:`BoneFields`) then read them by one gather, no copy."""
    flat = np.concatenate([f.values.reshape(-1) for f in fields.values()]) if fields \
        else np.zeros(0, np.float32)
    out, at = {}, 0
    for b, f in fields.items():
        out[b] = Field(f.lo, f.spacing, flat[at:at + f.values.size].reshape(f.values.shape))
        at += f.values.size
    return out


def _pooled(fields: list[Field]) -> tuple[np.ndarray, np.ndarray]:
    """One flat array with the values of all ``fields`` and each one's offset in it: the
    array they are views of (:func:`pool_fields`), else a copy."""
    base = fields[0].values.base if fields else None
    if base is not None and base.ndim == 1 and all(
            f.values.base is base and f.values.flags.c_contiguous for f in fields):
        start = base.__array_interface__["data"][0]
        return base, np.array([(f.values.__array_interface__["data"][0] - start)
                               // base.itemsize for f in fields], np.int64)
    sizes = [f.values.size for f in fields]
    flat = np.concatenate([f.values.reshape(-1) for f in fields]) if fields \
        else np.zeros(0, np.float32)
    return flat, np.cumsum([0, *sizes])[:-1].astype(np.int64)


class BoneFields:
    """Pushes one level's posed vertices out of the bones (``checks``: see :func:`find_checks`;
    ``rest``: the level's rest vertices, for the soft push, see :func:`soft_distance`).

    The checks are done as one batch over all bodies (their vertices listed check by check,
    the fields read from one flat array), with the result of checking them one body after
    another: a vertex moved by one check and checked again by a later one (a tendon between
    two bones) is checked by the later one after the batch, from where it was moved to.
    """

    def __init__(self, fields: dict[int, Field], checks: list[Check],
                 rest: np.ndarray | None = None) -> None:
        self.checks = [(b, fields[b], idx, goal) for b, idx, goal in checks]
        self.tops = [_tops(f, idx, goal, rest) for _b, f, idx, goal in self.checks]
        self._list(_pooled([f for _b, f, _i, _g in self.checks]))

    def _list(self, pool: tuple[np.ndarray, np.ndarray]) -> None:
        """The checks' vertices in one list, check by check, and what each is checked with."""
        checks = self.checks
        self._flat, self._offset = pool
        self._body = np.array([b for b, *_ in checks], np.int64)
        self._bounds = np.arange(len(checks) + 1)  # where each check's vertices start
        h = np.array([f.spacing for _b, f, *_ in checks])[:, None]
        lo = np.array([f.lo for _b, f, *_ in checks], np.float64).reshape(-1, 3)
        # per check: where its nearest nodes are (in float32, as Field.nearest), its cells
        self._near = np.ascontiguousarray(np.concatenate(
            [lo.astype(np.float32), (1.0 / h).astype(np.float32)], 1).T)
        self._reach32 = (0.87 * h[:, 0]).astype(np.float32)  # a nearest node's most error
        self._cell = np.ascontiguousarray(np.concatenate([lo, h], 1).T)
        grid = np.array([_grid(f.values.shape, off) for (_b, f, *_), off in zip(
            checks, self._offset, strict=True)], np.int64).reshape(-1, 20)
        self._node_grid = np.ascontiguousarray(grid[:, _NODE].T)
        self._cell_grid = np.ascontiguousarray(grid[:, _CELL].T)
        self._idx = np.concatenate([idx for _b, _f, idx, _g in checks]) if checks \
            else np.zeros(0, np.int64)
        self._check = np.repeat(np.arange(len(checks)), [len(idx) for _b, _f, idx, _g in checks])
        self._goal = np.concatenate([g for *_, g in checks]) if checks else np.zeros(0, np.float32)
        # no rest given: hard pushes (a top at the goal pushes alike, see soft_distance)
        self._top = None if all(t is None for t in self.tops) else np.concatenate(
            [g if t is None else t for (*_, g), t in zip(checks, self.tops, strict=True)])
        # vertices in more than one check: those a batch may have to check again
        _u, inv, counts = np.unique(self._idx, return_inverse=True, return_counts=True)
        self._shared = counts[inv] > 1
        # each vertex's first move in a batch (see _overlaps; none between batches)
        self._first = np.full(int(self._idx.max()) + 1 if len(self._idx) else 0, _NO_MOVE)

    def subset(self, vmap: np.ndarray) -> BoneFields:
        """The checks of the vertices kept in a subset of the level (``vmap``: each vertex's
        index in the subset, -1 where dropped)."""
        sub = object.__new__(BoneFields)
        sub.checks, sub.tops = [], []
        offsets = []
        for (b, f, idx, goal), top, off in zip(self.checks, self.tops, self._offset,
                                               strict=True):
            new = vmap[idx]
            keep = new >= 0
            if keep.any():
                sub.checks.append((b, f, new[keep], goal[keep]))
                sub.tops.append(None if top is None else top[keep])
                offsets.append(off)
        sub._list((self._flat, np.array(offsets, np.int64)))
        return sub

    def push_out(self, out: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Move the vertices of ``out`` (posed, in place) that went into a bone back out;
        ``delta``: each body's rest-to-pose transform. The vertices moved are checked once
        more: one pushed out of a bone may have gone into one checked before it (a tendon
        between two bones). Returns which vertices were moved, and which of them that second
        check left where they were: every check passes there, so while they stay there
        :meth:`push_out_some` would leave them too (a vertex is checked on its own)."""
        moved = np.zeros(len(out), bool)
        rt = self._placements(delta)
        moved[self._batch(out, rt, None, soft=self._top is not None)] = True
        settled = moved.copy()
        again = np.flatnonzero(moved[self._idx])
        if len(again):
            settled[self._batch(out, rt, again, soft=False)] = False
        return moved, settled

    def on_bone(self, n: int) -> np.ndarray:
        """Which of a level's ``n`` vertices lie on a bone at rest (inside it, or nearer than
        ``MARGIN_M``): attachments, kept where they are when a volume is restored."""
        mask = getattr(self, "_on_bone", None)
        if mask is None or len(mask) != n:
            mask = np.zeros(n, bool)
            for _b, _f, idx, goal in self.checks:
                mask[idx[goal < MARGIN_M]] = True
            self._on_bone = mask
        return mask

    def push_out_some(self, out: np.ndarray, delta: np.ndarray, which: np.ndarray) -> None:
        """:meth:`push_out` for the vertices ``which`` (a mask over ``out``) alone."""
        some = np.flatnonzero(which[self._idx])
        if not len(some):
            return
        moved = np.zeros(len(out), bool)
        rt = self._placements(delta)
        moved[self._batch(out, rt, some, soft=False)] = True
        again = np.flatnonzero(moved[self._idx])
        if len(again):
            self._batch(out, rt, again, soft=False)

    def _placements(self, delta: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each check's body's rest-to-pose rotation and translation (float32), from
        ``delta`` (each body's rest-to-pose transform): made once for a push's batches."""
        d = delta[self._body]
        return list(d[:, :3, :3].astype(np.float32)), list(d[:, :3, 3].astype(np.float32))

    def _batch(self, out: np.ndarray, rt: tuple[list[np.ndarray], list[np.ndarray]],
               pick: np.ndarray | None, soft: bool) -> np.ndarray:
        """Push the listed vertices ``pick`` (ascending; None: all) out of their checks' bodies
        (``rt``: their rest-to-pose placements, :meth:`_placements`) to their goals, or into the
        band from the goal to the top (``soft``, :func:`soft_distance`), with the result of
        checking them body after body: a vertex checked from where it was before an earlier
        check moved it is checked again, by a batch of those alone after. Returns the vertices
        moved (some maybe twice)."""
        def at(a: np.ndarray) -> np.ndarray:
            return a if pick is None else np.take(a, pick)

        idx, check, goal = at(self._idx), at(self._check), at(self._goal)
        top = at(self._top) if soft and self._top is not None else goal
        if not len(idx):
            return idx
        rot, tr = rt
        # (plain ints: iterating over a numpy array's items is slow)
        ends = np.searchsorted(check, self._bounds).tolist()
        spans = [(k, a, b) for k, (a, b) in enumerate(zip(ends[:-1], ends[1:], strict=True))
                 if b > a]
        # points as (3, n) rows (see _nearest); take: row gathers by fancy indexing are slow
        q = np.take(out, idx, axis=0).T
        p = np.empty(q.shape, np.float32)
        for k, a, b in spans:  # into each body's rest placement
            p[:, a:b] = ((q[:, a:b] - tr[k][:, None]).T @ rot[k]).T
        # the field changes by at most the distance moved: the nearest node rules most out
        near = np.take(self._near, check, axis=1)
        g = (p - near[:3]) * near[3] + 0.5
        dist = _nearest(self._flat, g, np.take(self._node_grid, check, axis=1))
        maybe = np.flatnonzero(dist < top + self._reach32[check])
        mc = check[maybe]
        cell = np.take(self._cell, mc, axis=1)
        dist, grad = _trilinear(self._flat, (np.take(p, maybe, axis=1) - cell[:3]) / cell[3],
                                np.take(self._cell_grid, mc, axis=1))
        gm = goal[maybe]
        if soft:
            step = soft_distance(dist, gm, top[maybe]) - dist
            keep = step > np.where(dist < gm, 1e-5, SKIP_M)
        else:
            step = gm - dist
            keep = step > 1e-5
        hit = maybe[keep]
        redo = self._overlaps(idx, at(self._shared), hit)
        use = np.flatnonzero(keep)
        if len(redo):  # (a mask: np.isin sorts)
            again = np.zeros(len(idx), bool)
            again[redo] = True
            use = use[~again[hit]]
        hit = maybe[use]
        gu = np.take(grad, use, axis=1)
        gx, gy, gz = gu
        size = np.maximum(np.sqrt(gx * gx + gy * gy + gz * gz), 1e-9)
        move = np.ascontiguousarray((gu / size * step[use]).T)
        done = [idx[hit]]
        ends = np.searchsorted(check[hit], self._bounds).tolist()
        for k, (a, b) in enumerate(zip(ends[:-1], ends[1:], strict=True)):
            if b > a:
                at_ = done[0][a:b]
                out[at_] = np.take(out, at_, axis=0) + move[a:b] @ rot[k].T
        if len(redo):  # checked again from where they were moved, in the checks' order
            done.append(self._batch(out, rt, redo if pick is None else pick[redo], soft))
        return np.concatenate(done)

    def _overlaps(self, idx: np.ndarray, shared: np.ndarray, hit: np.ndarray) -> np.ndarray:
        """Which of the listed vertices ``idx`` (check by check) a batch checked from where
        they were before an earlier check's move (``hit``: the moves, ascending): to be
        checked again, in order. Only vertices listed more than once (``shared``) can be.
        (Each moved vertex's first move marked in a kept array, not found by sorting.)"""
        moves = hit[shared[hit]]
        if not len(moves):
            return moves
        moved, first = idx[moves], self._first
        np.minimum.at(first, moved, moves)
        try:
            later = np.flatnonzero(shared)
            return later[first[idx[later]] < later]
        finally:
            first[moved] = _NO_MOVE
