"""A readable plain-text rendering of a quiz variant and of a result, for the terminal."""
from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from .. import qtypes as qt
from ..core import model as m
from ..core.grading import QuizResult
from ..core.variants import Variant

WIDTH = 88


def _wrap(text: str, indent: str = "") -> str:
    paras = [p.strip() for p in text.strip().split("\n\n")]
    return "\n".join(textwrap.fill(" ".join(p.split()), WIDTH, initial_indent=indent, subsequent_indent=indent)
                     for p in paras if p)


def render_quiz(quiz: m.Quiz, variant: Variant, *, key: bool = False) -> str:
    """The questions of ``variant`` as a learner would see them; with ``key`` the answers too."""
    out = [quiz.title, "=" * len(quiz.title),
           f"Quiz {quiz.id} · {quiz.chapter_label} · {quiz.mode} · pass mark {quiz.pass_mark:g}% · "
           f"{len(variant.question_ids)} questions", ""]
    for n, qid in enumerate(variant.question_ids, 1):
        q = quiz.question(qid)
        pts = f"{q.points:g} point{'s' if q.points != 1 else ''}"
        out.append(f"{n}. [{q.type}, {pts}] ({q.id})")
        out.append(_wrap(q.prompt, "   "))
        order = variant.orders.get(qid, ())
        out += qt.dispatch(_LINES, q, "text view")(q, order, key)
        if key:
            out.append(_wrap("Explanation: " + q.explanation, "   "))
        out.append("")
    return "\n".join(out)


def _choice_lines(q: Any, order: tuple[str, ...], key: bool) -> list[str]:
    by_id = {o.id: o for o in q.options}
    box = "( )" if isinstance(q, qt.SingleChoice) else "[ ]"
    return [f"   {box} {oid}) {by_id[oid].text}" + (" <- correct" if key and by_id[oid].correct else "")
            for oid in order]


def _text_lines(q: qt.ShortText, order: tuple[str, ...], key: bool) -> list[str]:
    extra = ""
    if key:
        extra = "   <- " + " | ".join(q.accept) + (f" | /{q.pattern}/" if q.pattern else "")
    return ["   [ text ]" + extra]


def _ordering_lines(q: qt.Ordering, order: tuple[str, ...], key: bool) -> list[str]:
    item_by_id = {i.id: i for i in q.items}
    out = ["   Put in order:"] + [f"   - {iid}) {item_by_id[iid].text}" for iid in order]
    return out + (["   <- " + ", ".join(i.id for i in q.items)] if key else [])


def _matching_lines(q: qt.Matching, order: tuple[str, ...], key: bool) -> list[str]:
    rights = {c.id: c for c in q.right_choices}
    out = [f"   {p.id}) {p.left}" + (f"   <- {q.answer_of[p.id]}) {p.right}" if key else "") for p in q.pairs]
    return out + ["   with one of:"] + [f"     * {rid}) {rights[rid].text}" for rid in order]


_LINES: dict[str, Callable[[Any, tuple[str, ...], bool], list[str]]] = {
    "single": _choice_lines,
    "multiple": _choice_lines,
    "true_false": lambda q, order, key: ["   ( ) true   ( ) false" + (f"   <- {str(q.answer).lower()}" if key else "")],
    "numeric": lambda q, order, key: [f"   [ number ] {q.unit}".rstrip() + (f"   <- {q.accepted.describe()}"
                                                                              if key else "")],
    "text": _text_lines,
    "ordering": _ordering_lines,
    "matching": _matching_lines,
}
"""The answer area of each question type as text lines (with ``key``, the answer too)."""


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
