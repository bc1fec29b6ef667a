"""The band at the top of the Study dock that says when answers are not being saved, why, what
to do, and offers to save them once the problem is fixed."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from calfexplorer.study.store import SAVE_ACTION, ProgressStore

_STYLE = """
QFrame#StoreBanner { background: #fff4ce; border: 1px solid #d9a400; border-radius: 4px; }
QFrame#StoreBanner[saved="true"] { background: #dff6dd; border-color: #6bb36b; }
QFrame#StoreBanner QLabel { color: #2b2000; background: transparent; border: none; }
"""


def _breakable(text: str) -> str:
    """Let a long file path wrap after each slash instead of widening the dock."""
    return text.replace("/", "/\u200b").replace("\\", "\\\u200b")


class StoreBanner(QFrame):
    """Shows the progress store's :attr:`~ProgressStore.status` while it needs the user.

    Hidden while answers go straight into the progress file; after a save it says how many
    answers were saved until closed.
    """

    def __init__(self, store: ProgressStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StoreBanner")
        self.setStyleSheet(_STYLE)
        # As tall as its text needs; the panel below takes the rest of the dock.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.store = store
        self._save_failed = False
        self._in_memory = False  # as of the last refresh
        self._told_unreadable = 0  # unreadable rows already told about
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        self.unsaved = QLabel()
        self.unsaved.setWordWrap(True)
        self.save_button = QPushButton(SAVE_ACTION)
        self.save_button.setToolTip("Write the answers kept in memory into your progress file")
        self.save_button.clicked.connect(self.save_now)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.unsaved, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.close_button)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(row)
        store.add_listener(self.refresh)
        self.destroyed.connect(lambda *_: store.remove_listener(self.refresh))
        self.hide()
        self.refresh()

    def save_now(self) -> bool:
        """Try to write the answers kept in memory into the progress file."""
        ok = self.store.save_pending()
        self._save_failed = not ok
        self.refresh()
        return ok

    def refresh(self) -> None:
        """Show what the store's status says now (hidden when there is nothing to say)."""
        if not shiboken6.isValid(self):  # the store outlived the dock (window closing)
            return
        status = self.store.status
        was_in_memory, self._in_memory = self._in_memory, not status.in_file
        if status.in_file:
            self._save_failed = False
            if was_in_memory:
                self._show_saved(status.saved)
            elif status.unreadable > self._told_unreadable:
                self._show_unreadable(status.unreadable)
            return
        self._set_saved_look(False)
        self.title.setText(
            ("Still not saved. " if self._save_failed else "")
            + "Your study answers are not being saved to disk"
        )
        self.text.setText(_breakable(status.message or ""))
        n = status.unsaved
        self.unsaved.setText(
            f"{n} answer{'s' if n != 1 else ''} kept in memory only." if n else "No answers yet."
        )
        self.save_button.setVisible(status.can_save)
        self.close_button.hide()
        self.show()

    def _show_unreadable(self, count: int) -> None:
        """Some rows of the progress file could not be read: say so once per new count."""
        self._told_unreadable = count
        self._set_saved_look(False)
        self.title.setText("Part of your progress could not be read")
        one = count == 1
        entries = f"{count} entr{'y' if one else 'ies'}"
        self.text.setText(_breakable(
            f"{entries} in {self.store.path} could not be read (a date or card state that "
            f"is not one, perhaps edited by hand) and {'is' if one else 'are'} left out: "
            f"{'that card counts' if one else 'those cards count'} as new. "
            "The file itself is not changed; your new answers are saved into it as usual."))
        self.unsaved.setText("")
        self.save_button.hide()
        self.close_button.show()
        self.show()

    def _show_saved(self, count: int) -> None:
        self._set_saved_look(True)
        self.title.setText("Your study answers are being saved again")
        if count:
            s, were = ("s", "were") if count != 1 else ("", "was")
            text = f"{count} answer{s} kept in memory {were} saved in {self.store.path}."
        else:
            text = f"Answers now go into {self.store.path} again."
        self.text.setText(_breakable(text))
        self.unsaved.setText("")
        self.save_button.hide()
        self.close_button.show()
        self.show()

    def _set_saved_look(self, saved: bool) -> None:
        if self.property("saved") != saved:
            self.setProperty("saved", saved)
            self.style().unpolish(self)
            self.style().polish(self)
