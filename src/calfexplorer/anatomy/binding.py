"""Bind every vertex of the pack's soft tissue to what moves it: MyoLeg paths or bones.

A muscle or tendon with model paths (the atlas's ``model_muscles``, or ``paths`` in
``data/bodyparts3d.yaml``) is bound to a track along each path (:mod:`.tracks`): a vertex keeps
its station (a fraction of the arc between two fixed anchors) and its offset in that station's
frame. A structure with several paths blends them by distance. Where such a muscle touches the
bone of its origin or insertion (within ``ATTACH_NEAR_M``) at that end of its track, it is
attached: those vertices move with that bone, and the path takes over within
``ATTACH_FAR_M``, so origins and insertions stay on their bones however the path bends.
Vessels and muscles without a path blend the bones they lie on (a muscle's vertices touching a
bone move with that bone alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from calfexplorer.anatomy.bone_fields import Field, build_field
from calfexplorer.anatomy.folds import Folds
from calfexplorer.anatomy.sparse_rows import Blend
from calfexplorer.anatomy.tracks import (
    END_BLEND_M,
    STATIONS,
    Track,
    evaluate,
    held_track,
    make_track,
    smoothstep,
)

if TYPE_CHECKING:  # (SciPy is imported when binding: posing a saved binding needs none)
    from scipy.spatial import cKDTree

#: Width (m) of the blend between neighbouring paths of one structure.
PATH_BLEND_M = 0.01
#: Width (m) of the blend between the bones a vessel lies on.
BONE_BLEND_M = 0.012
#: ... and a muscle without a model path (the popliteus): a narrow blend keeps its belly on
#: the tibia and its tendon on the femur (blended over 12 mm it lost 11-13 % of its volume
#: between knee 60 and 120, under 4 % over this; narrower, its coarse twin strays from it).
MUSCLE_BONE_BLEND_M = 0.0045
#: Extension beyond a path's end: past the farthest vertex there (99th percentile), at least this.
EXT_MARGIN_M = 0.01
MIN_WEIGHT = 0.02
#: A muscle's vertex this close (m) to its origin's or insertion's bone at rest moves with it...
ATTACH_NEAR_M = 0.004
#: ... and one this far from them follows its path alone (a smooth step between).
ATTACH_FAR_M = 0.016
#: Width (m) of the blend between two bones a muscle's vertex is held on (the fibularis brevis
#: behind the lateral malleolus, near the fibula and the calcaneus): the nearer dominates. An
#: even share turned the tendon half-way with the foot, into the calcaneus, and the push out of
#: it turned 1.4 % of the muscle's triangles over at the ankle's -40 degrees.
ATTACH_BLEND_M = 0.002
#: Along the track, the attachment holds this far (m) past the origin (before the insertion)
#: and fades out over as much again, unless the path there runs on that bone: a belly resting
#: on a bone across a joint slides over it.
ATTACH_ALONG_M = 0.04
#: A muscle lying on an end's bone is held on it along the track as far as this percentile of
#: its rows touching that bone reach (see ``_hold``), up to ``HOLD_MAX_M``.
HOLD_PERCENTILE = 90.0
HOLD_MAX_M = 0.15
#: Bodies whose muscles held along them have their tracks' stations held as far (see
#: ``_station_hold``): the femur, whose muscles cross the knee's 120 degrees. Holding the
#: shank's too turned no fewer triangles over and moved the soleus so that the kept soleal
#: veins ran 3.7 % of their length in tissue in the standing heel raise (under 2 % without).
STATIONS_HELD_ON = ("femur_r",)
#: A muscle arising at a point of such a body (held on it no farther than ``ATTACH_ALONG_M``
#: past its origin: the gastrocnemius heads, the plantaris) has its track's stations pass from
#: the bone to the path over this length (m) past the origin, not ``END_BLEND_M`` (see
#: ``_end_hold``): at knee 120 the path leaves the origin back up the calf, and stations blended
#: over 30 mm between their rest placement on the bone (down the condyles) and the path bunched
#: at the bend (2.7 mm apart against 7.6 at rest), swelling the cross-sections there. Turned
#: over, worst pose, medial head, lateral head, plantaris: 2.2, 2.3, 3.5 % over 30 mm; 2.0, 2.2,
#: 3.0 % over 20 mm; 1.9, 2.2, 3.4 % over 15 mm; 1.9, 2.3, 3.1 % over 10 mm; 1.8, 2.5, 3.3 %
#: over 5 mm.
POINT_ORIGIN_BLEND_M = 0.02
PATH_KINDS = ("muscle", "tendon")


@dataclass
class Rows:
    """Vertex bindings, one row per (vertex, driver); a vertex's rows' weights sum to 1.

    Path rows: ``driver`` is the flat station index (track * N + station) and ``frac`` the
    position towards the next station; ``local`` the offset in the station's frame. Rigid rows:
    ``driver`` indexes the binding's bodies and ``local`` is the rest-pose world point.
    """

    vertex: np.ndarray
    driver: np.ndarray
    frac: np.ndarray
    local: np.ndarray
    weight: np.ndarray

    @staticmethod
    def empty() -> Rows:
        """No rows."""
        return Rows(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 3)),
                    np.zeros(0))

    @staticmethod
    def join(parts: list[Rows]) -> Rows:
        """All rows of ``parts`` in one."""
        if not parts:
            return Rows.empty()
        return Rows(*(np.concatenate([getattr(p, f) for p in parts])
                      for f in ("vertex", "driver", "frac", "local", "weight")))


@dataclass
class Level:
    """The bound vertices of one level of detail: ids in order and where each one's start."""

    ids: list[str]
    starts: np.ndarray  # (len(ids) + 1,) offsets into the concatenated vertices
    path: Rows
    rigid: Rows
    faces: dict[str, np.ndarray] = field(default_factory=dict)
    rest: dict[str, np.ndarray] = field(default_factory=dict)  # rest vertices, as bound


