"""Grading: a pure function of a question and a response. Never raises on a malformed response.

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
from . import saferegex
from .numbers import read_number
from .textnorm import normalise


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
        return round(100 * self.total / self.max_score, 2) if self.max_score else 0.0

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


def _result(q: m.Question, fraction: float, feedback: list[str] | tuple[str, ...] = (),
            unanswered: bool = False) -> QuestionResult:
    if fraction >= 1.0:
        score, status = q.points, Status.CORRECT
    elif fraction <= 0.0:
        score, status = 0.0, (Status.UNANSWERED if unanswered else Status.INCORRECT)
    else:
        score, status = round(q.points * fraction, 6), Status.PARTIAL
    return QuestionResult(q.id, score, q.points, status, tuple([f for f in feedback if f]) if feedback else (),
                          q.explanation)


def _malformed(q: m.Question, expected: str) -> QuestionResult:
    return _result(q, 0.0, [f"This answer could not be read: expected {expected}."])


def is_blank(response: Any) -> bool:
    """No answer given: missing, null, an empty string, list or mapping."""
    return response is None or (isinstance(response, (str, list, dict)) and len(response) == 0)


def grade(question: m.Question, response: Any) -> QuestionResult:
    """Grade one response to one question."""
    if is_blank(response):
        return _result(question, 0.0, unanswered=True)
    return _GRADERS[type(question)](question, response)


def _single(q: m.SingleChoice, r: Any) -> QuestionResult:
    by_id = q.by_id
    if not isinstance(r, str) or r not in by_id:
        return _malformed(q, "one option id of " + ", ".join(by_id))
    o = by_id[r]
    return _result(q, 1.0 if o.correct else 0.0, [o.feedback])


def _multiple(q: m.MultipleSelect, r: Any) -> QuestionResult:
    by_id = q.by_id
    if not isinstance(r, list) or not all(isinstance(x, str) and x in by_id for x in r) or len(set(r)) != len(r):
        return _malformed(q, "a list of different option ids from " + ", ".join(by_id))
    chosen = set(r)
    right = len(chosen & q.correct_ids)
    wrong = len(chosen - q.correct_ids)
    feedback = [o.feedback for o in q.options if o.id in chosen]
    missed = len(q.correct_ids - chosen)
    if missed:
        feedback.append(f"You missed {missed} right option{'s' if missed > 1 else ''}.")
    return _result(q, (right - wrong) / len(q.correct_ids), feedback)


def _true_false(q: m.TrueFalse, r: Any) -> QuestionResult:
    if not isinstance(r, bool):
        return _malformed(q, "true or false")
    return _result(q, 1.0 if r == q.answer else 0.0, [q.feedback_true if r else q.feedback_false])


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


def _numeric(q: m.Numeric, r: Any) -> QuestionResult:
    if isinstance(r, str) and len(r) < 100:
        reading = read_number(r, q.unit)
        if reading.problem:  # not an answer yet: say what to write (a front end counts no try)
            return _result(q, 0.0, [reading.problem], unanswered=True)
        x = reading.value
    else:
        x = to_number(r)
    if x is None:
        return _malformed(q, "a number such as 13500 or 2.5")
    if x in q.accepted:
        return _result(q, 1.0)
    side = "too high" if x > q.accepted.high or (x == q.accepted.high) else "too low"
    return _result(q, 0.0, [f"{_fmt(x)} is {side}."])


def answer_text(q: m.Numeric) -> str:
    """The accepted interval in words, shown with the right answer: ``Accepted: 12,500 <= x <= 14,500 weeks.``"""
    return f"Accepted: {q.accepted.describe()}{' ' + q.unit if q.unit else ''}."


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def _text(q: m.ShortText, r: Any) -> QuestionResult:
    if not isinstance(r, str) or len(r) > 10_000:
        return _malformed(q, "text")
    given = normalise(r, case_sensitive=q.case_sensitive)
    if not given:
        return _result(q, 0.0, unanswered=True)
    ok = given in q.normalised_accept
    if not ok and q.pattern is not None:
        try:
            ok = saferegex.fullmatch(q.pattern, given, ignore_case=not q.case_sensitive)
        except saferegex.PatternError:  # validation refuses such a pattern; a quiz built by hand may not
            ok = False
    return _result(q, 1.0 if ok else 0.0)


def _ordering(q: m.Ordering, r: Any) -> QuestionResult:
    ids = [i.id for i in q.items]
    if not isinstance(r, list) or sorted(map(str, r)) != sorted(ids) or not all(isinstance(x, str) for x in r):
        return _malformed(q, "every item id exactly once: " + ", ".join(sorted(ids)))
    pos = {item_id: k for k, item_id in enumerate(r)}
    n = len(ids)
    pairs = n * (n - 1) // 2
    good = sum(1 for a in range(n) for b in range(a + 1, n) if pos[ids[a]] < pos[ids[b]])
    return _result(q, good / pairs)


def _matching(q: m.Matching, r: Any) -> QuestionResult:
    lefts = {p.id for p in q.pairs}
    rights = {c.id for c in q.right_choices}
    if not isinstance(r, Mapping) or not all(k in lefts and isinstance(v, str) and v in rights
                                             for k, v in r.items()):
        return _malformed(q, "a mapping from pair ids (" + ", ".join(sorted(lefts)) + ") to right-hand choice ids")
    right = sum(1 for k, v in r.items() if q.answer_of[k] == v)
    return _result(q, right / len(q.pairs))


_GRADERS: dict[type[m.Question], Callable[[Any, Any], QuestionResult]] = {
    m.SingleChoice: _single,
    m.MultipleSelect: _multiple,
    m.TrueFalse: _true_false,
    m.Numeric: _numeric,
    m.ShortText: _text,
    m.Ordering: _ordering,
    m.Matching: _matching,
}


def correct_response(q: m.Question) -> Any:
    """A response that earns full points (for keys, exports and tests)."""
    if isinstance(q, m.SingleChoice):
        return q.correct_id
    if isinstance(q, m.MultipleSelect):
        return [o.id for o in q.options if o.correct]
    if isinstance(q, m.TrueFalse):
        return q.answer
    if isinstance(q, m.Numeric):
        if q.answer is not None:
            return q.answer
        a = q.accepted
        return (a.low + a.high) / 2
    if isinstance(q, m.ShortText):
        return q.accept[0] if q.accept else None
    if isinstance(q, m.Ordering):
        return [i.id for i in q.items]
    if isinstance(q, m.Matching):
        return dict(q.answer_of)
    raise TypeError(type(q))


def grade_responses(quiz: m.Quiz, question_ids: list[str] | tuple[str, ...],
                    responses: Mapping[str, Any]) -> QuizResult:
    """Grade the questions of one variant (``question_ids``) against ``responses`` keyed by question id."""
    results = tuple(grade(quiz.question(qid), responses.get(qid)) for qid in question_ids)
    return QuizResult(quiz.id, results, quiz.pass_mark)
