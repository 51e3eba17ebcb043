"""Reading the gradebook: quizzes, attempts, the counted attempt per student, item scores, students."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ...core.errors import UsageError
from ..roster import Student
from .pg import PgAddress, PgConnection
from .pg import snapshot as pg_snapshot
from .policy import counted
from .rows import AttemptRow, ItemRow, QuizRow
from .store import Connection, address, connect, iterate


def quiz_row(conn: Connection, quiz_id: str) -> QuizRow | None:
    r = conn.execute("SELECT quiz_id, title, digest, policy, source FROM quizzes WHERE quiz_id = ?",
                     (quiz_id,)).fetchone()
    return QuizRow(*r) if r else None


@contextmanager
def reading(gradebook: str | Path | PgAddress, quiz_id: str) -> Iterator[tuple[Connection, QuizRow]]:
    """An open gradebook and the quiz's row, for the commands that read grades; a clear error when the
    gradebook holds no grades for the quiz."""
    gradebook = address(gradebook)
    conn = connect(gradebook, create=False)
    try:
        row = quiz_row(conn, quiz_id)
        if row is None:
            raise UsageError(f"the gradebook {gradebook} has no grades for quiz '{quiz_id}' (run kcourse grade "
                             f"{quiz_id} FILES --gradebook {gradebook} first)")
        yield conn, row
    finally:
        conn.close()


def known_attempts(conn: Connection, quiz_id: str) -> dict[str, tuple[int, str]]:
    """``sha256 -> (attempt_id, quiz_digest)`` of the quiz's stored attempts."""
    return {sha: (aid, digest) for aid, sha, digest in
            conn.execute("SELECT attempt_id, sha256, quiz_digest FROM attempts WHERE quiz_id = ?", (quiz_id,))}


_ATTEMPT_COLS = ("attempt_id, student_id, variant_seed, submitted_at, sort_time, sha256, source, total, max_score, "
                 "percentage, passed, quiz_digest, uploader, upload_name, platform_file, platform_late, time_note")


def _attempt_row(r: tuple) -> AttemptRow:
    (attempt_id, student_id, seed, submitted_at, sort_time, sha256, source, total, max_score, percentage, passed,
     quiz_digest, uploader, upload_name, platform_file, platform_late, time_note) = r
    return AttemptRow(attempt_id, student_id, seed, submitted_at, sort_time, sha256, source, total, max_score,
                      percentage, bool(passed), quiz_digest, uploader, upload_name, platform_file,
                      None if platform_late is None else bool(platform_late), time_note)


def attempts(conn: Connection, quiz_id: str) -> list[AttemptRow]:
    """Every stored attempt of the quiz, by student then time."""
    return [_attempt_row(r) for r in iterate(
        conn, f"SELECT {_ATTEMPT_COLS} FROM attempts WHERE quiz_id = ? ORDER BY student_id, sort_time, sha256",
        (quiz_id,))]


def counted_attempts(conn: Connection, quiz_id: str, policy: str | None = None
                     ) -> dict[str, tuple[AttemptRow, int]]:
    """Per student (sorted by id): the counted attempt under ``policy`` (default: the quiz's stored one)."""
    if policy is None:
        row = quiz_row(conn, quiz_id)
        policy = row.policy if row else "latest"
    late = None
    if policy == "latest-on-time":
        from ..classbook import lateness

        late = lateness(conn, quiz_id).is_late
    return counted(attempts(conn, quiz_id), policy, late)


def item_scores(conn: Connection, quiz_id: str, attempt_ids: Iterable[int]
                ) -> dict[int, dict[str, ItemRow]]:
    """``attempt_id -> question_id -> ItemRow`` for the given attempts of the quiz: a few are looked up by id,
    many in one pass over the quiz's rows."""
    wanted = set(attempt_ids)
    out: dict[int, dict[str, ItemRow]] = {a: {} for a in wanted}
    if len(wanted) <= _FEW:
        ids = sorted(wanted)
        cur = conn.execute("SELECT attempt_id, question_id, score, max_score, status, response FROM item_scores"
                           f" WHERE attempt_id IN ({', '.join('?' * len(ids))})", ids) if ids else ()
    else:
        cur = iterate(conn, "SELECT i.attempt_id, question_id, score, i.max_score, status, response FROM item_scores"
                      " i JOIN attempts a USING (attempt_id) WHERE a.quiz_id = ? ORDER BY i.attempt_id", (quiz_id,))
    for aid, qid, score, mx, status, response in cur:
        row = out.get(aid)
        if row is not None:
            row[qid] = ItemRow(qid, score, mx, status, response)
    return out


_FEW = 500
"""Up to this many attempts are looked up by id (well under every database's limit of bound parameters)."""


def counted_items(conn: Connection, quiz_id: str, policy: str | None = None
                  ) -> tuple[list[AttemptRow], list[dict[str, ItemRow]]]:
    """The counted attempts (one per student, by student id) and their item rows, in the same order."""
    chosen = [a for a, _n in counted_attempts(conn, quiz_id, policy).values()]
    items = item_scores(conn, quiz_id, (a.attempt_id for a in chosen))
    return chosen, [items[a.attempt_id] for a in chosen]


def content_of(conn: Connection, attempt_id: int) -> str:
    r = conn.execute("SELECT content FROM attempts WHERE attempt_id = ?", (attempt_id,)).fetchone()
    return r[0] if r else ""


def students(conn: Connection) -> dict[str, Student]:
    return {r[0]: Student(*r) for r in conn.execute(
        "SELECT student_id, name, email, canvas_id, sis_login_id, section FROM students")}


def snapshot(conn: Connection) -> list[str]:
    """Every statement that would rebuild the gradebook (``iterdump``; on PostgreSQL every row of every table):
    equal snapshots, equal gradebooks."""
    if isinstance(conn, PgConnection):
        return pg_snapshot(conn)
    return list(conn.iterdump())  # type: ignore[attr-defined]

