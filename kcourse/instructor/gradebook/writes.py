"""Writing the gradebook: one grading run in one transaction.

Exactly once, whoever else writes: a run looks up which of its files are stored before it grades, but
another run (another process, another machine on a PostgreSQL gradebook) may store some of them meanwhile.
So inside the write transaction, which holds the gradebook's write lock (SQLite's ``BEGIN IMMEDIATE``,
PostgreSQL's advisory lock, see :mod:`.pg`), the run looks again and adds only the files still missing;
the other run's rows stand. Ids are ``max + 1`` under that lock. The SQL is portable (SQLite and PostgreSQL).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..roster import Student
from .queries import quiz_row
from .rows import GradebookError, NewAttempt, RejectedFile, WriteResult
from .store import Connection, transaction


def _same_course(conn: Connection, quiz_id: str, source: str) -> None:
    """A gradebook holds one course's grades: a quiz with the same id from another course (:mod:`kcourse.course`)
    is refused, never merged into the first one's rows."""
    from ...core.course import course_of_quiz

    row = quiz_row(conn, quiz_id)
    if row is None or not Path(row.source).is_absolute() or not Path(source).is_absolute():
        return  # a relative path names no folder for sure: it depends on where the command ran
    mine, theirs = course_of_quiz(source), course_of_quiz(row.source)
    if mine != theirs:
        raise GradebookError(
            f"this gradebook holds quiz '{quiz_id}' of course '{theirs}' ({row.source}), and {source} is of course "
            f"'{mine}': give each course its own gradebook (--gradebook), or, if it is the same course in another "
            f"folder, put 'id: {theirs}' in its quizzes/course.yml")


def write_run(conn: Connection, *, quiz_id: str, title: str, digest: str, source: str,
              policy: str | None, started_at: str, files_in: int, graded: int, rejected: int,
              new: list[NewAttempt], regrade: list[tuple[int, NewAttempt]], roster: Iterable[Student] = (),
              rejections: Iterable[RejectedFile] = (), setup: Callable[[Connection], None] | None = None
              ) -> WriteResult:
    """Store one grading run in one transaction: the quiz, the roster's students, new attempts (with their
    item scores) and regraded ones. Nothing is recorded when nothing changes, so a repeated run leaves the
    gradebook byte-for-byte the same in content."""
    with transaction(conn):
        _same_course(conn, quiz_id, source)
        before = conn.total_changes
        conn.execute(
            "INSERT INTO quizzes (quiz_id, title, digest, policy, source) VALUES (?, ?, ?, coalesce(?, 'latest'), ?)"
            " ON CONFLICT (quiz_id) DO UPDATE SET title = excluded.title, digest = excluded.digest,"
            " policy = coalesce(?, quizzes.policy), source = excluded.source"
            " WHERE quizzes.title != excluded.title OR quizzes.digest != excluded.digest"
            " OR quizzes.policy != coalesce(?, quizzes.policy)"
            " OR quizzes.source != excluded.source",
            (quiz_id, title, digest, policy, source, policy, policy))
        conn.executemany(
            "INSERT INTO students (student_id, name, email, canvas_id, sis_login_id, section)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (student_id) DO UPDATE SET name = excluded.name,"
            " email = excluded.email, canvas_id = excluded.canvas_id, sis_login_id = excluded.sis_login_id,"
            " section = excluded.section WHERE (students.name, students.email, students.canvas_id,"
            " students.sis_login_id, students.section) !="
            " (excluded.name, excluded.email, excluded.canvas_id, excluded.sis_login_id, excluded.section)",
            [(s.student_id, s.name, s.email, s.canvas_id, s.sis_login_id, s.section) for s in roster])
        if setup is not None:
            setup(conn)
        stored = {(src, sha) for src, sha in conn.execute(
            "SELECT source, sha256 FROM rejections WHERE quiz_id = ?", (quiz_id,))}
        fresh = [r for r in rejections if (r.source, r.sha256) not in stored]
        new = _still_missing(conn, quiz_id, new)
        if not new and not regrade and not fresh and conn.total_changes == before:
            return WriteResult(None, 0, 0)
        run_id = conn.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
        conn.execute(
            "INSERT INTO runs (run_id, quiz_id, started_at, files_in, graded, rejected, added, regraded)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, quiz_id, started_at, files_in, graded, rejected, len(new), len(regrade)))
        first_id = conn.execute("SELECT coalesce(max(attempt_id), 0) + 1 FROM attempts").fetchone()[0]
        rows = ((first_id + k, quiz_id, a.sha256, a.student_id, a.variant_seed, a.submitted_at, a.sort_time,
                 a.source, a.content, a.total, a.max_score, a.percentage, int(a.passed), digest, run_id, a.uploader,
                 a.upload_name, a.platform_file, None if a.platform_late is None else int(a.platform_late),
                 a.time_note)
                for k, a in enumerate(new))
        conn.executemany(
            "INSERT INTO attempts (attempt_id, quiz_id, sha256, student_id, variant_seed, submitted_at, sort_time,"
            " source, content, total, max_score, percentage, passed, quiz_digest, run_id, uploader, upload_name,"
            " platform_file, platform_late, time_note)"
            f" VALUES ({', '.join('?' * 20)})", rows)
        conn.executemany(
            "INSERT INTO rejections (quiz_id, source, sha256, student_id, reason, message, uploader, run_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(quiz_id, r.source, r.sha256, r.student_id, r.reason, r.message, r.uploader, run_id) for r in fresh])
        conn.executemany(
            "INSERT INTO item_scores (attempt_id, question_id, score, max_score, status, response)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            ((first_id + k, *item) for k, a in enumerate(new) for item in a.items))
        for aid, a in regrade:
            conn.execute("UPDATE attempts SET student_id = ?, total = ?, max_score = ?, percentage = ?, passed = ?,"
                         " quiz_digest = ?, run_id = ? WHERE attempt_id = ?",
                         (a.student_id, a.total, a.max_score, a.percentage, int(a.passed), digest, run_id, aid))
            conn.execute("DELETE FROM item_scores WHERE attempt_id = ?", (aid,))
            conn.executemany("INSERT INTO item_scores (attempt_id, question_id, score, max_score, status, response)"
                             " VALUES (?, ?, ?, ?, ?, ?)", ((aid, *item) for item in a.items))
        return WriteResult(run_id, len(new), len(regrade))


def _still_missing(conn: Connection, quiz_id: str, new: list[NewAttempt]) -> list[NewAttempt]:
    """The attempts of ``new`` that are not stored yet (in the write lock: another run may have stored some since
    this one looked), each file once."""
    stored: set[str] = set()
    shas = sorted({a.sha256 for a in new})
    for k in range(0, len(shas), 500):
        chunk = shas[k:k + 500]
        stored.update(r[0] for r in conn.execute(
            f"SELECT sha256 FROM attempts WHERE quiz_id = ? AND sha256 IN ({', '.join('?' * len(chunk))})",
            (quiz_id, *chunk)))
    if not stored and len(shas) == len(new):
        return new
    out = []
    for a in new:
        if a.sha256 not in stored:
            stored.add(a.sha256)
            out.append(a)
    return out
