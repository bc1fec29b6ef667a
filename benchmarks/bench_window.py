"""Benchmark the explorer window: cold start, click to selection, frame time, memory.

Run: ``xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python benchmarks/bench_window.py``
(without a display it re-runs itself under ``xvfb-run``). Prints numbers; asserts nothing.

* cold start: process launch to the first frame drawn in the shown window (``calfexplorer`` with
  ``CALFEXPLORER_STARTUP_PROBE=1``, see ``calfexplorer.ui.app``). Target under 1.5 s. Printed
  beside two floors measured the same way, so the ratio means something on a busy machine:
  a bare Python importing PySide6.QtWidgets and the vtkmodules the app uses, and a bare window
  holding an empty VTK viewport up to its first frame.
* click: a real mouse click (QTest) at the soleus's on-screen position until the soleus is
  selected and drawn highlighted, and the info panel shows it and has painted. Target under
  33 ms (two frames at 60 Hz); printed beside floors (the same quick frame unchanged, an
  empty frame). Two ways, alternating: the pointer first rests on the soleus until the
  frame the click shows is drawn ahead (as a user moves onto a structure, then clicks), and
  the pointer clicks as it arrives (nothing drawn ahead; a touch, or a very quick hand); and,
  also without a hover, the press held 0.1 s before its release, as a hand holds it (the
  click's frame is drawn ahead while it is held; timed from the release); and as a hand
  clicks after resting on a structure: the X pointer itself on the soleus, its name shown in
  a tooltip over the view, the press (which hides the tooltip: the view is exposed) held
  0.1 s, timed from the release.
  ``--compare-merge`` measures every click also with the faded rest drawn one
  actor per structure (as ``CALFEXPLORER_NO_FADED_MERGE=1`` draws it), interleaved.
* frame time with every structure visible, rotating the camera a little each frame.
* resident memory after start and after 1,000 random selections (must not grow by over 5 %).
* ``--memory-split``: instead of the rest, where the drawn geometry's memory goes: numpy
  arrays and VTK/OpenGL buffers per kind of actor (structures, coarse twins, patch groups,
  faded groups).
* ``--lab-memory``: instead of the rest, the motion lab opened and posed (knee 90): how long
  its posing takes to load and the first pose to draw, and resident memory then (also with
  the heap's freed memory returned: steadier).
* motion lab (#6): the knee slider held and moved one degree at a time, every structure shown,
  from each step to the frame that shows it, in the window as a user drags (target >= 30 fps;
  ``bench_motion.py`` measures the same offscreen, without the window's panels); and the
  knee slider held and moved a degree every 8 ms for ``--hand-drag`` seconds (3), as a hand's
  mouse moves arrive: frames shown per second, and poses made per frame shown. Both also
  print CPU time (a step, a frame), steadier than wall time on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: How often a wait for the window wakes to look again, when no event woke it (ms).
WAKE_MS = 2

#: The vtkmodules the window imports (scene, viewport); the floor imports the same.
VTK_MODULES = [
    "vtkmodules.qt.QVTKRenderWindowInteractor",
    "vtkmodules.util.numpy_support",
    "vtkmodules.vtkCommonCore",
    "vtkmodules.vtkCommonDataModel",
    "vtkmodules.vtkFiltersCore",
    "vtkmodules.vtkFiltersHybrid",
    "vtkmodules.vtkIOImage",
    "vtkmodules.vtkInteractionStyle",
    "vtkmodules.vtkRenderingCore",
    "vtkmodules.vtkRenderingFreeType",
    "vtkmodules.vtkRenderingOpenGL2",
]

IMPORT_FLOOR = (
    "import time, PySide6.QtWidgets\n"
    + "".join(f"import {m}\n" for m in VTK_MODULES)
    + "print('first-frame', time.monotonic(), flush=True)\n"
)

WINDOW_FLOOR = (
    IMPORT_FLOOR.replace("print('first-frame', time.monotonic(), flush=True)\n", "")
    + """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor
