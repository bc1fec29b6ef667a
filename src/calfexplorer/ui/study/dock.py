"""Study mode in the main window: the dock, the Modes menu entry and 3D picks for find-it.

The panel itself is built the first time the dock is shown, so start-up does not pay for the
study engine (about a quarter of a second).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget

from calfexplorer.ui.lazy_host import LazyPanelHost, ModeWindow, add_mode

if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas
    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState
    from calfexplorer.ui.explore.skin_menu import SkinControls
    from calfexplorer.ui.study.panel import StudyPanel
    from calfexplorer.ui.study.store_banner import StoreBanner
    from calfexplorer.ui.viewport import ViewportWidget


class StudyWindow(ModeWindow, Protocol):
    """What the study dock uses of the main window, besides the atlas, state, scene and
    viewport it is handed: the information dock, the skin controls (made after the dock),
    preset views, the route for viewport clicks and the concealing of a question's answer."""

    info_dock: QDockWidget
    skin: SkinControls

    def set_view(self, view: str) -> None: ...

    def bring_to_front(self, dock: QDockWidget) -> None: ...

    def add_pick_handler(self, handler: Callable[[str | None], bool]) -> None: ...

    def conceal_selection(self, concealed: bool) -> None: ...


#: How far behind the nearest space a click may find the one asked for and still count
#: (metres): the compartments' volumes overlap at their edges (the lateral one lies 9 mm
#: behind the superficial posterior one at its own centre, seen from the side).
SPACE_DEPTH = 0.012


