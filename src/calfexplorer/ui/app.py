"""Start-up of the window: QApplication, data loading, error reporting, scripted runs."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import time
from typing import Any

#: When set, print ``first-frame <time.monotonic()>`` once the window's 3D view has drawn its
#: first frame, then exit (used by ``benchmarks/bench_window.py`` to time the cold start).
STARTUP_PROBE_ENV = "CALFEXPLORER_STARTUP_PROBE"
#: The garbage collector, paused during start-up, resumes at the first frame or after this long.
GC_RESUME_LATEST_MS = 10_000


#: The Qt-free layers the window imports as it starts, imported before Qt
#: (:func:`import_before_qt`).
BEFORE_QT = (
    "calfexplorer.anatomy.leg_model",
    "calfexplorer.atlas.atlas",
    "calfexplorer.atlas.cache",
    "calfexplorer.paths",
    "calfexplorer.scene.scene",
    "calfexplorer.search",
    "calfexplorer.state",
    "calfexplorer.views",
)


#: Set in the process re-started under a virtual screen, so it never re-starts again.
VIRTUAL_SCREEN_ENV = "CALFEXPLORER_VIRTUAL_SCREEN"
VIRTUAL_SCREEN = "-screen 0 1920x1080x24"


def run_app(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """Open the main window; with ``--screenshot`` save it once rendered and exit.

    Without a display, a ``--screenshot`` run re-starts itself under ``xvfb-run`` (``argv``:
    its command-line arguments); anything else ends with one line saying what is needed.
    """
    if args.screenshot is not None:  # ("" too: it opened the window and never ended)
        from calfexplorer.output_files import output_problem

        if problem := output_problem(args.screenshot, "window.png"):
            print(f"calfexplorer: error: --screenshot: {problem}", file=sys.stderr)
            return 2
    if args.select:
        chosen, problem = _known_structure(args.select)
        if problem:
            print(f"calfexplorer: error: --select: {problem}", file=sys.stderr)
            return 2
        args.select = chosen
    if not _has_display():
        return _run_without_display(args, sys.argv[1:] if argv is None else argv)
    gc.disable()  # start-up allocates much and frees little: see _resume_gc_after_first_frame
    try:
        return _run_app(args)
    finally:
        _resume_gc()


def _known_structure(wanted: str) -> tuple[str, str | None]:
    """The structure (or attachment site) id ``--select`` names, given as its id or as a name
    the search box knows exactly ("Soleus", "peroneus longus"); else the reason, with the
    nearest id."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.atlas.messages import did_you_mean, suggested
    from calfexplorer.search import closest_ids, named_id

    atlas, _ = load_atlas()
    found = named_id(atlas, wanted)
    if found is not None:
        return found, None
    hint = suggested(closest_ids(atlas, wanted)) or did_you_mean(wanted, [s.id for s in atlas])
    return wanted, f"unknown structure id {wanted!r}{hint}"


def _has_display() -> bool:
    """Whether Qt can open windows: a display, or a platform chosen by the user."""
    env = os.environ
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def _run_without_display(args: argparse.Namespace, argv: list[str]) -> int:
    """Re-run a ``--screenshot`` under a virtual X screen, or say what is missing."""
    import shutil
    import subprocess

    xvfb_run = shutil.which("xvfb-run")
    if args.screenshot and xvfb_run and not os.environ.get(VIRTUAL_SCREEN_ENV):
        env = {**os.environ, VIRTUAL_SCREEN_ENV: "1"}
        command = [xvfb_run, "-a", "-s", VIRTUAL_SCREEN, sys.executable, "-m", "calfexplorer.cli"]
        return subprocess.run([*command, *argv], env=env, check=False).returncode
    if args.screenshot:
        need = "xvfb-run (the xvfb package) to make a virtual screen"
    else:
        need = "a display to open the window on; for images without one use --screenshot PNG"
        need += " (with xvfb-run installed) or 'calfexplorer render'"
    print(
        f"calfexplorer: error: no display (DISPLAY and WAYLAND_DISPLAY are unset): needs {need}",
        file=sys.stderr,
    )
    return 2


