"""Quizzes in the book: load, validate and render a quiz at build time, for notebook outputs and the ``quiz``
directive alike.

A problem with a quiz file is a Sphinx warning located at the quiz file and line (so ``-W`` fails the build
with the message ``kcourse validate`` prints); the page shows a short notice that names the quiz as the author
wrote it, never a path of the author's computer. kcourse warnings (``[kcourse.option-feedback]`` ...) are
Sphinx warnings of type ``kcourse`` and can be silenced with ``suppress_warnings = ["kcourse.<kind>"]``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.util import logging

from ..core.errors import KcourseError, Problem
from ..core.rules import MODES, is_seed
from .deps import quiz_file

log = logging.getLogger(__name__)


def _reported(env) -> set:
    app = env.app
    if not hasattr(app, "_kcourse_reported"):
        app._kcourse_reported = set()
    return app._kcourse_reported


def _shown(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path


def report_problem(env, p: Problem) -> None:
    """A quiz file problem as a Sphinx warning at its file and line (once per build)."""
    key = (p.file, p.line, p.path, p.message)
    if key in _reported(env):
        return
    _reported(env).add(key)
    field = f"{p.path}: " if p.path else ""
    fix = f" ({p.fix})" if p.fix else ""
    where = f"{p.file}:{p.line}" if p.line else f"{p.file}:"
    log.warning("%s%s%s", field, p.message, fix, location=where, type="kcourse", subtype="quiz")


def _warn(env):
    def warn(w) -> None:
        key = ("warning", str(w))
        if key not in _reported(env):
            _reported(env).add(key)
            log.warning("%s", w, type="kcourse", subtype=w.kind.value)

    return warn


def load_book_quiz(env, path: Path):
    """The quiz of ``path`` (a quiz file, or a student's key-less copy: the learner's view it holds), or ``None``
    after reporting its problems."""
    from ..core.loader import load_quiz
    from ..views.keyless import is_keyless_file, load_keyless

    try:
        return load_keyless(path) if is_keyless_file(path) else load_quiz(path, warn=_warn(env))
    except KcourseError as e:
        for p in getattr(e, "problems", None) or (Problem(str(path), None, "", e.format_message()),):
            report_problem(env, p)
    return None


def notice(ref: str) -> str:
    """What a reader sees instead of a quiz that could not be built (in the book's language)."""
    from ..core.i18n import t_html

    return (f"<div class='kcourse-quiz-error' role='alert'><p><strong>{t_html('page.unavailable', ref=repr(ref))}"
            f"</strong> {t_html('page.unavailable_why')}</p></div>")


def check_options(mode: Any, seed: Any, student_id: Any) -> str | None:
    if mode is not None and mode not in MODES:
        return f"mode must be one of {', '.join(MODES)}, not {mode!r}"
    if seed is not None and not is_seed(seed):
        return f"seed must be a whole number from 0 to 4294967295, not {seed!r}"
    if student_id is not None and not isinstance(student_id, str):
        return f"student_id must be text such as 's1234', not {student_id!r}"
    return None


def book_language(env) -> str:
    """The interface language of the book's quizzes: Sphinx's ``language`` (a Jupyter Book's
    ``sphinx: config: language: de``), English when it is unset or not shipped (:mod:`kcourse.core.i18n`)."""
    from ..core.i18n import language_code

    return language_code(getattr(env.config, "language", None))


def book_quiz_html(env, ref: str, base: Path, *, location: tuple[str, int | None], mode: str | None = None,
                   seed: int | None = None, student_id: str | None = None) -> tuple[str, set[Path]]:
    """The page markup of quiz ``ref`` (an id from the nearest ``quizzes/`` folder above ``base``, or a path
    relative to ``base``) and the files it was made from (for ``env.note_dependency``)."""
    from ..core.i18n import use_language

    with use_language(book_language(env)):
        return _book_quiz_html(env, ref, base, location=location, mode=mode, seed=seed, student_id=student_id)


def _book_quiz_html(env, ref: str, base: Path, *, location: tuple[str, int | None], mode: str | None,
                    seed: int | None, student_id: str | None) -> tuple[str, set[Path]]:
    from ..frontend.static_html import render_fragment
    from .deps import quiz_closure

    root = Path(env.srcdir)
    wrong = check_options(mode, seed, student_id)
    if wrong:
        log.warning("quiz %r: %s", ref, wrong, location=location, type="kcourse", subtype="quiz")
        return notice(ref), set()
    path = quiz_file(str(ref), base)
    if path is None:
        log.warning("no quiz %r from %s (give a quiz id from the quizzes/ folder or a path to a .yml file)",
                    ref, _shown(str(base), root) or ".", location=location, type="kcourse", subtype="quiz")
        return notice(ref), set()
    files = quiz_closure([path])
    quiz = load_book_quiz(env, path)
    if quiz is None:
        return notice(ref), files
    from ..core.course import course_id
    from ..views.markdown import quiz_images

    course = course_id(path.resolve().parent, configured=env.config.kcourse_course_id)
    with quiz_images(path.parent) as images:
        fragment = render_fragment(quiz, seed=seed, student_id=student_id, mode=mode, course=course,
                                   language=book_language(env))
    for why in dict.fromkeys(images.missing):
        report_problem(env, Problem(str(path), None, "", f"image {why}",
                                    "put the image file in the quiz's folder and name it relative to it"))
    return fragment, files | set(images.used)


def validate_used_quizzes(app, pages: list[Path]) -> None:
    """Load every quiz file the book's pages use, so a broken one fails ``-W`` even when no page is re-read."""
    from .deps import page_quizzes

    files: set[Path] = set()
    for page in pages:
        files |= page_quizzes(page)
    for f in sorted(files):
        load_book_quiz(app.env, f)
