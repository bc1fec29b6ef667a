"""The study panel's "Export to Anki...": file dialog, offscreen images, progress dialog.

The export runs on the GUI thread (VTK's offscreen window must stay on the thread that made
it) with a modal progress dialog that keeps the window painted and can cancel.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from calfexplorer.study import Scope, StudyFacts
from calfexplorer.ui.save_dialog import ask_save_path, cannot_write

IMAGE_SIZE = (480, 600)


class ExportCancelled(Exception):
    """The user pressed Cancel in the progress dialog."""


def _message(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, parent=parent)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def time_left(done: int, total: int, elapsed_s: float) -> str:
    """How long the rest will take at the pace so far, in words ('' before the first image).

    A whole deck's few hundred images take minutes in software drawing: the dialog said only
    'Rendering images: 12 of 220', and a user could not tell whether to wait."""
    if done <= 0 or done >= total:
        return ""
    left = elapsed_s / done * (total - done)
    if left < 60:
        return "under a minute left"
    return f"about {round(left / 60)} min left"


def export_with_progress(
    parent: QWidget,
    facts: StudyFacts,
    scope: Scope | None,
    path: str | Path | None = None,
    with_images: bool = True,
):
    """Export the cards in ``scope`` to an ``.apkg``; returns the engine's report or None.

    ``path`` None asks with a file dialog. Images are rendered offscreen by the scene package
    when it and the meshes are available; otherwise the deck is written without them and the
    user is told why.
    """
    from calfexplorer.study.anki import EmptyDeck, export_deck

    target = Path(path) if path is not None else ask_save_path(
        parent, "Export to Anki", str(Path.home() / "calfexplorer.apkg"),
        "Anki package (*.apkg)", ".apkg")
    if target is None or cannot_write(parent, "Export to Anki", target, "calfexplorer.apkg"):
        return None
    if not scope_cards(facts, scope):
        _message(parent, QMessageBox.Icon.Information, "Export to Anki", "Nothing in scope.")
        return None

    dialog = QProgressDialog("Preparing the deck…", "Cancel", 0, 0, parent)
    dialog.setWindowTitle("Export to Anki")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.show()
    QApplication.processEvents()

    render, close, no_images = None, None, ""
    leg_notes: list[str] = []
    if with_images:
        try:
            from calfexplorer.scene.cards import make_card_renderer

            dialog.setLabelText("Loading the 3D leg for the images…")
            QApplication.processEvents()
            from calfexplorer.anatomy.leg_model import BUILTIN
            from calfexplorer.ui.anatomy_menu import stored_model

            # The leg the window shows: the built-in one when chosen, else the pack when it
            # can be used (a damaged pack falls back, as the window does).
            model = BUILTIN if stored_model() == BUILTIN else None
            render, close = make_card_renderer(facts.atlas, IMAGE_SIZE, facts, model,
                                               say=leg_notes.append)
        except (ImportError, OSError, ValueError, RuntimeError) as exc:
            no_images = str(exc) or type(exc).__name__

    started: list[float] = []  # when the first image began

    def progress(done: int, total: int) -> None:
        if not started:
            started.append(time.monotonic())
        dialog.setMaximum(total)
        dialog.setValue(done)
        left = time_left(done, total, time.monotonic() - started[0])
        dialog.setLabelText(f"Rendering images: {done} of {total}" + (f" ({left})" if left else ""))
        QApplication.processEvents()
        if dialog.wasCanceled():
            raise ExportCancelled

    try:
        report = export_deck(facts, target, scope, render, progress=progress if render else None)
    except ExportCancelled:  # (before anything was written: a deck already there is kept)
        return None
    except EmptyDeck as exc:
        why = f" Images could not be rendered ({no_images})." if no_images else ""
        _message(parent, QMessageBox.Icon.Warning, "Export to Anki",
                 f"Nothing was written: {exc}, and there are none.{why} Choose other kinds "
                 "of question.")
        return None
    except OSError as exc:
        _message(
            parent,
            QMessageBox.Icon.Warning,
            "Export to Anki",
            f"The deck could not be written: {exc}",
        )
        return None
    finally:
        if close is not None:
            close()
        dialog.close()
    text = (
        f"Wrote {report.notes} cards on {len(report.structures)} structures with "
        f"{report.images} images to {report.path}."
    )
    if no_images:
        text += f"\n\nImages could not be rendered ({no_images})."
    if leg_notes:
        text += f"\n\n{leg_notes[0][0].upper()}{leg_notes[0][1:]}."
    if report.skipped:
        text += f"\n{report.skipped} cards that need an image were left out."
    if report.image_problems:
        text += f"\n{len(report.image_problems)} structures have no image."
    if report.unaskable:
        text += (f"\n{len(report.unaskable)} cards were left out: the data files cannot make a "
                 f"question of them (first: {next(iter(report.unaskable.values()))}). Run "
                 "'calfexplorer validate' to list the problems.")
    _message(parent, QMessageBox.Icon.Information, "Export to Anki", text)
    return report


def scope_cards(facts: StudyFacts, scope: Scope | None) -> int:
    """How many cards a scope holds."""
    return len((scope or Scope()).cards(facts))
