"""Load quiz files from disk: one file, a quiz id, or a whole folder, each file independently."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .course import COURSE_FILE
from .errors import Problem, QuizFileError, UsageError
from .model import Quiz
from .validate import check_quiz
from .warnings_ import KcourseWarning, WarnCallback, ignore
from .yamlsource import load_yaml, read_text

QUIZ_SUFFIXES = (".yml", ".yaml")


COURSE_ENV = "KCOURSE_COURSE"
"""The course folder (``kcourse --course DIR``): where quiz ids are looked up when no folder is given."""


def find_quizzes_dir(start: Path | None = None) -> Path | None:
    """The nearest ``quizzes/`` folder at or above ``start`` (default: ``$KCOURSE_COURSE`` if set, else the
    current directory). A ``quizzes/`` folder given itself counts too."""
    if start is None and os.environ.get(COURSE_ENV, "").strip():
        start = Path(os.environ[COURSE_ENV].strip()).expanduser()
    here = (start or Path.cwd()).resolve()
    if here.name == "quizzes" and here.is_dir():
        return here
    for d in (here, *here.parents):
        if (d / "quizzes").is_dir():
            return d / "quizzes"
    return None


def resolve_quiz_ref(ref: str | Path, start: Path | None = None) -> Path:
    """A quiz file path from a path or a quiz id (``ch02-growing-up`` -> ``quizzes/ch02-growing-up.yml``)."""
    p = Path(ref)
    if p.suffix in QUIZ_SUFFIXES or p.exists():
        return p
    if "/" not in str(ref) and "\\" not in str(ref):
        d = find_quizzes_dir(start)
        if d is not None:
            for suffix in QUIZ_SUFFIXES:
                if (d / f"{ref}{suffix}").exists():
                    return d / f"{ref}{suffix}"
            known = ", ".join(sorted(q.stem for q in d.iterdir()
                                     if q.suffix in QUIZ_SUFFIXES and q.name != COURSE_FILE)) or "none"
            raise UsageError(f"no quiz '{ref}' in {d} (quizzes there: {known})")
        here = (start or Path.cwd()).resolve()
        raise UsageError(f"no quiz '{ref}': there is no quizzes/ folder in {here} or above it (run this inside "
                         "the course or give kcourse --course DIR, or give the path to the quiz's .yml file)")
    raise UsageError(f"no quiz file or quiz id '{ref}' (give a path to a .yml file, or a quiz id)")


def load_quiz_text(text: str, file: str = "<string>", *, warn: WarnCallback = ignore,
                   quizzes_dir: Path | None = None) -> Quiz:
    """Load a quiz from YAML text; raise :class:`QuizFileError` listing every problem."""
    quiz, problems = _load(text, file, warn, quizzes_dir, frozenset())
    if problems:
        raise QuizFileError(problems)
    assert quiz is not None  # internal invariant: no problems means a quiz was built
    return quiz


def load_quiz(path: str | Path, *, warn: WarnCallback = ignore) -> Quiz:
    """Load one quiz file (or quiz id); raise :class:`QuizFileError` listing every problem."""
    path = resolve_quiz_ref(path)
    text, problems = read_text(path, str(path))
    if problems or text is None:
        raise QuizFileError(problems)
    return load_quiz_text(text, str(path), warn=warn, quizzes_dir=path.parent)


def _load(text, file, warn, quizzes_dir, visiting: frozenset[str]):
    loc, problems = load_yaml(text, file)
    if loc is None:
        return None, problems

    def resolve(quiz_id: str):
        if quizzes_dir is None:
            return [Problem(file, None, "", "no quizzes folder to look in")]
        if quiz_id in visiting:
            return [Problem(file, None, "", f"quiz '{quiz_id}' draws from itself")]
        target = next((quizzes_dir / f"{quiz_id}{s}" for s in QUIZ_SUFFIXES
                       if (quizzes_dir / f"{quiz_id}{s}").exists()), None)
        if target is None:
            return [Problem(str(quizzes_dir / f"{quiz_id}.yml"), None, "", "no such quiz file")]
        t, p = read_text(target, str(target))
        if p:
            return p
        q, p = _load(t, str(target), ignore, quizzes_dir, visiting | {quiz_id})
        return p if p else q

    own_id = loc.data.get("id") if isinstance(loc.data, dict) else None
    if isinstance(own_id, str):
        visiting = visiting | {own_id}
    quiz, more = check_quiz(loc, warn=warn, resolve_quiz=resolve)
    return quiz, problems + more


@dataclass
class LoadReport:
    """The outcome of loading many files: good quizzes are kept whatever happens to the others."""

    quizzes: dict[str, Quiz] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[KcourseWarning] = field(default_factory=list)
    files: int = 0


def quiz_files(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix in QUIZ_SUFFIXES and f.is_file()
                           and f.name != COURSE_FILE)  # the course's id, not a quiz
            if not found:
                problems.append(Problem(str(p), None, "", "no .yml quiz files in this folder", "check the path"))
            files += found
        elif p.exists():
            files.append(p)
        else:
            problems.append(Problem(str(p), None, "", "no such file or folder", "check the path"))
    return files, problems


def load_many(paths: list[str | Path]) -> LoadReport:
    """Load every quiz file under ``paths``; a bad file is reported and the rest still load."""
    report = LoadReport()
    files, report.problems = quiz_files(paths)
    for f in files:
        report.files += 1
        text, problems = read_text(f, str(f))
        if problems:
            report.problems += problems
            continue
        quiz, problems = _load(text, str(f), report.warnings.append, f.parent, frozenset())
        report.problems += problems
        if quiz is None:
            continue
        if quiz.id in report.quizzes:
            first = report.quizzes[quiz.id].source
            report.problems.append(Problem(str(f), 1, "id", f"quiz id '{quiz.id}' is also used by {first}",
                                           "give every quiz its own id"))
            continue
        if f.stem != quiz.id:
            report.problems.append(Problem(
                str(f), 1, "id", f"the file is named '{f.name}' but its id is '{quiz.id}'",
                f"rename the file to {quiz.id}{f.suffix} so 'kcourse.quiz(\"{quiz.id}\")' finds it"))
            continue
        report.quizzes[quiz.id] = quiz
    return report
