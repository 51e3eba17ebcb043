"""A readable plain-text rendering of a quiz variant and of a result, for the terminal."""
from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from .. import qtypes as qt
from ..core import model as m
from ..core.grading import QuizResult
from ..core.public import PublicQuestion, public_view
from ..core.variants import Variant

WIDTH = 88


def _wrap(text: str, indent: str = "") -> str:
    paras = [p.strip() for p in text.strip().split("\n\n")]
    return "\n".join(textwrap.fill(" ".join(p.split()), WIDTH, initial_indent=indent, subsequent_indent=indent)
                     for p in paras if p)


def render_quiz(quiz: m.Quiz, variant: Variant, *, key: bool = False) -> str:
    """The questions of ``variant`` as a learner would see them (:func:`kcourse.core.public.public_view`); with
    ``key`` the answers too."""
    out = [quiz.title, "=" * len(quiz.title),
           f"Quiz {quiz.id} · {quiz.chapter_label} · {quiz.mode} · pass mark {quiz.pass_mark:g}% · "
           f"{len(variant.question_ids)} questions", ""]
    for n, pq in enumerate(public_view(quiz, variant), 1):
        q = quiz.question(pq.id) if key else None
        pts = f"{pq.points:g} point{'s' if pq.points != 1 else ''}"
        out.append(f"{n}. [{pq.type}, {pts}] ({pq.id})")
        out.append(_wrap(pq.prompt, "   "))
        out += qt.dispatch(_LINES, pq.type, "text view")(pq, q)
        if q is not None:
            out.append(_wrap("Explanation: " + q.explanation, "   "))
        out.append("")
    return "\n".join(out)


def _choice_lines(pq: PublicQuestion, q: Any) -> list[str]:
    correct = {o.id for o in q.options if o.correct} if q is not None else set()
    box = "( )" if pq.type == "single" else "[ ]"
    return [f"   {box} {o.id}) {o.text}" + (" <- correct" if o.id in correct else "") for o in pq.options]


def _true_false_lines(pq: PublicQuestion, q: Any) -> list[str]:
    return ["   ( ) true   ( ) false" + (f"   <- {str(q.answer).lower()}" if q is not None else "")]


def _numeric_lines(pq: PublicQuestion, q: Any) -> list[str]:
    return [f"   [ number ] {pq.unit}".rstrip() + (f"   <- {q.accepted.describe()}" if q is not None else "")]


def _text_lines(pq: PublicQuestion, q: Any) -> list[str]:
    extra = ""
    if q is not None:
        extra = "   <- " + " | ".join(q.accept) + (f" | /{q.pattern}/" if q.pattern else "")
    return ["   [ text ]" + extra]


def _ordering_lines(pq: PublicQuestion, q: Any) -> list[str]:
    out = ["   Put in order:"] + [f"   - {i.id}) {i.text}" for i in pq.items]
    return out + (["   <- " + ", ".join(i.id for i in q.items)] if q is not None else [])


def _matching_lines(pq: PublicQuestion, q: Any) -> list[str]:
    right = {p.id: f"   <- {q.answer_of[p.id]}) {p.right}" for p in q.pairs} if q is not None else {}
    out = [f"   {p.id}) {p.text}" + right.get(p.id, "") for p in pq.pairs]
    return out + ["   with one of:"] + [f"     * {c.id}) {c.text}" for c in pq.choices]


_LINES: dict[str, Callable[[PublicQuestion, Any], list[str]]] = {
    "single": _choice_lines,
    "multiple": _choice_lines,
    "true_false": _true_false_lines,
    "numeric": _numeric_lines,
    "text": _text_lines,
    "ordering": _ordering_lines,
    "matching": _matching_lines,
}
"""The answer area of each question type as text lines, from what the learner sees of it; given the question
with its key (else ``None``), the answer too."""


def render_result(quiz: m.Quiz, result: QuizResult, *, feedback: bool = True) -> str:
    out = []
    for r in result.results:
        out.append(f"{r.question_id:<32} {r.score:>6g} / {r.max_score:<4g} {r.status.value}")
        if feedback:
            for f in r.feedback:
                out.append(_wrap(f, "    "))
    verdict = "PASS" if result.passed else "FAIL"
    out.append("")
    out.append(f"Total {result.total:g} / {result.max_score:g} = {result.percentage:g}% "
               f"(pass mark {result.pass_mark:g}%): {verdict}")
    return "\n".join(out)
