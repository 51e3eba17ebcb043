"""``kcourse feedback``: one file per student with their answers, the right answers, explanations and score.

Built from each student's counted attempt in the gradebook: the scores are the gradebook's; the feedback
texts (option feedback, "too high", ...) come from grading the stored responses again with the quiz as it
is now. Everything a student wrote is escaped (a ``<script>`` answer shows as text); quiz text goes
through the course's safe Markdown renderer (HTML) or stays Markdown (``md``) with student text escaped.
"""
from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import model as m
from ..core.course import language_of_quiz
from ..core.errors import UsageError
from ..core.grading import grade
from ..core.i18n import shown, t, use_language
from ..core.rules import safe_name
from ..core.variants import fnv1a32
from ..views.markdown import safe_markdown
from . import answers
from . import gradebook as gb
from .answers import md_escape, one_line
from .files import write_text_atomically
from .platform import display_name
from .roster import Roster, Student

FORMATS = ("html", "md")
_STATUSES = ("correct", "partial", "incorrect", "unanswered")


def _status(status: str) -> str:
    return t("feedback.status." + status) if status in _STATUSES else status


def _policy(policy: str) -> str:
    key = "feedback.policy." + policy
    got = t(key)
    return policy if got == key else got


def language_of(quiz: m.Quiz) -> str:
    """The course's ``language:`` (course.yml, read once per change): feedback pages are for the students."""
    return language_of_quiz(quiz.source)


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
    return shown(100 * f.final / f.attempt.max_score) if f.attempt.max_score else "0"


@dataclass(frozen=True)
class FeedbackReport:
    out: Path
    files: tuple[Path, ...]
    """The first :data:`FILES_KEPT` files written."""
    stale: int
    """Attempts graded against another version of the quiz."""
    count: int = 0
    """Files written."""


FILES_KEPT = 1000


def views(quiz: m.Quiz, items: dict[str, gb.ItemRow], content: str) -> tuple[QuestionView, ...]:
    try:
        responses = json.loads(content).get("responses", {})
    except (ValueError, AttributeError):
        responses = {}
    with use_language(language_of(quiz)):
        return _views(quiz, items, responses)


def _views(quiz: m.Quiz, items: dict[str, gb.ItemRow], responses: Any) -> tuple[QuestionView, ...]:
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
    """Every student's feedback (a list: for a few) and how many counted attempts are stale."""
    return list(iter_collect(quiz, conn, policy=policy, roster=roster)), stale_count(quiz, conn, policy=policy,
                                                                                     roster=roster)


def _finals(conn, quiz: m.Quiz, policy: str | None, roster: Roster | None):
    from .classstream import iter_class_status

    return (r for r in iter_class_status(conn, quiz.id, policy=policy, roster=roster)
            if r.attempt is not None and r.status != "excused")


def stale_count(quiz: m.Quiz, conn, *, policy: str | None = None, roster: Roster | None = None) -> int:
    """Counted attempts graded against another version of the quiz (their marks would not match its key)."""
    from .regrade import effective_digest

    digest = effective_digest(conn, quiz)
    return sum(1 for r in _finals(conn, quiz, policy, roster) if r.attempt and r.attempt.quiz_digest != digest)


def iter_collect(quiz: m.Quiz, conn, *, policy: str | None = None, roster: Roster | None = None
                 ) -> Iterator[StudentFeedback]:
    """Every student's feedback, one at a time (their item scores read for :data:`CHUNK` students at a time)."""
    chunk = []
    for r in _finals(conn, quiz, policy, roster):
        chunk.append(r)
        if len(chunk) >= CHUNK:
            yield from _feedback(quiz, conn, chunk)
            chunk = []
    yield from _feedback(quiz, conn, chunk)


CHUNK = 500


def _feedback(quiz: m.Quiz, conn, finals: list) -> Iterator[StudentFeedback]:
    items = gb.item_scores(conn, quiz.id, (r.attempt.attempt_id for r in finals))
    for r in finals:
        a = r.attempt
        ordered = _order(quiz, a.variant_seed, items[a.attempt_id])
        note = r.comment or (r.reason if r.status == "late" else "")
        yield StudentFeedback(r.student, a, r.attempts, views(quiz, ordered, gb.content_of(conn, a.attempt_id)),
                              r.score, note)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;
