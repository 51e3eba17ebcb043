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

Scores are the final ones (:mod:`.classbook`: late penalty taken, overrides applied). Numbers use a dot
and at most 2 decimals, as every report rounds them (:func:`.classbook.round_score`; Canvas itself shows
2). Excused students get ``EX`` in the Canvas file (Canvas's own export and import use it), are left out
of the Moodle file (Moodle's CSV import has no "excused"; exclude them in Moodle's grader report) and are
``excused`` in the plain CSV. Students who handed in nothing are left out, or given 0 with
``missing_as_zero``; students whose every file was rejected are never given 0 by it: they are listed, so
the instructor can sort the file out. With a roster, students the gradebook has but the roster has not
(dropped since they were graded) are left out and listed. Files are written atomically (temporary file,
then ``os.replace``).
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TextIO

from ..core.errors import UsageError
from ..core.safetext import csv_writer
from . import gradebook as gb
from .classbook import mixed_versions_warning, round_score
from .classstream import iter_class_status
from .files import write_text_atomically, writing_text_atomically
from .moodle_worksheet import Worksheet, filled
from .roster import Roster, Student

FORMATS = ("csv", "canvas", "moodle")


def number(x: float) -> str:
    """``7.5``, ``8``, ``8.93``: a dot, at most 2 decimals, no trailing zeros (as every report shows scores)."""
    return round_score(x)


@dataclass(frozen=True)
class GradeLine:
    student: Student
    attempt: gb.AttemptRow | None
    """The counted attempt; ``None`` for a roster student who handed in nothing."""
    attempts: int
    score: float | None = None
    """The final score (penalty, override); ``None``: the attempt's total, or 0 without one."""
    status: str = "graded"


@dataclass(frozen=True)
class ExportReport:
    path: Path
    rows: int
    missing: tuple[Student, ...]
    """Roster students who handed in nothing and are not in the file."""
    column: str
    left_out: dict[str, tuple[Student, ...]] = field(default_factory=dict)
    """``missing`` and ``rejected`` roster students not in the file."""
    warning: str = ""
    """The quiz's attempts were graded against different versions of it."""


def grade_lines(conn: gb.Connection, quiz_id: str, *, policy: str | None = None,
                roster: Roster | None = None) -> tuple[list[GradeLine], list[Student]]:
    """The final grade of every student who has one (or is excused), and the roster students who have none."""
    lines, left = _lines(conn, quiz_id, policy=policy, roster=roster)
    return lines, list(left["missing"] + left["rejected"])


def _lines(conn: gb.Connection, quiz_id: str, *, policy: str | None, roster: Roster | None
           ) -> tuple[list[GradeLine], dict[str, tuple[Student, ...]]]:
    left: dict[str, list[Student]] = {"missing": [], "rejected": [], "not on the roster": []}
    lines = list(_iter_lines(conn, quiz_id, policy=policy, roster=roster, left=left))
    return lines, {k: tuple(v) for k, v in left.items()}


def _iter_lines(conn: gb.Connection, quiz_id: str, *, policy: str | None, roster: Roster | None,
                left: dict[str, list[Student]] | None) -> Iterator[GradeLine]:
    """The grade lines, one student at a time; the students left out go to ``left`` (when given)."""
    for r in iter_class_status(conn, quiz_id, policy=policy, roster=roster):
        if roster is not None and roster.find(r.student.student_id) is None:
            if left is not None:
                left["not on the roster"].append(r.student)  # dropped since graded: the LMS has no row for them
            continue
        if r.status in ("missing", "rejected") and r.score is None:
            if left is not None:
                left[r.status].append(r.student)
            continue
        yield GradeLine(r.student, r.attempt, r.attempts, r.score, r.status)


def _scaled(x: float, max_score: float, scale_to: float | None) -> float:
    return x if scale_to is None else (x / max_score * scale_to if max_score else 0.0)


def render(fmt: str, lines: list[GradeLine], *, quiz_id: str, title: str, policy: str,
           scale_to: float | None = None, column: str | None = None) -> str:
    """The file's text (CSV, ``\\r\\n`` line ends as RFC 4180 says)."""
    out = io.StringIO(newline="")
    write_lines(out, fmt, lines, possible_raw=max((ln.attempt.max_score for ln in lines if ln.attempt), default=0.0),
                quiz_id=quiz_id, title=title, policy=policy, scale_to=scale_to, column=column)
    return out.getvalue()


def write_lines(out: TextIO, fmt: str, lines: Iterable[GradeLine], *, possible_raw: float, quiz_id: str, title: str,
                policy: str, scale_to: float | None = None, column: str | None = None) -> None:
    """Write the file to ``out`` line by line (``possible_raw``: the most points of any counted attempt)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; one of {', '.join(FORMATS)}")
    w = csv_writer(out)
    column = column or f"{title} ({quiz_id})"
    possible = possible_raw
    if scale_to is not None:
        possible = scale_to

    def points(ln: GradeLine) -> str:
        if ln.status == "excused":
            return {"canvas": "EX", "csv": ""}.get(fmt, "")
        a = ln.attempt
        score = ln.score if ln.score is not None else (a.total if a else 0.0)
        return number(_scaled(score, a.max_score if a else possible_raw, scale_to))

    if fmt == "csv":
        w.writerow(["student_id", "name", "email", "score", "max_score", "percentage", "passed", "submitted_at",
                    "attempts", "policy", "status"])
        for ln in lines:
            a, s = ln.attempt, ln.student
            mx = a.max_score if a else possible_raw
            final = ln.score if ln.score is not None else (a.total if a else 0.0)
            pct = 100 * final / mx if mx else 0.0
            excused = ln.status == "excused"
            w.writerow([s.student_id, s.name, s.email, points(ln),
                        number(possible if scale_to is not None else mx),
                        "" if excused else number(pct),
                        "" if excused else ("yes" if a and pct >= a.percentage - 1e-9 and a.passed else "no"),
                        (a.submitted_at or "") if a else "", ln.attempts, policy, ln.status])
    elif fmt == "canvas":
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
        w.writerow(["Points Possible", "", "", "", "", number(possible)])
        for ln in lines:
            s = ln.student
            w.writerow([s.name or s.student_id, s.canvas_id, s.student_id, s.sis_login_id, s.section, points(ln)])
    else:
        w.writerow(["ID number", "Email address", "Full name", column])
        for ln in lines:
            if ln.status == "excused":
                continue
            s = ln.student
            w.writerow([s.student_id, s.email, s.name, points(ln)])


def export_grades(*, gradebook: str | Path, quiz_id: str, fmt: str, out: str | Path, policy: str | None = None,
                  roster: Roster | None = None, missing_as_zero: bool = False, scale_to: float | None = None,
                  column: str | None = None) -> ExportReport:
    """Write the grade file ``out`` for ``quiz_id`` from the gradebook."""
    if policy is not None and policy not in gb.POLICIES:
        raise UsageError(f"unknown policy '{policy}'; one of {', '.join(gb.POLICIES)}")
    if scale_to is not None and not scale_to > 0:
        raise UsageError("--scale-to must be a positive number of points")
    with gb.reading(gradebook, quiz_id) as (conn, q):
        warning = mixed_versions_warning(conn, quiz_id)
        left: dict[str, list[Student]] = {"missing": [], "rejected": [], "not on the roster": []}
        possible_raw, count, rows = 0.0, 0, 0  # a first pass: the file's header needs the points possible
        for ln in _iter_lines(conn, quiz_id, policy=policy, roster=roster, left=left):
            if ln.attempt is not None:
                possible_raw = max(possible_raw, ln.attempt.max_score)
            count += 1
            rows += fmt != "moodle" or ln.status != "excused"
        extra = [GradeLine(s, None, 0, 0.0, "missing") for s in left["missing"]] if missing_as_zero else []
        if missing_as_zero:
            left["missing"] = []
        rows += len(extra)
        if not count and not extra:
            raise UsageError(f"no graded attempts of quiz '{quiz_id}' in {gradebook}; nothing to export")
        with writing_text_atomically(out, newline="") as f:
            write_lines(f, fmt, chain(_iter_lines(conn, quiz_id, policy=policy, roster=roster, left=None), extra),
                        possible_raw=possible_raw, quiz_id=quiz_id, title=q.title, policy=policy or q.policy,
                        scale_to=scale_to, column=column)
    done = {k: tuple(v) for k, v in left.items()}
    return ExportReport(Path(out), rows, done["missing"], column or f"{q.title} ({quiz_id})", done, warning)


def export_worksheet(*, gradebook: str | Path, quiz_id: str, worksheet: Worksheet, out: str | Path,
                     policy: str | None = None, roster: Roster | None = None,
                     missing_as_zero: bool = False) -> ExportReport:
    """Moodle's grading worksheet ``worksheet`` with the final grades filled in, for its *Upload grading
    worksheet* (:mod:`.moodle_worksheet`): out of each row's ``Maximum grade``; excused students and students
    without a grade keep their cell as it was. A participant is the student whose files came from their
    folder of the assignment's submissions zip, else the roster (or gradebook) student the worksheet's row
    names (ID number, email, a name only they have)."""
    with gb.reading(gradebook, quiz_id) as (conn, q):
        lines, left = _lines(conn, quiz_id, policy=policy, roster=roster)
        warning = mixed_versions_warning(conn, quiz_id)
        uploads: dict[str, set[str]] = {}
        for a in gb.iter_attempts(conn, quiz_id):
            if a.uploader.startswith("moodle:"):
                uploads.setdefault(a.uploader[len("moodle:"):], set()).add(a.student_id)
        known = list(roster) if roster is not None else list(gb.students(conn).values())
    if missing_as_zero:
        lines += [GradeLine(s, None, 0, 0.0, "missing") for s in left["missing"]]
        left = {**left, "missing": ()}
    row_of: dict[str, str] = {}
    match = worksheet.matcher(known)
    for r in worksheet.rows:
        sids = uploads.get(r.participant, set())
        s = match(r)
        sid = next(iter(sids)) if len(sids) == 1 else (s.student_id if s is not None else "")
        if sid:
            row_of.setdefault(sid, r.participant)
    grades: dict[str, str] = {}
    unmatched = []
    for ln in lines:
        if ln.status == "excused":
            continue
        pid = row_of.get(ln.student.student_id)
        if pid is None:
            unmatched.append(ln.student)
            continue
        top = worksheet.by_participant[pid].max_grade
        score = ln.score if ln.score is not None else (ln.attempt.total if ln.attempt else 0.0)
        raw_max = ln.attempt.max_score if ln.attempt else max(
            (x.attempt.max_score for x in lines if x.attempt), default=0.0)
        grades[pid] = number(_scaled(score, raw_max, top))
    if not grades:
        raise UsageError(f"no student with a grade for '{quiz_id}' in {gradebook} is in the worksheet "
                         f"{worksheet.source}: is it the worksheet of this assignment?")
    write_text_atomically(out, filled(worksheet, grades))
    left = {**left, "not in the worksheet": tuple(unmatched)}
    return ExportReport(Path(out), len(grades), left["missing"], "Grade", left, warning)
