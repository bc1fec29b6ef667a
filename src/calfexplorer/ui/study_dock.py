"""Study mode in the main window: the dock, the Modes menu entry and 3D picks for find-it.

The panel itself is built the first time the dock is shown, so start-up does not pay for the
study engine (about a quarter of a second).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QKeySequence

from calfexplorer.ui.lazy_host import LazyPanelHost

if TYPE_CHECKING:
    from calfexplorer.ui.study_panel import StudyPanel
    from calfexplorer.ui.study_store_banner import StoreBanner


class StudyHost(LazyPanelHost):
    """The study dock's widget: holds a :class:`StudyPanel`, made on first use."""

    _panel: StudyPanel | None
    store_banner: StoreBanner | None = None
    _site_view: Any = None  # (site id, SiteView) of the last site checked for a question
    _skin_before: Any = False  # the skin colouring before a skin question (False: none taken)

    def build_panel(self) -> StudyPanel:
        """The study panel, wired to the window's info dock and camera framing, below the
        banner that says when answers cannot be saved to disk."""
        from calfexplorer.study import ProgressStore
        from calfexplorer.ui.study_panel import StudyPanel
        from calfexplorer.ui.study_store_banner import StoreBanner

        w = self.window_
        store = ProgressStore.open()  # never raises: what is wrong shows in the banner
        self.store_banner = StoreBanner(store, parent=self)
        self.layout().addWidget(self.store_banner)  # above the panel, on every page
        panel = StudyPanel(w.atlas, w.state, store=store, parent=self)
        panel.explore_requested.connect(self._show_info)
        panel.question_shown.connect(self._frame)
        panel.answered.connect(self._show_skin_answer)
        panel.session_finished.connect(lambda _summary: self._give_skin_back())
        panel.explore_requested.connect(lambda _sid: self._give_skin_back())
        if getattr(w, "viewport", None) is not None:
            panel.askable = self._can_show
            panel.asking_changed.connect(w.scene.set_sites_concealed)  # patches come with feedback
        return panel

    def answer_pick(self, structure_id: str | None) -> bool:
        """A viewport click: True when it answered a find-it or skin question (else not
        ours). A skin question takes the areas of the skin map under the click; a click off
        the skin is taken too, and only says where to click."""
        panel = self._panel
        if panel is None or panel.state.mode != "study":
            return False
        if panel.wants_skin:
            w = self.window_
            point = getattr(getattr(w, "viewport", None), "last_click_display", None)
            under = w.scene.skin.pick(*point) if point is not None else None
            if under is None:
                w.statusBar().showMessage("Click on the skin to answer.", 5000)
                return True
            return panel.answer_with_skin(*under) is not None
        return panel.answer_with_pick(structure_id) is not None

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
            else:
                self._panel.pause()

    def _site(self, site_id: str) -> Any:
        """The side view that shows a site best (None: no view shows it well enough)."""
        from calfexplorer.scene.site_view import best_site_view

        if self._site_view is None or self._site_view[0] != site_id:
            self._site_view = (site_id, best_site_view(self.window_.scene, site_id))
        return self._site_view[1]

    def _can_show(self, question: Any) -> bool:
        """Whether the 3D view can show what a question asks about: a site from some side; a
        structure to name or find only if it is drawn at all (regions and ligaments may not
        have a 3D shape yet)."""
        if question.kind == "attachment_site":
            return self._site(question.structure_id) is not None
        if question.kind in ("name_it", "find_it"):
            return bool(self.window_.scene.parts(question.structure_id))
        if question.mode == "skin":
            return bool(self.window_.scene.skin.available())
        return True

    def _frame(self, question: Any) -> None:
        """Each question starts from the whole leg; a site is shown with its bone and
        neighbours, from the side that shows it best."""
        w = self.window_
        if getattr(w, "viewport", None) is None or self._panel is None:
            return
        if question.mode == "skin":
            self._take_skin()
        else:
            self._give_skin_back()
        site = self._site(question.structure_id) if question.kind == "attachment_site" else None
        if site is not None:
            w.set_view(site.view)
            w.scene.set_camera_pose(site.pose)
        else:
            w.scene.reset_camera()  # the whole leg from the preset the user chose

    def _take_skin(self) -> None:
        """Show the skin plain for a skin question (coloured areas would give the answer)."""
        w = self.window_
        skin = w.scene.skin
        if self._skin_before is False:
            self._skin_before = skin.mode
        skin.set_highlight(None)
        w.skin.set_mode("plain")

    def _show_skin_answer(self, result: Any) -> None:
        """After a skin question: the right area shaded on the skin."""
        from calfexplorer.study.skin_questions import area_id

        panel = self._panel
        if panel is None or getattr(self.window_, "viewport", None) is None:
            return
        q = panel.question_view.question
        session = panel.session
        if q is not None and q.mode == "skin" and session is not None and session.show_feedback:
            self.window_.scene.skin.set_highlight(area_id(q.structure_id))

    def _give_skin_back(self) -> None:
        """The skin as it was before the skin questions, without the answer's shading."""
        w = self.window_
        if self._skin_before is False or getattr(w, "viewport", None) is None:
            return
        w.scene.skin.set_highlight(None)
        w.skin.set_mode(self._skin_before)
        self._skin_before = False

    def _show_info(self, _structure_id: str) -> None:
        dock = getattr(self.window_, "info_dock", None)
        if dock is not None:
            dock.show()
            self.window_.bring_to_front(dock)

    def hide_tree_selection(self, _structure_id: object = None) -> None:
        """While a question is asked, the structure list must not show the highlighted name."""
        panel = self._panel
        tree = getattr(self.window_, "tree", None)
        if panel is None or tree is None or panel.state.mode != "study":
            return
        if panel.question is not None:
            tree.selectionModel().clearSelection()


def install_study_mode(window: Any) -> StudyHost:
    """Add the Study dock (Modes > Study, Ctrl+Shift+S) to the main window and route 3D picks to it.

    In study mode the viewport's clicks go to :meth:`StudyPanel.answer_with_pick` while a
    find-it question waits; any other click selects as usual.
    """
    host = StudyHost(window)
    dock = window.add_mode_dock("study", "Study", host)
    window.add_pick_handler(host.answer_pick)
    dock.visibilityChanged.connect(host.set_shown)
    action = dock.toggleViewAction()
    action.setText("&Study")
    action.setShortcut(QKeySequence("Ctrl+Shift+S"))
    action.setStatusTip("Quiz yourself: name it, find it, facts, attachments")
    window.modes_menu.addAction(action)
    # Connected after the structure tree's own handler, so it runs after the tree synced.
    window.state.selected_changed.connect(host.hide_tree_selection)
    return host
