"""The motion lab panel: pose sliders, presets, played actions, a per-muscle readout, length
plots against knee and ankle angle, length colouring and exercise cards.

All numbers come from :mod:`calfexplorer.motion` (no Qt there). The panel changes only
``AppState.pose`` (radians keyed knee, ankle, subtalar, toes) and reacts to
``state.pose_changed`` / ``state.selected_changed``; the scene deforms the meshes itself.
Colouring by length is offered as signals (:attr:`MotionPanel.colour_by_length_changed`,
:attr:`MotionPanel.muscle_colours_changed`) for the window to pass on to the scene.
"""

from __future__ import annotations

import contextlib
import math
import textwrap
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from superqt import QFlowLayout

from calfexplorer.biomech import RANGES_DEG, LegModel, Pose
from calfexplorer.biomech.pose import DIRECTIONS
from calfexplorer.lesion.report import STATUS_WORDS
from calfexplorer.motion import (
    ACTIONS,
    JOINT_TITLES,
    JOINTS,
    MOMENT_ARM_TITLES,
    PRESETS,
    STOPS,
    ExerciseCard,
    MotionModel,
    MuscleReadout,
    action,
    action_frames,
    against_atlas,
    against_atlas_words,
    angle_label,
    angles_of,
    atlas_actions,
    exercise_cards,
    legend,
    moment_arm_words,
    muscle_colours,
    normal_range_words,
    pose_from_angles,
    preset,
)
from calfexplorer.motion.lesioned import LesionedAction, lesioned_action, lesioned_frames
from calfexplorer.ui.collapsible import Collapsible

#: Okabe-Ito colours (colour-blind safe) for the plotted muscles, with alternating dashes.
CURVE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
DEFAULT_PINNED = ("gastrocnemius", "soleus")
FPS = 30.0
#: How far ahead (degrees) the view frames a dragged joint once the leg leaves it, and how
#: far a drag goes between two looks at whether the leg is still in view.
DRAG_AHEAD_DEG = 30.0
DRAG_TELL_DEG = 5.0
#: Width of a plot's length axis: room for "100.5" and the title beside it.
LEFT_AXIS_PX = 58
#: Read-out columns: narrowest width (pixels), and characters per line of a muscle's name.
MIN_COLUMN_WIDTH = 84
#: The most compared muscles the panel widens to fit (the selection and the two calf muscles
#: pinned at start); more scroll the table sideways.
WIDEN_FOR_COLUMNS = 3
#: A pose moved by keys counts as settled once they pause this long (ms).
KEYS_SETTLE_MS = 350
#: Room a header section takes around its text (Fusion's margins and frame).
HEADER_PADDING = 12
HEADER_WRAP = 16
#: Above the sliders while the 3D leg is readied for posing (:meth:`set_posing_ready`).
PREPARING_TEXT = ("Readying the 3D leg for posing (a few seconds): the numbers below already "
                  "work; the leg takes a pose once it is ready.")
#: Moment-arm columns in table order (only joints some shown muscle crosses are shown).
ARM_KEYS = ("hip", "knee", "ankle", "subtalar", "mtp")
SWEEP_DELAY_MS = 150
#: What the action buttons add to their names after a lesion, by status.
#: (graded as the Lesion panel grades them: "(weak)" for all three read a movement left to
#: its prime movers, slightly weakened there, as badly off as one left to assisting muscles)
LESION_MARKS = {
    "lost": " ✗",
    "severely_weakened": " (very weak)",
    "weakened": " (weak)",
    "slightly_weakened": " (slightly weak)",
}

#: While a slider is held or an action plays, the read-out table and the plot markers follow
#: at most this often (ms): repainting them costs a frame's worth of time in software OpenGL,
#: and the 3D view, which keeps every frame, matters more mid-drag. They catch up on release.
READOUT_INTERVAL_MS = 100
#: Smallest half-height of a plot's y range (% points), so a flat line looks flat.
MIN_HALF_SPAN = 2.0


