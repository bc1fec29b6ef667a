"""The BodyParts3D leg's own skin: the built-in skin moved outward, smoothly, where the pack's
tissue (bulkier than the built-in muscles in places: 22 % of its muscle vertices below the
skin's top cut lay outside the built-in skin, up to 28 mm, and showed through the plain skin in
dark-red patches) comes within :data:`MARGIN` of it or pokes through, at rest and with the ankle
bent either way (:data:`FIT_POSES_DEG`).

Its vertices and faces are the built-in skin's, in the same order, with the same body per
vertex: the skin map's areas (dermatomes, territories, a lesion's numb skin, study questions)
are per vertex and keep applying; it poses as the built-in skin does. Saved in the pack folder
as :data:`calfexplorer.geometry.skin.SKIN_FILE` at build time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.geometry.implicit import taubin_smooth
from calfexplorer.geometry.mesh import vertex_normals
from calfexplorer.geometry.skin import SKIN_FILE, Skin, save_skin

#: How far inside the skin the pack's tissue is kept (m).
MARGIN = 0.0018
#: The least radius over which one vertex's move fades to nothing (m), and how many times its
#: move the radius is at least (a gentle slope for a large move).
SPREAD = 0.03
SPREAD_PER_MOVE = 4.0
#: The most the skin moves in one step (m), and the most steps.
STEP = 0.002
STEPS = 30
#: Tissue deeper than this under the unmoved skin is not looked at again (m).
NEAR = 0.008
#: Taubin iterations that smooth the moved skin after each step.
SMOOTH_ITERATIONS = 3
#: A step is not taken for a need under this (m).
DONE = 0.0002
#: Passes that smooth the normals into the ways the vertices move out.
DIRECTION_PASSES = 60
#: Passes of smoothing that round off the crests where two fading moves meet.
SMOOTH_PASSES = 12
#: Kinds of pack mesh the skin covers.
COVERED_KINDS = frozenset({"muscle", "tendon", "bone", "artery", "vein"})
#: Tissue this close below the skin's flat top cut is not covered (it runs on up the thigh).
BELOW_CUT = 0.01
#: Poses (knee, ankle; degrees) besides rest in which the tissue is kept inside. Not the
#: bent knee: when the skin followed the femur or the tibia rigidly, vertex by vertex, and
#: parted there, fitted at knee 90 and 120 too it moved out 13.7 mm on average (8.5 mm
#: without), 93 of its faces turned over, and 9-10 % of the pack's muscle vertices still lay
#: outside it at knee 90 (10.6 % without). Blended across the knee
#: (:mod:`calfexplorer.geometry.skin_blend`) it is not fitted there either: fitted at knee 90
#: and then 120, 400-670 faces turned over in the crease and vertices moved up to 113 mm.
FIT_POSES_DEG = ((0, -30), (0, 30))  # (the bent knee has moves of its own: .pack_skin_knee)


def covered(skin: Skin, rest_points: np.ndarray) -> np.ndarray:
    """Which tissue points (rest pose) the skin covers: those below its top cut."""
    return np.asarray(rest_points[:, 2] < skin.cut_z - BELOW_CUT)


def depths(vertices: np.ndarray, normals: np.ndarray, points: np.ndarray) -> tuple[
        np.ndarray, np.ndarray]:
    """How far each point lies outside the skin (metres, negative inside), along the normal of
    its nearest skin vertex, and that vertex."""
    _, idx = cKDTree(vertices).query(points)
    return np.einsum("ij,ij->i", points - vertices[idx], normals[idx]), idx


def needs(vertices: np.ndarray, normals: np.ndarray, points: np.ndarray,
          margin: float = MARGIN) -> np.ndarray:
    """The outward move each skin vertex needs so that the tissue ``points`` near it lie
    ``margin`` inside (0 where none is that close)."""
    out = np.zeros(len(vertices))
    h, idx = depths(vertices, normals, points)
    close = h > -margin
    np.maximum.at(out, idx[close], h[close] + margin)
    return out


def spread(vertices: np.ndarray, edges: np.ndarray, need: np.ndarray) -> np.ndarray:
    """A smooth outward move at least ``need`` at every vertex: each need fades to nothing over
    a radius (:data:`SPREAD`, or :data:`SPREAD_PER_MOVE` times it), the largest taken, then the
    crests smoothed over the mesh's ``edges`` (:func:`_edges`; never below the need)."""
    move = need.copy()
    src = np.flatnonzero(need > 0)
    if not len(src):
        return move
    radius = np.maximum(SPREAD, SPREAD_PER_MOVE * need[src])
    pairs = cKDTree(vertices[src]).sparse_distance_matrix(
        cKDTree(vertices), float(radius.max()), output_type="ndarray")
    i, j, d = pairs["i"], pairs["j"], pairs["v"]
    t = d / radius[i]
    near = t < 1
    np.maximum.at(move, j[near], need[src][i[near]] * (1 - t[near] ** 2) ** 2)
    for _ in range(SMOOTH_PASSES):
        move = np.maximum(need, 0.5 * move + 0.5 * _mean(edges, move, len(vertices)))
    return move


