"""``kcourse feedback``: one file per student with their answers, the right answers, explanations and score.

Built from each student's counted attempt in the gradebook: the scores are the gradebook's; the feedback
texts (option feedback, "too high", ...) come from grading the stored responses again with the quiz as it
is now. Everything a student wrote is escaped (a ``<script>`` answer shows as text); quiz text goes
through the course's safe Markdown renderer (HTML) or stays Markdown (``md``) with student text escaped.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import model as m
from ..core.errors import UsageError
from ..core.grading import grade
from ..core.rules import safe_name
from ..core.variants import fnv1a32
from ..views.markdown import safe_markdown
from . import answers
from . import gradebook as gb
from .answers import md_escape
from .classbook import round_score
from .files import write_text_atomically
from .platform import display_name
from .roster import Roster, Student

FORMATS = ("html", "md")
_STATUS = {"correct": "✓ right", "partial": "◐ partly right", "incorrect": "✗ not right",
           "unanswered": "– not answered"}


@dataclass(frozen=True)
class QuestionView:
    number: int
    question: m.Question | None
    question_id: str
    score: float
    max_score: float
    status: str
    answer: str
    """Plain text, not escaped."""
    right: str
    feedback: tuple[str, ...]
    """Markdown from the quiz (option feedback) or from grading."""


@dataclass(frozen=True)
class StudentFeedback:
    student: Student
    attempt: gb.AttemptRow
    attempts: int
    questions: tuple[QuestionView, ...]
    score: float | None = None
    """The final score (late penalty taken, or the instructor's override); ``None``: the attempt's total."""
    note: str = ""
    """Why the final score differs (late, override comment)."""

    @property
    def final(self) -> float:
        return self.attempt.total if self.score is None else self.score

    @property
    def who(self) -> str:
        """``José Hernández (s1)``: the name as a person reads it (Canvas writes "Hernández, José")."""
        name = display_name(self.student.name)
        return f"{name} ({self.student.student_id})" if name else self.student.student_id


def _pct(f: StudentFeedback) -> str:
    return round_score(100 * f.final / f.attempt.max_score) if f.attempt.max_score else "0"


@dataclass(frozen=True)
class FeedbackReport:
    out: Path
    files: tuple[Path, ...]
    stale: int
    """Attempts graded against another version of the quiz."""


def views(quiz: m.Quiz, items: dict[str, gb.ItemRow], content: str) -> tuple[QuestionView, ...]:
    try:
        responses = json.loads(content).get("responses", {})
    except (ValueError, AttributeError):
        responses = {}
    out = []
    for k, (qid, it) in enumerate(items.items(), 1):
        q = quiz.question(qid) if quiz.has_question(qid) else None
        r: Any = responses.get(qid) if isinstance(responses, dict) else None
        if q is None:
            out.append(QuestionView(k, None, qid, it.score, it.max_score, it.status,
                                    json.dumps(r, ensure_ascii=False) if r is not None else answers.NO_ANSWER,
                                    "(this question is no longer in the quiz)", ()))
            continue
        fresh = grade(q, r)
        out.append(QuestionView(k, q, qid, it.score, it.max_score, it.status, answers.describe(q, r),
                                answers.right_answer(q), fresh.feedback))
    return tuple(out)


def _order(quiz: m.Quiz, variant_seed: int, items: dict[str, gb.ItemRow]) -> dict[str, gb.ItemRow]:
    from ..core.variants import variant_question_ids

    ids = [i for i in variant_question_ids(quiz, variant_seed) if i in items]
    return {i: items[i] for i in ids + [i for i in items if i not in ids]}


def collect(quiz: m.Quiz, conn, *, policy: str | None = None, roster: Roster | None = None
            ) -> tuple[list[StudentFeedback], int]:
    from .classbook import class_status
    from .regrade import effective_digest

    finals = {r.student.student_id: r for r in class_status(conn, quiz.id, policy=policy, roster=roster)
              if r.attempt is not None and r.status != "excused"}
    items = gb.item_scores(conn, quiz.id, (r.attempt.attempt_id for r in finals.values() if r.attempt))
    digest = effective_digest(conn, quiz)
    out, stale = [], 0
    for r in finals.values():
        a = r.attempt
        assert a is not None  # internal invariant: filtered above
        stale += a.quiz_digest != digest
        ordered = _order(quiz, a.variant_seed, items[a.attempt_id])
        note = r.comment or (r.reason if r.status == "late" else "")
        out.append(StudentFeedback(r.student, a, r.attempts, views(quiz, ordered, gb.content_of(conn, a.attempt_id)),
                                   r.score, note))
    return out, stale


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;
color:#1f2328}section{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.correct{color:#1a7f37}.partial{color:#9a6700}.incorrect,.unanswered{color:#a40e26}dt{font-weight:600}
dd{margin:0 0 .5rem 1rem}.answer{white-space:pre-wrap}
"""


def render_html(quiz: m.Quiz, f: StudentFeedback, *, policy: str) -> str:
    e = html.escape
    a = f.attempt
    who = e(f.who)
    verdict = "passed" if a.passed else "not passed"
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Feedback: {e(quiz.title)} – {who}"
           f"</title><style>{CSS}</style></head><body>",
           f"<h1>{e(quiz.title)}</h1>",
           f"<p>Feedback for <strong>{who}</strong>. Score: <strong>{round_score(f.final)} of "
           f"{round_score(a.max_score)} ({_pct(f)}%)</strong>, pass mark {quiz.pass_mark:g}%: {verdict}.</p>",
           f"<p>{e(f.note)}</p>" if f.note else "",
           f"<p><small>Submitted {e(a.submitted_at or 'at an unknown time')}; "
           f"{f.attempts} attempt{'s' if f.attempts != 1 else ''} handed in, the {e(policy)} one counts.</small></p>"]
    for v in f.questions:
        q = v.question
        prompt = answers.render_block(q.prompt) if q else ""
        fb = "".join(f"<li>{answers.render_block(t)}</li>" for t in v.feedback)
        expl = answers.render_block(q.explanation) if q and q.explanation else ""
        out.append(
            f"<section><h2>Question {v.number} <small class='{e(v.status)}'>{e(_STATUS.get(v.status, v.status))}: "
            f"{round_score(v.score)} of {round_score(v.max_score)}</small></h2>{prompt}<dl>"
            f"<dt>Your answer</dt><dd class='answer'>{e(v.answer)}</dd>"
            f"<dt>Right answer</dt><dd>{e(v.right)}</dd>"
            + (f"<dt>Feedback</dt><dd><ul>{fb}</ul></dd>" if fb else "")
            + (f"<dt>Explanation</dt><dd>{expl}</dd>" if expl else "")
            + "</dl></section>")
    out.append("</body></html>\n")
    return "".join(out)