color:#1f2328}section{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.correct{color:#1a7f37}.partial{color:#9a6700}.incorrect,.unanswered{color:#a40e26}dt{font-weight:600}
dd{margin:0 0 .5rem 1rem}.answer{white-space:pre-wrap}
"""


def render_html(quiz: m.Quiz, f: StudentFeedback, *, policy: str) -> str:
    """The student's page, in the course's language (``language:`` in course.yml)."""
    with use_language(language_of(quiz)) as lang:
        return _render_html(quiz, f, policy, lang)


def _render_html(quiz: m.Quiz, f: StudentFeedback, policy: str, lang: str) -> str:
    e = html.escape
    a = f.attempt
    verdict = t("feedback.passed" if a.passed else "feedback.not_passed")
    score = t("feedback.score", total=shown(f.final), points=shown(a.max_score), pct=_pct(f),
              pass_mark=quiz.pass_mark, verdict=verdict)
    out = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>"
           f"{e(t('feedback.title', quiz=quiz.title, who=f.who))}</title><style>{CSS}</style></head><body>",
           f"<h1>{e(quiz.title)}</h1>",
           f"<p>{e(t('feedback.for', who=f.who))} <strong>{e(score)}</strong></p>",
           f"<p>{e(f.note)}</p>" if f.note else "",
           f"<p><small>{e(_submitted(f, policy))}</small></p>"]
    for v in f.questions:
        q = v.question
        prompt = answers.render_block(q.prompt) if q else ""
        fb = "".join(f"<li>{answers.render_block(x)}</li>" for x in v.feedback)
        expl = answers.render_block(q.explanation) if q and q.explanation else ""
        out.append(
            f"<section><h2>{e(t('feedback.question', n=v.number))} <small class='{e(v.status)}'>"
            f"{e(_status(v.status))}: {e(_of(v))}</small></h2>{prompt}<dl>"
            f"<dt>{e(t('feedback.your_answer'))}</dt><dd class='answer'>{e(v.answer)}</dd>"
            f"<dt>{e(t('feedback.right_answer'))}</dt><dd>{e(v.right)}</dd>"
            + (f"<dt>{e(t('feedback.feedback'))}</dt><dd><ul>{fb}</ul></dd>" if fb else "")
            + (f"<dt>{e(t('feedback.explanation'))}</dt><dd>{expl}</dd>" if expl else "")
            + "</dl></section>")
    out.append("</body></html>\n")
    return "".join(out)


def _submitted(f: StudentFeedback, policy: str) -> str:
    return t("feedback.submitted", when=f.attempt.submitted_at or t("feedback.unknown_time"), n=f.attempts,
             policy=_policy(policy))


def _of(v: QuestionView) -> str:
    return t("feedback.of", score=shown(v.score), points=shown(v.max_score))


def render_md(quiz: m.Quiz, f: StudentFeedback, *, policy: str) -> str:
    """The student's page as Markdown, in the course's language."""
    with use_language(language_of(quiz)):
        return _render_md(quiz, f, policy)


def _render_md(quiz: m.Quiz, f: StudentFeedback, policy: str) -> str:
    a = f.attempt
    verdict = t("feedback.passed" if a.passed else "feedback.not_passed")
    score = t("feedback.score", total=shown(f.final), points=shown(a.max_score), pct=_pct(f),
              pass_mark=quiz.pass_mark, verdict=verdict)
    lines = [f"# {md_escape(quiz.title)}", "",
             f"{md_escape(t('feedback.for', who=f.who))} **{md_escape(score)}**", "",
             *([md_escape(f.note), ""] if f.note else []),
             md_escape(_submitted(f, policy)), ""]
    for v in f.questions:
        q = v.question
        lines += [f"## {t('feedback.question', n=v.number)}: {_status(v.status)}, {_of(v)}", ""]
        if q:
            lines += [safe_markdown(q.prompt.strip()), ""]
        lines += [f"- **{t('feedback.your_answer')}:** {md_escape(v.answer)}",
                  f"- **{t('feedback.right_answer')}:** {md_escape(v.right)}"]
        lines += [f"- **{t('feedback.feedback')}:** {safe_markdown(one_line(x))}" for x in v.feedback]
        if q and q.explanation:
            lines += [f"- **{t('feedback.explanation')}:** {safe_markdown(one_line(q.explanation))}"]
        lines.append("")
    return "\n".join(lines)


def write_feedback(*, quiz: m.Quiz, gradebook: str | Path, out: str | Path, fmt: str = "html",
                   policy: str | None = None, roster: Roster | None = None) -> FeedbackReport:
    """Write ``OUT/<student id>.html`` (or ``.md``) for every student with a counted attempt."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; one of {', '.join(FORMATS)}")
    with gb.reading(gradebook, quiz.id) as (conn, row):
        policy = policy or row.policy
        stale = stale_count(quiz, conn, policy=policy, roster=roster)
        if stale:
            raise UsageError(f"{stale} counted attempt(s) of '{quiz.id}' were graded against another version of "
                             "the quiz: their marks would not match the right answers shown. Run kcourse regrade "
                             f"{quiz.id} first")
        out = Path(out)
        used: set[str] = set()
        written: list[Path] = []
        count = 0
        for f in iter_collect(quiz, conn, policy=policy, roster=roster):
            name = safe_name(f.student.student_id)
            if name.casefold() in used:
                name = f"{name}-{fnv1a32(f.student.student_id):08x}"
            used.add(name.casefold())
            path = out / f"{name}.{fmt}"
            text = render_html(quiz, f, policy=policy) if fmt == "html" else render_md(quiz, f, policy=policy)
            write_text_atomically(path, text)
            count += 1
            if len(written) < FILES_KEPT:
                written.append(path)
    return FeedbackReport(out, tuple(written), stale, count)
