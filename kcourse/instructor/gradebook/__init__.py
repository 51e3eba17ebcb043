"""The gradebook: one SQLite file (stdlib ``sqlite3``), or a PostgreSQL database (:mod:`.pg`), holding every
graded attempt. Its SQL lives in this package, portable between the two.

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

The modules: :mod:`.schema` (tables, migrations), :mod:`.store` (opening, upgrading, transactions, errors),
:mod:`.rows` (what is stored and read), :mod:`.policy` (the counted attempt, pure), :mod:`.queries` (reading),
:mod:`.writes` (a grading run).
"""
from __future__ import annotations

from .pg import PgAddress, PgConnection, is_pg
from .policy import counted, policy_key
from .queries import (
                      attempts,
                      content_of,
                      counted_attempts,
                      counted_items,
                      item_scores,
                      iter_attempts,
                      iter_counted,
                      iter_counted_items,
                      known_attempts,
                      quiz_row,
                      reading,
                      snapshot,
                      students,
)
from .rows import (
                      AttemptRow,
                      GradebookError,
                      GradebookWriteError,
                      ItemRow,
                      NewAttempt,
                      QuizRow,
                      RejectedFile,
                      WriteResult,
)
from .schema import MIGRATIONS, POLICIES, SCHEMA, SCHEMA_2, SCHEMA_VERSION, _statements
from .store import (
                      DEFAULT_PATH,
                      LOCK_TIMEOUT,
                      Address,
                      Connection,
                      address,
                      connect,
                      iterate,
                      own_files,
                      pages,
                      sqlite_error,
                      transaction,
)
from .writes import write_run

__all__ = ["Address", "AttemptRow", "Connection", "DEFAULT_PATH", "GradebookError", "GradebookWriteError",
           "ItemRow", "LOCK_TIMEOUT", "MIGRATIONS", "NewAttempt", "POLICIES", "PgAddress", "PgConnection",
           "QuizRow", "RejectedFile", "SCHEMA", "SCHEMA_2", "SCHEMA_VERSION", "WriteResult", "_statements",
           "address", "attempts", "connect", "content_of", "counted", "counted_attempts", "counted_items", "is_pg",
           "item_scores", "iter_attempts", "iter_counted", "iter_counted_items", "iterate", "known_attempts",
           "own_files", "pages", "policy_key", "quiz_row", "reading", "snapshot",
           "sqlite_error", "students", "transaction", "write_run"]
