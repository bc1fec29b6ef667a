"""Benchmark the scene: building it, one offscreen render, restyling on a selection, picking,
and the labels' layout (it runs before every frame).

Run: ``.venv/bin/python benchmarks/bench_render.py`` (prints one line per measurement;
``--labels`` times the labels' layout alone).
Uses the built assets (``calfexplorer.assets.load_assets``); with none built it falls back to the
stand-in leg of the scene tests and says so. Target: restyle on selection well under 20 ms.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

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


def _label_cases(count: int, seeds: int = 20) -> list[tuple[list, list, tuple]]:
    """Layouts of ``count`` labels of two sites each, scattered about the middle of a
    1000x900 view as a selected muscle's origins and insertions are (seeded)."""
    cases = []
    for seed in range(seeds):
        rng = random.Random(seed)
        view = (1000.0, 900.0)
        anchors = [[(500 + rng.gauss(0, 120), 450 + rng.gauss(0, 200)) for _ in range(2)]
                   for _ in range(count)]
        sizes = [(rng.uniform(80, 240), rng.choice([22.0, 36.0])) for _ in range(count)]
        cases.append((anchors, sizes, view))
    return cases


def label_layout() -> None:
    """The labels' layout for 4, 12 and 24 labels of two sites each, with the columns'
    untangling and without it (no tangle count, no swaps): per layout, over 20 layouts; the
    process CPU time too, steadier than the wall clock on a shared machine."""
    from calfexplorer.scene import label_layout as layout

    for count in (4, 12, 24):
        cases = _label_cases(count)
        for untangle in (True, False):
            def run(cases: list = cases) -> None:
                for anchors, sizes, view in cases:
                    layout.place_labels(anchors, sizes, view, 44.0)

            trials = layout.UNTANGLE_TRIALS if untangle else 0
            with mock.patch.object(layout, "UNTANGLE_TRIALS", trials):
                run()  # (warm)
                cpu = time.process_time()
                taken = [t / len(cases) for t in time_calls(run, 15)]
                cpu = (time.process_time() - cpu) / 15 / len(cases)
            way = "with untangling" if untangle else "without untangling"
            report(f"label layout, {count} labels of 2 sites, {way}", taken)
            print(f"{'':<52} CPU    {cpu * 1000:8.3f} ms a layout")


if __name__ == "__main__":
    if "--labels" in sys.argv:
        label_layout()
    else:
        main()
        label_layout()
