"""A dock widget that builds its panel the first time it is shown, so start-up pays nothing."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QStatusBar, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


class ModeWindow(Protocol):
    """What a mode's dock needs of the main window: its menu and dock area, its status bar,
    whether it is shown. The window's state, atlas and scene are handed to a host explicitly."""

    modes_menu: QMenu
    mode_actions: dict[str, QAction]

    def add_mode_dock(self, mode: str, title: str, widget: QWidget) -> QDockWidget: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's name

    def isVisible(self) -> bool: ...  # noqa: N802 - Qt's name

    def set_view(self, view: str) -> None: ...


class LazyPanelHost(QWidget):
    """Holds one panel, made by :meth:`build_panel` on first use (show, or ``.panel``);
    ``panel_built`` is emitted once it is in place (the dock may now need more width), and
    ``least_width_grew`` once the dock has been laid out for more width the panel's content
    needs after that."""

    panel_built = Signal()
    least_width_grew = Signal()

    def __init__(self, window: ModeWindow) -> None:
        super().__init__()
        self.window_ = window
        self._panel: Any = None
        self._failure: QLabel | None = None  # says why the panel could not be built
        self._width_cap: int | None = None
        self._least_width = 0  # (the width the panel last needed)
        self._wider_needed = False  # (more than before, and the dock not yet laid out for it)
        self.column = QVBoxLayout(self)  # (the panel, and what a host puts above it)
        self.column.setContentsMargins(0, 0, 0, 0)

    def build_panel(self) -> QWidget:
        """Make the panel; subclasses import their heavy modules here."""
        raise NotImplementedError

    @property
    def built(self) -> bool:
        """Whether the panel exists yet."""
        return self._panel is not None

    @property
    def panel(self) -> Any:
        """The panel (built now if it was not yet); RuntimeError once building it failed (it
        is not tried again: the dock says why)."""
        if self._failure is not None:
            raise RuntimeError(f"the panel could not be built: {self._failure.text()}")
        if self._panel is None:
            self._panel = self.build_panel()
            self.column.addWidget(self._panel)
            self.cap_width(self._width_cap)
            self.panel_built.emit()
        return self._panel

    def cap_width(self, cap: int | None) -> None:
        """Let the panel ask no more than ``cap`` pixels of width (a small screen: it then
        scrolls sideways); None: what its content needs."""
        self._width_cap = cap
        if self._panel is not None and hasattr(self._panel, "cap_width"):
            self._panel.cap_width(cap)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # The panel's content can need more width after it is built (the motion lab's table
        # once the dock's height gives the lab a vertical scroll bar, seconds later; a muscle
        # pinned): told once the dock has taken it (the resize after), for the window to
        # balance the 3D view's share again.
        if event.type() == QEvent.Type.LayoutRequest and self._panel is not None:
            least = self.minimumSizeHint().width()
            self._wider_needed = self._wider_needed or least > self._least_width
            self._least_width = least
        elif event.type() == QEvent.Type.Resize and self._wider_needed:
            self._wider_needed = False
            self.least_width_grew.emit()
        return handled

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self._panel is None and self._failure is None:
            try:
                _ = self.panel
            except Exception as exc:  # noqa: BLE001 - a panel that cannot be built must not
                # take the window down (an exception out of a Qt override can end the process)
                log.exception("a panel could not be built")
                self._failure = QLabel(
                    f"This panel could not open: {type(exc).__name__}: {exc}. The rest of "
                    "CalfExplorer works; run 'calfexplorer validate' to check the data "
                    "folder.")
                self._failure.setWordWrap(True)
                self._failure.setAlignment(Qt.AlignmentFlag.AlignTop)
                self.column.addWidget(self._failure)
        super().showEvent(event)


def add_mode(
    window: ModeWindow, mode: str, title: str, host: Any, *, text: str, shortcut: str, tip: str
) -> QDockWidget:
    """Put a mode's lazy panel in a dock with its Modes menu entry and shortcut; the host's
    ``set_shown`` follows the dock coming to the front or going behind. Returns the dock."""
    from PySide6.QtGui import QKeySequence

    dock = window.add_mode_dock(mode, title, host)
    action = window.mode_actions[mode]
    action.setText(text)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    dock.visibilityChanged.connect(host.set_shown)
    window.modes_menu.addAction(action)
    return dock
