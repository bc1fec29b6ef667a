"""A study session: picks the next card (due first, then new), grades, schedules and records.

No Qt: the study panel drives a :class:`StudySession` and shows what it returns.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import fsrs

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.grading import GradeResult, grade
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import Question, QuestionError, QuestionFactory
from calfexplorer.study.scheduler import Scheduler, anchored, new_card, now_utc, rating_for
from calfexplorer.study.scope import Scope
from calfexplorer.study.shared_reviews import merged_cards, stored_card
from calfexplorer.study.store import ProgressStore

#: Cards still in (re)learning that fall due within this time may be shown early when nothing
#: else is left, as Anki does, so a short session can finish its learning steps.
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class Counts:
    """What the user sees before and during a session (within the scope)."""

    due: int  # reviewed before and due now
    new: int  # never reviewed
    learning: int  # in (re)learning steps, not due yet
    learned: int  # graduated to review and not due
    total: int


@dataclass(frozen=True)
class AnswerRecord:
    """One answer of this session."""

    card: CardKey
    correct: bool
    rating: int
    review_id: int


@dataclass
class SessionSummary:
    """The score at the end (exam mode shows it only then)."""

    answered: int
    correct: int
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (right, asked)
    missed: list[CardKey] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Share of right answers, 0-1 (0 when nothing was answered)."""
        return self.correct / self.answered if self.answered else 0.0


