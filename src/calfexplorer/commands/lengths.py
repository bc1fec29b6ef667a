"""``calfexplorer lengths``: muscle-tendon lengths and moment arms from MyoLeg at given poses.

Examples::

    calfexplorer lengths --pose knee=90,ankle=-10 --json
    calfexplorer lengths --csv --sweep knee=0:120:10 --muscles gastrocnemius,soleus
    calfexplorer lengths --csv --sweep knee=0:120:30 --sweep ankle=-40:30:10   # grid

Angles are degrees (knee flexion +, ankle dorsiflexion +, subtalar inversion +, toe extension
+). Moment arms are metres, ``-dL/dtheta`` in those conventions (positive: the muscle moves
the joint in its positive direction). Several actuators for one atlas muscle are averaged
(see :mod:`calfexplorer.biomech.atlas_map`). The text table marks with † a moment arm whose
sign goes against the atlas's action (the model's path has crossed the joint's axis).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from calfexplorer.biomech.pose import RANGES_DEG
from calfexplorer.motion.words import (
    against_atlas,
    against_atlas_words,
    atlas_actions,
    moment_arm_words,
)

if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas

_JOINT_ORDER = ("hip", "hip_adduction", "hip_rotation", "knee", "ankle", "subtalar", "mtp")
#: Most poses one run evaluates unless ``--max-poses`` says otherwise (~0.5 ms each).
MAX_POSES = 100_000


def register(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    parser.add_argument(
        "--pose",
        default="",
        metavar="JOINT=DEG,...",
        help="pose in degrees, e.g. knee=90,ankle=-10 (joints: knee, ankle, subtalar, toes; "
        "omitted joints are 0; positive is knee flexion, ankle dorsiflexion, subtalar "
        "inversion, toe extension)",
    )
    parser.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="JOINT=START:STOP:STEP",
        help="vary one joint over a range in degrees (stop included); repeat for a grid",
    )
    parser.add_argument(
        "--max-poses",
        type=_at_least_one,
        default=MAX_POSES,
        metavar="N",
        help=f"refuse sweeps of more poses than this (default {MAX_POSES:,})",
    )
    parser.add_argument("--muscles", metavar="ID,...", help="only these atlas muscles")
    parser.add_argument("--data", metavar="DIR", help="atlas data folder (default: the app's)")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument(
        "--csv", action="store_true", help="print a CSV table, one row per muscle and pose"
    )


def parse_sweep(text: str, max_count: int = MAX_POSES) -> tuple[str, list[float]]:
    """``"knee=0:120:10"`` -> ``("knee", [0, 10, ..., 120])``; raises ValueError.

    A range of more than ``max_count`` values is refused before any list is built.
    """
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
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise ValueError(f"sweep {text!r}: START, STOP and STEP must be finite numbers")
    count = math.floor((stop - start) / step + 1e-9) + 1  # a float: may be astronomically big
    if count > max_count:
        raise ValueError(_too_many(f"sweep {text!r}", count, max_count))
    return name, [start + i * step for i in range(int(count))]


def _too_many(what: str, count: float, max_count: int, verb: str = "asks") -> str:
    return (
        f"{what} {verb} for {int(count):,} poses, more than the limit of {max_count:,}: use a "
        "larger STEP, or --max-poses N to allow more (about 0.5 ms a pose)"
    )


def _at_least_one(text: str) -> int:
    """argparse type: a whole number of poses, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} allows no pose; give 1 or more")
    return value


def plan_poses(base: str, sweeps: list[str], max_poses: int = MAX_POSES) -> list:
    """Every pose to evaluate (a grid of the sweeps over ``base``); raises ValueError.

    Checks the whole grid's size, and each pose's angles, before any model is loaded.
    """
    from calfexplorer.biomech import Pose

    base_deg = Pose.parse(base).degrees()
    axes = [parse_sweep(s, max_poses) for s in sweeps]
    names = [n for n, _ in axes]
    if len(set(names)) != len(names):
        raise ValueError("each joint may be swept only once")
    total = math.prod(len(v) for _, v in axes)
    if total > max_poses:
        raise ValueError(_too_many("the sweeps together", total, max_poses, "ask"))
    return [
        Pose.from_degrees(**{**base_deg, **dict(zip(names, values, strict=True))}, clamp=False)
        for values in itertools.product(*(v for _, v in axes))
    ]