class LegendBar(QWidget):
    """The blue-orange length-change scale with its end labels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        entries = legend()
        self.setToolTip("\n".join(label for label, _ in entries))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(200, 14)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        gradient = QLinearGradient(0, 0, self.width(), 0)
        for position, (r, g, b) in STOPS:
            gradient.setColorAt((position + 1) / 2, QColor.fromRgbF(r, g, b))
        painter.fillRect(self.rect(), gradient)
        painter.setPen(QColor("#888888"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


class MotionPanel(QWidget):
    """Pose the leg and read what the muscles do.

    Parameters
    ----------
    atlas
        The atlas (muscle names, ``model_muscles``, exercise advice).
    state
        The application state; the panel writes ``state.pose`` and follows the selection.
    leg
        The posed model (default: ``LegModel.load()``).
    """

    #: Emitted with True/False when "Colour muscles by length change" is toggled.
    colour_by_length_changed = Signal(bool)
    #: ``{atlas id: (r, g, b)}`` (0..1) whenever colouring is on and the pose changes; ``{}``
    #: when colouring is switched off (restore the normal colours).
    muscle_colours_changed = Signal(object)
    #: True while an action is playing.
    playing_changed = Signal(bool)
    #: A preset was applied (its id): the window frames the posed leg again.
    preset_applied = Signal(str)
    #: A slider was let go, keys moving one paused, or a played action ended: the leg has a
    #: new resting pose.
    pose_settled = Signal()
    #: The poses (a list of :class:`Pose`) an action is about to move the leg through (the
    #: view keeps them all in it).
    moving_through = Signal(object)
    #: A slider dragged by the mouse moved the leg: where it will soon be (a list of
    #: :class:`Pose`), for the view to keep it in when the leg leaves it.
    drag_reached = Signal(object)

    def __init__(
        self,
        atlas: Any,
        state: Any,
        leg: LegModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.atlas = atlas
        self.state = state
        self.model = MotionModel(atlas, leg)
        self.pinned: list[str] = [m for m in DEFAULT_PINNED if self.model.has(m)]
        self._rows: list[str] = []
        self._rows_stale = False  # (a selection made while the panel was out of sight)
        self._in_front = True  # (False: its dock is behind another panel's tab)
        self._arm_keys: list[str] = []
        self._frames: list = []
        self._frame_index = 0
        self._playing: str | None = None
        self._syncing = False
        self._last_readout: dict[str, MuscleReadout] = {}
        self._curves: dict[str, list[Any]] = {"knee": [], "ankle": []}
        self._sweep_held: dict[str, dict[str, float]] = {}
        self._brushes = [pg.mkBrush(c) for c in CURVE_COLOURS]

        self.timer = QTimer(self)
        self.timer.setInterval(round(1000 / FPS))
        self.timer.timeout.connect(self._advance)
        self._sweep_timer = QTimer(self)
        self._sweep_timer.setSingleShot(True)
        self._sweep_timer.setInterval(SWEEP_DELAY_MS)
        self._sweep_timer.timeout.connect(self._refresh_sweeps)
        self._readout_at = 0.0
        self._readout_timer = QTimer(self)
        self._readout_timer.setSingleShot(True)
        self._readout_timer.timeout.connect(self._update_numbers)
        # A held slider's moves and an action's steps wait here for one pose per pass of the
        # event loop: see _on_slider.
        self._held_angles: dict[str, float] = {}
        self._drag_told: dict[str, float] = {}  # (angle each joint was last told at)
        self._due_pose: dict[str, float] | None = None  # an action's step
        self._played_from = 0.0  # when the action started (the panel's clock)
        self._pose_timer = QTimer(self)
        self._pose_timer.setSingleShot(True)
        self._pose_timer.setInterval(0)
        self._pose_timer.timeout.connect(self._pose_when_ready)
        #: Whether the view is still making the last pose (the motion dock sets it): a held
        #: slider's moves then wait until it lands (:meth:`view_ready`), the newest made
        #: while its frame is drawn, instead of each changing the pose meanwhile.
        self.view_busy: Callable[[], bool] = lambda: False
        # Keys (or clicks on the groove) move a slider step by step with no release: once they
        # pause, the pose counts as settled, as when a dragged slider is let go (the view
        # frames the leg again: 24 PageUps swung the foot out of the lateral view).
        self._keys_settle = QTimer(self)
        self._keys_settle.setSingleShot(True)
        self._keys_settle.setInterval(KEYS_SETTLE_MS)
        self._keys_settle.timeout.connect(self.pose_settled.emit)

        self._lesion_model: Any = None
        #: What the state's lesion leaves of each action (empty without a lesion).
        self.lesioned: dict[str, LesionedAction] = {}

        self._build()
        self._connect_state()
        self._on_pose(state.pose)
        self._refresh_rows()
        self._on_lesion(getattr(state, "lesion", None))

    # ------------------------------------------------------------------------- building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # (not a stop for Tab or the mode's shortcut: it has no focus mark, and the arrows
        # then scrolled the page instead of moving the knee)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The panel reflows to its width (buttons wrap, the table scrolls itself): a
        # sideways scrollbar would hide the sliders' ends, the buttons and the plots' axes
        # (only a screen too small for its content gets one: cap_width).
        self.scroll_area = scroll
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.preparing_label = QLabel(PREPARING_TEXT)
        self.preparing_label.setObjectName("motion_preparing")
        self.preparing_label.setWordWrap(True)
        self.preparing_label.setStyleSheet("color: #555;")
        self.preparing_label.hide()
        layout.addWidget(self.preparing_label)
        layout.addWidget(self._build_sliders())
        layout.addWidget(self._build_presets())
        layout.addWidget(self._build_actions())
        layout.addWidget(self._build_readout())
        layout.addWidget(self._build_plots())
        layout.addWidget(self._build_cards())
        layout.addStretch(1)
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self._least_width = body.minimumSizeHint().width() + bar + 2
        self._width_cap: int | None = None
        self._ask_width(self._least_width)

    def set_posing_ready(self, ready: bool) -> None:
        """Whether the 3D leg is ready to pose: until it is (seconds with the realistic leg,
        readied meanwhile) a line above the sliders says so."""
        self.preparing_label.setVisible(not ready)

    def cap_width(self, cap: int | None) -> None:
        """Ask no more than ``cap`` pixels of width (a small screen), scrolling sideways
        beyond it; None: what the content needs."""
        self._width_cap = cap
        self._ask_width(self._asked)

    def _ask_width(self, least: int) -> None:
        """The panel's minimum width: ``least``, or the cap where that is smaller."""
        self._asked = least
        capped = self._width_cap is not None and least > self._width_cap
        self.scroll_area.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if capped
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        width = self._width_cap if capped and self._width_cap is not None else least
        if width != self.scroll_area.minimumWidth():
            self.scroll_area.setMinimumWidth(width)

    def _build_sliders(self) -> QGroupBox:
        box = QGroupBox("Pose")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(2)
        self.sliders: dict[str, QSlider] = {}
        self.slider_labels: dict[str, QLabel] = {}
        for row, joint in enumerate(JOINTS):
            lo, hi = RANGES_DEG[joint]
            positive, negative = DIRECTIONS[joint]
            label = QLabel()
            slider = _FocusedWheelSlider(Qt.Orientation.Horizontal)
            slider.setRange(int(lo), int(hi))
            slider.setSingleStep(1)
            slider.setPageStep(5)
            slider.setObjectName(f"{joint}_slider")
            slider.setAccessibleName(f"{joint} angle")
            reach = (f"Left: {negative} (to {abs(lo):g}°); right: {positive} (to {hi:g}°)"
                     if lo < 0 else f"Drag right for {positive} (0 to {hi:g}°)")
            normal = normal_range_words(self.atlas, joint)
            slider.setToolTip(f"{reach}: the model's range.\n{normal}" if normal else reach)
            slider.valueChanged.connect(lambda value, j=joint: self._on_slider(j, value))
            slider.sliderReleased.connect(self._on_release)
            grid.addWidget(label, row, 0)
            grid.addWidget(slider, row, 1)
            self.sliders[joint] = slider
            self.slider_labels[joint] = label
        # Labels of a fixed size: a new angle then repaints the label alone instead of laying
        # out the whole panel again (its wrapped texts made each slider step ~4 ms slower).
        metrics = self.slider_labels[JOINTS[0]].fontMetrics()
        width = max(
            metrics.horizontalAdvance(angle_label(joint, degrees))
            for joint in JOINTS
            for degrees in range(int(RANGES_DEG[joint][0]), int(RANGES_DEG[joint][1]) + 1)
        )
        for label in self.slider_labels.values():
            label.setFixedSize(width + 8, label.sizeHint().height())
        grid.setColumnStretch(1, 1)
        self.keep_pose_check = QCheckBox("Keep the pose outside the lab")
        self.keep_pose_check.setToolTip(
            "Off: the leg goes back to anatomical position while another panel is in front, "
            "and takes this pose again when you come back.\nOn: the leg stays posed everywhere."
        )
        grid.addWidget(self.keep_pose_check, len(JOINTS), 0, 1, 2)
        return box

    def _build_presets(self) -> QGroupBox:
        box = QGroupBox("Presets")
        flow = QFlowLayout(box)  # as many per row as fit
        self.preset_buttons: dict[str, QPushButton] = {}
        for p in PRESETS:
            button = QPushButton(p.name)
            button.setToolTip(p.why)
            button.clicked.connect(lambda _=False, pid=p.id: self.apply_preset(pid))
            flow.addWidget(button)
            self.preset_buttons[p.id] = button
        return box

    def _build_actions(self) -> QGroupBox:
        box = QGroupBox("Play an action")
        layout = QVBoxLayout(box)
        self.lesion_label = QLabel()
        self.lesion_label.setWordWrap(True)
        self.lesion_label.setStyleSheet("color: #a33c00;")
        self.lesion_label.hide()
        layout.addWidget(self.lesion_label)
        buttons = QWidget()
        flow = QFlowLayout(buttons)  # as many per row as fit
        flow.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(buttons)
        self.action_buttons: dict[str, QPushButton] = {}
        for act in ACTIONS:
            button = QPushButton(act.name)
            button.setCheckable(True)
            button.setToolTip(f"Animate {act.name.lower()} through the model's range and back")
            button.clicked.connect(lambda _=False, aid=act.id: self._on_action_button(aid))
            flow.addWidget(button)
            self.action_buttons[act.id] = button
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        flow.addWidget(self.stop_button)
        return box

    def _build_readout(self) -> QGroupBox:
        box = QGroupBox("Muscle-tendon length and moment arms")
        layout = QVBoxLayout(box)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("motion_readout")
        self.table.setTabKeyNavigation(False)  # (Tab moved round its cells for ever)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.horizontalScrollBar().rangeChanged.connect(self._fit_height)
        self.table.setToolTip(
            "One column per muscle (the selected one first, then the pinned ones).\n"
            "Length: % of the muscle-tendon length in anatomical position, and the change in mm.\n"
            "Moment arms (mm) about each joint the muscle crosses, with the movement it "
            "produces there; — = does not cross that joint."
        )
        layout.addWidget(self.table)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        layout.addWidget(self.note)
        self.arm_note = QLabel()  # under the table while a moment arm reads against the atlas
        self.arm_note.setWordWrap(True)
        self.arm_note.setStyleSheet("color: #8a4b00;")
        self.arm_note.hide()
        layout.addWidget(self.arm_note)

        pins = QHBoxLayout()
        self.pin_button = QPushButton("Pin selected")
        self.pin_button.setToolTip("Keep the selected muscle in the table and plots")
        self.pin_button.clicked.connect(lambda: self.pin(self.state.selected))
        self.unpin_button = QPushButton("Unpin")
        self.unpin_button.setToolTip("Remove the highlighted column's muscle from the comparison")
        self.unpin_button.clicked.connect(self._unpin_current)
        self.add_combo = QComboBox()
        self.add_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.add_combo.setMinimumContentsLength(12)  # long names show in the open list
        self.add_combo.addItem("Compare with…", None)
        for mid in sorted(self.model.ids, key=self.model.name):
            self.add_combo.addItem(self.model.name(mid), mid)
        self.add_combo.activated.connect(self._on_add_combo)
        pins.addWidget(self.pin_button)
        pins.addWidget(self.unpin_button)
        pins.addStretch(1)
        layout.addLayout(pins)
        layout.addWidget(self.add_combo)  # a row of its own: the panel stays narrow

        colour_row = QHBoxLayout()
        self.colour_check = QCheckBox("Colour muscles by length change")
        self.colour_check.setToolTip(
            "Blue: shorter than in anatomical position; orange: longer (full colour at ±10%)"
        )
        self.colour_check.toggled.connect(self.set_colour_by_length)
        colour_row.addWidget(self.colour_check)
        layout.addLayout(colour_row)
        scale = QHBoxLayout()
        scale.addWidget(QLabel("shorter ≤90%"))
        self.legend_bar = LegendBar()
        scale.addWidget(self.legend_bar, 1)
        scale.addWidget(QLabel("≥110% longer"))
        self.legend_widget = QWidget()
        self.legend_widget.setLayout(scale)
        scale.setContentsMargins(0, 0, 0, 0)
        self.legend_widget.setVisible(False)
        layout.addWidget(self.legend_widget)
        return box

    def _build_plots(self) -> QGroupBox:
        box = QGroupBox("Length (%) against joint angle")
        layout = QVBoxLayout(box)
        self.curve_legend = QLabel()
        self.curve_legend.setWordWrap(True)
        layout.addWidget(self.curve_legend)
        self.plot_tabs = QTabWidget()
        self.plot_tabs.setDocumentMode(True)
        layout.addWidget(self.plot_tabs)
        self.plots: dict[str, pg.PlotWidget] = {}
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        self.pose_lines: dict[str, pg.InfiniteLine] = {}
        titles = {
            "knee": "Knee angle (° flexion)",
            "ankle": "Ankle angle (°, + dorsiflexion)",  # (its longer title was cut off)
        }
        for joint in ("knee", "ankle"):
            plot = pg.PlotWidget(background="w")
            plot.setObjectName(f"{joint}_plot")
            plot.setMinimumHeight(220)
            plot.setMaximumHeight(340)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            item = plot.getPlotItem()
            item.showGrid(x=True, y=True, alpha=0.25)
            item.setLabel("bottom", titles[joint])
            item.setLabel("left", "length (%)")
            for axis in ("bottom", "left"):
                item.getAxis(axis).setPen(pg.mkPen("#444"))
                item.getAxis(axis).setTextPen(pg.mkPen("#222"))
            item.getAxis("left").setWidth(LEFT_AXIS_PX)  # (its title lay over "100.5")
            lo, hi = RANGES_DEG[joint]
            item.setXRange(lo, hi, padding=0.02)
            line = pg.InfiniteLine(
                angle=90, pen=pg.mkPen("#777", width=1, style=Qt.PenStyle.DashLine)
            )
            item.addItem(line)
            marker = pg.ScatterPlotItem(size=10, pen=pg.mkPen("#000", width=1.2))
            item.addItem(marker)
            self.plots[joint] = plot
            self.pose_lines[joint] = line
            self.markers[joint] = marker
            self.plot_tabs.addTab(plot, JOINT_TITLES[joint])  # (the box says "against")
        self._plot_notes: dict[str, str] = {}
        self.plot_tabs.currentChanged.connect(lambda _i: self._show_plot_note())
        self.plot_note = QLabel()
        self.plot_note.setWordWrap(True)
        self.plot_note.setStyleSheet("color: #555;")
        layout.addWidget(self.plot_note)
        return box

    def _build_cards(self) -> QWidget:
        self.cards: list[ExerciseCard] = exercise_cards(self.atlas, self.model)
        collapsible = Collapsible("Exercise cards: each preset in numbers")
        self.card_labels: dict[str, QLabel] = {}
        for card in self.cards:
            frame = QGroupBox(card.preset.name)
            inner = QVBoxLayout(frame)
            label = QLabel(_card_html(card))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            inner.addWidget(label)
            show = QPushButton(f"Show: {card.preset.name}")
            show.clicked.connect(lambda _=False, pid=card.preset.id: self.apply_preset(pid))
            inner.addWidget(show, 0, Qt.AlignmentFlag.AlignLeft)
            collapsible.addWidget(frame)
            self.card_labels[card.preset.id] = label
        self.cards_section = collapsible
        return collapsible

    @property
    def pose(self) -> Pose:
        """The state's pose (the panel keeps no copy of its own)."""
        return pose_from_angles(self.state.pose)

    # ------------------------------------------------------------------------ state wiring
    def _connect_state(self) -> None:
        handlers: list[tuple[Any, Callable[..., None]]] = [
            (self.state.pose_changed, self._on_pose),
            (self.state.selected_changed, self._on_selected),
            (self.state.lesion_changed, self._on_lesion),
        ]
        for signal, handler in handlers:
            signal.connect(handler)
        self._handlers = handlers
        self.destroyed.connect(lambda *_: _disconnect(handlers))

    def disconnect_state(self) -> None:
        """Stop following the state (also done when the widget is destroyed)."""
        self.stop()
        _disconnect(self._handlers)
        self._handlers = []

    def _on_slider(self, joint: str, value: int) -> None:
        if self._syncing:
            return
        self.stop()
        if not self.sliders[joint].isSliderDown():  # a key, a click on the groove: at once
            self._pose_waiting()
            self.state.update_pose(**{joint: math.radians(value)})
            self._keys_settle.start()
            return
        # A hand's drag moves the slider more often than a pose and its frame take: the
        # moves that come while one is posed and drawn make one pose, the latest, after that
        # frame, instead of one pose each (two or more a frame, every one but the last unseen).
        self._held_angles[joint] = math.radians(value)
        self.slider_labels[joint].setText(angle_label(joint, value))  # the angle at once
        if not self._pose_timer.isActive():
            self._pose_timer.start()
        if self._sweep_timer.isActive():
            # The drag goes on: the curves wait until it pauses (a pose and its frame that
            # took longer than the delay let them be redrawn at every step).
            self._sweep_timer.start()

    def _pose_when_ready(self) -> None:
        if self._held_angles and self._due_pose is None and self.view_busy():
            return  # (view_ready sends them)
        self._pose_waiting()

    def view_ready(self) -> None:
        """The view placed the last pose: a held slider's newest angle is posed now."""
        if self._held_angles:
            self._pose_waiting()

    def _pose_waiting(self) -> None:
        """The pose waiting: where a held slider has moved to, or an action's step, once (see
        :meth:`_on_slider`)."""
        self._pose_timer.stop()
        due, self._due_pose = self._due_pose, None
        if due is not None:
            self.state.set_pose(due)
        angles, self._held_angles = self._held_angles, {}
        if angles:
            before = self.pose
            self.state.update_pose(**angles)
            # (told every few degrees, not every frame: the view's check costs ~1 ms)
            moved = {j: a for j, a in angles.items()
                     if abs(a - self._drag_told.get(j, math.inf)) >= math.radians(DRAG_TELL_DEG)}
            if moved:
                self._drag_told.update(moved)
                self.drag_reached.emit([self._ahead(before, j, a) for j, a in moved.items()])

    def _ahead(self, before: Pose, joint: str, angle: float) -> Pose:
        """Where a drag of ``joint`` to ``angle`` (radians) will soon be, going on as it goes."""
        lo, hi = RANGES_DEG[joint]
        step = math.copysign(math.radians(DRAG_AHEAD_DEG), angle - getattr(before, joint))
        ahead = min(max(angle + step, math.radians(lo)), math.radians(hi))
        return replace(self.pose, **{joint: ahead})

    def _on_pose(self, angles: Mapping[str, float]) -> None:
        pose = pose_from_angles(angles)
        degrees = pose.degrees()
        self._syncing = True
        try:
            for joint in JOINTS:
                slider = self.sliders[joint]
                value = round(degrees[joint])
                if slider.value() != value:
                    slider.setValue(value)
                self.slider_labels[joint].setText(angle_label(joint, degrees[joint]))
        finally:
            self._syncing = False
        self._show_numbers()
        if self._sweeps_stale():
            self._sweep_timer.start()

    def _on_release(self) -> None:
        self._pose_waiting()
        self._drag_told.clear()
        if self._readout_timer.isActive():
            self._update_numbers()
        self.pose_settled.emit()

    def _show_numbers(self) -> None:
        """Show the pose's numbers: at once, or, while the pose is moving (a slider held, an
        action playing), at most every READOUT_INTERVAL_MS; length colours follow every pose."""
        moving = self.moving
        wait = self._readout_at + READOUT_INTERVAL_MS / 1000 - time.monotonic()
        if not moving or wait <= 0:
            self._update_numbers()
            return
        if not self._readout_timer.isActive():
            self._readout_timer.start(math.ceil(wait * 1000))
        self._colour_muscles()

    def _colour_muscles(self) -> None:
        """Send the pose's length colours, when colouring by length is on."""
        if self.colour_check.isChecked():
            self.muscle_colours_changed.emit(self.colours())

    def send_colours(self) -> None:
        """Send the length colours again (the lab came back to the front), when they are on."""
        self._colour_muscles()

    @property
    def keep_pose(self) -> bool:
        """Whether the pose stays on the leg while another panel is in front."""
        return self.keep_pose_check.isChecked()

    def set_in_front(self, in_front: bool) -> None:
        """The lab's dock came to the front (True) or went behind another panel's tab (a
        panel behind a tab stays "visible", off screen)."""
        self._in_front = in_front
        if in_front and self._rows_stale and self.isVisible():
            self._refresh_rows()

    def _on_selected(self, _structure_id: object) -> None:
        if not (self._in_front and self.isVisible()):
            # Out of sight (behind another panel's tab, the lab closed): its table and
            # curves follow once it is seen; rebuilding them cost a click 20-90 ms.
            self._rows_stale = True
            return
        self._refresh_rows()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._rows_stale and self._in_front:
            self._refresh_rows()
        super().showEvent(event)

    # ---------------------------------------------------------------------- public actions
    def apply_preset(self, preset_id: str) -> None:
        """Set the pose to a preset (stops a playing action)."""
        self.stop()
        self.state.set_pose(angles_of(preset(preset_id).pose))
        self.preset_applied.emit(preset_id)

    def play(self, action_id: str) -> None:
        """Animate an action from the current pose (QTimer, about 30 frames per second)."""
        self.stop()
        weak = self.lesioned.get(action_id)
        if weak is not None:
            self._frames = lesioned_frames(weak, self.pose, fps=FPS)
        else:
            self._frames = action_frames(action(action_id), self.pose, fps=FPS)
        self._frame_index = 0
        step = max(1, len(self._frames) // 8)
        self.moving_through.emit([f.pose for f in self._frames[::step]] + [self._frames[-1].pose]
                                 if self._frames else [])
        self._played_from = time.monotonic()
        self._playing = action_id
        for aid, button in self.action_buttons.items():
            button.setChecked(aid == action_id)
        self.stop_button.setEnabled(True)
        self.timer.start()
        self.playing_changed.emit(True)

    def stop(self) -> None:
        """Stop a playing action where it is (and a wait for keys to settle: the action, a
        preset or closing the lab places the leg now)."""
        self._keys_settle.stop()
        if self._playing is None:
            return
        self.timer.stop()
        self._pose_waiting()  # the step due, if any
        self._playing = None
        self._frames = []
        if self._readout_timer.isActive():
            self._update_numbers()
        for button in self.action_buttons.values():
            button.setChecked(False)
        self.stop_button.setEnabled(False)
        self.playing_changed.emit(False)

    def _on_lesion(self, lesion: Any) -> None:
        """Mark the actions a lesion takes away or weakens; played, they show what is left."""
        self.lesioned = {}
        if lesion is not None:
            if self._lesion_model is None:
                from calfexplorer.lesion import open_lesion_model

                self._lesion_model, _ = open_lesion_model(self.atlas)
            result = self._lesion_model.compute(lesion)
            for act in ACTIONS:
                weak = lesioned_action(self.atlas, result, act)
                if weak.status != "spared" or weak.drift:
                    self.lesioned[act.id] = weak
        for act in ACTIONS:
            button = self.action_buttons[act.id]
            after = self.lesioned.get(act.id)
            text, tip = act.name, f"Animate {act.name.lower()} through the model's range and back"
            if after is not None:
                text += LESION_MARKS.get(after.status, " ↻")
                tip = f"After the lesion: {STATUS_WORDS[after.status]}"
                if after.drift_text:
                    tip += f". {after.drift_text[:1].upper()}{after.drift_text[1:]}."
            button.setText(text)
            button.setToolTip(tip)
        self.lesion_label.setVisible(lesion is not None)
        if lesion is not None:
            self.lesion_label.setText(
                "A lesion is set in the Lesion panel: ✗ marks a lost movement, (very weak), "
                "(weak) or (slightly weak) a weakened one, ↻ one that pulls the foot aside; "
                "played, each shows what is left."
            )

    @property
    def playing(self) -> str | None:
        """Id of the action being played, or None."""
        return self._playing

    @property
    def moving(self) -> bool:
        """Whether the pose is moving: a slider held or an action playing."""
        return self._playing is not None or any(s.isSliderDown() for s in self.sliders.values())

    def pin(self, muscle_id: str | None) -> bool:
        """Add a modelled muscle to the comparison; returns whether it was added."""
        if not self.model.has(muscle_id) or muscle_id in self.pinned:
            return False
        self.pinned.append(muscle_id)  # type: ignore[arg-type]
        self._refresh_rows()
        return True

    def unpin(self, muscle_id: str) -> bool:
        """Remove a muscle from the comparison; returns whether it was pinned."""
        if muscle_id not in self.pinned:
            return False
        self.pinned.remove(muscle_id)
        self._refresh_rows()
        return True

    @property
    def shown_ids(self) -> list[str]:
        """Muscles in the table and plots: the selected one (if modelled), then the pinned."""
        selected = self.state.selected
        rows = list(self.pinned)
        if self.model.has(selected) and selected not in rows:
            rows.insert(0, selected)
        return rows

    def readout(self) -> dict[str, MuscleReadout]:
        """The numbers currently shown, by atlas id."""
        return dict(self._last_readout)

    def set_colour_by_length(self, on: bool) -> None:
        """Switch colouring by length change on or off (emits the colour signals)."""
        on = bool(on)
        if self.colour_check.isChecked() != on:
            self.colour_check.setChecked(on)  # re-enters through toggled
            return
        self.legend_widget.setVisible(on)
        self.colour_by_length_changed.emit(on)
        if on:
            self.muscle_colours_changed.emit(self.colours())
        else:
            self.muscle_colours_changed.emit({})

    @property
    def colour_by_length(self) -> bool:
        """Whether muscles are coloured by length change."""
        return self.colour_check.isChecked()

    def colours(self) -> dict[str, tuple[float, float, float]]:
        """``{atlas id: (r, g, b)}`` of every modelled muscle at the current pose."""
        return muscle_colours(self.model.percentages(self.pose))

    # ----------------------------------------------------------------------------- updates
    def _advance(self) -> None:
        if not self._frames:
            self.stop()
            return
        # The step due by the clock: where a pose and its frame take longer than a tick, the
        # action keeps its speed and skips steps instead of slowing down; the ticks that come
        # while one is posed and drawn make one pose (as a held slider's moves do).
        due = math.floor((time.monotonic() - self._played_from) * FPS)
        self._frame_index = min(max(self._frame_index, due), len(self._frames) - 1)
        self._due_pose = angles_of(self._frames[self._frame_index].pose)
        if not self._pose_timer.isActive():
            self._pose_timer.start()
        self._frame_index += 1
        if self._frame_index >= len(self._frames):
            self.stop()

    def _on_action_button(self, action_id: str) -> None:
        if self._playing == action_id:
            self.stop()
        else:
            self.play(action_id)

    def _unpin_current(self) -> None:
        column = self.table.currentColumn()
        if 0 <= column < len(self._rows) and self._rows[column] in self.pinned:
            self.unpin(self._rows[column])
        elif self.pinned:
            self.unpin(self.pinned[-1])

    def _on_add_combo(self, index: int) -> None:
        muscle_id = self.add_combo.itemData(index)
        self.add_combo.setCurrentIndex(0)
        if muscle_id:
            self.pin(muscle_id)

    def _refresh_rows(self) -> None:
        """Rebuild the table columns, plot curves and notes for the shown muscles."""
        self._rows_stale = False
        rows = self.shown_ids
        self._rows = rows
        readout = self.model.readout(self.pose, rows)
        arms = [k for k in ARM_KEYS if any(k in r.moment_arms_m for r in readout.values())]
        self._arm_keys = arms
        self._atlas_actions = {mid: atlas_actions(self.atlas, mid) for mid in rows}
        selected = self.state.selected
        table = self.table
        table.clear()
        table.setColumnCount(len(rows))
        table.setRowCount(1 + len(arms))
        for col, mid in enumerate(rows):
            name = textwrap.fill(self.model.name(mid), HEADER_WRAP)
            name += "\n(selected)" if mid == selected else ""
            head = QTableWidgetItem(name)
            head.setForeground(QColor(CURVE_COLOURS[col % len(CURVE_COLOURS)]))
            table.setHorizontalHeaderItem(col, head)
            for row in range(1 + len(arms)):
                cell = QTableWidgetItem("")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(row, col, cell)
        labels = ["Length"] + [f"{MOMENT_ARM_TITLES[k]}\nmoment arm" for k in arms]
        table.setVerticalHeaderLabels(labels)
        self.pin_button.setEnabled(self.model.has(selected) and selected not in self.pinned)
        self.unpin_button.setEnabled(bool(self.pinned))
        if selected and self.atlas.get(selected) is not None and not self.model.has(selected):
            self.note.setText(
                f"{self.atlas.name_of(selected)} has no muscle path in the MyoLeg model, so it "
                "has no numbers here."
            )
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        self.curve_legend.setText(  # (each swatch stays with its name on a line)
            " &nbsp;".join(
                f"<nobr><span style='color:{CURVE_COLOURS[i % len(CURVE_COLOURS)]}'>"
                f"{'━━' if i % 2 == 0 else '╍╍'}</span>&nbsp;{escape(self.model.name(mid))}"
                "</nobr>"
                for i, mid in enumerate(rows)
            )
        )
        self._rebuild_curves()
        self._update_numbers()
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Column widths shared out so every muscle fits beside the row titles without a
        sideways scroll bar; fixed between refreshes, so a drag does not relayout the table."""
        table = self.table
        count = table.columnCount()
        if not count:
            return
        # The room the group box gives (the table itself grows to its contents, so its own
        # width says nothing about what fits), less what stands beside the columns.
        box = table.parentWidget()
        box_layout = box.layout() if box is not None else None
        room = table.width()
        # (the body's margins, the box's frame and margins: the same at any width)
        around = sum(_side_margins(w.layout()) for w in (self.scroll_area.widget(), box) if w)
        if box is not None and box_layout is not None:
            around += box.width() - box.contentsRect().width()
            room = box.contentsRect().width() - _side_margins(box_layout)
        beside = table.verticalHeader().sizeHint().width() + 2 * table.frameWidth() + 4
        # (less a scroll bar's width where the panel's own vertical bar may yet appear;
        # where it shows, the box is already that much narrower: counting it twice widened
        # the lab a second time once the bar came, the 3D view drawn again)
        bar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        room -= beside + (0 if self.scroll_area.verticalScrollBar().isVisible() else bar)
        share = max(MIN_COLUMN_WIDTH, room // count)
        # Up to WIDEN_FOR_COLUMNS muscles widen the panel to fit; more scroll the table
        # sideways (widening for each took the 3D view from half the window to a fifth).
        # The room at the panel's least width is counted from that width, not from where the
        # layout has put the box: the same before the panel is first laid out as after (it
        # asked too little at first, widening the lab a step later, the 3D view drawn at
        # both widths) and with or without its vertical bar (its width reserved).
        room_at_least = self._least_width - bar - around - beside
        fitted = min(count, WIDEN_FOR_COLUMNS)
        self._ask_width(self._least_width + max(MIN_COLUMN_WIDTH * fitted - room_at_least, 0))
        metrics = table.horizontalHeader().fontMetrics()
        for col in range(count):
            table.resizeColumnToContents(col)
            table.setColumnWidth(col, min(max(table.columnWidth(col), 100), share))
            text_room = table.columnWidth(col) - HEADER_PADDING
            self._fit_header(col, text_room, metrics.horizontalAdvance)
        table.resizeRowsToContents()
        # Fixed from here to the next refresh: sized to its contents, a new number in a cell
        # would lay out the whole panel again on every pose (~4 ms a slider step).
        # Its size hint lays it out now (its scroll bars as the new widths leave them: else
        # the first pose after lays the panel out again) but counts the titles' previous
        # lines: the height is counted here.
        table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        table.sizeHint()
        table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustIgnored)
        table.horizontalHeader().headerDataChanged(Qt.Orientation.Horizontal, 0, count - 1)
        self._fit_height()

    def _fit_height(self, *_: int) -> None:
        """The table as tall as its rows, and its sideways scroll bar when it has one (the bar
        comes and goes as the panel's width changes: every row stays in view)."""
        table = self.table
        rows = sum(table.rowHeight(row) for row in range(table.rowCount()))
        bar = table.horizontalScrollBar()
        extra = bar.sizeHint().height() if bar.maximum() > 0 else 0
        height = table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth()
        if table.height() != height + extra or table.minimumHeight() != height + extra:
            table.setFixedHeight(height + extra)

    def _fit_header(self, col: int, width: int, advance: Callable[[str], int]) -> None:
        """Wrap a column title to its column (a name longer than the column is hyphenated
        rather than cut off)."""
        head = self.table.horizontalHeaderItem(col)
        if head is None or col >= len(self._rows):
            return
        mid = self._rows[col]
        lines = wrap_to_width(self.model.name(mid), width, advance)
        if mid == self.state.selected:
            lines += wrap_to_width("(selected)", width, advance)
        text = "\n".join(lines)
        if head.text() != text:
            head.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # once the layouts below have taken the new width
        QTimer.singleShot(0, self, self._fit_columns)

    def _update_numbers(self) -> None:
        """Per-pose work: one model evaluation, table cells, plot markers, colours."""
        self._readout_timer.stop()
        self._readout_at = time.monotonic()
        readout = self.model.readout(self.pose, self._rows)
        self._last_readout = readout
        against: list[tuple[str, str, str]] = []
        for col, mid in enumerate(self._rows):
            r = readout.get(mid)
            if r is None:
                continue
            change = r.change_mm if abs(r.change_mm) >= 0.05 else 0.0  # ("-0.0 mm": noise)
            _set_text(self.table.item(0, col), f"{r.percent:.1f}%\n{change:+.1f} mm")
            for row, key in enumerate(self._arm_keys, start=1):
                arm = r.moment_arms_m.get(key)
                text = "—" if arm is None else moment_arm_words(key, arm).replace(" mm ", " mm\n")
                atlas = None if arm is None else against_atlas(self._atlas_actions[mid], key, arm)
                if atlas is not None:
                    text += " †"
                    against.append((self.model.name(mid), key, atlas))
                item = self.table.item(row, col)
                _set_text(item, text)
                tip = "" if atlas is None else against_atlas_words(
                    self.atlas, self.model.name(mid), key, atlas)
                if item is not None and item.toolTip() != tip:
                    item.setToolTip(tip)
        self._show_against(against)
        degrees = self.pose.degrees()
        shown = [(i, mid) for i, mid in enumerate(self._rows) if mid in readout]
        ys = [readout[mid].percent for _, mid in shown]
        brushes = [self._brushes[i % len(self._brushes)] for i, _ in shown]
        for joint in ("knee", "ankle"):
            self.pose_lines[joint].setValue(degrees[joint])
            self.markers[joint].setData(x=[degrees[joint]] * len(ys), y=ys, brush=brushes)
        self._colour_muscles()

    def _show_against(self, against: list[tuple[str, str, str]]) -> None:
        """Say under the table why a moment arm marked † reads against the atlas."""
        text = " ".join(f"† {against_atlas_words(self.atlas, *a)}"
                        for a in dict.fromkeys(against))
        if self.arm_note.text() != text:
            self.arm_note.setText(text)
            self.arm_note.setVisible(bool(text))

    def _sweeps_stale(self) -> bool:
        for joint in ("knee", "ankle"):
            held = self._sweep_held.get(joint)
            if held is None:
                return True
            now = {k: float(round(v)) for k, v in self.pose.degrees().items() if k != joint}
            if now != held:
                return True
        return False

    def _refresh_sweeps(self) -> None:
        self._rebuild_curves()

    def _rebuild_curves(self) -> None:
        """Draw length curves of the shown muscles against knee and ankle angle."""
        self._sweep_timer.stop()
        for joint in ("knee", "ankle"):
            sweep = self.model.sweep(joint, self.pose)
            self._sweep_held[joint] = dict(sweep.held)
            item = self.plots[joint].getPlotItem()
            for curve in self._curves[joint]:
                item.removeItem(curve)
            curves = []
            for i, mid in enumerate(self._rows):
                pen = pg.mkPen(
                    CURVE_COLOURS[i % len(CURVE_COLOURS)],
                    width=2.5,
                    style=Qt.PenStyle.SolidLine if i % 2 == 0 else Qt.PenStyle.DashLine,
                )
                curve = item.plot(
                    sweep.angles_deg, sweep.percent[mid], pen=pen, name=self.model.name(mid)
                )
                curves.append(curve)
            self._curves[joint] = curves
            values = [sweep.percent[m] for m in self._rows]
            lo = min((float(v.min()) for v in values), default=99.0)
            hi = max((float(v.max()) for v in values), default=101.0)
            middle, half = (lo + hi) / 2, max((hi - lo) / 2, MIN_HALF_SPAN)
            item.setYRange(middle - half, middle + half, padding=0.08)
            self._plot_notes[joint] = sweep.note(self._rows, self.model.name)
        self._show_plot_note()

    def _show_plot_note(self) -> None:
        """The note of the plot in front (the ankle's named the knee's muscles and held the
        ankle)."""
        joint = ("knee", "ankle")[max(self.plot_tabs.currentIndex(), 0)]
        self.plot_note.setText(self._plot_notes.get(joint, ""))


def _side_margins(layout: QLayout | None) -> int:
    """A layout's left and right margins together (0 without one)."""
    if layout is None:
        return 0
    margins = layout.contentsMargins()
    return margins.left() + margins.right()


def _set_text(item: QTableWidgetItem | None, text: str) -> None:
    if item is not None and item.text() != text:
        item.setText(text)


def _disconnect(handlers: list[tuple[Any, Callable[..., None]]]) -> None:
    for signal, handler in handlers:
        with contextlib.suppress(ValueError, RuntimeError):
            signal.disconnect(handler)


def _card_html(card: ExerciseCard) -> str:
    """The card as rich text: the model's headline and lines, then the atlas's advice."""
    parts = [f"<p><b>{escape(card.headline)}</b><br><i>{escape(card.pose_text)}</i></p>"]
    if card.lines:
        parts.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in card.lines) + "</ul>")
    if card.advice and card.preset.kind is None:  # (not an exercise: what the pose shows)
        parts.append(f"<p>{escape(card.preset.why)}</p>")
    for advice in card.advice:
        parts.append(
            f"<p><b>Atlas advice ({escape(advice.muscle_name)}): {escape(advice.name)}.</b> "
            f"{escape(advice.text)}</p>"
        )
    if not card.advice:
        parts.append(f"<p>{escape(card.preset.why)}</p>")
    return "".join(parts)


__all__ = ["LegendBar", "MotionPanel"]


def wrap_to_width(text: str, width: int, advance: Callable[[str], int]) -> list[str]:
    """Lines of ``text`` no wider than ``width`` by ``advance``; words wider than a line are
    split with a hyphen, leaving at least three letters on the next line."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if advance(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while advance(word) > width and len(word) > 2:
            cut = len(word) - 1
            while cut > 1 and advance(word[:cut] + "-") > width:
                cut -= 1
            if len(word) - cut < 3 < cut - 1:  # never "Gastrocnemiu-" over a lone "s"
                cut = len(word) - 3
            lines.append(word[:cut] + "-")
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


class _FocusedWheelSlider(QSlider):
    """A pose slider the mouse wheel moves only once it has the keyboard (clicked or tabbed
    to): scrolling down the panel over a slider bent the knee instead of scrolling."""

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # (the panel's scroll area takes it)
