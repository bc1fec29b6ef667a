"""Read BodyParts3D Wavefront OBJ element files (vertices and triangles only)."""

from __future__ import annotations

import re

import numpy as np

_VERTEX = re.compile(rb"^v[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)", re.M)
_FACE = re.compile(rb"^f[ \t]+([^\r\n]+)", re.M)


def parse_obj(data: bytes, name: str = "OBJ") -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 3) float64 and triangles (m, 3) int64 (0-based) of an OBJ file's bytes.

    Face tokens are split on ``/`` (``f a//a b//b c//c``); polygons are fanned into triangles.
    Raises ``ValueError`` naming ``name`` when the file holds no usable mesh.
    """
    try:
        verts = np.array(_VERTEX.findall(data), dtype=np.float64).reshape(-1, 3)
    except ValueError:
        raise ValueError(f"{name}: a vertex line is not three numbers") from None
    if not np.isfinite(verts).all():  # ("v nan nan nan" dropped a whole muscle as "outside the
        # limb", with the build reporting success)
        bad = int(np.flatnonzero(~np.isfinite(verts).all(axis=1))[0])
        raise ValueError(f"{name}: vertex {bad + 1} is not three finite numbers")
    tris: list[list[int]] = []
    try:
        for line in _FACE.findall(data):
            idx = [int(tok.split(b"/", 1)[0]) for tok in line.split()]
            tris.extend([idx[0], idx[k], idx[k + 1]] for k in range(1, len(idx) - 1))
    except ValueError:
        raise ValueError(f"{name}: a face line is not vertex numbers") from None
    faces = np.array(tris, dtype=np.int64).reshape(-1, 3)
    if not len(verts) or not len(faces):
        raise ValueError(f"{name} holds no triangles")
    faces = np.where(faces < 0, faces + len(verts), faces - 1)  # negative = relative indices
    if faces.min() < 0 or faces.max() >= len(verts):
        raise ValueError(f"{name}: a face refers to a vertex that does not exist")
    return verts, faces
