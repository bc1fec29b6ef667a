"""One study question on screen: prompt, numbered choices, typed answer, pick hint, feedback.

The view only shows things and reports what the user did (``choice_made``, ``text_submitted``,
``link_activated``, ``next_requested``, ``gave_up``); the study panel grades and decides.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from calfexplorer.study import KIND_LABELS, GradeResult, Question

LINK_SCHEME = "structure:"
#: Characters of a wrong typed answer repeated in the verdict.
GIVEN_CHARS = 80
GOOD = "#1a7f37"  # green, readable on white, told apart from BAD by lightness too
BAD = "#b3261e"

_CHOICE_STYLE = """
QFrame#choice { border: 1px solid #b8bcc4; border-radius: 6px; background: #fbfbfc; }
QFrame#choice[armed="true"]:hover { border-color: #4a7bd0; background: #eef3fc; }
QFrame#choice[state="right"] { border: 2px solid GOOD; background: #e6f4ea; }
QFrame#choice[state="wrong"] { border: 2px solid BAD; background: #fce8e6; }
QFrame#choice[state="off"] { border-color: #d9dbe0; background: #f4f4f5; }
""".replace("GOOD", GOOD).replace("BAD", BAD)


#: What to do for a question answered by a click in the 3D view, by the question's mode.
PICK_HINTS = {
    "pick": "Click it in the 3D view. Rotate with a drag; peel layers to reach deep ones.",
    "skin": "Click the skin in the 3D view (shown plain for this question). Rotate with a "
    "drag to reach the back or the sole.",
}

#: Prompts longer than this (a patient's findings) are set in the normal font.
LONG_PROMPT = 160


class ChoiceButton(QFrame):
    """A numbered answer that wraps long text (a QPushButton would cut it off)."""

    clicked = Signal(int)

    def __init__(self, index: int, parent=None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName("choice")
        self.setStyleSheet(_CHOICE_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMouseTracking(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        self.number = QLabel(f"<b>{index + 1}</b>")
        self.number.setFixedWidth(18)
        self.number.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(self.number)
        row.addWidget(self.label, 1)
        self._enabled = True

    def set_text(self, text: str) -> None:
        self.label.setText(html.escape(text))
        self.setToolTip(f"Press {self.index + 1}")

    @property
    def armed(self) -> bool:
        """Whether hovering draws the hover frame (only after the mouse moved on this question:
        the option left under a resting pointer must not look chosen)."""
        return self.property("armed") is True

    def set_armed(self, armed: bool) -> None:
        if self.armed != armed:
            self.setProperty("armed", armed)
            self.style().unpolish(self)
            self.style().polish(self)

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.set_armed(self._enabled)
        super().mouseMoveEvent(ev)

    def text(self) -> str:
        return self.label.text()

    def set_state(self, state: str) -> None:
        """'' (normal), 'right', 'wrong' or 'off' (answered, neither)."""
        self._enabled = state == ""
        self.setProperty("state", state)
        if not self._enabled:
            self.setProperty("armed", False)
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if self._enabled else Qt.CursorShape.ArrowCursor
        )
        self.style().unpolish(self)
        self.style().polish(self)

    def state(self) -> str:
        return str(self.property("state") or "")

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if (
            self._enabled
            and ev.button() == Qt.MouseButton.LeftButton
            and self.rect().contains(ev.position().toPoint())
        ):
            self.clicked.emit(self.index)
        super().mouseReleaseEvent(ev)


def _link(sid: str, text: str) -> str:
    return f'<a href="{LINK_SCHEME}{html.escape(sid)}">{html.escape(text)}</a>'


class QuestionView(QWidget):
    """Shows a :class:`Question`, then the verdict on it."""

    choice_made = Signal(int)
    text_submitted = Signal(str)
    link_activated = Signal(str)
    next_requested = Signal()
    gave_up = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.question: Question | None = None
        self.answered = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        self.header = QLabel()
        self.header.setStyleSheet("color: #5f6368;")
        self.header.setWordWrap(True)
        layout.addWidget(self.header)

        self.prompt = QLabel()
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self._case_font = self.prompt.font()  # a long prompt (a patient's findings) reads plain
        font = self.prompt.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._prompt_font = font
        self.prompt.setFont(font)
        layout.addWidget(self.prompt)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6368; font-style: italic;")
        layout.addWidget(self.hint)
        self.hint_button = QPushButton("Show a hint (?)")
        self.hint_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hint_button.setFlat(True)
        self.hint_button.setStyleSheet("color: #1a56c4; text-align: left; padding: 0;")
        self.hint_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.hint_button.clicked.connect(self.reveal_hint)
        layout.addWidget(self.hint_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.choices = [ChoiceButton(i) for i in range(4)]
        for button in self.choices:
            button.clicked.connect(self.choice_made)
            layout.addWidget(button)

        self.typed = QLineEdit()
        self.typed.setPlaceholderText("…or type the answer and press Enter")
        self.typed.setClearButtonEnabled(True)
        # Enter in the field is handled here and goes no further: the panel's own Enter key
        # would otherwise take the same press as "next question" and skip the feedback.
        self.typed.installEventFilter(self)
        layout.addWidget(self.typed)

        self.pick_hint = QLabel(PICK_HINTS["pick"])
        self.pick_hint.setWordWrap(True)
        layout.addWidget(self.pick_hint)
        self.give_up_button = QPushButton("I don't know (Esc)")
        self.give_up_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.give_up_button.clicked.connect(self.gave_up)
        layout.addWidget(self.give_up_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.feedback = QFrame()
        self.feedback.setObjectName("feedback")
        fb = QVBoxLayout(self.feedback)
        fb.setContentsMargins(10, 8, 10, 8)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.answer_label = QLabel()
        self.answer_label.setWordWrap(True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet("color: #3c4043;")
        self.links = QLabel()
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.links.linkActivated.connect(self._on_link)
        for w in (self.verdict, self.answer_label, self.explanation, self.links):
            w.setTextFormat(Qt.TextFormat.RichText)  # escaped text: "&quot;" must not show
            fb.addWidget(w)
        layout.addWidget(self.feedback)

        self.next_button = QPushButton("Next question (Space)")
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.clicked.connect(self.next_requested)
        layout.addWidget(self.next_button)
        layout.addStretch(1)

    # ------------------------------------------------------------------------------ show
    def _show_prompt(self, prompt: str) -> None:
        """A short prompt large and bold; a long one plain, with its last sentence (the
        question itself) bold on a line of its own."""
        if len(prompt) <= LONG_PROMPT:
            self.prompt.setFont(self._prompt_font)
            self.prompt.setText(html.escape(prompt))
            return
        body, _, ask = prompt.rstrip().rpartition(". ")
        self.prompt.setFont(self._case_font)
        self.prompt.setText(f"{html.escape(body)}.<br><br><b>{html.escape(ask)}</b>")

    def show_question(
        self, question: Question, number: int, total: int, counts: str = "", exam: bool = False
    ) -> None:
        """Show a question, ready for an answer."""
        self.question = question
        self.answered = False
        kind = KIND_LABELS.get(question.kind, question.kind)
        mode = "Exam" if exam else "Practice"
        head = f"{mode} · question {number} of {total} · {kind}"
        self.header.setText(head + (f"<br>{counts}" if counts else ""))
        self._show_prompt(question.prompt)
        self.hint.setText(f"Hint: {question.hint}" if question.hint else "")
        self.hint.setVisible(False)
        self.hint_button.setVisible(bool(question.hint))
        pick = question.mode in PICK_HINTS
        if pick:
            self.pick_hint.setText(PICK_HINTS[question.mode])
        for i, button in enumerate(self.choices):
            if i < len(question.choices):
                button.set_text(question.choices[i].text)
                button.set_state("")
                button.set_armed(False)
                button.setVisible(True)
            else:
                button.setVisible(False)
        self.typed.clear()
        self.typed.setVisible(not pick and question.typed_ok)
        self.typed.setEnabled(True)
        self.pick_hint.setVisible(pick)
        self.give_up_button.setVisible(pick)
        self.feedback.setVisible(False)
        self.next_button.setVisible(False)

    def reveal_hint(self) -> bool:
        """Show the hint if the question has one (not in exam mode); returns whether shown."""
        if self.question is None or not self.question.hint or self.answered:
            return False
        self.hint.setVisible(True)
        self.hint_button.setVisible(False)
        return True

    def show_result(
        self,
        result: GradeResult,
        chosen: int | None,
        names: dict[str, str],
        feedback: bool = True,
        last: bool = False,
    ) -> None:
        """Show the verdict, the right answer, the facts and links (or just "recorded")."""
        q = self.question
        self.answered = True
        self.typed.setEnabled(False)
        self.give_up_button.setVisible(False)
        self.hint_button.setVisible(False)
        for button in self.choices:
            if not button.isVisible() or q is None:
                continue
            if not feedback:
                button.set_state("off" if button.index != chosen else "right")
                continue
            choice = q.choices[button.index]
            if choice.id in q.correct_ids:
                button.set_state("right")
            elif button.index == chosen:
                button.set_state("wrong")
            else:
                button.set_state("off")
        if not feedback:
            self.verdict.setText("Answer recorded.")
            self.answer_label.setText("")
            self.explanation.setText("")
            self.links.setText("")
        else:
            colour = GOOD if result.correct else BAD
            word = "✔ Correct" if result.correct else "✘ Not quite"
            verdict = f'<b style="color:{colour}">{word}</b>'
            given = self._given_text(result, names)
            if given and not result.correct:  # (a pasted page pushed the answer off screen)
                given = " ".join(given.split())
                shown = given if len(given) <= GIVEN_CHARS else given[:GIVEN_CHARS - 1] + "…"
                verdict += f" — you answered {html.escape(shown)}"
            elif result.read_as and result.correct and _plain(result.given) not in (
                    _plain(result.read_as), _plain(result.correct_answer)):
                # (typed as written: "Abductor hallucis (read as abductor hallucis)" said
                # nothing)
                verdict += f" (read as {html.escape(result.read_as)})"
            self.verdict.setText(verdict)
            self.answer_label.setText(f"Answer: <b>{html.escape(result.correct_answer)}</b>")
            self.explanation.setText(html.escape(result.explanation))
            targets = list(dict.fromkeys([result.link_id, *result.answer_ids]))
            links = [_link(t, names.get(t, t)) for t in targets if t in names][:4]
            self.links.setText("Show in Explore mode (E): " + " · ".join(links) if links else "")
        self.feedback.setVisible(True)
        self.next_button.setText("See the score (Space)" if last else "Next question (Space)")
        self.next_button.setVisible(True)

    @staticmethod
    def _given_text(result: GradeResult, names: dict[str, str]) -> str:
        given = result.given
        if not given:
            return "nothing"
        if given.startswith("choice:"):
            given = given.removeprefix("choice:")
        return names.get(given, result.read_as or given)

    # ---------------------------------------------------------------------------- input
    def eventFilter(self, watched: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.typed
            and ev.type() == QEvent.Type.KeyPress
            and isinstance(ev, QKeyEvent)
            and ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            text = self.typed.text().strip()
            if text and not self.answered:
                self.text_submitted.emit(text)
            return True
        return super().eventFilter(watched, ev)

    def _on_link(self, href: str) -> None:
        if href.startswith(LINK_SCHEME):
            self.link_activated.emit(href[len(LINK_SCHEME) :])


def _plain(text: str | None) -> str:
    """Text as compared for "read as": letters and digits only, in lower case."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", (text or "").casefold()).split())
