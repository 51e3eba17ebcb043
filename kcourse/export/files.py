"""Write exports to disk: one quiz to one file, or every quiz of the course into a folder.

Files are written atomically (a temporary file in the same folder, then ``os.replace``), so an
interrupted export never leaves half a file where an LMS import would pick it up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import Problem, UsageError
from ..core.warnings_ import WarnCallback, ignore
from ..storage.atomicfile import write_bytes_atomically
from . import FORMATS, render


@dataclass
class ExportReport:
    """What an export did: files written, problems with quizzes that could not be exported."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was done that the user did not ask for in so many words (an extension added to ``--out``)."""
    problems: list[Problem] = field(default_factory=list)
    stdout: bytes | None = None
    """The export itself when it was asked for on standard output (``--out -``)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    Raises :class:`UsageError` (not a traceback) when the folder is missing or not writable.
    """
    path = Path(path)
    try:
        write_bytes_atomically(path, data, make_parents=False)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None


def export_files(*, quiz: str | None, all_quizzes: bool, fmt: str, out: str | None,
                 warn: WarnCallback = ignore, start: Path | None = None) -> ExportReport:
    """Export one quiz (a file or quiz id) or, with ``all_quizzes``, every quiz of the nearest ``quizzes/``.

    One quiz goes to ``out`` (default ``<quiz id><suffix>`` here; ``-`` means standard output, returned
    in :attr:`ExportReport.stdout`). Every quiz goes into the folder ``out``, one file per quiz; a quiz
    with problems is reported and the others are still exported.
    """
    from ..core.loader import find_quizzes_dir, load_many, load_quiz

    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    spec = FORMATS[fmt]
    report = ExportReport()
    if all_quizzes:
        if quiz:
            raise UsageError("give either a QUIZ or --all, not both")
        if not out or out == "-":
            raise UsageError("--all writes one file per quiz: name a folder with --out DIR")
        qdir = find_quizzes_dir(start)
        if qdir is None:
            raise UsageError("no quizzes/ folder here or above; run this inside the course")
        loaded = load_many([qdir])
        report.problems = list(loaded.problems)
        target = Path(out)
        if target.exists() and not target.is_dir():
            raise UsageError(f"--out {out} is a file; --all needs a folder")
        target.mkdir(parents=True, exist_ok=True)
        for qid in sorted(loaded.quizzes):
            path = target / f"{qid}{spec.suffix}"
            write_atomic(path, render(loaded.quizzes[qid], fmt, warn=warn))
            report.written.append(path)
        return report
    if not quiz:
        raise UsageError("name a QUIZ (a file or quiz id), or use --all")
    q = load_quiz(quiz)
    data = render(q, fmt, warn=warn)
    if out == "-":
        if spec.binary:
            raise UsageError(f"the {fmt} export is a zip file; name a file with --out")
        report.stdout = data
        return report
    path = Path(out) if out else Path(f"{q.id}{spec.suffix}")
    if path.is_dir():
        path = path / f"{q.id}{spec.suffix}"
    elif not path.name.lower().endswith(spec.extensions):
        named = path
        path = path.with_name(path.name + spec.extensions[0])
        report.notes.append(f"--out {named} has no {' or '.join(spec.extensions)} extension, which the platform's "
                            f"import needs: writing {path} instead")
    write_atomic(path, data)
    report.written.append(path)
    return report
