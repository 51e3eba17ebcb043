"""``kcourse assign``: a personal assessment-mode copy of a quiz for every student of a roster.

For each student, in ``OUT/<student id>/``:

- ``<quiz>.html``: a standalone offline page (:func:`kcourse.frontend.static_html.render_document` with
  the student's seed, id and ``mode="assessment"``) that saves a submission file;
- ``<quiz>.ipynb``: a notebook for JupyterLab whose one code cell shows the quiz with ``kcourse.quiz(...)``;
- ``<quiz>.keyless.yml``: the key-less copy of the student's variant that the notebook loads (see
  :mod:`kcourse.views.keyless`); the full quiz file with its key never goes into a student's folder.

and, for the instructor, ``OUT/manifest.json`` and ``OUT/manifest.csv`` (:mod:`.manifest`). Running it
again writes the same student files (seeds depend only on the quiz id and the student id); only the
manifest's ``created_at`` changes.
"""
from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from .. import qtypes as qt
from ..core import model as m
from ..core.errors import Problem, UsageError
from ..core.rules import safe_name
from ..core.variants import make_variant, seed_for
from .answers import md_escape
from .files import write_text_atomically, writing_text_atomically
from .manifest import Assignment, Manifest, quiz_digest, read_manifest
from .platform import display_name
from .roster import Roster, Student

GENERATOR = f"kcourse {__version__} (kcourse assign)"
_MIN_LEAK = 12


class KeyLeakError(UsageError):
    """A page meant for a student would contain part of the key; nothing was written for that student."""


@dataclass(frozen=True)
class AssignReport:
    manifest: Manifest
    out: Path
    files: int


