"""Display centrelines along MyoLeg muscle paths, evaluated the same way at every pose.

A track follows one actuator's path from a point fixed in the origin's bone, through the
model's path (sites and wrap points), to a point fixed in the insertion's bone: the two ends
extend the path over the parts of a mesh that lie beyond its origin and insertion. The track
has ``STATIONS`` stations, each placed at a fixed fraction of the arc length between two
fixed anchors (the extension ends and the model's via sites): wrap points come and go between
poses, so arc length is mapped piecewise between the points that always exist; where two via
sites on either side of the knee close up in flexion (sartorius: 91 -> 10 mm), the stations move
towards even spacing as far as keeps them ``MIN_GAP`` of it apart (:func:`_spread`). The
stations are smoothed along the track (a sharp bend at an origin becomes a curve a mesh can
follow) and carry rotation-minimising frames whose twist follows the origin's and insertion's
bones.
Beyond the origin and insertion, fading over ``END_BLEND_M`` from them (or from as far as a
muscle arising along that bone is held on it, :func:`held_track`), the stations and frames move
with the bone there (as at rest): the part of a muscle along its attachment keeps to the bone
however the path turns where it leaves it; where the path shortens or lengthens under a held
stretch, the stations past it are shared out along the path from where the held stretch ends
(:func:`_past_hold`), not left behind it or ahead of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from calfexplorer.geometry.vec3 import cross, norms
from calfexplorer.recent import Recent

STATIONS = 64
#: Width (m, one standard deviation) of the smoothing along a track.
SMOOTH_M = 0.012
#: Length (m) over which a track passes from its end bone's motion to its path's.
END_BLEND_M = 0.03
#: No two stations closer than this share of their even spacing along the path (see
#: :func:`_spread`).
MIN_GAP = 0.5
#: How far (m) from its own place along the path a held station may lie before the stations
#: past it are shared out from there (:func:`_past_hold`).
HOLD_SLACK_M = 0.001


@dataclass(frozen=True)
class Track:
    """One actuator's display centreline: where its stations sit and how they are smoothed."""

    actuator: str
    origin_body: str
    insertion_body: str
    ext_origin: np.ndarray  # (3,) start of the track in the origin body's frame
    ext_insertion: np.ndarray  # (3,) end of the track in the insertion body's frame
    interval: np.ndarray  # (N,) anchor interval of each station
    fraction: np.ndarray  # (N,) arc-length fraction within that interval
    smooth: np.ndarray  # (N, N) smoothing matrix applied to the raw stations
    frame0: np.ndarray  # (3, 3) rest frame at the first station, in the origin body's frame
    normal_end: np.ndarray  # (3,) rest normal at the last station, in the insertion body's frame
    rest_origin: np.ndarray  # (N, 4, 3) rest centre and frame of each station, origin frame
    rest_insertion: np.ndarray  # (N, 4, 3) the same in the insertion body's frame
    end_weight: np.ndarray  # (N, 2) how much each station moves with the origin, insertion
    end_arc: np.ndarray  # (N, 2) rest arc (m) from the origin to each station, station to insertion
    fixed: np.ndarray  # (N, 2) 1 where the path there runs between points of the origin's body,
    # the insertion's body (the station stays in place on that bone)


def _body_rt(state: Any, body: str) -> tuple[np.ndarray, np.ndarray]:
    tf = np.asarray(state.bodies[body], dtype=np.float64)
    return tf[:3, :3], tf[:3, 3]


def _polyline(actuator: str, ob: str, ib: str, eo: np.ndarray, ei: np.ndarray,
              state: Any) -> tuple[np.ndarray, np.ndarray]:
    """The extended path at a pose and the indices of its anchors."""
    ms = state.muscles[actuator]
    ro, po = _body_rt(state, ob)
    ri, pi = _body_rt(state, ib)
    pts = np.concatenate([(ro @ eo + po)[None], np.asarray(ms.points, np.float64),
                          (ri @ ei + pi)[None]])
    anchors = np.concatenate([[0], np.flatnonzero(~np.asarray(ms.is_wrap)) + 1, [len(pts) - 1]])
    return pts, anchors


