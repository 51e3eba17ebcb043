"""What ``kcourse.quiz(...)`` returns: one object that shows as a widget quiz in JupyterLab and as the
self-contained HTML quiz in the static book.

Its ``_repr_mimebundle_`` carries three forms: the ipywidgets view (JupyterLab, Notebook 7, VS Code pick
it), ``text/html`` from :func:`kcourse.frontend.static_html.render_fragment` (the book picks it, as its
``_config.yml`` ranks html first) and ``text/plain``. A quiz that cannot be loaded shows its located
problems instead of a traceback.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..core.errors import KcourseError
from ..core.loader import load_quiz, resolve_quiz_ref
from ..core.model import Quiz
from ..core.public import PublicQuiz
from ..core.rules import MODES, is_seed

QUIZ_MIME = "application/vnd.kcourse.quiz+json"
"""The quiz reference and options of an output; the book extension renders the quiz from it at build time."""


def _quiz_spec(ref: Any, mode: Any, seed: Any, student_id: Any) -> dict[str, Any]:
    def safe(v: Any) -> Any:  # the bundle must be JSON; a wrong option still reaches the book build's check
        return v if v is None or isinstance(v, (str, int, bool)) else repr(v)

    return {"ref": str(ref), "mode": safe(mode), "seed": safe(seed), "student_id": safe(student_id)}


def find_quiz_file(ref: str | Path) -> Path:
    """The quiz file of a path or quiz id (nearest ``quizzes/`` folder); raises :class:`UsageError`."""
    return resolve_quiz_ref(ref)


class QuizDisplay:
    """A loaded quiz ready to show. ``widget`` is the :class:`~kcourse.frontend.widgets.QuizWidget`."""

    def __init__(self, quiz: Quiz | PublicQuiz, *, seed: int | None, student_id: str | None, mode: str | None,
                 store=None, ref: str | Path | None = None):
        from .widgets import QuizWidget

        self.quiz = quiz
        self.ref = ref if ref is not None else quiz.source
        self._seed, self._student_id, self._mode = seed, student_id, mode
        self.widget = QuizWidget(quiz, seed=seed, student_id=student_id, mode=mode, store=store)
        self._html: str | None = None

    def html(self) -> str:
        """The static HTML form. It gets the caller's own seed/student id, not the kernel user's stored seed,
        so a book page built on one machine lets every reader's browser pick their own variant."""
        if self._html is None:
            from .static_html import render_fragment

            self._html = render_fragment(self.quiz, seed=self._seed, student_id=self._student_id, mode=self._mode)
        return self._html

    def __repr__(self) -> str:
        q = self.quiz
        return (f"Quiz '{q.title}' ({q.id}, {q.chapter_label}, {len(self.widget.ids)} questions). "
                "Run this cell in JupyterLab to answer it.")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        data = dict(self.widget.widget._repr_mimebundle_() or {})
        data["text/html"] = self.html()
        data["text/plain"] = repr(self)
        data[QUIZ_MIME] = _quiz_spec(self.ref, self._mode, self._seed, self._student_id)
        return data

    def _ipython_display_(self) -> None:
        """Two outputs: a note to run the cell, shown only where the quiz is not (a reopened notebook, whose
        widget has no kernel behind it, shows "Error displaying widget: model not found"), then the quiz."""
        from IPython.display import display

        text = rerun_text(self.widget.language)
        display({"text/plain": text, "text/html": rerun_html(text)}, raw=True)
        display(self._repr_mimebundle_(), raw=True)


def rerun_text(language: str | None = None) -> str:
    """The note to run the cell, in the course's language."""
    from ..core.i18n import t

    return t("lab.rerun", language)


def rerun_html(text: str) -> str:
    # hidden when the next output holds a live quiz (JupyterLab, Notebook 7) and in the book (quiz.css hides it)
    return ("<div class='kcourse-rerun'><style>.jp-OutputArea-child:has(.kcourse-rerun):has(+ .jp-OutputArea-child "
            ".kcourse-quiz){display:none}</style><p>⚠ " + html.escape(text) + "</p></div>")


RERUN_TEXT = rerun_text()
RERUN_HTML = rerun_html(RERUN_TEXT)


class QuizProblem:
    """Shown instead of a quiz that cannot be loaded: what is wrong, where, and how to fix it."""

    def __init__(self, ref: Any, error: KcourseError, options: dict[str, Any] | None = None):
        self.ref = ref
        self.options = options or {}
        self.error = error
        problems = getattr(error, "problems", None)
        self.lines = [str(p) for p in problems] if problems else [error.format_message()]

    def __repr__(self) -> str:
        head = f"The quiz {str(self.ref)!r} cannot be shown:"
        return "\n".join([head, *("  " + line for line in self.lines)])

    def _repr_html_(self) -> str:
        items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in self.lines)
        return (f"<div class='kcourse-quiz-error' role='alert'><p><strong>The quiz "
                f"{html.escape(repr(str(self.ref)))} cannot be shown.</strong> Fix the problem"
                f"{'s' if len(self.lines) > 1 else ''} below and run the cell again "
                f"(<code>kcourse validate</code> checks every quiz):</p><ul>{items}</ul></div>")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": repr(self), "text/html": self._repr_html_(),
                QUIZ_MIME: _quiz_spec(self.ref, self.options.get("mode"), self.options.get("seed"),
                                      self.options.get("student_id"))}


def _check_options(seed: Any, student_id: Any, mode: Any) -> str | None:
    if seed is not None and not is_seed(seed):
        return f"seed must be a whole number from 0 to 4294967295, not {seed!r}"
    if student_id is not None and not isinstance(student_id, str):
        return f"student_id must be text such as 's1234', not {student_id!r}"
    if mode is not None and mode not in MODES:
        return f"mode must be one of {', '.join(MODES)}, not {mode!r}"
    return None


def quiz(ref: str | Path, *, student_id: str | None = None, mode: str | None = None,
         seed: int | None = None) -> QuizDisplay | QuizProblem:
    """Load a quiz (an id from the nearest ``quizzes/`` folder, or a path) and return it ready to show.

    ``student_id`` picks that student's variant (and fills the submission box); ``seed`` picks a variant
    directly; ``mode="assessment"`` hides feedback even for a practice quiz. Without either, a random
    variant is chosen once and kept in the learner's progress file.
    """
    from ..core.errors import UsageError

    options = {"mode": mode, "seed": seed, "student_id": student_id}
    wrong = _check_options(seed, student_id, mode)
    if wrong:
        return QuizProblem(ref, UsageError(wrong), options)
    from ..views.keyless import is_keyless_file, load_keyless

    try:
        path = find_quiz_file(ref)
        # a student's assigned copy (kcourse assign): the learner's view of their variant, no key inside
        loaded: Quiz | PublicQuiz = load_keyless(path) if is_keyless_file(path) else load_quiz(path)
    except KcourseError as e:
        return QuizProblem(ref, e, options)
    return QuizDisplay(loaded, seed=seed, student_id=student_id, mode=mode, ref=ref)
