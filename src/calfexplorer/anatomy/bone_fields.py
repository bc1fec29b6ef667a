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
        nx, ny, nz = self.values.shape
        g = (p - self.lo.astype(p.dtype)) * (1.0 / self.spacing) + 0.5
        i = g.astype(np.int64)  # floor for the points in the grid
        ok = (g[:, 0] >= 0) & (g[:, 1] >= 0) & (g[:, 2] >= 0) & (i[:, 0] < nx) & (
            i[:, 1] < ny) & (i[:, 2] < nz)
        flat = np.where(ok, (i[:, 0] * ny + i[:, 1]) * nz + i[:, 2], 0)
        return np.where(ok, self.values.reshape(-1)[flat].astype(np.float32, copy=False),
                        REACH_M)

    def sample(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Trilinear distance and its gradient at points ``p`` (outside the grid: REACH_M)."""
        shape = np.array(self.values.shape)
        g = (p - self.lo) / self.spacing
        inside = np.all((g >= 0) & (g <= shape - 1), axis=1)
        i0 = np.clip(np.floor(g).astype(np.int64), 0, shape - 2)
        f = np.clip(g - i0, 0.0, 1.0)
        flat = self.values.reshape(-1)
        sy, sz = shape[1] * shape[2], shape[2]
        base = i0[:, 0] * sy + i0[:, 1] * sz + i0[:, 2]
        c = [flat[base + dx * sy + dy * sz + dz].astype(np.float32, copy=False) for dx in (0, 1)
             for dy in (0, 1) for dz in (0, 1)]
        fx, fy, fz = f[:, 0], f[:, 1], f[:, 2]
        # along z, then y, then x
        c00 = c[0] + (c[1] - c[0]) * fz
        c01 = c[2] + (c[3] - c[2]) * fz
        c10 = c[4] + (c[5] - c[4]) * fz
        c11 = c[6] + (c[7] - c[6]) * fz
        c0 = c00 + (c01 - c00) * fy
        c1 = c10 + (c11 - c10) * fy
        d = c0 + (c1 - c0) * fx
        gx = c1 - c0
        gy = (c01 - c00) * (1 - fx) + (c11 - c10) * fx
        dz0 = (c[1] - c[0]) * (1 - fy) + (c[3] - c[2]) * fy
        dz1 = (c[5] - c[4]) * (1 - fy) + (c[7] - c[6]) * fy
        gz = dz0 * (1 - fx) + dz1 * fx
        grad = np.stack([gx, gy, gz], axis=1)
        d = np.where(inside, d, REACH_M)
        return d, grad


def parity_grid(v: np.ndarray, f: np.ndarray, h: float, lo: np.ndarray,
                shape: tuple[int, int, int]) -> np.ndarray:
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

    from calfexplorer.geometry.implicit import _surface_samples

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
        samples.append(_surface_samples(v, np.asarray(f), 0.75 * h))
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


class BoneFields:
    """Pushes one level's posed vertices out of the bones (``checks``: see :func:`find_checks`;
    ``rest``: the level's rest vertices, for the soft push, see :func:`soft_distance`)."""

    def __init__(self, fields: dict[int, Field], checks: list[Check],
                 rest: np.ndarray | None = None) -> None:
        self.checks = [(b, fields[b], idx, goal) for b, idx, goal in checks]
        self.tops = [_tops(f, idx, goal, rest) for _b, f, idx, goal in self.checks]

    def subset(self, vmap: np.ndarray) -> BoneFields:
        """The checks of the vertices kept in a subset of the level (``vmap``: each vertex's
        index in the subset, -1 where dropped)."""
        sub = object.__new__(BoneFields)
        sub.checks, sub.tops = [], []
        for (b, f, idx, goal), top in zip(self.checks, self.tops, strict=True):
            new = vmap[idx]
            keep = new >= 0
            if keep.any():
                sub.checks.append((b, f, new[keep], goal[keep]))
                sub.tops.append(None if top is None else top[keep])
        return sub

    def push_out(self, out: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """Move the vertices of ``out`` (posed, in place) that went into a bone back out;
        ``delta``: each body's rest-to-pose transform. The vertices moved are checked once
        more: one pushed out of a bone may have gone into one checked before it (a tendon
        between two bones). Returns which vertices were moved."""
        moved = np.zeros(len(out), bool)
        for (b, f, idx, goal), top in zip(self.checks, self.tops, strict=True):
            moved[self._push(out, delta[b], f, idx, goal, top)] = True
        for b, f, idx, goal in self.checks:
            again = moved[idx]
            if again.any():
                self._push(out, delta[b], f, idx[again], goal[again])
        return moved

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
        moved = np.zeros(len(out), bool)
        for b, f, idx, goal in self.checks:
            sel = which[idx]
            if sel.any():
                moved[self._push(out, delta[b], f, idx[sel], goal[sel])] = True
        for b, f, idx, goal in self.checks:
            again = moved[idx]
            if again.any():
                self._push(out, delta[b], f, idx[again], goal[again])

    @staticmethod
    def _push(out: np.ndarray, d: np.ndarray, f: Field, idx: np.ndarray,
              goal: np.ndarray, top: np.ndarray | None = None) -> np.ndarray:
        """Push ``out[idx]`` out of one body's bones (``d``: its transform) to ``goal``, or
        into the band from ``goal`` to ``top`` (:func:`soft_distance`); the moved ones."""
        hard = top is None
        top = goal if top is None else top
        rot, tr = d[:3, :3].astype(np.float32), d[:3, 3].astype(np.float32)
        p = (out[idx] - tr) @ rot  # into the body's rest placement
        # the field changes by at most the distance moved: the nearest node rules most out
        maybe = np.flatnonzero(f.nearest(p) < top + 0.87 * f.spacing)
        dist, grad = f.sample(p[maybe])
        if hard:
            step = goal[maybe] - dist
            keep = step > 1e-5
        else:
            step = soft_distance(dist, goal[maybe], top[maybe]) - dist
            keep = step > np.where(dist < goal[maybe], 1e-5, SKIP_M)
        bad = maybe[keep]
        if not len(bad):
            return idx[bad]
        g = grad[keep]
        g /= np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-9)
        move = g * step[keep][:, None]
        out[idx[bad]] += move @ rot.T
        return idx[bad]