def render_md(quiz: m.Quiz, f: StudentFeedback, *, policy: str) -> str:
    a = f.attempt
    verdict = "passed" if a.passed else "not passed"
    lines = [f"# {md_escape(quiz.title)}", "",
             f"Feedback for **{md_escape(f.who)}**. Score: **{round_score(f.final)} of {round_score(a.max_score)} "
             f"({_pct(f)}%)**, pass mark {quiz.pass_mark:g}%: {verdict}.", "",
             *([md_escape(f.note), ""] if f.note else []),
             f"Submitted {md_escape(a.submitted_at or 'at an unknown time')}; {f.attempts} attempt"
             f"{'s' if f.attempts != 1 else ''} handed in, the {policy} one counts.", ""]
    for v in f.questions:
        q = v.question
        lines += [f"## Question {v.number}: {_STATUS.get(v.status, v.status)}, {round_score(v.score)} of "
                  f"{round_score(v.max_score)}", ""]
        if q:
            lines += [safe_markdown(q.prompt.strip()), ""]
        lines += [f"- **Your answer:** {md_escape(v.answer)}", f"- **Right answer:** {md_escape(v.right)}"]
        lines += [f"- **Feedback:** {safe_markdown(' '.join(t.split()))}" for t in v.feedback]
        if q and q.explanation:
            lines += [f"- **Explanation:** {safe_markdown(' '.join(q.explanation.split()))}"]
        lines.append("")
    return "\n".join(lines)


def write_feedback(*, quiz: m.Quiz, gradebook: str | Path, out: str | Path, fmt: str = "html",
                   policy: str | None = None, roster: Roster | None = None) -> FeedbackReport:
    """Write ``OUT/<student id>.html`` (or ``.md``) for every student with a counted attempt."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; one of {', '.join(FORMATS)}")
    with gb.reading(gradebook, quiz.id) as (conn, row):
        policy = policy or row.policy
        people, stale = collect(quiz, conn, policy=policy, roster=roster)
    if stale:
        raise UsageError(f"{stale} counted attempt(s) of '{quiz.id}' were graded against another version of the "
                         f"quiz: their marks would not match the right answers shown. Run kcourse regrade {quiz.id} "
                         "first")
    out = Path(out)
    used: set[str] = set()
    written = []
    for f in people:
        name = safe_name(f.student.student_id)
        if name.casefold() in used:
            name = f"{name}-{fnv1a32(f.student.student_id):08x}"
        used.add(name.casefold())
        path = out / f"{name}.{fmt}"
        text = render_html(quiz, f, policy=policy) if fmt == "html" else render_md(quiz, f, policy=policy)
        write_text_atomically(path, text)
        written.append(path)
    return FeedbackReport(out, tuple(written), stale)
