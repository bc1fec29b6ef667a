"""Built-in structures the pack keeps (nerves, small vessels), routed beside the pack's muscles.

BodyParts3D has no limb nerves and lacks a few vessels, so the BodyParts3D leg keeps the
built-in tubes of those (:mod:`.route_tubes`). Their paths were drawn around the built-in
muscles and cross the pack's. At pack build time (:func:`build_routes`) each station (ring of
the tube) is moved (:func:`.route_finding.route`): towards the pack vessels the structure runs
with (``beside`` in ``data/bodyparts3d.yaml``), then out of every pack muscle, tendon and bone
it does not run inside (``within``; their inside tests: :mod:`.route_solids`); the
displacement is smoothed along the tube (:mod:`.route_lines`). The pack stores one offset per
station (rest pose, world frame, metres) in its manifest under ``routes``, and where the route
still turns sharply its easing as drawn at rest (:func:`ease`);
:func:`.route_apply.routed_mesh` applies both to the built-in mesh, which :mod:`.kept_tubes`
then poses with the pack tissue around it (from the route, the easing added with the knee
straight: see :mod:`.leg_poser`). :func:`.posed_routes.clear_out` moves such a posed tube out
of the posed tissue the same way, :func:`.route_laying.lay_through` lays it smooth through the
least of it (the poser learns such moves in sample poses, keeping the better by
:func:`.posed_routes.posed_cost`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calfexplorer.anatomy.envelope import Outside
from calfexplorer.anatomy.route_finding import route
from calfexplorer.anatomy.route_laying import _LAY_MORE_TURN_DEG, _LAY_TRIES, LAY_WIDE, lay_through
from calfexplorer.anatomy.route_lines import _smooth, _turns
from calfexplorer.anatomy.route_solids import (
    GAP_M,
    RUN_POINTS,
    _inside_length,
    _inside_parts,
    _inside_runs,
    _Solid,
    _step_free,
    inside_share,
    solids,
)
from calfexplorer.anatomy.route_tubes import Tube, kept_tubes
from calfexplorer.geometry.mesh import Mesh

#: A routed tube that still turns more sharply than this between stations (degrees; and by half
#: as much more than its built-in course) is eased where it is drawn at rest (:func:`ease`): its
#: offsets smoothed once (a 1-2-1 pass) over this many stations either side of the turn.
_EASE_DEG = 30.0
_EASE_REACH = 3


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


#: The rounds of re-choosing a route laid again at rest where the first laying found no better
#: line (:func:`lay_rest`; once per tube and build, where the posed learning lays tubes
#: thousands of times). Each round charges only the runs leaving the chosen line's places, so
#: a thin muscle across the way rules out one family of lines a round: the saphenous nerve's
#: line across the gracilis mid-thigh took 51 rounds to find the way round its front, and
#: after 12 the line still crossing it was the one returned, judged no better than the route.
LAY_REST_ROUNDS = 120


def lay_rest(tube: Tube, offsets: np.ndarray, obstacles: dict[str, _Solid],
             bones: frozenset[str]) -> np.ndarray:
    """More offsets (S, 3) for a route (``offsets`` from :func:`.route_finding.route`, which
    checks the midpoints of its runs) whose runs still lie inside the ``obstacles`` at
    :data:`RUN_POINTS` points along them (thin tissue between a station and a midpoint, or a
    crossing no free way avoids): the route laid again through the least tissue
    (:func:`.route_laying.lay_through`, smoothed wide; kept where that leaves less of it
    inside, or as much and turning less). Where that finds no better line, laid once more
    re-chosen up to :data:`LAY_REST_ROUNDS` times (the first try's weights, the line lying
    least inside kept), from the route and from the route drawn back to the built-in course
    where it lies inside (:func:`_drawn_back`); of those that clear the tissue altogether (not
    merely lie a little less inside: the tibial nerve's line so taken under the soleus at rest
    was posed far deeper in the deep squat, 6.8 -> 21.7 % of its length in tissue), turn no
    more sharply than the route and no more than :data:`.route_laying._LAY_MORE_TURN_DEG` more
    in all, the one moved least from the built-in course (its stations' distances summed) is
    taken. Zeros where nothing is inside or nothing better was found."""
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
#: bend over about the square root of the passes in stations; 20 stations settle in about 200).
BRANCH_SMOOTH_PASSES = 400


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
    # stretch: the solids beyond it change no answer of :func:`.route_solids._free` (a far
    # solid's 1 cm limit binds no clearance here: ``room``, 1 cm where any solid is far, caps
    # ``clear``)
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
