"""Opening a reference's web address, and saying so when no web browser can be started."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QToolTip, QWidget

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
