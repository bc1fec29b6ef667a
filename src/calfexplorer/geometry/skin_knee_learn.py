"""The skin's moves for the bent knee (:mod:`calfexplorer.geometry.skin_knee`), learnt at
build time, for the built-in skin (``calfexplorer build-assets``: :func:`builtin_knee_moves`)
and the BodyParts3D leg's (:mod:`calfexplorer.anatomy.pack_skin`): in each of
:data:`KNEES_DEG` the tissue that lies outside the posed skin (by its winding number, so that
tissue in the fold behind the knee, under the other segment's skin, is not counted) is
covered, the skin moving out smoothly in the pose along its smoothed posed normals; the skin
folded into the other segment's behind the knee stays still. The pack's muscles outside the
skin below its top cut at knee 90 / 120: 0.71 / 0.60 % -> 0.03 / 0.00 %
(``benchmarks/bench_pack_skin.py``); the built-in muscles: ``benchmarks/bench_builtin_skin.py``.

Made smooth in the rest frame instead (each vertex along its rest normal, posed with it), the
moves behind the knee, where neighbouring vertices turn by very different shares of the knee's
angle, pushed the two sides of the crease into each other: more faces turned over there than
without the moves (built-in 276 / 398 -> 387 / 459 of 30,000 at knee 90 / 120; pack 292 / 384
-> 350 / 425). Learnt in the pose, the faces the covering turned over relaxed once
(:func:`.skin_untangle.relax`) and the tissue covered again: built-in 186 / 227, pack
158 / 120; but at knee 60, where the crease is an open corner, 255 (155 without) and 308
(129). With the vertices whose need grows given up as the skin steps out, and the faces
left turned over relaxed once more round the vertices the tissue needs
(:func:`_untangle_held`): built-in 123 / 176 / 207 at knee 60 / 90 / 120, pack 50 / 76 /
94, fewer than without the moves at every knee 15-120 (muscle vertices outside the
built-in skin 0.01 / 0.08 / 0.00 -> 0.11 / 0.12 / 0.01 %).

Fitted into the pack skin itself at knee 90 and 120 instead (one shape for every pose),
400-670 of its faces turned over in the crease and vertices moved up to 113 mm: the
nearest-normal test alone pushed the skin out over the tissue the other segment's skin
already covered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.geometry import skin_fit
from calfexplorer.geometry.implicit import fast_winding_number
from calfexplorer.geometry.mesh import vertex_normals
from calfexplorer.geometry.mesh_graph import grow_by_rings, mesh_edges, neighbour_mean
from calfexplorer.geometry.skin import Skin, skin_structures
from calfexplorer.geometry.skin_knee import knee_angle_deg
from calfexplorer.geometry.skin_untangle import relax, turned_faces, vertex_turns

#: The knee angles (degrees) the moves are learnt at (blended between, and from none at 0).
KNEES_DEG = (60, 90, 120)
#: The ankle the tissue is posed at there (degrees).
ANKLE_DEG = 0
#: How far inside the skin the tissue outside it is brought (m).
MARGIN = 0.0015
#: Tissue within this of the skin's top cut, or above it, posed, is left where it is: it
#: leaves through the open top as the thigh's tissue above the cut does (the hamstrings slide
#: up their paths as the knee bends).
LID = 0.003
#: How far out along its normal a vertex is looked at to tell whether it lies in the fold
#: (m), and passes that widen and soften the fold's still part (4 passes: 60-100 more faces
#: turned over at its rim).
FOLD_PROBE = 0.002
FOLD_PASSES = 80
#: How far from the tissue outside the skin the fold is looked for (m): the moves reach
#: about half as far (:func:`.skin_fit.spread`'s radius, 30 mm, from each one's nearest
#: vertex, and its smoothing).
FOLD_REACH = 0.08
#: The most the skin moves in one step (m), and the most steps.
STEP = 0.003
STEPS = 20
#: How many rings round the faces the covering turned over are relaxed
#: (:func:`.skin_untangle.relax`).
UNTANGLE_RINGS = 5
#: The most tries at relaxing the faces the covering left turned over with the vertices the
#: tissue needs held (:func:`_untangle_held`), each holding more where the one before
#: uncovered tissue.
HELD_TRIES = 4

#: The tissue's points (those given at rest, in their order) posed at some angles (radians,
#: as :class:`calfexplorer.biomech.Pose` takes them).
PosedPoints = Callable[[dict[str, float]], np.ndarray]


def outside_points(skin: Skin, vertices: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The ``points`` lying outside the skin posed as ``vertices``, by their winding number
    (those behind their nearest vertex's normal are inside), not at or above its top cut."""
    normals = vertex_normals(vertices, skin.faces).astype(np.float64)
    h, _ = skin_fit.depths(vertices, normals, points)
    doubt = np.flatnonzero((h > 0) & (points[:, 2] < skin.cut_z - LID))
    wound = fast_winding_number(points[doubt], vertices, skin.faces)
    return points[doubt[wound < 0.5]]


