"""Where to save a file the user exports: one dialog for the deck and the view's picture."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from calfexplorer.output_files import output_problem


def ask_save_path(parent: QWidget, title: str, default: str, filter_: str,
                  suffix: str) -> Path | None:
    """The file to save as, or None when the user cancels or keeps a file it would replace.

    The ending (``suffix``, e.g. ``.apkg``) is added where the name was typed without it; the
    file dialog asked about replacing the name as typed, so a file the name then names is
    replaced only when the user says so here (a typed "deck" replaced deck.apkg unasked).
    """
    path, _ = QFileDialog.getSaveFileName(parent, title, default, filter_)
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() == suffix:
        return target
    target = target.with_name(target.name + suffix)
    if target.exists():
        answer = QMessageBox.question(parent, title, f"{target} already exists. Replace it?")
        if answer != QMessageBox.StandardButton.Yes:
            return None
    return target


def cannot_write(parent: QWidget, title: str, target: Path, example: str) -> bool:
    """Say why ``target`` cannot be written, before any work is done for it (an Anki deck
    rendered every image first, then named a scratch file in a raw error); True when so."""
    problem = output_problem(target, example)
    if problem is not None:
        QMessageBox.warning(parent, title, f"Nothing was saved: {problem}.")
    return problem is not None
