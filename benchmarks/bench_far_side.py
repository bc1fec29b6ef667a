"""Benchmark the labels' far-side notes (``scene/far_side.py``): how long working them out takes
per labels' layout, and (``--depths``) how deep each lit site lies behind each bone of the leg in
the four preset views, the figures ``BONE_DEPTH`` was chosen from.

Run: ``.venv/bin/python benchmarks/bench_far_side.py [builtin|bodyparts3d] [--depths]
[muscle,muscle...]`` (default: the leg shown at start, the calf muscles). Compare an old commit
against a new one by running both, interleaved, on the same machine.
"""

from __future__ import annotations

import sys
import time

import numpy as np

CALF = ("soleus,popliteus,tibialis_posterior,flexor_hallucis_longus,fibularis_brevis,"
        "fibularis_longus,tibialis_anterior,extensor_digitorum_longus,flexor_digitorum_longus,"
        "gastrocnemius,plantaris,extensor_hallucis_longus")
VIEWS = ("anterior", "posterior", "medial", "lateral")
LONG_BONES = ("femur", "patella", "tibia", "fibula")


def main() -> None:
    from calfexplorer.anatomy.leg_model import load_leg
    from calfexplorer.atlas import load_atlas
    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    depths = "--depths" in sys.argv
    model = next((a for a in args if a in ("builtin", "bodyparts3d")), None)
    muscles = next((a for a in args if a not in ("builtin", "bodyparts3d")), CALF).split(",")
    atlas, _ = load_atlas()
    assets, note = load_leg(model)
    print(f"leg: {getattr(assets, 'model', model)}{f' ({note})' if note else ''}")
    state = AppState.from_atlas(atlas)
    scene = Scene(assets, atlas, state, size=(900, 900))
    cast, taken, last = scene._cast_far_side, [], []

    def timed(*args):  # (the notes of one layout, worked out anew for each camera)
        start = time.perf_counter()
        out = cast(*args)
        taken.append(time.perf_counter() - start)
        last[:] = [args[0], out, args[3]]
        return out

    scene._cast_far_side = timed
    try:
        for muscle in muscles:
            if not scene.parts(muscle):
                continue
            state.select(muscle)
            for view in VIEWS:
                last.clear()
                scene.set_view(view)
                scene.render()
                if depths and last:
                    _print_depths(scene, muscle, view, *last)
    finally:
        scene.close()
    ms = sorted(t * 1000 for t in taken)
    print(f"far-side notes: {len(ms)} layouts, mean {sum(ms) / len(ms):.2f} ms, median "
          f"{ms[len(ms) // 2]:.2f} ms, max {ms[-1]:.1f} ms")


def _print_depths(scene, muscle: str, view: str, points, notes, eye) -> None:
    """Each lit site's note and how far (mm) it lies behind each long bone from the camera."""
    centres = {s: np.asarray(scene.world_vertices(s)).mean(axis=0) for s in scene.lit_sites}
    for point, note in zip(points, notes, strict=True):
        site = min(centres, key=lambda s: np.linalg.norm(centres[s] - point), default="?")
        behind = {b: round(scene._picker.run_behind(eye, point, [b]) * 1000)
                  for b in LONG_BONES if scene.is_shown(b)}
        print(f"{view:9s} {site:60s} {note!r:34s} mm behind: "
              f"{ {b: d for b, d in behind.items() if d} }")


if __name__ == "__main__":
    main()