class StudyHost(LazyPanelHost):
    """The study dock's widget: holds a :class:`StudyPanel`, made on first use. ``scene`` and
    ``viewport`` are None in a window without a 3D view."""

    _panel: StudyPanel | None
    window_: StudyWindow
    store_banner: StoreBanner | None = None
    _site_view: Any = None  # (site id, SiteView) of the last site checked for a question
    _skin_before: Any = False  # the skin colouring before a skin question (False: none taken)
    _lesion_drawn = False  # an answered lesion question's loss is drawn on the 3D view

    def __init__(
        self,
        window: StudyWindow,
        atlas: Atlas,
        state: AppState,
        scene: Scene | None,
        viewport: ViewportWidget | None,
    ) -> None:
        super().__init__(window)
        self._atlas, self._state = atlas, state
        self._scene = scene if viewport is not None else None
        self._viewport = viewport
        from calfexplorer.scene.camera import CameraTurn  # (with the scene, not at start-up)

        self._turn = CameraTurn()  # the preset the user looks from while questions turn it

    def build_panel(self) -> StudyPanel:
        """The study panel, wired to the window's info dock and camera framing, below the
        banner that says when answers cannot be saved to disk."""
        from calfexplorer.study import ProgressStore
        from calfexplorer.ui.study.panel import StudyPanel
        from calfexplorer.ui.study.store_banner import StoreBanner

        store = ProgressStore.open()  # never raises: what is wrong shows in the banner
        try:
            panel = StudyPanel(self._atlas, self._state, store=store, parent=self)
        except Exception:
            store.close()
            raise
        self.store_banner = StoreBanner(store, parent=self)
        self.column.insertWidget(0, self.store_banner)  # above the panel, on every page
        panel.explore_requested.connect(self._show_info)
        panel.question_shown.connect(self._frame)
        panel.answered.connect(self._show_skin_answer)
        panel.answered.connect(self._show_lesion_answer)
        panel.session_finished.connect(lambda _summary: self._clear_lesion())
        panel.session_finished.connect(lambda _summary: self._give_skin_back())
        panel.session_finished.connect(lambda _summary: self._restore_view())
        panel.explore_requested.connect(lambda _sid: self._clear_lesion())
        panel.explore_requested.connect(lambda _sid: self._give_skin_back())
        panel.asking_changed.connect(lambda _asking: self._conceal())
        panel.session_finished.connect(lambda _summary: self._conceal())
        self._state.mode_changed.connect(lambda _mode: self._conceal())
        if self._scene is not None:
            panel.askable = self._can_show
            # patches come with the feedback
            panel.asking_changed.connect(self._scene.set_sites_concealed)
        return panel

    def _conceal(self) -> None:
        """The list and the information panel keep the selection to themselves while a
        question is open, and all through an exam session in study mode (between its
        questions the answered one would show, with no feedback meant)."""
        panel = self._panel
        if panel is None:
            return
        session = panel.session
        exam = (session is not None and session.exam and not session.finished
                and self._state.mode == "study")
        self.window_.conceal_selection(panel.asking or exam)

    def answer_pick(self, structure_id: str | None) -> bool:
        """A viewport click: True when it answered a find-it or skin question (else not
        ours). A skin question takes the areas of the skin map under the click; a click off
        the skin is taken too, and only says where to click."""
        panel = self._panel
        if panel is None or panel.state.mode != "study":
            return False
        if panel.wants_skin:
            point = self._viewport.last_click_display if self._viewport is not None else None
            scene = self._scene
            under = scene.skin.pick(*point) if point is not None and scene is not None else None
            if under is None:
                self.window_.statusBar().showMessage("Click on the skin to answer.", 5000)
                return True
            return panel.answer_with_skin(*under) is not None
        return panel.answer_with_pick(self._space_clicked(structure_id)) is not None

    def _space_clicked(self, structure_id: str | None) -> str | None:
        """What a click answers to "Click the lateral compartment": where the structure asked
        for never takes a click (a compartment, a retinaculum, a fascia: see-through), the
        compartment the click lands in (within :data:`SPACE_DEPTH` of the nearest), or the
        sheet asked for where the click lies over it (the crural fascia wraps the septa and
        the interosseous membrane), drawn or not; else what the click selected."""
        panel, scene = self._panel, self._scene
        q = panel.question if panel is not None else None
        point = self._viewport.last_click_display if self._viewport is not None else None
        if (q is None or scene is None or point is None or q.structure_id not in scene.catalog
                or scene.takes_clicks(q.structure_id)):
            return structure_id
        kind = scene.catalog[q.structure_id].kind
        along = scene.of_kind_along(*point, kind)
        reach = SPACE_DEPTH if kind == "region" else float("inf")
        if any(sid == q.structure_id and behind <= reach for behind, sid in along):
            return q.structure_id
        return along[0][1] if along else structure_id

    def set_shown(self, shown: bool) -> None:
        """The dock was shown or hidden (also by switching tabs): resume or pause a question."""
        # Closing the window hides the dock too: then leave the state (and the 3D view,
        # already finalised) alone.
        import shiboken6

        if not shiboken6.isValid(self.window_):  # the dock hides while the window is deleted
            return
        if self._panel is not None and self.window_.isVisible():
            if shown:
                self._panel.resume()
                # the keys come back with the tab (they stayed on the page now behind it)
                QTimer.singleShot(0, self, self._panel.reclaim_focus)
            else:
                self._panel.pause()
                self._clear_lesion()
                self._give_skin_back()  # a waiting skin question takes it again on resume
                self._restore_view()  # (resuming frames the question again)

    def _site(self, site_id: str) -> Any:
        """The side view that shows a site best (None: no view shows it well enough)."""
        from calfexplorer.scene.site_view import best_site_view

        if self._site_view is None or self._site_view[0] != site_id:
            scene = self._scene
            self._site_view = (site_id, None if scene is None else best_site_view(scene, site_id))
        return self._site_view[1]

    def _can_show(self, question: Any) -> bool:
        """Whether the 3D view can show what a question asks about: a site from some side; a
        structure to name or find only if it is drawn at all (regions and ligaments may not
        have a 3D shape yet)."""
        if question.kind == "attachment_site":
            return self._site(question.structure_id) is not None
        if question.kind in ("name_it", "find_it"):
            return self._scene is not None and bool(self._scene.parts(question.structure_id))
        if question.mode == "skin":
            return self._scene is not None and bool(self._scene.skin.available())
        return True

    def _frame(self, question: Any) -> None:
        """Each question starts from the whole leg, seen from the preset the user chose; a site
        is shown with its bone and neighbours, from the side that shows it best; a structure to
        name with its neighbours, from the side its compartment faces or (the foot's, the rest)
        the side it lies on, the user's where that shows it well."""
        w, scene = self.window_, self._scene
        if scene is None or self._panel is None:
            return
        self._clear_lesion()
        if question.mode == "skin":
            self._take_skin()
        else:
            self._give_skin_back()
        from calfexplorer.scene.site_view import compartment_side, naming_view

        turn = self._turn
        if not turn.left_alone(scene):
            turn.user_view = scene.view  # the user chose it (or the session starts)
        chosen = turn.user_view or scene.view
        site = None
        if question.kind == "attachment_site":
            site = self._site(question.structure_id)
        elif question.kind == "name_it":
            site = naming_view(scene, question.structure_id, chosen,
                               compartment_side(self._atlas, question.structure_id))
        if site is not None:
            w.set_view(site.view)
            scene.set_camera_pose(site.pose)
        else:
            w.set_view(chosen)  # the whole leg from the preset the user chose
        turn.left(scene)

    def view_to_remember(self) -> str | None:
        """The preset the user chose, while a question has turned the camera from it (and
        the user left it so); None otherwise."""
        return self._turn.remembered(self._scene) if self._scene is not None else None

    def _restore_view(self) -> None:
        """After a session: the view the user chose, where a question had turned it."""
        chosen = self.view_to_remember()
        if chosen is not None:
            self.window_.set_view(chosen)
        self._turn.clear()

    def _take_skin(self) -> None:
        """Show the skin plain for a skin question (coloured areas would give the answer)."""
        if self._scene is None:
            return
        skin = self._scene.skin
        if self._skin_before is False:
            self._skin_before = skin.mode
        skin.set_highlight(None)
        self.window_.skin.set_mode("plain")

    def _show_skin_answer(self, result: Any) -> None:
        """After a skin question: the right area shaded on the skin."""
        from calfexplorer.study.skin_questions import area_id

        panel = self._panel
        if panel is None or self._scene is None:
            return
        q = panel.question_view.question
        session = panel.session
        if q is not None and q.mode == "skin" and session is not None and session.show_feedback:
            self._scene.skin.set_highlight(area_id(q.structure_id))

    def _show_lesion_answer(self, _result: Any) -> None:
        """After a lesion question: what the lesion takes away, drawn as the Lesion panel
        draws it (its muscles coloured by the supply they lose, its cuts marked, its numb skin
        shaded) and seen from the side that shows it (the answer lit its nerve alone)."""
        panel, scene = self._panel, self._scene
        if panel is None or scene is None:
            return
        q, session, facts = panel.question_view.question, panel.session, panel.facts
        card = facts.lesions.get(q.structure_id) if q is not None else None
        if (q is None or card is None or facts.lesion_model is None or session is None
                or not session.show_feedback):
            return
        from calfexplorer.lesion.report import denervation_colours, telling_muscles
        from calfexplorer.lesion.shown import lesion_shown
        from calfexplorer.scene.cards import lesion_shot
        from calfexplorer.scene.style import hex_rgb

        shown = lesion_shown(self._atlas, facts.lesion_model, card.result)
        scene.set_colour_overrides({sid: hex_rgb(c) for sid, c in shown.colours.items()},
                                   stay=True)
        scene.set_nerve_cuts(shown.marks, shown.cut_off)
        if shown.numb_skin and scene.skin.available():
            self._take_skin()
            scene.skin.set_numb(list(shown.numb_skin))
        self._lesion_drawn = True
        by_lesion = {key: denervation_colours(self._atlas, c.result)
                     for key, c in facts.lesions.items()}
        telling = telling_muscles(by_lesion, q.structure_id) if shown.colours else set()
        shot = lesion_shot(scene, shown, telling)
        if shot is not None:
            self.window_.set_view(shot.view)
            scene.set_camera_pose(shot.pose)
            self._turn.left(scene)

    def _clear_lesion(self) -> None:
        """Take an answered lesion's drawing off the 3D view (the next question, the end or
        a pause of the session)."""
        if not self._lesion_drawn or self._scene is None:
            return
        self._lesion_drawn = False
        self._scene.set_colour_overrides({})
        self._scene.set_nerve_cuts((), ())
        self._scene.skin.set_numb(None)
        self._give_skin_back()

    def _give_skin_back(self) -> None:
        """The skin as it was before the skin questions, without the answer's shading."""
        if self._skin_before is False or self._scene is None:
            return
        self._scene.skin.set_highlight(None)
        self.window_.skin.set_mode(self._skin_before)
        self._skin_before = False

    def _show_info(self, _structure_id: str) -> None:
        dock = self.window_.info_dock
        dock.show()
        self.window_.bring_to_front(dock)
        dock.widget().setFocus()  # the keys go with it (Space scrolls the page, not the quiz)



def install_study_mode(
    window: StudyWindow,
    atlas: Atlas,
    state: AppState,
    scene: Scene | None,
    viewport: ViewportWidget | None,
) -> StudyHost:
    """Add the Study dock (Modes > Study, Ctrl+Shift+S) to the main window and route 3D picks to it.

    In study mode the viewport's clicks go to :meth:`StudyPanel.answer_with_pick` while a
    find-it question waits; any other click selects as usual.
    """
    host = StudyHost(window, atlas, state, scene, viewport)
    add_mode(
        window, "study", "Study", host, text="&Study", shortcut="Ctrl+Shift+S",
        tip="Quiz yourself: name it, find it, facts, attachments",
    )
    window.add_pick_handler(host.answer_pick)
    return host
