"""The realistic anatomy in the window: File > Get realistic anatomy..., View > Model, and the
offer shown until the user has the BodyParts3D pack or declines it for good."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolBar, QWidget

from calfexplorer.anatomy.leg_model import BODYPARTS3D, BUILTIN, MODEL_NAMES, pack_installed
from calfexplorer.ui.settings_store import settings

#: settings.ini key: "no" once the user asked never to be offered the pack again.
OFFER_KEY = "anatomy/offer"
#: settings.ini key: the pack version whose offer to build an older pack again was declined.
UPDATE_KEY = "anatomy/update_declined"
MODEL_KEY = "prefs/model"


def stored_model() -> str | None:
    """The model the user chose last (None: the pack when installed, or a bad value, which the
    window tells with the other settings at start and removes on closing)."""
    from calfexplorer.ui.prefs import clean_prefs

    return clean_prefs({MODEL_KEY: settings().value(MODEL_KEY)})[0].model


class AnatomyControls(QObject):
    """The menu actions and the offer bar of one window.

    ``model_chosen(model)`` is emitted when the user picks the other model; the window then
    reopens with it (:meth:`MainWindow.reopen`).
    """

    model_chosen = Signal(str)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.model = getattr(window.assets, "model", BUILTIN)
        self.dialog: Any = None
        self.offer_bar: QToolBar | None = None
        self.update_offered = False  # (the offer bar offers to build an older pack again)
        self.get_action = QAction("Get realistic anatomy…", window)
        self.get_action.setStatusTip(
            "Download BodyParts3D's surfaces of the leg and lay them on the model")
        self.get_action.triggered.connect(self.open_dialog)
        self.model_actions: dict[str, QAction] = {}
        group = QActionGroup(window)
        for model in (BODYPARTS3D, BUILTIN):
            action = QAction(MODEL_NAMES[model], window)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, m=model: self.choose(m))
            group.addAction(action)
            self.model_actions[model] = action
        self.refresh()

    def add_to_menus(self, file_menu: Any, view_menu: Any) -> None:
        """Put Get realistic anatomy... in File (before Quit) and Model in View."""
        actions = file_menu.actions()
        file_menu.insertAction(actions[-1] if actions else None, self.get_action)
        menu = view_menu.addMenu("&Model")
        menu.addActions(list(self.model_actions.values()))

    def refresh(self) -> None:
        """Tick the model shown; the realistic one can be chosen only once installed."""
        installed = pack_installed()
        self.model_actions[BODYPARTS3D].setEnabled(installed)
        self.model_actions[BODYPARTS3D].setToolTip(
            "" if installed else "Not installed yet: File > Get realistic anatomy…")
        self.model_actions[self.model].setChecked(True)
        if installed and self.offer_bar is not None:
            self.hide_offer()

    def choose(self, model: str) -> None:
        """Show ``model`` (the window reopens with it) and remember the choice."""

        st = settings()
        before = st.value(MODEL_KEY)
        st.setValue(MODEL_KEY, model)
        st.sync()
        if model != self.model:
            self.model_chosen.emit(model)
            if self.window.isVisible():  # kept open (answers to save first): nothing changed
                if before is None:
                    st.remove(MODEL_KEY)
                else:
                    st.setValue(MODEL_KEY, before)
                st.sync()
                self.refresh()

    # --------------------------------------------------------------------- the dialog
    def open_dialog(self) -> Any:
        """Open (or raise) the Get realistic anatomy dialog; returns it."""
        from calfexplorer.ui.anatomy_dialog import GetAnatomyDialog

        if self.dialog is None:
            self.dialog = GetAnatomyDialog(self.window)
            self.dialog.installed.connect(self._installed)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def _installed(self, show_now: bool) -> None:
        self.refresh()
        if show_now and self.model == BODYPARTS3D:  # a new build of the pack shown: draw it
            self.model_chosen.emit(BODYPARTS3D)
        elif show_now:
            self.choose(BODYPARTS3D)

    # --------------------------------------------------------------------- the offer
    def offer_if_wanted(self) -> bool:
        """Show the offer bar when no pack is installed and the user has not declined it, or,
        when the leg shown is from a pack an earlier version built, the offer to build it
        again (until declined for this version)."""
        if pack_installed():
            return self._offer_update()
        if str(settings().value(OFFER_KEY, "")) == "no":
            return False
        text = ("<b>Realistic anatomy:</b> BodyParts3D 4.0 surfaces "
                f"({_archive_mb():.0f} MB download; CC BY 4.0, the files say CC BY-SA 2.1 JP)")
        self._show_offer(text, "Get it…", "Real bones, muscles, tendons and vessels of the "
                         "leg, laid on the model's skeleton so they move with it")
        return True

    def _offer_update(self) -> bool:
        from calfexplorer.anatomy.leg_model import pack_update
        from calfexplorer.anatomy.pack_format import PACK_VERSION

        why = pack_update(self.window.assets)
        if why is None or str(settings().value(UPDATE_KEY, "")) == PACK_VERSION:
            return False
        self.update_offered = True
        text = f"<b>Realistic anatomy:</b> your pack was {escape(why)}."
        self._show_offer(text, "Build it again…", "Builds the pack again from BodyParts3D "
                         f"(the {_archive_mb():.0f} MB download, or a copy you have)")
        return True

    def _show_offer(self, text: str, get: str, tip: str) -> None:
        if self.offer_bar is None:
            self.offer_bar = self._make_offer_bar()
        self.offer_text.setText(text)
        self.offer_text.setToolTip(tip)
        self.offer_get.setText(get)
        self.offer_bar.show()

    def _make_offer_bar(self) -> QToolBar:
        bar = QToolBar("Realistic anatomy", self.window)
        bar.setObjectName("anatomy_offer")
        bar.setMovable(False)
        bar.setFloatable(False)
        box = QWidget(bar)
        row = QHBoxLayout(box)
        row.setContentsMargins(8, 2, 8, 2)
        self.offer_text = QLabel(box)
        self.offer_text.setWordWrap(True)
        row.addWidget(self.offer_text, 1)
        self.offer_get = QPushButton(box)
        self.offer_get.clicked.connect(self.open_dialog)
        self.offer_later = QPushButton("Not now", box)
        self.offer_later.clicked.connect(self.hide_offer)
        self.offer_never = QPushButton("Don't ask again", box)
        self.offer_never.clicked.connect(self.decline)
        for button in (self.offer_get, self.offer_later, self.offer_never):
            row.addWidget(button)
        bar.addWidget(box)
        bar.setStyleSheet("QToolBar#anatomy_offer { background: #e8f1fb; }")
        self.window.addToolBarBreak()
        self.window.addToolBar(bar)
        return bar

    def hide_offer(self) -> None:
        """Hide the offer for this session."""
        if self.offer_bar is not None:
            self.offer_bar.hide()

    def decline(self) -> None:
        """Hide the offer and never show it again (File > Get realistic anatomy stays); the
        offer to build an earlier version's pack again, until this version's next change."""
        from calfexplorer.anatomy.pack_format import PACK_VERSION

        st = settings()
        if self.update_offered:
            st.setValue(UPDATE_KEY, PACK_VERSION)
        else:
            st.setValue(OFFER_KEY, "no")
        st.sync()
        self.hide_offer()


def _archive_mb() -> float:
    from calfexplorer.anatomy.install import archive_size

    return archive_size() / 1e6


def install_anatomy(window: Any) -> AnatomyControls:
    """Add the realistic-anatomy actions to the main window."""
    return AnatomyControls(window)
