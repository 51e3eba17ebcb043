"""One question of the JupyterLab quiz: prompt, control, buttons, hints and feedback, by the practice rules of
:mod:`kcourse.practice` (the static page follows the same rules). :class:`~kcourse.frontend.widgets.QuizWidget`
keeps the state; a panel only shows it."""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from .. import qtypes as qt
from ..core import model as m
from ..core import practice
from ..core.grading import QuestionResult, Status
from ..core.i18n import t
from ..core.public import PublicQuestion
from ..views.markdown import render_block, unwrap_paragraph
from .controls import Control, plain


def verdict(status: Status) -> str:
    """``✓ Correct``, ``◐ Partly right``, ... in the language in use (the static page's words)."""
    return t("quiz.verdict." + status.value)


# colours of the static page (quiz.css, light theme); the text says the status too
COLOURS = {"correct": ("#116329", "#dafbe1"), "partial": ("#6f4400", "#fff8c5"), "incorrect": ("#a40e26", "#ffebe9"),
           "unanswered": ("#57606a", "#f3f4f6")}
CSS = """<style>
.kcourse-quiz :focus-visible, .kcourse-quiz :focus { outline: 3px solid #0969da !important; outline-offset: 2px; }
.kcourse-quiz .mod-disabled, .kcourse-quiz :disabled,
.kcourse-quiz .widget-radio-box input:disabled + * { opacity: 1 !important; }
.kcourse-quiz .widget-radio-box label, .kcourse-quiz .widget-checkbox label { color: inherit !important; }
.kcourse-fbbox { border-left: 4px solid; border-radius: 6px; padding: .4em .8em; margin: .3em 0; color: #1f2328; }
.kcourse-fbbox:focus { outline: 3px solid #0969da; }
.kcourse-mark-ok { color: #116329; font-weight: 600; } .kcourse-mark-bad { color: #a40e26; font-weight: 600; }
</style>"""


def md(text: str) -> str:
    """Markdown as HTML; a single paragraph without its ``<p>``, so that it can follow a bold lead-in."""
    block = render_block(text)
    return unwrap_paragraph(block) or block


def pts(x: float) -> str:
    return practice.points(x)


def part_names(pq: PublicQuestion) -> dict[str, str]:
    """What a learner sees of each part that :func:`kcourse.practice.marks` names (an option, an item, a pair's
    left side)."""
    return {x.id: plain(x.text) for x in pq.options + pq.items + pq.pairs}


def answer_html(q: m.Question) -> str:
    """The right answer in words, shown with the explanation."""
    return qt.dispatch(ANSWER_HTML, q, "quiz widget answer")(q)


def _choices_answer(q: Any) -> str:
    return t("quiz.right_answer", answer="; ".join(md(o.text) for o in q.options if o.correct))


def _matching_answer(q: Any) -> str:
    from ..core.grading import correct_response

    right = correct_response(q)
    names = {c.id: plain(c.text) for c in q.right_choices}
    pairs = (f"{md(p.left)} → {html.escape(names[right[p.id]])}" for p in q.pairs)
    return t("lab.right_matches", list="; ".join(pairs))


ANSWER_HTML: dict[str, Callable[[Any], str]] = {
    "single": _choices_answer,
    "multiple": _choices_answer,
    "true_false": lambda q: html.escape(t("quiz.right_answer", answer=t("quiz.true" if q.answer else "quiz.false"))),
    "numeric": lambda q: html.escape(qt.numeric.answer_text(q)),
    "text": lambda q: html.escape(t("quiz.accepted", list=" · ".join(q.accept[:3]))),
    "ordering": lambda q: (html.escape(t("quiz.right_order")) + " "
                           + "; ".join(f"{k}. {md(i.text)}" for k, i in enumerate(q.items, 1)) + "."),
    "matching": _matching_answer,
}
"""The right answer of each question type in words (HTML, in the language in use), shown with the explanation."""


