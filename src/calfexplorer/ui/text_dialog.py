"""A dialog showing a long rich text that scrolls where the screen is too short for it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from calfexplorer.ui.web_links import open_links_in_browser

#: Share of the screen's available height the dialog may take at most.
SCREEN_SHARE = 0.85


class TextDialog(QDialog):
    """Rich text in a scrolling browser with a Close button that is always on screen."""

    def __init__(self, parent: QWidget | None, title: str, html: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        open_links_in_browser(self.browser)
        self.browser.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self._fit()

    def _fit(self) -> None:
        """As big as the text, but no taller than the screen leaves room for."""
        doc = self.browser.document()
        doc.setTextWidth(doc.idealWidth())
        width = int(doc.idealWidth()) + 48
        height = int(doc.size().height()) + 96
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, screen.width())
            height = min(height, int(screen.height() * SCREEN_SHARE))
        self.resize(width, height)
