"""Grading: a pure function of a question and a response. Never raises on a malformed response.

Each question type's own rule is in its module of :mod:`kcourse.qtypes`; this module holds what they share.
The rules (also in reference/quiz-format.md, and mirrored by the browser grader in
``kcourse/frontend/static/quiz.js``; ``tests/files/grading-vectors.json`` holds cases both must agree on):

- single, true_false, numeric, text: all or nothing. A text ``pattern`` is matched by :mod:`kcourse.saferegex`
  (time linear in the answer; answers longer than 1,000 characters after normalisation never match it).
- multiple: ``points * max(0, (right picked - wrong picked) / number right)``.
- ordering: ``points * (pairs of items in the right relative order / all pairs)``.
- matching: ``points * (right matches / pairs)``.
"""
from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import model as m
from .numbers import read_number
from .rules import percentage


class Status(enum.StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class QuestionResult:
    """The grade of one response."""

    question_id: str
    score: float
    """From 0 to ``max_score``, rounded to 6 decimals."""
    max_score: float
    status: Status
    feedback: tuple[str, ...] = ()
    """Feedback on what the learner chose (option feedback, "too high", what was malformed)."""
    explanation: str = ""
    """The question's explanation; shown after the feedback."""

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class QuizResult:
    """The grade of a whole variant of a quiz."""

    quiz_id: str
    results: tuple[QuestionResult, ...]
    pass_mark: float

    @property
    def total(self) -> float:
        return round(sum(r.score for r in self.results), 6)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_score for r in self.results), 6)

    @property
    def percentage(self) -> float:
        return percentage(self.total, self.max_score)

    @property
    def passed(self) -> bool:
        return self.percentage >= self.pass_mark

    def to_dict(self) -> dict:
        return {
            "quiz_id": self.quiz_id,
            "total": self.total,
            "max_score": self.max_score,
            "percentage": self.percentage,
            "passed": self.passed,
            "pass_mark": self.pass_mark,
            "questions": [
                {"id": r.question_id, "score": r.score, "max_score": r.max_score, "status": r.status.value,
                 "feedback": list(r.feedback)}
                for r in self.results
            ],
        }


def result(q: m.Question, fraction: float, feedback: list[str] | tuple[str, ...] = (),
            unanswered: bool = False) -> QuestionResult:
    if fraction >= 1.0:
        score, status = q.points, Status.CORRECT
    elif fraction <= 0.0:
        score, status = 0.0, (Status.UNANSWERED if unanswered else Status.INCORRECT)
    else:
        score, status = round(q.points * fraction, 6), Status.PARTIAL
    return QuestionResult(q.id, score, q.points, status, tuple([f for f in feedback if f]) if feedback else (),
                          q.explanation)


def malformed(q: m.Question, expected: str, **params: Any) -> QuestionResult:
    """The grade of a response that cannot be read as an answer to ``q``: 0, saying what was expected (the key of
    the words in :mod:`kcourse.core.i18n`, filled from ``params``)."""
    from .i18n import t

    return result(q, 0.0, [t("grade.malformed", expected=t(expected, **params))])


def is_blank(response: Any) -> bool:
    """No answer given: missing, null, an empty string, list or mapping."""
    return response is None or (isinstance(response, (str, list, dict)) and len(response) == 0)


def grade(question: m.Question, response: Any) -> QuestionResult:
    """Grade one response to one question."""
    if is_blank(response):
        return result(question, 0.0, unanswered=True)
    return _table("grade")[type(question)](question, response)


def to_number(r: Any) -> float | None:
    """A finite number from a response (a number, or text as a person writes it: :func:`kcourse.numbers.read_number`
    without a unit); ``None`` otherwise."""
    if isinstance(r, bool):
        return None
    if isinstance(r, (int, float)):
        try:
            x = float(r)
        except OverflowError:  # an integer beyond any float, e.g. 10**400 in a submission file
            return None
        return x if math.isfinite(x) else None
    if isinstance(r, str) and len(r) < 100:
        return read_number(r).value
    return None


def correct_response(q: m.Question) -> Any:
    """A response that earns full points (for keys, exports and tests)."""
    return _table("correct_response")[type(q)](q)


def _table(what: str) -> dict[type, Callable[..., Any]]:
    """The question types' ``grade`` or ``correct_response`` by class (from :data:`kcourse.qtypes.REGISTRY`,
    which builds on this module, hence looked up on first use)."""
    try:
        return _TABLES[what]
    except KeyError:
        from ..qtypes import REGISTRY

        table = _TABLES[what] = {t.cls: getattr(t, what) for t in REGISTRY.values()}
        return table


_TABLES: dict[str, dict[type, Callable[..., Any]]] = {}


def grade_responses(quiz: m.Quiz, question_ids: list[str] | tuple[str, ...],
                    responses: Mapping[str, Any]) -> QuizResult:
    """Grade the questions of one variant (``question_ids``) against ``responses`` keyed by question id."""
    results = tuple(grade(quiz.question(qid), responses.get(qid)) for qid in question_ids)
    return QuizResult(quiz.id, results, quiz.pass_mark)
