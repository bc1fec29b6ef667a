"""Study mode's dock: pick a scope, answer questions by keyboard or mouse, see the score.

The panel drives a Qt-free :class:`~calfexplorer.study.StudySession` and talks to the 3D view
only through :class:`~calfexplorer.state.AppState`: while a question is asked it sets
``state.mode = "study"``, switches 3D labels off (so the title label does not give the answer
away) and selects what the question highlights. Find-it questions are answered by the main
window calling :meth:`StudyPanel.answer_with_pick` with the id clicked in the viewport, skin
questions by :meth:`StudyPanel.answer_with_skin` with the skin map's areas under the click.

Keys: 1-4 choose (wherever the keyboard focus is while a question is open), typing goes to
the answer field and Enter submits it, ? shows the hint, Esc gives up a find-it or skin question,
Space (or Enter) goes on. The scope and "Mix new cards" are kept in the window's settings.
"""

from __future__ import annotations

import html
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from calfexplorer.state import AppState, Visibility
from calfexplorer.study import (
    KIND_LABELS,
    GradeResult,
    ProgressStore,
    Question,
    Scope,
    SessionSummary,
    StudyFacts,
    StudySession,
    compute_stats,
)
from calfexplorer.study.questions import N_CHOICES
from calfexplorer.ui.study.question import LINK_SCHEME, QuestionView, _link
from calfexplorer.ui.study.scope import ScopePicker, restore_scope, save_scope

#: Key code (as ``QKeyEvent.key()`` gives it, an int) -> choice index.
_NUMBER_KEYS: dict[int, int] = {Qt.Key.Key_1.value + i: i for i in range(N_CHOICES)}


def _nothing() -> None:
    """A key the panel takes so that the window does not act on it."""


class _WidthOfContent(QScrollArea):
    """A scroll area that scrolls up and down only, and is never narrower than its content
    (the dock widens instead of clipping "Lesion: what is lost" at the edge)."""

    cap: int | None = None  # (a small screen: no wider than this, scrolling sideways)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is None:
            return hint
        width = inner.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        width = max(hint.width(), width + 2 * self.frameWidth())
        return QSize(min(width, self.cap) if self.cap is not None else width, hint.height())

    def set_cap(self, cap: int | None) -> None:
        """No wider than ``cap`` (None: as wide as the content), scrolling sideways then."""
        self.cap = cap
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if cap
                                          else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.updateGeometry()


def _scrolled(widget: QWidget) -> QScrollArea:
    area = _WidthOfContent()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def _when(moment: datetime) -> str:
    """A due time as a student reads it: "at 14:05" today, "on Wed 9 Dec at 14:05" later."""
    local = moment.astimezone()
    clock = local.strftime("%H:%M")
    if local.date() == datetime.now().astimezone().date():
        return f"at {clock}"
    return f"on {local.strftime('%a')} {local.day} {local.strftime('%b')} at {clock}"