@dataclass
class PackBinding:
    """Everything :func:`calfexplorer.anatomy.posing.pose_pack` needs, computed once per pack."""

    tracks: list[Track]
    bodies: list[str]
    rest_bodies: np.ndarray  # (B, 4, 4) rest transforms of ``bodies``
    full: Level
    coarse: Level
    how: dict[str, str]  # id -> "paths: a, b" / "bones: femur_r 0.6, tibia_r 0.4" / "rigid: x"
    extensions_m: dict[str, tuple[float, float]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # id -> kind of each bound structure
    fields: dict[int, Field] | None = None  # body index -> its bones' signed distances
    #: "full"/"coarse" -> (body index, vertices, distance kept) checked against bone
    checks: dict[str, list[tuple[int, np.ndarray, np.ndarray]]] | None = None
    #: Moves mending the bent knee's creases, learnt per grid pose (:mod:`.folds`)
    folds: Folds | None = None
    #: id -> the map taking its full mesh's vertices to its coarse twin's (:mod:`.twins`)
    follow: dict[str, Blend] | None = None


def _project(points: np.ndarray, line: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Station parameter (float index) and distance of each point's closest point on ``line``."""
    a, b = line[:-1], line[1:]
    ab = b - a
    rel = points[:, None, :] - a[None]
    t = np.clip(np.einsum("vsk,sk->vs", rel, ab) / np.maximum((ab**2).sum(1), 1e-20), 0, 1)
    d2 = ((rel - t[..., None] * ab[None]) ** 2).sum(2)
    seg = d2.argmin(1)
    r = np.arange(len(points))
    return seg + t[r, seg], np.sqrt(d2[r, seg])


def _beyond(points: np.ndarray, path: np.ndarray) -> tuple[float, float]:
    """How far (m) the points reach beyond the first and the last point of ``path``."""
    u, _ = _project(points, path)
    out = []
    for end, nxt, sel in ((path[0], path[1], u <= 1e-9), (path[-1], path[-2], u >= len(path) - 1
                                                            - 1e-9)):
        t = end - nxt
        t /= np.linalg.norm(t)
        reach = (points[sel] - end) @ t if sel.any() else np.zeros(1)
        out.append(float(np.percentile(reach, 99)) if len(reach) else 0.0)
    return out[0], out[1]


def _station_local(centres: np.ndarray, frames: np.ndarray, u: np.ndarray,
                   points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Station index, fraction and local offsets that place ``points`` on one track."""
    n = len(centres)
    i = np.clip(np.floor(u).astype(np.int64), 0, n - 2)
    w = u - i
    c = centres[i] * (1 - w)[:, None] + centres[i + 1] * w[:, None]
    f = frames[i] * (1 - w)[:, None, None] + frames[i + 1] * w[:, None, None]
    local = np.linalg.solve(f, (points - c)[..., None])[..., 0]
    return i, w, local


def _tracks_for(points: np.ndarray, actuators: tuple[str, ...], rest: Any) -> list[Track]:
    """One track per actuator, its extensions sized on the points nearest to its path."""
    paths = [np.asarray(rest.muscles[a].points, np.float64) for a in actuators]
    dist = np.stack([_project(points, p)[1] for p in paths])
    near = dist.argmin(0)
    tracks = []
    for k, (a, p) in enumerate(zip(actuators, paths, strict=True)):
        sel = points[near == k]
        eo, ei = _beyond(sel, p) if len(sel) else (0.0, 0.0)
        tracks.append(make_track(a, rest, max(eo, 0.0) + EXT_MARGIN_M,
                                 max(ei, 0.0) + EXT_MARGIN_M))
    return tracks


def _path_rows(points: np.ndarray, first_track: int, centres: np.ndarray, frames: np.ndarray,
               offset: int) -> Rows:
    """Rows binding ``points`` to consecutive tracks (blended by distance where several)."""
    k = len(centres)
    proj = [_project(points, centres[j]) for j in range(k)]
    dist = np.stack([d for _, d in proj])
    w = np.exp(-0.5 * ((dist - dist.min(0)) / PATH_BLEND_M) ** 2)
    w = np.where(w >= MIN_WEIGHT, w, 0.0)
    w /= w.sum(0)
    parts = []
    for j, (u, _) in enumerate(proj):
        sel = np.flatnonzero(w[j] > 0)
        i, fr, local = _station_local(centres[j], frames[j], u[sel], points[sel])
        parts.append(Rows(sel + offset, (first_track + j) * STATIONS + i, fr, local, w[j, sel]))
    return Rows.join(parts)


def _bone_rows(points: np.ndarray, trees: dict[int, cKDTree], offset: int,
               attach: bool = False) -> Rows:
    """Rows blending the bones near each point (nearest bone dominant); with ``attach``, a point
    touching a bone (within ``ATTACH_NEAR_M``) moves with that bone alone."""
    keys = list(trees)
    dist = np.stack([trees[b].query(points)[0] for b in keys])
    width = MUSCLE_BONE_BLEND_M if attach else BONE_BLEND_M
    w = np.exp(-0.5 * ((dist - dist.min(0)) / width) ** 2)
    if attach:
        touching = dist.min(0) < ATTACH_NEAR_M
        w[:, touching] = (dist[:, touching] == dist[:, touching].min(0)).astype(float)
    w = np.where(w >= MIN_WEIGHT, w, 0.0)
    w /= w.sum(0)
    parts = []
    for j, b in enumerate(keys):
        sel = np.flatnonzero(w[j] > 0)
        parts.append(Rows(sel + offset, np.full(len(sel), b), np.zeros(len(sel)), points[sel],
                          w[j, sel]))
    return Rows.join(parts)


def _vertex_arc(tr: Track, i: np.ndarray, fr: np.ndarray) -> np.ndarray:
    """Rest arc (m) of path rows from the origin and to the insertion (rows, 2)."""
    return tr.end_arc[i] * (1 - fr)[:, None] + tr.end_arc[i + 1] * fr[:, None]


def _hold(arc: np.ndarray, touching: np.ndarray) -> float:
    """How far (m) along the track from one end its muscle lies on that end's bone: most of
    the rows that touch it lie within this of the end (at least ``ATTACH_ALONG_M``, at most
    ``HOLD_MAX_M``): a muscle arising along a bone (biceps femoris short head, soleus) stays
    on it past a model origin that is one point."""
    near = arc[touching & (arc > 0)]
    if len(near) < 10:
        return ATTACH_ALONG_M
    return float(np.clip(np.percentile(near, HOLD_PERCENTILE), ATTACH_ALONG_M, HOLD_MAX_M))


def _end_hold(end: int, body: str, arc: np.ndarray, touching: np.ndarray) -> tuple[float, float]:
    """How far (m) along a track from one end (0: origin, 1: insertion) its muscle is held on
    that end's bone (``body``; see :func:`_hold`), and over what length (m) past that the
    track's stations pass from the bone to the path: ``POINT_ORIGIN_BLEND_M`` for a muscle
    that arises at a point of a bone in ``STATIONS_HELD_ON`` (it touches the bone there and is
    held no farther than ``ATTACH_ALONG_M``), else ``END_BLEND_M``."""
    hold = _hold(arc, touching)
    point = (end == 0 and body in STATIONS_HELD_ON and hold <= ATTACH_ALONG_M + 1e-9
             and int((touching & (arc > 0)).sum()) >= 10)
    return hold, POINT_ORIGIN_BLEND_M if point else END_BLEND_M


def station_bodies(track: Track, rest: Any) -> list[str | None]:
    """The body each station's stretch of the model's path runs on (both of its anchors on
    that body), else None."""
    ms = rest.muscles[track.actuator]
    anchors = [track.origin_body, *(b for b, wrap in zip(ms.point_bodies, ms.is_wrap,
                                                          strict=True) if not wrap),
               track.insertion_body]
    return [anchors[k] if anchors[k] == anchors[k + 1] else None for k in track.interval]


def _attached_rows(points: np.ndarray, path: Rows, tracks: list[Track], first: int,
                   trees: dict[int, cKDTree], body_idx: dict[str, int], offset: int,
                   runs_on: list[list[str | None]],
                   holds: dict[tuple[int, int], tuple[float, float]]) -> tuple[Rows, Rows]:
    """Share each point between its path rows and the bones its tracks hold on to: fully on
    the bone of an end it touches and lies at (within the length along the track over which
    the muscle lies on that bone, see :func:`_hold`, or where the path runs on that bone), or
    on the bone of a body the path runs on between two of its points (``runs_on``, by station:
    see :func:`station_bodies`; a tendon in the foot, fibularis tertius on its metatarsal),
    fading to the path alone at ``ATTACH_FAR_M`` from the bone or over ``ATTACH_ALONG_M``
    along the track; a point held on several bones is shared among them by how near each is
    (``ATTACH_BLEND_M``). ``holds``: (track, end) -> the length held and the length its
    stations pass to the path over (see :func:`_end_hold`), found by the first level bound and
    kept for the others."""
    n = len(points)
    names = {name for tr, on in zip(tracks, runs_on, strict=True)
             for name in (tr.origin_body, tr.insertion_body, *on) if name}
    bodies = {b for name in names if (b := body_idx.get(name)) is not None and b in trees}
    dist = {b: trees[b].query(points, distance_upper_bound=ATTACH_FAR_M)[0] for b in bodies}
    ends: dict[int, np.ndarray] = {}  # body -> how much each point lies at an end on it
    for j, tr in enumerate(tracks):
        sel = (path.driver // STATIONS) == first + j
        i = path.driver[sel] % STATIONS
        fr = path.frac[sel]
        arc = _vertex_arc(tr, i, fr)
        for name in {x for x in runs_on[j] if x and x not in (tr.origin_body,
                                                             tr.insertion_body)}:
            b = body_idx.get(name)
            if b is None or b not in trees:
                continue
            on = np.array([x == name for x in runs_on[j]], float)
            at = on[i] * (1 - fr) + on[i + 1] * fr
            acc = ends.setdefault(b, np.zeros(n))
            acc += np.bincount(path.vertex[sel] - offset, path.weight[sel] * at, minlength=n)
        for k, body in enumerate((tr.origin_body, tr.insertion_body)):
            b = body_idx.get(body)
            if b is None or b not in trees:
                continue
            hold = holds.setdefault((first + j, k), _end_hold(
                k, body, arc[:, k], dist[b][path.vertex[sel] - offset] < ATTACH_NEAR_M))[0]
            # at an end: near it along the track, or where the path runs on that end's bone
            at_station = np.maximum(1.0 - smoothstep((tr.end_arc[:, k] - hold)
                                                     / ATTACH_ALONG_M), tr.fixed[:, k])
            at = at_station[i] * (1 - fr) + at_station[i + 1] * fr
            acc = ends.setdefault(b, np.zeros(n))
            acc += np.bincount(path.vertex[sel] - offset, path.weight[sel] * at, minlength=n)
    if not ends:
        return path, Rows.empty()
    keys = list(ends)
    near = smoothstep((ATTACH_FAR_M - np.stack([dist[b] for b in keys]))
                      / (ATTACH_FAR_M - ATTACH_NEAR_M))  # (E, V)
    near *= np.clip(np.stack([ends[b] for b in keys]), 0.0, 1.0)
    share = near.max(0)
    # shared among the bones it holds to by how near each is (the nearest of them dominant)
    d = np.where(near > 0, np.minimum(np.stack([dist[b] for b in keys]), ATTACH_FAR_M), np.inf)
    near = near * np.exp(-0.5 * ((d - np.minimum(d.min(0), ATTACH_FAR_M)) / ATTACH_BLEND_M) ** 2)
    on_bone = near / np.maximum(near.sum(0), 1e-12) * share
    keep = (1.0 - share)[path.vertex - offset]
    path = Rows(path.vertex, path.driver, path.frac, path.local, path.weight * keep)
    ok = path.weight > 1e-9
    path = Rows(*(getattr(path, f)[ok] for f in ("vertex", "driver", "frac", "local", "weight")))
    parts = []
    for j, b in enumerate(keys):
        sel = np.flatnonzero(on_bone[j] > 1e-9)
        parts.append(Rows(sel + offset, np.full(len(sel), b), np.zeros(len(sel)), points[sel],
                          on_bone[j, sel]))
    return path, Rows.join(parts)


def _station_hold(holds: dict[tuple[int, int], tuple[float, float]], track: int, end: int,
                  body: str) -> tuple[float, float]:
    """How far (m) a track's stations keep to an end's bone, and over what length past that
    they pass to the path (see :func:`_end_hold`): as far as its muscle is held there where it
    arises along the femur (held past ``ATTACH_ALONG_M``), else 0. Held vertices and the
    stations they lie on then move alike: where they did not (the stations slid along a path
    that shortens across the knee), the blend between them turned triangles over (vastus
    intermedius 3.4 %, biceps femoris short head 7.7 % in the deep squat)."""
    h, blend = holds.get((track, end), (0.0, END_BLEND_M))
    return (h if body in STATIONS_HELD_ON and h > ATTACH_ALONG_M + 1e-6 else 0.0), blend


def _decimate(vertices: np.ndarray, faces: np.ndarray, keep: float) -> tuple[
        np.ndarray, np.ndarray]:
    import fast_simplification

    if len(faces) < 200:
        return vertices, faces
    v, f = fast_simplification.simplify(vertices.astype(np.float64), faces.astype(np.int64),
                                        target_reduction=1.0 - keep)
    return np.asarray(v, np.float64), np.asarray(f, np.int64)


def bind_pack(
    meshes: dict[str, tuple[np.ndarray, np.ndarray]],
    kinds: dict[str, str],
    bodies: dict[str, str],
    paths: dict[str, tuple[str, ...]],
    tissue_bones: dict[str, np.ndarray],
    rest: Any,
    coarse_keep: float = 0.25,
    solid_bones: dict[str, list[tuple[np.ndarray, np.ndarray]]] | None = None,
) -> PackBinding:
    """Bind the soft tissue of a pack in the rest pose.

    ``meshes``: id -> (vertices (m, rest pose), faces) of every soft-tissue structure;
    ``kinds``: id -> kind; ``bodies``: id -> the body its placement moves it with;
    ``paths``: id -> model actuators it follows; ``tissue_bones``: body -> points on the pack's
    bones that may carry soft tissue (not the talus); ``rest``: the model's rest pose state.
    ``coarse_keep``: share of triangles kept in the coarse level; ``solid_bones``: body ->
    (vertices, faces) of the bones muscles and tendons are kept out of.
    """
    from scipy.spatial import cKDTree

    solid_bones = solid_bones or {}
    body_names = sorted(set(tissue_bones) | {b for b in bodies.values() if b} | set(solid_bones))
    body_idx = {b: i for i, b in enumerate(body_names)}
    trees = {body_idx[b]: cKDTree(p) for b, p in tissue_bones.items()}
    tracks: list[Track] = []
    owned: dict[str, tuple[int, int]] = {}
    how: dict[str, str] = {}
    ext: dict[str, tuple[float, float]] = {}
    for sid, (v, _f) in meshes.items():
        acts = tuple(a for a in paths.get(sid, ()) if a in rest.muscles)
        if kinds.get(sid) in PATH_KINDS and acts:
            new = _tracks_for(np.asarray(v, np.float64), acts, rest)
            owned[sid] = (len(tracks), len(new))
            tracks += new
            how[sid] = "paths: " + ", ".join(acts)
            rest_ext = [(float(np.linalg.norm(t.ext_origin - _local(rest, t.origin_body,
                                                                     rest.muscles[t.actuator]
                                                                     .points[0]))),
                         float(np.linalg.norm(t.ext_insertion - _local(
                             rest, t.insertion_body, rest.muscles[t.actuator].points[-1]))))
                        for t in new]
            ext[sid] = (max(e[0] for e in rest_ext), max(e[1] for e in rest_ext))
    centres, frames = evaluate(tracks, rest) if tracks else (np.empty((0, 0, 3)),
                                                             np.empty((0, 0, 3, 3)))
    runs_on = [station_bodies(t, rest) for t in tracks]
    rest_bodies = np.stack([np.asarray(rest.bodies[b], np.float64) for b in body_names])
    # (track, end) -> length held on its bone, length its stations pass to the path over
    holds: dict[tuple[int, int], tuple[float, float]] = {}

    def level(source: dict[str, tuple[np.ndarray, np.ndarray]]) -> Level:
        ids, starts, prow, rrow, off = [], [0], [], [], 0
        for sid, (v, _f) in source.items():
            pts = np.asarray(v, np.float64)
            if sid in owned:
                first, n = owned[sid]
                rows = _path_rows(pts, first, centres[first:first + n], frames[first:first + n],
                                  off)
                rows, on_bone = _attached_rows(pts, rows, tracks[first:first + n], first, trees,
                                               body_idx, off, runs_on[first:first + n], holds)
                prow.append(rows)
                rrow.append(on_bone)
            elif kinds.get(sid) in ("artery", "vein"):
                rrow.append(_bone_rows(pts, trees, off))
                how.setdefault(sid, "bones: blended by distance")
            elif kinds.get(sid) in PATH_KINDS and trees:
                rrow.append(_bone_rows(pts, trees, off, attach=True))
                how.setdefault(sid, "bones: blended by distance, attached where it touches")
            else:
                b = body_idx[bodies[sid]]
                rrow.append(Rows(np.arange(len(pts)) + off, np.full(len(pts), b),
                                 np.zeros(len(pts)), pts, np.ones(len(pts))))
                how.setdefault(sid, f"rigid: {bodies[sid]}")
            ids.append(sid)
            off += len(pts)
            starts.append(off)
        return Level(ids, np.array(starts), Rows.join(prow), Rows.join(rrow),
                     {sid: np.asarray(f) for sid, (_v, f) in source.items()},
                     {sid: np.asarray(v, np.float64) for sid, (v, _f) in source.items()})

    full = level(meshes)
    coarse = level({sid: _decimate(np.asarray(v, np.float64), np.asarray(f), coarse_keep)
                    for sid, (v, f) in meshes.items()})
    ends = [(_station_hold(holds, i, 0, t.origin_body),
             _station_hold(holds, i, 1, t.insertion_body)) for i, t in enumerate(tracks)]
    tracks = [held_track(t, (o[0], n[0]), (o[1], n[1]))
              for t, (o, n) in zip(tracks, ends, strict=True)]
    fields = {body_idx[b]: build_field(m) for b, m in solid_bones.items()}
    return PackBinding(tracks, body_names, rest_bodies, full, coarse, how, ext,
                       {sid: kinds.get(sid, "") for sid in meshes}, fields)


def _local(state: Any, body: str, point: np.ndarray) -> np.ndarray:
    tf = np.asarray(state.bodies[body], np.float64)
    return tf[:3, :3].T @ (np.asarray(point, np.float64) - tf[:3, 3])