def learn_move(skin: Skin, rest_bodies: dict[str, np.ndarray], bodies: dict[str, np.ndarray],
               points: np.ndarray) -> np.ndarray:
    """The move (n, 3; rest frame) that brings the tissue ``points`` posed in ``bodies`` that
    lies outside the skin posed there within :data:`MARGIN` inside it: made smooth in the
    pose (the turn of each vertex undone, :mod:`.skin_untangle`), the faces it turned over
    behind the knee relaxed once (:data:`UNTANGLE_RINGS`) and the tissue covered again, those
    still turned over relaxed round the vertices the tissue needs (:func:`_untangle_held`);
    the flat top relaxed under its rim."""
    rest = skin.vertices.astype(np.float64)
    posed = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
    targets = outside_points(skin, posed, points)
    if not len(targets):
        return np.zeros_like(rest)
    edges = mesh_edges(skin.faces)
    turns = vertex_turns(skin, rest_bodies, bodies)
    rim_ways = skin_fit.directions(skin, edges)
    way = _posed_ways(skin, posed, turns, edges, rim_ways) \
        * _unfolded(skin, posed, edges, targets)[:, None]
    move = _cover(skin, rest_bodies, bodies, turns, edges, way, targets, np.zeros_like(rest))
    v = skin.posed_vertices(rest_bodies, bodies, vertices=rest + move).astype(np.float64)
    free = np.zeros(len(rest), bool)
    free[skin.faces[turned_faces(skin, turns, v)].ravel()] = True
    free = grow_by_rings(skin.faces, free, UNTANGLE_RINGS) & ~skin_fit.on_cut(skin)
    move += np.einsum("nji,nj->ni", turns, relax(v, rest, turns, skin.faces, free) - v)
    # the relaxed skin uncovers some tissue and leaves the fold elsewhere: both looked at again
    v = skin.posed_vertices(rest_bodies, bodies, vertices=rest + move).astype(np.float64)
    targets = np.concatenate([targets, outside_points(skin, v, points)])
    way = _posed_ways(skin, v, turns, edges, rim_ways) * _unfolded(skin, v, edges, targets)[:, None]
    move = _cover(skin, rest_bodies, bodies, turns, edges, way, targets, move)
    move = _untangle_held(skin, rest_bodies, bodies, turns, targets, points, move)
    # the flat top follows its rim as one sheet (moved out by a part of its rim's move, its
    # edges next to the rim stretched up to 20 % at knee 120)
    v = skin.posed_vertices(rest_bodies, bodies, vertices=rest + move).astype(np.float64)
    top = skin_fit.on_cut(skin)
    return move + np.einsum("nji,nj->ni", turns, relax(v, rest, turns, skin.faces, top) - v)


