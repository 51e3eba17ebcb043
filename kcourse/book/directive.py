"""The ``quiz`` directive: a quiz on a Markdown (or reStructuredText) page, with no kernel and no execution.

MyST::

    ```{quiz} ch02-growing-up
    :mode: assessment
    ```

The argument is a quiz id (the nearest ``quizzes/`` folder above the page) or a path to a quiz file relative to
the page. Options: ``mode`` (practice or assessment), ``seed``, ``student-id``. The page shows the same offline
static quiz as a notebook's ``kcourse.quiz(...)`` output, and is read again whenever the quiz file (or a quiz
it draws pools from) changes.
"""
from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..core.model import MODES


def _mode(argument: str | None) -> str:
    return directives.choice(argument, MODES)


class QuizDirective(SphinxDirective):
    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    has_content = False
    option_spec = {"mode": _mode, "seed": directives.nonnegative_int, "student-id": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from .quizzes import book_quiz_html

        page = Path(self.env.doc2path(self.env.docname))
        html, files = book_quiz_html(self.env, self.arguments[0].strip(), page.parent,
                                     location=(self.env.docname, self.lineno), mode=self.options.get("mode"),
                                     seed=self.options.get("seed"), student_id=self.options.get("student-id"))
        for f in files:
            self.env.note_dependency(str(f))
        return [nodes.raw("", html, format="html")]
