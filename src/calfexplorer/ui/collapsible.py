"""A titled section that opens and closes, sized by its content's layout.

superqt's QCollapsible caps its content at the height the content asked for when it opened,
which cuts word-wrapped text short once the panel is narrower than that guess; here the
content is simply shown or hidden, so the layout gives it the height its width needs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy, QToolButton, QVBoxLayout, QWidget


class Collapsible(QWidget):
    """A toggle button over a column of widgets, closed at first."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QToolButton(self)
        self.button.setText(title)
        self.button.setCheckable(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setArrowType(Qt.ArrowType.RightArrow)
        self.button.setAutoRaise(True)
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.button.toggled.connect(self._show)
        self.content = QWidget(self)
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 0, 0)
        self.content.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.content)

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - the Qt layouts' name
        """Add a widget at the bottom of the section."""
        self.content_layout.addWidget(widget)

    def expand(self) -> None:
        """Open the section."""
        self.button.setChecked(True)

    def collapse(self) -> None:
        """Close the section."""
        self.button.setChecked(False)

    def _show(self, shown: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.content.setVisible(shown)
