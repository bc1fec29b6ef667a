"""Measures of a posed skin shared by the skin benchmarks (bench_builtin_skin,
bench_pack_skin); the faces it turns over:
:func:`calfexplorer.geometry.skin_untangle.turned_face_count`."""

from __future__ import annotations

import time

import numpy as np

from calfexplorer.geometry.skin import Skin


def pose_ms(skin: Skin, rest_bodies: dict, bodies: dict, repeats: int = 50) -> float:
    """Median time to pose the skin (ms)."""
    skin.posed_vertices(rest_bodies, bodies)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        skin.posed_vertices(rest_bodies, bodies)
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000)
