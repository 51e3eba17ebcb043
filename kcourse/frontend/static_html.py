"""A self-contained HTML quiz for the published book and for standalone assignment pages.

``render_fragment`` gives one block of markup with the quiz data (``<script type="application/json">``),
inline CSS and inline JS (``static/saferegex.js``, the pattern matcher, only where a practice quiz has patterns;
then ``static/grader.js``, the pure grader, and ``static/quiz.js``, the page part, as one script; each defined
once per page however many quizzes it holds): the scripts minified by terser ahead of time (committed bundles,
:mod:`kcourse.frontend.bundles`; ``KCOURSE_READABLE_JS=1`` embeds the readable sources), the style by rcssmin.
Nothing is loaded from anywhere else.
``render_document`` wraps a fragment in a whole offline page.
What the data holds in practice and assessment mode is described in :mod:`kcourse.views.pagedata`.
"""
from __future__ import annotations

import html
from functools import lru_cache
from importlib.resources import files

import rcssmin

from ..core.i18n import current, page_strings, t, t_html, use_language
from ..core.model import Quiz
from ..core.public import PublicQuiz
from ..views.pagedata import page_data, to_script_json
from . import bundles

#: The scripts a page carries, in this order, as one inline <script> (a later one uses the earlier ones).
SCRIPTS = ("grader.js", "quiz.js")


def asset(name: str) -> str:
    """A file of ``static/`` as a page carries it: a script as :func:`script` gives it, the style minified
    (:func:`compact_css`). ``asset("quiz.js")`` is the whole script of a page: every file of :data:`SCRIPTS`, in order.
    """
    return _asset(name, bundles.readable())


@lru_cache(maxsize=16)
def _asset(name: str, readable: bool) -> str:
    if name == "quiz.js":
        return "\n".join(script(n) for n in SCRIPTS)
    if name.endswith(".js"):
        return script(name)
    return compact_css(files(__package__).joinpath("static", name).read_text(encoding="utf-8"))


def script(name: str) -> str:
    """The script ``static/<name>`` as a page carries it (:func:`kcourse.frontend.bundles.code`: minified by terser,
    unless the readable sources are asked for). ``</`` is kept out: an inline ``<script>`` ends at ``</script``."""
    return bundles.code(name).replace("</", "<\\/")


def compact_css(css: str) -> str:
    """The style as a page carries it, minified by rcssmin (``</`` kept out, as for scripts)."""
    return rcssmin.cssmin(css).replace("</", "<\\/")


def strings_block() -> str:
    """The interface strings of the language in use, for the page's scripts (``tr`` in ``static/grader.js``)."""
    return f'<script type="application/json" class="kq-strings">{to_script_json(page_strings())}</script>'


def render_fragment(quiz: Quiz | PublicQuiz, *, seed: int | None = None, student_id: str | None = None,
                    mode: str | None = None, heading: int = 3, course: str | None = None,
                    language: str | None = None, student_name: str | None = None) -> str:
    """A self-contained HTML fragment (markup, inline CSS and JS, quiz data) for a notebook output.

    ``seed`` (or ``student_id``, through :func:`kcourse.core.variants.seed_for`) fixes the variant; without
    them a practice page picks a random seed once per browser. ``mode`` overrides the quiz's own mode.
    ``heading`` is the level of the quiz title's heading (3: under a chapter's "Quiz" section).
    ``course`` (default: the course of the quiz's file, :mod:`kcourse.core.course`) keys the browser's storage.
    ``language`` (default: the course's, :func:`kcourse.core.course.language_of_quiz`) is the interface's.
    ``student_name`` (with ``student_id``) is shown under the title: whose page this is.
    """
    from ..core.course import language_of_quiz

    with use_language(language or language_of_quiz(quiz.source)):
        return _fragment(quiz, seed=seed, student_id=student_id, mode=mode, heading=heading, course=course,
                         student_name=student_name)


