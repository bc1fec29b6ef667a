"""Stations of many swept structures at once (vectorised), for building and for fast posing.

Every structure's stations are computed together: one interpolation over all source paths, and
block-diagonal operators for averaging several sources, smoothing the centre line, the tangent
and the smoothing of the 'outwards' direction. Posing all muscles is then a handful of numpy
calls instead of dozens per muscle. The operators are numpy alone (SciPy's sparse matrices
before: importing them cost the motion lab's first opening ~0.1 s of CPU and ~19 MiB resident)
and add the same terms in the same order, so stations and built assets are the same bit for bit.
"""

from __future__ import annotations

import functools

import numpy as np

from calfexplorer.geometry.params import SweepSpec
from calfexplorer.geometry.source import PoseLike, body_rt
from calfexplorer.geometry.vec3 import cross, norms


@functools.lru_cache(maxsize=256)
def _smoother(n: int, iterations: int) -> np.ndarray:
    """Matrix of ``iterations`` passes of c[1:-1] = c/2 + (prev + next)/4 (ends fixed); read-only
    (kept: a few dozen sizes serve the hundreds of structures posed).

    The passes are applied to the identity's rows, not as a matrix power: the power's BLAS
    products (30 of them, ~3 ms each alone, ~25 ms each with OpenBLAS's threads beside the 3D
    view's drawing on two cores) slowed the motion lab's first frame, drawn while this runs in
    the posing loader's thread. Every entry is a multiple of 4**-iterations at most 1, exact in
    a double either way, so the matrix is the matrix power's bit for bit."""
    out = np.eye(n)
    if n > 2:
        for _ in range(iterations):
            out[1:-1] = 0.5 * out[1:-1] + 0.25 * (out[:-2] + out[2:])
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _gradient(n: int) -> np.ndarray:
    """Matrix of the derivative along ``n`` stations (central inside, one-sided at the ends)."""
    g = np.zeros((n, n))
    g[0, :2] = (-1.0, 1.0)
    g[-1, -2:] = (-1.0, 1.0)
    for i in range(1, n - 1):
        g[i, i - 1], g[i, i + 1] = -0.5, 0.5
    g.flags.writeable = False
    return g


class BlockDiagonal:
    """A block-diagonal operator on the stations of many structures (one small dense block
    each), kept as its diagonals: ``op @ x`` (``x`` of shape (N, 3)) adds each row's terms in
    the order of their columns, as SciPy's sparse product did, so results (and the built-in
    assets built with them) stay the same bit for bit."""

    def __init__(self, blocks: list[np.ndarray]) -> None:
        w = 0  # the widest band: the farthest nonzero entry from the diagonal
        for block in blocks:
            rows, cols = np.nonzero(block)
            w = max(w, int(np.abs(rows - cols).max(initial=0)))
        self._width = w
        coefs = np.zeros((2 * w + 1, sum(len(b) for b in blocks)))
        start = 0
        for block in blocks:
            n = len(block)
            for d in range(-min(w, n - 1), min(w, n - 1) + 1):
                first = start + max(0, -d)  # the row of the diagonal's first entry
                coefs[w + d, first : first + n - abs(d)] = np.diagonal(block, d)
            start += n
        # coefs[w + d, i]: the entry (i, i + d); a diagonal zero in every block adds nothing
        self._diagonals = [(k, c[:, None]) for k, c in enumerate(coefs) if c.any()]

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        n, w = len(x), self._width
        padded = np.zeros((n + 2 * w, x.shape[1]))
        padded[w : w + n] = x
        out = np.zeros((n, x.shape[1]))
        for k, coef in self._diagonals:  # column i + k - w of row i, columns in order
            out += coef * padded[k : k + n]
        return out


class SourceAverage:
    """Each structure's stations as the mean of its sources' stations.

    ``op @ x`` maps the source stations (each structure's sources one after another, in
    ``layout`` order: (stations, sources) per structure) to the structure stations, adding a
    station's sources in their order, as the sparse product did.
    """

    def __init__(self, layout: list[tuple[int, int]]) -> None:
        # (first row, rows, first column, sources); structures of one source run together
        self._runs: list[tuple[int, int, int, int]] = []
        row = col = 0
        for n, m in layout:
            if m == 1 and self._runs and self._runs[-1][3] == 1:
                first_row, rows, first_col, _ = self._runs[-1]
                self._runs[-1] = (first_row, rows + n, first_col, 1)
            else:
                self._runs.append((row, n, col, m))
            row, col = row + n, col + n * m
        self.shape = (row, col)

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((self.shape[0], x.shape[1]))
        for row, n, col, m in self._runs:
            block = out[row : row + n]
            for s in range(m):
                block += (1.0 / m) * x[col + s * n : col + (s + 1) * n]
        return out