from vtkmodules.vtkRenderingCore import vtkRenderer
app = QApplication([])
win = QMainWindow()
view = QVTKRenderWindowInteractor(win)
view.GetRenderWindow().AddRenderer(vtkRenderer())
win.setCentralWidget(view)
win.resize(1500, 950)
view.Initialize()
def done(*_):
    if win.isVisible():
        print('first-frame', time.monotonic(), flush=True)
        QTimer.singleShot(0, app.quit)
view.GetRenderWindow().AddObserver('EndEvent', done)
win.show()
app.exec()
"""
)


# ------------------------------------------------------------------------------- helpers
def _ms(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"median {statistics.median(ms):8.1f} ms   min {ms[0]:8.1f} ms   "
        f"p95 {p95:8.1f} ms  (n={len(ms)})"
    )


def _rss_mib(kind: str = "VmRSS") -> float:
    """Resident memory of this process in MiB (Linux /proc); ``kind="RssAnon"``: its anonymous
    part alone (the heaps), without the pages of libraries and files, which vary by ~1 MiB
    from one run to the next as code is paged in."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _launch(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launching ``argv`` to the ``first-frame <monotonic>`` line it prints, and
    the CPU seconds (user + system) the process used in all (steadier on a busy machine)."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    for line in proc.stdout.splitlines():
        if line.startswith("first-frame "):
            return float(line.split()[1]) - start, used
    raise RuntimeError(f"{argv[:3]} printed no first-frame line:\n{proc.stdout}\n{proc.stderr}")


