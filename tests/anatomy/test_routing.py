"""Routing kept tubes at pack build time (anatomy.routing and the route_* modules it routes
with) and moving them off the posed tissue (anatomy.posed_routes), on made-up input."""

from __future__ import annotations

from typing import Any

import numpy as np

from calfexplorer.anatomy.posed_routes import clear_out, clear_runs, fair_turns, posed_cost
from calfexplorer.anatomy.route_apply import drawn_routes, eased_offsets
from calfexplorer.anatomy.route_finding import route
from calfexplorer.anatomy.route_laying import lay_through
from calfexplorer.anatomy.route_lines import _cheapest, _turns
from calfexplorer.anatomy.route_solids import RUN_POINTS, inside_share, solids
from calfexplorer.anatomy.route_tubes import Tube
from calfexplorer.anatomy.routing import ease, lay_rest
from calfexplorer.geometry.mesh import Mesh, vertex_normals


def test_a_tube_with_nothing_around_it_is_not_moved() -> None:
    z = np.linspace(0.0, 0.2, 12)
    tube = Tube(np.stack([np.zeros_like(z), np.zeros_like(z), z], 1), np.full(12, 0.002), 12, 8)
    assert np.array_equal(route(tube, {}, []), np.zeros((12, 3)))


def _stepped(step: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """A straight built-in course down z (12 stations 15 mm apart) and a route that steps
    ``step`` sideways (+x) between stations 5 and 6."""
    z = np.linspace(0.0, 0.165, 12)
    c0 = np.stack([np.zeros_like(z), np.zeros_like(z), z], 1)
    c = c0.copy()
    c[6:, 0] = step
    return c0, c


def _ball_at(centre: np.ndarray, radius: float) -> dict[str, Any]:
    ball = _ball(radius)
    v = ball.vertices + np.asarray(centre, np.float32)
    return solids({"ball": Mesh(v, ball.faces, ball.normals)})


def test_a_route_stepping_sideways_is_eased_where_no_tissue_is_in_the_way() -> None:
    """The step turns the route 53 degrees twice; eased, it turns less, its ends stay, and
    only the stations at the step move."""
    c0, c = _stepped()
    eased = ease(c0, c, _ball_at(np.array([1.0, 0.0, 0.0]), 0.01))  # tissue far off
    assert _turns(c).max() > 45 and _turns(c + eased).max() < 0.75 * _turns(c).max()
    moved = np.flatnonzero(np.abs(eased).max(axis=1) > 0)
    assert moved.tolist() == [5, 6]
    assert np.allclose((c + eased)[[5, 6], 0], [0.005, 0.015])


def test_a_route_is_not_eased_into_tissue_nor_where_it_turns_gently() -> None:
    c0, c = _stepped()
    # a ball 3 mm beside the midpoint of the run from station 4 to 5: clear of the route,
    # but round the run the eased line would take (its midpoint 0.5 mm from the centre)
    centre = 0.5 * (c[4] + c[5]) + np.array([0.003, 0.0, 0.0])
    ball = _ball_at(centre, 0.002)
    assert not ball["ball"].inside(0.5 * (c[1:] + c[:-1])).any()
    assert np.array_equal(ease(c0, c, ball), np.zeros((12, 3)))
    c0, gentle = _stepped(0.004)  # turns of 15 degrees: left as routed
    assert np.array_equal(ease(c0, gentle, _ball_at(np.array([1.0, 0.0, 0.0]), 0.01)),
                          np.zeros((12, 3)))


def _plate(lo: tuple[float, float, float], hi: tuple[float, float, float]) -> dict[str, Any]:
    """A closed box (a thin plate of tissue) from ``lo`` to ``hi``, its faces subdivided."""
    import trimesh

    lo_, hi_ = np.asarray(lo), np.asarray(hi)
    box = trimesh.creation.box(extents=hi_ - lo_,
                               transform=trimesh.transformations.translation_matrix(
                                   (lo_ + hi_) / 2)).subdivide().subdivide()
    v, f = box.vertices.astype(np.float32), np.asarray(box.faces)
    return solids({"plate": Mesh(v, f, vertex_normals(v, f))})


def test_a_run_crossing_thin_tissue_between_its_midpoint_and_its_ends_is_seen() -> None:
    """A straight tube (stations 15 mm apart down x) crosses a plate 3 mm thick between a
    station and the next run's midpoint: judged at the midpoints it lies clear; judged along
    its runs, 1/5 of one run lies inside."""
    x = np.arange(6) * 0.015
    c = np.stack([x, np.zeros_like(x), np.zeros_like(x)], 1)
    plate = _plate((0.0185, -0.006, -0.006), (0.0215, 0.006, 0.006))
    assert not plate["plate"].inside(0.5 * (c[1:] + c[:-1])).any()
    assert inside_share(c, plate, points=1) == {}
    assert np.isclose(inside_share(c, plate)["plate"], 1 / RUN_POINTS / 5)


def test_a_posed_tube_crossing_tissue_between_stations_is_moved_off_it() -> None:
    """A posed tube whose run crosses a plate between its midpoint and its end (the learnt moves,
    judging midpoints, leave it so) is moved off it a station and its neighbours at a time
    (:func:`clear_runs`): judged at :data:`RUN_POINTS` points per run nothing lies inside, its
    ends stay, it turns gently; inside its own muscle it is left as it is."""
    x = np.arange(12) * 0.015
    c = np.stack([x, np.zeros_like(x), np.zeros_like(x)], 1)
    plate = _plate((0.0785, -0.003, -0.003), (0.0815, 0.003, 0.003))  # in run 5, off-centre
    assert inside_share(c, plate, points=1) == {} and inside_share(c, plate)
    d = clear_runs(c, plate)
    assert not inside_share(c + d, plate)
    assert not d[[0, -1]].any() and np.linalg.norm(d, axis=1).max() < 0.01
    assert _turns(c + d).max() < 30.0
    own = _ball_at(np.array([0.08, 0.0, 0.0]), 0.008)
    assert not clear_runs(c, plate, own).any()
    assert not clear_runs(c + np.array([0.0, 0.02, 0.0]), plate).any()


def _bumped(rise: float = 0.012) -> tuple[np.ndarray, np.ndarray]:
    """A straight posed tube down x (12 stations 10 mm apart) and the same moved so that
    stations 5-6 stand ``rise`` off it (+y): a move turning it 50 degrees four times."""
    x = np.arange(12) * 0.010
    c = np.stack([x, np.zeros_like(x), np.zeros_like(x)], 1)
    moved = c.copy()
    moved[5:7, 1] = rise
    return c, moved


def test_a_posed_tube_kinked_by_its_move_is_eased() -> None:
    """A move out of the tissue that turns a taut tube sharply (the common fibular nerve round
    the medial border of biceps femoris at knee 120: 60 degrees where it turned 36) has its
    turns spread over more stations (:func:`fair_turns`): under
    :data:`~calfexplorer.anatomy.posed_routes.FAIR_TURN_DEG`, its ends staying."""
    c, moved = _bumped()
    assert _turns(moved).max() > 50.0
    radii = np.full(len(c), 0.001)
    d = fair_turns(c, moved, radii, _ball_at(np.array([1.0, 0.0, 0.0]), 0.01))  # far off
    assert _turns(moved + d).max() <= 45.0
    assert not d[[0, 1, -2, -1]].any()
    assert not fair_turns(moved, moved, radii, {}).any()  # it turned so before the move


def test_a_posed_tube_is_not_eased_into_tissue() -> None:
    """Where tissue lies under the bump the move took it round, the eased tube keeps clear of
    it: the bump's top cannot come down, so its flanks spread; the tube turns less."""
    c, moved = _bumped()
    plate = _plate((0.047, -0.005, -0.005), (0.063, 0.008, 0.005))
    radii = np.full(len(c), 0.001)
    assert not inside_share(moved, plate)
    d = fair_turns(c, moved, radii, plate)
    assert d.any() and not inside_share(moved + d, plate)
    assert (moved + d)[5:7, 1].min() >= 0.008 + 0.001
    assert _turns(moved + d).max() < _turns(moved).max()


def test_a_rest_route_crossing_thin_tissue_is_laid_round_it() -> None:
    """The build lays such a route again (:func:`lay_rest`, judging its runs at
    :data:`RUN_POINTS` points): round the plate, smoothly. Judged at the midpoints only (as the
    posed tubes' moves are made) the crossing is not seen; a route clear of it is left alone."""
    x = np.arange(12) * 0.015
    c = np.stack([x, np.zeros_like(x), np.zeros_like(x)], 1)
    plate = _plate((0.0785, -0.003, -0.003), (0.0815, 0.003, 0.003))  # in run 5, off-centre
    tube = Tube(c, np.full(len(c), 0.001), len(c), 8)
    assert not lay_through(c, tube.radii, plate, c).any()
    moved = c + lay_rest(tube, np.zeros_like(c), plate, frozenset())
    assert inside_share(c, plate) and not inside_share(moved, plate)
    assert _turns(moved).max() < 30.0
    assert not lay_rest(tube, np.full_like(c, [0.0, 0.02, 0.0]), plate, frozenset()).any()


def test_a_posed_tube_is_judged_along_its_runs_but_not_in_its_own_muscle() -> None:
    """The learning chooses between a posed tube's moves by :func:`posed_cost`, which sees the
    plate between the midpoints; a vessel's length inside its own muscle (``own``, here a ball
    round the plate) is not counted; a tube of one station costs nothing."""
    x = np.arange(6) * 0.015
    c = np.stack([x, np.zeros_like(x), np.zeros_like(x)], 1)
    plate = _plate((0.0185, -0.006, -0.006), (0.0215, 0.006, 0.006))
    assert np.isclose(posed_cost(c, plate), 1 / RUN_POINTS / 5)
    own = _ball_at(np.array([0.02, 0.0, 0.0]), 0.008)
    assert posed_cost(c, plate, own) == 0.0
    assert posed_cost(c[:1], plate) == 0.0 and inside_share(c[:1], plate) == {}


def test_a_route_is_not_eased_through_thin_tissue_its_midpoints_miss() -> None:
    """Eased, the run from station 4 to 5 would cross a plate 3 mm thick a third of the way
    along, its midpoint clear: the route is left as it is."""
    c0, c = _stepped()
    plate = _plate((0.0008, -0.004, 0.0635), (0.004, 0.004, 0.0665))
    eased = c + ease(c0, c, _ball_at(np.array([1.0, 0.0, 0.0]), 0.01))
    assert not inside_share(eased, plate, points=1) and inside_share(eased, plate)
    assert not inside_share(c, plate)
    assert np.array_equal(ease(c0, c, plate), np.zeros((12, 3)))


def test_the_cheapest_sequence_trades_closeness_for_smoothness() -> None:
    """Three stations, each with two places; the middle one's nearer place (cost 0) makes a
    jump both ways that costs more than taking its farther place."""
    unary = [np.array([0.0, 5.0]), np.array([0.0, 1.0]), np.array([0.0, 5.0])]
    jump = np.array([[0.0, 3.0], [3.0, 0.0]])
    step_to_first = np.array([[3.0, 0.0], [0.0, 3.0]])  # place 1 of the middle is beside 0s
    assert _cheapest(unary, [step_to_first, step_to_first.T]) == [0, 1, 0]
    assert _cheapest(unary, [jump, jump]) == [0, 0, 0]
    unary[1] = np.array([np.inf, 1.0])  # a place ruled out is never taken
    assert _cheapest(unary, [jump, jump])[1] == 1


def _ball(radius: float, n: int = 24) -> Mesh:
    """A closed UV sphere about the origin."""
    theta, phi = np.linspace(0.0, np.pi, n + 1)[1:-1], np.linspace(0.0, 2 * np.pi, 2 * n,
                                                                  endpoint=False)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    v = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], -1).reshape(-1, 3)
    v = np.concatenate([v, [[0, 0, 1], [0, 0, -1]]]) * radius
    m, k = len(theta), 2 * n
    faces = []
    for i in range(m - 1):
        for j in range(k):
            a, b = i * k + j, i * k + (j + 1) % k
            faces += [(a, a + k, b), (b, a + k, b + k)]
    for j in range(k):
        faces += [(m * k, (j + 1) % k, j), (m * k + 1, (m - 1) * k + j, (m - 1) * k + (j + 1) % k)]
    f = np.array(faces)
    return Mesh(v.astype(np.float32), f, vertex_normals(v.astype(np.float32), f))


