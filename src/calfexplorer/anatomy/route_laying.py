"""A posed kept tube laid smooth through the least tissue (:func:`lay_through`): its stretch
inside tissue or kinked smoothed, then the cheapest line of places on discs across it
(Viterbi), a place and a run between places charged by the structures they lie in and their
depth, re-chosen with the chosen line's runs inside charged (:func:`_lay_line`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

from calfexplorer.anatomy.posed_routes import CLEAR_TURN_DEG, KINK_COST, KINK_FREE_DEG
from calfexplorer.anatomy.route_lines import _cheapest, _disc_across, _smooth, _turns
from calfexplorer.anatomy.route_solids import (
    GAP_M,
    POSED_RUN_POINTS,
    _between,
    _inside_length,
    _inside_parts,
    _inside_runs,
    _Solid,
)

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
#: The weights (of the change of move between stations, of a place inside a structure) of
#: the cheapest line's tries, in turn until one leaves none of the tube inside and no turn over
#: :data:`LAY_KINK_DEG`: the first as before; the others let a tube turn more or go round more
#: tissue where the posed muscles leave no free way near it. A try turning the tube more
#: sharply than :data:`.posed_routes.CLEAR_TURN_DEG` and than the first try is not taken.
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
    stretch from its first run between stations inside one of the ``obstacles`` (exact test) or
    kink (:data:`LAY_KINK_DEG`, against its turns at ``rest``: centres) to its last,
    :data:`LAY_MARGIN` stations more either side. Over that stretch a kinked line is smoothed
    (``smoothing``: passes, and stations either side of a kink), then each station may take a
    place on a disc across the tube; the cheapest sequence (Viterbi: near the smoothed places,
    little change of move between stations, a place and a run between places inside tissue
    charged by the structures it lies in and its depth there, ten times in one of ``bones``) is
    taken, where the muscles overlap and leave no free way too; the chosen line's runs that lie
    inside are charged again and the line re-chosen. ``tries``: the weights of the change of
    move and of a place inside tissue tried in turn (default: :data:`_LAY_TRIES` with the wide
    smoothing :data:`LAY_WIDE`, else its first), the line lying best kept (least inside, then
    least turned; none turning more than the first try and :data:`.posed_routes.CLEAR_TURN_DEG`,
    nor more in all than the first and :data:`_LAY_MORE_TURN_DEG`). A run is judged at
    ``points`` points along it (:func:`.route_solids._inside_parts`); each try re-chooses its
    line up to ``rounds`` times (:func:`_lay_line`; ``keep_best``: the rounds' line lying least
    inside kept). ``across`` (stations' places, places -> which lie across a line the tube must
    not cross from them: :func:`calfexplorer.anatomy.interosseous.crossed`) charges those places
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
    :func:`_lay_line` charges them; each :data:`_LAY_BONE` times in a bone)."""
    return _room_and_parts(points, obstacles, bones, room=False)[1:]


def _room_and_parts(points: np.ndarray, obstacles: dict[str, _Solid],
                    bones: frozenset[str], room: bool = True
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each point's clearance off the nearest surface of any of ``obstacles`` (as
    :meth:`.route_solids._Solid.clearance`, 1 cm at most; ``room`` off: 1 cm) and its tissue
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
