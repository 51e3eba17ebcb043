"""One grading run written to the gradebook batch by batch, inside the caller's ONE transaction.

``kcourse grade`` streams: it judges a batch of files, then :meth:`RunStore.write` stores it, so memory does not
grow with the class. The caller holds the transaction (:class:`.gradebook.transaction`) from before the first
batch to after :meth:`RunStore.finish`: a run that is killed leaves the gradebook as it was, and a rerun is
idempotent (files are keyed by their SHA-256). The run's row is added with the first change and its counts
set at the end; a run that changes nothing records nothing, as before.

Which files this run graded already (a later copy of the same bytes is a duplicate, however far apart the two
are in the class) is kept in a temporary table, not in memory. The SQL is portable (SQLite and PostgreSQL):
``IN`` lists of bound parameters, ``ON CONFLICT DO NOTHING``, a ``TEMPORARY`` table.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..core.grading import is_blank
from ..core.rules import percentage
from .gradebook import NewAttempt, RejectedFile, WriteResult, _same_course
from .judge import Graded, sort_time
from .roster import Student

CHUNK = 400
"""Bound parameters per ``IN (...)`` list (SQLite allows 999 in its oldest builds)."""
SEEN = "kcourse_run_seen"


def _chunks(values: Sequence, n: int = CHUNK) -> Iterable[Sequence]:
    for k in range(0, len(values), n):
        yield values[k:k + n]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


class RunStore:
    """Writes one run; built inside an open transaction (it upserts the quiz, the roster and ``setup`` first)."""

    def __init__(self, conn, *, quiz_id: str, title: str, digest: str, source: str, policy: str | None,
                 started_at: str, roster: Iterable[Student] = (), setup: Callable | None = None):
        self.conn, self.quiz_id, self.digest, self.started_at = conn, quiz_id, digest, started_at
        self.run_id: int | None = None
        self.added = self.regraded = 0
        _same_course(conn, quiz_id, source)
        before = conn.total_changes
        conn.execute(
            "INSERT INTO quizzes (quiz_id, title, digest, policy, source) VALUES (?, ?, ?, coalesce(?, 'latest'), ?)"
            " ON CONFLICT (quiz_id) DO UPDATE SET title = excluded.title, digest = excluded.digest,"
            " policy = coalesce(?, quizzes.policy), source = excluded.source"
            " WHERE quizzes.title != excluded.title OR quizzes.digest != excluded.digest"
            " OR quizzes.policy != coalesce(?, quizzes.policy) OR quizzes.source != excluded.source",
            (quiz_id, title, digest, policy, source, policy, policy))
        conn.executemany(
            "INSERT INTO students (student_id, name, email, canvas_id, sis_login_id, section)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (student_id) DO UPDATE SET name = excluded.name,"
            " email = excluded.email, canvas_id = excluded.canvas_id, sis_login_id = excluded.sis_login_id,"
            " section = excluded.section WHERE students.name != excluded.name OR students.email != excluded.email"
            " OR students.canvas_id != excluded.canvas_id OR students.sis_login_id != excluded.sis_login_id"
            " OR students.section != excluded.section",
            [(s.student_id, s.name, s.email, s.canvas_id, s.sis_login_id, s.section) for s in roster])
        if setup is not None:
            setup(conn)
        self.changed = conn.total_changes != before
        """The quiz, the roster or the deadline changed: the run is recorded even if no file is new."""
        conn.execute(f"CREATE TEMPORARY TABLE {SEEN} (sha256 TEXT PRIMARY KEY, source TEXT NOT NULL)")

    # -- reading, per batch ----------------------------------------------------------------------
    def seen(self, shas: set[str]) -> dict[str, str]:
        """``sha256 -> source`` of the given files that an earlier batch of this run graded."""
        out: dict[str, str] = {}
        for part in _chunks(sorted(shas)):
            out.update(self.conn.execute(f"SELECT sha256, source FROM {SEEN} WHERE sha256 IN ({_marks(len(part))})",
                                         part).fetchall())
        return out

    def known(self, shas: set[str]) -> dict[str, tuple[int, str]]:
        """``sha256 -> (attempt_id, quiz_digest)`` of the given files already stored for the quiz."""
        out: dict[str, tuple[int, str]] = {}
        for part in _chunks(sorted(shas)):
            for aid, sha, digest in self.conn.execute(
                    "SELECT attempt_id, sha256, quiz_digest FROM attempts WHERE quiz_id = ?"
                    f" AND sha256 IN ({_marks(len(part))})", (self.quiz_id, *part)):
                out[sha] = (aid, digest)
        return out

    # -- writing ---------------------------------------------------------------------------------
    def _run(self) -> int:
        if self.run_id is None:
            self.run_id = self.conn.execute(
                "INSERT INTO runs (quiz_id, started_at, files_in, graded, rejected, added, regraded)"
                " VALUES (?, ?, 0, 0, 0, 0, 0)", (self.quiz_id, self.started_at)).lastrowid
        return self.run_id

    def _fresh(self, rejections: list[RejectedFile]) -> list[RejectedFile]:
        """The rejections not stored yet (by file name and content)."""
        stored: set[tuple[str, str]] = set()
        for part in _chunks(sorted({r.source for r in rejections})):
            stored.update(self.conn.execute(
                "SELECT source, sha256 FROM rejections WHERE quiz_id = ?"
                f" AND source IN ({_marks(len(part))})", (self.quiz_id, *part)).fetchall())
        return [r for r in rejections if (r.source, r.sha256) not in stored]

    def write(self, *, new: list[NewAttempt], regrade: list[tuple[int, NewAttempt]],
              rejections: list[RejectedFile], graded: list[tuple[str, str]]) -> None:
        """Store one batch: new attempts with their item scores, regraded ones, rejections not stored yet;
        and remember the batch's graded files (``(sha256, source)``) for :meth:`seen`."""
        conn, digest = self.conn, self.digest
        conn.executemany(f"INSERT INTO {SEEN} (sha256, source) VALUES (?, ?) ON CONFLICT DO NOTHING", graded)
        fresh = self._fresh(rejections) if rejections else []
        if not new and not regrade and not fresh:
            return
        run_id = self._run()
        if new:
            first_id = conn.execute("SELECT coalesce(max(attempt_id), 0) + 1 FROM attempts").fetchone()[0]
            conn.executemany(
                "INSERT INTO attempts (attempt_id, quiz_id, sha256, student_id, variant_seed, submitted_at,"
                " sort_time, source, content, total, max_score, percentage, passed, quiz_digest, run_id, uploader,"
                f" upload_name, platform_file, platform_late, time_note) VALUES ({_marks(20)})",
                [(first_id + k, self.quiz_id, a.sha256, a.student_id, a.variant_seed, a.submitted_at, a.sort_time,
                  a.source, a.content, a.total, a.max_score, a.percentage, int(a.passed), digest, run_id,
                  a.uploader, a.upload_name, a.platform_file,
                  None if a.platform_late is None else int(a.platform_late), a.time_note)
                 for k, a in enumerate(new)])
            conn.executemany(
                "INSERT INTO item_scores (attempt_id, question_id, score, max_score, status, response)"
                f" VALUES ({_marks(6)})", [(first_id + k, *item) for k, a in enumerate(new) for item in a.items])
        conn.executemany(
            "INSERT INTO rejections (quiz_id, source, sha256, student_id, reason, message, uploader, run_id)"
            f" VALUES ({_marks(8)}) ON CONFLICT DO NOTHING",
            [(self.quiz_id, r.source, r.sha256, r.student_id, r.reason, r.message, r.uploader, run_id)
             for r in fresh])
        for aid, a in regrade:
            conn.execute("UPDATE attempts SET student_id = ?, total = ?, max_score = ?, percentage = ?, passed = ?,"
                         " quiz_digest = ?, run_id = ? WHERE attempt_id = ?",
                         (a.student_id, a.total, a.max_score, a.percentage, int(a.passed), digest, run_id, aid))
            conn.execute("DELETE FROM item_scores WHERE attempt_id = ?", (aid,))
            conn.executemany("INSERT INTO item_scores (attempt_id, question_id, score, max_score, status, response)"
                             f" VALUES ({_marks(6)})", [(aid, *item) for item in a.items])
        self.added += len(new)
        self.regraded += len(regrade)

    def finish(self, *, files_in: int, graded: int, rejected: int) -> WriteResult:
        """Set the run's counts (recording the run when only the quiz, roster or deadline changed)."""
        self.conn.execute(f"DROP TABLE {SEEN}")
        if self.run_id is None and not self.changed:
            return WriteResult(None, 0, 0)
        run_id = self._run()
        self.conn.execute("UPDATE runs SET files_in = ?, graded = ?, rejected = ?, added = ?, regraded = ?"
                          " WHERE run_id = ?", (files_in, graded, rejected, self.added, self.regraded, run_id))
        return WriteResult(run_id, self.added, self.regraded)


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def _response_json(r: Any) -> str | None:
    """The response as compact JSON (``None`` when blank); the common scalars without the encoder's cost."""
    if is_blank(r):
        return None
    t = type(r)
    if t is str and not _NEEDS_ESCAPE.search(r):
        return f'"{r}"'
    if t is bool:
        return "true" if r else "false"
    if t is int:
        return str(r)
    return _encode(r)


def to_new_attempt(g: Graded, content: str | None = None) -> NewAttempt:
    res, responses = g.result, g.submission.responses
    items = tuple((r.question_id, r.score, r.max_score, r.status.value, _response_json(responses.get(r.question_id)))
                  for r in res.results)
    total, max_score = res.total, res.max_score  # the properties add up the results on every call
    percent = percentage(total, max_score)  # as QuizResult.percentage
    up = g.uploader
    return NewAttempt(sha256=g.sha256, student_id=g.student_id, variant_seed=g.submission.variant_seed,
                         submitted_at=g.submission.submitted_at,
                         sort_time="" if g.time_note else (
                             g.when if g.when is not None else sort_time(g.submission.submitted_at)),
                         source=g.source, content=g.content if content is None else content, total=total,
                         max_score=max_score, percentage=percent, passed=percent >= res.pass_mark, items=items,
                         uploader=f"{up.platform}:{up.user}" if up else "", upload_name=up.name_key if up else "",
                         platform_file=up.file_id if up else "", platform_late=up.late if up else None,
                         time_note=g.time_note)
