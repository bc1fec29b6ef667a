"""Measures of a posed skin shared by the skin benchmarks (bench_builtin_skin,
bench_pack_skin)."""

from __future__ import annotations

import time

import numpy as np

from calfexplorer.geometry.skin import Skin
from calfexplorer.geometry.skin_untangle import turned_faces, vertex_turns


def turned_over(skin: Skin, rest_bodies: dict, bodies: dict) -> int:
    """Faces of the posed skin facing against their rest normal turned with their vertices
    (the fold behind the bent knee has some): :mod:`calfexplorer.geometry.skin_untangle`."""
    posed = skin.posed_vertices(rest_bodies, bodies).astype(np.float64)
    return int(turned_faces(skin, vertex_turns(skin, rest_bodies, bodies), posed).sum())


def pose_ms(skin: Skin, rest_bodies: dict, bodies: dict, repeats: int = 50) -> float:
    """Median time to pose the skin (ms)."""
    skin.posed_vertices(rest_bodies, bodies)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        skin.posed_vertices(rest_bodies, bodies)
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000)