def _stations_raw(pts: np.ndarray, anchors: np.ndarray, interval: np.ndarray,
                  fraction: np.ndarray, held: tuple[int, np.ndarray] | None = None) -> np.ndarray:
    """The stations on the extended path ``pts``; ``held``: the last station held on the
    origin's bone and where it lies posed (see :func:`_past_hold`)."""
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    a, b = cum[anchors[interval]], cum[anchors[interval + 1]]
    s = _spread(a + fraction * (b - a), cum[-1])
    if held is not None:
        s = _past_hold(s, pts, cum, *held)
    return np.stack([np.interp(s, cum, pts[:, d]) for d in range(3)], axis=1)


def _spread(s: np.ndarray, length: float) -> np.ndarray:
    """Arcs ``s`` of the stations, moved towards even spacing along the path (``length``) as
    far as needed to keep every gap at least ``MIN_GAP`` of the even one (the same share of
    the way for all: at rest, and wherever no gap is that short, they are left as they are).
    Stations squeezed 9 times between two via sites swelled the sartorius' cross-sections
    3 times there (1/sqrt of the stretch) and turned 1.7 % of its triangles over."""
    gap = s[1:] - s[:-1]
    even = length / (len(s) - 1)
    if gap.min() >= MIN_GAP * even:
        return s
    need = MIN_GAP * even - gap
    lam = float(np.clip(np.max(need / np.maximum(even - gap, 1e-12)), 0.0, 1.0))
    return (1.0 - lam) * s + lam * np.linspace(0.0, length, len(s))


def _past_hold(s: np.ndarray, pts: np.ndarray, cum: np.ndarray, k: int,
               end: np.ndarray) -> np.ndarray:
    """Arcs ``s`` of the stations on the path ``pts`` (arc ``cum``), those past the held
    station ``k`` shared out from where that station (posed at ``end``) lies on the path to
    the path's end, when that is not ``s[k]``. Where the path shortens under a muscle held on
    the bone it arises along, its stations past the hold otherwise lie behind the held ones and
    the blend between them zig-zags (the biceps femoris short head in the deep squat:
    neighbouring stations turning by 99 and 149 degrees); where it lengthens (the vasti round
    the condyles), they run ahead and the blend stretches 2-4 times."""
    a, ab = pts[:-1], np.diff(pts, axis=0)
    t = np.clip(((end - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-20), 0.0, 1.0)
    j = int(np.argmin(((a + t[:, None] * ab - end) ** 2).sum(1)))
    start = cum[j] + t[j] * (cum[j + 1] - cum[j])
    if abs(start - s[k]) <= HOLD_SLACK_M or s[k] >= cum[-1]:
        return s  # (at rest the held station lies on its own place on the path)
    out = s.copy()
    out[k:] = start + (s[k:] - s[k]) * (cum[-1] - start) / (cum[-1] - s[k])
    return out


def smoothing_matrix(n: int, sigma: float) -> np.ndarray:
    """Gaussian smoothing over station index that keeps straight ends straight.

    The stations are padded by point reflection about each end (2 x0 - x_k), so a straight
    track is left unchanged and the end points stay where they are.
    """
    if sigma <= 0.0:
        return np.eye(n)
    half = int(np.ceil(3 * sigma))
    k = np.arange(-half, half + 1)
    kern = np.exp(-0.5 * (k / sigma) ** 2)
    kern /= kern.sum()
    m = np.zeros((n, n))
    for i in range(n):
        for off, w in zip(k, kern, strict=True):
            j = i + int(off)
            if j < 0:  # x_j = 2 x_0 - x_{-j}
                m[i, 0] += 2 * w
                m[i, min(-j, n - 1)] -= w
            elif j >= n:
                m[i, n - 1] += 2 * w
                m[i, max(2 * (n - 1) - j, 0)] -= w
            else:
                m[i, j] += w
    return m


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1, keepdims=True)