class StudySession:
    """A run of questions within a scope, each answer committed as it is given.

    Parameters
    ----------
    facts, store
        The atlas's study facts and the open progress store.
    scope
        Which cards to draw from.
    length
        How many questions at most.
    exam
        Exam mode: no hints; :attr:`show_feedback` is False, the score comes at the end.
    rng
        The source of all randomness (choices, order of new cards).
    clock
        Returns the current time (timezone-aware); injectable for tests.
    askable
        None, or a test each question must pass to be asked (the window leaves out an
        attachment site it cannot show); a card that fails it is dropped from the session.
    """

    def __init__(
        self,
        facts: StudyFacts,
        store: ProgressStore,
        scope: Scope | None = None,
        length: int = 20,
        exam: bool = False,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = now_utc,
        scheduler: Scheduler | None = None,
        factory: QuestionFactory | None = None,
        shuffle_new: bool = False,
        askable: Callable[[Question], bool] | None = None,
    ) -> None:
        self.facts = facts
        self.store = store
        self.scope = scope or Scope()
        self.length = length
        self.exam = exam
        self.rng = rng or random.Random()
        self.clock = clock
        self.scheduler = scheduler or Scheduler()
        self.factory = factory or QuestionFactory(facts)
        self.askable = askable
        self._in_scope = self.scope.cards(facts)
        if shuffle_new:
            self.rng.shuffle(self._in_scope)
        now = clock()
        self._cards: dict[CardKey, fsrs.Card] = {
            k: anchored(c, now) for k, c in merged_cards(facts, store.cards()).items()}
        self._asked: set[CardKey] = set()
        self.answers: list[AnswerRecord] = []
        self.current: Question | None = None
        self._before_last: tuple[CardKey, fsrs.Card | None, bool] | None = None
        self.session_id = store.start_session(self._scope_dict(), length, exam, now)
        self.finished = False

    @property
    def show_feedback(self) -> bool:
        """Whether to reveal right/wrong after each answer (not in exam mode)."""
        return not self.exam

    def _scope_dict(self) -> dict:
        s = self.scope
        return {
            "compartments": sorted(s.compartments) if s.compartments is not None else None,
            "kinds": sorted(s.kinds) if s.kinds is not None else None,
            "structure_kinds": sorted(s.structure_kinds) if s.structure_kinds is not None else None,
        }

    # --- counts ------------------------------------------------------------------------------

    def counts(self) -> Counts:
        """Due, new, learning and learned cards within the scope, now."""
        now = self.clock()
        due = new = learning = learned = 0
        for key in self._in_scope:
            card = self._cards.get(key)
            if card is None:
                new += 1
            elif card.due <= now:
                due += 1
            elif card.state == fsrs.State.Review:
                learned += 1
            else:
                learning += 1
        return Counts(due, new, learning, learned, len(self._in_scope))

    def next_due(self) -> datetime | None:
        """When the first card of the scope not due now comes due (None: none waits)."""
        now = self.clock()
        later = [card.due for key in self._in_scope
                 if (card := self._cards.get(key)) is not None and card.due > now]
        return min(later, default=None)

    # --- asking ------------------------------------------------------------------------------

    def _pick(self) -> CardKey | None:
        due, new, ahead = self._askable(self.clock())
        if due:
            return min(due, key=lambda t: (t[0], t[1]))[1]
        if new:
            return new[0]
        if ahead:
            return min(ahead, key=lambda t: (t[0], t[1]))[1]
        return None

    def _askable(
        self, now: datetime
    ) -> tuple[list[tuple[datetime, CardKey]], list[CardKey], list[tuple[datetime, CardKey]]]:
        """The cards that could be asked now: due (with their due times), new in teaching
        order, and those to learn ahead."""
        due = [
            (card.due, key)
            for key in self._in_scope
            if (card := self._cards.get(key)) is not None and card.due <= now
            and not (self.exam and key in self._asked)  # (an exam asks each card once)
        ]
        new = [k for k in self._in_scope if k not in self._cards and k not in self._asked]
        if self.exam:  # no card again in an exam: its count would tell a wrong answer
            return due, new, []
        # Learning ahead brings back a card missed in this session, not one just answered
        # right (a scope of three cards asked each of them again at once: 6 of 6 from 3).
        last = {a.card: a.correct for a in self.answers}
        ahead = [
            (card.due, key)
            for key in self._in_scope
            if (card := self._cards.get(key)) is not None
            and card.state != fsrs.State.Review
            and card.due <= now + LEARN_AHEAD
            and not last.get(key, False)
        ]
        return due, new, ahead

    def planned(self) -> int:
        """How many questions this session will ask as things stand: its length, or fewer
        when the scope holds fewer cards to ask (a missed card coming back adds one)."""
        due, new, ahead = self._askable(self.clock())
        waiting = {k for _, k in due} | set(new) | {k for _, k in ahead}
        return min(self.length, len(self.answers) + len(waiting))

    def next_question(self) -> Question | None:
        """The next question, or None when the session is over (length reached or nothing left).

        Due cards come first (most overdue first), then new cards in teaching order.
        """
        if self.finished or len(self.answers) >= self.length:
            self.current = None
            return None
        while (key := self._pick()) is not None:
            try:
                question = self.factory.make(key, self.rng, exam=self.exam)
            except QuestionError:
                # The atlas changed under a stored card: drop it from this session.
                self._in_scope.remove(key)
                continue
            if self.askable is not None and not self.askable(question):
                self._in_scope.remove(key)  # e.g. a site the 3D view cannot show
                continue
            self.current = question
            return question
        self.current = None
        return None

    # --- answering ---------------------------------------------------------------------------

    def answer(
        self,
        answer: str | int | None,
        typed: bool = False,
        self_rating: str | None = None,
        duration_ms: int | None = None,
    ) -> GradeResult:
        """Grade an answer to the current question, schedule the card and commit it.

        ``answer`` is a choice index (int), a picked or chosen id (str), or typed text
        (str with ``typed=True``). When this returns, the answer is on disk.
        """
        q = self.current
        if q is None:
            raise RuntimeError("no question is being asked")
        result = grade(q, answer, typed=typed)
        now = self.clock()
        key = q.card
        # (as stored now: another window may have answered it)
        before = stored_card(self.facts, self.store, key)
        before = None if before is None else anchored(before, now)
        card = before or new_card(key, now)
        rating = rating_for(result.correct, self_rating)
        updated, _ = self.scheduler.review(card, rating, now, duration_ms)
        given = result.given if not isinstance(answer, int) else f"choice:{result.given}"
        lapse = before is not None and before.state == fsrs.State.Review and not result.correct
        review_id = self.store.record_answer(
            key,
            updated,
            result.correct,
            int(rating),
            given,
            now,
            self.session_id,
            duration_ms,
            lapse,
        )
        self._before_last = (key, before, result.correct)
        self._cards[key] = updated
        self._asked.add(key)
        self.answers.append(AnswerRecord(key, result.correct, int(rating), review_id))
        self.current = None
        return result

    def rate_last(self, self_rating: str) -> None:
        """Replace the rating of the last answer with the user's own (hard, good, easy).

        A wrong answer stays rated Again. The change is committed at once.
        """
        if self._before_last is None or not self.answers:
            raise RuntimeError("nothing has been answered yet")
        key, before, correct = self._before_last
        last = self.answers[-1]
        rating = rating_for(correct, self_rating)
        if int(rating) == last.rating:
            return
        now = self.clock()
        card = before or new_card(key, now)
        updated, _ = self.scheduler.review(card, rating, now)
        self.store.amend_answer(last.review_id, key, updated, int(rating))
        self._cards[key] = updated
        self.answers[-1] = AnswerRecord(key, correct, int(rating), last.review_id)

    # --- end ---------------------------------------------------------------------------------

    def summary(self) -> SessionSummary:
        """Score so far: answered, right, per kind, and the cards missed."""
        by_kind: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for a in self.answers:
            by_kind[a.card.kind] += 1
            right[a.card.kind] += int(a.correct)
        return SessionSummary(
            answered=len(self.answers),
            correct=sum(a.correct for a in self.answers),
            by_kind={k: (right[k], n) for k, n in by_kind.items()},
            missed=list(dict.fromkeys(a.card for a in self.answers if not a.correct)),
        )

    def finish(self) -> SessionSummary:
        """End the session (recorded in the store) and return its score."""
        if not self.finished:
            self.store.end_session(self.session_id, self.clock())
            self.finished = True
        return self.summary()