def _edges(faces: np.ndarray) -> np.ndarray:
    """Each edge of the mesh both ways (from, to)."""
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    return np.unique(np.concatenate([e, e[:, ::-1]]), axis=0)


def _mean(edges: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The mean of each vertex's neighbours' ``values`` (n,) or (n, k)."""
    count = np.maximum(np.bincount(edges[:, 0], minlength=n), 1).astype(float)
    if values.ndim == 1:
        return np.bincount(edges[:, 0], weights=values[edges[:, 1]], minlength=n) / count
    return np.stack([_mean(edges, values[:, k], n) for k in range(values.shape[1])], axis=1)


def directions(skin: Skin, edges: np.ndarray) -> np.ndarray:
    """The way each vertex moves out: its normal smoothed over its neighbours (so that moves
    along them do not cross in the hollows), and on the flat top cut, outward across it in
    proportion to the distance from its middle (the cut widens with the sides)."""
    n = skin.normals.astype(np.float64)
    for _ in range(DIRECTION_PASSES):
        n = n + _mean(edges, n, len(n))
        n /= np.linalg.norm(n, axis=1, keepdims=True)
    top = _on_cut(skin)
    rim = skin.vertices[:, 2] > skin.cut_z - BELOW_CUT
    v = skin.vertices.astype(np.float64)
    out = v[:, :2] - v[top, :2].mean(axis=0)
    radius = np.linalg.norm(out[rim & ~top], axis=1).max()
    n[top] = np.column_stack([out[top] / radius, np.zeros(top.sum())])
    n[rim & ~top, 2] = 0.0
    n[rim & ~top] /= np.linalg.norm(n[rim & ~top], axis=1, keepdims=True)
    return n


def fit_skin(skin: Skin, rest_points: np.ndarray,
             posed: Iterable[tuple[np.ndarray, Mapping[str, np.ndarray], Mapping[str, np.ndarray]]]
             = ()) -> Skin:
    """``skin`` moved out over the tissue ``rest_points`` (rest pose, metres) and, for each of
    ``posed`` (the same points posed, the bodies' transforms at rest and in that pose), the
    tissue in that pose; the points above the skin's top cut are left out.

    Each vertex moves along a fixed way out (:func:`directions`) by a smooth amount, raised in
    steps of at most :data:`STEP` until no tissue lies within :data:`MARGIN` of the skin or
    :data:`STEPS` are taken.
    """
    keep = covered(skin, rest_points)
    rest = skin.vertices.astype(np.float64)
    clouds: list[tuple[np.ndarray, Any, Any]] = [(_near(rest, skin, rest_points[keep]), None,
                                                  None)]
    for p, rb, b in posed:
        at = skin.posed_vertices(dict(rb), dict(b)).astype(np.float64)
        clouds.append((_near(at, skin, np.asarray(p, np.float64)[keep]), dict(rb), dict(b)))
    edges = _edges(skin.faces)
    way = directions(skin, edges)
    top = _on_cut(skin)
    moved = rest.copy()
    for _ in range(STEPS):
        need = np.zeros(len(rest))
        for points, rest_bodies, bodies in clouds:
            v = moved if bodies is None else skin.posed_vertices(
                rest_bodies, bodies, vertices=moved).astype(np.float64)
            need = np.maximum(need, needs(v, vertex_normals(v, skin.faces).astype(np.float64),
                                          points))
        need[top] = 0.0
        if need.max() < DONE:
            break
        moved = moved + spread(moved, edges, np.minimum(need, STEP))[:, None] * way
        # the moved skin smoothed (its small triangles would fold), the unmoved left as it is
        smooth = taubin_smooth(moved, skin.faces, iterations=SMOOTH_ITERATIONS)
        weight = np.clip(np.linalg.norm(moved - rest, axis=1) / STEP, 0, 1)[:, None]
        moved = moved + weight * (smooth - moved)
    # never inward (the smoothing pulls a hollow's vertices in a little): back onto the
    # built-in skin's tangent plane, the move along the surface kept
    normals = skin.normals.astype(np.float64)
    inward = np.minimum(np.einsum("ij,ij->i", moved - rest, normals), 0.0)
    out = (moved - inward[:, None] * normals).astype(np.float32)
    return replace(skin, vertices=out, normals=vertex_normals(out, skin.faces))


def _near(vertices: np.ndarray, skin: Skin, points: np.ndarray) -> np.ndarray:
    """The points that lie outside the skin (``vertices``) or within :data:`NEAR` of it: the
    others never reach the skin as it moves out."""
    h, _ = depths(vertices, vertex_normals(vertices, skin.faces).astype(np.float64), points)
    return points[h > -NEAR]


def _on_cut(skin: Skin) -> np.ndarray:
    """The vertices of the skin's flat top (they stay where they are)."""
    return np.asarray((skin.vertices[:, 2] > skin.cut_z - 0.002) & (skin.normals[:, 2] > 0.7))


def pack_points(pack: Any) -> tuple[list[str], np.ndarray]:
    """The ids of the pack's meshes the skin covers, and their vertices stacked (rest pose)."""
    ids = sorted(sid for sid in pack.meshes if pack.kinds.get(sid) in COVERED_KINDS)
    return ids, np.concatenate([np.asarray(pack.meshes[s].vertices, np.float64) for s in ids])


def posed_points(poser: Any, pack: Any, ids: list[str], angles: Mapping[str, float]) -> np.ndarray:
    """The vertices of the pack meshes ``ids`` posed by ``poser`` (a
    :class:`calfexplorer.anatomy.leg_poser.PackLegPoser`) at ``angles``, stacked."""
    posed = poser(dict(angles))
    out = []
    for sid in ids:
        if sid in posed.vertices:
            out.append(np.asarray(posed.vertices[sid], np.float64))
        else:
            t = np.asarray(posed.transforms[sid], np.float64)
            out.append(np.asarray(pack.meshes[sid].vertices, np.float64) @ t[:3, :3].T + t[:3, 3])
    return np.concatenate(out)


def angles_of(knee_deg: float, ankle_deg: float) -> dict[str, float]:
    """Pose angles (radians) for a knee and ankle in degrees."""
    return {"knee": np.radians(knee_deg), "ankle": np.radians(ankle_deg), "subtalar": 0.0,
            "toes": 0.0}


def build_pack_skin(folder: Path, poser: Any, pack: Any, builtin_skin: Skin,
                    say: Callable[[str], None] | None = None) -> Skin:
    """Fit the built-in skin over the pack's meshes (``pack``, an AssetSet) as ``poser``
    poses them (rest and :data:`FIT_POSES_DEG`), learn its moves for the bent knee
    (:mod:`.pack_skin_knee`) and save it in ``folder``."""
    from calfexplorer.anatomy.pack_skin_knee import learn_knee_moves
    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.source import pose_state

    ids, rest = pack_points(pack)
    rest_bodies = pose_state(None).bodies
    posed = []
    for knee, ankle in FIT_POSES_DEG:
        angles = angles_of(knee, ankle)
        posed.append((posed_points(poser, pack, ids, angles), rest_bodies,
                      pose_state(Pose(**angles)).bodies))
    skin = learn_knee_moves(fit_skin(builtin_skin, rest, posed), poser, pack, ids)
    save_skin(folder / SKIN_FILE, skin)
    if say is not None:
        move = np.linalg.norm(skin.vertices - builtin_skin.vertices, axis=1)
        knee = np.linalg.norm(np.asarray(skin.knee_moves), axis=2).max()
        say(f"skin fitted over the pack's tissue: moved out up to {move.max() * 1000:.1f} mm "
            f"({move.mean() * 1000:.2f} mm mean), and with the knee bent up to "
            f"{knee * 1000:.1f} mm more")
    return skin