def _tube_through_ball() -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """A ball 10 mm in radius, a straight tube 1 mm thick posed through it off its centre
    (stations 5 mm apart), and the tube's radii."""
    z = np.linspace(-0.06, 0.06, 25)
    through = np.stack([np.full_like(z, 0.003), np.zeros_like(z), z], 1)
    return solids({"ball": _ball(0.01)}), through, np.full(len(z), 0.001)


def test_a_posed_tube_is_moved_out_of_the_tissue_it_runs_into() -> None:
    """A tube posed through a ball is moved out of it; its far ends are not moved, and a
    tube clear of the ball is left alone."""
    ball, through, radii = _tube_through_ball()
    moved = through + clear_out(through, radii, ball)
    assert inside_share(through, ball)["ball"] > 0.1
    assert not inside_share(moved, ball)
    assert np.allclose(moved[:3], through[:3]) and np.allclose(moved[-3:], through[-3:])
    beside = through + [0.02, 0.0, 0.0]
    assert not clear_out(beside, radii, ball).any()


def test_the_winding_number_in_single_precision_matches_the_reference() -> None:
    from calfexplorer.geometry.implicit import winding_number

    mesh = _ball(0.01)
    points = np.random.default_rng(3).normal(size=(400, 3)) * 0.008
    fast = solids({"ball": mesh})["ball"].winding(points)
    assert np.allclose(fast, winding_number(points, mesh.vertices, mesh.faces), atol=1e-5)


