"""Start-up of the window: QApplication, data loading, error reporting, scripted runs."""

from __future__ import annotations

import argparse
import os
import sys


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
    window.show()
    if args.screenshot:
        window.screenshot_when_rendered(os.path.abspath(args.screenshot), then_quit=True)
    return int(app.exec())