def _cover(skin: Skin, rest_bodies: dict[str, np.ndarray], bodies: dict[str, np.ndarray],
           turns: np.ndarray, edges: np.ndarray, way: np.ndarray, targets: np.ndarray,
           move: np.ndarray) -> np.ndarray:
    """``move`` grown, step by step, each step smooth over the mesh and along ``way`` (posed),
    until the ``targets`` lie :data:`MARGIN` inside the skin posed in ``bodies``. A vertex
    whose need grows from one step to the next is given up: in the crease behind the knee,
    moving out along a way across the crease (or none, in the fold), its need was met by
    pushing its neighbours out step after step, past each other (a flap; built-in skin at
    knee 60: 155 faces turned over without the moves, 251 after the steps; the pack's 129 ->
    297)."""
    rest = skin.vertices.astype(np.float64)
    top = skin_fit.on_cut(skin)
    move = move.copy()
    last = np.full(len(rest), np.inf)
    stuck = np.zeros(len(rest), bool)
    for _ in range(STEPS):
        v = skin.posed_vertices(rest_bodies, bodies, vertices=rest + move).astype(np.float64)
        need = skin_fit.needs(v, vertex_normals(v, skin.faces).astype(np.float64), targets,
                              MARGIN)
        need[top] = 0.0
        stuck |= need > last
        last = need.copy()
        need[stuck] = 0.0
        if need.max() < skin_fit.DONE:
            break
        step = skin_fit.spread(rest + move, edges, np.minimum(need, STEP))[:, None] * way
        move += np.einsum("nji,nj->ni", turns, step)
    return move


def _untangle_held(skin: Skin, rest_bodies: dict[str, np.ndarray],
                   bodies: dict[str, np.ndarray], turns: np.ndarray,
                   targets: np.ndarray, points: np.ndarray, move: np.ndarray) -> np.ndarray:
    """``move`` with the faces it leaves turned over relaxed (:data:`UNTANGLE_RINGS` rings
    round them) while the vertices the ``targets`` need hold; where the relaxed skin leaves
    more of the tissue ``points`` outside, the vertices nearest it and a ring round them hold
    too and the relaxation is tried again (:data:`HELD_TRIES`); kept if it turns faces back
    and leaves no more tissue outside. (Pack, knee 120: 129 -> 95 faces turned over; more
    passes turned back 0-2 more.)"""
    rest = skin.vertices.astype(np.float64)
    v = skin.posed_vertices(rest_bodies, bodies, vertices=rest + move).astype(np.float64)
    turned = turned_faces(skin, turns, v)
    free = np.zeros(len(rest), bool)
    free[skin.faces[turned].ravel()] = True
    free = grow_by_rings(skin.faces, free, UNTANGLE_RINGS) & ~skin_fit.on_cut(skin)
    # (only the tissue next to the free vertices can be uncovered: the winding numbers of
    # the rest took most of the time)
    look = points[grow_by_rings(skin.faces, free, 1)[cKDTree(v).query(points)[1]]]
    bare = len(outside_points(skin, v, look))
    hold = skin_fit.needs(v, vertex_normals(v, skin.faces).astype(np.float64), targets,
                          MARGIN) > 0
    for _ in range(HELD_TRIES):
        tried = move + np.einsum("nji,nj->ni", turns,
                                 relax(v, rest, turns, skin.faces, free & ~hold) - v)
        w = skin.posed_vertices(rest_bodies, bodies, vertices=rest + tried).astype(np.float64)
        out = outside_points(skin, w, look)
        if len(out) <= bare:
            return tried if turned_faces(skin, turns, w).sum() < turned.sum() else move
        near = np.zeros(len(rest), bool)
        near[cKDTree(w).query(out)[1]] = True
        hold |= grow_by_rings(skin.faces, near, 1)
    return move


