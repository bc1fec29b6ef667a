"""The lesion panel: cut a nerve at a level or damage a root, and read what the patient loses;
or take a case (the findings only) and say where the lesion is."""

from __future__ import annotations

import html
import random
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from calfexplorer.atlas import Atlas, AtlasProblem
from calfexplorer.atlas.models import Nerve
from calfexplorer.lesion import Lesion, LesionModel, LesionResult
from calfexplorer.lesion.cases import Candidate, candidates, choices, distinguishable
from calfexplorer.lesion.cut_marks import CutMark
from calfexplorer.lesion.shown import LesionShown, lesion_shown
from calfexplorer.scene.style import RGB, hex_rgb
from calfexplorer.ui.explore.info_html import LINK_SCHEME, PAGE_CSS
from calfexplorer.ui.explore.link_page import LinkPage
from calfexplorer.ui.lesion.lesion_html import LESION_CSS, case_html, lesion_html
from calfexplorer.ui.web_links import open_web_link

#: Roots offered as tick boxes: the lumbosacral roots examined in the leg (L2 for its key
#: movement, hip flexion, and the thigh muscles it supplies; S3 for the long toe flexors, whose
#: roots some sources give as S2 and S3), those the model knows (as ``calfexplorer lesion``).
PANEL_ROOTS = ("L2", "L3", "L4", "L5", "S1", "S2", "S3")
NO_NERVE = "No nerve cut"
WELCOME = (
    "<h1>Lesion</h1><p>Choose a nerve and where it is cut, or tick a damaged root (or both), "
    "to see which muscles lose their supply, which movements are lost or weakened, the "
    "reflexes, the numb skin and the clinical signs. Clicking a nerve in the 3D view chooses "
    "it here.</p><p><b>A case</b> shows a patient's findings only: say where the lesion is.</p>"
)


