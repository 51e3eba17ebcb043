"""Single choice: exactly one option is right; all or nothing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import model as m
from ..core.fragments import OPTIONS
from ..core.grading import QuestionResult, malformed, result
from .base import QType, Shuffle, always_ready, no_marks


@dataclass(frozen=True, kw_only=True)
class SingleChoice(m.Question):
    TYPE: ClassVar[str] = "single"
    options: tuple[m.Choice, ...]
    """Exactly one is correct."""

    @property
    def correct_id(self) -> str:
        return next(o.id for o in self.options if o.correct)

    @property
    def by_id(self) -> dict[str, m.Choice]:
        return m.cached(self, "_by_id", lambda: {o.id: o for o in self.options})


def build(c: Any, raw: dict, path: tuple) -> SingleChoice:
    options = c.choices(raw, path)
    n = sum(o.correct for o in options)
    if n == 0:
        c.problem(path + ("options",), "no option is marked 'correct: true'", "mark the right option")
    elif n > 1:
        c.problem(path + ("options",), f"{n} options are marked 'correct: true'; a single choice has exactly one",
                  "keep one, or use 'type: multiple'")
    return SingleChoice(**c.common(raw), options=options)


def grade(q: SingleChoice, r: Any) -> QuestionResult:
    by_id = q.by_id
    if not isinstance(r, str) or r not in by_id:
        return malformed(q, "grade.expect_one", ids=", ".join(by_id))
    o = by_id[r]
    return result(q, 1.0 if o.correct else 0.0, [o.feedback])


def option_ids(q: Any) -> tuple[str, ...]:
    return tuple(o.id for o in q.options)


def public_options(q: Any, order: tuple[str, ...]) -> dict[str, Any]:
    by_id = {o.id: o for o in q.options}
    return {"options": tuple(m.Item(id=i, text=by_id[i].text) for i in order)}


TYPE = QType(
    cls=SingleChoice, properties={"options": OPTIONS}, required=("options",),
    build=build, grade=grade, correct_response=lambda q: q.correct_id,
    public=public_options, shows=("options",), natural_order=option_ids, shuffle=Shuffle.OPTIONS,
    required_fix={"options": "add 'options:' with at least two options",
                  "correct": "add 'correct: true' or 'correct: false'"},
    marks=no_marks, ready=always_ready,
)
