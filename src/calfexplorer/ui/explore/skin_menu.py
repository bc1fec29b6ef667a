"""The skin in the window: View > Skin (off, plain, dermatomes, nerve territories; K cycles),
and a click on the drawn skin names the dermatome and nerve territory under the cursor."""

from __future__ import annotations

from typing import Any

SKIN_CHOICES = (
    (None, "&Off"),
    ("plain", "&Plain"),
    ("dermatomes", "&Dermatomes"),
    ("territories", "Nerve &territories"),
)


#: What the status bar says when the dermatomes are shown.
DERMATOMES_SHOWN = "Dermatomes (map of Lee et al. 2008); click the skin to name what lies there."


class SkinControls:
    """The Skin menu's actions and the click handler, bound to one window."""

    def __init__(self, window: Any) -> None:
        from PySide6.QtGui import QAction, QActionGroup, QKeySequence

        self.window = window
        self.actions: dict[str | None, Any] = {}
        group = QActionGroup(window)
        menu = window.view_menu.addMenu("S&kin") if hasattr(window, "view_menu") else None
        for mode, text in SKIN_CHOICES:
            action = QAction(text, window)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, m=mode: self.set_mode(m))
            group.addAction(action)
            self.actions[mode] = action
            if menu is not None:
                menu.addAction(action)
        self.actions[None].setChecked(True)
        self.cycle_action = QAction("Next skin colouring", window)
        self.cycle_action.setShortcut(QKeySequence("K"))
        self.cycle_action.triggered.connect(self.cycle)
        window.addAction(self.cycle_action)
        if menu is not None:
            menu.addSeparator()
            menu.addAction(self.cycle_action)
        window.add_pick_handler(self.take_click)

    @property
    def mode(self) -> str | None:
        """The skin colouring shown (None: no skin)."""
        scene = self.window.scene
        return None if scene is None else scene.skin.mode

    def set_mode(self, mode: str | None) -> bool:
        """Show the skin coloured by ``mode`` (None hides it); says why when it cannot."""
        scene = self.window.scene
        if scene is None:
            return False
        if not scene.skin.set_mode(mode):
            self.window.statusBar().showMessage(scene.skin.why_not(mode), 10000)
            self.actions[scene.skin.mode].setChecked(True)  # (what is still shown)
            return False
        self.actions[mode].setChecked(True)
        bar = self.window.statusBar()
        if mode == "dermatomes":
            bar.showMessage(DERMATOMES_SHOWN, 8000)
        elif bar.currentMessage() == DERMATOMES_SHOWN:
            bar.clearMessage()  # (no longer true: the window says what is selected)
        return True

    def cycle(self) -> None:
        """Off, plain, dermatomes, territories, off..."""
        modes = [m for m, _ in SKIN_CHOICES]
        start = modes.index(self.mode)
        for step in range(1, len(modes)):  # (past a colouring the skin map cannot give)
            if self.set_mode(modes[(start + step) % len(modes)]):
                return

    def take_click(self, _structure_id: str | None) -> bool:
        """A click on the drawn skin shows what it lies in, instead of selecting beneath it."""
        window = self.window
        viewport = getattr(window, "viewport", None)
        point = getattr(viewport, "last_click_display", None)
        if window.scene is None or point is None or window.scene.skin.mode is None:
            return False
        if window.state.mode == "study":
            return False  # a quiz click answers the question
        under = window.scene.skin.pick(*point)
        if under is None:
            return False
        from calfexplorer.ui.explore.skin_html import skin_point_html

        dermatomes, territories = under
        window.info.show_page(
            "skin", skin_point_html(window.atlas, window.scene.skin.map, dermatomes, territories)
        )
        dock = getattr(window, "info_dock", None)
        if dock is not None:
            dock.show()
            dock.raise_()
        return True


def install_skin(window: Any) -> SkinControls:
    """Add View > Skin and the skin's click handler to the main window."""
    return SkinControls(window)
