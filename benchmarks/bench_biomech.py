"""Benchmark the MyoLeg model: cold and cached load, and posing all right-leg muscles.

Run: ``.venv/bin/python benchmarks/bench_biomech.py`` (prints one line per measurement).
Targets: evaluate() for a new pose well under 5 ms (all muscles, paths included).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from calfexplorer.biomech import LegModel, Pose
from calfexplorer.biomech.loader import cache_path, load_model


def _time(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _report(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{name:<42} median {statistics.median(ms):8.2f} ms   min {min(ms):8.2f} ms  (n={len(ms)})"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)

        def cold() -> None:
            cache_path(cache).unlink(missing_ok=True)
            load_model(cache)

        _report("model load, cold (compile + write cache)", _time(cold, 3))
        _report("model load, cached (.mjb)", _time(lambda: load_model(cache), 5))
        leg = LegModel(load_model(cache))

    rng = np.random.default_rng(0)
    poses = [
        Pose.from_degrees(
            knee=rng.uniform(0, 120),
            ankle=rng.uniform(-40, 30),
            subtalar=rng.uniform(-20, 20),
            toes=rng.uniform(-30, 30),
        )
        for _ in range(200)
    ]
    it = iter(poses * 3)
    n = len(leg.muscle_names())
    _report(
        f"evaluate(new pose), {n} muscles with paths", _time(lambda: leg.evaluate(next(it)), 200)
    )
    _report(
        f"evaluate(new pose, paths=False), {n} muscles",
        _time(lambda: leg.evaluate(next(it), paths=False), 200),
    )
    _report(f"lengths(new pose), {n} muscles", _time(lambda: leg.lengths(next(it)), 200))


if __name__ == "__main__":
    main()
