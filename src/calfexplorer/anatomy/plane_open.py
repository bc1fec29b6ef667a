"""Open the plane a kept nerve runs in under a pack muscle that closes it (#12).

BodyParts3D's soleus lies on the deep calf muscles with no room between: its deep surface,
tendinous arch included, covers the course the tibial nerve takes with the posterior tibial
vessels (a 1 mm slit on the popliteus), so the nerve's route lay in it at rest and every pose
inherited that. Here, at build time, the muscle is lifted off the nerve's rest route by a
smooth field in space, not vertex by vertex: in a frame that follows the route (how far along
it, how far above it away from the deep muscles, how far to its side), each station lifts the
muscle from the deep muscles' surface up to the nerve's room by what that station needs, fading
out smoothly above the room, to the route's side, past its ends and towards the muscle's
origins on the bones. The volume the lift took is given back by widening the muscle's cross
sections about its centre line. BodyParts3D's muscle meshes are mostly slivers (half their
faces under a seventh as high as long), whose normals a smooth field can still turn over: the
faces it turns by more than :data:`MAX_TURN_DEG` are moved as a whole instead (their corners'
moves evened out), since a turned sliver among faces that face the eye draws the selection's
outline across the muscle (dark dashes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from calfexplorer.geometry.mesh import Mesh, face_normals, vertex_normals, volume

#: Room made beyond the nerve's radius and the routing's clearance (m).
ROOM_M = 0.0015
#: The lift is whole up to the first distance to the route's side and gone from the second (m).
ACROSS_M = (0.006, 0.030)
#: Above the room the lift fades out over this (m): the muscle's back barely moves.
ABOVE_M = 0.025
#: The muscle is lifted from this far below the deep muscles' surface (m; the route lying
#: just inside the soleus' deep surface), fading out over :data:`BELOW_M` deeper.
COVER_M = 0.004
BELOW_M = 0.010
#: Beyond the route's first and last station the lift fades out over this (m).
ENDS_M = 0.025
#: Near a bone (the muscle's origins) nothing moves up to the first distance, fully from the
#: second (m).
HELD_M = (0.003, 0.020)
#: Each station's lift direction: the deep muscles' outward normal averaged over the muscle's
#: vertices this near it (m), then over stations (Gaussian, this many stations wide), as is
#: what each station needs.
DIRECTION_NEAR_M = 0.015
DIRECTION_STATIONS = 2.0
NEED_STATIONS = 1.5
#: A face the lift turns further than this (degrees) is moved as a whole, up to this many rounds.
MAX_TURN_DEG = 30.0
EVEN_ROUNDS = 30
#: Slices along the muscle's length whose centres make its centre line.
SLICES = 40


@dataclass(frozen=True)
class Opened:
    """A muscle's vertices with the plane opened, and what it cost."""

    vertices: np.ndarray  # (n, 3) float32
    lifted: int  # vertices lifted off the route more than 0.1 mm
    max_move_mm: float
    widened: float  # how much the cross sections were widened to keep the volume (fraction)
    volume_before: float  # m^3
    volume_after: float
    held_drift_mm: float  # the most any origin vertex moved
    turned_faces: int  # faces whose normal turned by more than 90 degrees
    tilted_faces: int  # faces whose normal turned by more than MAX_TURN_DEG


