"""Where a held knee-drag step goes: CPU by phase and by thread (issue #12).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/profile_held_step.py [--pack DIR]
[--select ID] [--steps N]`` (without a display it re-runs itself under ``xvfb-run``, as
``bench_window.py`` does). Prints numbers; asserts nothing.

The window of ``bench_window.py``, the motion lab open, ``--select`` selected (default the
gastrocnemius), the lateral view; the knee slider held and moved a degree a step, each step
waited for until a frame shows it (as ``bench_window.py``'s drag rows), ten steps left out
first. Printed a step: wall time, the GUI thread's and the whole process's CPU, then the
thread CPU of each phase (the phases nest: indented under the one that calls them; the
posing thread's own; a held angle that came while the last pose was made is sent to the
state as that pose lands, so that phase is counted under the landing too), and the CPU of
each thread of the process by name (``/proc``: the GUI and posing threads are both
``python``; llvmpipe's rasterizer threads ``llvmpipe-N``).
"""

from __future__ import annotations

import argparse
import collections
import glob
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import bench_window as bw

#: (module, owner, attribute, label): the phases timed, wrapped before the window is made (the
#: window binds some as callbacks). The labels' indent says which phase calls which.
PHASES = [
    ("calfexplorer.ui.motion.panel", "MotionPanel", "_pose_waiting",
     "GUI: the held angle to the state"),
    ("calfexplorer.ui.motion.panel", "MotionPanel", "_update_numbers",
     "GUI:   the lab's numbers and plot markers (when due)"),
    ("calfexplorer.scene.scene", "Scene", "_on_pose_change", "GUI:   the pose asked of the worker"),
    ("calfexplorer.scene.pose_apply", "PoseApplier", "_make_in_worker", "posing thread: the pose"),
    ("calfexplorer.scene.pose_apply", "PoseApplier", "_land", "GUI: the pose landing"),
    ("calfexplorer.scene.pose_apply", "PoseApplier", "move",
     "GUI:   meshes given full vertices and placements"),
    ("calfexplorer.ui.motion.panel", "MotionPanel", "view_ready",
     "GUI:   the newest held angle sent as it lands (above)"),
    ("calfexplorer.scene.stand_ins", "StandIns", "follow", "GUI:     twins following them"),
    ("calfexplorer.scene.scene", "Scene", "_after_move", "GUI:     labels and outline told"),
    ("calfexplorer.scene.stand_ins", "StandIns", "take_coarse_pose",
     "GUI:   coarse twins' new vertices"),
    ("calfexplorer.scene.frames", "Frames", "_draw_changes", "GUI: the quick frame"),
    ("calfexplorer.scene.scene", "Scene", "_swap_in_stand_ins", "GUI:   stand-ins swapped in"),
    ("calfexplorer.scene.faded_groups", "FadedGroups", "swap_in",
     "GUI:     the faded rest merged"),
    ("calfexplorer.scene.faded_groups", "_Group", "refresh", "GUI:       moved pieces copied"),
    ("calfexplorer.scene.faded_groups", "_Group", "shade", "GUI:       shaded"),
    ("calfexplorer.scene.faded_groups", "_Group", "arrange", "GUI:       sorted farthest first"),
    ("calfexplorer.scene.outline", "Outline", "refresh", "GUI:   the outline traced"),
    ("calfexplorer.scene.labels", "LabelLayer", "layout", "GUI:   the labels laid out"),
]


def _wrap(owner: Any, name: str, label: str, spent: dict[str, list[float]]) -> None:
    inner = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            entry = spent[label]
            entry[0] += time.thread_time() - start
            entry[1] += 1

    setattr(owner, name, timed)


def _threads() -> dict[str, tuple[str, int]]:
    """Each thread of this process: (its name, nanoseconds it ran)."""
    out = {}
    for task in glob.glob("/proc/self/task/*"):
        try:
            with open(f"{task}/comm") as comm, open(f"{task}/schedstat") as stat:
                out[task] = (comm.read().strip(), int(stat.read().split()[0]))
        except OSError:  # (a thread that ended meanwhile)
            continue
    return out


def _by_name(before: dict[str, tuple[str, int]], after: dict[str, tuple[str, int]]
             ) -> collections.Counter[str]:
    spent: collections.Counter[str] = collections.Counter()
    for task, (name, ns) in after.items():
        spent[name] += ns - before.get(task, (name, 0))[1]
    return spent


def profile(app: Any, window: Any, selected: str, steps: int,
            spent: dict[str, list[float]]) -> None:
    """Hold the knee slider, step it, and print where the steps' CPU went."""
    viewport = window.viewport
    slider = bw._knee_slider_at_rest(app, window, selected)
    slider.setSliderDown(True)

    def step(value: int) -> None:
        frames = viewport.frames_rendered
        slider.setValue(value)
        bw._wait(app, lambda: viewport.frames_rendered > frames)

    for value in range(1, 11):  # left out: the first held frames build the thinner meshes
        step(value)
    spent.clear()
    walls = []
    threads = _threads()
    main, process, renders = time.thread_time(), time.process_time(), viewport.frames_rendered
    for value in range(11, 11 + steps):
        start = time.perf_counter()
        step(value)
        walls.append(time.perf_counter() - start)
    main, process = time.thread_time() - main, time.process_time() - process
    by_thread = _by_name(threads, _threads())
    renders = viewport.frames_rendered - renders
    slider.setSliderDown(False)
    bw._wait(app, lambda: not viewport.drawing_pending)
    print(f"{steps} held steps, {selected or 'nothing'} selected, {renders} frames: wall median "
          f"{statistics.median(walls) * 1000:.1f} ms; CPU a step: GUI thread "
          f"{main / steps * 1000:.1f} ms, whole process {process / steps * 1000:.1f} ms "
          f"(load {os.getloadavg()[0]:.1f})")
    for _module, _owner, _name, label in PHASES:
        cpu, calls = spent.get(label, [0.0, 0])
        print(f"  {label:<58} {cpu / steps * 1000:6.2f} ms  ({calls / steps:.2f} calls a step)")
    print("  CPU a step by thread: " + ", ".join(
        f"{name} {ns / 1e6 / steps:.1f} ms" for name, ns in by_thread.most_common() if ns > 1e5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, metavar="DIR", help="the anatomy pack in DIR")
    parser.add_argument("--select", default="gastrocnemius", metavar="ID",
                        help="selected during the drag ('' for nothing)")
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and bw.shutil.which("xvfb-run"):
        xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"]
        sys.exit(bw.subprocess.call([*xvfb, sys.executable, *sys.argv]))
    user = Path(bw.tempfile.mkdtemp(prefix="calfexplorer-profile-"))
    os.environ["CALFEXPLORER_CONFIG_DIR"] = str(user / "config")
    os.environ["CALFEXPLORER_USER_DIR"] = str(user / "user")
    if args.pack is not None:
        os.environ["CALFEXPLORER_ANATOMY_DIR"] = str(args.pack.resolve())
    import importlib

    spent: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0])
    for module, owner, name, label in PHASES:
        _wrap(getattr(importlib.import_module(module), owner), name, label, spent)
    app, window = bw._window()
    print(f"model drawn: {getattr(window.assets, 'model', 'builtin')}")
    if window.viewport is None:
        print(f"no 3D view ({window.gl_problem})")
        return
    profile(app, window, args.select, args.steps, spent)
    window.close()
    bw.shutil.rmtree(user, ignore_errors=True)


if __name__ == "__main__":
    main()

