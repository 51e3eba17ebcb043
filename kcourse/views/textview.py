"""A readable plain-text rendering of a quiz variant and of a result, for the terminal."""
from __future__ import annotations

import textwrap

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
        if isinstance(q, (m.SingleChoice, m.MultipleSelect)):
            by_id = {o.id: o for o in q.options}
            box = "( )" if isinstance(q, m.SingleChoice) else "[ ]"
            for oid in order:
                mark = " <- correct" if key and by_id[oid].correct else ""
                out.append(f"   {box} {oid}) {by_id[oid].text}{mark}")
        elif isinstance(q, m.TrueFalse):
            out.append("   ( ) true   ( ) false" + (f"   <- {str(q.answer).lower()}" if key else ""))
        elif isinstance(q, m.Numeric):
            out.append(f"   [ number ] {q.unit}".rstrip() + (f"   <- {q.accepted.describe()}" if key else ""))
        elif isinstance(q, m.ShortText):
            extra = ""
            if key:
                extra = "   <- " + " | ".join(q.accept) + (f" | /{q.pattern}/" if q.pattern else "")
            out.append("   [ text ]" + extra)
        elif isinstance(q, m.Ordering):
            item_by_id = {i.id: i for i in q.items}
            out.append("   Put in order:")
            for iid in order:
                out.append(f"   - {iid}) {item_by_id[iid].text}")
            if key:
                out.append("   <- " + ", ".join(i.id for i in q.items))
        elif isinstance(q, m.Matching):
            rights = {c.id: c for c in q.right_choices}
            for p in q.pairs:
                out.append(f"   {p.id}) {p.left}" + (f"   <- {q.answer_of[p.id]}) {p.right}" if key else ""))
            out.append("   with one of:")
            for rid in order:
                out.append(f"     * {rid}) {rights[rid].text}")
        if key:
            out.append(_wrap("Explanation: " + q.explanation, "   "))
        out.append("")
    return "\n".join(out)


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
