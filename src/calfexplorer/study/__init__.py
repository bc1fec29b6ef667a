"""Study mode without Qt: questions, grading, FSRS scheduling, the progress store, stats, Anki.

Typical use::

    facts = StudyFacts(atlas)
    store = ProgressStore.open()          # store.recovery_message: show it if set
    session = StudySession(facts, store, Scope.of(kinds=["name_it"]), length=20)
    q = session.next_question()           # q.prompt, q.highlight_ids, q.choices
    result = session.answer(0)            # choice index, picked id, or text with typed=True
    session.finish().score
"""

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.grading import GradeResult, grade, grade_choice, grade_id, grade_text
from calfexplorer.study.kinds import ALL_KINDS, KIND_LABELS, CardKey, QuestionKind
from calfexplorer.study.questions import Choice, Question, QuestionError, QuestionFactory
from calfexplorer.study.scheduler import Scheduler, rating_for
from calfexplorer.study.scope import Scope
from calfexplorer.study.session import Counts, SessionSummary, StudySession
from calfexplorer.study.stats import StudyStats, compute_stats
from calfexplorer.study.store import ProgressStore

__all__ = [
    "ALL_KINDS",
    "KIND_LABELS",
    "CardKey",
    "Choice",
    "Counts",
    "GradeResult",
    "ProgressStore",
    "Question",
    "QuestionError",
    "QuestionFactory",
    "QuestionKind",
    "Scheduler",
    "Scope",
    "SessionSummary",
    "StudyFacts",
    "StudySession",
    "StudyStats",
    "compute_stats",
    "grade",
    "grade_choice",
    "grade_id",
    "grade_text",
    "rating_for",
]
