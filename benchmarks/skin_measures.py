"""Measures of a posed skin shared by the skin benchmarks (bench_builtin_skin,
bench_pack_skin); the faces it turns over:
:func:`calfexplorer.geometry.skin_untangle.turned_face_count`."""

from __future__ import annotations

import time

import numpy as np

from calfexplorer.geometry.skin import Skin
from calfexplorer.geometry.skin_untangle import turned_face_count


def pose_ms(skin: Skin, rest_bodies: dict, bodies: dict, repeats: int = 50) -> float:
    """Median time to pose the skin (ms)."""
    skin.posed_vertices(rest_bodies, bodies)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        skin.posed_vertices(rest_bodies, bodies)
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000)


def print_turned_over_by_knee(plain: Skin, skin: Skin, knees: range = range(0, 121, 15)) -> None:
    """Faces turned over (:func:`~calfexplorer.geometry.skin_untangle.turned_face_count`)
    without and with the moves for the bent knee at each of ``knees`` (degrees; ankle 0)."""
    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.skin_fit import angles_of
    from calfexplorer.geometry.source import pose_state

    rest_bodies = pose_state(None).bodies
    for knee in knees:
        bodies = pose_state(Pose(**angles_of(knee, 0))).bodies
        print(f"knee {knee:3d}: faces turned over without the knee moves "
              f"{turned_face_count(plain, rest_bodies, bodies)}, with them "
              f"{turned_face_count(skin, rest_bodies, bodies)}")
