"""Posing the whole BodyParts3D leg as the window does (``PackLegPoser``: the pack's soft tissue,
its bones, and the built-in nerves and vessels it keeps), full and coarse (drag) poses.

Compares, interleaved in one run, the kept tubes posed with the pack's tissue around them
(:mod:`calfexplorer.anatomy.kept_tubes`, now), the same without the moves they learn in sample
poses (``leg_poser.LEARN``; before that change), and the built-in deformer along the built-in
model's paths (before #12's kept-tube change). Needs a built pack: ``--pack`` or the one
installed (``calfexplorer get-anatomy``). Run: .venv/bin/python benchmarks/bench_pack_leg.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from timing import report  # noqa: E402

POSES_DEG = ((0, 0), (30, 10), (60, -20), (90, -30), (120, 20))


def _posers(pack: Path | None) -> dict[str, object]:
    from calfexplorer.anatomy import leg_poser
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg

    if pack is not None and not (pack / "manifest.json").is_file() \
            and (pack / "bodyparts3d" / "manifest.json").is_file():
        pack = pack / "bodyparts3d"  # (the anatomy folder given, not the pack in it)
    leg, problem = load_leg(BODYPARTS3D, pack=pack)
    if leg.pack is None:
        raise SystemExit(f"no BodyParts3D pack: {problem}")
    leg_poser.PackLegPoser(leg)  # the imports, the parameters and the binding, as at start
    kept = leg_poser._kept_tubes
    made: dict[str, list[float]] = {"with": [], "without": [], "unlearnt": []}

    def timed(way: str) -> object:
        t0 = time.perf_counter()
        poser = leg_poser.PackLegPoser(leg)
        made[way].append(time.perf_counter() - t0)
        return poser

    for _ in range(2):
        now = timed("with")
        leg_poser.LEARN = False
        try:
            unlearnt = timed("unlearnt")
        finally:
            leg_poser.LEARN = True
        leg_poser._kept_tubes = lambda assets: ({}, {})  # the kept tubes left to the deformer
        try:
            before = timed("without")
        finally:
            leg_poser._kept_tubes = kept
    report("make the poser (kept tubes embedded, learnt moves read from the pack)",
           made["with"])
    report("make the poser (kept tubes embedded, no learnt moves)", made["unlearnt"])
    report("make the poser (kept tubes by the built-in deformer)", made["without"])
    for p in (now, unlearnt, before):
        p.prepare()
    return {"kept tubes with the pack": now, "kept tubes with the pack, unlearnt": unlearnt,
            "kept tubes by the built-in deformer": before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pack", type=Path, default=None, help="a built pack folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=8, help="sweeps of the poses a round")
    args = parser.parse_args()
    posers = _posers(args.pack)
    angles = [{"knee": k * 3.141592653589793 / 180, "ankle": a * 3.141592653589793 / 180}
              for k, a in POSES_DEG]
    for coarse in (False, True):
        for p in posers.values():
            p(angles[1], coarse=coarse)  # warm
    for r in range(args.rounds):
        for coarse in (False, True):
            for name, p in posers.items():
                times = []
                for _ in range(args.repeat):
                    for a in angles:
                        t = time.perf_counter()
                        p(a, coarse=coarse)
                        times.append(time.perf_counter() - t)
                report(f"round {r + 1} {'coarse' if coarse else 'full'}: {name}", times)


if __name__ == "__main__":
    main()
