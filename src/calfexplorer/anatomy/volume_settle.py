"""Bring back a posed muscle's volume after some of its vertices were pushed out of bone.

Posing scales cross-sections so each structure keeps its rest volume, then pushes the vertices
a pose put into a bone back out (:mod:`.bone_fields`): a muscle pressed against a bone over a
wide area (vastus intermedius on the femur in deep flexion, biceps femoris short head) lost or
gained up to 15 % there. Here the cross-sections of the vertices the push left alone are
rescaled once more, so the volume is the rest volume again while the pushed ones stay out of
bone (a muscle bound to bones, the popliteus, is moved along its normals instead). Only the
structures the push moved are measured: a few per pose.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from calfexplorer.geometry.vec3 import cross, norms

#: A structure whose volume is off by more than this after the push is rescaled.
TOLERANCE = 0.02
#: Bounds of the extra factor on the free vertices' cross-sections.
K_RANGE = (0.6, 1.6)
#: A structure without cross-sections is moved along its normals by at most this (m).
INFLATE_M = 0.003


class Level(Protocol):
    """What :func:`restore_volume` reads from a prepared level (``posing._Prepared``)."""

    starts: np.ndarray  # (S + 1,) vertex offsets of the structures
    faces: np.ndarray  # (F, 3) faces of the measured structures, level-wide vertex indices
    face_struct: np.ndarray  # (F,) structure of each face, ascending
    vertex_struct: np.ndarray  # (V,) structure of each vertex
    rest_volume: np.ndarray  # (S,) signed rest volume (0 where not measured)
    vertex_areas: np.ndarray | None  # set here on the first call
    own_faces: dict[int, np.ndarray]  # set here: each structure's faces (:func:`_own_faces`)


def _corners(v: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each face's first, second and third vertex (by ``take``: a fancy index's row gathers
    are several times slower)."""
    return np.take(v, f[:, 0], axis=0), np.take(v, f[:, 1], axis=0), np.take(v, f[:, 2], axis=0)


def _cubic(p: np.ndarray, q: np.ndarray, f: np.ndarray) -> tuple[float, float, float, float]:
    """Coefficients of the volume of ``p + k q`` (a closed mesh, faces ``f``) in powers of k."""
    pa, pb, pc = _corners(p, f)
    qa, qb, qc = _corners(q, f)
    pbc, qbc = cross(pb, pc), cross(qb, qc)
    mixed = cross(pb, qc) + cross(qb, pc)
    c0 = np.einsum("ij,ij->", pa, pbc)
    c1 = np.einsum("ij,ij->", qa, pbc) + np.einsum("ij,ij->", pa, mixed)
    c2 = np.einsum("ij,ij->", pa, qbc) + np.einsum("ij,ij->", qa, mixed)
    c3 = np.einsum("ij,ij->", qa, qbc)
    return c0 / 6.0, c1 / 6.0, c2 / 6.0, c3 / 6.0


def _normals(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Unit vertex normals (area-weighted) of a mesh."""
    a, b, c = _corners(v, f)
    n = cross(b - a, c - a)
    out = np.zeros_like(v)
    for k in range(3):
        np.add.at(out, f[:, k], n)
    return out / np.maximum(norms(out, keepdims=True), 1e-12)


def _volume(v: np.ndarray, f: np.ndarray) -> float:
    """Signed volume of a closed mesh, in the posing's float32 (geometry.mesh.volume's
    float64 copy of every corner costs more in this per-pose loop)."""
    a, b, c = _corners(v, f)
    return float(np.einsum("ij,ij->", a, cross(b, c))) / 6.0


def _vertex_areas(level: Level, v: np.ndarray) -> np.ndarray:
    """A third of the area of the faces around each vertex of ``level`` at ``v`` (0 where not
    measured): with a push's distances, a bound on how much volume it moved."""
    a, b, c = _corners(v, level.faces)
    area = 0.5 * norms(cross(b - a, c - a))
    return np.bincount(level.faces.ravel(), np.repeat(area / 3.0, 3),
                       minlength=len(v)).astype(np.float32)


def _own_faces(level: Level, s: int) -> np.ndarray:
    """The faces of the level's structure ``s``, indexing its own vertices (kept by the
    level, as found)."""
    found = getattr(level, "own_faces", None)
    if found is None:
        found = level.own_faces = {}
    f = found.get(s)
    if f is None:
        lo, hi = np.searchsorted(level.face_struct, [s, s + 1])
        f = found[s] = level.faces[lo:hi] - int(level.starts[s])
    return f


def restore_volume(level: Level, out: np.ndarray, before: np.ndarray, moved: np.ndarray,
                   lateral: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Rescale (in place) the cross-sections ``lateral`` (as applied to ``before``) of the
    vertices a push left where they were (and not ``held``: attachments) in each structure
    the push (``before`` to ``out``, the ``moved`` vertices) may have taken off its rest
    volume. The level keeps its
    vertices' areas, measured at the first call (a bound on the volume a push moves needs no
    more). Returns which vertices the push or this moved: pushing them out of bone once more
    settles those a push left short of its goal (a tendon between two bones) or this put back
    in."""
    areas = getattr(level, "vertex_areas", None)
    if areas is None:
        areas = _vertex_areas(level, before)
        level.vertex_areas = areas
    changed = moved.copy()
    idx = np.flatnonzero(moved)
    if not len(idx) or not len(level.faces):
        return changed
    # (take: row gathers by fancy indexing are slow)
    shift = np.abs(np.take(out, idx, axis=0) - np.take(before, idx, axis=0)).sum(1)
    # the push moved at most this share of each structure's volume
    bound = np.bincount(level.vertex_struct[idx], shift * areas[idx],
                        minlength=len(level.rest_volume))
    structs = np.flatnonzero(bound > TOLERANCE * np.abs(level.rest_volume))
    for s in structs.tolist():
        target = float(level.rest_volume[s])
        f = _own_faces(level, s)
        if not len(f) or abs(target) < 1e-12:
            continue
        a, b = int(level.starts[s]), int(level.starts[s + 1])
        v = out[a:b]
        v = v - v.mean(0)  # a decimated mesh may have small holes: measured about its centre
        if abs(_volume(v, f) / target - 1.0) <= TOLERANCE:
            continue
        q = lateral[a:b].astype(np.float64)
        k0, k_range = 1.0, K_RANGE
        if not q.any():  # no cross-sections (bound to bones): moved along its normals
            q = _normals(v.astype(np.float64), f)
            k0, k_range = 0.0, (-INFLATE_M, INFLATE_M)
        q[moved[a:b] | held[a:b]] = 0.0
        c0, c1, c2, c3 = _cubic(v.astype(np.float64) - k0 * q, q, f)
        k = k0
        for _ in range(6):
            val = ((c3 * k + c2) * k + c1) * k + c0 - target
            slope = (3 * c3 * k + 2 * c2) * k + c1
            if abs(slope) < 1e-15:
                break
            k = float(np.clip(k - val / slope, *k_range))
        out[a:b] += ((k - k0) * q).astype(out.dtype)
        changed[a:b] = True
    return changed
