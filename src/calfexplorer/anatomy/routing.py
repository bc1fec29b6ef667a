"""Built-in structures the pack keeps (nerves, small vessels), routed beside the pack's muscles.

BodyParts3D has no limb nerves and lacks a few vessels, so the BodyParts3D leg keeps the
built-in tubes of those. Their paths were drawn around the built-in muscles and cross the
pack's. At pack build time each station (ring of the tube) is moved: towards the pack vessels
the structure runs with (``beside`` in ``data/bodyparts3d.yaml``), then out of every pack
muscle, tendon and bone it does not run inside (``within``); the displacement is smoothed along
the tube. The pack stores one offset per station (rest pose, world frame, metres) in its
manifest under ``routes``, and where the route still turns sharply its easing as drawn at rest
(:func:`ease`); :func:`.route_apply.routed_mesh` applies both to the built-in mesh, which
:mod:`.kept_tubes` then poses with the pack tissue around it (from the route, the easing added
with the knee straight: see :mod:`.leg_poser`). :func:`clear_out` moves such a
posed tube out of the posed tissue the same way, :func:`lay_through` lays it smooth through the
least of it (the poser learns such moves in sample poses, keeping the better by
:func:`posed_cost`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calfexplorer.anatomy.envelope import Outside
from calfexplorer.anatomy.fan_winding import FanWinding
from calfexplorer.geometry.mesh import Mesh

#: Kinds of built-in structure that are routed.
ROUTED_KINDS = ("nerve", "artery", "vein")
#: Clearance (m) between a routed tube and the surfaces it is moved beside or out of.
GAP_M = 0.001
#: A station this close to a companion vessel is laid beside it; the pull fades out by twice it.
BESIDE_REACH_M = 0.025
SMOOTH_PASSES = 3
PUSH_ROUNDS = 4
EXACT_ROUNDS = 8
#: Places a routed station may take across the tube besides its pushed one (m, radians):
#: rings around the built-in course and around the pushed place; the nearest few are kept.
_RING_RADII = np.arange(1, 11) * 0.004
_RING_ANGLES = np.arange(12) * (np.pi / 6)
_RING = np.array([(r * np.cos(a), r * np.sin(a)) for r in _RING_RADII for a in _RING_ANGLES])
_OPTIONS = 64
#: Weight of the change of offset between neighbouring stations against the distance from the
#: pushed places (both squared, in metres), and the cost of a place the fast test doubts
#: (as 10 mm from the pushed place); rounds of choosing with what failed ruled out.
_SMOOTHNESS = 15.0
_DOUBT = 1e-4
_BESIDE_WEIGHT = 3.0
#: Room wanted around a re-chosen place beyond its clearance (the posed tissue moves around
#: it), and the weight of lacking it against the distance from the pushed place.
_ROOM_M = 0.003
_ROOM_WEIGHT = 3.0
_ROUNDS = 400
#: A re-chosen route that still turns more than the first of these between stations (degrees;
#: where the muscles overlap and leave no free way with the full clearance; and one such turn
#: more than the second) is chosen again near its turns over the first (this many stations
#: either side) from more places, each needing only the room its pushed place had, up to this
#: much (m).
_KINK_DEG = 60.0
_KINK_TRIGGER_DEG = 90.0
_KINK_REACH = 3
_CRAMPED_M = 0.002
_KINK_OPTIONS = 96
#: A routed tube that still turns more sharply than this between stations (degrees; and by half
#: as much more than its built-in course) is eased where it is drawn at rest (:func:`ease`): its
#: offsets smoothed once (a 1-2-1 pass) over this many stations either side of the turn.
_EASE_DEG = 30.0
_EASE_REACH = 3
#: Points along each run between two stations at which a route made at rest is judged inside
#: tissue or not (evenly spaced). Its midpoint alone let a run cross thin tissue between its
#: ends: the sciatic nerve through the edge of the gluteus maximus.
RUN_POINTS = 5
#: The same while the pack's learning makes a posed tube's moves (:func:`clear_out`,
#: :func:`lay_through`), which judge runs many thousands of times: their midpoints only (three
#: points there doubled the build, 40 -> 82 s, and the tubes lay no better). The learning
#: chooses between the moves at :data:`RUN_POINTS` (:func:`posed_cost`).
POSED_RUN_POINTS = 1


@dataclass(frozen=True)
class Tube:
    """A built-in swept mesh as stations: centres (S, 3), radii (S,), and its layout."""

    centres: np.ndarray
    radii: np.ndarray
    stations: int
    ring: int

    @staticmethod
    def of(mesh: Mesh, stations: int, ring: int) -> Tube | None:
        """The tube of a built-in sweep mesh (None when its vertex count does not match)."""
        if len(mesh.vertices) != stations * ring + 2:
            return None
        v = mesh.vertices[: stations * ring].astype(np.float64).reshape(stations, ring, 3)
        c = v.mean(axis=1)
        return Tube(c, np.linalg.norm(v - c[:, None], axis=2).max(axis=1), stations, ring)


class _Solid:
    """A closed-ish pack mesh: nearest surface vertex (with its normal) and inside tests."""

    def __init__(self, mesh: Mesh) -> None:
        from scipy.spatial import cKDTree  # here: the window applies routes without SciPy

        self.mesh = mesh
        self.tree = cKDTree(mesh.vertices.astype(np.float64))
        self.normals = mesh.normals.astype(np.float64)
        self.lo = mesh.vertices.min(axis=0) - 0.01
        self.hi = mesh.vertices.max(axis=0) + 0.01
        self._tri: FanWinding | None = None
        #: places asked about before -> which lie inside, and their distance to the nearest
        #: vertex (:func:`_tissue_parts`)
        self.parts: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        #: point (its float64 bytes) -> its winding number: a posed tube's routings and
        #: layings ask about the same points again (a third of them), and a point's winding
        #: does not depend on the points computed beside it
        self._wound: dict[bytes, float] = {}

    def inside(self, points: np.ndarray, exact: bool = True,
               deep: float | None = None) -> np.ndarray:
        """Which points lie inside: behind the nearest vertex's normal, confirmed (``exact``)
        by the winding number; but (``deep``) those behind it and farther than that from it."""
        out = np.zeros(len(points), bool)
        box, d, behind = self._nearest(points)
        if not len(box):
            return out
        if not exact:
            out[box] = behind
            return out
        self._confirm(points, box, d, behind, out, deep)
        return out

    def _nearest(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The points within the mesh's box (their rows), their distance to the nearest
        vertex, and whether they lie behind its normal."""
        box = np.flatnonzero(np.all((points > self.lo) & (points < self.hi), axis=1))
        if not len(box):
            return box, np.zeros(0), np.zeros(0, bool)
        d, idx = self.tree.query(points[box])
        behind = np.einsum("ij,ij->i", points[box] - self.tree.data[idx], self.normals[idx]) < 0
        return box, d, behind

    def _confirm(self, points: np.ndarray, box: np.ndarray, d: np.ndarray,
                 behind: np.ndarray, out: np.ndarray, deep: float | None = None) -> None:
        """Set ``out`` at the rows ``box`` of ``points`` (``d``, ``behind``: see
        :meth:`_nearest`) that lie inside by the exact test (as :meth:`inside`)."""
        near = behind | (d < 0.003)
        if deep is not None:
            sure = behind & (d > deep)
            out[box[sure]] = True
            near &= ~sure
        cand = box[near]
        if len(cand):
            out[cand] = self._winding_of(points[cand]) > 0.5

    def _winding_of(self, points: np.ndarray) -> np.ndarray:
        """:meth:`winding` at each point, those asked about before remembered."""
        pts = np.ascontiguousarray(points, np.float64)
        keys = [p.tobytes() for p in pts]
        known = self._wound
        new = [i for i, k in enumerate(keys) if k not in known]
        if new:
            known.update(zip((keys[i] for i in new), self.winding(pts[new]).tolist(),
                             strict=True))
        return np.array([known[k] for k in keys])

    def winding(self, points: np.ndarray) -> np.ndarray:
        """The generalized winding number of the mesh at each point (1 inside, 0 outside), as
        :func:`calfexplorer.geometry.implicit.winding_number` gives it, in single precision
        with the triangles' coordinates in rows (a tenth of the time), far parts of the mesh
        summed as fans over their rims (:mod:`.fan_winding`)."""
        if self._tri is None:
            self._tri = FanWinding(self.mesh.vertices, self.mesh.faces)
        return self._tri(points)

    def inside_depth(self, points: np.ndarray, deep: float | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``points`` inside (as :meth:`inside`) and their distance to the nearest
        vertex, found by the same search."""
        return self._inside_depth_of(points, *self._nearest(points), deep)

    def _inside_depth_of(self, points: np.ndarray, box: np.ndarray, d: np.ndarray,
                         behind: np.ndarray, deep: float | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`inside_depth` from :meth:`_nearest`'s answer for ``points``."""
        out = np.zeros(len(points), bool)
        if len(box):
            self._confirm(points, box, d, behind, out, deep)
        hit = out[box]
        return box[hit], d[hit]

    def clearance(self, points: np.ndarray) -> np.ndarray:
        """Distance to the nearest surface vertex, negative inside (fast test); points
        farther than 1 cm from the mesh's box get 1 cm."""
        return self._clear_of(len(points), *self._nearest(points))

    @staticmethod
    def _clear_of(count: int, box: np.ndarray, d: np.ndarray, behind: np.ndarray
                  ) -> np.ndarray:
        out = np.full(count, 0.01)
        out[box] = np.where(behind, -d, d)
        return out

    def free(self, points: np.ndarray, clear: np.ndarray, exact: bool = False) -> np.ndarray:
        """Which points are ``clear`` off the surface (:meth:`clearance`; ``exact``: and not
        inside by :meth:`inside`), the nearest vertices found once for both."""
        box, d, behind = self._nearest(points)
        ok = self._clear_of(len(points), box, d, behind) >= clear
        if exact and ok.any():
            keep = ok[box]
            inside = np.zeros(len(points), bool)
            self._confirm(points, box[keep], d[keep], behind[keep], inside)
            ok &= ~inside
        return ok

    def outside_point(self, points: np.ndarray, clearance: np.ndarray) -> np.ndarray:
        """Just outside the surface nearest each point, ``clearance`` off it."""
        _, idx = self.tree.query(points)
        return self.tree.data[idx] + self.normals[idx] * clearance[:, None]


def _smooth(d: np.ndarray, passes: int = SMOOTH_PASSES) -> np.ndarray:
    for _ in range(passes):
        pad = np.concatenate([d[:1], d, d[-1:]])
        d = 0.25 * pad[:-2] + 0.5 * pad[1:-1] + 0.25 * pad[2:]
    return d


def run_points(c: np.ndarray, count: int = RUN_POINTS) -> np.ndarray:
    """``count`` points evenly spaced inside each run of a polyline (runs, count, 3): at
    ``1 / (count + 1)`` of the run apart, so both its ends are left to the stations."""
    return _between(c[:-1], c[1:], count)


def _between(start: np.ndarray, end: np.ndarray, count: int) -> np.ndarray:
    """``count`` points evenly spaced inside each straight run from ``start`` to ``end``
    (rows, broadcast against each other): (runs, count, 3)."""
    f = (np.arange(1, count + 1) / (count + 1))[None, :, None]
    return np.asarray(start)[..., None, :] * (1.0 - f) + np.asarray(end)[..., None, :] * f


def inside_share(centres: np.ndarray, solids: dict[str, Any],
                 points: int = RUN_POINTS) -> dict[str, float]:
    """Share of a polyline's length inside each solid (those with any share), judged at
    ``points`` points along each run."""
    pts = run_points(centres, points)
    seg = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    total = max(float(seg.sum()), 1e-12)
    out = {}
    for sid, solid in solids.items():
        part = solid.inside(pts.reshape(-1, 3)).reshape(pts.shape[:2]).mean(axis=1)
        s = float(seg @ part) / total
        if s > 0:
            out[sid] = s
    return out


#: Directions searched for free space around a station inside a muscle or bone.
_DIRS = np.array([d for d in np.ndindex(3, 3, 3) if d != (1, 1, 1)], float) - 1.0
_DIRS /= np.linalg.norm(_DIRS, axis=1, keepdims=True)
_STEPS = np.arange(1, 21) * 0.002
_OFFSETS = (_STEPS[:, None, None] * _DIRS[None]).reshape(-1, 3)  # nearest first


def _free(points: np.ndarray, obstacles: dict[str, _Solid], clear: np.ndarray,
          exact: bool = False) -> np.ndarray:
    """Which points are ``clear`` off every obstacle (``exact``: and outside by the winding
    number, which open meshes need)."""
    ok = np.ones(len(points), bool)
    solids = list(obstacles.values())
    if not solids:
        return ok
    clear = np.broadcast_to(np.asarray(clear, np.float64), ok.shape)
    # which solids' boxes hold any of the points, all at once: the others are far from them
    lo = np.array([s.lo for s in solids])
    hi = np.array([s.hi for s in solids])
    plo, phi = points.min(axis=0), points.max(axis=0)
    reach = np.all((phi > lo) & (plo < hi), axis=1)
    if not reach.all():  # a far solid: as clearance() finds there, 1 cm off and not inside
        ok &= clear <= 0.01
    for solid in (s for s, near in zip(solids, reach.tolist(), strict=True) if near):
        if not ok.any():
            break
        idx = np.flatnonzero(ok)
        ok[idx] = solid.free(points[idx], clear[idx], exact)
    return ok


def _nearest_free(points: np.ndarray, obstacles: dict[str, _Solid],
                  clear: np.ndarray, exact: bool = False) -> np.ndarray:
    """For each point, the nearest of a ray search's points that is clear of every obstacle
    (the point itself where none is); searched outwards a few steps at a time."""
    out = points.copy()
    todo = np.arange(len(points))
    # with the clearance first; where nothing is that clear (muscles pressed together, or
    # overlapping as BodyParts3D's do), just outside
    for need in (clear, np.zeros_like(clear)):
        for ring in np.array_split(_OFFSETS, len(_STEPS) // 4):
            if not len(todo):
                return out
            cand = points[todo][:, None, :] + ring[None]
            k = len(ring)
            ok = _free(cand.reshape(-1, 3), obstacles, np.repeat(need[todo], k),
                       exact).reshape(len(todo), k)
            has = ok.any(axis=1)
            out[todo[has]] = cand[np.flatnonzero(has), ok.argmax(axis=1)[has]]
            todo = todo[~has]
    return out


def route(tube: Tube, obstacles: dict[str, Any], beside: list[_Solid],
          rounds: int = _ROUNDS) -> np.ndarray:
    """Offsets (S, 3) moving the tube's stations beside ``beside`` and out of ``obstacles``,
    re-chosen as a smooth line (:func:`_relax`, at most ``rounds`` choices; with the default,
    chosen again where it still kinks)."""
    c0 = tube.centres
    c = c0.copy()
    # only the solids within reach of the tube's search for free space
    lo, hi = c0.min(axis=0) - 0.06, c0.max(axis=0) + 0.06
    obstacles = {i: o for i, o in obstacles.items()
                 if np.all(o.lo <= hi) and np.all(o.hi >= lo)}
    clear = tube.radii + GAP_M
    w = np.zeros(len(c))
    if beside:
        best_d = np.full(len(c), np.inf)
        target = c.copy()
        for comp in beside:
            d, idx = comp.tree.query(c0)
            t = comp.tree.data[idx] + comp.normals[idx] * (clear + GAP_M)[:, None]
            closer = d < best_d
            best_d[closer], target[closer] = d[closer], t[closer]
        w = np.clip(2.0 - best_d / BESIDE_REACH_M, 0.0, 1.0)
        c = c0 + _smooth((target - c0) * w[:, None])
    # rounds on the fast test, smoothed, then on the exact test until every station and every
    # midpoint between stations (the tube runs straight between them) is clear
    for rnd in range(PUSH_ROUNDS + EXACT_ROUNDS):
        exact = rnd >= PUSH_ROUNDS
        bad = ~_free(c, obstacles, clear, exact)
        if bad.any():
            c[bad] = _nearest_free(c[bad], obstacles, clear[bad], exact)
        mid = 0.5 * (c[1:] + c[:-1])
        mclear = np.minimum(clear[1:], clear[:-1])
        mbad = np.flatnonzero(~_free(mid, obstacles, mclear, exact))
        if len(mbad):
            shift = _nearest_free(mid[mbad], obstacles, mclear[mbad], exact) - mid[mbad]
            c[mbad] += shift
            c[mbad + 1] += shift
        if exact and not bad.any() and not len(mbad):
            break
        if not exact:
            c = c0 + _smooth(c - c0, 1)
    weight = 1.0 + _BESIDE_WEIGHT * w
    out = _relax(c0, c, obstacles, clear, weight, rounds=rounds)
    if rounds != _ROUNDS:  # (a posed tube: no second choice)
        return out - c0
    turns = _turns(out)
    kinks = (turns > _KINK_DEG) & (turns > _turns(c0) + _KINK_DEG / 2)  # not the built-in's
    if not (kinks & (turns > _KINK_TRIGGER_DEG)).any() or not obstacles:
        return out - c0
    near = np.zeros(len(c0), bool)  # stations at and around the kinks (turn k: station k + 1)
    for k in np.flatnonzero(kinks) + 1:
        near[max(k - _KINK_REACH, 0):k + _KINK_REACH + 1] = True
    room = np.clip(np.min([o.clearance(c) for o in obstacles.values()], axis=0), 0.0, None)
    need = np.where(near, np.minimum(clear, np.minimum(room, _CRAMPED_M)), clear)
    again = _relax(c0, c, obstacles, clear, weight, need, _KINK_OPTIONS, rounds)
    return (again if _turns(again).max() < _turns(out).max() else out) - c0


def ease(c0: np.ndarray, c: np.ndarray, obstacles: dict[str, _Solid]) -> np.ndarray:
    """Offsets (S, 3) easing the routed stations ``c`` (built-in ``c0``) where they turn more
    sharply than :data:`_EASE_DEG`; zeros where none does, where there are no ``obstacles``
    to judge by, or where the eased stretches would turn no less or lay more of any run inside
    the ``obstacles`` (judged at :data:`RUN_POINTS` points along it).

    Where BodyParts3D's muscles overlap and leave no free way, a route may step sideways between
    two stations; eased, ten routed tubes turn less sharply (the gastrocnemius veins 34 degrees
    instead of 63). Not the tibial nerve's 2 cm step where the popliteal vessels end (59
    degrees): the top of the soleus lies across its way there, and eased it ran 2 cm through
    that muscle, a station 8 mm deep. Only the tube drawn at rest and with the knee straight is
    eased: the moves the posed tubes learn start from the route (see :mod:`.leg_poser`)."""
    out = np.zeros_like(c)
    turns = _turns(c)
    sharp = np.flatnonzero((turns > _EASE_DEG) & (turns > _turns(c0) + _EASE_DEG / 2)) + 1
    if not len(sharp) or not obstacles:
        return out
    w = np.zeros(len(c))
    for k in sharp:  # (the stations where the sharp turns are; the ends keep their places)
        w[max(k - _EASE_REACH, 1):min(k + _EASE_REACH + 1, len(c) - 1)] = 1.0
    d = c - c0
    eased = c + w[:, None] * (_smooth(d, 1) - d)
    near = w[1:-1] > 0  # the turns at eased stations (turn k is at station k + 1)
    if _turns(eased)[near].max() >= turns[near].max() \
            or (_inside_parts(eased, obstacles, points=RUN_POINTS)
                > _inside_parts(c, obstacles, points=RUN_POINTS)).any():
        return out
    return eased - c


def _turns(c: np.ndarray) -> np.ndarray:
    """The angle (degrees) between each pair of consecutive runs of a polyline."""
    d = np.diff(c, axis=0)
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
    return np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", d[1:], d[:-1]), -1.0, 1.0)))


#: Stations either side of the part of a posed tube inside tissue that :func:`clear_out`
#: re-routes with it, the rounds of its smooth re-choice, and the stations over which its
#: move fades out at each end of that stretch.
CLEAR_MARGIN = 2
CLEAR_ROUNDS = 30
CLEAR_FADE = 2
#: A move that turns a posed tube more sharply than this (degrees) or than it already turned
#: is smoothed along the tube (this many passes), or left out.
CLEAR_TURN_DEG = 90.0
CLEAR_SMOOTH = 3


def clear_out(centres: np.ndarray, radii: np.ndarray, obstacles: dict[str, _Solid]
              ) -> np.ndarray:
    """Offsets (S, 3) moving a posed tube's stations out of the ``obstacles`` where its runs
    between stations lie inside one (exact test): the stretch from the first such run to the
    last, :data:`CLEAR_MARGIN` stations more either side, routed as :func:`route` routes a
    built-in tube (no companions), the move fading out over :data:`CLEAR_FADE` stations at
    each end of the stretch (but at the tube's); smoothed where it kinks the tube
    (:data:`CLEAR_TURN_DEG`). Zeros where nothing is inside, or where the move would leave no
    less of the tube inside or still kink it."""
    c = centres.astype(np.float64)
    out = np.zeros_like(c)
    lo, hi = c.min(axis=0) - 0.06, c.max(axis=0) + 0.06
    near = {i: o for i, o in obstacles.items() if np.all(o.lo <= hi) and np.all(o.hi >= lo)}
    hit = _inside_runs(c, near)
    if not hit.any():
        return out
    a = max(int(np.argmax(hit)) - CLEAR_MARGIN, 0)
    b = min(len(hit) - int(np.argmax(hit[::-1])) + CLEAR_MARGIN, len(c) - 1)
    part = c[a:b + 1]
    moved = route(Tube(part, radii[a:b + 1], len(part), 0), near, [], rounds=CLEAR_ROUNDS)
    fade = np.ones(len(part))
    ramp = np.arange(1, CLEAR_FADE + 1) / (CLEAR_FADE + 1)
    if a > 0:
        fade[:CLEAR_FADE] = ramp[:len(part)]
    if b < len(c) - 1:
        fade[len(part) - CLEAR_FADE:] = np.minimum(fade[len(part) - CLEAR_FADE:], ramp[::-1])
    worst = max(CLEAR_TURN_DEG, float(_turns(c).max(initial=0.0)))
    before = _inside_length(c, near)
    for d in (moved, _smooth(moved, CLEAR_SMOOTH)):  # (the smooth re-choice may zigzag)
        out[a:b + 1] = d * fade[:, None]
        if _turns(c + out).max(initial=0.0) <= worst and _inside_length(c + out, near) < before:
            return out
    return np.zeros_like(c)


#: Stations either side of the part of a posed tube inside tissue or kinked that
#: :func:`lay_through` re-lays (the outermost held where the tube goes on, so its move fades out).
LAY_MARGIN = 3
#: A posed tube turning more sharply than this between stations (degrees), and by half as much
#: more than at rest, is kinked: its line there is smoothed (this many passes of a 1-2-1 filter
#: over the positions, within this many stations of the kink) before it is re-laid.
LAY_KINK_DEG = 75.0
LAY_SMOOTH = 12
LAY_KINK_REACH = 4
#: The same, smoothed wider (a tube that must go round more tissue).
LAY_WIDE = (24, 6)
#: Places across the tube a re-laid station may take around its (smoothed) place (m, radians).
_LAY_RADII = np.arange(1, 9) * 0.0025
_LAY_ANGLES = np.arange(10) * (np.pi / 5)
_LAY_DISC = np.array([(0.0, 0.0)] + [(r * np.cos(a), r * np.sin(a)) for r in _LAY_RADII
                                       for a in _LAY_ANGLES])
#: Costs of a place (metres squared, as its squared distance from the smoothed place): inside
#: each structure, plus per metre of its depth there (to the structure's nearest vertex); the
#: weight of lacking the tube's clearance off the nearest surface; the weight of the change of
#: move between neighbouring stations; rounds of re-choosing with the inside runs charged.
_LAY_INSIDE = 5e-3
_LAY_DEPTH = 1.0
_LAY_ROOM = 3.0
_LAY_BONE = 10.0
_LAY_STEP = 60.0
_LAY_ROUNDS = 12
_LAY_DEEP_M = 0.004
#: The rounds of re-choosing a route laid again at rest where the first laying found no better
#: line (:func:`lay_rest`; once per tube and build, where the posed learning lays tubes
#: thousands of times). Each round charges only the runs leaving the chosen line's places, so
#: a thin muscle across the way rules out one family of lines a round: the saphenous nerve's
#: line across the gracilis mid-thigh took 51 rounds to find the way round its front, and
#: after 12 the line still crossing it was the one returned, judged no better than the route.
LAY_REST_ROUNDS = 120
#: The weights (of the change of move between stations, of a place inside a structure) of
#: the cheapest line's tries, in turn until one leaves none of the tube inside and no turn over
#: :data:`LAY_KINK_DEG`: the first as before; the others let a tube turn more or go round more
#: tissue where the posed muscles leave no free way near it. A try turning the tube more
#: sharply than :data:`CLEAR_TURN_DEG` and than the first try is not taken.
_LAY_TRIES = ((_LAY_STEP, _LAY_INSIDE), (20.0, _LAY_INSIDE), (_LAY_STEP, 4 * _LAY_INSIDE),
              (6.0, _LAY_INSIDE))
#: A later try may turn the tube this much more in all (degrees, its turns summed) than the
#: first: one that weaves from side to side to miss tissue looks worse than one through it.
_LAY_MORE_TURN_DEG = 60.0
#: What :func:`lay_through` charges a place across a line the tube must not cross: more than
#: any place inside tissue (a place 20 mm off in a bone costs about 0.2).
_LAY_ACROSS = 1.0


def lay_through(centres: np.ndarray, radii: np.ndarray, obstacles: dict[str, _Solid],
                rest: np.ndarray | None = None, bones: frozenset[str] = frozenset(),
                smoothing: tuple[int, int] = (LAY_SMOOTH, LAY_KINK_REACH),
                tries: tuple[tuple[float, float], ...] | None = None,
                points: int = POSED_RUN_POINTS, rounds: int = _LAY_ROUNDS,
                keep_best: bool = False,
                across: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
                ) -> np.ndarray:
    """Offsets (S, 3) moving a posed tube's stations where the least tissue is and smooth: the
    stretch from its first run between stations inside one of the ``obstacles`` (exact test)
    or kink (:data:`LAY_KINK_DEG`, against its turns at ``rest``: centres) to its last,
    :data:`LAY_MARGIN` stations more either side. Over that stretch a kinked line is smoothed
    (``smoothing``: passes, and stations either side of a kink), then each station may take a
    place on a disc across the tube; the cheapest sequence (Viterbi: near the smoothed places,
    little change of move between stations, a place and a run between places inside tissue
    charged by the structures it lies in and its depth there, ten times in one of ``bones``)
    is taken, where the muscles overlap and leave no free way too; the chosen line's runs that
    lie inside are charged again and the line re-chosen. ``tries``: the weights of the change
    of move and of a place inside tissue tried in turn (default: :data:`_LAY_TRIES` with the
    wide smoothing :data:`LAY_WIDE`, else its first), the line lying best kept (least inside,
    then least turned; none turning more than the first try and :data:`CLEAR_TURN_DEG`, nor
    more in all than the first and :data:`_LAY_MORE_TURN_DEG`). A run is judged at ``points``
    points along it (:func:`_inside_parts`); each try re-chooses its line up to ``rounds``
    times (:func:`_lay_line`; ``keep_best``: the rounds' line lying least inside kept).
    ``across`` (stations' places, places -> which lie across a line the tube must not cross
    from them: :func:`calfexplorer.anatomy.interosseous.crossed`) charges those places
    :data:`_LAY_ACROSS`. Zeros where nothing is inside or kinked, or where the move would leave
    no less of the tube inside nor less kinked."""
    c = centres.astype(np.float64)
    n = len(c)
    out = np.zeros_like(c)
    lo, hi = c.min(axis=0) - 0.06, c.max(axis=0) + 0.06
    near = {i: o for i, o in obstacles.items() if np.all(o.lo <= hi) and np.all(o.hi >= lo)}
    if n < 3:
        return out
    hit = _inside_runs(c, near, points)
    turns = _turns(c)
    base = _turns(rest) if rest is not None else np.zeros_like(turns)
    kinks = np.flatnonzero((turns > LAY_KINK_DEG) & (turns > base + LAY_KINK_DEG / 2)) + 1
    bad = np.zeros(n, bool)
    bad[:-1] |= hit
    bad[1:] |= hit
    bad[kinks] = True
    if not bad.any():
        return out
    a = max(int(np.argmax(bad)) - LAY_MARGIN, 0)
    b = min(n - 1 - int(np.argmax(bad[::-1])) + LAY_MARGIN, n - 1)
    target = c.copy()
    if len(kinks):
        w = np.zeros(n)
        passes, reach = smoothing
        for k in kinks.tolist():
            w[max(k - reach, a):min(k + reach, b) + 1] = 1.0
        w[[a, b]] = 0.0
        w = np.clip(_smooth(w, 2) * 1.5, 0.0, 1.0)  # (fading out towards the stretch's ends)
        sm = c.copy()
        for _ in range(passes):
            sm[a + 1:b] = 0.25 * (sm[a:b - 1] + sm[a + 2:b + 1]) + 0.5 * sm[a + 1:b]
        target = c + w[:, None] * (sm - c)
    held = np.zeros(n, bool)  # stretch ends where the tube goes on: not moved
    held[a] = a > 0
    held[b] = b < n - 1
    opts = []
    for k in range(a, b + 1):
        if held[k]:
            opts.append(np.zeros((1, 3)))
            continue
        opts.append(_disc_across(target[min(k + 1, n - 1)] - target[max(k - 1, 0)]))
    # every station's places at once
    o = np.concatenate(opts)
    p = np.repeat(target[a:b + 1], [len(x) for x in opts], axis=0) + o
    cut = np.cumsum([len(x) for x in opts])[:-1]
    need = np.repeat(radii[a:b + 1] + GAP_M, [len(x) for x in opts])
    room, count, depth = _room_and_parts(p, near, bones)
    charge = np.einsum("ij,ij->i", o, o) + _LAY_DEPTH * depth \
        + _LAY_ROOM * np.clip(need - np.maximum(room, 0.0), 0.0, None) ** 2
    if across is not None:
        charge = charge + _LAY_ACROSS * across(
            np.repeat(c[a:b + 1], [len(x) for x in opts], axis=0), p)
    place_costs = np.split(charge, cut)
    place_counts = np.split(count, cut)
    moves = [np.sum((opts[k][None] - opts[k - 1][:, None]) ** 2, axis=2)
             for k in range(1, len(opts))]
    seg = np.linalg.norm(np.diff(c, axis=0), axis=1)
    before, length = _inside_length(c, near, points), max(float(seg.sum()), 1e-12)
    best, best_cost, cap, weave = out, np.inf, np.inf, np.inf
    runs: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] = {}  # shared by the tries
    if tries is None:
        tries = _LAY_TRIES if smoothing == LAY_WIDE else _LAY_TRIES[:1]
    for step, inside in tries:
        line = _lay_line(target[a:b + 1], opts,
                         [u + inside * n for u, n in zip(place_costs, place_counts, strict=True)],
                         [step * m for m in moves], near, bones, inside, runs, points, rounds,
                         keep_best)
        moved = c.copy()
        moved[a:b + 1] = line
        after = _inside_length(moved, near, points)
        turns = _turns(moved)
        turn, turned = float(turns.max(initial=0.0)), float(turns.sum())
        cap = min(cap, max(turn, CLEAR_TURN_DEG))  # (the first try's)
        weave = min(weave, turned + _LAY_MORE_TURN_DEG)
        if turn <= cap and turned <= weave and (after < before - 1e-9 or (
                after <= before + 1e-9 and turn < float(_turns(c).max(initial=0.0)) - 1.0)):
            cost = after / length + KINK_COST * max(turn - KINK_FREE_DEG, 0.0) / 60.0
            if cost < best_cost:
                best, best_cost = moved - c, cost
            if after <= 0.0 and turn <= LAY_KINK_DEG:
                break
    return best


def _disc_across(tangent: np.ndarray) -> np.ndarray:
    """:data:`_LAY_DISC`'s places as offsets (P, 3) across a tube running along ``tangent``
    (the first no move)."""
    t = tangent / max(float(np.linalg.norm(tangent)), 1e-12)
    u = np.cross(t, [0.0, 0.0, 1.0] if abs(t[2]) < 0.9 else [1.0, 0.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(t, u)
    return _LAY_DISC[:, :1] * u + _LAY_DISC[:, 1:] * v


def _lay_line(target: np.ndarray, opts: list[np.ndarray], unary: list[np.ndarray],
              steps: list[np.ndarray], near: dict[str, _Solid], bones: frozenset[str],
              inside: float, runs: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]],
              points: int = POSED_RUN_POINTS, rounds: int = _LAY_ROUNDS,
              keep_best: bool = False) -> np.ndarray:
    """The cheapest line through the places ``target + opts`` (Viterbi), its runs that lie
    inside charged (``inside`` a structure) and the line re-chosen, up to ``rounds`` times (a
    run judged and charged at ``points`` points along it): the last line chosen, or
    (``keep_best``) the one of all the rounds' lying least inside (the first of equals).
    ``runs`` keeps the tissue met by the runs from each place (see :func:`_tissue_parts`) for
    the next call."""
    steps = [s.copy() for s in steps]
    charged: set[tuple[int, int, int]] = set()
    best, least = target, np.inf
    for _ in range(rounds):
        pick = _cheapest(unary, steps)
        line = target + np.array([opts[k][j] for k, j in enumerate(pick)])
        share = _inside_parts(line, near, points=points)
        if keep_best:
            length = float(np.linalg.norm(np.diff(line, axis=0), axis=1) @ share)
            if length < least:
                best, least = line, length
        fresh = [k for k in np.flatnonzero(share > 0.0).tolist()
                 if (k, pick[k], pick[k + 1]) not in charged]
        if not fresh:
            break
        # every run from either end's chosen place (to all places at the other end) charged
        todo = [key for k in fresh for key in ((k, pick[k], 0), (k + 1, pick[k + 1], 1))
                if key not in runs]
        if todo:  # each run's points (its midpoint where ``points`` is 1)
            along = [_between(line[k], target[k + 1] + opts[k + 1], points) if back == 0
                     else _between(target[k - 1] + opts[k - 1], line[k], points)
                     for k, _, back in todo]
            count, depth = _tissue_parts(np.concatenate(along).reshape(-1, 3), near, bones)
            cut = np.cumsum([len(m) for m in along])[:-1]
            # a run charged the most structures and the greatest depth among its points
            parts = (x.reshape(-1, points).max(axis=1) for x in (count, depth))
            runs.update(zip(todo, zip(*(np.split(x, cut) for x in parts), strict=True),
                            strict=True))
        for k in fresh:
            i, j = pick[k], pick[k + 1]
            charged.add((k, i, j))
            n, d = runs[(k, i, 0)]
            steps[k][i] += inside * n + _LAY_DEPTH * d
            n, d = runs[(k + 1, j, 1)]
            steps[k][:, j] += inside * n + _LAY_DEPTH * d
    return best if keep_best else line


def _tissue_parts(points: np.ndarray, obstacles: dict[str, _Solid],
                  bones: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each point's count of the structures it lies inside and its summed depth in them (as
    :func:`_tissue_cost` takes them; each :data:`_LAY_BONE` times in a bone)."""
    return _room_and_parts(points, obstacles, bones, room=False)[1:]


def _room_and_parts(points: np.ndarray, obstacles: dict[str, _Solid],
                    bones: frozenset[str], room: bool = True
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each point's clearance off the nearest surface of any of ``obstacles`` (as
    :meth:`_Solid.clearance`, 1 cm at most; ``room`` off: 1 cm) and its tissue
    (:func:`_tissue_parts`), each solid's nearest vertices found once for both."""
    count, depth = np.zeros(len(points)), np.zeros(len(points))
    clear = np.full(len(points), 0.01)
    # the layings of one posed tube ask again about the same places: remembered per structure
    key = (points.shape, hashlib.blake2b(np.ascontiguousarray(points, np.float64).tobytes(),
                                         digest_size=16).digest())
    for sid, o in obstacles.items():
        found = o.parts.get(key)
        if found is None or room:
            near = o._nearest(points)
            if room:
                clear = np.minimum(clear, o._clear_of(len(points), *near))
            if found is None:
                found = o.parts[key] = o._inside_depth_of(points, *near, deep=_LAY_DEEP_M)
        inside, d = found
        if len(inside):
            w = _LAY_BONE if sid in bones else 1.0
            count[inside] += w
            depth[inside] += w * d
    return clear, count, depth


def _tissue_cost(points: np.ndarray, obstacles: dict[str, _Solid],
                 bones: frozenset[str], inside: float = _LAY_INSIDE) -> np.ndarray:
    """Each point's cost of lying in tissue: ``inside`` per structure it lies inside (exact
    test, but taken as inside behind a surface and :data:`_LAY_DEEP_M` from it), and
    :data:`_LAY_DEPTH` per metre of its depth there; :data:`_LAY_BONE` times that in a bone."""
    count, depth = _tissue_parts(points, obstacles, bones)
    return inside * count + _LAY_DEPTH * depth


def _inside_parts(c: np.ndarray, obstacles: dict[str, _Solid],
                  own: dict[str, _Solid] | None = None,
                  points: int = POSED_RUN_POINTS) -> np.ndarray:
    """Each run's share of its ``points`` points (:func:`run_points`) inside any of
    ``obstacles`` (exact test), not counting those inside any of ``own``."""
    hit = _points_inside(run_points(c, points).reshape(-1, 3), obstacles, own)
    return hit.reshape(-1, points).mean(axis=1)  # (none for fewer than two stations)


def _points_inside(pts: np.ndarray, obstacles: dict[str, _Solid],
                   own: dict[str, _Solid] | None = None) -> np.ndarray:
    """Which points lie inside any of ``obstacles`` (exact test) and none of ``own``."""
    hit = np.zeros(len(pts), bool)
    for o in obstacles.values():
        hit[~hit] = o.inside(pts[~hit])
    if own and hit.any():
        mine = np.zeros(len(pts), bool)
        for o in own.values():
            mine[hit & ~mine] = o.inside(pts[hit & ~mine])
        hit &= ~mine
    return hit


def _inside_runs(c: np.ndarray, obstacles: dict[str, _Solid],
                 points: int = POSED_RUN_POINTS) -> np.ndarray:
    """Which runs of a polyline have any of their ``points`` points inside any of
    ``obstacles``."""
    return _inside_parts(c, obstacles, points=points) > 0.0


def _inside_length(c: np.ndarray, obstacles: dict[str, _Solid],
                   points: int = POSED_RUN_POINTS) -> float:
    """The length (m) of a polyline inside any of ``obstacles`` (:func:`_inside_parts`)."""
    return float(np.linalg.norm(np.diff(c, axis=0), axis=1)
                 @ _inside_parts(c, obstacles, points=points))


#: A posed tube's turns beyond this (degrees) count against a move as this share of its length
#: inside tissue per 60 degrees (:func:`posed_cost`): a 120-degree kink as 1 % inside.
KINK_FREE_DEG = 60.0
KINK_COST = 0.01


def posed_cost(centres: np.ndarray, obstacles: dict[str, _Solid],
               own: dict[str, _Solid] | None = None) -> float:
    """How badly a posed tube lies: the share of its length inside the ``obstacles`` (judged at
    :data:`RUN_POINTS` points along each run, exact test; not where it lies in ``own``, the
    muscles a vessel runs inside, posed overlapping others) and its sharpest turn beyond
    :data:`KINK_FREE_DEG`."""
    seg = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    parts = _inside_parts(centres, obstacles, own, RUN_POINTS)
    inside = float(seg @ parts) / max(float(seg.sum()), 1e-12)
    turn = float(_turns(centres).max(initial=0.0))
    return inside + KINK_COST * max(turn - KINK_FREE_DEG, 0.0) / 60.0


def _relax(c0: np.ndarray, c: np.ndarray, obstacles: dict[str, _Solid],
           clear: np.ndarray, weight: np.ndarray, need: np.ndarray | None = None,
           count: int = _OPTIONS, rounds: int = _ROUNDS) -> np.ndarray:
    """The routed stations ``c`` re-chosen as a smooth line that is still clear.

    Pushing each station out on its own leaves neighbours pushed different ways, even along
    the tube: a zigzag with turns of up to 170 degrees between stations. Here each station
    may take its pushed place or one on a ring grid across the tube (perpendicular to the
    built-in course), and the cheapest sequence is chosen (Viterbi): close to the pushed
    places (``weight`` times as close where a station was laid beside a companion vessel),
    with little change of offset from one station to the next. The fast test only
    steers (its nearest-vertex normals misjudge BodyParts3D's overlapping muscles); the chosen
    line is checked with the exact test, stations and straight runs between them, and what
    fails is ruled out before choosing again. The ends keep their places. A place needs
    ``need`` (default ``clear``) off the obstacles; ``count`` places are offered a station.
    """
    n = len(c0)
    if n < 3 or not obstacles:
        return c
    need = clear if need is None else need
    pushed = c - c0
    options = [_across(c0, pushed, k, count) if 0 < k < n - 1 else pushed[k:k + 1]
               for k in range(n)]
    unary = []
    # every station's places searched at once (each point's clearance is its own)
    every = np.concatenate([c0[k] + opt for k, opt in enumerate(options)])
    rooms = np.split(np.min([o.clearance(every) for o in obstacles.values()], axis=0,
                            initial=0.01), np.cumsum([len(opt) for opt in options])[:-1])
    for k, opt in enumerate(options):
        room = rooms[k]
        doubtful = room < need[k]
        doubtful[0] = False  # the pushed place was made clear by the exact rounds
        cramped = np.clip(clear[k] + _ROOM_M - room, 0.0, None)
        unary.append(weight[k] * np.linalg.norm(opt - pushed[k], axis=1) ** 2
                     + _DOUBT * doubtful + _ROOM_WEIGHT * cramped ** 2)
    steps = [_SMOOTHNESS * np.linalg.norm(options[k][None] - options[k - 1][:, None], axis=2)
             ** 2 for k in range(1, n)]
    for _ in range(rounds):
        pick = _cheapest(unary, steps)
        out = c0 + np.array([options[k][j] for k, j in enumerate(pick)])
        # the pushed places and the runs between them stand as the exact rounds left them
        moved = np.array(pick) != 0
        mids = 0.5 * (out[1:] + out[:-1])
        free = _free_sets([out, mids], obstacles, [need, np.minimum(need[1:], need[:-1])])
        bad = np.flatnonzero(~free[0] & moved)
        bad_run = np.flatnonzero(~free[1] & (moved[1:] | moved[:-1]))
        if not len(bad) and not len(bad_run):
            return out
        # every place of each such station, and every run from either end's chosen place of
        # each such run, checked at once
        places = [c0[k] + options[k] for k in bad.tolist()]
        ends = [p for k in bad_run.tolist() for p in (0.5 * (out[k] + c0[k + 1] + options[k + 1]),
                                                      0.5 * (c0[k] + options[k] + out[k + 1]))]
        ok = _free_sets(places + ends, obstacles,
                        [need[k] for k in bad.tolist()]
                        + [min(need[k], need[k + 1]) for k in bad_run.tolist() for _ in (0, 1)])
        for k, clear_of in zip(bad.tolist(), ok, strict=False):
            blocked = ~clear_of
            blocked[0] = False
            unary[k][blocked] = np.inf
        for i, k in enumerate(bad_run.tolist()):
            a, b = pick[k], pick[k + 1]
            keep = steps[k][0, 0]  # pushed to pushed stands as the exact rounds left it
            steps[k][a, ~ok[len(places) + 2 * i]] = np.inf
            steps[k][~ok[len(places) + 2 * i + 1], b] = np.inf
            steps[k][0, 0] = keep
    return c


def _free_sets(sets: list[np.ndarray], obstacles: dict[str, _Solid],
               clear: list[Any]) -> list[np.ndarray]:
    """:func:`_free` (exact test) for each set of points with its clearance (one number or one
    per point), all searched at once: each point's answer is its own."""
    sizes = [len(p) for p in sets]
    need = np.concatenate([np.broadcast_to(np.asarray(c, np.float64), (n,))
                           for c, n in zip(clear, sizes, strict=True)])
    ok = _free(np.concatenate(sets).reshape(-1, 3), obstacles, need, exact=True)
    return np.split(ok, np.cumsum(sizes)[:-1])


def _across(c0: np.ndarray, pushed: np.ndarray, k: int, count: int = _OPTIONS) -> np.ndarray:
    """Offsets station ``k`` may take: its pushed one first, that one without its part along
    the tube, and rings across the tube around the built-in course and around the pushed
    place; the nearest to the pushed one."""
    tangent = c0[k + 1] - c0[k - 1]
    tangent /= max(float(np.linalg.norm(tangent)), 1e-12)
    u = np.cross(tangent, [0.0, 0.0, 1.0] if abs(tangent[2]) < 0.9 else [1.0, 0.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(tangent, u)
    ring = _RING[:, :1] * u + _RING[:, 1:] * v
    across = pushed[k] - tangent * float(pushed[k] @ tangent)
    cand = np.concatenate([pushed[k:k + 1], across[None], ring, across + ring])
    near = np.argsort(np.linalg.norm(cand - pushed[k], axis=1), kind="stable")
    return cand[near[:count]]


def _cheapest(unary: list[np.ndarray], steps: list[np.ndarray]) -> list[int]:
    """The option per station with the least summed cost (Viterbi)."""
    cost = unary[0]
    back = []
    for k in range(1, len(unary)):
        total = cost[:, None] + steps[k - 1]
        back.append(total.argmin(axis=0))
        cost = total.min(axis=0) + unary[k]
    pick = [int(cost.argmin())]
    for k in range(len(unary) - 1, 0, -1):
        pick.append(int(back[k - 1][pick[-1]]))
    return pick[::-1]


def lay_rest(tube: Tube, offsets: np.ndarray, obstacles: dict[str, _Solid],
             bones: frozenset[str]) -> np.ndarray:
    """More offsets (S, 3) for a route (``offsets`` from :func:`route`, which checks the
    midpoints of its runs) whose runs still lie inside the ``obstacles`` at
    :data:`RUN_POINTS` points along them (thin tissue between a station and a midpoint, or a
    crossing no free way avoids): the route laid again through the least tissue
    (:func:`lay_through`, smoothed wide; kept where that leaves less of it inside, or as much
    and turning less). Where that finds no better line, laid once more re-chosen up to
    :data:`LAY_REST_ROUNDS` times (the first try's weights, the line lying least inside
    kept), from the route and from the route drawn back to the built-in course where it lies
    inside (:func:`_drawn_back`); of those that clear the tissue altogether (not merely lie a
    little less inside: the tibial nerve's line so taken under the soleus at rest was posed
    far deeper in the deep squat, 6.8 -> 21.7 % of its length in tissue), turn no more
    sharply than the route and no more than :data:`_LAY_MORE_TURN_DEG` more in all, the one
    moved least from the built-in course (its stations' distances summed) is taken. Zeros
    where nothing is inside or nothing better was found."""
    c = tube.centres + offsets
    hit = _inside_runs(c, obstacles, RUN_POINTS)
    if not hit.any():
        return np.zeros_like(c)
    first = lay_through(c, tube.radii, obstacles, tube.centres, bones, LAY_WIDE,
                        points=RUN_POINTS)
    if first.any():
        return first
    was = _turns(c)
    best, least = first, np.inf
    for start in (c, _drawn_back(tube.centres, c, hit)):
        moved = start + lay_through(start, tube.radii, obstacles, tube.centres, bones,
                                    LAY_WIDE, _LAY_TRIES[:1], RUN_POINTS, LAY_REST_ROUNDS,
                                    keep_best=True)
        if start is not c:  # (its stretch given room: see LAY_BACK_ROOM_M)
            changed = np.linalg.norm(moved - c, axis=1) > 1e-9
            roomy = Tube(moved, tube.radii + LAY_BACK_ROOM_M, tube.stations, tube.ring)
            moved = moved + route(roomy, obstacles, []) * changed[:, None]
        turns = _turns(moved)
        far = float(np.linalg.norm(moved - tube.centres, axis=1).sum())
        if (far < least and _inside_length(moved, obstacles, RUN_POINTS) <= 0.0
                and turns.max(initial=0.0) <= was.max(initial=0.0)
                and turns.sum() <= was.sum() + _LAY_MORE_TURN_DEG):
            best, least = moved - c, far
    return best


#: Stations either side of a route's runs inside tissue over which :func:`_drawn_back`'s pull
#: to the built-in course fades out.
LAY_BACK_FADE = 4
#: Room (m) beyond its clearance that a route re-laid from its built-in course is pushed to
#: where it moved (:func:`lay_rest`): laid through the gap between the gracilis and the
#: semimembranosus with 1-2 mm, the saphenous nerve ran 2.1 % of its length in them in the
#: seated calf raise, whose bent knee thickens both; given this much more, 1.6 % (round the
#: gracilis' front it ran 0 %).
LAY_BACK_ROOM_M = 0.002


def _drawn_back(c0: np.ndarray, c: np.ndarray, hit: np.ndarray,
                fade: int = LAY_BACK_FADE) -> np.ndarray:
    """The routed stations ``c`` drawn back to the built-in course ``c0``: fully at every
    station that ends a run of ``hit`` (those inside tissue), the pull fading out linearly
    over ``fade`` stations either side.

    The saphenous nerve's route went round the lateral side of the gracilis mid-thigh and
    crossed it where the muscle meets the semimembranosus; laid again from there it went round
    the gracilis' front, 43 mm forward of its built-in course over 20 cm of the thigh. Laid
    from its built-in course, which runs behind the gracilis, it passes through the gap
    between the two muscles higher up and down their medial side, 15 mm from that course."""
    ends = np.flatnonzero(np.concatenate([hit, [False]]) | np.concatenate([[False], hit]))
    gap = np.abs(np.arange(len(c))[:, None] - ends[None]).min(axis=1)
    keep = np.minimum(gap / (fade + 1), 1.0)
    return c0 + (c - c0) * keep[:, None]


def kept_tubes(builtin: Any, kept: list[str], params: Any) -> dict[str, Tube]:
    """The built-in tubes of ``kept`` ids that are swept nerves or vessels."""
    specs = {s.id: s for s in params.sweeps}
    out = {}
    for sid in kept:
        spec, mesh = specs.get(sid), builtin.meshes.get(sid)
        if spec is None or mesh is None or builtin.kinds.get(sid) not in ROUTED_KINDS:
            continue
        tube = Tube.of(mesh, spec.stations, spec.ring)
        if tube is not None:
            out[sid] = tube
    return out


#: The obstacle that keeps a route drawn within the limb's envelope within it (:mod:`.envelope`;
#: pushed out of a muscle, the sciatic nerve came out behind the long head of biceps femoris,
#: under the skin), and how far beyond the envelope such a route may still go (m).
_OUTSIDE = "<outside the limb>"
ENVELOPE_SLACK_M = 0.003


def _within(tube: Tube, offsets: np.ndarray, obstacles: dict[str, _Solid],
            companions: list[_Solid], outside: Any) -> np.ndarray:
    """The route ``offsets``, or, where it leaves the limb's envelope (``outside``, its
    obstacle), the tube routed again within it if that lies less in tissue and outside it
    (judged at :data:`RUN_POINTS` points along each run)."""
    kept = {**obstacles, _OUTSIDE: outside.around(tube.centres, ENVELOPE_SLACK_M)}
    first = _inside_length(tube.centres + offsets, kept, RUN_POINTS)
    if first == 0.0:
        return offsets
    again = route(tube, kept, companions)
    return again if _inside_length(tube.centres + again, kept, RUN_POINTS) < first else offsets


def solids(meshes: dict[str, Mesh]) -> dict[str, _Solid]:
    """Inside and nearest-surface queries for each mesh."""
    return {sid: _Solid(m) for sid, m in meshes.items()}


def build_routes(builtin: Any, kept: list[str], pack_meshes: dict[str, Mesh],
                 pack_kinds: dict[str, str], mapping: Any, params: Any = None) -> dict[str, Any]:
    """The manifest's ``routes``: per built-in swept nerve or vessel among ``kept`` (the
    built-in meshes the pack does not replace), its station offsets and the share of its length
    inside pack muscles, tendons and bones before and after."""
    from calfexplorer.assets.manifest import mesh_checksum
    from calfexplorer.geometry.params import load_params

    params = params or load_params()
    tubes = kept_tubes(builtin, kept, params)
    tissue_v = [m.vertices for i, m in pack_meshes.items()
                if pack_kinds.get(i) in ("muscle", "tendon", "bone")]
    envelope = Outside(np.concatenate(tissue_v)) if tissue_v else None
    muscles = solids({i: m for i, m in pack_meshes.items()
                      if pack_kinds.get(i) in ("muscle", "tendon")})
    bones = solids({i: m for i, m in pack_meshes.items() if pack_kinds.get(i) == "bone"})
    vessels = {i: m for i, m in pack_meshes.items() if pack_kinds.get(i) in ("artery", "vein")}
    out: dict[str, Any] = {}
    drawn: dict[str, np.ndarray] = {}  # routed centres as drawn at rest
    for sid in _parents_first(tubes, mapping):
        builtin_tube = tube = tubes[sid]
        s = mapping.structures.get(sid)
        within = [i for i in (s.within if s else ()) if i in muscles]
        obstacles = {i: m for i, m in {**muscles, **bones}.items() if i not in within}
        companions = [_Solid(vessels[i]) for i in (s.beside if s else ()) if i in vessels]
        start = np.zeros_like(tube.centres)
        parent = s.from_end_of if s else None
        if parent in drawn:  # a branch: its built-in course moved to start where its parent ends
            start = _from_end(tube, drawn[parent][-1])
            tube = Tube(tube.centres + start, tube.radii, tube.stations, tube.ring)
        deep = envelope is not None and envelope.clearance(tube.centres).min() >= 0.0
        offsets = route(tube, obstacles, companions)
        if deep:  # a course drawn within the limb's envelope is kept within it
            offsets = _within(tube, offsets, obstacles, companions, envelope)
        offsets = offsets + lay_rest(tube, offsets, obstacles, frozenset(bones))
        offsets = offsets + start
        tube = builtin_tube
        if parent in drawn:
            offsets = offsets + _smooth_start(tube.centres + offsets, tube.radii + GAP_M,
                                              obstacles)
        eased = ease(tube.centres, tube.centres + offsets, obstacles)
        drawn[sid] = tube.centres + offsets + eased
        mesh = builtin.meshes[sid]
        before = inside_share(tube.centres, obstacles)
        after = inside_share(tube.centres + offsets + eased, obstacles)
        out[sid] = {
            "stations": tube.stations, "ring": tube.ring,
            "builtin_sha256": mesh_checksum(mesh.vertices, mesh.faces, mesh.normals,
                                            mesh.belly),
            "beside": [i for i in (s.beside if s else ()) if i in vessels],
            "within": within,
            "inside_before": {k: round(v, 3) for k, v in before.items()},
            "inside_after": {k: round(v, 3) for k, v in after.items()},
            "max_shift_mm": round(float(np.linalg.norm(offsets + eased, axis=1).max()) * 1000,
                                  1),
            "offsets_m": [[round(float(x), 5) for x in row] for row in offsets],
        }
        if eased.any():  # drawn at rest: the route eased (the posed tubes start from the route)
            out[sid]["eased_m"] = [[round(float(x), 5) for x in row] for row in eased]
    return out


#: A branch's built-in course is moved to start at its parent's routed end before it is routed
#: (:func:`_from_end`), the move fading out (a half cosine) over this many stations. The common
#: fibular nerve, whose built-in course the pack's long head of biceps femoris covers, started
#: 37 mm from the sciatic nerve's end, behind that muscle; moved so it starts 0.5 mm from it,
#: deep to the muscle, it leaves it round the muscle's medial border. Measured over the presets
#: (posed, learnt moves; deep squat, seated calf raise): fading linearly over 12 stations kinked
#: it 118 degrees at rest; over 16 left 3.2 % and 4.3 % inside the biceps, over 20 3.3 % and
#: 0 %, over 27 5.2 % and 9.7 %; a half cosine over 20 2.6 % and 0 % (1.9 % and 0.5 % before,
#: from its built-in start), over 24 12.8 % and 8.9 %: a longer deep stretch is pressed by the
#: bent knee's hamstrings.
BRANCH_FADE = 20


def _from_end(tube: Tube, end: np.ndarray, fade: int = BRANCH_FADE) -> np.ndarray:
    """Offsets (S, 3) moving a tube's built-in course to start at ``end``, the move fading out
    along it over ``fade`` stations."""
    k = np.minimum(np.arange(tube.stations) / fade, 1.0)
    w = 0.5 * (1.0 + np.cos(np.pi * k))
    return (np.asarray(end, np.float64) - tube.centres[0])[None] * w[:, None]


#: Passes of :func:`_smooth_start`: enough for its stretch to settle (a 1-2-1 pass spreads a
#: bend over about the square root of the passes in stations; 20 stations settle in about 200),
#: and the halvings of a station's step tried where the whole step would enter tissue.
BRANCH_SMOOTH_PASSES = 400
_HALVINGS = 3


def _smooth_start(c: np.ndarray, clear: np.ndarray, obstacles: dict[str, _Solid],
                  reach: int = BRANCH_FADE, passes: int = BRANCH_SMOOTH_PASSES) -> np.ndarray:
    """Offsets (S, 3) drawing a branch's routed start ``c`` (its stations up to ``reach``,
    where its moved course rejoins its own) taut round the ``obstacles``: each pass moves
    every other station between the fixed ends towards the middle of its neighbours (then the
    others), as far as (halving the step) it and its two runs stay ``clear`` of the obstacles.
    Zeros where the result turns no less sharply there or lays any run more inside them
    (judged at :data:`RUN_POINTS` points).

    Routed station by station, the common fibular nerve went down deep to the long head of
    biceps femoris, then stepped 23 mm sideways in two runs round its medial border (turns of
    40 and 52 degrees); in life it runs obliquely down and laterally from the sciatic nerve's
    end along that border: the taut course from there round the muscle, which never leaves
    the free space the route found."""
    end = min(reach, len(c) - 1)
    if end < 2:
        return np.zeros_like(c)
    s = c.copy()
    # the room each station has (pressed between muscles, less than ``clear``) is all it needs
    room = np.min([o.clearance(c) for o in obstacles.values()], axis=0) if obstacles else clear
    clear = np.minimum(clear, np.clip(room, 0.0, None))
    # the stations only move towards their neighbours' middles, so within the box of the
    # stretch: the solids beyond it change no answer of :func:`_free` (a far solid's 1 cm
    # limit binds no clearance here: ``room``, 1 cm where any solid is far, caps ``clear``)
    lo, hi = c[:end + 1].min(axis=0), c[:end + 1].max(axis=0)
    near = {i: o for i, o in obstacles.items() if np.all(o.lo < hi) and np.all(o.hi > lo)}
    for _ in range(passes):
        for first in (1, 2):
            i = np.arange(first, end, 2)
            _step_free(s, i, 0.25 * (s[i - 1] + s[i + 1]) - 0.5 * s[i], clear, near)
    span = slice(0, end)  # the turns at stations 1..end
    if _turns(s)[span].max() >= _turns(c)[span].max() or (
            _inside_parts(s, obstacles, points=RUN_POINTS)
            > _inside_parts(c, obstacles, points=RUN_POINTS)).any():
        return np.zeros_like(c)
    return s - c


def _step_free(s: np.ndarray, i: np.ndarray, step: np.ndarray, clear: np.ndarray,
               near: dict[str, _Solid], halvings: int = _HALVINGS) -> None:
    """Move the stations ``i`` of ``s`` (in place) by ``step``, each as far as (halving the
    step) it and its runs to its neighbours stay ``clear`` of ``near`` (the runs 1 mm at
    most, :data:`GAP_M`)."""
    step = step.copy()
    todo = np.ones(len(i), bool)
    for _ in range(halvings):
        k = i[todo]
        new = s[k] + step[todo]
        runs = np.concatenate([_between(s[k - 1], new, RUN_POINTS),
                               _between(new, s[k + 1], RUN_POINTS)], axis=1)
        # the stations and their runs in one search (each point's answer is its own)
        free = _free(np.concatenate([new, runs.reshape(-1, 3)]), near,
                     np.concatenate([clear[k], np.repeat(np.minimum(clear[k], GAP_M),
                                                         2 * RUN_POINTS)]))
        ok = free[:len(k)] & free[len(k):].reshape(len(k), -1).all(axis=1)
        s[k[ok]] = new[ok]
        todo[np.flatnonzero(todo)[ok]] = False
        if not todo.any():
            break
        step *= 0.5


def _parents_first(tubes: dict[str, Tube], mapping: Any) -> list[str]:
    """The tubes' ids, each branch routed from its parent's end (``from_end_of``) after it."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(sid: str) -> None:
        if sid in seen:  # (placed, or a loop of parents: then as listed)
            return
        seen.add(sid)
        s = mapping.structures.get(sid)
        parent = s.from_end_of if s else None
        if parent in tubes:
            visit(parent)
        order.append(sid)

    for sid in tubes:
        visit(sid)
    return order


#: :func:`clear_runs`: the rounds of moving one station (with its neighbours) off the tissue a
#: run crosses, the share of its move each station either side takes, and the sharpest turn
#: (degrees) a move may leave where the tube turned less.
CLEAR_RUN_ROUNDS = 24
_CLEAR_RUN_FADE = np.array([0.25, 0.6, 1.0, 0.6, 0.25])
CLEAR_RUN_TURN_DEG = 60.0


def clear_runs(centres: np.ndarray, obstacles: dict[str, _Solid],
               own: dict[str, _Solid] | None = None, points: int = RUN_POINTS,
               rounds: int = CLEAR_RUN_ROUNDS) -> np.ndarray:
    """Offsets (S, 3) moving a posed tube's stations, one neighbourhood at a time, off the
    tissue its runs still cross between stations (judged at ``points`` points along each run,
    exact test; not where inside ``own``, as :func:`posed_cost`): each station of the worst
    such run may take a place on a disc across the tube (:func:`_disc_across`), its neighbours
    following part of the way (:data:`_CLEAR_RUN_FADE`); the place leaving the least of the
    runs nearby inside, then the nearest, is taken where it leaves less inside and turns the
    tube there no more sharply than :data:`CLEAR_RUN_TURN_DEG` or than before. The tube's
    ends stay. Zeros where nothing is inside."""
    c = centres.astype(np.float64).copy()
    n = len(c)
    lo, hi = c.min(axis=0) - 0.06, c.max(axis=0) + 0.06
    near = {i: o for i, o in obstacles.items() if np.all(o.lo <= hi) and np.all(o.hi >= lo)}
    half = len(_CLEAR_RUN_FADE) // 2
    tried: set[int] = set()
    for _ in range(rounds):
        parts = _inside_parts(c, near, own, points)
        bad = np.argsort(-parts, kind="stable")[:int(np.count_nonzero(parts))].tolist()
        todo = [k for r in bad for k in (r, r + 1) if k not in tried and 0 < k < n - 1]
        if not todo:
            break
        k = todo[0]
        tried.add(k)
        a, b = max(k - half - 1, 0), min(k + half + 1, n - 1)  # the runs a move changes
        w = np.zeros(b - a + 1)
        for i, f in enumerate(_CLEAR_RUN_FADE, start=k - half):
            if a <= i <= b and 0 < i < n - 1:
                w[i - a] = f
        opts = _disc_across(c[k + 1] - c[k - 1])
        windows = c[a:b + 1][None] + w[None, :, None] * opts[:, None]  # (places, stations, 3)
        pts = _between(windows[:, :-1], windows[:, 1:], points)
        hit = _points_inside(pts.reshape(-1, 3), near, own).reshape(pts.shape[:3])
        seg = np.linalg.norm(np.diff(windows, axis=1), axis=2)
        inside = (seg * hit.mean(axis=2)).sum(axis=1)
        s0, s1 = max(a - 1, 0), min(b + 1, n - 1) + 1  # (the turns at the window's ends too)
        cap = max(CLEAR_RUN_TURN_DEG, float(_turns(c[s0:s1]).max(initial=0.0)))
        for i in np.argsort(inside, kind="stable").tolist():  # (the nearer of equals first)
            if inside[i] >= inside[0] - 1e-9:
                break
            moved = c[s0:s1].copy()
            moved[a - s0:b - s0 + 1] = windows[i]
            if float(_turns(moved).max(initial=0.0)) <= cap:
                c[a:b + 1] = windows[i]
                tried = {k}
                break
    return c - centres


#: :func:`fair_turns`: the sharpest turn (degrees) a posed tube's move may leave where the tube
#: turned less before it; the stations either side of such turns faired with them, the passes,
#: and the halvings of a station's step tried where the whole step would enter tissue.
FAIR_TURN_DEG = 45.0
FAIR_REACH = 8
FAIR_PASSES = 40
_FAIR_HALVINGS = 6
#: A pass moving no station more than this (m) ends the fairing: it has settled.
_FAIR_SETTLED_M = 1e-5


def fair_turns(centres: np.ndarray, moved: np.ndarray, radii: np.ndarray,
               obstacles: dict[str, _Solid], own: dict[str, _Solid] | None = None
               ) -> np.ndarray:
    """Offsets (S, 3) easing the turns a move out of the tissue made sharper than
    :data:`FAIR_TURN_DEG` and than the tube turned before it (``centres``, and ``moved``
    after it): over the stretch within :data:`FAIR_REACH` stations of them, each pass moves
    every third station by a share of its bending (the fourth difference of the stations
    along the tube, which spreads a bend over more stations where a pull towards the
    neighbours' middle, as :func:`_smooth_start`'s, draws it tight round the tissue), as far
    as it and its runs stay clear of the ``obstacles`` (``radii`` and 1 mm more, or the room
    it had). The two stations at each end of the stretch stay. Zeros where nothing turns so,
    or where the result turns no less sharply or lays any run more inside (judged at
    :data:`RUN_POINTS` points, exact test; not where inside ``own``, as :func:`posed_cost`)."""
    c = moved.astype(np.float64)
    n = len(c)
    turns = _turns(c)
    sharp = np.flatnonzero((turns > FAIR_TURN_DEG) & (turns > _turns(centres))) + 1
    if not len(sharp):
        return np.zeros_like(c)
    a, b = max(int(sharp.min()) - FAIR_REACH, 0), min(int(sharp.max()) + FAIR_REACH, n - 1)
    if b - a < 4:
        return np.zeros_like(c)
    lo, hi = c[a:b + 1].min(axis=0) - 0.02, c[a:b + 1].max(axis=0) + 0.02
    near = {i: o for i, o in obstacles.items() if np.all(o.lo < hi) and np.all(o.hi > lo)}
    room = np.min([o.clearance(c) for o in near.values()], axis=0) if near \
        else np.full(n, np.inf)
    clear = np.minimum(radii + GAP_M, np.clip(room, 0.0, None))
    s = c.copy()
    span = slice(max(a - 1, 0), b)  # the turns at stations a..b
    for _ in range(FAIR_PASSES):
        before = s.copy()
        for first in (a + 2, a + 3, a + 4):
            i = np.arange(first, b - 1, 3)
            if len(i):
                # (a sixth of it: where the station bends the tube least, its neighbours held)
                bend = s[i - 2] - 4.0 * s[i - 1] + 6.0 * s[i] - 4.0 * s[i + 1] + s[i + 2]
                _step_free(s, i, -bend / 6.0, clear, near, _FAIR_HALVINGS)
        if _turns(s)[span].max() <= FAIR_TURN_DEG \
                or np.abs(s - before).max() < _FAIR_SETTLED_M:
            break
    if _turns(s)[span].max() >= turns[span].max() or (
            _inside_parts(s, obstacles, own, RUN_POINTS)
            > _inside_parts(c, obstacles, own, RUN_POINTS)).any():
        return np.zeros_like(c)
    return s - c