def _nearest_on(course: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each point, the nearest point on the polyline ``course``, the unit tangent of its
    segment, the station parameter there (float index) and how far beyond the ends it is."""
    a, b = course[:-1], course[1:]
    d = b - a
    length = np.linalg.norm(d, axis=1)
    d = d / np.maximum(length, 1e-12)[:, None]
    t = np.einsum("psk,sk->ps", points[:, None] - a[None], d)  # (P, S)
    tc = np.clip(t, 0.0, length[None])
    q = a[None] + tc[..., None] * d[None]
    dist = np.linalg.norm(points[:, None] - q, axis=2)
    k = dist.argmin(axis=1)
    rows = np.arange(len(points))
    beyond = np.maximum(-t[rows, k], 0.0) * (k == 0) + \
        np.maximum(t[rows, k] - length[k], 0.0) * (k == len(d) - 1)
    param = k + tc[rows, k] / np.maximum(length[k], 1e-12)
    return q[rows, k], d[k], param, beyond


def _fade(x: np.ndarray, start: float, end: float) -> np.ndarray:
    """1 up to ``start``, 0 from ``end``, a half cosine between (smooth: no crease)."""
    t = np.clip((x - start) / (end - start), 0.0, 1.0)
    return np.asarray(0.5 + 0.5 * np.cos(np.pi * t))


def _along(values: np.ndarray, stations: float) -> np.ndarray:
    """Per-station ``values`` (S, ...) averaged over the stations, Gaussian ``stations`` wide."""
    idx = np.arange(len(values))
    kernel = np.exp(-0.5 * ((idx[:, None] - idx[None]) / stations) ** 2)
    kernel /= kernel.sum(axis=1, keepdims=True)
    return np.asarray(np.tensordot(kernel, values, axes=1))


def _at(per_station: np.ndarray, param: np.ndarray) -> np.ndarray:
    """Per-station values interpolated at station parameters ``param``."""
    k = np.clip(np.floor(param).astype(int), 0, len(per_station) - 2)
    f = (param - k).reshape(-1, *([1] * (per_station.ndim - 1)))
    return np.asarray((1.0 - f) * per_station[k] + f * per_station[k + 1])


def _turn_deg(before: np.ndarray, after: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """How far each face's normal turned from ``before`` to ``after`` (degrees)."""
    cos = np.einsum("ij,ij->i", face_normals(before, faces), face_normals(after, faces))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _even_out(v: np.ndarray, move: np.ndarray, faces: np.ndarray, free: np.ndarray) -> None:
    """Give (in place) the ``free`` corners of each face that ``move`` turns by more than
    :data:`MAX_TURN_DEG` the face's mean move (a face moved as a whole does not turn), over
    :data:`EVEN_ROUNDS` rounds at most."""
    for _ in range(EVEN_ROUNDS):
        tilted = _turn_deg(v, v + move, faces) > MAX_TURN_DEG
        if not tilted.any():
            return
        mean = move[faces[tilted]].mean(axis=1)
        total, count = np.zeros_like(move), np.zeros(len(move))
        for corner in range(3):
            np.add.at(total, faces[tilted, corner], mean)
            np.add.at(count, faces[tilted, corner], 1.0)
        hit = (count > 0) & free
        move[hit] = total[hit] / count[hit, None]


def _widening(v: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Each vertex's offset (n, 3) from the muscle's centre line across its length (z), times
    ``weight``: what widens its cross sections."""
    z = v[:, 2]
    edges = np.linspace(z.min(), z.max(), SLICES + 1)
    which = np.clip(np.digitize(z, edges) - 1, 0, SLICES - 1)
    count = np.bincount(which, minlength=SLICES)
    filled = count > 0
    sums = np.stack([np.bincount(which, v[:, j], SLICES) for j in range(2)], axis=1)
    centre = _along(sums[filled] / count[filled, None], 2.0)
    mid = ((edges[:-1] + edges[1:]) / 2.0)[filled]
    out = np.zeros_like(v)
    for j in range(2):
        out[:, j] = (v[:, j] - np.interp(z, mid, centre[:, j])) * weight
    return out


def _frame(course: np.ndarray, up: np.ndarray, points: np.ndarray
           ) -> tuple[np.ndarray, ...]:
    """Each point in the course's frame: the lift direction there (``up``, per station, made
    square to the course), its height along it above the course, its distance to the side,
    its station parameter and how far beyond the course's ends it is."""
    q, tangent, param, beyond = _nearest_on(course, points)
    rel = points - q
    u = _at(up, param)
    u -= np.einsum("ij,ij->i", u, tangent)[:, None] * tangent
    u /= np.maximum(np.linalg.norm(u, axis=1), 1e-12)[:, None]
    height = np.einsum("ij,ij->i", rel, u)
    side = np.linalg.norm(rel - height[:, None] * u, axis=1)
    return u, height, side, param, beyond


def _needs(course: np.ndarray, floor: np.ndarray, room: float, height: np.ndarray,
           side: np.ndarray, param: np.ndarray, beyond: np.ndarray) -> np.ndarray:
    """How far each station must lift the muscle (S,): the most any of its vertices within
    the lift's whole width of the course's side (:data:`ACROSS_M`) lies between the ``floor``
    (per station) and ``room`` above the course, shared with the stations either side and
    smoothed; per vertex its ``height``, ``side``, ``param`` and ``beyond`` (:func:`_frame`)."""
    core = (side < ACROSS_M[0]) & (height < room) & (height >= _at(floor, param)) & \
        (beyond <= 0.0)
    need = np.zeros(len(course))
    np.maximum.at(need, np.round(param[core]).astype(int), room - height[core])
    return _along(np.maximum.reduce([need, np.r_[need[1:], 0.0], np.r_[0.0, need[:-1]]]),
                  NEED_STATIONS)


def open_plane(vertices: np.ndarray, faces: np.ndarray, course: np.ndarray, room: float,
               course_depth: np.ndarray, away: np.ndarray, bone_distance: np.ndarray) -> Opened:
    """The muscle (``vertices``, ``faces``, closed) lifted off the polyline ``course`` (S, 3)
    so that none of it lies within ``room`` (m) of it between the deep muscles and that
    height, its volume kept. ``course_depth``: each station's height above the deep muscles'
    surface (S,); per vertex, ``away``: that surface's unit normal nearest it,
    ``bone_distance``: its distance to the nearest bone."""
    v = vertices.astype(np.float64)
    stations = len(course)
    q, _tangent, param, _beyond = _nearest_on(course, v)
    near = np.clip(np.round(param).astype(int), 0, stations - 1)
    close = np.linalg.norm(v - q, axis=1) < DIRECTION_NEAR_M
    up = np.zeros((stations, 3))
    np.add.at(up, near[close], away[close])
    up = _along(up, DIRECTION_STATIONS)
    up /= np.maximum(np.linalg.norm(up, axis=1), 1e-12)[:, None]
    floor = -_along(np.clip(course_depth, 0.0, None), 1.0) - COVER_M
    u, height, side, param, beyond = _frame(course, up, v)
    need = _needs(course, floor, room, height, side, param, beyond)
    hold = 1.0 - _fade(bone_distance, *HELD_M)
    lift = _at(need, param) * _fade(side, *ACROSS_M) * _fade(beyond, 0.0, ENDS_M) * hold
    lift *= np.where(height <= room, 1.0, _fade(height, room, room + ABOVE_M))
    below = _at(floor, param) - height
    lift *= np.where(below <= 0.0, 1.0, _fade(below, 0.0, BELOW_M))
    move = lift[:, None] * u
    before = volume(v, faces)
    widen = _widening(v, hold)
    k = 0.0
    for _ in range(4):  # Newton on the volume (nearly linear in k)
        now = volume(v + move + k * widen, faces)
        slope = (volume(v + move + (k + 1e-4) * widen, faces) - now) / 1e-4
        if abs(slope) < 1e-15:
            break
        k -= (now - before) / slope
    move += k * widen
    _even_out(v, move, faces, hold > 0.0)
    out = v + move
    moved = np.linalg.norm(move, axis=1)
    held = hold <= 0.0
    turn = _turn_deg(v, out, faces)
    return Opened(
        vertices=out.astype(np.float32), lifted=int((lift > 1e-4).sum()),
        max_move_mm=float(moved.max(initial=0.0)) * 1000, widened=k,
        volume_before=before, volume_after=volume(out, faces),
        held_drift_mm=float(moved[held].max(initial=0.0)) * 1000,
        turned_faces=int((turn > 90.0).sum()), tilted_faces=int((turn > MAX_TURN_DEG).sum()))


#: The kept nerves whose plane is opened: the pack muscle that closes it over them and the
#: deep muscles it is opened from.
OPENED: dict[str, tuple[str, tuple[str, ...]]] = {
    "tibial_nerve": ("soleus", ("popliteus", "tibialis_posterior", "flexor_digitorum_longus",
                                "flexor_hallucis_longus")),
}
#: The bones whose nearness holds a muscle's vertices (its origins).
HOLDING_BONES = ("tibia", "fibula")


def open_planes(builtin: Any, built: dict[str, Mesh], kinds: dict[str, str], mapping: Any,
                params: Any) -> dict[str, tuple[Mesh, dict[str, Any]]]:
    """For each :data:`OPENED` nerve the pack keeps whose rest route (routed as the build
    routes it) runs in its muscle (among ``built``, the pack's meshes, ``kinds`` theirs), that
    muscle with the plane opened along the route (:func:`open_plane`), and what it cost (the
    manifest's record). ``builtin``: the built-in assets."""
    from scipy.spatial import cKDTree

    from calfexplorer.anatomy.route_finding import route
    from calfexplorer.anatomy.route_solids import GAP_M, run_points, solids
    from calfexplorer.anatomy.route_tubes import kept_tubes

    out: dict[str, tuple[Mesh, dict[str, Any]]] = {}
    tissue = solids({i: m for i, m in built.items() if kinds.get(i) in ("muscle", "tendon",
                                                                          "bone")})
    tubes = kept_tubes(builtin, [n for n in OPENED if n not in built], params)
    for nerve, tube in tubes.items():
        muscle, deep_ids = OPENED[nerve]
        deep = [tissue[i] for i in deep_ids if i in tissue]
        bones = [built[i].vertices for i in HOLDING_BONES if i in built]
        if muscle not in built or not deep or not bones:
            continue
        s = mapping.structures.get(nerve)
        beside = list(solids({i: built[i] for i in (s.beside if s else ()) if i in built}
                             ).values())
        mesh = built[muscle]
        v = mesh.vertices.astype(np.float64)
        bone_distance = cKDTree(np.concatenate(bones)).query(v)[0]
        room = float(tube.radii.max()) + GAP_M + ROOM_M
        # the nerve's route as the build routes it (beside the muscle as it is), where it
        # runs in the muscle at all
        course = tube.centres + route(tube, tissue, beside)
        if not tissue[muscle].inside(run_points(course).reshape(-1, 3)).any():
            continue
        _depth, away = _off(deep, v)
        course_depth = _off(deep, course)[0]
        opened = open_plane(v, mesh.faces, course, room, course_depth, away, bone_distance)
        opened_mesh = Mesh(opened.vertices, mesh.faces,
                           vertex_normals(opened.vertices, mesh.faces))
        out[muscle] = (opened_mesh, {
            "for": nerve, "from": [i for i in deep_ids if i in tissue],
            "room_mm": round(room * 1000, 1), "vertices_lifted": opened.lifted,
            "max_move_mm": round(opened.max_move_mm, 1),
            "widened": round(opened.widened, 4),
            "volume_change": round(opened.volume_after / opened.volume_before - 1.0, 4),
            "origins_moved_mm": round(opened.held_drift_mm, 2),
            "turned_faces": opened.turned_faces, "tilted_faces": opened.tilted_faces})
    return out


def _off(deep: list[Any], v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each of the points ``v``'s signed distance from the nearest of the ``deep`` solids and
    that solid's surface normal there."""
    depth = np.full(len(v), np.inf)
    away = np.zeros_like(v)
    for solid in deep:
        clear = solid.clearance(v)
        idx = solid.tree.query(v)[1]
        nearer = clear < depth
        depth[nearer], away[nearer] = clear[nearer], solid.normals[idx[nearer]]
    return depth, away / np.maximum(np.linalg.norm(away, axis=1), 1e-12)[:, None]
