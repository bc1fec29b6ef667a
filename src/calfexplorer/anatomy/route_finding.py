"""A tube routed out of the solids around it (:func:`route`): each station moved beside its
companion vessels, pushed out of the solids, then the line re-chosen smooth and still clear
(:func:`_relax`), chosen again near any sharp turn it is left with."""

from __future__ import annotations

from typing import Any

import numpy as np

from calfexplorer.anatomy.route_lines import _cheapest, _smooth, _turns
from calfexplorer.anatomy.route_solids import GAP_M, _free, _free_sets, _nearest_free, _Solid
from calfexplorer.anatomy.route_tubes import Tube

#: A station this close to a companion vessel is laid beside it; the pull fades out by twice it.
BESIDE_REACH_M = 0.025
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