class QuestionPanel:
    """One question: prompt, input control, Check / Try again / Hint / Show answer, hints and feedback."""

    def __init__(self, number: int, count: int, pq: PublicQuestion, q: m.Question | None, control: Control, *,
                 assessment: bool, tries_before_answer: int = practice.DEFAULT_TRIES):
        self.number, self.pq, self.q, self.control, self.assessment = number, pq, q, control, assessment
        """``pq``: what the learner sees; ``q``: the question with its key (``None`` for a key-less copy, which is
        only ever an assessment)."""
        self.hints: tuple[str, ...] = q.hints if q is not None and not assessment else ()
        self.tries_before_answer = tries_before_answer
        self.result: QuestionResult | None = None
        """The last counted try (it counts in the score until the next check)."""
        self.tries = 0
        self.shown = False
        """The explanation and the answer are shown: the question is done until a new attempt."""
        self.open = False
        """Try again was pressed: the answer can be changed; the last try still counts."""
        self.hints_shown = 0
        legend = html.escape(t("quiz.legend", n=number, count=count, points=t("quiz.worth", n=pq.points)))
        head = (f"<div class='kcourse-q-head'><strong>{legend}</strong>"
                f"</div><div class='kcourse-prompt'>{render_block(pq.prompt)}</div>")
        self.prompt = w.HTML(head)
        self.feedback = w.HTML("")
        self.feedback.add_class(f"kcourse-fb-{number}")
        self.hint_area = w.HTML("")
        self.check_button = w.Button(description=t("quiz.check"), icon="check", button_style="primary",
                                     tooltip=t("lab.check_tip", n=number))
        self.retry_button = w.Button(description=t("quiz.try_again"), icon="undo",
                                     tooltip=t("lab.retry_tip", n=number))
        self.retry_button.add_class(f"kcourse-retry-{number}")
        self.answer_button = w.Button(description=t("quiz.show_answer"), icon="eye",
                                      tooltip=t("lab.answer_tip", n=number))
        self.hint_button = w.Button(description=self._hint_label(), icon="lightbulb-o",
                                    tooltip=t("lab.hint_tip", n=number))
        buttons: list[w.Widget] = []
        if not assessment:
            buttons = [self.check_button, self.retry_button] + ([self.hint_button] if self.hints else []) + [
                self.answer_button]
        parts = [self.prompt, control.widget]
        if buttons:
            parts += [w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")), self.hint_area, self.feedback]
        self.widget = w.VBox(parts, layout=w.Layout(border="1px solid #6e7781", padding="0.4em 0.8em",
                                                     margin="0.4em 0"))
        self.widget.add_class("kcourse-question")
        self.refresh()

    @property
    def key(self) -> m.Question:
        """The question with its key, to grade a try (practice, which a key-less copy never is)."""
        if self.q is None:
            raise TypeError(f"question {self.pq.id!r} comes from a key-less copy: it cannot be graded")
        return self.q

    def _hint_label(self) -> str:
        n = len(self.hints)
        if self.hints_shown >= n:
            return t("lab.no_more_hints")
        return t("lab.hint_button", n=self.hints_shown + 1, count=n)

    @property
    def locked(self) -> bool:
        return self.shown or (self.result is not None and not self.open)

    def not_ready(self, response: Any) -> str | None:
        """What to fix before a check counts (shown in the feedback), or ``None``."""
        problem = practice.ready_problem(self.key, response)
        if problem:
            self.feedback.value = self._box("partial", f"<p>{html.escape(problem)}</p>")
        return problem

    def _box(self, status: str, inner: str) -> str:
        fg, bg = COLOURS[status]
        return (f"<div class='kcourse-feedback kcourse-fbbox kcourse-{status}' role='status' tabindex='-1' "
                f"style='border-color:{fg};background:{bg}'>{inner}</div>")

    def refresh(self) -> None:
        """Show the state: controls, buttons and the feedback of the last try."""
        lock = self.locked
        self.control.set_disabled(lock)
        self.check_button.disabled = lock
        self.retry_button.disabled = not lock or self.shown
        self.answer_button.disabled = self.result is None or self.shown
        self.hint_button.disabled = self.hints_shown >= len(self.hints) or self.shown
        r = self.result
        if r is None:
            self.feedback.value = ""
            return
        said: dict[str, Any] = {"verdict": verdict(r.status), "score": round(r.score, 2), "points": pts(r.max_score)}
        fg = COLOURS[r.status.value][0]
        if not lock:
            self.feedback.value = self._box(r.status.value, f"<p>{html.escape(t('quiz.last_try', **said))}</p>")
            return
        n = self.tries_before_answer
        tries = t("quiz.try_n", n=self.tries) if self.shown else t("quiz.try_n_of", n=self.tries, max=n,
                                                                    after=t("quiz.after_tries", n=n))
        out = [f"<p><strong style='color:{fg}'>{html.escape(t('quiz.verdict_line', **said))}</strong></p>",
               f"<p>{html.escape(tries)}</p>"]
        if r.feedback:
            out.append("<ul>" + "".join(f"<li>{md(f)}</li>" for f in r.feedback) + "</ul>")
        marks = practice.marks(self.key, self.control.response())
        if marks:
            names = part_names(self.pq)
            words = qt.qtype(self.key).mark_words
            out.append("<ul class='kcourse-marks'>" + "".join(
                f"<li>{html.escape(names.get(k, k))}: <span class='kcourse-mark-{'ok' if ok else 'bad'}'>"
                f"{html.escape(t(words[0] if ok else words[1]))}</span></li>"
                for k, ok in marks.items()) + "</ul>")
        if not self.shown:
            out.append(f"<p>{html.escape(t('quiz.think' if self.hint_button.disabled else 'quiz.think_hint'))}</p>")
        else:
            out.append(f"<p>{answer_html(self.key)}</p>")
            if r.explanation:
                out.append(f"<div><strong>{html.escape(t('quiz.explanation'))}.</strong> {md(r.explanation)}</div>")
        self.feedback.value = self._box(r.status.value, "".join(out))

    def show_hints(self, count: int) -> None:
        self.hints_shown = max(0, min(count, len(self.hints)))
        self.hint_area.value = "".join(
            f"<div class='kcourse-hint'><strong>{html.escape(t('quiz.hint_n', n=k + 1))}</strong> {md(h)}</div>"
            for k, h in enumerate(self.hints[: self.hints_shown]))
        self.hint_button.description = self._hint_label()
        self.refresh()
