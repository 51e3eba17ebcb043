"""The course progress page (``kcourse.progress()``): every chapter quiz with the learner's answers and scores.

A table as HTML (``_repr_html_``) and as text, built from the quizzes of the nearest ``quizzes/`` folder and
the learner's progress file. No IPython import: the object renders itself. Its display carries three forms:
in JupyterLab a live widget (redrawn whenever a quiz in this kernel saves, and by its Refresh button); in the
static book the browser's own progress (:func:`kcourse.frontend.static_html.render_progress_fragment`: a book
page must never show the progress of the machine that built it); and text.
"""
from __future__ import annotations

import html
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.course import course_language
from ..core.errors import Problem
from ..core.i18n import number as i18n_number
from ..core.i18n import t, use_language
from ..storage.progress_store import CourseRow, ProgressStore, course_rows, shown_path

HEADERS = ("chapter", "quiz", "answered", "score", "best", "passed")
"""Keys of the column heads (``progress.<name>`` in :mod:`kcourse.core.i18n`)."""


def headers() -> tuple[str, ...]:
    return tuple(t("progress." + h) for h in HEADERS)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{i18n_number(x)}%"


def _passed(row: CourseRow) -> str:
    if row.assessment:
        return t("lab.submitted") if row.submitted_at else "—"
    if row.passed is None:
        return "—"
    return t("progress.yes" if row.passed else "progress.not_yet")


def _cells(row: CourseRow, same_chapter: bool = False) -> tuple[str, ...]:
    score = t("lab.graded_by_instructor") if row.assessment and row.started else _pct(row.score)
    title = row.title + (" " + t("lab.assessment_mark") if row.assessment else "")
    chapter = "" if same_chapter or row.chapter is None else str(row.chapter)
    return (chapter, title, f"{row.answered}/{row.total}", score,
            "—" if row.assessment else _pct(row.best), _passed(row))


def _table(rows: list[CourseRow]) -> list[tuple[str, ...]]:
    """The cells of every row; a chapter number is written once for the quizzes of one chapter."""
    return [_cells(r, k > 0 and rows[k - 1].chapter == r.chapter) for k, r in enumerate(rows)]


_LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def refresh_live() -> None:
    """Redraw every live progress widget of this kernel (a quiz saved an answer)."""
    for view in list(_LIVE):
        view.refresh()


class CourseProgress:
    """The learner's progress through the course's quizzes."""

    def __init__(self, rows: list[CourseRow], *, store_path: Path, quizzes_dir: Path | None,
                 problems: list[Problem] | None = None, notices: list[str] | None = None,
                 course: str | None = None):
        self.rows = rows
        self.course = course
        """The course id: the static book's view lists this course's quizzes only, as the table here does."""
        self.store_path = store_path
        self.quizzes_dir = quizzes_dir
        self.problems = problems or []
        self.notices = notices or []

    @property
    def started(self) -> list[CourseRow]:
        return [r for r in self.rows if r.started]

    def _empty_message(self) -> str | None:
        if self.quizzes_dir is None:
            return t("lab.no_quizzes_dir")
        if not self.rows:
            return t("lab.no_quizzes", folder=str(self.quizzes_dir))
        if not self.started:
            return t("lab.none_answered")
        return None

    def _footer(self) -> str:
        return t("lab.progress_footer", path=shown_path(self.store_path))

    @property
    def language(self) -> str:
        """The course's interface language (``language:`` in ``quizzes/course.yml``)."""
        return course_language(self.quizzes_dir)

    def __repr__(self) -> str:
        with use_language(self.language):
            return self._text()

    def _text(self) -> str:
        lines = [f"⚠ {n}" for n in self.notices]
        empty = self._empty_message()
        if empty:
            lines.append(empty)
        if self.rows:
            table = [headers(), *_table(self.rows)]
            widths = [max(len(row[k]) for row in table) for k in range(len(HEADERS))]
            for k, row in enumerate(table):
                lines.append("  ".join(c.ljust(wd) for c, wd in zip(row, widths)).rstrip())
                if k == 0:
                    lines.append("  ".join("-" * wd for wd in widths))
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s) in quiz files (run kcourse validate):")
            lines += [f"  {p}" for p in self.problems]
        lines.append(self._footer())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        with use_language(self.language):
            return self._html()

    def _html(self) -> str:
        out = ["<div class='kcourse-progress'>"]
        out += [f"<p class='kcourse-notice' role='alert'>⚠ {html.escape(n)}</p>" for n in self.notices]
        empty = self._empty_message()
        if empty:
            out.append(f"<p>{html.escape(empty)}</p>")
        if self.rows:
            head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in headers())
            body = []
            for cells in _table(self.rows):
                c = [html.escape(x) for x in cells]
                body.append(f"<tr><td>{c[0]}</td><th scope='row' style='text-align:left'>{c[1]}</th>"
                            + "".join(f"<td>{x}</td>" for x in c[2:]) + "</tr>")
            out.append(f"<table><caption>{html.escape(t('lab.progress_caption'))}</caption>"
                       f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
        if self.problems:
            items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in self.problems)
            out.append(f"<p>{len(self.problems)} problem(s) in quiz files (run <code>kcourse validate</code>):"
                       f"</p><ul>{items}</ul>")
        out.append(f"<p><small>{html.escape(self._footer())}</small></p></div>")
        return "".join(out)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from .static_html import render_progress_fragment

        data: dict[str, Any] = {}
        try:
            data.update(LiveProgress(self._reload).widget._repr_mimebundle_() or {})
        except ImportError:  # pragma: no cover - ipywidgets is in requirements.txt
            pass
        data["text/html"] = render_progress_fragment(self.course)
        data["text/plain"] = repr(self)
        return data

    _reload: Callable[[], CourseProgress] = staticmethod(lambda: course_progress())


class LiveProgress:
    """The JupyterLab view of the progress page: the table, redrawn on every quiz save and by Refresh."""

    def __init__(self, load: Callable[[], CourseProgress]):
        import ipywidgets as w

        self.load = load
        page = load()
        self.table = w.HTML(page._repr_html_())
        with use_language(page.language):
            button = w.Button(description=t("lab.refresh"), icon="refresh", tooltip=t("lab.refresh_tip"))
        button.on_click(lambda _b: self.refresh())
        self.widget = w.VBox([self.table, button])
        _LIVE.add(self)

    def refresh(self) -> None:
        self.table.value = self.load()._repr_html_()


def course_progress(*, start: str | Path | None = None, store: ProgressStore | None = None) -> CourseProgress:
    """The progress page for the quizzes of the nearest ``quizzes/`` folder at or above ``start`` (default: here)."""
    from ..core.course import course_id
    from ..core.loader import find_quizzes_dir, load_many

    qdir = find_quizzes_dir(Path(start) if start is not None else None)
    store = store if store is not None else ProgressStore(course=course_id(qdir) if qdir is not None else None)
    if qdir is None:
        return CourseProgress([], store_path=store.path, quizzes_dir=None, notices=store.notices, course=store.course)
    report = load_many([qdir])
    rows = course_rows(report.quizzes.values(), store.records())
    page = CourseProgress(rows, store_path=store.path, quizzes_dir=qdir, problems=report.problems,
                          notices=store.notices, course=store.course)
    page._reload = lambda: course_progress(  # type: ignore[method-assign]
        start=start, store=ProgressStore(store.path, course=store.course))
    return page