class StudyPanel(QWidget):
    """The study dock: scope, session length, exam mode, questions of every kind, the score.

    Parameters
    ----------
    atlas
        The loaded atlas.
    state
        The application state shared with the 3D view.
    store
        An open progress store; None opens the one in the user's data folder.
    rng
        Source of randomness for the questions (tests pass a seeded one).

    Signals
    -------
    question_shown(Question), answered(GradeResult), session_finished(SessionSummary),
    explore_requested(id): the user followed a link to look at a structure in explore mode,
    asking_changed(bool): a question is open (True) or its answer is out (False); the 3D view
    keeps the answer's attachment patches dark while asking.

    Attributes
    ----------
    askable
        None, or a test a question must pass to be asked (the window checks that an
        attachment site can be seen); a question that fails it is left out of the session.
    """

    question_shown = Signal(object)
    asking_changed = Signal(bool)
    answered = Signal(object)
    session_finished = Signal(object)
    explore_requested = Signal(str)

    def __init__(
        self,
        atlas,
        state: AppState,
        store: ProgressStore | None = None,
        rng: random.Random | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("StudyPanel")
        self.atlas = atlas
        self.state = state
        self.facts = StudyFacts.with_lesions(atlas)
        self.rng = rng or random.Random()
        self.session: StudySession | None = None
        self.summary: SessionSummary | None = None
        self.last_result: GradeResult | None = None
        self.message_box: QMessageBox | None = None
        self.stats_view = None
        self._labels_before: bool | None = None
        self._revealed: tuple[Visibility, Visibility] | None = None  # before and after
        self._selection_before: str | None = None  # the user's, given back on a pause and after
        self._shown_at = 0.0
        self._chosen: int | None = None
        self._asking = False
        self._said_last = False  # the last answer's button read "See the score"
        self.askable: Callable[[Question], bool] | None = None
        self.store = store if store is not None else self._open_store()
        if self.store.recovery_message:
            self._warn(self.store.recovery_message)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.pages = QStackedWidget()
        self.setup_page = self._build_setup()
        self.question_view = QuestionView()
        self.question_view.choice_made.connect(self.answer_choice)
        self.question_view.text_submitted.connect(self.answer_text)
        self.question_view.link_activated.connect(self.explore)
        self.question_view.next_requested.connect(self.go_on)
        self.question_view.gave_up.connect(self.give_up)
        self.question_page = QWidget()
        qlayout = QVBoxLayout(self.question_page)
        qlayout.setContentsMargins(0, 0, 0, 0)
        qlayout.addWidget(_scrolled(self.question_view), 1)
        stop = QPushButton("E&nd session")  # Alt+N: the keys go to the panel, not to it
        stop.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        stop.clicked.connect(self.finish_session)
        self.end_button = stop
        qlayout.addWidget(stop, 0, Qt.AlignmentFlag.AlignRight)
        self.summary_page, self.summary_label = self._build_summary()
        for page in (self.setup_page, self.question_page, self.summary_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.pages)
        restore_scope(self.scope_picker, self.shuffle_box, self.length_box, self.exam_box)
        self.scope_picker.changed.connect(self._save_scope)
        self.shuffle_box.toggled.connect(self._save_scope)
        self.length_box.valueChanged.connect(self._save_scope)
        self.exam_box.toggled.connect(self._save_scope)
        self.refresh_counts()

    # ------------------------------------------------------------------------ building
    def _name_length_unit(self, length: int) -> None:
        self.length_box.setSuffix(" question" if length == 1 else " questions")

    def _open_store(self) -> ProgressStore:
        # Never raises: with a file it cannot write the store keeps answers in memory and its
        # status says why (the Study dock's banner shows it).
        return ProgressStore.open()

    def _build_setup(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Study</b>: quiz yourself; cards come back when they are due.")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)

        self.scope_picker = ScopePicker(self.facts)
        self.scope_picker.changed.connect(self.refresh_counts)
        form_box = QWidget()
        form = QFormLayout(form_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.length_box = QSpinBox()
        self.length_box.setRange(1, 200)
        self.length_box.valueChanged.connect(self._name_length_unit)
        self.length_box.setValue(20)
        form.addRow("Session length", self.length_box)
        self.exam_box = QCheckBox("Exam mode: no hints, score at the end")
        form.addRow(self.exam_box)
        self.shuffle_box = QCheckBox("Mix new cards")
        self.shuffle_box.setToolTip(
            "New cards in random order; unticked, they come names first, then facts"
        )
        form.addRow(self.shuffle_box)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addWidget(form_box)
        inner_layout.addWidget(self.scope_picker)
        inner_layout.addStretch(1)
        layout.addWidget(_scrolled(inner), 1)

        self.start_button = QPushButton("Start session")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start_session)
        layout.addWidget(self.start_button)
        row = QHBoxLayout()
        self.stats_button = QPushButton("Statistics…")
        self.stats_button.clicked.connect(self.open_stats)
        self.export_button = QPushButton("Export to Anki…")
        self.export_button.setToolTip("Write the cards in scope as an Anki deck (.apkg)")
        self.export_button.clicked.connect(lambda: self.export_anki())
        row.addWidget(self.stats_button)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        return page

    def _build_summary(self) -> tuple[QWidget, QLabel]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        label.linkActivated.connect(self._on_summary_link)
        layout.addWidget(_scrolled(label), 1)
        row = QHBoxLayout()
        again = QPushButton("New session (Space)")
        again.clicked.connect(self.show_setup)
        stats = QPushButton("Statistics…")
        stats.clicked.connect(self.open_stats)
        row.addWidget(again)
        row.addWidget(stats)
        layout.addLayout(row)
        return page, label

    def _save_scope(self, *_: object) -> None:
        save_scope(self.scope_picker, self.shuffle_box, self.length_box, self.exam_box)

    # ------------------------------------------------------------------------ messages
    def _warn(self, text: str) -> None:
        """A non-blocking warning (the panel carries on)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Study progress", text, parent=self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.message_box = box

    # -------------------------------------------------------------------------- counts
    def scope(self) -> Scope:
        """The scope chosen in the picker."""
        return self.scope_picker.scope()

    def refresh_counts(self) -> None:
        """Due, new, learning and learned cards within the chosen scope."""
        scope = self.scope()
        total = len(scope.cards(self.facts))
        stats = compute_stats(self.facts, self.store, scope)
        left_out = "".join(f"<br><span style='color:#a11'>{html.escape(why[:1].upper() + why[1:])}"
                           "</span>" for why in self.facts.left_out)
        self.counts_label.setText(
            f"In scope: <b>{total}</b> cards — <b>{stats.due_now}</b> due, "
            f"<b>{stats.new}</b> new, <b>{stats.learning}</b> learning, "
            f"<b>{stats.learned}</b> learned.{left_out}"
        )
        self.start_button.setEnabled(total > 0)
        self.start_button.setText("Start session" if total else "Nothing in scope")

    def _counts_text(self) -> str:
        if self.session is None:
            return ""
        c = self.session.counts()
        return f"{c.due} due · {c.new} new · {c.learning} learning · {c.learned} learned"

    # ------------------------------------------------------------------------- session
    @property
    def question(self) -> Question | None:
        """The question being asked (None between questions and outside a session)."""
        return self.session.current if self.session is not None else None

    @property
    def wants_pick(self) -> bool:
        """Whether a find-it question waits for a click in the 3D view."""
        q = self.question
        return q is not None and q.mode == "pick" and not self.question_view.answered

    @property
    def wants_skin(self) -> bool:
        """Whether a skin question waits for a click on the skin in the 3D view."""
        q = self.question
        return q is not None and q.mode == "skin" and not self.question_view.answered

    def start_session(self) -> bool:
        """Start a session with the chosen scope, length and mode; returns whether it began."""
        if self.session is not None and not self.session.finished:
            self.session.finish()
        self.session = StudySession(
            self.facts,
            self.store,
            self.scope(),
            length=self.length_box.value(),
            exam=self.exam_box.isChecked(),
            rng=self.rng,
            shuffle_new=self.shuffle_box.isChecked(),
            askable=self.askable,
        )
        self.summary = None
        if self._labels_before is None:
            self._labels_before = self.state.labels
            self._selection_before = self.state.selected
        self.state.set_mode("study")
        if not self._ask_next():
            return False
        self.pages.setCurrentWidget(self.question_page)
        return True

    def _ask_next(self) -> bool:
        self._said_last = False
        session = self.session
        if session is None:
            return False
        q = session.next_question()
        if q is None:
            self.finish_session()
            return False
        self._set_asking(True)
        self._present(q)
        self._chosen = None
        self.last_result = None
        self.question_view.show_question(
            q,
            len(session.answers) + 1,
            session.planned(),
            "" if session.exam else self._counts_text(),
            exam=session.exam,
        )
        self._shown_at = time.monotonic()
        self._take_focus()
        self.question_shown.emit(q)
        return True

    def _present(self, q: Question) -> None:
        """Put the 3D view in question mode: no labels, the question's highlight selected."""
        self.state.set_mode("study")
        self.state.set_labels(False)
        self._hide_revealed()  # (the last question's first)
        if q.highlight_ids:
            before = self.state.snapshot()
            if self.state.show([q.highlight_ids[0]], record=False):
                self._revealed = (before, self.state.snapshot())
        self.state.select(q.highlight_ids[0] if q.highlight_ids else None, record=False)

    def _hide_revealed(self) -> None:
        """Give back what a question showed of a hidden, peeled or isolated leg (a session
        left the structures it asked about shown, and five undo steps), unless the user has
        changed what is shown since."""
        if self._revealed is not None and self.state.snapshot() == self._revealed[1]:
            self.state.restore(self._revealed[0])
        self._revealed = None

    def pause(self) -> None:
        """The panel was hidden mid-session: give the 3D view back to explore mode; mid-question
        with the user's own selection (the question's would show its answer in the other
        panels), after an answer with the answer's (an answer's pause left the whole window in
        study mode: no names on hover, no menu on a right-click, no framing)."""
        if self.state.mode != "study":
            return
        if self.question is not None and not self.question_view.answered:
            # the user's selection back first: the list and the information panel, shown
            # again when asking stops, must not open on the question's answer
            self.state.select(self._selection_before, record=False)
            self._hide_revealed()
            self._set_asking(False)
        self._restore_labels()
        self.state.set_mode("explore")

    def resume(self) -> None:
        """The panel is shown again: a pending question takes the 3D view back."""
        q = self.question
        if q is not None and not self.question_view.answered and self.state.mode != "study":
            self._set_asking(True)
            self._present(q)
            self.question_shown.emit(q)
            self._take_focus()

    @property
    def asking(self) -> bool:
        """Whether a question is open (not yet answered)."""
        return self._asking

    def _set_asking(self, asking: bool) -> None:
        """A question is open (number keys answer it from anywhere) or not."""
        app = QApplication.instance()
        if asking != self._asking and app is not None:
            if asking:
                app.installEventFilter(self)
            else:
                app.removeEventFilter(self)
        self._asking = asking
        self.asking_changed.emit(asking)

    def _take_focus(self) -> None:
        if self.isVisible():
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _record(self, answer: str | int | None, typed: bool = False) -> GradeResult | None:
        session = self.session
        if session is None or session.current is None or self.question_view.answered:
            return None
        q = session.current
        duration = int((time.monotonic() - self._shown_at) * 1000)
        try:
            result = session.answer(answer, typed=typed, duration_ms=duration)
        except (OSError, sqlite3.Error) as exc:
            self._warn(f"This answer could not be saved ({exc}). You can go on studying.")
            return None
        self.last_result = result
        last = self._said_last = len(session.answers) >= session.planned()
        names = {c.id: c.text for c in q.choices}
        names.update(self._names([result.link_id, *result.answer_ids, result.given]))
        self._set_asking(False)
        if session.show_feedback:
            self._restore_labels()
            reveal = result.link_id if q.kind != "attachment_site" else q.structure_id
            self.state.select(None if q.mode == "skin" else reveal)  # the skin shows it
            self.question_view.show_result(result, self._chosen, names, True, last)
        self.answered.emit(result)
        if self.stats_view is not None and self.stats_view.isVisible():
            self.stats_view.refresh()  # (left open, it said "no answers yet" after a session)
        if not session.show_feedback:
            self._ask_next()  # exam mode: straight on, the score comes at the end
        self._take_focus()
        return result

    def _names(self, ids) -> dict[str, str]:
        f = self.facts
        return {
            i: f.name(i)
            for i in ids
            if i and (i in f.structures or i in f.sites or i in f.skin_areas)
        }

    def answer_choice(self, index: int) -> GradeResult | None:
        """Answer with the choice at ``index`` (0-based); ignored when it does not apply."""
        q = self.question
        if q is None or q.mode == "pick" or not 0 <= index < len(q.choices):
            return None
        self._chosen = index
        return self._record(index)

    def answer_text(self, text: str) -> GradeResult | None:
        """Answer with typed text (synonyms, case and small typos are accepted)."""
        q = self.question
        if q is None or q.mode != "choice_or_text" or not text.strip():
            return None
        return self._record(text, typed=True)

    def answer_with_pick(self, structure_id: str | None) -> GradeResult | None:
        """Grade a click in the 3D view (the main window calls this in study mode).

        Returns the result, or None when no find-it question is waiting (the click is then
        the main window's to handle).
        """
        if not self.wants_pick:
            return None
        return self._record(structure_id)

    def answer_with_skin(
        self, dermatomes: list[str], territories: list[str]
    ) -> GradeResult | None:
        """Grade a click on the skin by the areas of the map under it (the main window calls
        this with what the skin layer picked). None when no skin question is waiting."""
        from calfexplorer.study.skin_questions import skin_answer

        q = self.question
        if q is None or not self.wants_skin:
            return None
        return self._record(skin_answer(q, dermatomes, territories))

    def give_up(self) -> GradeResult | None:
        """"I don't know" on a question answered by a click (find-it or skin)."""
        if self.wants_skin:
            return self._record("")
        return self.answer_with_pick(None)

    def go_on(self) -> None:
        """After an answer: the next question, or the score when the session is over."""
        if self.session is None:
            return
        if self.pages.currentWidget() is self.summary_page:
            self.show_setup()
            return
        if self.question is not None and not self.question_view.answered:
            return
        if self._said_last:  # "See the score": so it is, though a card came due since
            self.finish_session()
            return
        self._ask_next()

    def finish_session(self) -> SessionSummary | None:
        """End the session and show the score."""
        session = self.session
        if session is None:
            return None
        summary = session.finish()
        self.summary = summary
        # as before the session, first: ended mid-question, the panels shown again must not
        # open on the unanswered question's answer
        self.state.select(self._selection_before, record=False)
        self._hide_revealed()
        self._set_asking(False)
        self._restore_labels()
        self._labels_before = None
        self.state.set_mode("explore")
        self.summary_label.setText(self._summary_html(summary, session))
        self.refresh_counts()  # the setup page agrees with the summary when it comes back
        self.pages.setCurrentWidget(self.summary_page)
        self._take_focus()
        self.session_finished.emit(summary)
        return summary

    def show_setup(self) -> None:
        """Back to the scope and length choices."""
        self.pages.setCurrentWidget(self.setup_page)
        self.refresh_counts()
        self.start_button.setFocus()

    def _restore_labels(self) -> None:
        if self._labels_before is not None:
            self.state.set_labels(self._labels_before)

    def _summary_html(self, summary: SessionSummary, session: StudySession) -> str:
        pct = round(100 * summary.score)
        title = "Exam score" if session.exam else "Session score"
        parts = [
            f"<h2>{title}: {summary.correct} / {summary.answered} ({pct}%)</h2>"
            if summary.answered
            else "<h2>No questions answered</h2>"
        ]
        c = session.counts()
        if not summary.answered and not c.due and not c.new:
            when = session.next_due()
            why = ("you have learned every card in it" if not c.learning else
                   "an exam asks only cards that are due or new" if session.exam else
                   "the cards you are learning come back a little later")
            parts.append(
                f"<p>Nothing in this scope is due now: {why}."
                + (f" The next one comes due {_when(when)}." if when is not None else "")
                + (" Practice asks the cards you are learning sooner." if c.learning
                   and session.exam else "")
                + " Choose a wider scope to go on.</p>")
        if summary.by_kind:
            parts.append("<table cellspacing=0 cellpadding=3>")
            for kind, (right, asked) in sorted(summary.by_kind.items()):
                label = html.escape(KIND_LABELS.get(kind, kind))
                parts.append(f"<tr><td>{label}</td><td align=right>{right} / {asked}</td></tr>")
            parts.append("</table>")
        if summary.missed:
            parts.append("<p><b>To review</b> (click to see it in Explore mode):</p><ul>")
            for card in summary.missed:
                sid = card.structure_id
                owner = self.facts.sites[sid].owner if sid in self.facts.sites else sid
                kind = html.escape(KIND_LABELS.get(card.kind, card.kind))
                parts.append(f"<li>{_link(owner, self.facts.name(owner))} — {kind}</li>")
            parts.append("</ul>")
        elif summary.answered:
            parts.append("<p>Everything right. Well done!</p>")
        parts.append(f"<p>Now {c.due} due, {c.new} new, {c.learning} learning, {c.learned} "
                     "learned in this scope.</p>")
        return "".join(parts)

    def _on_summary_link(self, href: str) -> None:
        if href.startswith(LINK_SCHEME):
            self.explore(href[len(LINK_SCHEME) :])

    # ---------------------------------------------------------------------- explore link
    def explore(self, structure_id: str) -> None:
        """Look at a structure in explore mode (the answer's link)."""
        self._set_asking(False)
        self._restore_labels()
        self.state.set_mode("explore")
        # (its layer back on: after a peel the link selected a structure nobody could see)
        self.state.reveal_and_select(structure_id, self.atlas.layer_of(structure_id))
        self.explore_requested.emit(structure_id)

    # ---------------------------------------------------------------------------- keys
    def event(self, ev: QEvent) -> bool:
        # Keys the panel uses win over the window's one-key shortcuts (1-6 views, H hide, ...).
        if ev.type() == QEvent.Type.ShortcutOverride and isinstance(ev, QKeyEvent) \
                and self._key_action(ev) is not None:
            ev.accept()
            return True
        return super().event(ev)

    def eventFilter(self, watched: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        # Installed on the application while a question is open: 1-4 answer it wherever the
        # focus is (the 3D view after a scroll, the structure list), not switch the camera.
        kind = ev.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(ev, QKeyEvent) or (ev.key() not in _NUMBER_KEYS
                                             and ev.key() != Qt.Key.Key_Escape):
            return False
        if not isinstance(watched, QWidget) or self.isAncestorOf(watched) or watched is self:
            return False  # the panel's own keys handle it (a digit may continue a typed answer)
        if isinstance(watched, QLineEdit | QAbstractSpinBox | QTextEdit | QPlainTextEdit):
            return False  # typing a number into a search box or a field stays typing
        if not self.in_front() or self.question is None or self.question_view.answered:
            return False
        action = self._key_action(ev)
        if action is None:
            return False
        if kind == QEvent.Type.KeyPress:
            action()
        ev.accept()
        return True

    def reclaim_focus(self) -> None:
        """Take the keyboard when it was left on a widget that cannot be seen now (the page a
        link opened, behind this tab again)."""
        focus = QApplication.focusWidget()
        if not self.in_front() or (focus is not None and self.isAncestorOf(focus)):
            return
        if focus is None or not focus.isVisible() or focus.visibleRegion().isEmpty():
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def in_front(self) -> bool:
        """Whether the panel can be seen (a dock behind another tab counts as shown to Qt)."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        action = self._key_action(ev)
        if action is not None:
            action()
            ev.accept()
            return
        super().keyPressEvent(ev)

    def _key_action(self, ev: QKeyEvent) -> Callable[[], object] | None:
        """What a key does here, or None when the panel leaves it to others (all of them while
        it is hidden behind another tab: Space there scrolled the page in front, not here)."""
        if not self.in_front():
            return None
        key = ev.key()
        if ev.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        ):
            return None  # Ctrl/Alt combinations are the window's
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        page = self.pages.currentWidget()
        if page is self.summary_page:
            return self.show_setup if enter or key == Qt.Key.Key_Space else None
        if page is self.setup_page:
            return self.start_session if enter and self.start_button.isEnabled() else None
        view = self.question_view
        q = self.question
        if view.answered or q is None:
            result = self.last_result
            if key == Qt.Key.Key_E and result is not None and result.link_id:
                return lambda: self.explore(result.link_id)  # (its link, from the keyboard)
            return self.go_on if enter or key == Qt.Key.Key_Space else None
        typing = bool(view.typed.text())  # a space or digit continues a started answer
        if key in _NUMBER_KEYS and not typing and _NUMBER_KEYS[key] < len(q.choices):
            index = _NUMBER_KEYS[key]
            return lambda: self.answer_choice(index)
        if key == Qt.Key.Key_Escape:  # never the window's Clear selection: that drops the
            # highlight a name-it question asks about
            return self.give_up if self.wants_pick or self.wants_skin else _nothing
        if enter and view.typed.text().strip():
            return lambda: self.answer_text(view.typed.text())
        if key == Qt.Key.Key_Question and q.hint:
            return view.reveal_hint
        text = ev.text()
        if (
            text
            and text.isprintable()
            and (typing or not text.isspace())
            and view.typed.isVisible()
        ):

            def type_it() -> None:
                # Start typing anywhere: the letters go to the answer field.
                view.typed.setFocus()
                view.typed.insert(text)

            return type_it
        return None

    # ------------------------------------------------------------------- stats, export
    def open_stats(self):
        """Open (or raise) the statistics window."""
        from calfexplorer.ui.study.stats_view import StatsView

        if self.stats_view is None:
            # the window's own, not the panel's: a Study tab behind another is disabled, and
            # so were the window's Close, tabs and rows (its double-click does that)
            self.stats_view = StatsView(self.facts, self.store, parent=self.window())
            self.stats_view.structure_activated.connect(self.explore)
        else:
            self.stats_view.refresh()
        self.stats_view.show()
        self.stats_view.raise_()
        return self.stats_view

    def export_anki(self, path: str | Path | None = None, with_images: bool = True):
        """Export the cards in scope as an Anki deck (asks for a file when ``path`` is None)."""
        from calfexplorer.ui.study.export import export_with_progress

        return export_with_progress(self, self.facts, self.scope(), path, with_images)

    def cap_width(self, cap: int | None) -> None:
        """Ask no more than ``cap`` pixels of width (a small screen: the pages scroll
        sideways); None: as wide as their content."""
        for area in self.findChildren(_WidthOfContent):
            area.set_cap(cap)

    def close_stats(self) -> None:
        """Close the statistics window (its progress goes with this panel)."""
        if self.stats_view is not None:
            self.stats_view.close()

    def close_store(self) -> None:
        """Finish any session and close the progress store; the labels go back to the
        user's (the window saves them as preferences next), and so do the selection and what
        is shown, as when a session ends (View > Model opened the new window on the open
        question's answer, selected and labelled)."""
        if self.session is not None and not self.session.finished:
            self.state.select(self._selection_before, record=False)
        self._hide_revealed()
        self._set_asking(False)
        self._restore_labels()
        self._labels_before = None
        if self.session is not None and not self.session.finished:
            self.session.finish()
        self.store.close()
