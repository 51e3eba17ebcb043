"""``kcourse new DIR``: a starter course that builds clean with ``jupyter-book build DIR -W -n --keep-going``.

The files come from ``kcourse/book/template/``: a book configuration that uses the :mod:`kcourse.book`
extension, one notebook chapter, one Markdown page with the ``quiz`` directive, a quiz with every question
type, ``quizzes/course.yml`` with the course id, and a CI workflow that runs the two checks. ``{{title}}``,
``{{author}}``, ``{{course_id}}`` and ``{{language}}`` (the quiz interface's, in the book's Sphinx ``language``
and in ``course.yml`` for JupyterLab) in them are filled in. Pure file copying: no Sphinx import.
"""
from __future__ import annotations

from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from ..core.course import COURSE_ID, course_id_from
from ..core.errors import UsageError
from ..core.i18n import LANGUAGES


def _walk(node: Traversable, prefix: str = ""):
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name == "__pycache__":
            continue
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, rel + "/")
        else:
            yield rel, child


def new_course(dest: str | Path, *, title: str | None = None, course_id: str | None = None,
               author: str = "The course authors", language: str = "en") -> list[Path]:
    """Write the starter course into ``dest`` (a new or empty folder); returns the files written."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} already exists and is not an empty folder (choose a new folder name)")
    title = title or dest.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "My course"
    course_id = course_id or course_id_from(dest.resolve().name)
    if not COURSE_ID.match(course_id):
        raise UsageError(f"course id {course_id!r}: use lower-case letters, digits, '-' and '_' "
                         "(up to 64, starting with a letter or digit)")
    if language not in LANGUAGES:
        raise UsageError(f"language {language!r}: the quiz interface speaks {', '.join(LANGUAGES)}")
    fill = {"{{title}}": title.replace('"', "'"), "{{author}}": author.replace('"', "'"), "{{course_id}}": course_id,
            "{{year}}": str(date.today().year),  # Jupyter Book's own default footer says 2023
            "{{language}}": language}
    written = []
    for rel, src in _walk(files(__package__).joinpath("template")):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_text(encoding="utf-8")
        for key, value in fill.items():
            text = text.replace(key, value)
        target.write_text(text, encoding="utf-8")
        if target.suffix == "" and text.startswith("#!"):
            target.chmod(0o755)  # .ci/run
        written.append(target)
    return written