def test_a_posed_tube_is_laid_smooth_through_the_least_tissue() -> None:
    """A tube posed through a ball is laid round it (its far ends not moved); a tube kinked
    beside the ball is smoothed; a straight tube clear of it is left alone."""
    ball, through, radii = _tube_through_ball()
    moved = through + lay_through(through, radii, ball)
    assert inside_share(through, ball)["ball"] > 0.1
    assert not inside_share(moved, ball)
    assert np.allclose(moved[:3], through[:3]) and np.allclose(moved[-3:], through[-3:])
    kinked = through + [0.03, 0.0, 0.0]
    kinked[12, 0] += 0.02  # a spike: two turns of ~140 degrees
    smoothed = kinked + lay_through(kinked, radii, ball, rest=through)
    assert _turns(smoothed).max() < 90.0 < _turns(kinked).max()
    assert posed_cost(smoothed, ball) < posed_cost(kinked, ball)
    beside = through + [0.02, 0.0, 0.0]
    assert not lay_through(beside, radii, ball).any()



def test_a_later_try_that_weaves_round_the_tissue_is_not_taken(monkeypatch: Any) -> None:
    """Of the re-laying's tries, one that misses all tissue by weaving from side to side
    (turning 60+ degrees more in all than the first try) is not taken over the first, which
    still leaves some inside (in the deep squat such a try laid the tibial nerve in jogs)."""
    from calfexplorer.anatomy import route_laying

    ball, through, radii = _tube_through_ball()
    lines: list[np.ndarray] = []

    def one_line_a_try(target: np.ndarray, *_args: Any) -> np.ndarray:
        if not lines:  # the first try: 4 mm aside, still partly in the ball
            line = target + [0.004, 0.0, 0.0]
        else:  # then: clear of the ball, weaving 12-16 mm aside (turns ~77 degrees)
            line = target + [[0.012 + 0.004 * (i % 2), 0.0, 0.0] for i in range(len(target))]
        lines.append(line)
        return line

    monkeypatch.setattr(route_laying, "_lay_line", one_line_a_try)
    tries = ((60.0, 0.005), (6.0, 0.005))
    moved = through + lay_through(through, radii, ball, smoothing=route_laying.LAY_WIDE,
                                  tries=tries)
    first, weaving = lines
    assert len(lines) == 2 and _turns(weaving).max() < 90.0  # only its weaving rules it out
    assert inside_share(moved, ball)  # the first try's line, some of it inside
    assert np.allclose(moved[moved[:, 0] != through[:, 0]], first[first[:, 0] != 0.003])