class LesionPanel(QWidget):
    """Nerve and level lists, root boxes, the result page, and a case to reason back from.

    ``lesion_changed`` carries the lesion for the rest of the app (the motion lab plays its
    actions with it); ``colours_changed`` the 3D colours of the denervated muscles (id to 0..1
    RGB). Both are empty while a case is unanswered, so nothing gives the answer away.
    """

    link_activated = Signal(str)
    colours_changed = Signal(dict)
    #: The lesion made (a ``Lesion``), or None: cleared, or a case not yet answered.
    lesion_changed = Signal(object)
    #: "A case..." asks where a lesion is (a nerve selected in 3D would read as a hint).
    case_started = Signal()

    def __init__(
        self,
        atlas: Atlas,
        model: LesionModel,
        problems: list[AtlasProblem] | None = None,
        rng: random.Random | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.atlas = atlas
        self.model = model
        self.rng = rng or random.Random()
        self.result: LesionResult | None = None
        self.case: Candidate | None = None
        self.case_choices: list[Candidate] = []
        self._pool: list[Candidate] | None = None
        self._quiet = False

        layout = QVBoxLayout(self)
        if problems:
            n = len(problems)
            warn = QLabel(
                f"The lesion data has {n} problem{'s' if n != 1 else ''}; what is valid still "
                f"works. The first: {html.escape(str(problems[0]))}. Run <code>calfexplorer "
                "validate</code> to list them all."
            )
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #8a4b00;")
            layout.addWidget(warn)
        grid = QGridLayout()
        self.nerve_combo = _combo()
        self.nerve_combo.addItem(NO_NERVE, None)
        for nerve in model.nerves():
            self.nerve_combo.addItem(atlas.name_of(nerve), nerve)
        self.level_combo = _combo()
        grid.addWidget(QLabel("Nerve"), 0, 0)
        grid.addWidget(self.nerve_combo, 0, 1)
        grid.addWidget(QLabel("Cut"), 1, 0)
        grid.addWidget(self.level_combo, 1, 1)
        layout.addLayout(grid)
        roots_row = QHBoxLayout()
        roots_row.addWidget(QLabel("Roots"))
        self.root_boxes: dict[str, QCheckBox] = {}
        for root in PANEL_ROOTS:
            if root in model.roots():
                box = QCheckBox(root)
                box.toggled.connect(self._recompute)
                self.root_boxes[root] = box
                roots_row.addWidget(box)
        roots_row.addStretch(1)
        layout.addLayout(roots_row)
        buttons = QHBoxLayout()
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(lambda: self.set_lesion(None, None, ()))
        self.case_button = QPushButton("A case…")
        self.case_button.setToolTip("A patient's findings: say where the lesion is")
        self.case_button.clicked.connect(self.start_case)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.case_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.note = QLabel()  # (a nerve clicked that the lesion data cannot cut)
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)

        self.case_bar = QWidget()
        case_layout = QVBoxLayout(self.case_bar)
        case_layout.setContentsMargins(0, 0, 0, 0)
        self.answer_combo = _combo()
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(self._check_chosen)
        row = QHBoxLayout()
        row.addWidget(self.answer_combo, 1)
        row.addWidget(self.check_button)
        self.case_feedback = QLabel()
        self.case_feedback.setWordWrap(True)
        case_layout.addWidget(QLabel("Where is the lesion?"))
        case_layout.addLayout(row)
        case_layout.addWidget(self.case_feedback)
        self.case_bar.hide()
        layout.addWidget(self.case_bar)

        # (one Tab stop: Tab walked every link of the page before it reached anything else)
        self.browser = LinkPage()
        self.browser.document().setDefaultStyleSheet(PAGE_CSS + LESION_CSS)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_anchor)
        layout.addWidget(self.browser, 1)

        self.nerve_combo.currentIndexChanged.connect(self._nerve_changed)
        self.level_combo.currentIndexChanged.connect(self._recompute)
        self._nerve_changed()

    # -- choosing a lesion -------------------------------------------------------------------
    def set_lesion(self, nerve: str | None, level: str | None, roots: tuple[str, ...]) -> None:
        """Show the lesion of ``nerve`` cut at ``level`` (where the explorer offers first when
        None: see :meth:`LesionModel.first_offered`) and ``roots``."""
        self._set_controls(nerve, level, roots)
        self._recompute()

    def _set_controls(self, nerve: str | None, level: str | None, roots: tuple[str, ...]) -> None:
        """Set the nerve, cut and root boxes without computing (nor leaving a case)."""
        self._quiet = True
        try:
            self.nerve_combo.setCurrentIndex(max(self.nerve_combo.findData(nerve), 0))
            self._fill_levels()
            if level is not None:
                self.level_combo.setCurrentIndex(max(self.level_combo.findData(level), 0))
            for root, box in self.root_boxes.items():
                box.setChecked(root in roots)
        finally:
            self._quiet = False

    def choose_nerve(self, nerve: str) -> bool:
        """A nerve clicked in 3D: choose it (keeping the roots); False if it cannot be cut,
        which the panel says for a nerve (the click changed nothing here without a word)."""
        if self.nerve_combo.findData(nerve) < 0:
            if isinstance(self.atlas.get(nerve), Nerve):
                self.note.setText(self._cannot_cut(nerve))
                self.note.show()
            return False
        self.set_lesion(nerve, None, self.roots())
        return True

    def _cannot_cut(self, nerve: str) -> str:
        """Why a clicked nerve is not chosen: a branch is cut with the nerve it leaves (the
        medial plantar nerve with the tibial nerve in the tarsal tunnel); any other has no
        course in the lesion data."""
        name = html.escape(self.atlas.name_of(nerve))
        parent = getattr(self.atlas.get(nerve), "branch_of", None)
        while parent is not None and self.nerve_combo.findData(parent) < 0:
            parent = getattr(self.atlas.get(parent), "branch_of", None)
        if parent is not None:
            return (f"<b>{name}</b> has no cut of its own here: it is cut with the "
                    f"{html.escape(self.atlas.name_of(parent))}, at a level above where it "
                    "begins (choose that nerve).")
        names = ", ".join(self.nerve_combo.itemText(i) for i in range(1, self.nerve_combo.count()))
        return (f"<b>{name}</b> cannot be cut here: the lesion data has no course for it. "
                f"Nerves that can be: {html.escape(names)}.")

    def roots(self) -> tuple[str, ...]:
        """The ticked roots."""
        return tuple(r for r, box in self.root_boxes.items() if box.isChecked())

    def lesion(self) -> Lesion:
        """The lesion the controls describe."""
        nerve = self.nerve_combo.currentData()
        level = self.level_combo.currentData()
        cuts = (self.model.cut(nerve, level),) if nerve and level else ()
        return Lesion(cuts, self.roots())

    def shared_lesion(self) -> Lesion | None:
        """The lesion the rest of the app is given: None without one and while a case is
        unanswered (the motion lab would give the answer away)."""
        if self.result is None or self._answer_hidden():
            return None
        return self.result.lesion

    def _answer_hidden(self) -> bool:
        """Whether a case is open and not yet answered: what it is must not show anywhere
        (colours, cut marks and numb skin kept two different rules)."""
        return self.case is not None and not self.case_feedback.text()

    def shown(self) -> LesionShown:
        """What the 3D view shows of the current lesion (nothing while a case is unanswered:
        the rule the Anki export's card fronts keep too)."""
        return lesion_shown(self.atlas, self.model, self.result, self._answer_hidden())

    def colours(self) -> dict[str, RGB]:
        """3D colours of the muscles the current lesion denervates (none during a case)."""
        return {sid: hex_rgb(code) for sid, code in self.shown().colours.items()}

    def nerve_cuts(self) -> tuple[tuple[CutMark, ...], frozenset[str]]:
        """Where the 3D view marks the current lesion's cuts, and the nerves it cuts off whole
        (none while a case is unanswered, nor for a root: see :mod:`calfexplorer.lesion.
        cut_marks`)."""
        shown = self.shown()
        return shown.marks, shown.cut_off

    def numb_skin(self) -> list[str]:
        """Ids of the skin the current lesion leaves numb (none while a case is unanswered)."""
        return list(self.shown().numb_skin)

    def _nerve_changed(self) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._fill_levels()
        finally:
            self._quiet = False
        self._recompute()

    def _fill_levels(self) -> None:
        self.level_combo.clear()
        nerve = self.nerve_combo.currentData()
        for event in self.model.levels(nerve) if nerve else []:
            self.level_combo.addItem(event.name or event.level or "", event.level)
        if nerve:  # (where it is injured most often: the common fibular nerve's fibular neck)
            self.level_combo.setCurrentIndex(
                max(self.level_combo.findData(self.model.first_offered(nerve)), 0))
        self.level_combo.setEnabled(bool(nerve))

    def _recompute(self) -> None:
        if self._quiet:
            return
        self.note.hide()
        self._end_case()
        lesion = self.lesion()
        if not lesion.cuts and not lesion.roots:
            self.result = None
            self.browser.setHtml(WELCOME)
        else:
            self.result = self.model.compute(lesion)
            self.browser.setHtml(lesion_html(self.atlas, self.model, self.result))
        self.lesion_changed.emit(self.result.lesion if self.result else None)
        self.colours_changed.emit(self.colours())

    # -- a case ------------------------------------------------------------------------------
    def start_case(self) -> None:
        """Show the findings of a random lesion and ask where it is."""
        if self._pool is None:
            self._pool = distinguishable(self.model, candidates(self.atlas, self.model))
        if not self._pool:
            self.browser.setHtml("<p>No cases: the lesion data has no nerves or roots.</p>")
            return
        answer = self.rng.choice(self._pool)
        self._set_controls(None, None, ())  # the lesion chosen before would read as a hint
        self.case = answer
        self.case_choices = choices(self.model, answer, self._pool, self.rng)
        self.result = self.model.compute(answer.lesion)
        self.answer_combo.clear()
        self.answer_combo.addItem("Choose the lesion…")
        for c in self.case_choices:
            self.answer_combo.addItem(c.title)
        self.case_feedback.setText("")
        self.case_bar.show()
        self.check_button.setEnabled(True)
        self.browser.setHtml(case_html(self.atlas, self.result))
        self.lesion_changed.emit(None)  # the motion lab would give the answer away
        self.colours_changed.emit({})
        self.case_started.emit()

    def check_case(self, index: int) -> bool | None:
        """Answer the case with choice ``index`` (0-based); None when nothing was chosen."""
        if self.case is None or not 0 <= index < len(self.case_choices):
            return None
        answer = self.case
        right = self.case_choices[index].lesion == answer.lesion
        cut = answer.lesion.cuts[0] if answer.lesion.cuts else None
        self._set_controls(cut.nerve if cut else None, cut.level if cut else None,
                           tuple(answer.lesion.roots))
        chosen = self.case_choices[index]
        self.case_feedback.setText(
            f"<b>Right.</b> The lesion: {answer.title}." if right
            else f"<b>Not quite.</b> The lesion: {answer.title}. You chose: {chosen.title}.")
        self.check_button.setEnabled(False)
        if self.result is None:  # (start_case computed it with the case)
            self.result = self.model.compute(answer.lesion)
        self.browser.setHtml(lesion_html(self.atlas, self.model, self.result))
        self.lesion_changed.emit(answer.lesion)
        self.colours_changed.emit(self.colours())
        return right

    def _check_chosen(self) -> None:
        self.check_case(self.answer_combo.currentIndex() - 1)  # item 0 is "Choose…"

    def _end_case(self) -> None:
        if self.case is not None:
            self.case = None
            self.case_bar.hide()

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith(LINK_SCHEME):
            self.link_activated.emit(text[len(LINK_SCHEME) :])
        elif url.scheme() in ("http", "https"):
            open_web_link(url, self)


class _ElidedCombo(QComboBox):
    """A drop-down whose shown choice ends in "…" where the panel is too narrow for it (it was
    cut off: "Common fibular nerve, behind the knee" lost ", along biceps femoris" unseen);
    the whole of it is its tooltip."""

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt override
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        opt.currentText = self.fontMetrics().elidedText(opt.currentText,
                                                        Qt.TextElideMode.ElideRight,
                                                        field.width())
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)


def _combo() -> QComboBox:
    """A drop-down that shrinks with the panel instead of widening it to its longest item."""
    combo = _ElidedCombo()
    combo.currentTextChanged.connect(combo.setToolTip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo
