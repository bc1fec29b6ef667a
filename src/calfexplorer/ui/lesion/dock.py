"""Lesion mode in the main window: the dock, its Modes menu entry and 3D clicks on nerves.

The panel and the lesion data are loaded the first time the dock is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from calfexplorer.ui.lazy_host import LazyPanelHost, ModeWindow, add_mode

if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas
    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState
    from calfexplorer.ui.explore.skin_menu import SkinControls
    from calfexplorer.ui.lesion.panel import LesionPanel


class LesionWindow(ModeWindow, Protocol):
    """What the lesion dock uses of the main window, besides the atlas, state and scene it is
    handed: selecting a structure (the panel's links), the skin controls (made after the
    dock) and the route for viewport clicks."""

    skin: SkinControls

    def select(self, structure_id: str | None) -> None: ...

    def select_clicked(self, structure_id: str | None) -> None: ...

    def set_view(self, view: str) -> None: ...

    def add_pick_handler(self, handler: Callable[[str | None], bool]) -> None: ...


class LesionHost(LazyPanelHost):
    """The lesion dock's widget: holds a :class:`LesionPanel`, made on first use. ``scene``
    is None in a window without a 3D view."""

    _panel: LesionPanel | None
    window_: LesionWindow

    def __init__(
        self, window: LesionWindow, atlas: Atlas, state: AppState, scene: Scene | None
    ) -> None:
        super().__init__(window)
        self._atlas, self._state, self._scene = atlas, state, scene
        self.in_front = False
        self._skin_shown_for_lesion = False  # the skin was off: shown only for the numb skin
        self._faced: frozenset[str] = frozenset()  # the denervated muscles last turned to
        self._faced_skin: frozenset[str] = frozenset()  # a skin nerve's numb skin turned to
        self._clicked = False  # a lesion being chosen by a click in the 3D view
        from calfexplorer.scene.camera import CameraTurn  # (with the scene, not at start-up)

        self._turn = CameraTurn()  # the preset the user had while a lesion turned the camera
        self._dock: Any = None  # the Lesion dock (install_lesion_mode)

    def build_panel(self) -> LesionPanel:
        """The panel over the atlas; its links select, its colours go to the 3D view."""
        from calfexplorer.lesion import open_lesion_model
        from calfexplorer.ui.lesion.panel import LesionPanel

        model, problems = open_lesion_model(self._atlas)
        panel = LesionPanel(self._atlas, model, problems, parent=self)
        panel.link_activated.connect(self.window_.select)
        panel.lesion_changed.connect(self._state.set_lesion)
        panel.colours_changed.connect(self._send_colours)
        panel.case_started.connect(self._clear_selection)
        return panel

    def _clear_selection(self) -> None:
        """A case starts: nothing selected (a nerve clicked to choose it stayed magenta and
        named over the view, a hint or a false one)."""
        self.window_.select(None)

    def _send_colours(self, colours: dict) -> None:
        if self._scene is not None and self.in_front:
            self._scene.set_colour_overrides(colours, stay=True)
            self._show_cuts(True)
            self._show_numb_skin(self._panel.numb_skin() if self._panel is not None else [])
            self._face(colours)

    def _face(self, colours: dict) -> None:
        """A new lesion: turn the camera to the side most of its denervated muscles lie on
        when the view does not face it (a common fibular cut seen from behind showed none of
        them)."""
        from collections import Counter

        from calfexplorer.scene.site_view import compartment_side

        muscles = frozenset(colours)
        # A skin nerve's lesion (saphenous, sural) colours no muscle: its numb skin is what
        # to face (the camera stayed where it was: a saphenous cut in the adductor canal was
        # shown from behind, its numb strip edge-on and its cut above the frame).
        skin = frozenset() if muscles or self._panel is None else frozenset(
            self._panel.numb_skin())
        if not muscles and not skin:  # cleared, or a case: the same lesion chosen again
            self._faced = self._faced_skin = frozenset()  # turns again, and the view is the
            self._turn.clear()  # user's from here
            return
        if (muscles, skin) == (self._faced, self._faced_skin) or self._scene is None:
            return
        self._faced, self._faced_skin = muscles, skin
        if self._clicked:
            return
        sides = Counter(side for m in self._to_face(muscles)
                        if (side := compartment_side(self._atlas, m)))
        if skin and (side_of_skin := self._skin_side()):
            sides[side_of_skin] += 1
        if sides:
            side = sides.most_common(1)[0][0]
            if not self._scene.looking_from(side):  # (the preset's name says nothing of a turn)
                if not self._turn.left_alone(self._scene):
                    self._turn.user_view = self._scene.view
                self.window_.set_view(side)
                self._turn.left(self._scene)
        self._frame(muscles)

    def _skin_side(self) -> str | None:
        """The preset that shows most of the numb skin drawn now (and keeps the cuts in
        sight), as the lesion's Anki pictures choose it; None where none is drawn."""
        import numpy as np

        from calfexplorer.scene.lesion_view import lesion_view

        scene = self._scene
        if scene is None or not len(numb := scene.skin.numb_triangles()):
            return None
        cuts = [place.centre for place in scene.nerve_cuts.places.values()]
        areas = [scene.skin.numb_triangles([area]) for area in self._faced_skin]
        shot = lesion_view(scene, (), (), numb, np.array(cuts) if cuts else None, areas)
        return shot.view if shot is not None else None

    def _frame(self, muscles: frozenset[str]) -> None:
        """Frame all the lesion's weak muscles, its numb skin and its cuts with the leg where
        any is off screen (the sciatic nerve's cut in the buttock and its hamstrings lay above
        the calf's frame, an L4 root's quadriceps above its leg's)."""
        scene = self._scene
        if scene is None:
            return
        import numpy as np

        cuts = [place.centre for place in scene.nerve_cuts.places.values()]
        points = np.concatenate([scene.skin.numb_triangles().reshape(-1, 3),
                                 np.asarray(cuts, dtype=float).reshape(-1, 3)])
        scene.frame_with_leg(muscles, points, whole=True)

    def _to_face(self, muscles: frozenset[str]) -> frozenset[str] | list[str]:
        """The muscles to turn to: a damaged root's key test (L5: extensor hallucis longus in
        front, where its skin is; most of what an L5 lesion weakens lies behind), else the
        denervated ones."""
        result = self._panel.result if self._panel is not None else None
        key = [m for e in result.myotomes if e.myotome.key and not e.disputed
               for m in e.myotome.muscles] if result is not None else []
        return key or muscles

    @property
    def skin_for_lesion_only(self) -> bool:
        """Whether the skin is drawn only to shade the lesion's numb skin (the user had it
        off)."""
        return self._skin_shown_for_lesion

    def carry_over(self, other: LesionHost) -> None:
        """Take the lesion another window's panel shows (View > Model opens a new window)."""
        if not other.built or not other.opened:  # (closed, its lesion had left the app)
            return
        chosen = other.panel  # (an unanswered case's controls are empty: nothing to carry)
        nerve, roots = chosen.nerve_combo.currentData(), chosen.roots()
        if nerve or roots:
            self.panel.set_lesion(nerve, chosen.level_combo.currentData(), roots)
        users = other.view_to_remember()
        if users and self._scene is not None and other._scene is not None:
            # the lesion had turned the camera (the new window opened from the user's preset,
            # not the side the lesion shows): the same turn, the user's preset remembered
            self.window_.set_view(other._scene.view)
            self._faced = other._faced
            self._frame(self._faced)  # (framed as it was)
            self._turn.user_view = users
            self._turn.left(self._scene)

    def view_to_remember(self) -> str | None:
        """The preset the user had, while a lesion has turned the camera from it (and the
        user left it so); None otherwise."""
        return self._turn.remembered(self._scene) if self._scene is not None else None

    def _show_numb_skin(self, skin_ids: list[str]) -> None:
        """Shade the lesion's numb skin, showing the skin (plain) while it is needed."""
        scene = self._scene
        if scene is None:
            return
        scene.skin.set_numb(skin_ids)
        controls = self.window_.skin
        # (an S3 lesion's numb skin lies above the 3D skin: shown, it shaded nothing)
        shaded = bool(skin_ids) and scene.skin.shades_numb()
        if shaded and scene.skin.mode is None:
            self._skin_shown_for_lesion = controls.set_mode("plain")
        elif not shaded and self._skin_shown_for_lesion:
            controls.set_mode(None)
            self._skin_shown_for_lesion = False

    def take_pick(self, structure_id: str | None) -> bool:
        """A 3D click while the panel is in front: a nerve that can be cut is chosen for the
        lesion, and the click selects it as usual. Where the skin is drawn only to shade the
        numb skin (the user had it off), the click goes to what lies beneath it (the skin's
        own click handler would name the skin instead, and hide this panel)."""
        if not (self.in_front and self._panel is not None and structure_id):
            return False
        self._clicked = True  # (the camera stays where the user clicked)
        try:
            self._panel.choose_nerve(structure_id)
        finally:
            self._clicked = False
        if not self._skin_shown_for_lesion:
            return False
        self.window_.select_clicked(structure_id)
        return True

    def set_shown(self, shown: bool) -> None:
        """In front, the 3D view shows the denervated muscles; behind, the explorer's colours."""
        import shiboken6

        w = self.window_
        if not shiboken6.isValid(w) or not w.isVisible():  # the window is closing
            return
        self.in_front = bool(shown)
        if self._panel is None or self._scene is None:
            return
        self._scene.set_colour_overrides(self._panel.colours() if shown else {}, stay=True)
        self._show_cuts(shown)
        self._show_numb_skin(self._panel.numb_skin() if shown else [])

    def _show_cuts(self, shown: bool) -> None:
        """Mark where the lesion cuts its nerves, and grey what it cuts off (or nothing)."""
        if self._scene is not None and self._panel is not None:
            self._scene.set_nerve_cuts(*(self._panel.nerve_cuts() if shown else ((), ())))


    def set_dock(self, dock: Any) -> None:
        """The dock that holds the panel (its View menu entry says whether it is open)."""
        self._dock = dock

    @property
    def opened(self) -> bool:
        """Whether the Lesion panel is open (in front or tabbed behind another)."""
        return self._dock is not None and self._dock.toggleViewAction().isChecked()

    def set_open(self, opened: bool) -> None:
        """Closed, the panel's lesion leaves the rest of the app (the motion lab went on
        playing it weakened); opened again, it comes back."""
        if self._panel is not None:
            self._state.set_lesion(self._panel.shared_lesion() if opened else None)


def install_lesion_mode(
    window: LesionWindow, atlas: Atlas, state: AppState, scene: Scene | None
) -> LesionHost:
    """Add the Lesion dock (Modes > Lesion, Ctrl+Shift+L) to the main window."""
    host = LesionHost(window, atlas, state, scene)
    dock = add_mode(
        window, "lesion", "Lesion", host, text="&Lesion", shortcut="Ctrl+Shift+L",
        tip="Cut a nerve or a root and see what the patient loses",
    )
    host.set_dock(dock)
    dock.toggleViewAction().toggled.connect(host.set_open)
    window.add_pick_handler(host.take_pick)
    return host


__all__ = ["LesionHost", "LesionWindow", "install_lesion_mode"]
