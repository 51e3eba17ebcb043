"""The class's records in the gradebook (schema version 2): deadlines, extensions, rejected files, excused
students and score overrides, and each student's final status from them. The SQL of these tables lives here.

A student's final status for a quiz is one of:

- ``excused``: excused by the instructor (Canvas takes ``EX``), whatever they handed in;
- ``graded``: a counted attempt, on time; ``late``: a counted attempt that is late;
- ``rejected``: no graded attempt, but at least one of their files was rejected (its reason is kept); a
  file handed in under another student's account counts for both: the owner and the account holder;
- ``missing``: nothing from them at all.

Lateness of an attempt: Canvas's ``LATE`` marker decides when the file came from a Canvas zip (Canvas knows
the due date and each student's override; the time written in the file is the student's); Moodle's "late"
status, from its grading worksheet, marks an attempt late, and the worksheet's submission time replaces the
file's (:mod:`.moodle_worksheet`). Otherwise the file's ``submitted_at`` against the student's due date (their
extension, else the quiz's ``--due``) plus the grace period; a time that was refused when graded (before the
quiz opened, in the future) makes the attempt late when there is a due date, as it cannot be shown to be on
time. The penalty takes ``penalty_pct`` of the maximum per started day late (Canvas's marker alone counts as
one day), never below 0. An override replaces the score and carries its comment.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..core.errors import InputError, Problem, UsageError
from . import gradebook as gb
from .roster import Roster, Student

STATUSES = ("graded", "late", "rejected", "missing", "excused")


def utc(text: str, *, what: str = "time") -> str:
    """An ISO 8601 time (``2026-11-26T23:59``, with ``Z`` or an offset; without, UTC) in the gradebook's form."""
    from .grade import sort_time

    t = sort_time(text.strip())
    if not t:
        raise UsageError(f"{what} '{text}' is not a date and time; write it like 2026-11-26T23:59:00Z or "
                         "2026-11-26T23:59+01:00")
    return t


def _dt(t: str) -> datetime:
    return datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Deadline:
    due: str = ""
    grace_min: float = 0.0
    penalty_pct: float = 0.0
    opens: str = ""
    extensions: dict[str, str] = field(default_factory=dict)

    def due_for(self, student_id: str) -> str:
        return self.extensions.get(student_id, self.due)

    def days_late(self, a: gb.AttemptRow) -> int:
        """0 when on time; else the started days late (1 when only the platform's marker says late)."""
        if a.platform_late is not None:
            if not a.platform_late:
                return 0
            due = self.due_for(a.student_id)
            if due and a.sort_time and not a.time_note and a.sort_time > due:
                return max(1, math.ceil((_dt(a.sort_time) - _dt(due)) / timedelta(days=1)))
            return 1
        due = self.due_for(a.student_id)
        if not due:
            return 0
        if not a.sort_time or a.time_note:
            return 1
        limit = _dt(due) + timedelta(minutes=self.grace_min)
        t = _dt(a.sort_time)
        if t <= limit:
            return 0
        return max(1, math.ceil((t - _dt(due)) / timedelta(days=1)))

    def is_late(self, a: gb.AttemptRow) -> bool:
        return self.days_late(a) > 0


def lateness(conn: gb.Connection, quiz_id: str) -> Deadline:
    r = conn.execute("SELECT due, grace_min, penalty_pct, opens FROM deadlines WHERE quiz_id = ?",
                     (quiz_id,)).fetchone()
    ext = dict(conn.execute("SELECT student_id, due FROM extensions WHERE quiz_id = ?", (quiz_id,)))
    due, grace, penalty, opens = r or ("", 0.0, 0.0, "")
    return Deadline(due, grace, penalty, opens, ext)


def set_deadline(conn: gb.Connection, quiz_id: str, *, due: str | None = None, grace_min: float | None = None,
                 penalty_pct: float | None = None, opens: str | None = None,
                 extensions: dict[str, str] | None = None) -> None:
    """Store what was given (``None`` keeps the stored value). Call inside a transaction."""
    conn.execute("INSERT INTO deadlines (quiz_id) VALUES (?) ON CONFLICT DO NOTHING", (quiz_id,))
    for col, value in (("due", due), ("grace_min", grace_min), ("penalty_pct", penalty_pct), ("opens", opens)):
        if value is not None:
            conn.execute(f"UPDATE deadlines SET {col} = ? WHERE quiz_id = ? AND {col} != ?",
                         (value, quiz_id, value))
    if extensions is not None:
        conn.executemany("INSERT INTO extensions (quiz_id, student_id, due) VALUES (?, ?, ?) ON CONFLICT (quiz_id, "
                         "student_id) DO UPDATE SET due = excluded.due WHERE extensions.due != excluded.due",
                         [(quiz_id, sid, due_) for sid, due_ in extensions.items()])