def _normalize(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(norms(v, keepdims=True), 1e-12)


def source_range(spec: SweepSpec, rest_len: float) -> tuple[float, float]:
    """Fractions of a source path (rest length ``rest_len``) that the structure covers."""
    r0, r1 = spec.range
    if spec.end_before is not None:
        r1 = 1.0 - spec.end_before / rest_len
    if spec.tail is not None:
        r0, r1 = 1.0 - spec.tail / rest_len, 1.0
    return max(0.0, r0), min(1.0, r1)


def _fixed_dir(value: tuple | None) -> tuple[str | None, np.ndarray] | None:
    """A fixed thickness direction: ``(x, y, z)`` in the world or ``(body, x, y, z)`` in a body."""
    if value is None:
        return None
    if isinstance(value[0], str):
        return value[0], _normalize(np.asarray(value[1:], dtype=float))
    return None, _normalize(np.asarray(value, dtype=float))


class StationBatch:
    """Station centres and frames of several swept structures, computed together.

    ``rest`` fixes each source path's rest length: tendon stations keep their distance from the
    end they belong to, and the belly takes up any change in length, as muscle fibres do.
    """

    def __init__(
        self, specs: list[SweepSpec], rest: PoseLike, axis_bodies: tuple[str, ...]
    ) -> None:
        self.specs = specs
        self.axis_bodies = axis_bodies
        self.n_stations = np.array([s.stations for s in specs])
        self.offsets = np.concatenate([[0], np.cumsum(self.n_stations)])
        self.sources: list[tuple[int, str | None]] = []
        authored_bodies: list[str] = []
        authored_local: list[tuple[float, ...]] = []
        self._authored_slices: list[slice] = []
        self._prepend_slices: list[slice] = []
        self._append_slices: list[slice] = []
        for k, spec in enumerate(specs):
            for src in spec.sources:
                self.sources.append((k, src.actuator))
                start = len(authored_local)
                for body, xyz in src.points:
                    authored_bodies.append(body)
                    authored_local.append(xyz)
                self._authored_slices.append(slice(start, len(authored_local)))
                for extra, slices in ((spec.prepend, self._prepend_slices),
                                      (spec.append, self._append_slices)):
                    start = len(authored_local)
                    if src.actuator is not None:
                        for body, *xyz in extra:
                            authored_bodies.append(body)
                            authored_local.append(tuple(float(c) for c in xyz))
                    slices.append(slice(start, len(authored_local)))
        self._bodies = sorted(set(authored_bodies))
        self._a_body = np.array([self._bodies.index(b) for b in authored_bodies], dtype=int)
        self._a_local = np.array(authored_local, dtype=float).reshape(-1, 3)
        self.rest_lengths = self._lengths(self.polylines(rest))
        # per source-station arrays
        src_idx, s_rest, a_abs, b_abs = [], [], [], []
        for j, (k, _) in enumerate(self.sources):
            spec = specs[k]
            n = spec.stations
            u = np.linspace(0.0, 1.0, n)
            length = self.rest_lengths[j]
            r0, r1 = source_range(spec, length)
            src_idx.append(np.full(n, j))
            s_rest.append((r0 + u * (r1 - r0)) * length)
            a_abs.append(np.full(n, (r0 + spec.belly[0] * (r1 - r0)) * length))
            b_abs.append(np.full(n, (r0 + spec.belly[1] * (r1 - r0)) * length))
        self.ss_src = np.concatenate(src_idx)
        self.ss_rest = np.concatenate(s_rest)
        self.ss_a = np.concatenate(a_abs)
        self.ss_b = np.concatenate(b_abs)
        self.average = SourceAverage([(s.stations, len(s.sources)) for s in specs])
        self.smooth = BlockDiagonal([_smoother(s.stations, s.smooth) for s in specs])
        self.grad = BlockDiagonal([_gradient(s.stations) for s in specs])
        self.radial_smooth = BlockDiagonal([_smoother(s.stations, 3) for s in specs])
        self.struct_of_station = np.repeat(np.arange(len(specs)), self.n_stations)
        # fixed thickness directions: (body or None for the world frame, vector) per structure
        # (and from a split into slips on, the slips' own axis where one is given)
        frame_of: dict[int, str | None] = {}
        vec_of: dict[int, np.ndarray] = {}
        for k, spec in enumerate(specs):
            rows = self.offsets[k] + np.arange(spec.stations)
            fixed_k = _fixed_dir(spec.thickness_dir)
            if fixed_k is not None:
                frame_of.update(dict.fromkeys(rows.tolist(), fixed_k[0]))
                vec_of.update(dict.fromkeys(rows.tolist(), fixed_k[1]))
            u = np.linspace(0.0, 1.0, spec.stations)
            for u0, *axis in spec.slip_dir if spec.slips else ():
                frame_k, vec = _fixed_dir(tuple(axis)) or (None, np.zeros(3))
                split = rows[u >= max(u0, spec.slips[0])].tolist()
                frame_of.update(dict.fromkeys(split, frame_k))
                vec_of.update(dict.fromkeys(split, vec))
        self._fixed_groups: list[tuple[str | None, np.ndarray, np.ndarray]] = []
        for frame in sorted(set(frame_of.values()), key=str):
            group = np.array(sorted(r for r, f in frame_of.items() if f == frame), dtype=int)
            self._fixed_groups.append((frame, group, np.array([vec_of[r] for r in group])))
        self._span: np.ndarray | None = None  # (belly lengths at rest, on first use)

    def polylines(self, pose: PoseLike) -> list[np.ndarray]:
        """World polylines of every source in a pose."""
        if len(self._a_local):
            rts = [body_rt(pose, b) for b in self._bodies]
            rot = np.array([r for r, _ in rts])[self._a_body]
            pos = np.array([p for _, p in rts])[self._a_body]
            authored = np.einsum("nij,nj->ni", rot, self._a_local) + pos
        out = []
        for j, (_, act) in enumerate(self.sources):
            if act is not None:
                path = np.asarray(pose.muscles[act].points, dtype=np.float64)
                pre, post = self._prepend_slices[j], self._append_slices[j]
                if pre.stop > pre.start or post.stop > post.start:
                    path = np.concatenate([authored[pre], path, authored[post]])
                out.append(path)
            else:
                out.append(authored[self._authored_slices[j]])
        return out

    @staticmethod
    def _lengths(polys: list[np.ndarray]) -> np.ndarray:
        return np.array([np.linalg.norm(np.diff(p, axis=0), axis=1).sum() for p in polys])

    def belly_ratios(self, lengths: np.ndarray) -> np.ndarray:
        """Per structure: mean over its sources of posed / rest belly length."""
        span = self._span
        if span is None:
            span = self._span = np.array([
                (self.specs[k].belly[1] - self.specs[k].belly[0])
                * np.subtract(*source_range(self.specs[k], self.rest_lengths[j])[::-1])
                * self.rest_lengths[j]
                for j, (k, _) in enumerate(self.sources)
            ])
        d = lengths - self.rest_lengths
        ratio = np.where(span > 1e-9, np.maximum(0.2, (span + d) / np.maximum(span, 1e-9)), 1.0)
        k_of = np.array([k for k, _ in self.sources])
        sums = np.bincount(k_of, weights=ratio, minlength=len(self.specs))
        counts = np.bincount(k_of, minlength=len(self.specs))
        return sums / counts

    def compute(
        self, pose: PoseLike, fallback: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centres (N, 3), frames (N, 3, 3: width axis, thickness axis, tangent), lengths."""
        polys = self.polylines(pose)
        counts = np.array([len(p) for p in polys])
        pts = np.concatenate(polys)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        seg = norms(np.diff(pts, axis=0))
        seg[starts[1:] - 1] = 0.0  # no segment between one source's end and the next's start
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        cum_local = cum - np.repeat(cum[starts], counts)
        lengths = cum_local[starts + counts - 1]
        shift = np.repeat(np.arange(len(polys)) * 1000.0, counts)
        d = (lengths - self.rest_lengths)[self.ss_src]
        s_rest, a, b = self.ss_rest, self.ss_a, self.ss_b
        span = np.where(b > a, b - a, 1.0)
        s = np.where(s_rest <= a, s_rest,
                     np.where(s_rest >= b, s_rest + d, a + (s_rest - a) * (span + d) / span))
        s = np.clip(s, 0.0, lengths[self.ss_src]) + self.ss_src * 1000.0
        key = cum_local + shift
        ss = np.stack([np.interp(s, key, pts[:, c]) for c in range(3)], axis=1)
        centre = self.smooth @ (self.average @ ss)
        tangent = _normalize(self.grad @ centre)
        radial = self._radial(centre, pose)
        for body, rows, vecs in self._fixed_groups:
            radial[rows] = vecs if body is None else vecs @ body_rt(pose, body)[0].T
        radial -= np.einsum("ij,ij->i", radial, tangent)[:, None] * tangent
        weak = norms(radial) < 1e-3
        if weak.any():
            radial[weak] = fallback - (tangent[weak] @ fallback)[:, None] * tangent[weak]
        radial = self.radial_smooth @ radial
        b_axis = _normalize(radial - np.einsum("ij,ij->i", radial, tangent)[:, None] * tangent)
        a_axis = _normalize(cross(tangent, b_axis))
        b_axis = cross(a_axis, tangent)
        return centre, np.stack([a_axis, b_axis, tangent], axis=2), lengths

    def _radial(self, points: np.ndarray, pose: PoseLike) -> np.ndarray:
        axis = np.array([body_rt(pose, b)[1] for b in self.axis_bodies])
        best = np.full(len(points), np.inf)
        out = np.zeros_like(points)
        for p0, p1 in zip(axis[:-1], axis[1:], strict=False):
            seg = p1 - p0
            t = np.clip((points - p0) @ seg / max(seg @ seg, 1e-12), 0.0, 1.0)
            rel = points - (p0 + t[:, None] * seg)
            dist = np.einsum("ij,ij->i", rel, rel)
            better = dist < best
            best = np.where(better, dist, best)
            out[better] = rel[better]
        return out
