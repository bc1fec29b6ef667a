"""Opening a reference's web address, and saying so when no web browser can be started."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow, QTextBrowser, QToolTip, QWidget

#: How long the status bar says that no browser could be started (ms).
MESSAGE_MS = 12000


def open_web_link(url: QUrl, where: QWidget) -> bool:
    """Open ``url`` in the web browser; whether one started.

    Where none can be started (none installed or set as the default), the click did nothing
    to be seen (Qt says why on stderr only): the address is copied to the clipboard and the
    window's status bar (a tooltip outside a main window) says so.
    """
    if QDesktopServices.openUrl(url):
        return True
    address = url.toString()
    QGuiApplication.clipboard().setText(address)
    message = (f"No web browser could be started to open {address}; the address is copied: "
               "paste it into a browser.")
    window = where.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, MESSAGE_MS)
    else:
        QToolTip.showText(where.mapToGlobal(where.rect().center()), message, where)
    return False


def open_links_in_browser(widget: QLabel | QTextBrowser) -> None:
    """Open the web links of a label's or a browser's rich text with :func:`open_web_link`.

    Qt's own handler (``setOpenExternalLinks``) does nothing to be seen where no browser can
    be started; this one copies the address and says so.
    """
    if isinstance(widget, QTextBrowser):
        widget.setOpenExternalLinks(False)
        widget.setOpenLinks(False)  # (else a click replaces the page with the link's address)
        widget.anchorClicked.connect(lambda url: open_web_link(url, widget))
    else:
        widget.setOpenExternalLinks(False)
        widget.linkActivated.connect(lambda link: open_web_link(QUrl(link), widget))