def key_texts(quiz: m.Quiz, question_ids: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """``(where, text)`` of every text that only the key holds and that is long enough to recognise:
    explanations, option feedback, true/false feedback. (Hints are not part of the key.)"""
    out = []
    for qid in question_ids if question_ids is not None else [q.id for q in quiz.all_questions]:
        q = quiz.question(qid)
        texts = [("explanation", q.explanation)] + qt.dispatch(_KEY_TEXTS, q, "key texts")(q)
        out += [(f"{qid}.{where}", t.strip()) for where, t in texts if len(t.strip()) >= _MIN_LEAK]
    return out


def _option_feedback(q: Any) -> list[tuple[str, str]]:
    return [(f"options.{o.id}.feedback", o.feedback) for o in q.options]


_KEY_TEXTS: dict[str, Callable[[Any], list[tuple[str, str]]]] = {
    "single": _option_feedback, "multiple": _option_feedback,
    "true_false": lambda q: [("feedback_true", q.feedback_true), ("feedback_false", q.feedback_false)],
    "numeric": lambda q: [], "text": lambda q: [], "ordering": lambda q: [], "matching": lambda q: [],
}
"""The texts beyond the explanation that only the key of a question holds, ``(field, text)``, for each type."""


def _forms(text: str) -> set[str]:
    as_json = {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
    in_script = {j.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") for j in as_json}
    return {text, html.escape(text), html.escape(text, quote=False)} | as_json | in_script


def key_leaks(quiz: m.Quiz, page: str, question_ids: tuple[str, ...] | None = None) -> list[str]:
    """Where ``page`` contains a key text (raw, HTML-escaped or JSON-escaped): an explanation or feedback."""
    return [where for where, t in key_texts(quiz, question_ids) if any(f in page for f in _forms(t))]


def notebook_json(quiz: m.Quiz, student: Student, keyless_name: str) -> str:
    """A JupyterLab notebook (nbformat 4.5) that shows the student's key-less quiz in assessment mode."""
    name = display_name(student.name)  # "Hernández, José" (Canvas) reads "José Hernández"
    who = f"**{md_escape(name)}** (student id `{student.student_id.replace('`', '')}`)" if name \
        else f"student id `{student.student_id.replace('`', '')}`"
    intro = (f"# {md_escape(quiz.title)}\n\n"
             f"Quiz `{quiz.id}` ({quiz.chapter_label}) for {who}.\n\n"
             "1. Run the cell below (Shift+Enter).\n"
             "2. Answer every question. Your answers are kept on this computer as you go.\n"
             "3. Press **Save submission** and hand in the `.json` file it writes next to this notebook.\n\n"
             "This is an assessment: there is no feedback until your instructor has graded it.")
    code = f"import kcourse\n\nkcourse.quiz({keyless_name!r}, student_id={student.student_id!r}, mode=\"assessment\")"
    cells = [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": intro},
        {"cell_type": "code", "id": "quiz", "metadata": {}, "execution_count": None, "outputs": [], "source": code},
    ]
    nb = {"cells": cells,
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                       "language_info": {"name": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _folders(roster: Roster) -> dict[str, str]:
    folders: dict[str, str] = {}
    used: dict[str, Student] = {}
    problems = []
    for s in roster:
        name = safe_name(s.student_id)
        other = used.get(name.casefold())
        if other is not None:
            problems.append(Problem(roster.source, s.line or None, "",
                                    f"student ids '{other.student_id}' and '{s.student_id}' give the same folder "
                                    f"name '{name}'", "make the ids differ in letters or digits"))
            continue
        used[name.casefold()] = s
        folders[s.student_id] = name
    if problems:
        from ..core.errors import InputError

        raise InputError(problems)
    return folders


def assign(*, quiz: m.Quiz, roster: Roster, out: str | Path, now: str | None = None,
           progress: Callable[[int], None] | None = None, class_page: bool = False) -> AssignReport:
    """Write every student's page, notebook and key-less quiz, then the manifest; return what was written."""
    from ..core.submission import now_iso
    from ..views.keyless import SUFFIX, write_keyless

    out = Path(out)
    old = out / "manifest.json"
    if old.exists():
        previous = read_manifest(old)
        if previous.quiz_id != quiz.id:
            raise UsageError(f"{out} already holds the assignment of quiz '{previous.quiz_id}' "
                             f"(see {old}); choose another --out folder")
    from ..frontend.static_html import render_document

    digest = quiz_digest(quiz)
    folders = _folders(roster)
    entries, written = [], 0
    for s in roster:
        seed = seed_for(quiz.id, s.student_id)
        shown = make_variant(quiz, seed).question_ids
        page = render_document(quiz, seed=seed, student_id=s.student_id, mode="assessment",
                               student_name=display_name(s.name) or None)
        leaks = key_leaks(quiz, page, shown)
        if leaks:
            raise KeyLeakError(f"the page for {s.label} would contain key text ({', '.join(leaks[:3])}); "
                               "nothing was written for this student. Report this as a bug in the static page.")
        keyless_name = f"{quiz.id}{SUFFIX}"
        keyless = write_keyless(quiz, seed, student_id=s.student_id, quiz_digest=digest)
        folder = folders[s.student_id]
        files = {"html": f"{folder}/{quiz.id}.html", "notebook": f"{folder}/{quiz.id}.ipynb",
                 "keyless": f"{folder}/{keyless_name}"}
        write_text_atomically(out / files["html"], page)
        write_text_atomically(out / files["keyless"], keyless)
        write_text_atomically(out / files["notebook"], notebook_json(quiz, s, keyless_name))
        written += 3
        entries.append(Assignment(s, seed, files))
        if progress is not None:
            progress(1)
    manifest = Manifest(quiz_id=quiz.id, quiz_title=quiz.title, quiz_digest=digest, quiz_source=quiz.source,
                        created_at=now or now_iso(), generator=GENERATOR, assignments=tuple(entries),
                        source=str(out / "manifest.json"))
    if class_page:
        from .classpage import class_page_parts

        parts, shown = class_page_parts(quiz, roster)
        with writing_text_atomically(out / f"{quiz.id}-class.html", newline="") as f:
            for part in parts:  # a student's variant at a time (the page of a large class is big)
                leaks = key_leaks(quiz, part, shown)
                if leaks:
                    raise KeyLeakError(f"the class page would contain key text ({', '.join(leaks[:3])}); it was not "
                                       "written. Report this as a bug in the static page.")
                f.write(part)
        written += 1
    write_text_atomically(out / "manifest.csv", manifest.to_csv())
    write_text_atomically(out / "manifest.json", manifest.to_json())
    return AssignReport(manifest, out, written + 2)
