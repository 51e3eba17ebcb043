"""The course a quiz belongs to, so that two courses reusing a quiz id keep their answers apart.

A course id is lower-case letters, digits, ``-`` and ``_``. It comes from, in this order:

1. ``kcourse_course_id`` in the book's Sphinx configuration (the published pages only);
2. ``id:`` in ``course.yml`` in the quizzes folder (``quizzes/course.yml``);
3. the name of the course folder (the folder that holds ``quizzes/``), made into an id.

It keys the learner's progress file (``<course>/<quiz id>``), the browser's storage
(``kcourse:v2:<course>:<quiz id>:<mode>``) and is recorded with each quiz in a gradebook. Records written
before courses had ids (keyed by quiz id alone) are read once by the first course that asks, and then kept
under its id. Pure: no IPython; yaml is imported only when a ``course.yml`` is read.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

COURSE_FILE = "course.yml"
COURSE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def course_id_from(name: str) -> str:
    """An id from a folder name or title: lower case, words joined by hyphens (``My Course!`` -> ``my-course``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")
    return slug or "course"


def course_dir_of(quiz_file: str | Path) -> Path:
    """The folder of a quiz's ``course.yml``: the quiz file's own folder (normally ``quizzes/``)."""
    return Path(quiz_file).resolve().parent


@lru_cache(maxsize=64)
def _read_course_file(path: Path, mtime: float) -> dict:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _course_setting(quizzes_dir: str | Path, key: str) -> object:
    f = Path(quizzes_dir).resolve() / COURSE_FILE
    try:
        return _read_course_file(f, f.stat().st_mtime).get(key)
    except OSError:
        return None


def _read_id(path: Path, mtime: float) -> str | None:
    cid = _read_course_file(path, mtime).get("id")
    return cid if isinstance(cid, str) and COURSE_ID.match(cid) else None


def course_language(quizzes_dir: str | Path | None) -> str:
    """The interface language of a course's learner views outside the book (JupyterLab widgets, pages made by
    the instructor tools): ``language:`` in ``quizzes/course.yml`` (``de``, ``en``), English without one."""
    from .i18n import language_code

    return language_code(_course_setting(quizzes_dir, "language") if quizzes_dir is not None else None)


def language_of_quiz(quiz_file: str | Path | None) -> str:
    """:func:`course_language` of a loaded quiz's file (English for a quiz that came from no file)."""
    if not quiz_file or str(quiz_file).startswith("<"):
        return course_language(None)
    return course_language(course_dir_of(quiz_file))


def course_id(quizzes_dir: str | Path | None, configured: str | None = None) -> str:
    """The course id of the quizzes in ``quizzes_dir`` (see the module docstring for the order)."""
    if configured:
        return configured if COURSE_ID.match(configured) else course_id_from(configured)
    if quizzes_dir is None:
        return "course"
    d = Path(quizzes_dir).resolve()
    f = d / COURSE_FILE
    try:
        found = _read_id(f, f.stat().st_mtime)
    except OSError:
        found = None
    if found:
        return found
    return course_id_from(d.parent.name if d.name == "quizzes" else d.name)


def course_of_quiz(quiz_file: str | Path | None) -> str | None:
    """The course id of a loaded quiz's file; ``None`` for a quiz that came from no file."""
    if not quiz_file or str(quiz_file).startswith("<"):
        return None
    return course_id(course_dir_of(quiz_file))