def run(args: argparse.Namespace) -> int:
    """Print lengths and moment arms; returns the exit code."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.biomech import LegModel
    from calfexplorer.biomech.atlas_map import aggregate, model_mapping

    try:
        poses = plan_poses(args.pose, args.sweep, args.max_poses)
    except ValueError as exc:
        print(f"calfexplorer lengths: {exc}", file=sys.stderr)
        return 2
    from calfexplorer.commands import comma_list, data_folder_problem

    if problem := data_folder_problem(args.data):
        print(f"calfexplorer lengths: {problem}", file=sys.stderr)
        return 2
    atlas, problems = load_atlas(args.data)
    for data_problem in problems:
        print(f"warning: {data_problem}", file=sys.stderr)
    leg = LegModel.load()
    mapping, map_problems = model_mapping(atlas, leg)
    for problem in map_problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.muscles:
        # ids or names, any case ("Soleus", "tibialis anterior")
        known = {k.casefold(): k for k in mapping} | {
            atlas.name_of(k).casefold(): k for k in mapping}
        wanted = [known.get(m.casefold(), m) for m in comma_list(args.muscles)]
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

    def results():
        for pose in poses:
            state = leg.evaluate(pose, paths=False)
            yield pose.degrees(), {aid: aggregate(aid, n, state) for aid, n in mapping.items()}

    try:
        if args.csv:
            _write_csv(results(), sys.stdout)
        elif args.json:
            _write_json(results(), sys.stdout, as_list=bool(args.sweep))
        else:
            _write_text(results(), sys.stdout, atlas)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _write_json(results: Iterable, out: TextIO, as_list: bool) -> None:
    """One document, or (for a sweep) a list written a pose at a time as each is evaluated."""
    if not as_list:
        deg, nums = next(iter(results))
        out.write(json.dumps(_json_doc(deg, nums), indent=2) + "\n")
        return
    out.write("[")
    for i, (deg, nums) in enumerate(results):
        text = json.dumps(_json_doc(deg, nums), indent=2).replace("\n", "\n  ")
        out.write(("," if i else "") + "\n  " + text)
        out.flush()
    out.write("\n]\n")


def _json_doc(deg: dict, numbers: dict) -> dict:
    return {"pose": deg, "muscles": {aid: n.as_json() for aid, n in numbers.items()}}


def _write_csv(results: Iterable, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["knee_deg", "ankle_deg", "subtalar_deg", "toes_deg", "muscle", "length_m"]
        + [f"moment_arm_{'toes' if j == 'mtp' else j}_m" for j in _JOINT_ORDER]
    )
    for deg, numbers in results:
        for aid, n in numbers.items():
            arms = [_fmt(n.moment_arms_m[j]) if j in n.moment_arms_m else "" for j in _JOINT_ORDER]
            writer.writerow(
                [_fmt(deg[k], 6) for k in ("knee", "ankle", "subtalar", "toes")]
                + [aid, _fmt(n.length_m)]
                + arms
            )
        out.flush()


#: The joint a moment arm is about, as --pose names it (the words after it say the movement:
#: "hip 11.4 mm adductor").
_ARM_JOINTS = {"mtp": "toes", "hip_adduction": "hip", "hip_rotation": "hip"}


def _write_text(results: Iterable, out: TextIO, atlas: Atlas) -> None:
    """A block per pose; a moment arm whose sign goes against the atlas's action is marked †
    and explained under its pose, as the motion lab does."""
    actions: dict[str, set[tuple[str, str]]] = {}
    out.write("Length: the muscle-tendon length. Moment arms (mm) are named by the movement they "
              "give the joint (as in the motion lab); † marks one against the atlas's action.\n")
    for deg, numbers in results:
        pose = ", ".join(f"{k} {v:g}°" for k, v in deg.items())
        out.write(f"Pose: {pose}\n")
        names = {aid: atlas.name_of(aid) for aid in numbers}
        width = max(len(name) for name in names.values())
        notes: list[str] = []
        for aid, n in numbers.items():
            if aid not in actions:
                actions[aid] = atlas_actions(atlas, aid)
            arms = []
            for j, v in n.moment_arms_m.items():
                movement = against_atlas(actions[aid], j, v)
                label = _ARM_JOINTS.get(j, j)  # (as --pose names it)
                words = moment_arm_words(j, v).replace(f"mm {label} ", "mm ")  # ("hip hip")
                arms.append(f"{label} {words}{'' if movement is None else '†'}")
                if movement is not None:
                    notes.append(against_atlas_words(atlas, names[aid], j, movement))
            out.write(f"  {names[aid]:<{width}}  {n.length_m * 1000:7.1f} mm   "
                      f"{', '.join(arms)}\n")
        out.writelines(f"  † {note}\n" for note in notes)
        out.flush()


def _fmt(value: float, digits: int = 9) -> str:
    return f"{value:.{digits}g}"
