"""Grade files for learning management systems, from the gradebook's counted attempts.

- ``csv``: one row per student: ``student_id, name, email, score, max_score, percentage, passed,
  submitted_at, attempts, policy``.
- ``canvas``: Canvas's gradebook import layout: ``Student, ID, SIS User ID, SIS Login ID, Section``, then
  one assignment column ``<quiz title> (<quiz id>)`` holding points, and a ``Points Possible`` row under
  the header. Canvas finds each student by ``ID`` (its own user id, known when the roster came from a
  Canvas export), else by ``SIS User ID`` (here: the student id) or ``SIS Login ID``, else by name. A
  column title that matches no assignment creates a new assignment on the first import and matches it
  by title on later ones; ``Points Possible`` then gives its maximum.
- ``moodle``: for Moodle's "Import grades: CSV file": ``ID number, Email address, Full name`` and a grade
  column ``<quiz title> (<quiz id>)``. On import, map the user by "ID number" (to ``idnumber``) or "Email
  address" (to ``email``), and the grade column to the quiz's grade item.

Numbers use a dot and at most 4 decimals. Students with no counted attempt are left out, or given 0 with
``missing_as_zero``. Files are written atomically (temporary file, then ``os.replace``).
"""
from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UsageError
from ..core.safetext import csv_writer
from . import gradebook as gb
from .files import write_text_atomically
from .roster import Roster, Student

FORMATS = ("csv", "canvas", "moodle")


def number(x: float) -> str:
    """``7.5``, ``8``, ``0.3333``: a dot, at most 4 decimals, no trailing zeros."""
    text = f"{round(x, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class GradeLine:
    student: Student
    attempt: gb.AttemptRow | None
    """The counted attempt; ``None`` for a roster student who handed in nothing."""
    attempts: int


@dataclass(frozen=True)
class ExportReport:
    path: Path
    rows: int
    missing: tuple[Student, ...]
    """Roster students with no counted attempt."""
    column: str


def grade_lines(conn: sqlite3.Connection, quiz_id: str, *, policy: str | None = None,
                roster: Roster | None = None) -> tuple[list[GradeLine], list[Student]]:
    """The counted attempt of every student who has one, and the roster students who have none."""
    chosen = gb.counted_attempts(conn, quiz_id, policy)
    known = gb.students(conn)
    lines, matched = [], set()
    for sid, (a, n) in chosen.items():
        s = (roster.find(sid) if roster else None) or known.get(sid) or Student(student_id=sid)
        matched.add(s.student_id)
        lines.append(GradeLine(s, a, n))
    missing = [s for s in roster if s.student_id not in matched] if roster else []
    return lines, missing


def _scaled(x: float, max_score: float, scale_to: float | None) -> float:
    return x if scale_to is None else (x / max_score * scale_to if max_score else 0.0)


def render(fmt: str, lines: list[GradeLine], *, quiz_id: str, title: str, policy: str,
           scale_to: float | None = None, column: str | None = None) -> str:
    """The file's text (CSV, ``\\r\\n`` line ends as RFC 4180 says)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; one of {', '.join(FORMATS)}")
    out = io.StringIO(newline="")
    w = csv_writer(out)
    column = column or f"{title} ({quiz_id})"
    possible = max((ln.attempt.max_score for ln in lines if ln.attempt), default=0.0)
    if scale_to is not None:
        possible = scale_to

    def points(ln: GradeLine) -> str:
        a = ln.attempt
        return number(_scaled(a.total, a.max_score, scale_to)) if a else "0"

    if fmt == "csv":
        w.writerow(["student_id", "name", "email", "score", "max_score", "percentage", "passed", "submitted_at",
                    "attempts", "policy"])
        for ln in lines:
            a, s = ln.attempt, ln.student
            w.writerow([s.student_id, s.name, s.email, points(ln),
                        number(possible if scale_to is not None else (a.max_score if a else possible)),
                        number(a.percentage) if a else "0", ("yes" if a.passed else "no") if a else "no",
                        (a.submitted_at or "") if a else "", ln.attempts, policy])
    elif fmt == "canvas":
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
        w.writerow(["Points Possible", "", "", "", "", number(possible)])
        for ln in lines:
            s = ln.student
            w.writerow([s.name or s.student_id, s.canvas_id, s.student_id, s.sis_login_id, s.section, points(ln)])
    else:
        w.writerow(["ID number", "Email address", "Full name", column])
        for ln in lines:
            s = ln.student
            w.writerow([s.student_id, s.email, s.name, points(ln)])
    return out.getvalue()


def export_grades(*, gradebook: str | Path, quiz_id: str, fmt: str, out: str | Path, policy: str | None = None,
                  roster: Roster | None = None, missing_as_zero: bool = False, scale_to: float | None = None,
                  column: str | None = None) -> ExportReport:
    """Write the grade file ``out`` for ``quiz_id`` from the gradebook."""
    if policy is not None and policy not in gb.POLICIES:
        raise UsageError(f"unknown policy '{policy}'; one of {', '.join(gb.POLICIES)}")
    if scale_to is not None and not scale_to > 0:
        raise UsageError("--scale-to must be a positive number of points")
    with gb.reading(gradebook, quiz_id) as (conn, q):
        lines, missing = grade_lines(conn, quiz_id, policy=policy, roster=roster)
    if missing_as_zero:
        lines += [GradeLine(s, None, 0) for s in missing]
    if not lines:
        raise UsageError(f"no graded attempts of quiz '{quiz_id}' in {gradebook}; nothing to export")
    text = render(fmt, lines, quiz_id=quiz_id, title=q.title, policy=policy or q.policy, scale_to=scale_to,
                  column=column)
    write_text_atomically(out, text)
    return ExportReport(Path(out), len(lines), tuple(missing) if not missing_as_zero else (),
                        column or f"{q.title} ({quiz_id})")
