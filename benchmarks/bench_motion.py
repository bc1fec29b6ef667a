"""Benchmark the motion lab: the per-pose cost of the numbers and the panel, sweeps, and the
frame rate of a simulated slider drag through the whole pipeline (panel + deformer + scene).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_motion.py`` (or under
xvfb-run). Targets: the panel's own work per pose update under 5 ms; a knee drag with every
muscle visible at 30 frames per second or more. Parts that are not built yet (the mesh
deformer, the assets) are reported as skipped with the reason.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time

import numpy as np

from calfexplorer.atlas import load_atlas
from calfexplorer.biomech import LegModel, Pose
from calfexplorer.motion import MotionModel, muscle_colours
from calfexplorer.state import AppState
from timing import report, time_calls

DRAG_STEPS = 121  # knee 0..120 degrees, one step per degree


def _poses(n: int) -> list[Pose]:
    rng = np.random.default_rng(0)
    return [
        Pose.from_degrees(
            knee=rng.uniform(0, 120),
            ankle=rng.uniform(-40, 30),
            subtalar=rng.uniform(-20, 20),
            toes=rng.uniform(-30, 30),
        )
        for _ in range(n)
    ]


def _angles(pose: Pose) -> dict[str, float]:
    return {"knee": pose.knee, "ankle": pose.ankle, "subtalar": pose.subtalar, "toes": pose.toes}


def bench_logic(atlas, leg: LegModel) -> MotionModel:
    """Numbers only (no Qt)."""
    model = MotionModel(atlas, leg)
    poses = iter(_poses(600))
    report(
        "biomech evaluate (numbers only, all muscles)",
        time_calls(lambda: leg.evaluate(next(poses), paths=False), 200),
    )
    pair = ["gastrocnemius", "soleus"]
    report(
        "readout: 2 muscles (length %, moment arms)",
        time_calls(lambda: model.readout(next(poses), pair), 200),
    )
    report(
        "length colours: every modelled muscle",
        time_calls(lambda: muscle_colours(model.percentages(next(poses))), 200),
    )
    fresh = iter(_poses(40))
    report(
        "sweep, uncached (knee 0..120 every 2 deg)",
        time_calls(lambda: model.sweep("knee", next(fresh)), 10),
    )
    report("sweep, cached", time_calls(lambda: model.sweep("knee", Pose()), 200))
    return model


def bench_panel(atlas, leg: LegModel) -> None:
    """The panel's work per pose update, driven through AppState as a slider drag does."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    from calfexplorer.ui.motion.panel import MotionPanel

    state = AppState.from_atlas(atlas)
    start = time.perf_counter()
    panel = MotionPanel(atlas, state, leg)
    built_ms = 1000 * (time.perf_counter() - start)
    print(f"{'panel construction (incl. exercise cards)':<52} {built_ms:8.1f} ms")
    panel.resize(460, 1200)
    panel.show()
    app.processEvents()
    for colour in (False, True):
        panel.colour_check.setChecked(colour)
        angles = iter([math.radians(i % 121) for i in range(10 * DRAG_STEPS)])
        label = "panel update per pose" + (" (+ colouring on)" if colour else "")
        report(
            label, time_calls(lambda it=angles: state.update_pose(knee=next(it)), 3 * DRAG_STEPS)
        )
    panel.disconnect_state()
    panel.deleteLater()
    app.processEvents()


def bench_pipeline(atlas, leg: LegModel) -> None:
    """Frames per second of a knee drag: state -> panel + deformer -> scene -> render."""
    try:
        from calfexplorer.scene.posing import ModelPoser
    except ImportError as exc:
        print(f"{'drag through deformer + scene':<52} skipped: no mesh deformer yet ({exc})")
        return
    try:
        from calfexplorer.assets import load_assets

        assets = load_assets()
    except Exception as exc:  # noqa: BLE001 - report, do not crash the benchmark
        print(f"{'drag through deformer + scene':<52} skipped: assets not loadable ({exc})")
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    from calfexplorer.scene import Scene
    from calfexplorer.ui.motion.panel import MotionPanel

    state = AppState.from_atlas(atlas)
    scene = Scene(assets, atlas, state, size=(1000, 800))
    poser = ModelPoser(assets)  # the window's
    scene.set_poser(poser)
    panel = MotionPanel(atlas, state, leg)
    scene.set_view("posterior")
    scene.render()
    # full quality; quick frames over the full meshes (no idle scheduler, as a scene without
    # a window draws); and the window's way: quick frames over coarse twins while the slider
    # moves (calfexplorer.scene.coarse), one full frame once it stops
    modes = [("full quality", False, False), ("fast, full meshes", True, False),
             ("fast, coarse twins (the window)", True, True)]
    refines: list = []
    for label, fast, coarse in modes:
        state.set_pose({})
        if coarse:
            while scene.build_twins_step():
                pass
            scene.set_idle_scheduler(refines.append)
        scene.set_fast_rendering(fast)
        times = []
        for i in range(DRAG_STEPS):
            start = time.perf_counter()
            state.update_pose(knee=math.radians(i))  # panel + deformer + scene update
            scene.render()
            app.processEvents()
            times.append(time.perf_counter() - start)
        report(f"drag frame ({label})", times)
        print(f"{'  -> frames per second (median)':<52} {1.0 / statistics.median(times):8.1f} fps")
        if coarse:
            scene.set_fast_rendering(False)
            start = time.perf_counter()
            scene.set_idle_scheduler(None)
            scene.render()  # the full pose and the full-quality frame once the slider stops
            report("  full frame once the drag stops", [time.perf_counter() - start])
    deform = iter(_poses(100))
    report("deformer alone (all meshes)", time_calls(lambda: poser(_angles(next(deform))), 30))
    report(
        "deformer alone (coarse, while dragging)",
        time_calls(lambda: poser(_angles(next(deform)), coarse=True), 30),
    )
    report("scene render alone", time_calls(scene.render, 30))
    panel.disconnect_state()
    panel.deleteLater()
    app.processEvents()
    scene.close()


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    atlas, _ = load_atlas()
    leg = LegModel.load()
    bench_logic(atlas, leg)
    bench_panel(atlas, leg)
    bench_pipeline(atlas, leg)
    app.processEvents()


if __name__ == "__main__":
    main()
