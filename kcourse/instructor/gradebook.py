"""The gradebook: one SQLite file (stdlib ``sqlite3``) holding every graded attempt. All SQL lives here.

- A grading run is written in ONE transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a run that is
  interrupted (Ctrl-C, ``kill -9``, power loss) leaves the gradebook exactly as it was; SQLite's
  rollback journal undoes a half-written transaction the next time the file is opened.
- Attempts are keyed by ``(quiz_id, sha256 of the file's bytes)``: grading the same file again adds
  nothing. When the quiz changed (another digest), the same file is graded again and its row updated.
- The schema carries its version in ``PRAGMA user_version``. A gradebook written by a newer kcourse gets a
  clear error; an older one is upgraded step by step by :data:`MIGRATIONS`. A new gradebook is created as
  version 1 and upgraded the same way, so new and upgraded gradebooks are alike.
- Version 2 adds what the platforms tell (the uploader from Canvas/Moodle file names, Canvas's late
  marker, a time that is not trusted) to ``attempts``, and the class's records: rejected files, deadlines,
  extensions, excused students and score overrides (their SQL is in :mod:`.classbook`).
- Which attempt counts when a student handed in several is the quiz's *policy*, stored per quiz:
  ``latest`` (default: the latest time), ``first`` (the earliest), ``best`` (the highest total, then the
  latest) or ``latest-on-time`` (the latest one that is not late; the latest of all when every one is late).
  The time is the file's ``submitted_at`` unless it was refused (before the quiz was assigned, or in the
  future): an attempt without a trusted time never beats one with a time, under any policy. Equal times
  are ordered by the file's SHA-256, so the choice never depends on the order files were given in.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..core.errors import KcourseError, UsageError
from ..core.rules import ATTEMPT_POLICIES, DEFAULT_POLICY, sql_in
from .roster import Student

SCHEMA_VERSION = 2
POLICIES = ATTEMPT_POLICIES
DEFAULT_PATH = "gradebook.sqlite"
LOCK_TIMEOUT = 10.0
"""Seconds to wait for another run that is writing the same gradebook."""

SCHEMA = f"""
CREATE TABLE quizzes (
    quiz_id   TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    digest    TEXT NOT NULL,              -- of the quiz as last graded (kcourse.instructor.manifest.quiz_digest)
    policy    TEXT NOT NULL DEFAULT '{DEFAULT_POLICY}' CHECK ({sql_in('policy', POLICIES)}),
    source    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE students (
    student_id   TEXT PRIMARY KEY,
    name         TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    canvas_id    TEXT NOT NULL DEFAULT '',
    sis_login_id TEXT NOT NULL DEFAULT '',
    section      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE runs (
    run_id     INTEGER PRIMARY KEY,
    quiz_id    TEXT NOT NULL REFERENCES quizzes,
    started_at TEXT NOT NULL,
    files_in   INTEGER NOT NULL,
    graded     INTEGER NOT NULL,
    rejected   INTEGER NOT NULL,
    added      INTEGER NOT NULL,
    regraded   INTEGER NOT NULL
);
CREATE TABLE attempts (
    attempt_id   INTEGER PRIMARY KEY,
    quiz_id      TEXT NOT NULL REFERENCES quizzes,
    sha256       TEXT NOT NULL,           -- of the file's bytes: the same file is never added twice
    student_id   TEXT NOT NULL,
    variant_seed INTEGER NOT NULL,
    submitted_at TEXT,                    -- as written in the file
    sort_time    TEXT NOT NULL,           -- submitted_at in UTC ('' when missing): the policy's order
    source       TEXT NOT NULL,           -- where the file was read from when it was first graded
    content      TEXT NOT NULL,           -- the submission file itself
    total        REAL NOT NULL,
    max_score    REAL NOT NULL,
    percentage   REAL NOT NULL,
    passed       INTEGER NOT NULL,
    quiz_digest  TEXT NOT NULL,           -- the quiz it was graded against
    run_id       INTEGER NOT NULL REFERENCES runs,
    UNIQUE (quiz_id, sha256)
);
CREATE INDEX attempts_by_student ON attempts (quiz_id, student_id);
CREATE TABLE item_scores (
    attempt_id  INTEGER NOT NULL REFERENCES attempts ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    score       REAL NOT NULL,
    max_score   REAL NOT NULL,
    status      TEXT NOT NULL,            -- correct | partial | incorrect | unanswered
    response    TEXT,                     -- JSON; NULL when unanswered
    PRIMARY KEY (attempt_id, question_id)
) WITHOUT ROWID;
"""

SCHEMA_2 = """
CREATE TABLE quizzes_2 (
    quiz_id   TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    digest    TEXT NOT NULL,
    policy    TEXT NOT NULL DEFAULT 'latest' CHECK (policy IN ('latest', 'best', 'first', 'latest-on-time')),
    source    TEXT NOT NULL DEFAULT ''
);
INSERT INTO quizzes_2 SELECT quiz_id, title, digest, policy, source FROM quizzes;
DROP TABLE quizzes;
ALTER TABLE quizzes_2 RENAME TO quizzes;
ALTER TABLE attempts ADD COLUMN uploader TEXT NOT NULL DEFAULT '';      -- canvas:<user id> | moodle:<participant>
ALTER TABLE attempts ADD COLUMN upload_name TEXT NOT NULL DEFAULT '';   -- the name in the platform's file name
ALTER TABLE attempts ADD COLUMN platform_file TEXT NOT NULL DEFAULT ''; -- Canvas's attachment id
ALTER TABLE attempts ADD COLUMN platform_late INTEGER;                  -- Canvas's LATE marker; NULL: not known
ALTER TABLE attempts ADD COLUMN time_note TEXT NOT NULL DEFAULT '';     -- why submitted_at is not trusted
CREATE TABLE rejections (
    quiz_id    TEXT NOT NULL,
    source     TEXT NOT NULL,
    sha256     TEXT NOT NULL DEFAULT '',  -- '' when the file could not be read
    student_id TEXT NOT NULL DEFAULT '',  -- whom it is from, as far as known ('' when unknown)
    reason     TEXT NOT NULL,
    message    TEXT NOT NULL,
    uploader   TEXT NOT NULL DEFAULT '',
    run_id     INTEGER NOT NULL REFERENCES runs,
    UNIQUE (quiz_id, source, sha256)
);
CREATE TABLE deadlines (
    quiz_id     TEXT PRIMARY KEY,
    due         TEXT NOT NULL DEFAULT '', -- UTC, as sort_time
    grace_min   REAL NOT NULL DEFAULT 0,
    penalty_pct REAL NOT NULL DEFAULT 0,  -- of the maximum, per started day late
    opens       TEXT NOT NULL DEFAULT ''  -- times before this are not trusted
);
CREATE TABLE extensions (
    quiz_id    TEXT NOT NULL,
    student_id TEXT NOT NULL,
    due        TEXT NOT NULL,
    PRIMARY KEY (quiz_id, student_id)
);
CREATE TABLE excused (
    quiz_id    TEXT NOT NULL,
    student_id TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (quiz_id, student_id)
);
CREATE TABLE overrides (
    quiz_id    TEXT NOT NULL,
    student_id TEXT NOT NULL,
    score      REAL NOT NULL,
    comment    TEXT NOT NULL,
    PRIMARY KEY (quiz_id, student_id)
);
CREATE TABLE key_changes (
    quiz_id     TEXT NOT NULL,
    question_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('credit', 'accept')),
    value       TEXT NOT NULL DEFAULT '', -- JSON of the extra accepted answer ('accept')
    PRIMARY KEY (quiz_id, question_id, kind, value)
);
"""


def _to_2(conn: sqlite3.Connection) -> None:
    for stmt in _statements(SCHEMA_2):
        conn.execute(stmt)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _to_2}
"""``MIGRATIONS[n]`` upgrades a gradebook from schema version ``n`` to ``n + 1`` (inside a transaction, with
foreign keys off while tables are rebuilt, as SQLite's documentation describes)."""


class GradebookError(UsageError):
    """The gradebook file cannot be used (missing, not a gradebook, too new)."""


class GradebookWriteError(GradebookError):
    """The gradebook cannot be written now (busy, read-only, disk full); it is as it was. Exit status 1, as for
    every output error."""

    exit_code = 1


@dataclass(frozen=True)
class NewAttempt:
    """A graded submission to store."""

    sha256: str
    student_id: str
    variant_seed: int
    submitted_at: str | None
    sort_time: str
    source: str
    content: str
    total: float
    max_score: float
    percentage: float
    passed: bool
    items: tuple[tuple[str, float, float, str, str | None], ...]
    """``(question_id, score, max_score, status, response as JSON or None)`` per question of the variant."""
    uploader: str = ""
    upload_name: str = ""
    platform_file: str = ""
    platform_late: bool | None = None
    time_note: str = ""


@dataclass(frozen=True)
class RejectedFile:
    """A file that was not graded, to store."""

    source: str
    sha256: str
    student_id: str
    reason: str
    message: str
    uploader: str = ""


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """A stored attempt."""

    attempt_id: int
    student_id: str
    variant_seed: int
    submitted_at: str | None
    sort_time: str
    sha256: str
    source: str
    total: float
    max_score: float
    percentage: float
    passed: bool
    quiz_digest: str
    uploader: str = ""
    """``canvas:<user id>`` or ``moodle:<participant id>`` when the platform's file name said who uploaded it."""
    upload_name: str = ""
    platform_file: str = ""
    platform_late: bool | None = None
    """Canvas's LATE marker; ``None`` when the platform said nothing."""
    time_note: str = ""
    """Why ``submitted_at`` is not trusted ('' when it is, or when there is none)."""


class ItemRow(NamedTuple):
    """One question's result in a stored attempt (a named tuple: there are many)."""

    question_id: str
    score: float
    max_score: float
    status: str
    response: str | None
    """JSON text."""


@dataclass(frozen=True)
class QuizRow:
    quiz_id: str
    title: str
    digest: str
    policy: str
    source: str


@dataclass(frozen=True)
class WriteResult:
    run_id: int | None
    """``None`` when the run changed nothing (no run is recorded then)."""
    added: int
    regraded: int


def connect(path: str | Path, *, create: bool) -> sqlite3.Connection:
    """Open the gradebook at ``path`` (creating it when ``create``), checking and upgrading its schema."""
    p = Path(path)
    if not p.exists():
        if not create:
            raise GradebookError(f"no gradebook at {p}: grade some submissions first (kcourse grade QUIZ FILES "
                                 f"--gradebook {p}), or give the right --gradebook")
        p.parent.mkdir(parents=True, exist_ok=True)
    elif p.is_dir():
        raise GradebookError(f"{p} is a folder; give the gradebook file (e.g. {p / DEFAULT_PATH})")
    try:
        conn = sqlite3.connect(str(p), isolation_level=None, timeout=LOCK_TIMEOUT)
    except sqlite3.Error as e:
        raise sqlite_error(p, e) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and not tables:
            with transaction(conn):
                for stmt in _statements(SCHEMA):
                    conn.execute(stmt)
                conn.execute("PRAGMA user_version = 1")
            _migrate(conn, 1, p)
        elif version == 0 or "attempts" not in tables:
            raise GradebookError(f"{p} is a SQLite file but not a kcourse gradebook; give another --gradebook")
        elif version > SCHEMA_VERSION:
            raise GradebookError(f"{p} is a gradebook of schema version {version}, written by a newer kcourse; "
                                 f"this kcourse reads up to version {SCHEMA_VERSION}: upgrade kcourse "
                                 "(pip install -U -r requirements.txt)")
        elif version < SCHEMA_VERSION:
            _migrate(conn, version, p)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise sqlite_error(p, e) from None
    except BaseException:
        conn.close()
        raise
    return conn


def sqlite_error(p: Path, e: sqlite3.Error) -> KcourseError:
    """A one-line error for what SQLite said about the gradebook ``p``: busy, not writable, full, or not one."""
    text = str(e)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return GradebookWriteError(f"the gradebook {p} is busy ({text}): another kcourse command is writing it; "
                                   "run this again when it has finished; nothing of this run was stored")
    if "readonly" in low or "read-only" in low or "unable to open" in low or "permission" in low:
        return GradebookWriteError(f"cannot write the gradebook {p} ({text}): choose a folder you can write to with "
                                   "--gradebook, or change its permissions; nothing of this run was stored")
    if "full" in low or "disk i/o" in low:
        return GradebookWriteError(f"cannot write the gradebook {p} ({text}): free some disk space, or use another "
                                   "disk; nothing of this run was stored")
    return GradebookError(f"{p} is not a readable gradebook ({text}); give another --gradebook")


def _statements(script: str) -> list[str]:
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line.split("--", 1)[0] + ("\n" if "--" in line else "")
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]


def _migrate(conn: sqlite3.Connection, version: int, p: Path) -> None:
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(conn):
            while version < SCHEMA_VERSION:
                step = MIGRATIONS.get(version)
                if step is None:
                    raise GradebookError(f"{p} is a gradebook of schema version {version}, which this kcourse "
                                         "cannot upgrade; export its grades with the kcourse that wrote it")
                step(conn)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            bad = conn.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise GradebookError(f"{p}: upgrading the gradebook would break its links ({bad[:3]}); it is left "
                                     "as it was")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


class transaction:
    """``with transaction(conn):`` runs the block in ``BEGIN IMMEDIATE`` ... ``COMMIT``, or rolls back."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise GradebookWriteError(f"the gradebook is busy ({e}): another kcourse command is writing it; run this "
                              "again when it has finished; nothing of this run was stored") from None
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


# -- reading -----------------------------------------------------------------------------------------

def quiz_row(conn: sqlite3.Connection, quiz_id: str) -> QuizRow | None:
    r = conn.execute("SELECT quiz_id, title, digest, policy, source FROM quizzes WHERE quiz_id = ?",
                     (quiz_id,)).fetchone()
    return QuizRow(*r) if r else None


@contextmanager
def reading(gradebook: str | Path, quiz_id: str) -> Iterator[tuple[sqlite3.Connection, QuizRow]]:
    """An open gradebook and the quiz's row, for the commands that read grades; a clear error when the
    gradebook holds no grades for the quiz."""
    conn = connect(gradebook, create=False)
    try:
        row = quiz_row(conn, quiz_id)
        if row is None:
            raise UsageError(f"the gradebook {gradebook} has no grades for quiz '{quiz_id}' (run kcourse grade "
                             f"{quiz_id} FILES --gradebook {gradebook} first)")
        yield conn, row
    finally:
        conn.close()


def known_attempts(conn: sqlite3.Connection, quiz_id: str) -> dict[str, tuple[int, str]]:
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


FETCH = 2000
"""Rows fetched at a time by the readers that stream (``fetchmany``)."""


def iter_attempts(conn: sqlite3.Connection, quiz_id: str) -> Iterator[AttemptRow]:
    """Every stored attempt of the quiz, by student then time, streamed."""
    cur = conn.execute(f"SELECT {_ATTEMPT_COLS} FROM attempts WHERE quiz_id = ? ORDER BY student_id, sort_time,"
                       " sha256", (quiz_id,))
    while rows := cur.fetchmany(FETCH):
        for r in rows:
            yield _attempt_row(r)


def attempts(conn: sqlite3.Connection, quiz_id: str) -> list[AttemptRow]:
    """Every stored attempt of the quiz, by student then time."""
    return list(iter_attempts(conn, quiz_id))


def policy_key(policy: str, late: Callable[[AttemptRow], bool] | None = None) -> Callable[[AttemptRow], tuple]:
    """The sort key whose maximum is the attempt that counts under ``policy`` (``late`` tells which attempts
    are late, for ``latest-on-time``). An attempt without a (trusted) time never beats one with a time."""
    if policy == "latest":
        return lambda a: (a.sort_time, a.sha256)
    if policy == "first":
        return lambda a: (a.sort_time != "", _invert(a.sort_time), _invert(a.sha256))
    if policy == "best":
        return lambda a: (a.total, a.sort_time, a.sha256)
    if policy == "latest-on-time":
        is_late = late or (lambda a: bool(a.platform_late))
        return lambda a: (not is_late(a), a.sort_time, a.sha256)
    raise ValueError(f"unknown policy {policy!r}; one of {', '.join(POLICIES)}")


def _invert(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text) + (1,)


def counted(rows: Iterable[AttemptRow], policy: str, late: Callable[[AttemptRow], bool] | None = None
            ) -> dict[str, tuple[AttemptRow, int]]:
    """Per student: the attempt that counts under ``policy`` and how many attempts they made."""
    key = policy_key(policy, late)
    best: dict[str, tuple[AttemptRow, int]] = {}
    for a in rows:
        if a.student_id in best:
            cur, n = best[a.student_id]
            best[a.student_id] = (a if key(a) > key(cur) else cur, n + 1)
        else:
            best[a.student_id] = (a, 1)
    return dict(sorted(best.items()))


def counted_attempts(conn: sqlite3.Connection, quiz_id: str, policy: str | None = None
                     ) -> dict[str, tuple[AttemptRow, int]]:
    """Per student (sorted by id): the counted attempt under ``policy`` (default: the quiz's stored one)."""
    return {a.student_id: (a, n) for a, n in iter_counted(conn, quiz_id, policy)}


def iter_counted(conn: sqlite3.Connection, quiz_id: str, policy: str | None = None,
                 late: Callable[[AttemptRow], bool] | None = None) -> Iterator[tuple[AttemptRow, int]]:
    """Per student, by id: the counted attempt and how many attempts they made, streamed (one student's
    attempts in memory at a time)."""
    if policy is None:
        row = quiz_row(conn, quiz_id)
        policy = row.policy if row else "latest"
    if late is None and policy == "latest-on-time":
        from .classbook import lateness

        late = lateness(conn, quiz_id).is_late
    key = policy_key(policy, late)
    best: AttemptRow | None = None
    n = 0
    for a in iter_attempts(conn, quiz_id):
        if best is not None and a.student_id != best.student_id:
            yield best, n
            best, n = None, 0
        n += 1
        if best is None or key(a) > key(best):
            best = a
    if best is not None:
        yield best, n


def iter_counted_items(conn: sqlite3.Connection, quiz_id: str, policy: str | None = None
                       ) -> Iterator[tuple[AttemptRow, dict[str, ItemRow]]]:
    """The counted attempts (by student id) with their item rows, streamed: items are read for
    :data:`FETCH` attempts at a time."""
    batch: list[AttemptRow] = []
    for a, _n in iter_counted(conn, quiz_id, policy):
        batch.append(a)
        if len(batch) >= FETCH:
            yield from _with_items(conn, batch)
            batch = []
    yield from _with_items(conn, batch)


def _with_items(conn: sqlite3.Connection, chosen: list[AttemptRow]) -> Iterator[tuple[AttemptRow, dict[str, ItemRow]]]:
    out: dict[int, dict[str, ItemRow]] = {a.attempt_id: {} for a in chosen}
    ids = list(out)
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        for aid, qid, score, mx, status, response in conn.execute(
                "SELECT attempt_id, question_id, score, max_score, status, response FROM item_scores"
                f" WHERE attempt_id IN ({', '.join('?' * len(part))}) ORDER BY attempt_id, question_id", part):
            out[aid][qid] = ItemRow(qid, score, mx, status, response)
    for a in chosen:
        yield a, out[a.attempt_id]


def item_scores(conn: sqlite3.Connection, attempt_ids: Iterable[int]) -> dict[int, dict[str, ItemRow]]:
    """``attempt_id -> question_id -> ItemRow`` for the given attempts."""
    wanted = set(attempt_ids)
    out: dict[int, dict[str, ItemRow]] = {a: {} for a in wanted}
    cur = conn.execute("SELECT i.attempt_id, question_id, score, i.max_score, status, response FROM item_scores i "
                       "JOIN attempts a USING (attempt_id)"
                       " WHERE a.attempt_id IN (SELECT value FROM json_each(?))",
                       (_json_ints(wanted),))
    for aid, qid, score, mx, status, response in cur:
        out[aid][qid] = ItemRow(qid, score, mx, status, response)
    return out


def _json_ints(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def quiz_item_scores(conn: sqlite3.Connection, quiz_id: str, attempt_ids: Iterable[int]
                     ) -> dict[int, dict[str, ItemRow]]:
    """:func:`item_scores` for many attempts of one quiz: one pass over the quiz's rows."""
    out: dict[int, dict[str, ItemRow]] = {a: {} for a in attempt_ids}
    cur = conn.execute("SELECT i.attempt_id, question_id, score, i.max_score, status, response FROM item_scores i"
                       " JOIN attempts a USING (attempt_id) WHERE a.quiz_id = ? ORDER BY i.attempt_id", (quiz_id,))
    for aid, qid, score, mx, status, response in cur:
        row = out.get(aid)
        if row is not None:
            row[qid] = ItemRow(qid, score, mx, status, response)
    return out


def counted_items(conn: sqlite3.Connection, quiz_id: str, policy: str | None = None
                  ) -> tuple[list[AttemptRow], list[dict[str, ItemRow]]]:
    """The counted attempts (one per student, by student id) and their item rows, in the same order."""
    chosen = [a for a, _n in counted_attempts(conn, quiz_id, policy).values()]
    items = quiz_item_scores(conn, quiz_id, (a.attempt_id for a in chosen))
    return chosen, [items[a.attempt_id] for a in chosen]


def content_of(conn: sqlite3.Connection, attempt_id: int) -> str:
    r = conn.execute("SELECT content FROM attempts WHERE attempt_id = ?", (attempt_id,)).fetchone()
    return r[0] if r else ""


def students(conn: sqlite3.Connection) -> dict[str, Student]:
    return {r[0]: Student(*r) for r in conn.execute(
        "SELECT student_id, name, email, canvas_id, sis_login_id, section FROM students")}


def snapshot(conn: sqlite3.Connection) -> list[str]:
    """Every statement that would rebuild the gradebook (``iterdump``): equal snapshots, equal gradebooks."""
    return list(conn.iterdump())


# -- writing -----------------------------------------------------------------------------------------

def _same_course(conn: sqlite3.Connection, quiz_id: str, source: str) -> None:
    """A gradebook holds one course's grades: a quiz with the same id from another course (:mod:`kcourse.course`)
    is refused, never merged into the first one's rows."""
    from ..core.course import course_of_quiz

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
              new: Iterable[NewAttempt] = (), regrade: Iterable[tuple[int, NewAttempt]] = (),
              roster: Iterable[Student] = (), rejections: Iterable[RejectedFile] = (),
              setup: Callable[[sqlite3.Connection], None] | None = None,
              stream: Callable[..., tuple[int, int, int]] | None = None) -> WriteResult:
    """Store one grading run in one transaction: the quiz, the roster's students, new attempts (with their
    item scores) and regraded ones. Nothing is recorded when nothing changes, so a repeated run leaves the
    gradebook byte-for-byte the same in content. ``stream``, when given, is called inside the transaction
    with the :class:`.runstore.RunStore` to write batch after batch (``kcourse grade``); it returns the
    run's ``(files_in, graded, rejected)``."""
    from .runstore import RunStore

    with transaction(conn):
        store = RunStore(conn, quiz_id=quiz_id, title=title, digest=digest, source=source, policy=policy,
                         started_at=started_at, roster=roster, setup=setup)
        store.write(new=list(new), regrade=list(regrade), rejections=list(rejections), graded=[])
        if stream is not None:
            files_in, graded, rejected = stream(store)
        return store.finish(files_in=files_in, graded=graded, rejected=rejected)
