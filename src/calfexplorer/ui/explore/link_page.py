"""A page of links that is one stop in the window's Tab order: the information page's and the
Lesion panel's.

Tab in a ``QTextBrowser`` walks every link of its page before it leaves (over 60 presses past
the soleus' page); here Tab and Shift+Tab leave the page, Right and Left walk its links, and
Return follows the one marked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QTextEdit


class LinkPage(QTextBrowser):
    """A ``QTextBrowser`` whose links are walked with the arrow keys, not with Tab."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt override
        """Tab and Shift+Tab leave the page (the links are walked with the arrows)."""
        if not (self.isVisible() and self.isEnabled()):
            # Qt asks this as the page goes behind another tab (its dock disables it): the
            # keyboard stays here, so that tab's panel takes it back (passed on, it went to
            # the Fade slider, and Return on the Study tab did nothing)
            return False
        return QTextEdit.focusNextPrevChild(self, next)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left) and not event.modifiers():
            self.walk_links(key == Qt.Key.Key_Right)
            event.accept()
            return
        super().keyPressEvent(event)

    def walk_links(self, forward: bool = True) -> bool:
        """Mark the next (or previous) link after the marked one, or the first (last) on the
        page, scrolled into view, for Return to follow; whether there was one (the mark stays
        on the last link at the page's end)."""
        cursor = self.textCursor()
        spans = _link_spans(self.document())
        if not cursor.hasSelection():  # (nothing marked yet: the page's first or last)
            ahead = spans
        elif forward:
            ahead = [s for s in spans if s[0] >= cursor.selectionEnd()]
        else:
            ahead = [s for s in spans if s[1] <= cursor.selectionStart()]
        if not ahead:
            return False
        start, end = ahead[0] if forward else ahead[-1]
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True


def _link_spans(document: QTextDocument) -> list[tuple[int, int]]:
    """(start, end) document positions of every link, in reading order."""
    spans: list[tuple[int, int]] = []
    last_href = ""
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            href = fmt.anchorHref() if fmt.isAnchor() else ""
            if href:
                start, end = fragment.position(), fragment.position() + fragment.length()
                if spans and spans[-1][1] == start and href == last_href:  # (one link in
                    start = spans.pop()[0]  # several formats)
                spans.append((start, end))
            last_href = href
            it += 1
        block = block.next()
    return spans


__all__ = ["LinkPage"]
