"""Moving a skin out over the tissue it covers, smoothly, each vertex along its own way out:
the steps shared by the BodyParts3D leg's skin (:mod:`calfexplorer.anatomy.pack_skin`) and
the moves both skins learn for the bent knee (:mod:`calfexplorer.geometry.skin_knee_learn`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.geometry.mesh_graph import neighbour_mean
from calfexplorer.geometry.skin import Skin

#: The least radius over which one vertex's move fades to nothing (m), and how many times its
#: move the radius is at least (a gentle slope for a large move).
SPREAD = 0.03
SPREAD_PER_MOVE = 4.0
#: A step is not taken for a need under this (m).
DONE = 0.0002
#: Passes that smooth the normals into the ways the vertices move out.
DIRECTION_PASSES = 60
#: Passes of smoothing that round off the crests where two fading moves meet.
SMOOTH_PASSES = 12
#: Tissue this close below the skin's flat top cut is not covered (it runs on up the thigh).
BELOW_CUT = 0.01


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
          margin: float) -> np.ndarray:
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
    crests smoothed over the mesh's ``edges`` (both ways: :func:`.mesh_graph.mesh_edges`;
    never below the need)."""
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
        move = np.maximum(need, 0.5 * move + 0.5 * neighbour_mean(edges, move, len(vertices)))
    return move


def directions(skin: Skin, edges: np.ndarray) -> np.ndarray:
    """The way each vertex moves out: its normal smoothed over its neighbours (so that moves
    along them do not cross in the hollows), and on the flat top cut, outward across it in
    proportion to the distance from its middle (the cut widens with the sides)."""
    n = skin.normals.astype(np.float64)
    for _ in range(DIRECTION_PASSES):
        n = n + neighbour_mean(edges, n, len(n))
        n /= np.linalg.norm(n, axis=1, keepdims=True)
    top = on_cut(skin)
    rim = skin.vertices[:, 2] > skin.cut_z - BELOW_CUT
    v = skin.vertices.astype(np.float64)
    out = v[:, :2] - v[top, :2].mean(axis=0)
    radius = np.linalg.norm(out[rim & ~top], axis=1).max()
    n[top] = np.column_stack([out[top] / radius, np.zeros(top.sum())])
    n[rim & ~top, 2] = 0.0
    n[rim & ~top] /= np.linalg.norm(n[rim & ~top], axis=1, keepdims=True)
    return n


def on_cut(skin: Skin) -> np.ndarray:
    """The vertices of the skin's flat top (they stay where they are)."""
    return np.asarray((skin.vertices[:, 2] > skin.cut_z - 0.002) & (skin.normals[:, 2] > 0.7))


def angles_of(knee_deg: float, ankle_deg: float) -> dict[str, float]:
    """Pose angles (radians) for a knee and ankle in degrees."""
    return {"knee": float(np.radians(knee_deg)), "ankle": float(np.radians(ankle_deg)),
            "subtalar": 0.0, "toes": 0.0}


def stack_posed(posed: Any, meshes: Mapping[str, Any], ids: Sequence[str]) -> np.ndarray:
    """The vertices of the meshes ``ids`` in one pose, stacked: ``posed`` (a
    :class:`calfexplorer.geometry.deform.PosedMeshes` or the pack's like it) holds the
    vertices of those that deform and the transforms of the rigid ones, whose rest vertices
    ``meshes`` holds."""
    out = []
    for sid in ids:
        if sid in posed.vertices:
            out.append(np.asarray(posed.vertices[sid], np.float64))
        else:
            t = np.asarray(posed.transforms[sid], np.float64)
            out.append(np.asarray(meshes[sid].vertices, np.float64) @ t[:3, :3].T + t[:3, 3])
    return np.concatenate(out)
