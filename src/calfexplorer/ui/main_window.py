"""The main window: viewport in the centre, structures and search on the left, info on the right.

Views never change each other directly: they change :class:`AppState` and react to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSlider,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from calfexplorer import paths
from calfexplorer.atlas import Atlas, AtlasProblem, format_problems, load_atlas
from calfexplorer.state import LAYERS, AppState
from calfexplorer.ui import screen_fit
from calfexplorer.ui.explore.info_panel import InfoPanel
from calfexplorer.ui.explore.search_box import SearchBox
from calfexplorer.ui.explore.structure_tree import StructureTree
from calfexplorer.ui.settings_store import settings, settings_unsaved
from calfexplorer.views import VIEWS

#: The window's size on a first run, where the screen has room for it.
DEFAULT_SIZE = (1500, 950)

VIEW_KEYS = {view: str(n) for n, view in enumerate(VIEWS, 1)}  # 1 anterior ... 6 inferior
#: The View menu's words (and the toolbar's, shorter) for a preset whose name alone does not say
#: what it shows.
VIEW_TEXTS = {"inferior": ("Inferior (sole)", "Sole",
                           "Look at the sole of the foot from below, toes up")}
LAYER_TITLES = {
    "superficial": "Superficial muscles",
    "deep": "Deep muscles",
    "tendons": "Tendons",
    "vessels": "Vessels",
    "nerves": "Nerves",
    "attachments": "Attachment sites",
    "bones": "Bones",
    "regions": "Regions",
}
#: Keys the side panels handle themselves, for the F1 list.
PANEL_KEYS: tuple[tuple[str, str], ...] = (
    ("↓ / ↑ in the search box", "Move through the results (↓ opens them again)"),
    ("Return in the search box", "Select the result shown first or chosen"),
    ("Space in the structure list", "Show or hide the structure (its tick)"),
    ("Menu key or Shift+F10 in the structure list", "The row's menu (focus, hide, isolate)"),
    ("← → ↑ ↓ in the 3D view", "Turn the leg (as dragging it does)"),
    ("+ / − in the 3D view", "Zoom in and out"),
    ("→ / ← in the information panel or the Lesion page, then Return",
     "Walk its links; follow one"),
)
#: Keys the mode panels handle themselves (study_panel's _key_action, the motion lab's
#: sliders), for the F1 list.
MODE_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "study": (
        ("1 – 4", "Choose an answer"),  # (N_CHOICES: a test holds them alike)
        ("Type, then Return", "Answer a name-it question"),
        ("?", "Show the hint"),
        ("Click the 3D view", "Answer a find-it question"),
        ("Esc", "Give up a find-it question"),
        ("Return or Space", "Next question; start a session"),
        ("E after an answer", "Show it in Explore mode"),
        ("Alt+N", "End the session"),
    ),
    "motion": (
        ("Tab", "Move between the sliders and buttons"),
        ("← → on a slider", "Change the angle by 1°"),
        ("Page Up / Page Down", "Change the angle by 5°"),
        ("Space", "Press the focused button (preset, action, Stop)"),
    ),
}
SCREENSHOT_TIMEOUT_S = 60.0
#: How long the status bar says that stored settings were unusable.
SETTINGS_NOTE_MS = 20000
#: Narrowest side panels; the 3D view keeps at least VIEW_SHARE of the window's width where
#: the panels' content allows (see MainWindow._balance_docks).
VIEW_SHARE = 0.5
#: Toolbar texts shorter than the menu's, so both toolbars fit a 1024-pixel-wide window.
SHORT_TEXTS = {
    "Reset view": "Reset", "Focus on selection": "Focus", "Peel layer": "Peel",
    "Restore layer": "Unpeel", "Hide selected": "Hide", "Isolate selected": "Isolate",
    "Superficial muscles": "Superficial", "Deep muscles": "Deep",
    "Attachment sites": "Attachments",
}
#: A selection with less of it than this on screen is brought into view.
ON_SCREEN_ENOUGH = 0.5
#: A site followed by a link that shows less than this share of its area squarely to the
#: camera (far side, edge-on or behind a bone) turns the camera to the side showing it best.
SITE_IN_SIGHT = 0.3
NOTHING_SELECTED = "Click a structure, or search for one on the left."
#: The layers toolbar's buttons (every one of them turns something on or off).
LAYER_TOGGLE_CSS = (
    "QToolButton { border: 1px solid #b4c0cc; border-radius: 3px; padding: 2px 5px;"
    " margin: 1px; background: #fbfbfb; color: #1a1a1a; }"  # (dark themes: light text)
    "QToolButton:checked { background: #d3e4f6; border-color: #4f86c0; }"
    "QToolButton:hover { border-color: #4f86c0; }"
)
#: The status bar while a quiz asks (a selection's name would give the answer away).
STUDYING = "Study session: answer in the Study panel."
ISOLATED_NO_PEEL = ("Layers are peeled on the whole leg: Show all (Shift+A) ends the isolation "
                    "first.")
QUESTION_OPEN = "A question is open: its highlight stays until it is answered."
#: The information panel while a quiz question is open (its selection is the answer).
QUIZ_PAGE_ID = "quiz"
QUIZ_PAGE = (
    "<h3>A study question is open</h3><p>This panel shows the structure again once you "
    "have answered.</p>"
)


#: The first four bytes of what ``QWidget.saveGeometry`` writes.
_GEOMETRY_MAGIC = bytes.fromhex("01d9d0cb")


def _saved_geometry(blob: object) -> bool:
    """Whether ``blob`` is a window geometry Qt saved (which Qt declines to restore on a
    screen of another size), not something else stored under its key."""
    from PySide6.QtCore import QByteArray

    return isinstance(blob, QByteArray) and bytes(blob.data()[:4]) == _GEOMETRY_MAGIC


def load_scene_assets(model: str | None = None) -> tuple[Any, str | None]:
    """The meshes to draw: the BodyParts3D pack over the built-in meshes when it is installed
    (unless ``model`` is ``builtin``), and why the pack is not drawn when it should be."""
    from calfexplorer.anatomy.leg_model import load_leg

    return load_leg(model)


def _not_drawn(atlas: Atlas, assets: Any) -> dict[str, str]:
    """Structures with a shape of their own (no parts) that the leg shown does not draw, and
    why: the tree and the information panel say so instead of selecting nothing."""
    from calfexplorer.anatomy.leg_model import not_drawn

    if not hasattr(assets, "model"):  # meshes that could not be loaded say why elsewhere
        return {}
    return not_drawn(assets, [sid for sid in atlas.structures if not atlas.children(sid)])


#: Windows opened by :meth:`MainWindow.reopen` (Python must hold them while they are shown).
_open_windows: list[QMainWindow] = []


class MainWindow(QMainWindow):
    """The explorer window. Build it with :meth:`create`."""

    _shown_message: str | None = None  # the status bar's word on what is shown
    #: Why the last screenshot could not be saved (None: saved, or none taken).
    screenshot_problem: str | None = None
    _study_closed = False  # the progress store closed, its answers saved or given up

    def __init__(
        self,
        atlas: Atlas,
        problems: list[AtlasProblem],
        assets: Any,
        state: AppState | None = None,
        model_note: str | None = None,
    ) -> None:
        """``model_note``: why the realistic leg asked for is not shown (a banner says so)."""
        super().__init__()
        self.setWindowTitle("CalfExplorer — lower-leg anatomy")
        self.atlas = atlas
        self.problems = problems
        self.state = state or AppState.from_atlas(atlas)
        self.assets = assets
        self.model_note = model_note
        self.unavailable: dict[str, str] = dict(getattr(assets, "unavailable", {}) or {})
        self.scene: Any = None
        self.viewport: Any = None
        self._pick_handlers: list[Callable[[str | None], bool]] = []
        self._follows_screen = False  # (fit_to_screen follows the window to another screen)
        self._hover_name: str | None = None
        self._clicking = False
        self._concealed = False  # a quiz question is open: see conceal_selection
        self._last_selected: str | None = None  # (what a step that hid it let go of)
        self._create_viewport()
        self._create_docks()
        self._create_actions()
        self._create_menus_and_toolbars()
        self._connect_state()
        from calfexplorer.ui.study.dock import install_study_mode

        # Modes > Study; find-it takes viewport clicks
        self.study = install_study_mode(self, self.atlas, self.state, self.scene, self.viewport)
        from calfexplorer.ui.motion.dock import install_motion_mode

        # Modes > Motion lab (built on first show)
        self.motion = install_motion_mode(self, self.atlas, self.state, self.scene)
        from calfexplorer.ui.lesion.dock import install_lesion_mode

        # Modes > Lesion (built on first show)
        self.lesion = install_lesion_mode(self, self.atlas, self.state, self.scene)
        from calfexplorer.ui.explore.skin_menu import install_skin

        self.skin = install_skin(self)  # View > Skin; a click on the skin names its areas
        from calfexplorer.ui.anatomy_menu import install_anatomy

        self.anatomy = install_anatomy(self)  # File > Get realistic anatomy, View > Model
        self.anatomy.add_to_menus(self.file_menu, self.view_menu)
        self.anatomy.model_chosen.connect(self.reopen)
        from calfexplorer.ui.mnemonics import give_mnemonics

        give_mnemonics(self.menuBar())  # (most entries had no Alt-key letter)
        self.statusBar().messageChanged.connect(self._on_status_message)
        self.statusBar().showMessage(NOTHING_SELECTED)
        self._fit_default_size()
        self._restore_settings()
        from calfexplorer.ui.mode_warm_up import ModeWarmUp

        self.modes_warm_up = ModeWarmUp(self)
        if self.viewport is not None:
            self.viewport.frame_rendered.connect(self._after_first_frame)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.viewport is None:  # no 3D view: the shown window is the first frame
            QTimer.singleShot(0, self, self._after_first_frame)
        self.fit_to_screen()
        handle = self.windowHandle()
        if handle is not None and not self._follows_screen:
            handle.screenChanged.connect(lambda _screen: self.fit_to_screen())
            self._follows_screen = True
        super().showEvent(event)

    def fit_to_screen(self) -> None:
        """Minimum widths of the panels and the 3D view that let the window fit the screen
        it is on (at 150 % scaling a 1024-pixel screen is 683 pixels wide), and the window
        no wider than that screen."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        least = screen_fit.minimums(free.width())
        self.structures_dock.setMinimumWidth(least.list)
        self.info_dock.setMinimumWidth(least.info)
        if self.viewport is not None:
            self.viewport.setMinimumSize(least.view, min(least.view, free.height() // 2))
        for dock in self.mode_docks.values():
            host = dock.widget()
            if hasattr(host, "cap_width"):
                host.cap_width(least.mode)
        QTimer.singleShot(0, self, lambda: self._no_larger_than(free.size()))

    def _no_larger_than(self, free: QSize) -> None:
        """Shrink the window into ``free`` (once the new minimums have reached the layout)."""
        if self.width() > free.width() or self.height() > free.height():
            self.resize(min(self.width(), free.width()), min(self.height(), free.height()))

    def _after_first_frame(self) -> None:
        """Build what start-up left for later (the search index, what the modes load on their
        first opening), once the window is drawn."""
        if self.viewport is not None:
            self.viewport.frame_rendered.disconnect(self._after_first_frame)
        QTimer.singleShot(0, self, self.search.warm_up)
        QTimer.singleShot(0, self, self._tell_if_settings_unsaved)
        self.modes_warm_up.start()  # the modes' imports and data, while the user looks

    def _tell_if_settings_unsaved(self) -> None:
        """Say so where preferences and the layout cannot be saved (a write to find out, ~1 ms:
        after the first frame, not before it)."""
        if not paths.unusable_folders() and (unsaved := settings_unsaved()):
            self.statusBar().showMessage(unsaved, SETTINGS_NOTE_MS)

    # --------------------------------------------------------------------------- creation
    @classmethod
    # (a factory named like QWidget.create, an instance method Python code never calls: the
    # name is kept for its callers)
    def create(cls, show_problems: bool = True) -> MainWindow:  # type: ignore[override]
        """Load the atlas and meshes and build the window; data errors go to a dialog."""
        from calfexplorer.ui.anatomy_menu import stored_model

        atlas, problems = load_atlas()
        pack_note = None
        try:
            assets, pack_note = load_scene_assets(stored_model())
        except Exception as exc:  # noqa: BLE001 - any failure leaves the app usable
            from types import SimpleNamespace

            problem = f"the meshes could not be loaded ({type(exc).__name__}: {exc})"
            assets = SimpleNamespace(meshes={}, unavailable={}, problem=problem)
        window = cls(atlas, problems, assets, model_note=pack_note)
        if problems and show_problems:
            QTimer.singleShot(0, window, window.show_data_problems)
        return window

    def reopen(self, _model: str | None = None) -> MainWindow:
        """A new window showing the stored model choice (View > Model stores it before it
        sends the model here) with this one's layout, view, selection, pose (the motion
        lab's: it went back to anatomical position), what is shown, the skin and the lesion;
        this one closes. Returns the new window (this one, kept, where the user keeps it to
        save answers)."""
        if not self._study_answers_settled():
            return self
        self.save_settings()
        selected, view = self.state.selected, self.user_view()
        pose = dict(self.state.pose)
        shown = self.state.snapshot()
        # (a skin shown only to shade a lesion's numb skin is the lesion's, not the user's)
        skin = None if self.lesion.skin_for_lesion_only else self.skin.mode
        window = MainWindow.create(show_problems=False)  # (its banner says why a pack fails)
        if window.problems and [str(p) for p in window.problems] != [
                str(p) for p in self.problems]:
            # the data files changed while the window was open: say so, as a start would (the
            # posterior compartment was gone from the list without a word)
            QTimer.singleShot(0, window, window.show_data_problems)
        window.apply_startup_options(select=selected, view=view)
        if any(pose.values()):
            window.state.set_pose(pose)
        # what the user had hidden, isolated and peeled, the skin and the lesion (a teacher's
        # prepared view went back to the whole leg)
        window.state.restore(shown)
        if skin is not None:
            window.skin.set_mode(skin)
        window.motion.carry_over(self.motion)
        window.lesion.carry_over(self.lesion)
        _open_windows.append(window)
        window.show()
        if window.scene is not None and any(pose.values()):
            # framed at anatomical position, a bent leg ran off the view: frame it as posed
            window.scene.keep_leg_in_view()
        if self.close():
            self.deleteLater()  # (closed windows were kept, each with its leg in memory)
        return window

    def _create_viewport(self) -> None:
        from calfexplorer.ui import asset_notice
        from calfexplorer.ui.viewport import ViewportWidget, opengl_available

        #: What is wrong with the built meshes (shown in the window), or None.
        self.assets_problem: str | None = getattr(self.assets, "problem", None)
        self.asset_banner: QLabel | None = None
        #: The banner saying why the realistic leg is not shown, or None.
        self.model_banner: QLabel | None = None
        ok, reason = opengl_available()
        if not ok:
            label = QLabel(
                "<h2>3D view unavailable</h2><p>No OpenGL could be found on this system "
                f"({reason}).</p><p>The structure list, search and information panels still work. "
                "Install your graphics driver (on Linux: Mesa's libgl1 and libegl1) to see the "
                "3D model.</p>"
            )
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setMargin(40)
            if self.assets_problem:
                label.setText(f"{label.text()}<p>{asset_notice.problem_html(self.assets_problem)}</p>")
            if self.model_note:
                note = asset_notice.model_note_html(self.model_note, dismiss=False)
                label.setText(f"{label.text()}<p>{note}</p>")
            self.setCentralWidget(label)
            self.gl_problem: str | None = reason
            return
        self.gl_problem = None
        if self.assets_problem and not getattr(self.assets, "meshes", None):
            self.setCentralWidget(
                asset_notice.message_label(asset_notice.no_model_html(self.assets_problem))
            )
            return
        from calfexplorer.scene import Scene

        self.viewport = ViewportWidget(self)
        htmls = []
        if self.assets_problem:
            htmls.append(asset_notice.partial_model_html(self.assets_problem))
        if self.model_note:
            htmls.append(asset_notice.model_note_html(self.model_note))
        if htmls:
            box, banners = asset_notice.with_banners(self.viewport, htmls)
            shown = iter(banners)
            self.asset_banner = next(shown) if self.assets_problem else None
            self.model_banner = next(shown) if self.model_note else None
            self.setCentralWidget(box)
        else:
            self.setCentralWidget(self.viewport)
        self.scene = Scene(
            self.assets,
            self.atlas,
            self.state,
            render_window=self.viewport.GetRenderWindow(),
            auto_render=False,  # no frame before the window shows; attach() turns it on
        )
        self.unavailable.update(self.scene.unavailable)
        self.unavailable.update(_not_drawn(self.atlas, self.assets))
        self.viewport.attach(self.scene)
        self.viewport.clicked.connect(self._on_viewport_click)
        self.viewport.context_clicked.connect(self._on_viewport_context_click)
        self.viewport.hovered.connect(self._on_hover)
        self.viewport.camera_released.connect(self._sync_view_actions)

    def _create_docks(self) -> None:
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(4, 4, 4, 4)
        self.search = SearchBox(self.atlas, left)
        self.tree = StructureTree(self.atlas, self.state, self.unavailable, left)
        self.tree.menu_requested.connect(self._structure_menu)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self.search.chosen.connect(self._select_from_search)
        self.search.passage_chosen.connect(self._show_passage)
        self.search.preset_chosen.connect(self.open_preset)
        self.search.root_chosen.connect(self.open_root_lesion)
        self.structures_dock = self._dock("Structures", left, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.structures_dock.setMinimumWidth(screen_fit.LIST)  # (less on a small screen)

        self.info = InfoPanel(self.atlas, self.unavailable)
        self.info.link_activated.connect(self.select)
        self.info_dock = self._dock("Information", self.info, Qt.DockWidgetArea.RightDockWidgetArea)
        self.info_dock.setMinimumWidth(screen_fit.INFO)
        self.mode_docks: dict[str, QDockWidget] = {}
        self.mode_actions: dict[str, QAction] = {}

    def _select_from_search(self, structure_id: str) -> None:
        """Select a search result and hand the keyboard back to the 3D view, so the view's
        single-key commands (peel, hide, isolate) work at once instead of typing letters.
        While a question is open its highlight stays (it is what the question asks about)."""
        if self._concealed:
            self.statusBar().showMessage(QUESTION_OPEN, 6000)
            return
        self.select(structure_id)
        if self.viewport is not None:
            self.viewport.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_root_lesion(self, root: str) -> None:
        """Show a spinal root's lesion in the lesion explorer (a search result: "S1
        dermatome"): its numb skin is the dermatome, its myotome and muscles are listed."""
        if (panel := self._mode_panel("lesion")) is not None:
            panel.set_lesion(None, None, (root,))

    def open_preset(self, preset_id: str) -> None:
        """Open the motion lab in a preset's pose (a search result: "deep squat")."""
        if self._mode_panel("motion") is not None:
            self.motion.apply_preset(preset_id)

    def _mode_panel(self, mode: str) -> Any:
        """A mode's panel, its dock shown in front (a search result opening it); None while a
        question is open (the user is told), or where the panel could not be built (its dock
        says why)."""
        if self._concealed:
            self.statusBar().showMessage(QUESTION_OPEN, 6000)
            return None
        dock = self.mode_docks.get(mode)
        if dock is None:
            return None
        dock.show()
        self.bring_to_front(dock)
        try:
            return (self.lesion if mode == "lesion" else self.motion).panel
        except RuntimeError:
            return None

    def _show_passage(self, text: str) -> None:
        """The information panel brought forward at a passage of the page just selected."""
        if self._concealed:
            return
        self.bring_to_front(self.info_dock)
        self.info.show_passage(text)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_").lower() + "_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        # A panel behind another's tab stays "visible", moved off screen: Tab walked through
        # its links and Return followed one unseen. It takes no keys until it is in front.
        dock.visibilityChanged.connect(lambda shown, w=widget: w.setEnabled(shown))
        return dock

    def add_mode_dock(self, mode: str, title: str, widget: QWidget) -> QDockWidget:
        """Add a dock for a mode (study, motion); it shows while that mode is on."""
        dock = self._dock(title, widget, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.info_dock, dock)
        dock.hide()
        # Turning a mode on brings its tab to the front, not behind the panel the user was
        # reading: the menu and shortcut trigger the action (the dock shows after its
        # toggled signal), code calls show() (toggled follows).
        toggle = dock.toggleViewAction()
        toggle.toggled.connect(lambda on, d=dock: on and self.bring_to_front(d))
        toggle.triggered.connect(lambda on, d=dock: on and self.bring_to_front(d))
        # ...and takes the keyboard with it (focus stayed in the 3D view, and Tab went first
        # through the panel hidden behind it): Enter then starts a study session.
        toggle.triggered.connect(
            lambda on, d=dock: on and QTimer.singleShot(0, self, lambda: self.focus_into(d))
        )
        toggle.toggled.connect(lambda on: on and QTimer.singleShot(0, self, self._balance_docks))
        if hasattr(widget, "panel_built"):  # (a panel built on first show widens its dock
            # after the balance above: Study left the 3D view 45 % of a 1280-pixel window)
            widget.panel_built.connect(lambda: QTimer.singleShot(0, self, self._balance_docks))
        if hasattr(widget, "least_width_grew"):  # ...and when its content needs more width
            # later (the motion lab's, seconds after: the 3D view lost its half)
            widget.least_width_grew.connect(self._balance_after_panel_widened)
        self.mode_docks[mode] = dock
        # The menu entry and shortcut: a dock's own toggle would close a panel the user
        # cannot see (open behind another tab) instead of bringing it forward.
        action = QAction(title, self)
        action.setCheckable(True)
        toggle.toggled.connect(action.setChecked)
        action.triggered.connect(lambda _on, m=mode: self.open_or_close_mode(m))
        self.mode_actions[mode] = action
        return dock

    def open_or_close_mode(self, mode: str) -> None:
        """A mode's menu entry or shortcut: open its panel, bring it forward when it is open
        behind another tab, close it when it is in front."""
        self._open_or_close(self.mode_docks[mode], self.mode_actions[mode])

    def _open_or_close(self, dock: QDockWidget, action: QAction) -> None:
        toggle = dock.toggleViewAction()
        if toggle.isChecked() and (not dock.isVisible() or dock.visibleRegion().isEmpty()):
            self.bring_to_front(dock)
            QTimer.singleShot(0, self, lambda: self.focus_into(dock))
        else:
            toggle.trigger()
        action.setChecked(toggle.isChecked())

    @staticmethod
    def focus_into(dock: QDockWidget) -> None:
        """Give the keyboard to a shown dock: its panel where it takes keys itself (Study),
        else the first control in it that Tab would reach."""
        panel = dock.widget()
        if panel is None or not dock.isVisible():
            return
        # a lazy host: the panel it holds (none where it could not be built)
        inner = getattr(panel, "panel", None) if getattr(panel, "built", True) else None
        if isinstance(inner, QWidget):
            panel = inner
        if panel.focusPolicy() & Qt.FocusPolicy.TabFocus:
            panel.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        widget = panel.nextInFocusChain()
        while widget is not None and widget is not panel:
            if (panel.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            widget = widget.nextInFocusChain()

    @staticmethod
    def bring_to_front(dock: QDockWidget) -> None:
        """Make a shown dock the tab in front of the panels that share its place.

        A docked QDockWidget switches to its tab only when ``raise_()`` changes its stacking
        order among the window's children. A dock already on top of that order (raised once
        while still hidden, or raised before the user clicked another tab) would stay behind,
        so it is lowered first; a hidden dock is left alone (raising it would spend the change).
        """
        if not dock.isVisible():
            return
        if not dock.isFloating():
            dock.lower()
        dock.raise_()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._balance_docks)
        old = event.oldSize()
        if not old.isValid() or event.size().width() > old.width():
            QTimer.singleShot(0, self, self._widen_structures)

    def _widen_structures(self) -> None:
        """A wider window widens the Structures panel towards the width its names need
        (they were cut short: 'Flexor digitoru...' twice), while the 3D view keeps
        VIEW_SHARE of the window; a panel the user made wider stays so."""
        dock, tree = self.structures_dock, self.tree
        if self.viewport is None or not dock.isVisible() or dock.isFloating():
            return
        need = (tree.sizeHintForColumn(0) + 2 * tree.frameWidth()
                + tree.verticalScrollBar().sizeHint().width() + dock.width() - tree.width())
        grow = min(need - dock.width(), round(self.viewport.width() - self.width() * VIEW_SHARE))
        if grow > 0:
            self.resizeDocks([dock], [dock.width() + grow], Qt.Orientation.Horizontal)

    def _balance_docks(self, passes: int = 3) -> None:
        """Narrow the side panels (not below what their content needs) until the 3D view has
        VIEW_SHARE of the window's width; wider panels the user chose stay until a resize.

        A panel may stop short of the width asked (its tab bar, its content): another pass
        then takes the rest from the others.
        """
        if (
            passes <= 0
            or self.viewport is None
            or self.viewport.width() >= self.width() * VIEW_SHARE
        ):
            return
        shown = [d for d in (self.structures_dock, *self._right_docks()) if d.isVisible()]
        if not shown:
            return
        excess = round(self.width() * VIEW_SHARE - self.viewport.width())
        least = {d: max(d.minimumWidth(), d.minimumSizeHint().width()) for d in shown}
        room = {d: max(d.width() - least[d], 0) for d in shown}
        total = sum(room.values())
        if total <= 0:
            return
        widths = [d.width() - round(room[d] * min(excess / total, 1.0)) for d in shown]
        self.resizeDocks(shown, widths, Qt.Orientation.Horizontal)
        QTimer.singleShot(0, self, lambda: self._balance_docks(passes - 1))

    def _balance_after_panel_widened(self) -> None:
        """A mode's panel took more width after it was built (its content). The window gives
        it from the 3D view on a later layout pass (the view's new width comes after this
        event loop turn: a balance at once saw the old one), so the balance runs again once
        the view is narrower too."""
        QTimer.singleShot(0, self, self._balance_docks)
        if self.viewport is not None:  # (watched until its next resize only: see eventFilter)
            self.viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.viewport and event.type() == QEvent.Type.Resize:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._balance_docks)
        return super().eventFilter(watched, event)

    def _right_docks(self) -> list[QDockWidget]:
        """The right-hand panels in front: one per tab group (the info and mode docks)."""
        docks = [self.info_dock, *self.mode_docks.values()]
        return [d for d in docks if d.isVisible() and not d.visibleRegion().isEmpty()][:1]

    def add_pick_handler(self, handler: Callable[[str | None], bool]) -> None:
        """Let a mode take viewport clicks first; a handler returns True when it used one."""
        self._pick_handlers.append(handler)

    def _action(
        self,
        text: str,
        slot: Callable[..., Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str | None = None,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
        action.setCheckable(checkable)
        if text in SHORT_TEXTS:
            action.setIconText(SHORT_TEXTS[text])
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _create_actions(self) -> None:
        sk = QKeySequence.StandardKey
        self.act_export = self._action("Export view as PNG…", self.export_view_dialog, "Ctrl+E",
                                       "Save the 3D view as a PNG image at a chosen size")
        self.act_quit = self._action("Quit", self.close, sk.Quit)
        self.act_undo = self._action("Undo", lambda: self._travel(undo=True), sk.Undo,
                                     "Undo the last hide, isolate, peel or layer change")
        self.act_redo = self._action("Redo", lambda: self._travel(undo=False), sk.Redo)
        self.act_find = self._action("Find structure", self.focus_search, sk.Find)
        self.act_back = self._action("Back", lambda: self._step_history(self.state.back),
                                     sk.Back, "Previous selection")
        self.act_forward = self._action("Forward", lambda: self._step_history(self.state.forward),
                                        sk.Forward, "Next selection")
        self.act_clear = self._action("Clear selection", self.state.clear_selection, "Esc")
        self.view_actions: dict[str, QAction] = {}
        for view, key in VIEW_KEYS.items():
            text, short, tip = VIEW_TEXTS.get(view, (
                view.capitalize(), view.capitalize(), f"Look at the leg from the {view} side"))
            self.view_actions[view] = self._action(
                text, lambda _=False, v=view: self.set_view(v), key, tip)
            self.view_actions[view].setIconText(short)  # (the toolbar fits a 1024-pixel window)
        self.act_reset = self._action(
            "Reset view", self.reset_view, "R", "Back to the posterior view of the whole leg"
        )
        self.act_focus = self._action("Focus on selection", self.focus_selection, "F",
                                      "Move the camera onto the selected structure")
        self.act_peel = self._action("Peel layer", self.peel, "P",
                                     "Hide the outermost visible layer (the superficial "
                                     "muscles take the veins and nerves under the skin over "
                                     "them and the vessels inside them)")
        self.act_unpeel = self._action("Restore layer", self.unpeel, "Shift+P",
                                       "Put the last peeled layer back")
        self.act_hide = self._action("Hide selected", self.hide_selected, "H",
                                     "Hide the selected structure")
        self.act_isolate = self._action("Isolate selected", self.isolate_selected, "I",
                                        "Show only the selected structure and its bones")
        self.act_show_all = self._action("Show all", self.state.show_all, "Shift+A",
                                         "Show every hidden structure and layer again (the "
                                         "region volumes stay as they are)")
        self.act_labels = self._action("Labels", self.state.set_labels, "L",
                                       "Show or hide labels", checkable=True)
        self.act_labels.setChecked(self.state.labels)
        self.layer_actions: dict[str, QAction] = {}
        for index, layer in enumerate(LAYERS):
            act = self._action(
                LAYER_TITLES[layer],
                lambda on, la=layer: self.set_layer_visible(la, on),
                f"Ctrl+{index + 1}",
                f"Show or hide {LAYER_TITLES[layer].lower()}",
                checkable=True,
            )
            act.setChecked(self.state.layer_visible(layer))
            self.layer_actions[layer] = act
        self.act_shortcuts = self._action("Keyboard shortcuts", self.show_shortcuts, "F1")
        self.act_about = self._action("About CalfExplorer", self.show_about)

    def _slider(self, value: float, tip: str, slot: Callable[[float], None]) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(0, 100)
        slider.setValue(round(value * 100))
        slider.setFixedWidth(80)
        slider.setToolTip(tip)
        slider.valueChanged.connect(lambda v: slot(v / 100.0))
        return slider

    def _create_menus_and_toolbars(self) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_export])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_find, self.act_hide, self.act_isolate, self.act_show_all])
        view = self.view_menu = bar.addMenu("&View")
        view.addActions(list(self.view_actions.values()))
        view.addSeparator()
        view.addActions([self.act_reset, self.act_focus])
        view.addSeparator()
        layers = view.addMenu("Layers")
        layers.addActions(list(self.layer_actions.values()))
        view.addActions([self.act_peel, self.act_unpeel, self.act_labels])
        view.addSeparator()
        self.panels_menu = view.addMenu("Panels")
        self.panels_menu.addAction(self.structures_dock.toggleViewAction())
        # Information shares its place with the modes' tabs: like them it comes forward when
        # it is open behind one (its dock's own toggle closed it there, unseen).
        self.act_info = QAction("Information", self)
        self.act_info.setCheckable(True)
        self.act_info.setShortcut(QKeySequence("Ctrl+Shift+I"))
        info_toggle = self.info_dock.toggleViewAction()
        self.act_info.setChecked(info_toggle.isChecked())
        info_toggle.toggled.connect(self.act_info.setChecked)
        self.act_info.triggered.connect(
            lambda _on: self._open_or_close(self.info_dock, self.act_info))
        self.panels_menu.addAction(self.act_info)
        self.addAction(self.act_info)  # (its shortcut, and the F1 list)
        go = bar.addMenu("&Go")
        go.addActions([self.act_back, self.act_forward, self.act_clear])
        self.modes_menu = bar.addMenu("&Modes")
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])

        nav = QToolBar("Navigation", self)
        nav.setObjectName("navigation_toolbar")
        nav.addActions([self.act_back, self.act_forward])
        nav.addSeparator()
        group = QActionGroup(self)
        # (none checked once the user turns the camera away from every preset)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for act in self.view_actions.values():
            act.setCheckable(True)
            group.addAction(act)
            nav.addAction(act)
        nav.addActions([self.act_reset, self.act_focus])
        nav.addSeparator()
        nav.addActions([self.act_peel, self.act_unpeel, self.act_hide, self.act_isolate,
                        self.act_show_all, self.act_undo, self.act_redo])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, nav)

        layers_bar = QToolBar("Layers", self)
        layers_bar.setObjectName("layers_toolbar")
        # A layer that is off looked like a command button ("Regions" beside "Peel"): every
        # toggle here has a frame, and an on one is filled.
        layers_bar.setStyleSheet(LAYER_TOGGLE_CSS)
        layers_bar.addWidget(QLabel(" Layers: "))
        layers_bar.addActions(list(self.layer_actions.values()))
        layers_bar.addSeparator()
        layers_bar.addWidget(QLabel(" Fade "))
        self.fade_slider = self._slider(self.state.fade, "Opacity of unselected structures",
                                        self.state.set_fade)
        layers_bar.addWidget(self.fade_slider)
        layers_bar.addWidget(QLabel(" X-ray "))
        self.xray_slider = self._slider(self.state.xray, "Transparency of everything not selected",
                                        self.state.set_xray)
        layers_bar.addWidget(self.xray_slider)
        layers_bar.addAction(self.act_labels)
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, layers_bar)
        self._update_history_actions()
        self._update_selection_actions()

    def _connect_state(self) -> None:
        s = self.state
        s.selected_changed.connect(self._on_selected)
        s.mode_changed.connect(self._on_mode_changed)
        s.history_changed.connect(self._update_history_actions)
        s.undo_changed.connect(self._update_history_actions)
        s.visibility_changed.connect(self._on_visibility_changed)
        s.labels_changed.connect(lambda on: self.act_labels.setChecked(bool(on)))

    # ----------------------------------------------------------------------------- actions
    def _travel(self, undo: bool) -> None:
        """Undo or Redo, saying in the status bar what it undid or redid and what it did to
        the selection (an undone link's reveal emptied the page unexplained); a selection it
        hides is not told as hidden 'Ctrl+Z to undo'."""
        from calfexplorer.ui.step_words import travel_message

        self._last_selected = None
        before = self.state.selected
        if self.state.undo() if undo else self.state.redo():
            self._tell_shown(travel_message(
                undo, self.state.travelled, before, self.state.selected,
                self.atlas.name_of, LAYER_TITLES))
        self._last_selected = self.state.selected

    def _step_history(self, step: Callable[[], bool]) -> None:
        """Back or Forward, showing what it selects as a link would (a peeled gastrocnemius
        came back drawn over the deep muscles, its row and layer still off)."""
        if step() and self.state.selected is not None:
            self.select(self.state.selected)

    def select(self, structure_id: str | None) -> None:
        """Select a structure, showing it first if it is hidden."""
        if structure_id is None:
            self.state.clear_selection()
            return
        self.state.reveal_and_select(structure_id, self.atlas.layer_of(structure_id))

    def structure_menu(self) -> QMenu:
        """What a right-click on a structure offers: the window's own commands on the
        selection (students looked for Hide, Isolate and Focus there)."""
        menu = QMenu(self)
        for action in (self.act_focus, self.act_hide, self.act_isolate, None, self.act_show_all,
                       self.act_clear):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

    def _structure_menu(self, at: QPoint) -> None:
        self.structure_menu().popup(at)

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.structures_dock.show()
        self.search.edit.setFocus()
        self.search.edit.selectAll()

    def set_view(self, view: str) -> None:
        """Look from a preset direction (a focus move still running stops there)."""
        if self.viewport is not None:
            self.viewport.stop_animation()
        if self.scene is not None:
            self.scene.set_view(view)
        if view in self.view_actions:
            self.view_actions[view].setChecked(True)

    def _sync_view_actions(self) -> None:
        """The preset's button stays pressed while the camera looks from that side (a pan or
        zoom keeps it), not once the user has turned the camera away from it."""
        scene = self.scene
        act = self.view_actions.get(scene.view) if scene is not None else None
        if act is not None:
            act.setChecked(scene.looking_from(scene.view))

    def reset_view(self) -> None:
        """Back to the view the app starts in (posterior), framing the whole leg."""
        from calfexplorer.scene.camera import DEFAULT_VIEW

        self.set_view(DEFAULT_VIEW)

    def focus_selection(self) -> None:
        """Smoothly move the camera onto the selection."""
        if self.viewport is not None:
            self.viewport.animate_focus()

    def peel(self) -> None:
        """Hide the outermost visible layer (not while structures are isolated: layers do not
        count there, and it said "Peeled" while nothing changed)."""
        if self.state.isolated:
            self._tell_shown(ISOLATED_NO_PEEL)
            return
        selected = self.state.selected
        layer = self.state.peel()
        if layer is None:
            self._tell_shown("Nothing left to peel", 3000)
        elif selected is not None and self.state.selected is None:
            # the selection went with its layer: say so, or the page just emptied unexplained
            undo = self.act_undo.shortcut().toString()
            self._tell_shown(f"Peeled: {LAYER_TITLES[layer]}, and with it "
                             f"{self.atlas.name_of(selected)} ({undo} to undo)")
        else:
            self._tell_shown(f"Peeled: {LAYER_TITLES[layer]}", 3000)

    def set_layer_visible(self, layer: str, on: bool) -> None:
        """A layer's button, menu entry or Ctrl+number: switch it on or off, saying so when the
        selection went with it (its page emptied to the welcome text unexplained, as a peel's
        did before it said so)."""
        selected = self.state.selected
        if not self.state.set_layer_visible(layer, on):
            return
        if selected is not None and self.state.selected is None:
            undo = self.act_undo.shortcut().toString()
            self._tell_shown(f"Hidden: {LAYER_TITLES[layer]}, and with it "
                             f"{self.atlas.name_of(selected)} ({undo} to undo)")

    def unpeel(self) -> None:
        """Put the last peeled layer back (not while structures are isolated)."""
        if self.state.isolated:
            self._tell_shown(ISOLATED_NO_PEEL)
            return
        layer = self.state.unpeel()
        self._tell_shown(f"Restored: {LAYER_TITLES[layer]}" if layer
                         else "No peeled layer to restore", 3000)

    def _tell_shown(self, message: str, timeout_ms: int = 6000) -> None:
        """A status-bar message about what is shown (hidden, isolated, peeled), unless a quiz
        is on (a name would give it away); it goes when what is shown changes again (an undo)."""
        if self.state.mode != "study":
            self.statusBar().showMessage(message, timeout_ms)
            self._shown_message = message

    def _on_visibility_changed(self) -> None:
        self._sync_layer_actions()
        bar = self.statusBar()
        if self._shown_message is not None and bar.currentMessage() == self._shown_message:
            bar.showMessage(self._selection_message())  # (no longer true)
        self._shown_message = None

    def _on_status_message(self, text: str) -> None:
        if not text:  # a timed message ran out: what is selected, not an empty bar
            self.statusBar().showMessage(self._selection_message())

    def hide_selected(self) -> None:
        """Hide the selection."""
        sid = self.state.hide_selected()
        if sid:
            undo = self.act_undo.shortcut().toString()
            self._tell_shown(f"Hidden: {self.atlas.name_of(sid)} ({undo} to undo, Shift+A to "
                             "show all)")

    def isolate_selected(self) -> None:
        """Show only the selection (with its parts and the tendon it inserts through) and the
        bones it attaches to."""
        sid = self.state.selected
        if not sid:
            return
        if self.state.isolate(self.atlas.isolation_of(sid)):
            self._tell_shown(f"Showing only {self.atlas.name_of(sid)} and its bones "
                             "(Shift+A to show all)")

    def export_view_dialog(self) -> None:
        """Ask for a size and a file name, then save the view as PNG."""
        if self.scene is None:
            return
        w, h = self.viewport.width(), self.viewport.height()
        text, ok = QInputDialog.getText(
            self, "Export view", "Image size in pixels (width x height):", text=f"{w * 2}x{h * 2}"
        )
        if not ok:
            return
        from calfexplorer.output_files import parse_size

        try:  # (the limits of `calfexplorer render --size`; "0x100" saved a 300 x 100 image)
            width, height = parse_size(text, 16, 8192, "1600x1200")
        except ValueError as exc:
            QMessageBox.warning(self, "Export view", f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            return
        from calfexplorer.ui.save_dialog import ask_save_path, cannot_write

        path = ask_save_path(self, "Save view", "calf.png", "PNG images (*.png)", ".png")
        if path is not None and not cannot_write(self, "Export view", path, "calf.png"):
            try:
                self.export_view_png(path, (width, height))
            except OSError as exc:  # (a full disk, a folder it cannot write into)
                QMessageBox.warning(self, "Export view", f"The view was not saved: "
                                    f"{exc.strerror or exc}" + (f" ({exc.filename})"
                                                               if exc.filename else ""))
                return
            except Exception as exc:  # noqa: BLE001 - e.g. a pose its poser cannot make
                QMessageBox.warning(self, "Export view", f"The view was not saved: "
                                    f"{type(exc).__name__}: {exc}")
                return
            self.statusBar().showMessage(f"Saved {path}", 5000)

    def export_view_png(self, path: str | Path, size: tuple[int, int]) -> Path:
        """Render the current view offscreen at ``size`` and save it as PNG."""
        from calfexplorer.scene import Scene

        offscreen = Scene(self.assets, self.atlas, self.state, size=size)
        try:
            offscreen.show_as(self.scene)  # (the pose, lengths' colours, skin and camera)
            return offscreen.save_png(path)
        finally:
            offscreen.close()

    # ----------------------------------------------------------------------- state events
    def conceal_selection(self, concealed: bool) -> None:
        """A quiz question is open (True) or answered: while it is, the selection is its
        answer, so neither the structure list nor the information panel shows it."""
        if concealed == self._concealed:
            return
        self._concealed = concealed
        self.tree.set_concealed(concealed)
        # the labels name what is shown: the answer (the quiz turns them off, and Labels
        # could turn them on again); Back, Forward, Hide and Isolate would change or take away
        # the highlight the question asks about (graded then against another structure), and
        # the skin's colourings would show a skin question's answer
        skin = getattr(self, "skin", None)
        for act in (self.act_labels,
                    *(skin.actions.values() if skin is not None else ()),
                    *((skin.cycle_action,) if skin is not None else ())):
            act.setEnabled(not concealed)
        self._update_history_actions()
        self._update_selection_actions()
        self._show_info_for(self.state.selected)

    def _show_info_for(self, sid: str | None) -> None:
        if self._concealed:
            self.info.show_page(QUIZ_PAGE_ID, QUIZ_PAGE)
        elif self.info.current_id != sid:  # (the quiz's page too)
            self.info.show_structure(sid)

    def _on_selected(self, structure_id: object) -> None:
        sid = structure_id if isinstance(structure_id, str) else None
        if self._concealed:
            self._show_info_for(sid)
        else:
            self.info.show_structure(sid)
        self._bring_into_view(sid)
        self.statusBar().showMessage(self._selection_message())  # never the last one's
        gone, self._last_selected = self._last_selected, sid
        if sid is None and gone is not None and not self.state.is_visible(
                gone, self.atlas.layer_of(gone)):
            # hidden with its row's (or group's) tick in the list: the page emptied unexplained
            # (H, P and the layer buttons say it their own way just after)
            undo = self.act_undo.shortcut().toString()
            self._tell_shown(f"Hidden: {self.atlas.name_of(gone)} ({undo} to undo, Shift+A to "
                             "show all)")
        self._update_history_actions()
        self._update_selection_actions()

    def _bring_into_view(self, sid: str | None) -> None:
        """Move the camera onto a selection (from search, a link, the tree) that is mostly
        off screen, and turn it to an attachment site on the far side; a click in the view, or
        a quiz (which frames its own questions), never."""
        if (
            sid is None
            or self.scene is None
            or self._clicking
            or self.state.mode == "study"
            or not self.scene.parts(sid)
        ):
            return
        info = self.scene.info(sid)
        if info is not None and info.is_site:
            # (a link to a site on the far side of the leg left the camera where it was)
            from calfexplorer.scene.site_view import best_site_view, share_in_sight

            shot = (best_site_view(self.scene, sid)
                    if share_in_sight(self.scene, sid) < SITE_IN_SIGHT else None)
            if shot is not None:
                self.set_view(shot.view)
                self.scene.set_camera_pose(shot.pose)
                return
        if self.scene.share_on_screen(sid) < ON_SCREEN_ENOUGH:
            self.viewport.animate_focus(sid)

    def _selection_message(self) -> str:
        if self.state.mode == "study":
            return STUDYING
        sid = self.state.selected
        return f"Selected: {self.atlas.name_of(sid)}" if sid else NOTHING_SELECTED

    def _on_mode_changed(self, _mode: object) -> None:
        self.statusBar().showMessage(self._selection_message())

    def _on_viewport_click(self, structure_id: object) -> None:
        sid = structure_id if isinstance(structure_id, str) else None
        for handler in self._pick_handlers:
            if handler(sid):
                return
        if self._concealed:  # a question's highlight is its question: a click keeps it
            return
        self.select_clicked(sid)

    def _on_viewport_context_click(self, structure_id: object, at: QPoint) -> None:
        if self._concealed or self.state.mode == "study":
            return  # (a question's highlight stays, and its menu would act on the answer)
        if isinstance(structure_id, str):
            self.select_clicked(structure_id)
        self._structure_menu(at)

    def select_clicked(self, sid: str | None) -> None:
        """Select what a click in the 3D view hit (the camera stays), its page in front."""
        self._clicking = True
        try:
            self.select(sid)
            # e.g. the skin's page was shown in between (never while a quiz conceals it)
            if self.info.current_id != sid and not self._concealed:
                self.info.show_structure(sid)
        finally:
            self._clicking = False

    def _on_hover(self, structure_id: object) -> None:
        sid = structure_id if isinstance(structure_id, str) else None
        self.state.hover(sid)
        name = self.atlas.name_of(sid) if sid and self.state.mode != "study" else None
        if name is not None:  # none in study mode: a name would give a quiz answer away
            QToolTip.showText(QCursor.pos(), name, self.viewport)
            self.statusBar().showMessage(name)
        else:
            QToolTip.hideText()
            bar = self.statusBar()
            if self._hover_name and bar.currentMessage() == self._hover_name:
                bar.showMessage(self._selection_message())  # not the name left behind
        self._hover_name = name

    def _update_history_actions(self) -> None:
        self.act_back.setEnabled(self.state.can_go_back and not self._concealed)
        self.act_forward.setEnabled(self.state.can_go_forward and not self._concealed)
        # (an undo during a question could show or hide what it asks about, naming it in the
        # list)
        self.act_undo.setEnabled(self.state.can_undo and not self._concealed)
        self.act_redo.setEnabled(self.state.can_redo and not self._concealed)

    def _update_selection_actions(self) -> None:
        """Hide and Isolate act on the selection: greyed while there is none (they did
        nothing, without a word, from the toolbar, a key or a right-click on empty space)."""
        chosen = self.state.selected is not None and not self._concealed
        self.act_hide.setEnabled(chosen)
        self.act_isolate.setEnabled(chosen)

    def _sync_layer_actions(self) -> None:
        for layer, act in self.layer_actions.items():
            on = self.state.layer_visible(layer)
            if act.isChecked() != on:
                act.blockSignals(True)
                act.setChecked(on)
                act.blockSignals(False)

    # ----------------------------------------------------------------------------- dialogs
    def show_data_problems(self) -> None:
        """Tell the user which data entries were skipped and why (non-blocking)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Problems in the data files")
        n = len(self.problems)
        box.setText(
            f"{n} problem{'s' if n != 1 else ''} found in the data folder. "
            "CalfExplorer opened with every valid entry."
        )
        box.setInformativeText(format_problems(self.problems[:8]))
        box.setDetailedText(format_problems(self.problems))
        box.setModal(False)
        box.open()
        self.problem_box = box

    def _study_answers_settled(self) -> bool:
        """Before the window closes: study answers kept in memory (the progress file could not
        take them) are saved if it can now; else the user chooses to keep the window open and
        save them later, or to lose them. True: the window may close (the store is closed)."""
        study = getattr(self, "study", None)
        if study is None or not study.built or self._study_closed:
            return True
        store = study.panel.store
        status = store.status
        if status.pending and status.can_save:  # (a self-rating or a session's end counts)
            store.save_pending()
            status = store.status
        # (nothing to ask where it can never be saved and no answer would be lost)
        losing = status.unsaved or (status.pending and status.can_save)
        if losing and not self.confirm_losing_answers(status.unsaved, status.message or ""):
            return False
        study.panel.close_store()
        self._study_closed = True
        return True

    def confirm_losing_answers(self, unsaved: int, why: str) -> bool:
        """Ask whether to close although ``unsaved`` answers (or, with none, a self-rating or
        a session's end) could not be saved (``why``)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Answers not saved")
        n = f"{unsaved} answer{'s' if unsaved != 1 else ''}"
        if unsaved:
            box.setText(f"{n} from this study session could not be saved yet and would be lost.")
        else:
            box.setText("Your last self-rating or the end of this study session could not be "
                        "saved yet and would be lost.")
        box.setInformativeText(f"{why}\n\nKeep CalfExplorer open, fix that, and answer or "
                               "close again to save them.")
        keep = box.addButton("Keep open", QMessageBox.ButtonRole.RejectRole)
        box.addButton(f"Close and lose {n}" if unsaved else "Close without saving it",
                      QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is not keep

    def shortcuts_html(self) -> str:
        """The keyboard shortcuts as an HTML table: the window's, then each mode's."""
        def row(keys: str, what: str) -> str:
            return f"<tr><td><b>{keys}</b></td><td>{what}</td></tr>"

        def heading(title: str) -> str:
            return f"<tr><td colspan=2><br><b><u>{title}</u></b></td></tr>"

        rows = [heading("Explore")]
        for act in self.actions():
            if act.shortcut().toString():
                rows.append(row(act.shortcut().toString(), act.text().replace("&", "")))
        rows.extend(row(keys, what) for keys, what in PANEL_KEYS)
        for mode in self.mode_docks:
            act = self.mode_actions[mode]
            rows.append(heading(act.text().replace("&", "")))
            rows.append(row(act.shortcut().toString(),
                            "Open the panel, bring it forward, or close it"))
            rows.extend(row(keys, what) for keys, what in MODE_KEYS.get(mode, ()))
        return "<table>" + "".join(rows) + "</table>"

    def show_shortcuts(self) -> None:
        """List the keyboard shortcuts."""
        from calfexplorer.ui.text_dialog import TextDialog

        dialog = TextDialog(self, "Keyboard shortcuts", self.shortcuts_html())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        """Version, sources and licences (its links open as the panels' references do)."""
        from calfexplorer.ui.web_links import open_links_in_browser

        box = QMessageBox(QMessageBox.Icon.NoIcon, "About CalfExplorer", self.about_html(),
                          QMessageBox.StandardButton.Ok, self)
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        label = box.findChild(QLabel, "qt_msgbox_label")
        if label is not None:
            open_links_in_browser(label)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def about_html(self) -> str:
        """The About box's text: version, the model shown, sources and licences."""
        from calfexplorer import __version__
        from calfexplorer.anatomy.attribution import (
            CC_BY_4,
            CC_BY_SA_21_JP,
            CITATION,
            LICENCE_PAGE,
            SOURCE,
        )
        from calfexplorer.anatomy.leg_model import BODYPARTS3D, MODEL_NAMES

        model = getattr(self.assets, "model", "builtin")
        text = (
            f"<h3>CalfExplorer {__version__}</h3><p>3D anatomy of the lower leg. Model shown: "
            f"{MODEL_NAMES.get(model, model)}.</p>"
            "<p>Bones and muscle paths: MyoLeg (myo-sim, Apache-2.0), derived from Rajagopal et "
            "al. 2016, Full-body musculoskeletal model for muscle-driven simulation of human gait, "
            "IEEE TBME 63(10). Facts: see the references in each panel.</p>"
        )
        if model == BODYPARTS3D:
            text += (
                f"<p>Realistic surfaces: {SOURCE}, © The Database Center for Life Science "
                f"(DBCLS), Japan. Licence, as the <a href='{LICENCE_PAGE}'>licence page</a> says "
                f"since 2025-02-27: {CC_BY_4}. As the files' headers say: {CC_BY_SA_21_JP}. "
                f"Cite: {CITATION}. Changed by CalfExplorer: the right leg's parts selected, "
                "merged per structure and fitted onto the MyoLeg skeleton.</p>"
            )
        return text

    # ------------------------------------------------------------------ start-up and exit
    def apply_startup_options(
        self,
        select: str | None = None,
        view: str | None = None,
        study: bool = False,
        motion: bool = False,
    ) -> None:
        """Apply command-line options (selection, camera view, mode)."""
        if view:
            self.set_view(view)
        if select:
            if select not in self.atlas and self.atlas.attachment(select) is None:
                self.statusBar().showMessage(f"Unknown structure '{select}'", 8000)
            else:
                self.select(select)
                if not (study or motion):  # a restored layout may have a mode's tab on top
                    self.info_dock.show()
                    self.bring_to_front(self.info_dock)
        for mode, wanted in (("study", study), ("motion", motion)):
            if wanted and mode in self.mode_docks:
                self.mode_docks[mode].show()
                self.bring_to_front(self.mode_docks[mode])

    def screenshot_when_rendered(self, path: str, then_quit: bool = False) -> None:
        """Save a screenshot of the whole window once the 3D view has drawn a frame (and an
        open motion lab has its leg ready to pose, not the line saying it is readied)."""
        started = time.monotonic()

        def attempt() -> None:
            ready = self.isVisible() and (
                self.viewport is None or self.viewport.frames_rendered > 0
            )
            waiting = not ready or not self.motion.settled
            if waiting and time.monotonic() - started < SCREENSHOT_TIMEOUT_S:
                QTimer.singleShot(50, self, attempt)
                return
            if self.viewport is not None and self.scene is not None:
                self.scene.render()
            QApplication.processEvents()
            from calfexplorer.output_files import (
                disk_full,
                quiet_native_stderr,
                replaced_when_written,
            )

            saved = False
            try:
                with replaced_when_written(path) as scratch:
                    with quiet_native_stderr():  # (libpng's own complaint)
                        saved = self.grab_window().save(str(scratch), "PNG")
                    if not saved:
                        raise OSError(f"cannot write {path}"
                                      + (f": {why}" if (why := disk_full(path, scratch)) else ""))
            except OSError as exc:
                self.screenshot_problem = str(exc)
            if then_quit and (app := QApplication.instance()) is not None:
                app.exit(0 if ready and saved else 2)

        QTimer.singleShot(100, self, attempt)

    def grab_window(self):
        """The window as shown on screen, 3D view included (a QPixmap)."""
        screen = self.screen() or QApplication.primaryScreen()
        return screen.grabWindow(self.winId())

    def _fit_default_size(self) -> None:
        """Size the window to DEFAULT_SIZE, or to the screen's free area where that is
        smaller (a 1366 x 768 laptop), placed on it; a saved layout replaces this."""
        width, height = DEFAULT_SIZE
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            if free.width() < width or free.height() < height:
                width, height = min(width, free.width()), min(height, free.height())
                self.move(free.topLeft())
        self.resize(width, height)

    def _restore_settings(self) -> None:
        """Apply the stored layout and preferences; an unusable value is logged and skipped."""
        from PySide6.QtCore import QByteArray

        from calfexplorer.ui.anatomy_menu import MODEL_KEY
        from calfexplorer.ui.prefs import clean_prefs, log_complaints

        st = settings()
        complaints: list[str] = []
        for key, restore in (("window/geometry", self.restoreGeometry),
                             ("window/state", self.restoreState)):
            blob = st.value(key)
            if blob is None or (isinstance(blob, QByteArray) and restore(blob)):
                continue
            if key == "window/geometry" and _saved_geometry(blob):
                continue  # (saved on another screen: Qt keeps the default size, rightly)
            complaints.append(f"{key} is not a saved window layout; using the default layout")
        keys = ("prefs/fade", "prefs/xray", "prefs/labels", "prefs/view", MODEL_KEY)
        prefs, bad = clean_prefs({key: st.value(key) for key in keys})
        log_complaints(complaints + bad, st.fileName())
        if folders := paths.unusable_folders():  # (a temporary folder stands in)
            text = " ".join(f[0].upper() + f[1:] + "." for f in folders)
            QTimer.singleShot(0, self, lambda: self.statusBar().showMessage(text, SETTINGS_NOTE_MS))
        elif unusable := complaints + bad:  # the user sees it too, not only a line on stderr
            more = f" (and {len(unusable) - 1} more)" if len(unusable) > 1 else ""
            text = (f"Some saved settings could not be used and are back to their defaults: "
                    f"{unusable[0]}{more}. They are saved anew on closing ({st.fileName()}).")
            QTimer.singleShot(0, self, lambda: self.statusBar().showMessage(text, SETTINGS_NOTE_MS))
        if prefs.fade is not None:
            self.fade_slider.setValue(round(prefs.fade * 100))
        if prefs.xray is not None:
            self.xray_slider.setValue(round(prefs.xray * 100))
        if prefs.labels is not None:
            self.state.set_labels(prefs.labels)
        self.set_view(prefs.view)

    def save_settings(self) -> None:
        """Remember the layout and preferences for the next run."""
        from calfexplorer.ui.anatomy_menu import MODEL_KEY
        from calfexplorer.ui.prefs import clean_prefs

        st = settings()
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())
        st.setValue("prefs/fade", self.state.fade)
        st.setValue("prefs/xray", self.state.xray)
        st.setValue("prefs/labels", self.state.labels)
        if self.scene is not None:
            st.setValue("prefs/view", self.user_view())
        if clean_prefs({MODEL_KEY: st.value(MODEL_KEY)})[1]:
            st.remove(MODEL_KEY)  # (a bad model choice was told at every start, never mended)
        st.sync()

    def user_view(self) -> str | None:
        """The camera preset the user chose: not one a study question or a lesion turned to."""
        if self.scene is None:
            return None
        for host in (getattr(self, "study", None), getattr(self, "lesion", None)):
            chosen = host.view_to_remember() if host is not None and host.built else None
            if chosen:
                return chosen
        return self.scene.view

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._study_answers_settled():
            event.ignore()  # (the user keeps the window to save them later)
            return
        if self in _open_windows:
            _open_windows.remove(self)
        if self.anatomy.dialog is not None:
            self.anatomy.dialog.stop()  # (a download's thread must not outlive the window)
        self.save_settings()
        if self.study.built:
            self.study.panel.close_stats()  # (its store closes with this window)
        if self.scene is not None:
            self.scene.close()  # no more frames into a window that is going away
        if self.viewport is not None:
            self.viewport.release()
        super().closeEvent(event)
