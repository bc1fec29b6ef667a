"""Benchmark the MyoLeg model: cold and cached load, and posing all right-leg muscles.

Run: ``.venv/bin/python benchmarks/bench_biomech.py`` (prints one line per measurement).
Targets: evaluate() for a new pose well under 5 ms (all muscles, paths included).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from calfexplorer.biomech import LegModel, Pose
from calfexplorer.biomech.loader import cache_path, load_model
from timing import report, time_calls


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)

        def cold() -> None:
            cache_path(cache).unlink(missing_ok=True)
            load_model(cache)

        report("model load, cold (compile + write cache)", time_calls(cold, 3))
        report("model load, cached (.mjb)", time_calls(lambda: load_model(cache), 5))
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
    report(
        f"evaluate(new pose), {n} muscles with paths",
        time_calls(lambda: leg.evaluate(next(it)), 200),
    )
    report(
        f"evaluate(new pose, paths=False), {n} muscles",
        time_calls(lambda: leg.evaluate(next(it), paths=False), 200),
    )
    report(f"lengths(new pose), {n} muscles", time_calls(lambda: leg.lengths(next(it)), 200))


if __name__ == "__main__":
    main()
