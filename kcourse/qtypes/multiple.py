"""Multiple select: at least one option is right; ``points * max(0, (right picked - wrong picked) / right)``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import model as m
from ..core.fragments import OPTIONS
from ..core.grading import QuestionResult, malformed, result
from ..core.i18n import t
from ..core.warnings_ import WarningKind
from .base import QType, Shuffle, always_ready
from .single import option_ids, public_options


@dataclass(frozen=True, kw_only=True)
class MultipleSelect(m.Question):
    TYPE: ClassVar[str] = "multiple"
    options: tuple[m.Choice, ...]
    """At least one is correct."""

    @property
    def correct_ids(self) -> frozenset[str]:
        return m.cached(self, "_correct_ids", lambda: frozenset(o.id for o in self.options if o.correct))

    @property
    def by_id(self) -> dict[str, m.Choice]:
        return m.cached(self, "_by_id", lambda: {o.id: o for o in self.options})


def build(c: Any, raw: dict, path: tuple) -> MultipleSelect:
    options = c.choices(raw, path)
    n = sum(o.correct for o in options)
    if n == 0:
        c.problem(path + ("options",), "no option is marked 'correct: true'", "mark at least one right option")
    elif n == len(options):
        c.warning(WarningKind.ALL_CORRECT, path + ("options",), "every option is correct")
    return MultipleSelect(**c.common(raw), options=options)


def grade(q: MultipleSelect, r: Any) -> QuestionResult:
    by_id = q.by_id
    if not isinstance(r, list) or not all(isinstance(x, str) and x in by_id for x in r) or len(set(r)) != len(r):
        return malformed(q, "grade.expect_list", ids=", ".join(by_id))
    chosen = set(r)
    right = len(chosen & q.correct_ids)
    wrong = len(chosen - q.correct_ids)
    feedback = [o.feedback for o in q.options if o.id in chosen]
    missed = len(q.correct_ids - chosen)
    if missed:
        feedback.append(t("grade.missed", n=missed))
    return result(q, (right - wrong) / len(q.correct_ids), feedback)


def marks(q: MultipleSelect, r: Any) -> dict[str, bool]:
    """Each chosen option, right or wrong."""
    if not isinstance(r, list):
        return {}
    by_id = q.by_id
    out: dict[str, bool] = {}
    for x in r:
        if isinstance(x, str) and x in by_id and x not in out:
            out[x] = by_id[x].correct
    return out


TYPE = QType(
    cls=MultipleSelect, properties={"options": OPTIONS}, required=("options",),
    build=build, grade=grade, correct_response=lambda q: [o.id for o in q.options if o.correct],
    public=public_options, shows=("options",), natural_order=option_ids, shuffle=Shuffle.OPTIONS,
    required_fix={"options": "add 'options:' with at least two options",
                  "correct": "add 'correct: true' or 'correct: false'"},
    marks=marks, ready=always_ready,
)
