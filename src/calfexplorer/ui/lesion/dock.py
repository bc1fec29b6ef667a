"""Lesion mode in the main window: the dock, its Modes menu entry and 3D clicks on nerves.

The panel and the lesion data are loaded the first time the dock is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calfexplorer.ui.lazy_host import LazyPanelHost, add_mode

if TYPE_CHECKING:
    from calfexplorer.ui.lesion.panel import LesionPanel


class LesionHost(LazyPanelHost):
    """The lesion dock's widget: holds a :class:`LesionPanel`, made on first use."""

    _panel: LesionPanel | None

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.in_front = False
        self._skin_shown_for_lesion = False  # the skin was off: shown only for the numb skin

    def build_panel(self) -> LesionPanel:
        """The panel over the window's atlas; its links select, its colours go to the 3D view."""
        from calfexplorer.lesion import open_lesion_model
        from calfexplorer.ui.lesion.panel import LesionPanel

        w = self.window_
        model, problems = open_lesion_model(w.atlas)
        panel = LesionPanel(w.atlas, model, problems, parent=self)
        panel.link_activated.connect(w.select)
        panel.lesion_changed.connect(w.state.set_lesion)
        panel.colours_changed.connect(self._send_colours)
        return panel

    def _send_colours(self, colours: dict) -> None:
        scene = getattr(self.window_, "scene", None)
        if scene is not None and self.in_front:
            scene.set_colour_overrides(colours)
            self._show_numb_skin(self._panel.numb_skin() if self._panel is not None else [])

    def _show_numb_skin(self, skin_ids: list[str]) -> None:
        """Shade the lesion's numb skin, showing the skin (plain) while it is needed."""
        w = self.window_
        scene, controls = getattr(w, "scene", None), getattr(w, "skin", None)
        if scene is None:
            return
        scene.skin.set_numb(skin_ids)
        if skin_ids and scene.skin.mode is None and controls is not None:
            self._skin_shown_for_lesion = controls.set_mode("plain")
        elif not skin_ids and self._skin_shown_for_lesion and controls is not None:
            controls.set_mode(None)
            self._skin_shown_for_lesion = False

    def take_pick(self, structure_id: str | None) -> bool:
        """A 3D click while the panel is in front: a nerve that can be cut is chosen for the
        lesion. Returns False so that the click also selects it as usual."""
        if self.in_front and self._panel is not None and structure_id:
            self._panel.choose_nerve(structure_id)
        return False

    def set_shown(self, shown: bool) -> None:
        """In front, the 3D view shows the denervated muscles; behind, the explorer's colours."""
        import shiboken6

        w = self.window_
        if not shiboken6.isValid(w) or not w.isVisible():  # the window is closing
            return
        self.in_front = bool(shown)
        if self._panel is None or getattr(w, "scene", None) is None:
            return
        w.scene.set_colour_overrides(self._panel.colours() if shown else {})
        self._show_numb_skin(self._panel.numb_skin() if shown else [])


def install_lesion_mode(window: Any) -> LesionHost:
    """Add the Lesion dock (Modes > Lesion, Ctrl+Shift+L) to the main window."""
    host = LesionHost(window)
    add_mode(
        window, "lesion", "Lesion", host, text="&Lesion", shortcut="Ctrl+Shift+L",
        tip="Cut a nerve or a root and see what the patient loses",
    )
    window.add_pick_handler(host.take_pick)
    return host


__all__ = ["LesionHost", "install_lesion_mode"]