def read_extensions(path: str, roster: Roster | None = None) -> dict[str, str]:
    """``student_id,due`` rows (a header row is recognised and skipped); every problem located."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError([Problem(path, None, "", f"cannot read the extensions file ({e})",
                                  "give a UTF-8 CSV with columns student_id,due")]) from None
    out: dict[str, str] = {}
    problems = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not any(c.strip() for c in row):
            continue
        if line == 1 and row[0].strip().casefold().replace(" ", "_") in ("student_id", "id", "student"):
            continue
        if len(row) < 2:
            problems.append(Problem(path, line, "", "needs two columns: student id, due date and time",
                                    "write e.g. s001,2026-12-03T23:59Z"))
            continue
        sid = row[0].strip()
        if roster is not None:
            s = roster.find(sid)
            if s is None:
                problems.append(Problem(path, line, "student_id", f"'{sid}' is not on the roster",
                                        "check the id or remove the row"))
                continue
            sid = s.student_id
        try:
            out[sid] = utc(row[1], what="due")
        except UsageError as e:
            problems.append(Problem(path, line, "due", str(e)))
    if problems:
        raise InputError(problems)
    return out


# -- excused and overrides ------------------------------------------------------------------------------

def set_excused(conn: gb.Connection, quiz_id: str, student_ids: Iterable[str], comment: str,
                *, undo: bool = False) -> int:
    with gb.transaction(conn):
        before = conn.total_changes
        if undo:
            conn.executemany("DELETE FROM excused WHERE quiz_id = ? AND student_id = ?",
                             [(quiz_id, s) for s in student_ids])
        else:
            conn.executemany("INSERT INTO excused (quiz_id, student_id, comment) VALUES (?, ?, ?) ON CONFLICT "
                             "(quiz_id, student_id) DO UPDATE SET comment = excluded.comment",
                             [(quiz_id, s, comment) for s in student_ids])
        return conn.total_changes - before


def excused(conn: gb.Connection, quiz_id: str) -> dict[str, str]:
    return dict(conn.execute("SELECT student_id, comment FROM excused WHERE quiz_id = ?", (quiz_id,)))


def set_override(conn: gb.Connection, quiz_id: str, student_id: str, score: float | None, comment: str) -> None:
    with gb.transaction(conn):
        if score is None:
            conn.execute("DELETE FROM overrides WHERE quiz_id = ? AND student_id = ?", (quiz_id, student_id))
        else:
            conn.execute("INSERT INTO overrides (quiz_id, student_id, score, comment) VALUES (?, ?, ?, ?) ON CONFLICT"
                         " (quiz_id, student_id) DO UPDATE SET score = excluded.score, comment = excluded.comment",
                         (quiz_id, student_id, score, comment))


def overrides(conn: gb.Connection, quiz_id: str) -> dict[str, tuple[float, str]]:
    return {sid: (score, comment) for sid, score, comment in
            conn.execute("SELECT student_id, score, comment FROM overrides WHERE quiz_id = ?", (quiz_id,))}


@dataclass(frozen=True)
class RejectionRow:
    source: str
    student_id: str
    reason: str
    message: str
    uploader: str


def rejections(conn: gb.Connection, quiz_id: str) -> list[RejectionRow]:
    return [RejectionRow(*r) for r in conn.execute(
        "SELECT source, student_id, reason, message, uploader FROM rejections WHERE quiz_id = ? "
        "ORDER BY student_id, source", (quiz_id,))]


def digests(conn: gb.Connection, quiz_id: str) -> dict[str, int]:
    """``quiz digest -> number of attempts graded against it``."""
    return dict(conn.execute("SELECT quiz_digest, count(*) FROM attempts WHERE quiz_id = ? GROUP BY quiz_digest",
                             (quiz_id,)))


def mixed_versions_warning(conn: gb.Connection, quiz_id: str) -> str:
    """A warning when the quiz's attempts were graded against different versions of it ('' when not)."""
    row = gb.quiz_row(conn, quiz_id)
    counts = digests(conn, quiz_id)
    if row is None or len(counts) < 2 and (not counts or row.digest in counts):
        return ""
    stale = sum(n for d, n in counts.items() if d != row.digest)
    return (f"warning: {stale} of {sum(counts.values())} attempt(s) of '{quiz_id}' were graded against an earlier "
            f"version of the quiz than the others ({len(counts)} versions in the gradebook); scores are not "
            f"comparable until you run: kcourse regrade {quiz_id}")