def import_before_qt() -> None:
    """Import :data:`BEFORE_QT` (and numpy, VTK, pydantic ... with them) before PySide6.

    Once imported, PySide6 reads the whole source of every module imported after it into
    Python's line cache, where it stays (to see whether the module opts into its
    ``__feature__`` syntax): ~10 MiB of resident memory at start for these layers.
    First, before numpy starts a thread, every thread is set to allocate from the main
    thread's heap (:func:`calfexplorer.ui.heap.share_main_heap`).
    """
    from calfexplorer.ui.heap import share_main_heap

    share_main_heap()
    for name in BEFORE_QT:
        importlib.import_module(name)


def _close_on_ctrl_c(window: Any) -> list[int]:
    """From here on Ctrl+C in the terminal closes the window as File > Quit does (unsaved
    answers asked about, the layout saved), instead of the start's quick exit, which would
    skip all that; returns a list that is non-empty once it was pressed."""
    import signal

    from PySide6.QtCore import QTimer

    pressed: list[int] = []

    def close(number: int, _frame: object) -> None:
        pressed.append(number)
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGINT, close)
    ticker = QTimer(window)  # (Python sees the signal only when it runs: every quarter second)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    return pressed


def _run_app(args: argparse.Namespace) -> int:
    import_before_qt()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from calfexplorer.ui.line_cache import spare_line_cache

    spare_line_cache()  # what is imported from here on leaves no source in memory

    QCoreApplication.setOrganizationName("CalfExplorer")
    QCoreApplication.setApplicationName("CalfExplorer")
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])

    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=not args.screenshot)
    if window is None:
        return 1
    window.apply_startup_options(
        select=args.select,
        view=args.view,
        study=getattr(args, "study", False),
        motion=getattr(args, "motion", False),
    )
    _resume_gc_after_first_frame(window)
    if os.environ.get(STARTUP_PROBE_ENV):
        _exit_after_first_frame(window, app)
    window.show()
    if not args.screenshot and not os.environ.get(STARTUP_PROBE_ENV):
        window.anatomy.offer_if_wanted()  # until the user has the realistic leg or declines it
    if args.screenshot:
        window.screenshot_when_rendered(os.path.abspath(args.screenshot), then_quit=True)
    interrupted = _close_on_ctrl_c(window)
    code = int(app.exec())
    if interrupted:
        print("calfexplorer: interrupted", file=sys.stderr)
        return 130
    if args.screenshot:
        from calfexplorer.output_files import written_problem

        if problem := window.screenshot_problem or written_problem(args.screenshot):
            print(f"calfexplorer: error: --screenshot: {problem}", file=sys.stderr)
            return code or 1
    return code


def _exit_after_first_frame(window, app) -> None:
    """Print the monotonic time of the first frame drawn in the shown window, then quit."""
    from PySide6.QtCore import QTimer

    def report() -> None:
        if window.isVisible() and not getattr(window, "_probe_done", False):
            window._probe_done = True
            print(f"first-frame {time.monotonic():.6f}", flush=True)
            QTimer.singleShot(0, lambda: app.exit(0))  # queued: works before exec() runs too

    if window.viewport is None:  # no OpenGL: the first frame is the shown window
        QTimer.singleShot(0, report)
    else:
        window.viewport.frame_rendered.connect(report)


def _resume_gc() -> None:
    """Freeze what start-up made (later full collections skip it) and collect garbage again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _resume_gc_after_first_frame(window) -> None:
    """Turn the garbage collector back on once the first frame is on screen.

    Start-up creates hundreds of thousands of long-lived objects (modules, classes, the atlas,
    meshes) and almost no garbage; the collector would trace them over and over (~60 ms on the
    2-core benchmark machine) for nothing. Collection resumes right after the first frame.
    """
    from PySide6.QtCore import QTimer

    QTimer.singleShot(GC_RESUME_LATEST_MS, _resume_gc)  # in case no frame is ever drawn
    if window.viewport is None:
        QTimer.singleShot(0, _resume_gc)  # no 3D view: the first event loop turn
        return
    frame_rendered = window.viewport.frame_rendered

    def resume() -> None:
        frame_rendered.disconnect(resume)
        _resume_gc()

    frame_rendered.connect(resume)
