"""Benchmark the scene: building it, one offscreen render, restyling on a selection, picking.

Run: ``.venv/bin/python benchmarks/bench_render.py`` (prints one line per measurement).
Uses the built assets (``calfexplorer.assets.load_assets``); with none built it falls back to the
stand-in leg of the scene tests and says so. Target: restyle on selection well under 20 ms.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from timing import report, time_calls


def _assets():
    try:
        from calfexplorer.assets import load_assets

        assets = load_assets()
        if getattr(assets, "meshes", None):
            return assets, "built assets"
    except (ImportError, OSError, ValueError) as exc:
        print(f"(no built assets: {exc})")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "scene"))
    from toy import toy_assets  # type: ignore[import-not-found]

    return toy_assets(), "stand-in leg (tests/scene/toy.py)"


def main() -> None:
    from calfexplorer.atlas import load_atlas
    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState

    atlas, _ = load_atlas()
    assets, source = _assets()
    meshes = assets.meshes
    triangles = sum(len(m.faces) for m in meshes.values())
    print(f"meshes: {len(meshes)} from {source}, {triangles} triangles")

    state = AppState.from_atlas(atlas)
    start = time.perf_counter()
    scene = Scene(assets, atlas, state, size=(800, 1000))
    report("build scene (actors for every mesh)", [time.perf_counter() - start])
    report("first render (shader compilation)", time_calls(scene.render, 1))
    report("render 800x1000, nothing selected", time_calls(scene.render, 5))

    target = "soleus" if "soleus" in meshes else next(iter(meshes))
    ids = scene.ids

    def select_cycle() -> None:
        state.select(target)
        state.select(None)

    restyle = time_calls(select_cycle, 40)
    report("restyle on select + deselect (all actors)", restyle)
    muscles = [sid for sid in ids if ":" not in sid][:40]
    walk = iter(muscles * 2)
    report(
        "restyle, a new structure each time",
        time_calls(lambda: state.select(next(walk)), len(muscles)),
    )
    if "tarsal_tunnel" in meshes:  # (its contents lit inside it: boxes fitted round it)

        def tunnel_cycle() -> None:
            state.select("tarsal_tunnel")
            state.select(None)

        report("restyle on select + deselect, tarsal tunnel", time_calls(tunnel_cycle, 20))
    state.select(target)
    report("restyle alone, with a selection", time_calls(scene.restyle, 40))
    report("render 800x1000, selection (translucent)", time_calls(scene.render, 5))
    x, y = scene.project(target)
    report("pick at a structure's centre", time_calls(lambda: scene.pick(x, y), 20))
    with tempfile.TemporaryDirectory() as tmp:
        report("save_png 800x1000", time_calls(lambda: scene.save_png(Path(tmp) / "bench.png"), 3))
    print(f"actors: {len(ids)}")
    scene.close()


if __name__ == "__main__":
    main()
