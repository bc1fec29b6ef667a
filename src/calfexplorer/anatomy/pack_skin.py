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

from calfexplorer.geometry.implicit import taubin_smooth
from calfexplorer.geometry.mesh import vertex_normals
from calfexplorer.geometry.mesh_graph import mesh_edges
from calfexplorer.geometry.skin import SKIN_FILE, Skin, save_skin
from calfexplorer.geometry.skin_fit import (
    DONE,
    angles_of,
    covered,
    depths,
    directions,
    needs,
    on_cut,
    spread,
    stack_posed,
)

#: How far inside the skin the pack's tissue is kept (m).
MARGIN = 0.0018
#: The most the skin moves in one step (m), and the most steps.
STEP = 0.002
STEPS = 30
#: Tissue deeper than this under the unmoved skin is not looked at again (m).
NEAR = 0.008
#: Taubin iterations that smooth the moved skin after each step.
SMOOTH_ITERATIONS = 3
#: Kinds of pack mesh the skin covers.
COVERED_KINDS = frozenset({"muscle", "tendon", "bone", "artery", "vein"})
#: Poses (knee, ankle; degrees) besides rest in which the tissue is kept inside. Not the
#: bent knee: when the skin followed the femur or the tibia rigidly, vertex by vertex, and
#: parted there, fitted at knee 90 and 120 too it moved out 13.7 mm on average (8.5 mm
#: without), 93 of its faces turned over, and 9-10 % of the pack's muscle vertices still lay
#: outside it at knee 90 (10.6 % without). Blended across the knee
#: (:mod:`calfexplorer.geometry.skin_blend`) it is not fitted there either: fitted at knee 90
#: and then 120, 400-670 faces turned over in the crease and vertices moved up to 113 mm.
FIT_POSES_DEG = ((0, -30), (0, 30))  # (the bent knee has moves of its own: .skin_knee_learn)


def fit_skin(skin: Skin, rest_points: np.ndarray,
             posed: Iterable[tuple[np.ndarray, Mapping[str, np.ndarray], Mapping[str, np.ndarray]]]
             = ()) -> Skin:
    """``skin`` moved out over the tissue ``rest_points`` (rest pose, metres) and, for each of
    ``posed`` (the same points posed, the bodies' transforms at rest and in that pose), the
    tissue in that pose; the points above the skin's top cut are left out.

    Each vertex moves along a fixed way out (:func:`.skin_fit.directions`) by a smooth amount,
    raised in steps of at most :data:`STEP` until no tissue lies within :data:`MARGIN` of the
    skin or :data:`STEPS` are taken. The moves ``skin`` has for the bent knee are left out (the
    fitted skin learns its own: :mod:`calfexplorer.geometry.skin_knee_learn`).
    """
    skin = replace(skin, knee_grid=None, knee_moves=None)
    keep = covered(skin, rest_points)
    rest = skin.vertices.astype(np.float64)
    clouds: list[tuple[np.ndarray, Any, Any]] = [(_near(rest, skin, rest_points[keep]), None,
                                                  None)]
    for p, rb, b in posed:
        at = skin.posed_vertices(dict(rb), dict(b)).astype(np.float64)
        clouds.append((_near(at, skin, np.asarray(p, np.float64)[keep]), dict(rb), dict(b)))
    edges = mesh_edges(skin.faces)
    way = directions(skin, edges)
    top = on_cut(skin)
    moved = rest.copy()
    for _ in range(STEPS):
        need = np.zeros(len(rest))
        for points, rest_bodies, bodies in clouds:
            v = moved if bodies is None else skin.posed_vertices(
                rest_bodies, bodies, vertices=moved).astype(np.float64)
            need = np.maximum(need, needs(v, vertex_normals(v, skin.faces).astype(np.float64),
                                          points, MARGIN))
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


def pack_points(pack: Any) -> tuple[list[str], np.ndarray]:
    """The ids of the pack's meshes the skin covers, and their vertices stacked (rest pose)."""
    ids = sorted(sid for sid in pack.meshes if pack.kinds.get(sid) in COVERED_KINDS)
    return ids, np.concatenate([np.asarray(pack.meshes[s].vertices, np.float64) for s in ids])


def posed_points(poser: Any, pack: Any, ids: list[str], angles: Mapping[str, float]) -> np.ndarray:
    """The vertices of the pack meshes ``ids`` posed by ``poser`` (a
    :class:`calfexplorer.anatomy.leg_poser.PackLegPoser`) at ``angles``, stacked."""
    return stack_posed(poser(dict(angles)), pack.meshes, ids)


def build_pack_skin(folder: Path, poser: Any, pack: Any, builtin_skin: Skin,
                    say: Callable[[str], None] | None = None) -> Skin:
    """Fit the built-in skin over the pack's meshes (``pack``, an AssetSet) as ``poser``
    poses them (rest and :data:`FIT_POSES_DEG`), learn its moves for the bent knee
    (:mod:`calfexplorer.geometry.skin_knee_learn`) and save it in ``folder``."""
    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.skin_knee_learn import learn_knee_moves
    from calfexplorer.geometry.source import pose_state

    ids, rest = pack_points(pack)
    rest_bodies = pose_state(None).bodies
    posed = []
    for knee, ankle in FIT_POSES_DEG:
        angles = angles_of(knee, ankle)
        posed.append((posed_points(poser, pack, ids, angles), rest_bodies,
                      pose_state(Pose(**angles)).bodies))
    skin = learn_knee_moves(fit_skin(builtin_skin, rest, posed), rest,
                            lambda a: posed_points(poser, pack, ids, a))
    save_skin(folder / SKIN_FILE, skin)
    if say is not None:
        move = np.linalg.norm(skin.vertices - builtin_skin.vertices, axis=1)
        knee = np.linalg.norm(np.asarray(skin.knee_moves), axis=2).max()
        say(f"skin fitted over the pack's tissue: moved out up to {move.max() * 1000:.1f} mm "
            f"({move.mean() * 1000:.2f} mm mean), and with the knee bent up to "
            f"{knee * 1000:.1f} mm more")
    return skin


def _near(vertices: np.ndarray, skin: Skin, points: np.ndarray) -> np.ndarray:
    """The points that lie outside the skin (``vertices``) or within :data:`NEAR` of it: the
    others never reach the skin as it moves out."""
    h, _ = depths(vertices, vertex_normals(vertices, skin.faces).astype(np.float64), points)
    return points[h > -NEAR]