def _fragment(quiz: Quiz | PublicQuiz, *, seed: int | None, student_id: str | None, mode: str | None, heading: int,
              course: str | None, student_name: str | None) -> str:
    from ..core.course import course_of_quiz
    from ..views.markdown import images_of

    with images_of(quiz.source):  # images next to the quiz go into the page
        data = page_data(quiz, seed=seed, student_id=student_id, mode=mode)
    title = html.escape(quiz.title)
    course = course if course is not None else course_of_quiz(quiz.source)
    course_attr = f' data-kq-course="{html.escape(course)}"' if course else ""
    return (
        f'<section class="kq" data-kq{course_attr} lang="{t("meta.lang")}" '
        f'aria-label="{html.escape(t("page.quiz_label", title=quiz.title))}">'
        f'<h{heading} class="kq-title">{title}</h{heading}>'
        f'{_who(student_id, student_name)}'
        f'<noscript><p>{html.escape(t("page.noscript"))}</p></noscript>'
        '<div class="kq-app"></div>'
        f'<script type="application/json" class="kq-data">{to_script_json(data)}</script>'
        f'{strings_block()}'
        f'<style>{asset("quiz.css")}</style>'
        + (f'<script>{asset("saferegex.js")}</script>' if uses_patterns(quiz, mode) else "")
        + f'<script>{asset("quiz.js")}</script>'
        '</section>'
    )


def uses_patterns(quiz: Quiz | PublicQuiz, mode: str | None = None) -> bool:
    """Whether a page of ``quiz`` needs the pattern matcher (``static/saferegex.js``, 9.4 KB): only a practice
    page grades, and only a text question with a ``pattern`` uses it (grader.js looks it up when grading)."""
    return isinstance(quiz, Quiz) and (mode or quiz.mode) == "practice" and \
        any(getattr(q, "pattern", None) for q in quiz.all_questions)


def _who(student_id: str | None, name: str | None) -> str:
    if not student_id or not name:
        return ""
    who = t_html("page.student", markup={"name": f"<strong>{html.escape(name)}</strong>"}, id=student_id.strip())
    return f'<p class="kq-who">{who}</p>'


def render_progress_fragment(course: str | None = None, language: str | None = None) -> str:
    """The live course progress of the static book: drawn in the reader's browser from the answers it keeps
    (``static/progress.js``), never from the machine that built the book; only the quizzes of ``course``
    (the storage keys quiz.js writes with ``data-kq-course``; without a course, the keys of pages without one).
    ``language``: of the interface (default: the one in use; the book's renderer makes it in the book's)."""
    course_attr = f' data-kq-course="{html.escape(course)}"' if course else ""
    with use_language(language or current()):
        return (
            f'<section class="kq" data-kq-progress{course_attr} lang="{t("meta.lang")}" '
            f'aria-label="{html.escape(t("page.progress_label"))}">'
            f'<p class="kq-title">{html.escape(t("page.progress_title"))}</p>'
            f'<noscript><p>{html.escape(t("page.progress_noscript"))}</p></noscript>'
            '<div class="kq-app"></div>'
            f'{strings_block()}'
            f'<style>{asset("quiz.css")}</style>'
            f'<script>{script("grader.js")}\n{script("progress.js")}\n{script("quiz.js")}</script>'
            '</section>'
        )


def render_document(quiz: Quiz | PublicQuiz, *, seed: int | None = None, student_id: str | None = None,
                    mode: str | None = None, language: str | None = None, student_name: str | None = None) -> str:
    """A whole standalone offline HTML page with the quiz (opens from a file:// address too); with
    ``student_name``, the page says whose it is."""
    from ..core.course import language_of_quiz

    title = html.escape(quiz.title)
    language = language or language_of_quiz(quiz.source)
    with use_language(language):
        lang = t("meta.lang")
    fragment = render_fragment(quiz, seed=seed, student_id=student_id, mode=mode, heading=1, language=language,
                               student_name=student_name)
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title>'
        '<style>body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}'
        'main{max-width:48rem;margin:0 auto;padding:1rem}'
        '@media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}}</style>'
        f'</head><body><main>{fragment}</main>'
        '</body></html>\n'
    )