# ---------------------------------------------------------------------------- cold start
def bench_cold_start(runs: int) -> None:
    """Launch the app and the two floors ``runs`` times each, interleaved."""
    user = Path(tempfile.mkdtemp(prefix="calfexplorer-bench-"))
    env = dict(os.environ, CALFEXPLORER_STARTUP_PROBE="1")
    env["CALFEXPLORER_CONFIG_DIR"] = str(user / "config")  # no saved layout from real runs
    env["CALFEXPLORER_USER_DIR"] = str(user / "user")
    app = [sys.executable, "-m", "calfexplorer.cli"]
    commands = {
        "floor: import Qt + VTK": [sys.executable, "-c", IMPORT_FLOOR],
        "floor: empty Qt+VTK window, first frame": [sys.executable, "-c", WINDOW_FLOOR],
        "calfexplorer: launch to first frame": app,
    }
    # One unmeasured run each: fills the OS file cache and the atlas parse cache.
    for argv in commands.values():
        _launch(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, used = _launch(argv, env)
            times[name].append(wall)
            cpu[name].append(used)
    for name, values in times.items():
        print(f"{name:<44} {_ms(values)}")
    app_s = statistics.median(times["calfexplorer: launch to first frame"])
    floor_s = statistics.median(times["floor: import Qt + VTK"])
    window_s = statistics.median(times["floor: empty Qt+VTK window, first frame"])
    print(
        f"{'cold start / floors':<44} {app_s / floor_s:8.2f} x import floor, "
        f"{app_s / window_s:.2f} x window floor   (target: < 1.5 s)"
    )
    for name, values in cpu.items():
        label = f"  CPU, {name.split(',')[0]}"
        print(f"{label:<44} {_ms(values)}")
    shutil.rmtree(user, ignore_errors=True)


# ------------------------------------------------------------------------- in-process
def _window(wait_for_modes: bool = True):
    from calfexplorer.ui.app import import_before_qt

    import_before_qt()  # as the app does
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from calfexplorer.ui.line_cache import spare_line_cache

    spare_line_cache()  # as the app does
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("CalfExplorerBench")
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    window.resize(1500, 950)
    window.show()
    _wait(app, lambda: window.isVisible() and window.viewport.frames_rendered > 0)
    _wait(app, lambda: window.scene.warmed_up)  # the hidden warm-up frame after the first one
    if wait_for_modes and hasattr(window, "modes_warm_up"):  # what the modes load after it
        _wait(app, lambda: window.modes_warm_up.done)
    settle = time.monotonic() + 0.5  # let the pending paints and layouts of start-up finish
    while time.monotonic() < settle:
        app.processEvents()
    import gc

    gc.freeze()  # as the app does after its first frame (calfexplorer.ui.app._resume_gc)
    return app, window


def _wait(app, done, timeout: float = 60.0) -> None:
    """Handle events until ``done()``, sleeping between them as the app's event loop does
    (a busy loop took a core from the worker thread that poses a drag's steps, and counted
    its spinning as the main thread's CPU)."""
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.monotonic() + timeout
    waker = QTimer()  # (wakes the wait for what no event marks: the clock, a thread's work)
    waker.setInterval(WAKE_MS)
    waker.start()
    try:
        while not done():
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        waker.stop()


class _PaintTimes:
    """Records when a widget painted (perf_counter seconds): an event filter. ``first`` is
    the first paint since :meth:`reset` at which ``when()`` held (0.0: none yet)."""

    def __init__(self, widget, when=lambda: True) -> None:
        from PySide6.QtCore import QEvent, QObject

        times = self
        self.last = 0.0
        self.first = 0.0

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint:
                    times.last = time.perf_counter()
                    if not times.first and when():
                        times.first = times.last
                return False

        self._filter = Filter(widget)
        widget.installEventFilter(self._filter)

    def reset(self) -> None:
        self.first = 0.0


def _move_pointer(widget, pos) -> None:
    """The pointer moves onto ``pos``: the move event Qt hands the widget (``QTest.mouseMove``
    warps the X pointer, whose motion may come late or go to a tooltip under it)."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    no_button = Qt.MouseButton.NoButton
    move = QMouseEvent(
        QEvent.Type.MouseMove, QPointF(pos), QPointF(widget.mapToGlobal(pos)),
        no_button, no_button, Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, move)


def bench_click(
    app, window, repeat: int, compare_merge: bool = False, compare_present: bool = False
) -> None:
    """A QTest click on the soleus until it is selected, drawn highlighted in a frame and its
    info panel filled and painted; with the floors: the same quick frame drawn again with
    nothing changed, and an empty frame (nothing drawn but the window's presentation).

    ``compare_merge``: every click is measured twice in a row, with the faded rest of quick
    frames merged (the default) and drawn one actor per structure, reported apart.
    ``compare_present``: likewise with quick frames composed in the window's framebuffer (the
    default) and in VTK's framebuffers as before (see ``calfexplorer.scene.reduced_frame``).
    """
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QToolTip

    if repeat < 1:
        return
    pointer = QCursor.pos()
    scene, viewport, state = window.scene, window.viewport, window.state
    window.set_view("posterior")
    scene.render()
    point = scene.visible_point("soleus")
    if point is None:
        print("click: the soleus is not visible in the posterior view; skipped")
        return
    pos = viewport.widget_point(*point)
    # the first paint and frame that show the soleus (an expose after them, say as the hover's
    # tooltip goes, may draw again in the same pass of the event loop)
    panel = _PaintTimes(window.info.viewport(), lambda: window.info.current_id == "soleus")
    frame_end = [0.0]

    shown: list[float] = []  # when each frame came on screen

    def frame_on_screen() -> None:
        shown.append(time.perf_counter())
        if not frame_end[0] and state.selected == "soleus":
            frame_end[0] = shown[-1]

    viewport.frame_rendered.connect(frame_on_screen)
    faded = scene._stand_ins.faded  # its switch: the comparison flips it
    merged_by_default = faded.enabled
    frames_ = scene._frames
    variants: dict[str, dict] = {
        "the pointer rested on the soleus first (as a user clicks)": {"rest": True},
        "the pointer clicks as it arrives (nothing drawn ahead)": {"rest": False},
        "the pointer clicks as it arrives, the press held 0.1 s as a hand holds it (timed"
        " from the release)": {"rest": False, "hold": 0.1},
        "the X pointer rested on the soleus, its tooltip shown, the press held 0.1 s (timed"
        " from the release; the press hides the tooltip)": {"tooltip": True, "hold": 0.1},
    }
    if compare_merge:
        variants = {"merged (default)": {"merge": True}, "one actor each": {"merge": False}}
    elif compare_present:
        variants = {
            "composed in the window's framebuffer (default)": {"present": None},
            "composed in VTK's framebuffers (before)": {"present": False},
        }
    keys = ("times", "cpus", "highlights", "picks", "panels", "frames", "floors", "empties")
    results = {v: {k: [] for k in keys} for v in variants}
    for n in range(repeat + 1):
        order = list(variants.items())
        for name, how in order if n % 2 == 0 else order[::-1]:
            faded.enabled = how.get("merge", merged_by_default)
            frames_.quick_to_screen = how.get("present")
            out = results[name]
            state.clear_selection()
            _wait(app, lambda: not viewport.drawing_pending)  # its quick and full frames drawn
            if how.get("tooltip"):  # the X pointer itself: the tooltip shows over the view
                QCursor.setPos(viewport.mapToGlobal(pos))
                _wait(
                    app,
                    lambda: state.hovered == "soleus"
                    and scene.selection_frame_ready
                    and not viewport.drawing_pending
                    and QToolTip.isVisible(),
                )
            elif how.get("rest"):  # the frame the click would draw is drawn ahead, unseen
                _move_pointer(viewport, pos)
                # at rest: the hovered structure's frames drawn, and the click's drawn ahead
                _wait(app, lambda: scene.selection_frame_ready and not viewport.drawing_pending)
            else:
                _move_pointer(viewport, QPoint(1, 1))  # away: nothing under the pointer
                _wait(app, lambda: state.hovered is None and not viewport.drawing_pending)
            shown.clear()
            frame_end[0] = 0.0
            panel.reset()
            left, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
            if how.get("hold"):
                QTest.mousePress(viewport, left, plain, pos)
                held = time.monotonic() + how["hold"]
                _wait(app, lambda t=held: time.monotonic() > t)
                start, cpu = time.perf_counter(), time.thread_time()
                QTest.mouseRelease(viewport, left, plain, pos)
            else:
                start, cpu = time.perf_counter(), time.thread_time()
                QTest.mouseClick(viewport, left, plain, pos)
            _wait(
                app,
                lambda t0=start: (
                    state.selected == "soleus"
                    and window.info.current_id == "soleus"
                    and shown
                    and frame_end[0] > t0
                    and panel.first > t0
                ),
            )
            out["cpus"].append(time.thread_time() - cpu)
            out["highlights"].append(frame_end[0] - start)
            answered = max(frame_end[0], panel.first)
            out["times"].append(answered - start)
            # up to the click's frame and page (an expose answered in the same pass of the
            # event loop may draw the full-quality frame at once, after them)
            out["frames"].append(sum(t <= answered for t in shown))
            if how.get("tooltip"):  # back where it was: the other ways show no tooltip there
                QCursor.setPos(pointer)
            t = time.perf_counter()
            viewport.pick_at(pos)
            out["picks"].append(time.perf_counter() - t)
            t = time.perf_counter()
            window.info.show_structure("soleus")
            out["panels"].append(time.perf_counter() - t)
            out["floors"].append(_quick_frame(scene))
            scene.renderer.DrawOff()
            scene.overlay.DrawOff()
            try:
                out["empties"].append(_quick_frame(scene))
            finally:
                scene.renderer.DrawOn()
                scene.overlay.DrawOn()
    faded.enabled = merged_by_default
    frames_.quick_to_screen = None
    viewport.frame_rendered.disconnect(frame_on_screen)
    assert "Tibial nerve" in window.info.toPlainText(), "the panel did not fill"
    for name, out in results.items():
        if compare_merge:
            print(f"faded rest in quick frames: {name}")
        elif compare_present:
            print(f"quick frames {name}")
        else:
            print(f"click: {name}")
        times, floors = out["times"][1:], out["floors"][1:]
        print(
            f"{'click soleus -> highlighted, panel painted':<44} {_ms(times)}   (target: < 33 ms)"
        )
        print(f"{'  click -> highlighted frame on screen':<44} {_ms(out['highlights'][1:])}")
        print(f"{'  main-thread CPU of a click':<44} {_ms(out['cpus'][1:])}")
        print(f"{'  of which: pick at a point':<44} {_ms(out['picks'][1:])}")
        print(f"{'  of which: fill the info panel':<44} {_ms(out['panels'][1:])}")
        per_click = statistics.median(out["frames"][1:])
        print(f"{'  frames drawn per click':<44} {per_click:8.1f}")
        print(f"{'  floor: the same quick frame, unchanged':<44} {_ms(floors)}")
        print(f"{'  floor: an empty frame (presenting only)':<44} {_ms(out['empties'][1:])}")
        ratio = statistics.median(times) / statistics.median(floors)
        print(f"{'  click / quick-frame floor':<44} {ratio:8.2f} x")


def _quick_frame(scene) -> float:
    """Seconds to draw one quick frame of the scene as it is, as a change draws it (no
    anti-aliasing; in the window, the 3D scene at reduced resolution)."""
    draw = getattr(getattr(scene, "_frames", scene), "_render_quick", scene.render)
    scene.set_fast_rendering(True)
    try:
        start = time.perf_counter()
        draw()
        return time.perf_counter() - start
    finally:
        scene.set_fast_rendering(False)


def bench_frames(app, window, frames: int) -> None:
    """Render ``frames`` frames with every structure visible, rotating 1 degree each."""
    if frames < 1:
        return
    scene, state = window.scene, window.state
    state.clear_selection()
    state.show_all()
    app.processEvents()
    window.set_view("posterior")
    shown = sum(scene.is_shown(i) for i in scene.ids)
    rw = scene.render_window
    finish = getattr(rw, "WaitForCompletion", None)
    times = []
    for _ in range(frames):
        scene.camera.Azimuth(1.0)
        start = time.perf_counter()
        scene.render()
        if finish is not None:
            finish()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{f'frame, all {shown} structures shown':<44} {_ms(times)}   ({1 / median:.0f} fps)")


def bench_memory(app, window, selections: int, seed: int = 0, warm_up: int = 10) -> None:
    """Resident memory after start and after ``selections`` random selections.

    Also printed: memory after the first ``warm_up`` selections, since the first selection
    allocates once what every later one reuses (depth-peeling buffers for the faded rest, the
    label text renderer, shader variants); growth from there on is what a leak would show.
    """
    import gc

    gc.collect()
    start = _rss_mib()
    print(f"{'resident memory after start':<44} {start:8.1f} MiB   "
          f"(anonymous {_rss_mib('RssAnon'):.1f} MiB)")
    if selections < 1:
        return
    ids = [i for i in window.scene.ids if i in window.atlas or window.atlas.attachment(i)]
    rng = random.Random(seed)
    first = warm = start
    for n in range(1, selections + 1):
        window.select(rng.choice(ids))
        app.processEvents()
        if n % 100 == 0:
            window.state.show_all()  # a selection can unhide; keep the scene comparable
        if n == 1:
            gc.collect()
            first = _rss_mib()
        if n == min(warm_up, selections):
            gc.collect()
            warm = _rss_mib()
    window.state.clear_selection()
    # At rest, as after start: the frames still due drawn (the window then hands freed heap
    # memory back to the system, see calfexplorer.ui.heap).
    _wait(app, lambda: not window.viewport.drawing_pending)
    gc.collect()
    end = _rss_mib()
    print(
        f"{f'resident memory after {selections} selections':<44} {end:8.1f} MiB   "
        f"growth {100.0 * (end - start) / start:+.1f} % from start  (limit: +5 %)"
    )
    print(
        f"{'  after the first selection':<44} {first:8.1f} MiB   "
        f"growth {100.0 * (first - start) / start:+.1f} % (allocated once)"
    )
    print(
        f"{f'  after the first {warm_up} selections':<44} {warm:8.1f} MiB   "
        f"growth {100.0 * (end - warm) / warm:+.1f} % from there to the end"
    )


def bench_lab_memory(app, window, knee_deg: float = 90.0) -> None:
    """Open the motion lab and pose the knee (no slider held): the seconds its posing takes
    to load and to draw the first pose, and resident memory once posed (``--lab-memory``)."""
    import gc
    import math

    dock = window.mode_docks["motion"]
    dock.show()
    dock.raise_()
    _wait(app, lambda: window.motion.built)
    start = time.perf_counter()
    _wait(app, lambda: window.scene.posing_ready, timeout=120)
    _wait(app, lambda: not window.viewport.drawing_pending, timeout=120)
    print(f"{'motion lab: posing loaded':<44} {time.perf_counter() - start:8.2f} s")
    frames = window.viewport.frames_rendered
    start = time.perf_counter()
    window.state.update_pose(knee=math.radians(knee_deg))
    _wait(app, lambda: window.viewport.frames_rendered > frames)
    _wait(app, lambda: not window.viewport.drawing_pending, timeout=120)
    print(f"{f'motion lab: first pose (knee {knee_deg:g})':<44} "
          f"{time.perf_counter() - start:8.2f} s")
    gc.collect()
    print(f"{'resident memory, motion lab posed':<44} {_rss_mib():8.1f} MiB   "
          f"(anonymous {_rss_mib('RssAnon'):.1f} MiB)")
    from calfexplorer.ui.heap import release_unused_heap

    # The lab's first pose frees ~26-30 MiB after its full-quality frame's trim: resident until
    # the next pose's trim, so the figure above counts it or not by timing. Returned: what a
    # later pose leaves, steadier between the legs.
    if release_unused_heap():
        print(f"{'  the same, freed heap returned':<44} {_rss_mib():8.1f} MiB   "
              f"(anonymous {_rss_mib('RssAnon'):.1f} MiB)")


def bench_memory_split(window) -> None:
    """Where the drawn geometry's memory goes after start (``--memory-split``), per kind of
    actor: structures, coarse twins, patch groups, faded groups. For each: how many, their
    vertices and triangles, the bytes of their meshes' numpy arrays (vertices, normals, faces,
    belly; an array shared by several counted once; not a faded group's colours and sorted
    triangles), and the C heap that VTK's and software
    OpenGL's buffers hold for them, measured by releasing those buffers (so this comes last:
    the window draws nothing after it)."""
    import gc

    from calfexplorer.ui.heap import used_heap_bytes

    scene = window.scene
    stand_ins = scene._stand_ins
    kinds = {
        "structures": [(scene.actor(sid), scene._data[sid]) for sid in scene.ids],
        "coarse twins": [(t.actor, t.data) for t in stand_ins.twins.values()],
        "patch groups": [(g.actor, g.data) for g in stand_ins.groups],
        "faded groups": [(g.actor, g.data) for g in stand_ins.faded._groups.values()],
    }
    seen: set[int] = set()
    gc.collect()
    for name, items in kinds.items():
        arrays = [a for _, d in items for a in (d.vertices, d.normals, d.faces, d.belly)
                  if a is not None]
        own = 0
        for a in arrays:
            if a.__array_interface__["data"][0] not in seen:
                seen.add(a.__array_interface__["data"][0])
                own += a.nbytes
        before = used_heap_bytes()
        for actor, _ in items:
            actor.ReleaseGraphicsResources(scene.render_window)
        after = used_heap_bytes()
        drawn = "n/a" if before is None or after is None else f"{(before - after) / 2**20:5.2f}"
        print(f"{f'  {name}':<20} {len(items):4d}, {sum(len(d.vertices) for _, d in items):7d} "
              f"vertices, {sum(d.polydata.GetNumberOfCells() for _, d in items):7d} "
              "triangles: numpy "
              f"{own / 2**20:5.2f} MiB, VTK/OpenGL buffers {drawn} MiB")


def _lab_behind(app, window) -> None:
    """The motion lab opened (built), then the information panel's tab brought in front."""
    dock = window.mode_docks["motion"]
    dock.show()
    dock.raise_()
    _wait(app, lambda: window.motion.built)
    window.bring_to_front(window.info_dock)
    _wait(app, lambda: not window.viewport.drawing_pending)
    print("clicks with the motion lab behind the information panel's tab")