# -- final status ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StudentStatus:
    student: Student
    status: str
    """One of :data:`STATUSES`."""
    attempt: gb.AttemptRow | None
    attempts: int
    score: float | None
    """The score that counts: after the late penalty, or the override; ``None`` when there is none."""
    max_score: float
    days_late: int = 0
    penalty: float = 0.0
    comment: str = ""
    """The override's or the excuse's comment."""
    rejected: tuple[RejectionRow, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """Why the status (the rejection reasons, the lateness, the comment)."""
        if self.status == "rejected":
            return "; ".join(f"{r.reason}: {r.message}" for r in self.rejected)
        if self.status == "late":
            return f"{self.days_late} day(s) late" + (f", penalty {round_score(self.penalty)}" if self.penalty else "")
        if self.status == "excused":
            return self.comment
        return self.comment


def round_score(x: float) -> str:
    """Scores as every report shows them: at most 2 decimals, no trailing zeros (``8.93``, ``11``)."""
    text = f"{round(x + 0.0, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def class_status(conn: gb.Connection, quiz_id: str, *, policy: str | None = None,
                 roster: Roster | None = None) -> list[StudentStatus]:
    """Every student's final status: the roster's students in its order (when given), then anyone else the
    gradebook has for this quiz (by id)."""
    chosen = gb.counted_attempts(conn, quiz_id, policy)
    known = gb.students(conn)
    deadline = lateness(conn, quiz_id)
    exc = excused(conn, quiz_id)
    over = overrides(conn, quiz_id)
    rej: dict[str, list[RejectionRow]] = {}
    accounts = {f"canvas:{s.canvas_id}": s.student_id for s in (roster or known.values()) if s.canvas_id}
    for att, _n in chosen.values():
        if att.uploader:
            accounts.setdefault(att.uploader, att.student_id)
    for r in rejections(conn, quiz_id):
        if r.student_id:
            rej.setdefault(r.student_id, []).append(r)
        account, _, named = r.uploader.partition("=")  # "<platform>:<user>[=<the account holder's id>]"
        holder = named or (accounts.get(account, "") if account else "")
        if holder and holder != r.student_id and r.reason == "handed in under another student's account":
            rej.setdefault(holder, []).append(r)  # the account holder handed in someone else's file
    possible = max((a.max_score for a, _ in chosen.values()), default=0.0)
    ids: list[str] = [s.student_id for s in roster] if roster is not None else []
    seen = set(ids)
    extra = sorted((set(chosen) | set(exc) | set(rej) | set(over)) - seen)
    if roster is not None:
        extra = [sid for sid in extra if roster.find(sid) is None]
    out = []
    for sid in ids + extra:
        s = (roster.find(sid) if roster is not None else None) or known.get(sid) or Student(student_id=sid)
        pair = chosen.get(sid)
        a, n = pair if pair is not None else (None, 0)
        rejected = tuple(rej.get(sid, ()))
        flags = []
        if a is not None and a.time_note:
            flags.append(a.time_note)
        if sid in exc:
            out.append(StudentStatus(s, "excused", a, n, None, possible, comment=exc[sid], rejected=rejected,
                                     flags=tuple(flags)))
            continue
        if a is None:
            if sid in over:  # marked by hand (an oral check, a paper copy): graded, with the comment
                out.append(StudentStatus(s, "graded", None, 0, over[sid][0], possible, comment=over[sid][1],
                                         rejected=rejected))
                continue
            out.append(StudentStatus(s, "rejected" if rejected else "missing", None, 0, None, possible,
                                     rejected=rejected))
            continue
        days = deadline.days_late(a)
        penalty = min(a.total, a.max_score * deadline.penalty_pct / 100 * days) if days else 0.0
        score = max(0.0, a.total - penalty)
        comment = ""
        if sid in over:
            score, comment = over[sid]
        out.append(StudentStatus(s, "late" if days else "graded", a, n, score, a.max_score, days, penalty, comment,
                                 rejected, tuple(flags)))
    return out


def status_csv(rows: list[StudentStatus]) -> str:
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(["student_id", "name", "status", "score", "max_score", "days_late", "attempts", "reason", "files"])
    for r in rows:
        files = "; ".join(x.source for x in r.rejected) if r.status == "rejected" else (
            r.attempt.source if r.attempt else "")
        w.writerow([r.student.student_id, r.student.name, r.status,
                    "" if r.score is None else round_score(r.score), round_score(r.max_score), r.days_late or "",
                    r.attempts, r.reason, files])
    return out.getvalue()


@dataclass(frozen=True)
class FileOutcome:
    source: str
    student_id: str
    outcome: str
    """``counted``, ``superseded`` or ``rejected``."""
    late: bool
    detail: str


def file_outcomes(conn: gb.Connection, quiz_id: str, *, policy: str | None = None) -> list[FileOutcome]:
    """What became of every file the gradebook has seen for the quiz: the counted attempt, the attempts it
    superseded, and the rejected files with their reasons."""
    chosen = gb.counted_attempts(conn, quiz_id, policy)
    deadline = lateness(conn, quiz_id)
    out = []
    for a in gb.attempts(conn, quiz_id):
        c, _n = chosen[a.student_id]
        late = deadline.is_late(a)
        if c.attempt_id == a.attempt_id:
            out.append(FileOutcome(a.source, a.student_id, "counted", late, a.time_note))
        else:
            out.append(FileOutcome(a.source, a.student_id, "superseded", late, f"{c.source} counts instead"))
    out += [FileOutcome(r.source, r.student_id, "rejected", False, f"{r.reason}: {r.message}")
            for r in rejections(conn, quiz_id)]
    return sorted(out, key=lambda f: (f.student_id, f.source))


def outcomes_csv(rows: list[FileOutcome]) -> str:
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(["file", "student_id", "outcome", "late", "detail"])
    for r in rows:
        w.writerow([r.source, r.student_id, r.outcome, "late" if r.late else "", r.detail])
    return out.getvalue()
