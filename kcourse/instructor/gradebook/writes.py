"""Writing the gradebook: one grading run in one transaction."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from ..roster import Student
from .queries import quiz_row
from .rows import GradebookError, NewAttempt, RejectedFile, WriteResult
from .store import transaction


def _same_course(conn: sqlite3.Connection, quiz_id: str, source: str) -> None:
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


def write_run(conn: sqlite3.Connection, *, quiz_id: str, title: str, digest: str, source: str,
              policy: str | None, started_at: str, files_in: int, graded: int, rejected: int,
              new: list[NewAttempt], regrade: list[tuple[int, NewAttempt]], roster: Iterable[Student] = (),
              rejections: Iterable[RejectedFile] = (), setup: Callable[[sqlite3.Connection], None] | None = None
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
            " policy = coalesce(?, policy), source = excluded.source"
            " WHERE title != excluded.title OR digest != excluded.digest OR policy != coalesce(?, policy)"
            " OR source != excluded.source",
            (quiz_id, title, digest, policy, source, policy, policy))
        conn.executemany(
            "INSERT INTO students (student_id, name, email, canvas_id, sis_login_id, section)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (student_id) DO UPDATE SET name = excluded.name,"
            " email = excluded.email, canvas_id = excluded.canvas_id, sis_login_id = excluded.sis_login_id,"
            " section = excluded.section WHERE (name, email, canvas_id, sis_login_id, section) IS NOT"
            " (excluded.name, excluded.email, excluded.canvas_id, excluded.sis_login_id, excluded.section)",
            [(s.student_id, s.name, s.email, s.canvas_id, s.sis_login_id, s.section) for s in roster])
        if setup is not None:
            setup(conn)
        stored = {(src, sha) for src, sha in conn.execute(
            "SELECT source, sha256 FROM rejections WHERE quiz_id = ?", (quiz_id,))}
        fresh = [r for r in rejections if (r.source, r.sha256) not in stored]
        if not new and not regrade and not fresh and conn.total_changes == before:
            return WriteResult(None, 0, 0)
        run_id = conn.execute(
            "INSERT INTO runs (quiz_id, started_at, files_in, graded, rejected, added, regraded)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (quiz_id, started_at, files_in, graded, rejected, len(new), len(regrade))).lastrowid
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
            "INSERT OR IGNORE INTO rejections (quiz_id, source, sha256, student_id, reason, message, uploader, run_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
