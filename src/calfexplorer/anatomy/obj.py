"""Read BodyParts3D Wavefront OBJ element files (vertices and triangles only)."""

from __future__ import annotations

import bisect
import re

import numpy as np

_VERTEX = re.compile(rb"^v[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)", re.M)
_VERTEX_LINE = re.compile(rb"^v(?:[ \t]|\r?$)", re.M)
_FACE = re.compile(rb"^f[ \t]+([^\r\n]+)", re.M)


def parse_obj(data: bytes, name: str = "OBJ") -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 3) float64 and triangles (m, 3) int64 (0-based) of an OBJ file's bytes.

    Face tokens are split on ``/`` (``f a//a b//b c//c``); polygons are fanned into triangles.
    Raises ``ValueError`` naming ``name`` when the file holds no usable mesh.
    """
    found = _VERTEX.findall(data)
    # (a short vertex line was skipped by the pattern: every later face shifted)
    if len(found) != len(_VERTEX_LINE.findall(data)):
        whole = {m.start() for m in _VERTEX.finditer(data)}
        short = next(m.start() for m in _VERTEX_LINE.finditer(data) if m.start() not in whole)
        line = data.count(b"\n", 0, short) + 1
        raise ValueError(f"{name}: line {line}: a vertex line is not three numbers")
    try:
        verts = np.array(found, dtype=np.float64).reshape(-1, 3)
    except ValueError:
        raise ValueError(f"{name}: a vertex line is not three numbers") from None
    if not np.isfinite(verts).all():  # ("v nan nan nan" dropped a whole muscle as "outside the
        # limb", with the build reporting success)
        bad = int(np.flatnonzero(~np.isfinite(verts).all(axis=1))[0])
        raise ValueError(f"{name}: vertex {bad + 1} is not three finite numbers")
    try:
        faces = np.array(_triangles(_FACE.findall(data)), dtype=np.int64).reshape(-1, 3)
        if len(faces) and faces.min() < 0:  # relative: -1 is the last vertex read so far
            starts = [m.start() for m in _VERTEX_LINE.finditer(data)]
            faces = np.array(_triangles(
                [m.group(1) for m in _FACE.finditer(data)],
                [bisect.bisect(starts, m.start()) for m in _FACE.finditer(data)],
            ), dtype=np.int64).reshape(-1, 3)
    except ValueError:
        raise ValueError(f"{name}: a face line is not vertex numbers") from None
    faces -= 1
    if not len(verts) or not len(faces):
        raise ValueError(f"{name} holds no triangles")
    if faces.min() < 0 or faces.max() >= len(verts):
        raise ValueError(f"{name}: a face refers to a vertex that does not exist")
    return verts, faces


def _triangles(lines: list[bytes], read_before: list[int] | None = None) -> list[list[int]]:
    """1-based vertex numbers of the face lines' triangles (polygons fanned); with
    ``read_before`` (how many vertices precede each line) relative numbers made absolute."""
    tris: list[list[int]] = []
    for n, line in enumerate(lines):
        idx = [int(tok.split(b"/", 1)[0]) for tok in line.split()]
        if read_before is not None:
            idx = [i + read_before[n] + 1 if i < 0 else i for i in idx]
        tris.extend([idx[0], idx[k], idx[k + 1]] for k in range(1, len(idx) - 1))
    return tris
