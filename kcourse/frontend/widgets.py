"""The JupyterLab quiz: ipywidgets (standard ones only) put together around the pure core.

Grading is :func:`kcourse.core.grading.grade`; variants are :func:`kcourse.core.variants.make_variant`; answers are
kept through :class:`kcourse.storage.progress_store.ProgressStore`. This module only builds widgets and reacts to
clicks. In assessment mode there is no Check button, no feedback, no hints and no key in any widget.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as w

from .. import __version__
from ..core import model as m
from ..core.course import course_of_quiz
from ..core.grading import QuestionResult, QuizResult, Status, grade, is_blank
from ..core.public import public_view
from ..core.rules import safe_name
from ..core.submission import Submission, grade_submission, now_iso
from ..core.variants import make_variant
from ..storage.atomicfile import write_text_atomically
from ..storage.progress_store import (
    HOME_ENV,
    ProgressStore,
    QuizRecord,
    choose_seed,
    new_record,
    shown_path,
    with_hints,
    with_response,
    with_result,
    with_submission,
    without_result,
)
from ..views.markdown import unwrap_paragraph
from .controls import Control, control_for, plain, render_block

GENERATOR = f"kcourse {__version__} (JupyterLab)"
_STATUS = {
    Status.CORRECT: ("✓", "Correct"),
    Status.PARTIAL: ("◐", "Partly right"),
    Status.INCORRECT: ("✗", "Not right"),
    Status.UNANSWERED: ("–", "Not answered"),
}


def _md(text: str) -> str:
    """Markdown as HTML; a single paragraph without its ``<p>``, so that it can follow a bold lead-in."""
    block = render_block(text)
    return unwrap_paragraph(block) or block


def _pts(x: float) -> str:
    return f"{x:g} point{'' if x == 1 else 's'}"


def file_name(quiz_id: str, student_id: str) -> str:
    """``<quiz_id>-<student_id>.json`` with anything unsafe in a file name replaced by ``_``."""
    return f"{quiz_id}-{safe_name(student_id)}.json"


class QuestionPanel:
    """One question: prompt, input control, Check / Hint / Try again buttons, hints and feedback."""

    def __init__(self, number: int, count: int, q: m.Question, control: Control, *, assessment: bool):
        self.q = q
        self.control = control
        self.assessment = assessment
        self.result: QuestionResult | None = None
        self.hints_shown = 0
        head = (f"<div class='kcourse-q-head'><strong>Question {number} of {count}</strong> · {_pts(q.points)}"
                f"</div><div class='kcourse-prompt'>{render_block(q.prompt)}</div>")
        self.prompt = w.HTML(head)
        self.feedback = w.HTML("")
        self.hint_area = w.HTML("")
        self.check_button = w.Button(description="Check", icon="check", button_style="primary",
                                     tooltip=f"Check your answer to question {number} and see the feedback")
        self.retry_button = w.Button(description="Try again", icon="undo", disabled=True,
                                     tooltip=f"Clear your answer to question {number} and its feedback")
        self.hint_button = w.Button(description=self._hint_label(), icon="lightbulb-o",
                                    tooltip=f"Show one hint for question {number}")
        buttons: list[w.Widget] = []
        if not assessment:
            buttons = [self.check_button, self.retry_button] + ([self.hint_button] if q.hints else [])
        parts = [self.prompt, control.widget]
        if buttons:
            parts += [w.HBox(buttons), self.hint_area, self.feedback]
        self.widget = w.VBox(parts, layout=w.Layout(border="1px solid #bbb", padding="0.4em 0.8em",
                                                     margin="0.4em 0"))
        self.widget.add_class("kcourse-question")

    def _hint_label(self) -> str:
        n = len(self.q.hints)
        return "No more hints" if self.hints_shown >= n else f"Hint ({self.hints_shown + 1} of {n})"

    def check(self) -> QuestionResult | None:
        """Grade the current answer and show the result; ``None`` (with a prompt to answer) when blank."""
        if hasattr(self.control, "take_shown_order"):
            self.control.take_shown_order()
        response = self.control.response()
        result = None if is_blank(response) else grade(self.q, response)
        if result is None or result.status is Status.UNANSWERED:
            self.feedback.value = f"<p role='status'>{self.control.blank_message}</p>"
            return None
        self.show_result(result)
        return result

    def show_result(self, result: QuestionResult) -> None:
        self.result = result
        self.control.set_disabled(True)
        self.check_button.disabled = True
        self.retry_button.disabled = False
        icon, word = _STATUS[result.status]
        out = [f"<div class='kcourse-feedback kcourse-{result.status.value}' role='status'>"
               f"<p><strong>{icon} {word}</strong>: {result.score:g} of {_pts(result.max_score)}.</p>"]
        if result.feedback:
            out.append("<ul>" + "".join(f"<li>{_md(f)}</li>" for f in result.feedback) + "</ul>")
        if result.explanation:
            out.append(f"<div><strong>Explanation.</strong> {_md(result.explanation)}</div>")
        self.feedback.value = "".join(out) + "</div>"

    def try_again(self) -> None:
        self.result = None
        self.control.clear()
        self.control.set_disabled(False)
        self.check_button.disabled = False
        self.retry_button.disabled = True
        self.feedback.value = ""

    def show_hints(self, count: int) -> None:
        self.hints_shown = max(0, min(count, len(self.q.hints)))
        self.hint_area.value = "".join(
            f"<div class='kcourse-hint'><strong>Hint {k + 1}.</strong> {_md(h)}</div>"
            for k, h in enumerate(self.q.hints[: self.hints_shown]))
        self.hint_button.description = self._hint_label()
        self.hint_button.disabled = self.hints_shown >= len(self.q.hints)


class QuizWidget:
    """A whole quiz variant in JupyterLab. ``widget`` is the ipywidgets tree to display."""

    def __init__(self, quiz: m.Quiz, *, seed: int | None = None, student_id: str | None = None,
                 mode: str | None = None, store: ProgressStore | None = None):
        self.quiz = quiz
        self.assessment = quiz.mode == "assessment" or mode == "assessment"
        self.store = store if store is not None else ProgressStore(course=course_of_quiz(quiz.source))
        student_id = (student_id or "").strip() or None
        stored = self.store.record(quiz.id)
        self.seed = choose_seed(quiz.id, seed=seed, student_id=student_id, record=stored)
        mode_name = "assessment" if self.assessment else "practice"
        record = stored or new_record(quiz.id, self.seed, student_id=student_id, mode=mode_name)
        self.record: QuizRecord = replace(record, seed=self.seed, mode=mode_name,
                                          student_id=student_id or record.student_id)
        self.variant = make_variant(quiz, self.seed)
        self.ids = self.variant.question_ids
        self.max_total = round(sum(quiz.question(i).points for i in self.ids), 6)
        self._quiet = False
        n = len(self.ids)
        self.panels: dict[str, QuestionPanel] = {}
        for k, pq in enumerate(public_view(quiz, self.variant), 1):
            self.panels[pq.id] = QuestionPanel(k, n, quiz.question(pq.id), control_for(pq),
                                               assessment=self.assessment)
        self._build_chrome()
        self._restore()
        self._wire()
        self._update_score()

    # -- layout ------------------------------------------------------------------------------------
    def _build_chrome(self) -> None:
        quiz, n = self.quiz, len(self.ids)
        how = ("Assessment: answer every question, then save a submission to hand in. There is no feedback "
               "here." if self.assessment else "Practice: press Check under a question to see feedback.")
        self.title = w.HTML(f"<h3 class='kcourse-title'>{html.escape(plain(quiz.title))}</h3>"
                            f"<p>{quiz.chapter_label.capitalize()} · {n} question{'s' if n != 1 else ''} · "
                            f"{_pts(self.max_total)} · pass mark {quiz.pass_mark:g}%. {how}</p>")
        self.notices = w.HTML("")
        self.score = w.HTML("")
        self.summary = w.HTML("")
        self.student_box = w.Text(value=self.record.student_id or "", description="Student id",
                                  placeholder="as your instructor gave it", continuous_update=False,
                                  style={"description_width": "initial"})
        self.save_button = w.Button(description="Save submission", icon="save",
                                    tooltip="Write your answers to a file in this notebook's folder, to hand in")
        self.save_status = w.HTML("")
        place = html.escape(shown_path(self.store.path))
        self.storage_note = w.HTML(
            f"<p class='kcourse-storage'><small>Answers are saved in <code>{place}</code> on this computer as you "
            f"go, and come back when you run this cell again. Nothing is sent anywhere. (Set "
            f"<code>{HOME_ENV}</code> to keep them in another folder.)</small></p>")
        self.widget = w.VBox(
            [self.title, self.notices, *(p.widget for p in self.panels.values()), self.score, self.summary,
             w.HBox([self.student_box, self.save_button]), self.save_status, self.storage_note],
            layout=w.Layout(max_width="60em"))
        self.widget.add_class("kcourse-quiz")
        self._show_notices()

    def _show_notices(self) -> None:
        self.notices.value = "".join(f"<p class='kcourse-notice' role='alert'>⚠ {html.escape(t)}</p>"
                                     for t in self.store.notices)

    # -- state -------------------------------------------------------------------------------------
    def _restore(self) -> None:
        rec = self.record
        self._quiet = True
        try:
            for qid, panel in self.panels.items():
                if qid in rec.responses:
                    panel.control.set_response(rec.responses[qid])
                if self.assessment:
                    continue
                panel.show_hints(rec.hints_shown.get(qid, 0))
                if qid in rec.results and not is_blank(panel.control.response()):
                    panel.show_result(grade(panel.q, panel.control.response()))
        finally:
            self._quiet = False

    def _wire(self) -> None:
        for qid, panel in self.panels.items():
            panel.control.on_change(self._on_change(qid))
            panel.check_button.on_click(lambda _b, qid=qid: self.check(qid))
            panel.retry_button.on_click(lambda _b, qid=qid: self.try_again(qid))
            panel.hint_button.on_click(lambda _b, qid=qid: self.hint(qid))
        self.save_button.on_click(lambda _b: self.save_submission())

    def _on_change(self, qid: str) -> Callable[[], None]:
        def changed() -> None:
            if not self._quiet:
                self._save(with_response(self.record, qid, self.panels[qid].control.response()))
                self._update_score()
        return changed

    def _save(self, record: QuizRecord) -> None:
        self.record = record
        self.store.save(record)
        self._show_notices()

    # -- actions (also what the buttons call) -----------------------------------------------------
    def check(self, qid: str) -> QuestionResult | None:
        if self.assessment:
            return None
        panel = self.panels[qid]
        result = panel.check()
        if result is not None:
            rec = with_response(self.record, qid, panel.control.response())
            self._save(with_result(rec, result, self.ids, self.max_total))
            self._update_score()
        return result

    def try_again(self, qid: str) -> None:
        self._quiet = True
        try:
            self.panels[qid].try_again()
        finally:
            self._quiet = False
        self._save(without_result(self.record, qid, self.ids, self.max_total))
        self._update_score()

    def hint(self, qid: str) -> None:
        if self.assessment:
            return
        panel = self.panels[qid]
        panel.show_hints(panel.hints_shown + 1)
        self._save(with_hints(self.record, qid, panel.hints_shown))

    def responses(self) -> dict[str, Any]:
        """The current answers of this variant, by question id (blank ones left out), as in a submission."""
        out = {}
        for qid, panel in self.panels.items():
            r = panel.control.response()
            if not is_blank(r):
                out[qid] = r
        return out

    def result(self) -> QuizResult:
        """The running result: checked questions with their score, the others as not answered."""
        return QuizResult(self.quiz.id, tuple(p.result or grade(p.q, None) for p in self.panels.values()),
                          self.quiz.pass_mark)

    def _update_score(self) -> None:
        n = len(self.ids)
        if self.assessment:
            answered = len(self.responses())
            self.score.value = (f"<p class='kcourse-score' role='status'>Answered {answered} of {n} questions. "
                                "Save a submission below to hand your answers in.</p>")
            return
        res = self.result()
        checked = sum(1 for p in self.panels.values() if p.result is not None)
        self.score.value = (f"<p class='kcourse-score' role='status'><strong>Score so far:</strong> "
                            f"{res.total:g} of {_pts(res.max_score)} · {checked} of {n} questions checked.</p>")
        if checked < n:
            left = n - checked
            self.summary.value = (f"<p class='kcourse-summary'>Check {'every' if checked == 0 else 'the remaining'} "
                                  f"question{'s' if left != 1 else ''} ({left} left) to see your summary.</p>")
            return
        verdict = "passed" if res.passed else "not passed yet"
        advice = "" if res.passed else " Read the explanations, press Try again on a question and check it again."
        self.summary.value = (
            f"<div class='kcourse-summary' role='status'><h4>Summary</h4><p>You scored <strong>{res.total:g} of "
            f"{_pts(res.max_score)} ({res.percentage:g}%)</strong>. The pass mark is {self.quiz.pass_mark:g}%: "
            f"<strong>{verdict}</strong>.{advice}</p></div>")

    def save_submission(self, directory: str | Path | None = None) -> Path | None:
        """Write ``<quiz_id>-<student_id>.json`` (the same format as the static page) to ``directory``
        (default: the current folder, the notebook's). Returns the path, or ``None`` with a message."""
        sid = self.student_box.value.strip()
        if not sid:
            self.save_status.value = "<p role='alert'>Type your student id first, then press Save submission.</p>"
            return None
        if len(sid) > 200:
            self.save_status.value = "<p role='alert'>That student id is longer than 200 characters.</p>"
            return None
        now = now_iso()
        sub = Submission(quiz_id=self.quiz.id, student_id=sid, variant_seed=self.seed, responses=self.responses(),
                         started_at=self.record.started_at or now, submitted_at=now, generator=GENERATOR)
        path = Path(directory) if directory is not None else Path.cwd()
        path = (path / file_name(self.quiz.id, sid)).resolve()
        try:
            write_text_atomically(path, sub.to_json())
        except OSError as e:
            self.save_status.value = (f"<p role='alert'>Could not write {html.escape(str(path))}: "
                                      f"{html.escape(e.strerror or str(e))}. Run the notebook from a folder "
                                      "you can write to.</p>")
            return None
        answered = len(sub.responses)
        msg = (f"<p role='status'>Saved <code>{html.escape(str(path))}</code> ({answered} of {len(self.ids)} "
               f"questions answered) at {now}. Hand in this file.")
        if not self.assessment:
            res = grade_submission(self.quiz, sub, str(path))
            msg += f" It scores {res.total:g} of {_pts(res.max_score)} ({res.percentage:g}%)."
        self.save_status.value = msg + "</p>"
        self._save(with_submission(self.record, sid, str(path), now))
        return path