def _frames(c: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Rotation-minimising frames (columns normal, binormal, tangent) along stations ``c``
    (T, N, 3) by double reflection, starting from ``first`` (T, 3) normals."""
    t = np.gradient(c, axis=1)
    t /= np.maximum(norms(t, keepdims=True), 1e-12)
    v1 = np.diff(c, axis=1)
    inv1 = 2.0 / np.maximum(_dot(v1, v1), 1e-20)
    normal = np.empty_like(c)
    r = first - _dot(first, t[:, 0]) * t[:, 0]
    normal[:, 0] = r / np.maximum(norms(r, keepdims=True), 1e-12)
    # the reflected tangents do not depend on the normals: all at once
    tl = t[:, :-1] - inv1 * _dot(v1, t[:, :-1]) * v1
    v2 = t[:, 1:] - tl
    inv2 = 2.0 / np.maximum(_dot(v2, v2), 1e-20)
    # ... nor do the two reflections from one station's normal to the next's: one matrix each
    eye = np.eye(3)
    step = (eye - (inv2 * v2)[..., :, None] * v2[..., None, :]) @ (
        eye - (inv1 * v1)[..., :, None] * v1[..., None, :])
    n = normal[:, 0, :, None]
    for i in range(c.shape[1] - 1):
        n = step[:, i] @ n
        normal[:, i + 1] = n[..., 0]
    normal -= _dot(normal, t) * t
    normal /= np.maximum(norms(normal, keepdims=True), 1e-12)
    binormal = cross(t, normal)
    return np.stack([normal, binormal, t], axis=3)


def _twist(frames: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Angle (T,) from each track's last RMF normal to ``target`` (T, 3), about its tangent."""
    n, b = frames[:, -1, :, 0], frames[:, -1, :, 1]
    return np.arctan2(np.einsum("ij,ij->i", target, b), np.einsum("ij,ij->i", target, n))


class _Stacked:
    """What every evaluation of one list of tracks reads, stacked once (T tracks)."""

    def __init__(self, tracks: list[Track]) -> None:
        self.tracks = tracks  # (held: the cache is keyed on the tracks' ids)
        self.smooth = np.stack([tr.smooth for tr in tracks])  # (T, N, N)
        self.first = np.stack([tr.frame0[:, 0] for tr in tracks])  # (T, 3)
        self.normal_end = np.stack([tr.normal_end for tr in tracks])  # (T, 3)
        self.weight = np.stack([tr.end_weight for tr in tracks])  # (T, N, 2)
        self.any_end = bool(self.weight.any())
        local = (np.stack([tr.rest_origin for tr in tracks]),
                 np.stack([tr.rest_insertion for tr in tracks]))  # (T, N, 4, 3) each
        # per end, only the stations it holds: (track, station) indices, weights, rest rows
        self.held = []
        for k in range(2):
            t, n = np.nonzero(self.weight[..., k] > 0)
            # flat (track, station) index, track, weight, rest centre, normal and tangent
            self.held.append((t * self.weight.shape[1] + n, t, self.weight[t, n, k],
                              local[k][t, n][:, [0, 1, 3]]))
        self.free = (1.0 - self.weight.sum(2))[..., None]  # (T, N, 1): on neither end
        self.bodies = ([tr.origin_body for tr in tracks], [tr.insertion_body for tr in tracks])
        self.hold_end = [_hold_end(tr) for tr in tracks]
        self.holds = [(j, k) for j, k in enumerate(self.hold_end) if k >= 0]
        self.ext = (np.stack([tr.ext_origin for tr in tracks]),
                    np.stack([tr.ext_insertion for tr in tracks]))  # (T, 3) each
        self.interval = np.stack([tr.interval for tr in tracks]).astype(np.int64)  # (T, N)
        self.fraction = np.stack([tr.fraction for tr in tracks])
        self.n_anchors = int(self.interval.max()) + 2


def _hold_end(track: Track) -> int:
    """The last station past the origin that moves with the origin's bone alone (a muscle held
    along the bone it arises from, :func:`held_track`), else -1."""
    past = np.flatnonzero((track.end_weight[:, 0] >= 1.0 - 1e-9) & (track.end_arc[:, 0] > 0.0))
    return int(past[-1]) if len(past) else -1


_STACKED: Recent[tuple[int, ...], _Stacked] = Recent(8)


def _stacked(tracks: list[Track]) -> _Stacked:
    key = tuple(id(tr) for tr in tracks)
    found = _STACKED.get(key)
    if found is None:
        found = _STACKED.put(key, _Stacked(tracks))
    return found


def _rotations(state: Any, bodies: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rotations (T, 3, 3) and positions (T, 3) of the bodies."""
    tf = np.stack([np.asarray(state.bodies[b], dtype=np.float64) for b in bodies])
    return tf[:, :3, :3], tf[:, :3, 3]


def _all_stations(st: _Stacked, state: Any,
                  ends: tuple[tuple[np.ndarray, np.ndarray], ...]) -> np.ndarray:
    """:func:`_stations_raw` of every track (T, N, 3) at once: the extended paths padded to
    the longest with their last point (segments of no length), the arcs interpolated as
    ``np.interp`` does."""
    tracks = st.tracks
    (ro, po), (ri, pi) = ends
    muscles = [state.muscles[tr.actuator] for tr in tracks]
    inner = [np.asarray(ms.points, np.float64) for ms in muscles]
    count = np.array([len(m) for m in inner]) + 2
    n_t, width = len(tracks), int(count.max())
    pts = np.empty((n_t, width, 3))
    pts[:, 0] = (ro @ st.ext[0][:, :, None])[:, :, 0] + po
    last = (ri @ st.ext[1][:, :, None])[:, :, 0] + pi
    col = np.arange(width)
    pts[col[None, :] >= (count - 1)[:, None]] = np.repeat(last, width - count + 1, axis=0)
    flat = np.concatenate(inner)
    row = np.repeat(np.arange(n_t), count - 2)
    local = np.arange(len(flat)) - np.repeat(np.cumsum(count - 2) - (count - 2), count - 2)
    pts[row, local + 1] = flat
    # anchors: the ends and the via sites (each track has as many at every pose)
    anchors = np.repeat(count[:, None] - 1, st.n_anchors, axis=1)
    anchors[:, 0] = 0
    via = ~np.concatenate([np.asarray(ms.is_wrap, bool) for ms in muscles])
    nth = np.cumsum(via)
    before = np.concatenate([[0], nth[np.cumsum(count - 2)[:-1] - 1]]) if n_t > 1 \
        else np.zeros(1, np.int64)
    slot = nth - np.repeat(before, count - 2)
    anchors[row[via], slot[via]] = local[via] + 1
    seg = norms(np.diff(pts, axis=1))
    cum = np.concatenate([np.zeros((n_t, 1)), np.cumsum(seg, axis=1)], axis=1)
    a = np.take_along_axis(cum, np.take_along_axis(anchors, st.interval, 1), 1)
    b = np.take_along_axis(cum, np.take_along_axis(anchors, st.interval + 1, 1), 1)
    s = _spread_all(a + st.fraction * (b - a), cum[:, -1])
    for j, k in st.holds:  # (see _past_hold)
        end = ro[j] @ tracks[j].rest_origin[k, 0] + po[j]
        s[j] = _past_hold(s[j], pts[j, :count[j]], cum[j, :count[j]], k, end)
    return _interp_all(s, cum, pts)


def _spread_all(s: np.ndarray, length: np.ndarray) -> np.ndarray:
    """:func:`_spread` of each track's arcs (rows of ``s``; ``length``: each one's path)."""
    gap = s[:, 1:] - s[:, :-1]
    even = length / (s.shape[1] - 1)
    short = gap.min(1) < MIN_GAP * even
    if not short.any():
        return s
    out = s.copy()
    for j in np.flatnonzero(short):
        out[j] = _spread(s[j], float(length[j]))
    return out


def _interp_all(s: np.ndarray, cum: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points at arcs ``s`` (T, N) along the paths ``pts`` (T, L, 3) with arcs ``cum``
    (T, L): ``np.interp`` of each coordinate, the same arithmetic."""
    n_t, width = cum.shape
    j = np.minimum((cum[:, None, :] <= s[:, :, None]).sum(2) - 1, width - 1)
    j = np.maximum(j, 0)
    nxt = np.minimum(j + 1, width - 1)
    x0, x1 = np.take_along_axis(cum, j, 1), np.take_along_axis(cum, nxt, 1)
    rows = pts.reshape(-1, 3)
    base = (np.arange(n_t) * width)[:, None]
    y0 = np.take(rows, (base + j).ravel(), axis=0).reshape(*s.shape, 3)
    y1 = np.take(rows, (base + nxt).ravel(), axis=0).reshape(*s.shape, 3)
    exact = (s == x0) | (j == width - 1) | (s < cum[:, :1])
    span = np.where(exact, 1.0, x1 - x0)[..., None]
    slope = (y1 - y0) / span
    out = slope * (s - x0)[..., None] + y0
    return np.where(exact[..., None], y0, out)


def evaluate(tracks: list[Track], state: Any) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed station centres (T, N, 3) and frames (T, N, 3, 3) of every track at a pose."""
    st = _stacked(tracks)
    ends = (_rotations(state, st.bodies[0]), _rotations(state, st.bodies[1]))
    centres = st.smooth @ _all_stations(st, state, ends)
    first = (ends[0][0] @ st.first[:, :, None])[:, :, 0]
    frames = _frames(centres, first)
    target = (ends[1][0] @ st.normal_end[:, :, None])[:, :, 0]
    twist = _twist(frames, target)
    ang = twist[:, None] * np.linspace(0.0, 1.0, centres.shape[1])[None]
    cos, sin = np.cos(ang)[..., None], np.sin(ang)[..., None]
    n, b = frames[..., 0], frames[..., 1]
    frames = np.stack([cos * n + sin * b, cos * b - sin * n, frames[..., 2]], axis=3)
    return _with_ends(st, ends, centres, frames)


def _with_ends(st: _Stacked, ends: tuple[tuple[np.ndarray, np.ndarray], ...],
               centres: np.ndarray, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Blend the stations near each end towards their rest placement on that end's bone
    (``ends``: the origin's and the insertion's bodies' rotations and positions)."""
    if not st.any_end:
        return centres, frames
    c = centres * st.free
    # the frames' normals and tangents (their binormals are made anew)
    fn, ft = frames[..., 0] * st.free, frames[..., 2] * st.free
    flat = c.reshape(-1, 3), fn.reshape(-1, 3), ft.reshape(-1, 3)
    for (rot, pos), (at, t, wk, local) in zip(ends, st.held, strict=True):
        # local (M, 3, 3): rows centre, normal, tangent; each row r becomes rot @ r
        moved = local @ np.take(rot, t, axis=0).transpose(0, 2, 1)
        moved[:, 0] += np.take(pos, t, axis=0)
        for k, a in enumerate(flat):  # (take: row gathers by fancy indexing are slow)
            a[at] = np.take(a, at, axis=0) + wk[:, None] * moved[:, k]
    # back to orthonormal frames (tangent kept, normal made perpendicular to it)
    t = ft / np.maximum(norms(ft, keepdims=True), 1e-12)
    n = fn - (fn * t).sum(-1, keepdims=True) * t
    n /= np.maximum(norms(n, keepdims=True), 1e-12)
    return c, np.stack([n, cross(t, n), t], axis=3)


def make_track(actuator: str, rest: Any, ext_origin_m: float, ext_insertion_m: float,
               stations: int = STATIONS) -> Track:
    """A track along ``actuator``'s rest path, extended by these lengths beyond its ends."""
    ms = rest.muscles[actuator]
    pts = np.asarray(ms.points, np.float64)
    ob, ib = ms.point_bodies[0], ms.point_bodies[-1]
    t0 = pts[1] - pts[0]
    t0 /= np.linalg.norm(t0)
    t1 = pts[-1] - pts[-2]
    t1 /= np.linalg.norm(t1)
    ro, po = _body_rt(rest, ob)
    ri, pi = _body_rt(rest, ib)
    eo = ro.T @ (pts[0] - ext_origin_m * t0 - po)
    ei = ri.T @ (pts[-1] + ext_insertion_m * t1 - pi)
    full, anchors = _polyline(actuator, ob, ib, eo, ei, rest)
    seg = np.linalg.norm(np.diff(full, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    s = np.linspace(0.0, cum[-1], stations)
    a_arc = cum[anchors]
    interval = np.clip(np.searchsorted(a_arc, s, side="right") - 1, 0, len(anchors) - 2)
    span = np.maximum(a_arc[interval + 1] - a_arc[interval], 1e-12)
    fraction = np.clip((s - a_arc[interval]) / span, 0.0, 1.0)
    sigma = SMOOTH_M / (cum[-1] / (stations - 1))
    smooth = smoothing_matrix(stations, sigma)
    # a first normal perpendicular to the first tangent, fixed in the origin body
    helper = np.eye(3)[int(np.argmin(np.abs(t0)))]
    nrm = np.cross(t0, helper)
    nrm /= np.linalg.norm(nrm)
    frame0 = ro.T @ np.stack([nrm, np.cross(t0, nrm), t0], axis=1)
    raw = _stations_raw(full, anchors, interval, fraction)
    centres = (smooth @ raw)[None]
    frames = _frames(centres, (ro @ frame0[:, 0])[None])
    normal_end = ri.T @ frames[0, -1, :, 0]  # so the rest frames need no twist
    c0, f0 = centres[0], frames[0]
    rest_o = np.concatenate([((c0 - po) @ ro)[:, None], np.einsum("ji,njk->nki", ro, f0)], 1)
    rest_i = np.concatenate([((c0 - pi) @ ri)[:, None], np.einsum("ji,njk->nki", ri, f0)], 1)
    # how far along the track each station lies past the origin and before the insertion
    past_origin = s - a_arc[1]
    before_insertion = a_arc[-2] - s
    w = np.stack([1.0 - smoothstep(past_origin / END_BLEND_M),
                  1.0 - smoothstep(before_insertion / END_BLEND_M)], axis=1)
    w /= np.maximum(w.sum(1, keepdims=True), 1.0)
    bodies = [ob, *(b for b, wrap in zip(ms.point_bodies, ms.is_wrap, strict=True)
                    if not wrap), ib]
    fixed = np.array([[float(bodies[k] == bodies[k + 1] == end) for end in (ob, ib)]
                      for k in interval])
    return Track(actuator, ob, ib, eo, ei, interval, fraction, smooth, frame0, normal_end,
                 rest_o, rest_i, w, np.stack([past_origin, before_insertion], axis=1), fixed)


def held_track(track: Track, held_m: tuple[float, float],
               blend_m: tuple[float, float] = (END_BLEND_M, END_BLEND_M)) -> Track:
    """``track`` with its stations moving with the origin's (insertion's) bone up to this arc
    (m) from it (``held_m``) and passing to the path over the next ``blend_m`` (0 and
    ``END_BLEND_M``: from the end itself, as :func:`make_track` makes it). At rest the
    stations lie where they did."""
    arc = track.end_arc
    w = np.stack([1.0 - smoothstep((arc[:, k] - held_m[k]) / blend_m[k]) for k in (0, 1)],
                 axis=1)
    w /= np.maximum(w.sum(1, keepdims=True), 1.0)
    return replace(track, end_weight=w)


def smoothstep(x: np.ndarray) -> np.ndarray:
    """0 below 0, 1 above 1, a smooth cubic between."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)
