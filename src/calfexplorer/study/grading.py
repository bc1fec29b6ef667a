"""Grading: an answer given as an id (a click, a choice) or as typed text, against a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from calfexplorer.study.questions import Question
from calfexplorer.study.text import Match, Vocabulary, format_roots, parse_roots

_LIST_SEPARATORS = re.compile(r"\s*(?:[,;/&+]|\band\b|\bplus\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class GradeResult:
    """The verdict on one answer.

    Attributes
    ----------
    correct
        Whether the answer is right.
    given
        The answer as given (an id or the typed text).
    read_as
        What a typed answer was understood to name ("did you mean"), or None.
    correct_answer
        The correct answer, as text to show.
    explanation
        The facts behind it.
    link_id
        The structure to select to learn more.
    answer_ids
        Structures named in the answer (links).
    """

    correct: bool
    given: str
    read_as: str | None
    correct_answer: str
    explanation: str
    link_id: str
    answer_ids: tuple[str, ...]


def _result(q: Question, correct: bool, given: str, read_as: str | None) -> GradeResult:
    return GradeResult(
        correct, given, read_as, q.answer_text, q.explanation, q.link_id, q.answer_ids
    )


def grade_id(question: Question, answer_id: str | None) -> GradeResult:
    """Grade an answer given as an id: a clicked structure or a chosen option.

    A click on nothing (``None``) is wrong.
    """
    ok = answer_id is not None and answer_id in question.correct_ids
    return _result(question, ok, answer_id or "", None)


def grade_choice(question: Question, index: int) -> GradeResult:
    """Grade the choice at ``index`` (0-based; number keys 1-4 map to 0-3)."""
    if not 0 <= index < len(question.choices):
        return _result(question, False, str(index), None)
    return grade_id(question, question.choices[index].id)


def grade_text(question: Question, text: str) -> GradeResult:
    """Grade a typed answer: synonyms, Latin names, any case and small typos are accepted.

    The text is read as the nearest name in the question's vocabulary; it is correct when every
    candidate it names is correct. A name of a different structure is never accepted.
    """
    if question.roots_answers:
        roots = parse_roots(text)
        ok = roots is not None and roots in question.roots_answers
        return _result(question, ok, text, format_roots(roots) if roots else None)
    if question.vocabulary is None:
        return _result(question, False, text, None)
    matches = _read(question.vocabulary, text)
    if not matches:
        return _result(question, False, text, None)
    ok = all(m.ids <= question.correct_ids for m in matches)
    return _result(question, ok, text, " and ".join(m.name for m in matches))


def _read(vocabulary: Vocabulary, text: str) -> list[Match]:
    """What a typed answer names: one name, or, where it is no one name, a list of names
    ("obturator nerve and sciatic nerve"). Empty when any part names nothing known."""
    whole = vocabulary.match(text)
    if whole is not None:
        return [whole]
    parts = [p for p in _LIST_SEPARATORS.split(text) if p.strip()]
    if len(parts) < 2:
        return []
    matches = [vocabulary.match(p) for p in parts]
    return [m for m in matches if m is not None] if all(matches) else []


def grade(question: Question, answer: str | int | None, typed: bool = False) -> GradeResult:
    """Grade any answer: an int is a choice index, a str an id (or text when ``typed``)."""
    if isinstance(answer, int):
        if not isinstance(answer, bool):
            return grade_choice(question, answer)
        answer = None  # (True or False is no answer)
    if typed:
        return grade_text(question, answer or "")
    return grade_id(question, answer)
