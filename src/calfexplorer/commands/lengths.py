"""``calfexplorer lengths``: muscle-tendon lengths and moment arms from MyoLeg at given poses.

Examples::

    calfexplorer lengths --pose knee=90,ankle=-10 --json
    calfexplorer lengths --csv --sweep knee=0:120:10 --muscles gastrocnemius,soleus
    calfexplorer lengths --csv --sweep knee=0:120:30 --sweep ankle=-40:30:10   # grid

Angles are degrees (knee flexion +, ankle dorsiflexion +, subtalar inversion +, toe extension
+). Moment arms are metres, ``-dL/dtheta`` in those conventions (positive: the muscle moves
the joint in its positive direction). Several actuators for one atlas muscle are averaged
(see :mod:`calfexplorer.biomech.atlas_map`).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import sys
from typing import TextIO

from calfexplorer.biomech.pose import RANGES_DEG

_JOINT_ORDER = ("hip", "hip_adduction", "hip_rotation", "knee", "ankle", "subtalar", "mtp")


def register(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    parser.add_argument(
        "--pose",
        default="",
        metavar="JOINT=DEG,...",
        help="pose in degrees, e.g. knee=90,ankle=-10 (joints: knee, ankle, subtalar, toes; "
        "omitted joints are 0)",
    )
    parser.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="JOINT=START:STOP:STEP",
        help="vary one joint over a range in degrees (stop included); repeat for a grid",
    )
    parser.add_argument("--muscles", metavar="ID,...", help="only these atlas muscles")
    parser.add_argument("--data", metavar="DIR", help="atlas data folder (default: the app's)")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print a CSV table, one row per pose")


def parse_sweep(text: str) -> tuple[str, list[float]]:
    """``"knee=0:120:10"`` -> ``("knee", [0, 10, ..., 120])``; raises ValueError."""
    name, sep, spec = text.partition("=")
    name = name.strip().lower()
    if not sep or name not in RANGES_DEG:
        raise ValueError(
            f"sweep {text!r} must be JOINT=START:STOP:STEP with JOINT one of "
            f"{', '.join(RANGES_DEG)}"
        )
    try:
        start, stop, step = (float(p) for p in spec.split(":"))
    except ValueError:
        raise ValueError(f"sweep {text!r}: range must be three numbers START:STOP:STEP") from None
    if step <= 0:
        raise ValueError(f"sweep {text!r}: STEP must be positive")
    if stop < start:
        raise ValueError(f"sweep {text!r}: STOP must not be below START")
    count = int((stop - start) / step + 1e-9) + 1
    return name, [start + i * step for i in range(count)]


def _poses(base: str, sweeps: list[str]):
    from calfexplorer.biomech import Pose

    base_deg = Pose.parse(base).degrees()
    axes = [parse_sweep(s) for s in sweeps]
    names = [n for n, _ in axes]
    if len(set(names)) != len(names):
        raise ValueError("each joint may be swept only once")
    for values in itertools.product(*(v for _, v in axes)):
        yield Pose.from_degrees(**{**base_deg, **dict(zip(names, values, strict=True))})


def run(args: argparse.Namespace) -> int:
    """Print lengths and moment arms; returns the exit code."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.biomech import LegModel
    from calfexplorer.biomech.atlas_map import aggregate, model_mapping

    try:
        poses = list(_poses(args.pose, args.sweep))
    except ValueError as exc:
        print(f"calfexplorer lengths: {exc}", file=sys.stderr)
        return 2
    atlas, problems = load_atlas(args.data)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    leg = LegModel.load()
    mapping, map_problems = model_mapping(atlas, leg)
    for problem in map_problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.muscles:
        wanted = [m.strip() for m in args.muscles.split(",") if m.strip()]
        unknown = [m for m in wanted if m not in mapping]
        if unknown:
            print(
                f"calfexplorer lengths: no model path for {', '.join(unknown)}; muscles with "
                f"one: {', '.join(sorted(mapping))}",
                file=sys.stderr,
            )
            return 2
        mapping = {m: mapping[m] for m in wanted}
    if not mapping:
        print("calfexplorer lengths: no atlas muscle has model_muscles", file=sys.stderr)
        return 1

    results = []
    for pose in poses:
        state = leg.evaluate(pose, paths=False)
        numbers = {aid: aggregate(aid, names, state) for aid, names in mapping.items()}
        results.append((pose.degrees(), numbers))

    try:
        if args.csv:
            _write_csv(results, sys.stdout)
        elif args.json:
            docs = [
                {"pose": deg, "muscles": {aid: n.as_json() for aid, n in nums.items()}}
                for deg, nums in results
            ]
            json.dump(docs[0] if not args.sweep else docs, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            _write_text(results, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _write_csv(results: list, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["knee_deg", "ankle_deg", "subtalar_deg", "toes_deg", "muscle", "length_m"]
        + [f"moment_arm_{j}_m" for j in _JOINT_ORDER]
    )
    for deg, numbers in results:
        for aid, n in numbers.items():
            arms = [_fmt(n.moment_arms_m[j]) if j in n.moment_arms_m else "" for j in _JOINT_ORDER]
            writer.writerow(
                [_fmt(deg[k], 6) for k in ("knee", "ankle", "subtalar", "toes")]
                + [aid, _fmt(n.length_m)]
                + arms
            )


def _write_text(results: list, out: TextIO) -> None:
    for deg, numbers in results:
        pose = ", ".join(f"{k} {v:g}°" for k, v in deg.items())
        out.write(f"Pose: {pose}\n")
        width = max(len(a) for a in numbers)
        for aid, n in numbers.items():
            arms = "  ".join(f"{j} {v * 1000:+.1f} mm" for j, v in n.moment_arms_m.items())
            out.write(f"  {aid:<{width}}  {n.length_m * 1000:7.1f} mm   {arms}\n")


def _fmt(value: float, digits: int = 9) -> str:
    return f"{value:.{digits}g}"
