"""The info panel: the selected structure's page, with links that select related structures."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QTextCursor, QTextDocument

from calfexplorer.atlas import Atlas
from calfexplorer.ui.explore.info_html import LINK_SCHEME, PAGE_CSS, structure_html
from calfexplorer.ui.explore.link_page import LinkPage
from calfexplorer.ui.web_links import open_web_link


class InfoPanel(LinkPage):
    """Shows :func:`structure_html` for an id; emits ``link_activated(id)`` for a link click.

    One stop in the window's Tab order; inside it, Right and Left walk the links and Return
    follows one (:class:`LinkPage`).
    """

    link_activated = Signal(str)

    def __init__(self, atlas: Atlas, unavailable: Mapping[str, str] | None = None, parent=None):
        super().__init__(parent)
        self.atlas = atlas
        self.unavailable = dict(unavailable or {})
        self.current_id: str | None = None
        self.document().setDefaultStyleSheet(PAGE_CSS)
        # A scroll bar that comes and goes narrows the page after it is laid out, and Qt lays
        # the whole page out again: a quarter of filling the panel on a click (a short page,
        # then a long one). Always there, the text keeps its width.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.show_structure(None)

    def show_structure(self, structure_id: str | None) -> None:
        """Fill the panel for a structure (or the welcome page for None)."""
        self.current_id = structure_id
        reason = self.unavailable.get(structure_id) if structure_id else None
        self.setHtml(structure_html(self.atlas, structure_id, reason))

    def show_page(self, page_id: str, html: str) -> None:
        """Show a page that is not a structure's (a point of skin); ``page_id`` names it."""
        self.current_id = page_id
        self.setHtml(html)

    def show_passage(self, text: str) -> bool:
        """Scroll the page to a passage (a note's title) and mark it; whether it was found
        (a search for 'shin splints' opened the tibia's page at its top, the note far below)."""
        # A note's title is set as "Title." at the head of its paragraph; the same words may
        # come earlier in lower case ("fabella" in the description above the Fabella note).
        exact = QTextDocument.FindFlag.FindCaseSensitively
        found = self.document().find(f"{text}.", 0, exact)
        if found.isNull():
            found = self.document().find(text, 0, exact)
        if found.isNull():
            return False
        found.setPosition(found.selectionStart())
        found.setPosition(found.selectionStart() + len(text), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(found)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(found).top() - 3 * self.fontMetrics().height())
        return True

    def link_targets(self) -> list[str]:
        """Ids of every link on the current page, in order."""
        html = self.toHtml()
        out: list[str] = []
        marker = f'href="{LINK_SCHEME}'
        start = html.find(marker)
        while start >= 0:
            end = html.find('"', start + len(marker))
            out.append(html[start + len(marker) : end])
            start = html.find(marker, end)
        return out

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith(LINK_SCHEME):
            self.link_activated.emit(text[len(LINK_SCHEME) :])
        elif url.scheme() in ("http", "https"):  # a reference: read it in the web browser
            open_web_link(url, self)

