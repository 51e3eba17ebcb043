"""The gradebook's schema and its migrations (SQLite's dialect): the version-1 tables and the steps that
upgrade a gradebook to :data:`SCHEMA_VERSION`."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ...core.rules import ATTEMPT_POLICIES, DEFAULT_POLICY, sql_in

SCHEMA_VERSION = 2
POLICIES = ATTEMPT_POLICIES

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


def _statements(script: str) -> list[str]:
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line.split("--", 1)[0] + ("\n" if "--" in line else "")
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]