def test_inside_and_free_answer_alike_however_the_points_are_asked() -> None:
    """The inside test remembers the winding numbers it computed and ``free`` finds the
    nearest vertices once for both its tests: asked again, one point at a time or all at
    once, a point gets the same answer, and ``free`` the answer of the two tests apart."""
    rng = np.random.default_rng(5)
    points = rng.normal(size=(300, 3)) * 0.007 + [0.002, 0.0, 0.0]
    clear = rng.uniform(0.0, 0.003, len(points))
    ask = lambda: solids({"ball": _ball(0.01)})["ball"]  # noqa: E731 (a fresh solid each)
    inside = ask().inside(points)
    assert 0.1 < inside.mean() < 0.9
    again = ask()
    assert np.array_equal(np.concatenate([again.inside(p[None]) for p in points]), inside)
    assert np.array_equal(again.inside(points), inside)
    assert np.array_equal(again.inside(points[::-1]), inside[::-1])
    deep = ask().inside(points, deep=0.002)
    assert np.array_equal(np.concatenate([again.inside(p[None], deep=0.002) for p in points]),
                          deep)
    apart = (ask().clearance(points) >= clear) & ~ask().inside(points)
    assert np.array_equal(ask().free(points, clear, exact=True), apart)
    assert np.array_equal(again.free(points, clear, exact=True), apart)
    assert np.array_equal(ask().free(points, clear), ask().clearance(points) >= clear)


