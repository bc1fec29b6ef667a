"""Start-up of the window: QApplication, data loading, error reporting, scripted runs."""

from __future__ import annotations

import argparse
import os
import sys
import time

#: When set, print ``first-frame <time.monotonic()>`` once the window's 3D view has drawn its
#: first frame, then exit (used by ``benchmarks/bench_window.py`` to time the cold start).
STARTUP_PROBE_ENV = "CALFEXPLORER_STARTUP_PROBE"


def run_app(args: argparse.Namespace) -> int:
    """Open the main window; with ``--screenshot`` save it once rendered and exit."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

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
    if os.environ.get(STARTUP_PROBE_ENV):
        _exit_after_first_frame(window, app)
    window.show()
    if args.screenshot:
        window.screenshot_when_rendered(os.path.abspath(args.screenshot), then_quit=True)
    return int(app.exec())


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
