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
from .store import Connection


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


def _upsert_quiz_and_roster(conn: Connection, *, quiz_id: str, title: str, digest: str, source: str,
                            policy: str | None, roster: Iterable[Student]) -> None:
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


def write_run(conn: Connection, *, quiz_id: str, title: str, digest: str, source: str,
              policy: str | None, started_at: str, files_in: int, graded: int, rejected: int,
              new: Iterable[NewAttempt] = (), regrade: Iterable[tuple[int, NewAttempt]] = (),
              roster: Iterable[Student] = (), rejections: Iterable[RejectedFile] = (),
              setup: Callable[[Connection], None] | None = None,
              stream: Callable[..., tuple[int, int, int]] | None = None) -> WriteResult:
    """Store one grading run in one transaction: the quiz, the roster's students, new attempts (with their
    item scores; only those no other run stored meanwhile) and regraded ones. Nothing is recorded when nothing
    changes, so a repeated run leaves the gradebook byte-for-byte the same in content. ``stream``, when given,
    is called first with the :class:`...runstore.RunStore` to stage batch after batch (``kcourse grade``, outside
    the write lock); it returns the run's ``(files_in, graded, rejected)``."""
    from ..runstore import RunStore

    store = RunStore(conn, quiz_id=quiz_id, digest=digest)
    try:
        store.write(new=new, regrade=regrade, rejections=rejections)
        if stream is not None:
            files_in, graded, rejected = stream(store)
    except BaseException:
        store.drop_quietly()
        raise
    return store.finish(title=title, source=source, policy=policy, started_at=started_at, files_in=files_in,
                        graded=graded, rejected=rejected, roster=roster, setup=setup)