def test_the_leg_keeps_of_each_route_only_how_it_is_drawn_eased() -> None:
    """The window holds, per route, its layout and its easing as drawn, as an array: the same
    easing the kept tubes are posed from, zeros where the tube is drawn as built in."""
    doc = {"stations": 3, "ring": 8, "builtin_sha256": "0" * 64, "max_shift_mm": 4.0,
           "offsets_m": [[0.001, 0.0, 0.0]] * 3,
           "eased_m": [[0.0, 0.002, 0.0], [0.0, 0.001, 0.0], [0.0, 0.0, 0.0]]}
    routes = {"tibial_nerve": doc, "sural_nerve": dict(doc), "broken": {"ring": 8}}
    kept = drawn_routes(routes, routed={"tibial_nerve"})
    assert set(kept) == {"tibial_nerve", "sural_nerve"}
    assert set(kept["tibial_nerve"]) == {"stations", "ring", "eased_m"}
    assert (kept["tibial_nerve"]["stations"], kept["tibial_nerve"]["ring"]) == (3, 8)
    np.testing.assert_array_equal(kept["tibial_nerve"]["eased_m"], eased_offsets(doc))
    assert kept["tibial_nerve"]["eased_m"][0, 1] == 0.002
    np.testing.assert_array_equal(kept["sural_nerve"]["eased_m"], np.zeros((3, 3)))
