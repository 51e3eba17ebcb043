"""The book's myst-nb renderer (``nb_render_plugin = "kcourse"``, set by the :mod:`kcourse.book` extension).

- A quiz output carries ``application/vnd.kcourse.quiz+json`` (the quiz reference and options given to
  ``kcourse.quiz``). The extension ranks it first for HTML, and this renderer makes the static quiz from the
  quiz file *as it is at build time*: a notebook saved with outputs, or not executed again
  (``execute_notebooks: auto``/``off``), never publishes an old quiz, and a broken quiz file is a located
  build warning instead of an error box with the author's paths.
- Executing a notebook saves the ipywidgets state of its quiz widgets in the notebook metadata, and myst-nb
  embeds that state in the page for widget JavaScript to pick up. The static book loads no widget JavaScript
  (every quiz carries its own self-contained HTML form), so the state is dead weight: several hundred
  kilobytes of JSON per chapter page. This renderer leaves it out.
"""
from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from myst_nb.core.render import MimeData, NbElementRenderer

from ..frontend.display import QUIZ_MIME

PROGRESS_MARK = '<section class="kq" data-kq-progress'


class KcourseRenderer(NbElementRenderer):
    def render_nb_finalise(self, metadata: dict) -> None:
        super().render_nb_finalise({k: v for k, v in metadata.items() if k != "widgets"})

    def render_mime_type(self, data: MimeData) -> list[nodes.Element]:
        if data.mime_type == QUIZ_MIME:
            return self._render_quiz(data)
        if data.mime_type == "text/html" and PROGRESS_MARK in data.string:
            import re

            found = re.search(r'data-kq-progress data-kq-course="([^"]*)"', data.string)
            self._progress_course = found.group(1) if found else None  # the kernel's course, kept
            return self._render_progress()
        return super().render_mime_type(data)

    def _render_progress(self) -> list[nodes.Element]:
        """The browser's progress view, made again in the book's language (the kernel made it in the course's)."""
        from ..frontend.static_html import render_progress_fragment
        from .quizzes import book_language

        env = self.renderer.document.settings.env
        html = render_progress_fragment(course=self._progress_course, language=book_language(env))
        return [nodes.raw(text=html, format="html", classes=["output", "text_html"])]

    def _render_quiz(self, data: MimeData) -> list[nodes.Element]:
        from .quizzes import book_quiz_html

        spec = data.content if isinstance(data.content, dict) else json.loads(data.string)
        env = self.renderer.document.settings.env
        html, files = book_quiz_html(env, str(spec.get("ref", "")), Path(self.source).parent,
                                     location=(env.docname, data.line), mode=spec.get("mode"),
                                     seed=spec.get("seed"), student_id=spec.get("student_id"))
        for f in files:
            env.note_dependency(str(f))
        return [nodes.raw(text=html, format="html", classes=["output", "text_html"])]