def _knee_slider_at_rest(app, window, selected: str):
    """The motion lab open, every structure shown, the lateral view, ``selected`` selected,
    the knee at 0 and every frame drawn: the knee slider, ready for a drag."""
    dock = window.mode_docks["motion"]
    dock.show()
    dock.raise_()
    _wait(app, lambda: window.motion.built)
    viewport = window.viewport
    window.state.clear_selection()
    window.state.show_all()
    window.set_view("lateral")
    if selected:
        window.select(selected)
    _wait(app, lambda: window.scene.posing_ready and not viewport.drawing_pending)
    slider = window.motion.panel.sliders["knee"]
    slider.setValue(0)
    _wait(app, lambda: not viewport.drawing_pending)
    return slider


def bench_motion_drag(
    app, window, steps: int, selected: str = "", compare_present: bool = False
) -> None:
    """Hold the knee slider and move it ``steps`` degrees, one per step, as a mouse drag
    does; time each step until a frame shows it. ``selected``: a structure selected first.
    ``compare_present``: steps alternate between quick frames composed in the window's
    framebuffer (the default) and in VTK's framebuffers (as before), reported apart."""
    if steps < 1:
        return
    viewport = window.viewport
    slider = _knee_slider_at_rest(app, window, selected)
    slider.setSliderDown(True)  # as while the mouse holds the handle
    frames_ = window.scene._frames
    ways = [None, False] if compare_present else [None]
    times: dict = {way: [] for way in ways}
    cpu: dict = {way: ([], []) for way in ways}  # main thread, whole process
    for value in range(1, steps + 2):
        way = ways[value % len(ways)]
        frames_.quick_to_screen = way
        frames = viewport.frames_rendered
        start, main, process = time.perf_counter(), time.thread_time(), time.process_time()
        slider.setValue(value)
        _wait(app, lambda f=frames: viewport.frames_rendered > f)
        times[way].append(time.perf_counter() - start)
        cpu[way][0].append(time.thread_time() - main)
        cpu[way][1].append(time.process_time() - process)
    frames_.quick_to_screen = None
    slider.setSliderDown(False)
    _wait(app, lambda: not viewport.drawing_pending)
    for way, taken in times.items():
        median = statistics.median(taken[1:])
        label = "motion lab: knee drag step, in the window" + (f", {selected} selected"
                                                              if selected else "")
        if compare_present:
            label += ", VTK's framebuffers (before)" if way is False else ", to the window"
        print(f"{label:<44} {_ms(taken[1:])}   ({1 / median:.1f} fps; target >= 30 fps)")
        main_cpu, process_cpu = (statistics.mean(c[1:]) * 1000 for c in cpu[way])
        print(f"{'  CPU a step (mean; steadier on a busy machine)':<44} main thread "
              f"{main_cpu:6.1f} ms   whole process {process_cpu:6.1f} ms (llvmpipe's threads too)")


