"""Geometry benchmarks: build all assets (with --build), load all assets, deform for a new pose.

Run: .venv/bin/python benchmarks/bench_geometry.py [--build]
Targets (issue 3): load all assets < 300 ms; update every muscle for a new pose < 16 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", action="store_true", help="also time a full build (~1 min)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from calfexplorer.assets import load_assets

    times = []
    for _ in range(5):
        t = time.perf_counter()
        assets = load_assets()
        times.append(time.perf_counter() - t)
    tris = sum(m.n_triangles for m in assets.meshes.values())
    print(f"load all assets ({len(assets.meshes)} meshes, {tris} triangles): "
          f"median {_ms(statistics.median(times))}, first {_ms(times[0])}  (target < 300 ms)")

    from calfexplorer.biomech import Pose
    from calfexplorer.geometry.deform import Deformer
    from calfexplorer.geometry.source import pose_state

    t = time.perf_counter()
    deformer = Deformer(assets)
    print(f"deformer set-up: {_ms(time.perf_counter() - t)}")
    muscles = [i for i in deformer.sweep_ids if assets.kinds[i] == "muscle"]
    poses = [Pose.from_degrees(knee=k, ankle=a) for k, a in ((90, -20), (30, 10), (120, -35))]
    states = [pose_state(p) for p in poses]
    t = time.perf_counter()
    for _ in range(args.repeat):
        pose_state(poses[0])
    print(f"model evaluate with paths: {_ms((time.perf_counter() - t) / args.repeat)}")
    for label, ids in (("all muscles", muscles), ("all swept structures", None)):
        runs = []
        for i in range(args.repeat):
            t = time.perf_counter()
            deformer.deform_sweeps(states[i % len(states)], ids)
            runs.append(time.perf_counter() - t)
        n = len(ids) if ids else len(deformer.sweep_ids)
        print(f"deform {label} ({n}): median {_ms(statistics.median(runs))}  (target < 16 ms)")
    runs = []
    for i in range(args.repeat):
        t = time.perf_counter()
        deformer.deform_rigid(states[i % len(states)])
        runs.append(time.perf_counter() - t)
    print(f"move bones and patches: median {_ms(statistics.median(runs))}")

    if args.build:
        from calfexplorer.assets.write import current_inputs, write_assets
        from calfexplorer.geometry.build import build_all
        from calfexplorer.geometry.source import source_info

        t = time.perf_counter()
        built = build_all()
        with tempfile.TemporaryDirectory() as tmp:
            write_assets(Path(tmp), built, current_inputs(), source_info())
        print(f"build all assets: {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
