"""The JupyterLab quiz: ipywidgets (standard ones only) put together around the pure core.

Grading is :func:`kcourse.core.grading.grade`; variants are :func:`kcourse.core.variants.make_variant`; answers are
kept through :class:`kcourse.storage.progress_store.ProgressStore`. This module only builds widgets and reacts to
clicks. In assessment mode there is no Check button, no feedback, no hints and no key in any widget.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as w

from .. import __version__
from ..core import model as m
from ..core import practice
from ..core.course import course_of_quiz, language_of_quiz
from ..core.grading import QuestionResult, QuizResult, Status, grade, is_blank
from ..core.i18n import t, t_html, use_language
from ..core.public import PublicQuiz, public_quiz
from ..core.rules import safe_name
from ..core.submission import Submission, now_iso
from ..storage.atomicfile import write_text_atomically
from ..storage.progress_store import (
    HOME_ENV,
    ProgressStore,
    QuizRecord,
    choose_seed,
    form_id,
    new_attempt,
    new_record,
    shown_path,
    with_answer_shown,
    with_hints,
    with_response,
    with_result,
    with_submission,
)
from ..views.markdown import images_of
from .controls import control_for, plain
from .keys import key_helper
from .panel import CSS, QuestionPanel, pts, verdict

GENERATOR = f"kcourse {__version__} (JupyterLab)"


def file_name(quiz_id: str, student_id: str) -> str:
    """``<quiz_id>-<student_id>.json`` with anything unsafe in a file name replaced by ``_``."""
    return f"{quiz_id}-{safe_name(student_id)}.json"


def speaking(method):
    """Runs a :class:`QuizWidget` method in its course's language (``language:`` in ``course.yml``) with the images
    next to its quiz file inlined (:func:`kcourse.views.markdown.images_of`, as in the static page)."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with use_language(self.language), images_of(self.quiz.source):
            return method(self, *args, **kwargs)
    return run