def bench_hand_drag(app, window, seconds: float, selected: str = "", every_ms: int = 8) -> None:
    """Hold the knee slider and move it a degree every ``every_ms`` (a QTimer, as a hand's
    mouse moves arrive: those that come while the window is busy make one), for ``seconds``;
    frames shown per second, and poses computed per frame shown."""
    from PySide6.QtCore import QTimer

    if seconds <= 0:
        return
    viewport, state = window.viewport, window.state
    slider = _knee_slider_at_rest(app, window, selected)
    poses = [0]

    def count(_angles: object) -> None:
        poses[0] += 1

    state.pose_changed.connect(count)
    position = [0]

    def move() -> None:  # there and back through 0-100 degrees
        position[0] += 1
        slider.setValue(100 - abs(100 - position[0] % 200))

    timer = QTimer()
    timer.setInterval(every_ms)
    timer.timeout.connect(move)
    slider.setSliderDown(True)
    frames = viewport.frames_rendered
    start, process = time.perf_counter(), time.process_time()
    timer.start()
    _wait(app, lambda: time.perf_counter() - start >= seconds, timeout=seconds + 60)
    timer.stop()
    taken = time.perf_counter() - start
    process = time.process_time() - process
    shown = viewport.frames_rendered - frames
    slider.setSliderDown(False)
    state.pose_changed.disconnect(count)
    _wait(app, lambda: not viewport.drawing_pending)
    label = "motion lab: knee dragged by hand" + (f", {selected} selected" if selected else "")
    print(
        f"{label:<44} {shown / taken:8.1f} frames/s   ({position[0]} moves, "
        f"{poses[0] / max(shown, 1):.2f} poses a frame, {1000 * process / max(shown, 1):.1f} ms "
        "of process CPU a frame; target >= 30 frames/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts per command")
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--selections", type=int, default=1000)
    parser.add_argument("--drag-steps", type=int, default=90, help="motion lab slider steps")
    parser.add_argument("--drag-select", default="", metavar="ID",
                        help="also drag with this structure selected (e.g. gastrocnemius)")
    parser.add_argument("--hand-drag", type=float, default=3.0, metavar="SECONDS",
                        help="a drag moving the slider every 8 ms, as a hand does")
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold-start runs")
    parser.add_argument("--pack", type=Path, metavar="DIR",
                        help="draw the BodyParts3D anatomy pack installed in DIR "
                        "(sets CALFEXPLORER_ANATOMY_DIR; default: the built-in leg unless that "
                        "is set)")
    parser.add_argument("--lab-behind", action="store_true",
                        help="clicks with the motion lab opened once and left behind the "
                        "information panel's tab (as after a visit to the lab)")
    parser.add_argument("--memory-split", action="store_true",
                        help="after the memory at start, only where the drawn geometry's "
                        "memory goes (numpy and VTK/OpenGL buffers, per kind of actor)")
    parser.add_argument("--lab-memory", action="store_true",
                        help="after the memory at start, only the motion lab posed (knee 90)")
    parser.add_argument(
        "--compare-present",
        action="store_true",
        help="clicks and drag steps also with quick frames composed in VTK's framebuffers "
        "(as before #17's last round), interleaved",
    )
    parser.add_argument(
        "--compare-merge",
        action="store_true",
        help="clicks also with the faded rest drawn one actor per structure, interleaved",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # numbers appear as they are measured
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"]
        sys.exit(subprocess.call([*xvfb, sys.executable, *sys.argv]))
    user = Path(tempfile.mkdtemp(prefix="calfexplorer-bench-"))
    os.environ["CALFEXPLORER_CONFIG_DIR"] = str(user / "config")
    os.environ["CALFEXPLORER_USER_DIR"] = str(user / "user")
    if args.pack is not None:  # the window draws an installed pack by default
        os.environ["CALFEXPLORER_ANATOMY_DIR"] = str(args.pack.resolve())
    if not args.skip_cold:
        bench_cold_start(args.runs)
    app, window = _window()
    print(f"model drawn: {getattr(window.assets, 'model', 'builtin')}")
    if window.viewport is None:
        print(f"no 3D view ({window.gl_problem}): click and frame benchmarks skipped")
        return
    bench_memory(app, window, 0 if args.lab_memory or args.memory_split else args.selections)
    if args.memory_split:
        bench_memory_split(window)
        window.close()
        return
    if args.lab_memory:
        bench_lab_memory(app, window)
        window.close()
        return
    if args.lab_behind:
        _lab_behind(app, window)
    bench_click(app, window, args.clicks, args.compare_merge, args.compare_present)
    bench_frames(app, window, args.frames)
    bench_motion_drag(app, window, args.drag_steps, compare_present=args.compare_present)
    bench_hand_drag(app, window, args.hand_drag)
    if args.drag_select:
        bench_motion_drag(
            app, window, args.drag_steps, args.drag_select, compare_present=args.compare_present
        )
        bench_hand_drag(app, window, args.hand_drag, args.drag_select)
    window.close()
    shutil.rmtree(user, ignore_errors=True)


if __name__ == "__main__":
    main()
