"""True or false: all or nothing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import model as m
from ..core.fragments import OPTIONAL_TEXT
from ..core.grading import QuestionResult, malformed, result
from .base import QType, always_ready, no_marks


@dataclass(frozen=True, kw_only=True)
class TrueFalse(m.Question):
    TYPE: ClassVar[str] = "true_false"
    answer: bool
    feedback_true: str = ""
    """Shown when the learner answered true."""
    feedback_false: str = ""
    """Shown when the learner answered false."""


def build(c: Any, raw: dict, path: tuple) -> TrueFalse:
    return TrueFalse(**c.common(raw), answer=raw["answer"], feedback_true=raw.get("feedback_true", ""),
                     feedback_false=raw.get("feedback_false", ""))


def grade(q: TrueFalse, r: Any) -> QuestionResult:
    if not isinstance(r, bool):
        return malformed(q, "grade.expect_bool")
    return result(q, 1.0 if r == q.answer else 0.0, [q.feedback_true if r else q.feedback_false])


TYPE = QType(
    cls=TrueFalse,
    properties={"answer": {"type": "boolean"}, "feedback_true": OPTIONAL_TEXT, "feedback_false": OPTIONAL_TEXT},
    required=("answer",), build=build, grade=grade, correct_response=lambda q: q.answer,
    required_fix={"answer": "add 'answer:'"},
    marks=no_marks, ready=always_ready,
)
