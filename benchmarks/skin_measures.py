"""Measures of a posed skin shared by the skin benchmarks (bench_builtin_skin,
bench_pack_skin)."""

from __future__ import annotations

import time

import numpy as np

from calfexplorer.geometry.mesh import face_normals
from calfexplorer.geometry.skin import Skin


def turned_over(skin: Skin, rest_bodies: dict, bodies: dict) -> int:
    """Faces of the posed skin facing against their rest normal turned with the knee's
    nearer body (the fold behind the bent knee has some)."""
    rest = skin.vertices.astype(np.float64)
    base = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
    turn = np.stack([skin.posed_vertices(rest_bodies, bodies, vertices=rest + e) - base
                     for e in np.eye(3)], axis=2)
    expected = np.einsum("fij,fj->fi", turn[skin.faces].mean(axis=1),
                         face_normals(rest, skin.faces))
    return int((np.einsum("ij,ij->i", face_normals(base, skin.faces), expected) < 0).sum())


def pose_ms(skin: Skin, rest_bodies: dict, bodies: dict, repeats: int = 50) -> float:
    """Median time to pose the skin (ms)."""
    skin.posed_vertices(rest_bodies, bodies)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        skin.posed_vertices(rest_bodies, bodies)
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000)