def _posed_ways(skin: Skin, posed: np.ndarray, turns: np.ndarray, edges: np.ndarray,
                rim_ways: np.ndarray) -> np.ndarray:
    """The way each vertex moves out in the pose: the posed normals smoothed as
    :func:`.skin_fit.directions` smooths the rest ones (rest ways turned with the knee moved
    the two sides of the fold into each other), but near the top cut its rest way
    (``rim_ways``: :func:`.skin_fit.directions`) turned."""
    n = vertex_normals(posed, skin.faces).astype(np.float64)
    for _ in range(skin_fit.DIRECTION_PASSES):
        n = n + neighbour_mean(edges, n, len(n))
        n /= np.linalg.norm(n, axis=1, keepdims=True)
    rim = skin.vertices[:, 2] > skin.cut_z - skin_fit.BELOW_CUT
    n[rim] = np.einsum("nij,nj->ni", turns[rim], rim_ways[rim])
    return n


def _unfolded(skin: Skin, posed: np.ndarray, edges: np.ndarray,
              targets: np.ndarray) -> np.ndarray:
    """Per vertex 1, but 0 in the fold behind the knee, where the skin posed lies inside the
    other segment's (a little out along its normal, by the winding number; looked at within
    :data:`FOLD_REACH` of the ``targets`` alone): moved, its squeezed faces there turned
    over; smoothed over the mesh's ``edges``."""
    normals = vertex_normals(posed, skin.faces).astype(np.float64)
    d, _ = cKDTree(targets).query(posed, distance_upper_bound=FOLD_REACH)
    look = np.flatnonzero(np.isfinite(d))
    out = np.ones(len(posed))
    probe = posed[look] + FOLD_PROBE * normals[look]
    out[look[fast_winding_number(probe, posed, skin.faces) > 0.5]] = 0.0
    for _ in range(FOLD_PASSES):
        out = np.minimum(out, neighbour_mean(edges, out, len(out)))
    return out


def learn_knee_moves(skin: Skin, rest_points: np.ndarray, posed_points: PosedPoints,
                     knees_deg: Sequence[float] = KNEES_DEG) -> Skin:
    """``skin`` with its moves for the bent knee learnt over the tissue ``rest_points``
    (rest pose) as ``posed_points`` poses it at ``knees_deg`` (ankle :data:`ANKLE_DEG`)."""
    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.source import pose_state

    plain = replace(skin, knee_grid=None, knee_moves=None)
    keep = skin_fit.covered(skin, rest_points)
    rest_bodies = pose_state(None).bodies
    moves, grid = [], []
    for knee in knees_deg:
        angles = skin_fit.angles_of(knee, ANKLE_DEG)
        points = posed_points(angles)[keep]
        bodies = pose_state(Pose(**angles)).bodies
        moves.append(learn_move(plain, rest_bodies, bodies, points))
        grid.append(knee_angle_deg(rest_bodies, bodies))  # (as posing reads it: a degree off)
    return replace(skin, knee_grid=np.asarray(grid, np.float64),
                   knee_moves=np.stack(moves).astype(np.float32))


def builtin_knee_moves(skin: Skin, assets: Any) -> Skin:
    """The built-in ``skin`` with its moves for the bent knee learnt over the bones, muscles
    and tendons of ``assets`` (an :class:`~calfexplorer.assets.AssetSet`) it wraps, posed as
    the scene poses them (:class:`~calfexplorer.geometry.deform.Deformer`)."""
    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.deform import Deformer
    from calfexplorer.geometry.source import pose_state

    ids = skin_structures(assets, skin.cut_z)
    deformer = Deformer(assets)
    rest = np.concatenate([np.asarray(assets.meshes[s].vertices, np.float64) for s in ids])

    def posed(angles: dict[str, float]) -> np.ndarray:
        return skin_fit.stack_posed(deformer.pose(pose_state(Pose(**angles))), assets.meshes,
                                    ids)

    return learn_knee_moves(skin, rest, posed)