class QuizWidget:
    """A whole quiz variant in JupyterLab. ``widget`` is the ipywidgets tree to display."""

    def __init__(self, quiz: m.Quiz | PublicQuiz, *, seed: int | None = None, student_id: str | None = None,
                 mode: str | None = None, store: ProgressStore | None = None, language: str | None = None):
        self.quiz = quiz
        self.key: m.Quiz | None = quiz if isinstance(quiz, m.Quiz) else None
        """The quiz with its key (``None`` for a learner's view such as a key-less copy: then only assessment)."""
        self.language = language or language_of_quiz(quiz.source)
        self._setup(seed, student_id, mode, store)

    @speaking
    def _setup(self, seed: int | None, student_id: str | None, mode: str | None, store: ProgressStore | None) -> None:
        quiz = self.quiz
        mode_name = mode or quiz.mode  # an exam's practice form: mode="practice" (the book's final-exam-practice)
        if self.key is None and quiz.mode == "assessment":
            mode_name = "assessment"
        self.assessment = mode_name == "assessment"
        self.store = store if store is not None else ProgressStore(course=course_of_quiz(quiz.source))
        student_id = (student_id or "").strip() or None
        record_id = form_id(quiz.id, quiz.mode, mode_name)  # the practice form of an exam keeps a record of its own
        stored = self.store.record(record_id)
        if isinstance(quiz, PublicQuiz):
            seed = quiz.seed  # the questions shown are that variant's; a submission must name it
        self.seed = choose_seed(quiz.id, seed=seed, student_id=student_id, record=stored)
        record = stored or new_record(record_id, self.seed, student_id=student_id, mode=mode_name)
        self.record: QuizRecord = replace(record, seed=self.seed, mode=mode_name,
                                          student_id=student_id or record.student_id)
        self.view = quiz if isinstance(quiz, PublicQuiz) else public_quiz(quiz, self.seed)
        self.ids = tuple(pq.id for pq in self.view.questions)
        self.max_total = round(sum(pq.points for pq in self.view.questions), 6)
        self._quiet = False
        n = len(self.ids)
        self.panels: dict[str, QuestionPanel] = {}
        for k, pq in enumerate(self.view.questions, 1):
            q = self.key.question(pq.id) if self.key is not None else None
            self.panels[pq.id] = QuestionPanel(k, n, pq, q, control_for(pq, k), assessment=self.assessment,
                                               tries_before_answer=quiz.tries_before_answer)
        self.keys = key_helper()
        self._build_chrome()
        self._restore()
        self._wire()
        self._update_score()

    # -- layout ------------------------------------------------------------------------------------
    def _build_chrome(self) -> None:
        quiz, n = self.quiz, len(self.ids)
        how = t("lab.how_assessment") if self.assessment else t(
            "lab.how_practice", after=t("quiz.after_tries", n=quiz.tries_before_answer))
        chapter = t("lab.chapter", n=quiz.chapter) if quiz.chapter is not None else t("lab.no_chapter")
        line = t("lab.title_line", chapter=chapter, questions=t("quiz.questions", n=n),
                 points=t("quiz.worth", n=self.max_total), pass_mark=quiz.pass_mark, how=how)
        self.title = w.HTML(f"<h3 class='kcourse-title'>{html.escape(plain(quiz.title))}</h3>"
                            f"<p>{html.escape(line)}</p>" + CSS)
        self.notices = w.HTML("")
        self.score = w.HTML("")
        self.summary = w.HTML("")
        self.student_box = w.Text(value=self.record.student_id or "", description=t("quiz.student_id"),
                                  placeholder=t("lab.sid_placeholder"), continuous_update=False,
                                  style={"description_width": "initial"})
        self.save_button = w.Button(description=t("lab.save"), icon="save", tooltip=t("lab.save_tip"))
        self.new_button = w.Button(description=t("quiz.new_attempt"), icon="refresh", tooltip=t("lab.new_tip"))
        self.save_status = w.HTML("")
        place = html.escape(shown_path(self.store.path))
        note = t_html("lab.storage", markup={"place": f"<code>{place}</code>", "env": f"<code>{HOME_ENV}</code>"})
        self.storage_note = w.HTML(f"<p class='kcourse-storage'><small>{note}</small></p>")
        actions = [self.student_box, self.save_button] + ([] if self.assessment else [self.new_button])
        self.widget = w.VBox(
            [self.title, self.notices, *(p.widget for p in self.panels.values()), self.score, self.summary,
             w.HBox(actions, layout=w.Layout(flex_flow="row wrap")), self.save_status, self.storage_note]
            + ([self.keys] if self.keys is not None else []),
            layout=w.Layout(max_width="60em"))
        self.widget.add_class("kcourse-quiz")
        self._show_notices()

    def _show_notices(self) -> None:
        self.notices.value = "".join(f"<p class='kcourse-notice' role='alert'>⚠ {html.escape(t)}</p>"
                                     for t in self.store.notices)

    def _focus(self, css_class: str) -> None:
        if self.keys is not None:
            self.keys.focus(css_class)

    # -- state -------------------------------------------------------------------------------------
    def _restore(self) -> None:
        rec = self.record
        self._quiet = True
        try:
            for qid, panel in self.panels.items():
                panel.control.set_response(rec.responses.get(qid))
                if self.assessment:
                    continue
                panel.hints_shown = 0
                panel.tries = rec.tries.get(qid, 1 if qid in rec.results else 0)
                panel.shown = bool(rec.answer_shown.get(qid)) or (qid in rec.results and qid not in rec.tries)
                stored = rec.results.get(qid)
                panel.result = None
                if stored is not None:
                    checked = stored.get("response", rec.responses.get(qid))
                    panel.result = grade(panel.key, checked) if not is_blank(checked) else None
                    if panel.result is not None and checked != rec.responses.get(qid):
                        panel.open = True  # changed after Try again: the last try still counts
                panel.show_hints(rec.hints_shown.get(qid, 0))
        finally:
            self._quiet = False

    def _wire(self) -> None:
        for qid, panel in self.panels.items():
            panel.control.on_change(self._on_change(qid))
            panel.check_button.on_click(lambda _b, qid=qid: self.check(qid))
            panel.retry_button.on_click(lambda _b, qid=qid: self.try_again(qid))
            panel.hint_button.on_click(lambda _b, qid=qid: self.hint(qid))
            panel.answer_button.on_click(lambda _b, qid=qid: self.show_answer(qid))
            for box in [i for i in panel.control.inputs if isinstance(i, w.Text)]:
                box.on_msg(self._on_enter(panel.check_button))
            if hasattr(panel.control, "on_move"):
                panel.control.on_move = self._focus
        self.save_button.on_click(lambda _b: self.save_submission())
        self.new_button.on_click(lambda _b: self.new_attempt())

    @staticmethod
    def _on_enter(button: w.Button) -> Callable[..., None]:
        """Enter in an answer box (the browser sends a "submit" message; keys.py sends the value first): like
        the button. ``on_msg`` rather than the deprecated ``Text.on_submit``."""
        def entered(_widget: Any, content: Any, _buffers: Any = None) -> None:
            if isinstance(content, dict) and content.get("event") == "submit":
                button.click()
        return entered

    def _on_change(self, qid: str) -> Callable[[], None]:
        def changed() -> None:
            with use_language(self.language), images_of(self.quiz.source):
                _changed()

        def _changed() -> None:
            if not self._quiet:
                self._save(with_response(self.record, qid, self.panels[qid].control.response()))
                self._update_score()
        return changed

    def _save(self, record: QuizRecord) -> None:
        self.record = record
        self.store.save(record)
        self._show_notices()
        from .progress_view import refresh_live

        refresh_live()

    # -- actions (also what the buttons call) -----------------------------------------------------
    @speaking
    def check(self, qid: str) -> QuestionResult | None:
        """A try: ``None`` (with what to fix, costing no try) when the input is not an answer yet."""
        if self.assessment:
            return None
        panel = self.panels[qid]
        if panel.locked:
            return panel.result
        if hasattr(panel.control, "take_shown_order"):
            panel.control.take_shown_order()
        response = panel.control.response()
        if panel.not_ready(response):
            return None
        result = grade(panel.key, response)
        panel.result, panel.tries, panel.open = result, panel.tries + 1, False
        panel.shown = practice.answer_shown(result.status.value, panel.tries, self.quiz.tries_before_answer, False)
        rec = with_result(with_response(self.record, qid, response), result, self.ids, self.max_total,
                          response=response)
        self._save(with_answer_shown(rec, qid) if panel.shown else rec)
        panel.refresh()
        self._update_score()
        self._focus(f"kcourse-retry-{panel.number}" if not panel.retry_button.disabled else
                    f"kcourse-fb-{panel.number}")
        return result

    @speaking
    def try_again(self, qid: str) -> None:
        """Change the answer: it stays as it was, and the last try counts until the next check."""
        panel = self.panels[qid]
        if panel.shown or panel.result is None:
            return
        panel.open = True
        panel.refresh()
        self._focus(f"kcourse-in-{panel.number}")

    @speaking
    def show_answer(self, qid: str) -> None:
        panel = self.panels[qid]
        if panel.result is None or panel.shown:
            return
        panel.shown, panel.open = True, False
        self._save(with_answer_shown(self.record, qid))
        panel.refresh()
        self._focus(f"kcourse-fb-{panel.number}")

    @speaking
    def hint(self, qid: str) -> None:
        if self.assessment:
            return
        panel = self.panels[qid]
        panel.show_hints(panel.hints_shown + 1)
        self._save(with_hints(self.record, qid, panel.hints_shown))

    @speaking
    def new_attempt(self) -> None:
        """Clear every answer, try and hint of this variant; the best score stays."""
        self._save(new_attempt(self.record, self.ids))
        for panel in self.panels.values():
            panel.result, panel.tries, panel.shown, panel.open = None, 0, False, False
        self._restore()
        for panel in self.panels.values():
            panel.refresh()
        self._update_score()
        self.save_status.value = f"<p role='status'>{html.escape(t('quiz.cleared'))}</p>"

    def responses(self) -> dict[str, Any]:
        """The current answers of this variant, by question id (blank ones left out), as in a submission."""
        out = {}
        for qid, panel in self.panels.items():
            r = panel.control.response()
            if not is_blank(r):
                out[qid] = r
        return out

    def result(self) -> QuizResult:
        """The running result: the last try of each checked question, the others as not answered."""
        if self.key is None:
            raise TypeError(f"quiz {self.quiz.id!r} is a learner's view (a key-less copy): it cannot be graded")
        return QuizResult(self.quiz.id, tuple(p.result or grade(p.key, None) for p in self.panels.values()),
                          self.quiz.pass_mark)

    def score_now(self) -> practice.Score:
        """The one score of this quiz (the same as the static page's, :func:`kcourse.practice.score`)."""
        return practice.score(self.record.results, self.record.first_results, self.ids, self.max_total)

    def _update_score(self) -> None:
        n = len(self.ids)
        if self.assessment:
            answered = len(self.responses())
            said = t("lab.answered", n=answered, count=n)
            self.score.value = f"<p class='kcourse-score' role='status'>{html.escape(said)}</p>"
            return
        s = self.score_now()
        best = " " + t("quiz.best", pct=round(self.record.best_score, 2)) if self.record.best_score else ""
        self.score.value = f"<p class='kcourse-score' role='status'>{html.escape(s.line() + best)}</p>"
        if s.checked < n:
            left = t("lab.check_all" if s.checked == 0 else "lab.check_rest", n=n - s.checked)
            self.summary.value = f"<p class='kcourse-summary'>{html.escape(left)}</p>"
            return
        passed = s.passed(self.quiz.pass_mark)
        rows = []
        for k, (qid, panel) in enumerate(self.panels.items(), 1):
            r, first = self.record.results.get(qid), self.record.first_results.get(qid)
            if r is None:
                continue
            item = t("quiz.summary_item_first" if first and first != r else "quiz.summary_item",
                     verdict=verdict(Status(r["status"])), score=round(r["score"], 2), points=pts(r["max_score"]),
                     first=round(first["score"], 2) if first else 0)
            name = t("quiz.question_n", n=k) + f", “{plain(panel.pq.prompt)[:70]}”"
            rows.append(f"<li>{html.escape(name + item)}</li>")
        line = t("quiz.summary_line", total=round(s.total, 2), points=pts(s.max_score), pct=round(s.percentage, 2),
                 first=round(s.first_total, 2), verdict=t("quiz.passed" if passed else "quiz.not_passed"),
                 pass_mark=self.quiz.pass_mark)
        advice = "" if passed else " " + t("lab.practise_again")
        self.summary.value = (
            f"<div class='kcourse-summary' role='status'><h4>{html.escape(t('quiz.summary'))}</h4>"
            f"<p>{html.escape(line + advice)}</p><ol>{''.join(rows)}</ol></div>")

    @speaking
    def save_submission(self, directory: str | Path | None = None) -> Path | None:
        """Write ``<quiz_id>-<student_id>.json`` (the same format as the static page) to ``directory``
        (default: the current folder, the notebook's). Returns the path, or ``None`` with a message."""
        sid = self.student_box.value.strip()
        if not sid:
            self.save_status.value = f"<p role='alert'>{html.escape(t('lab.sid_first'))}</p>"
            return None
        if len(sid) > 200:
            self.save_status.value = f"<p role='alert'>{html.escape(t('lab.sid_long'))}</p>"
            return None
        now = now_iso()
        sub = Submission(quiz_id=self.quiz.id, student_id=sid, variant_seed=self.seed, responses=self.responses(),
                         started_at=self.record.started_at or now, submitted_at=now, generator=GENERATOR)
        path = Path(directory) if directory is not None else Path.cwd()
        path = (path / file_name(self.quiz.id, sid)).resolve()
        try:
            write_text_atomically(path, readable_json(self, sub))
        except OSError as e:
            said = t("lab.cannot_write", path=str(path), why=e.strerror or str(e))
            self.save_status.value = f"<p role='alert'>{html.escape(said)}</p>"
            return None
        msg = t("lab.saved", path=str(path), n=len(sub.responses), count=len(self.ids), time=now)
        if not self.assessment:
            s = self.score_now()
            msg += " " + t("lab.saved_score", total=round(s.total, 2), points=pts(s.max_score),
                           pct=round(s.percentage, 2))
        self.save_status.value = f"<p role='status'>{html.escape(msg)}</p>"
        self._save(with_submission(self.record, sid, str(path), now))
        return path


def readable_json(qw: QuizWidget, sub: Submission) -> str:
    """The submission with what a person reads: the quiz title, each prompt and chosen text, and the score."""
    import json

    from .readable import answer_text

    data = json.loads(sub.to_json())
    data["quiz_title"] = qw.quiz.title
    if not qw.assessment:
        s = qw.score_now()
        data["score"] = {"total": s.total, "max_score": s.max_score, "percentage": s.percentage,
                         "first_tries": s.first_total, "checked": s.checked, "questions": s.count,
                         "counted": t("quiz.counted")}
    rows = []
    for k, (qid, panel) in enumerate(qw.panels.items(), 1):
        row: dict[str, Any] = {"question": k, "id": qid, "prompt": plain(panel.pq.prompt)}
        if qid in sub.responses:
            row["answer"] = answer_text(panel.pq, sub.responses[qid])
        r = qw.record.results.get(qid)
        if r is not None and not qw.assessment:
            row["result"] = t("quiz.result", verdict=verdict(Status(r["status"])), score=round(r["score"], 2),
                              points=pts(r["max_score"]))
            row["tries"] = qw.record.tries.get(qid, 1)
        rows.append(row)
    data["questions"] = rows
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
