"""A posed kept tube's moves off the posed tissue, which the pack's poser learns in sample poses
(:mod:`.leg_poser`), and how badly a posed tube lies (:func:`posed_cost`): its stretch inside
routed out again (:func:`clear_out`), one station's neighbourhood at a time moved off the
tissue its runs cross (:func:`clear_runs`), and the sharp turns such a move made eased
(:func:`fair_turns`). Laying it through the least tissue: :mod:`.route_laying`."""

from __future__ import annotations

import numpy as np

from calfexplorer.anatomy.route_finding import route
from calfexplorer.anatomy.route_lines import _disc_across, _smooth, _turns
from calfexplorer.anatomy.route_solids import (
    GAP_M,
    RUN_POINTS,
    _between,
    _inside_length,
    _inside_parts,
    _inside_runs,
    _points_inside,
    _Solid,
    _step_free,
)
from calfexplorer.anatomy.route_tubes import Tube

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
    last, :data:`CLEAR_MARGIN` stations more either side, routed as :func:`.route_finding.route`
    routes a built-in tube (no companions), the move fading out over :data:`CLEAR_FADE` stations
    at each end of the stretch (but at the tube's); smoothed where it kinks the tube
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
    exact test; not where inside ``own``, as :func:`posed_cost`): each station of the worst such
    run may take a place on a disc across the tube (:func:`.route_lines._disc_across`), its
    neighbours following part of the way (:data:`_CLEAR_RUN_FADE`); the place leaving the least
    of the runs nearby inside, then the nearest, is taken where it leaves less inside and turns
    the tube there no more sharply than :data:`CLEAR_RUN_TURN_DEG` or than before. The tube's
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
    :data:`FAIR_TURN_DEG` and than the tube turned before it (``centres``, and ``moved`` after
    it): over the stretch within :data:`FAIR_REACH` stations of them, each pass moves every
    third station by a share of its bending (the fourth difference of the stations along the
    tube, which spreads a bend over more stations where a pull towards the neighbours' middle,
    as :func:`.routing._smooth_start`'s, draws it tight round the tissue), as far as it and its
    runs stay clear of the ``obstacles`` (``radii`` and 1 mm more, or the room it had). The two
    stations at each end of the stretch stay. Zeros where nothing turns so, or where the result
    turns no less sharply or lays any run more inside (judged at :data:`RUN_POINTS` points,
    exact test; not where inside ``own``, as :func:`posed_cost`)."""
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
