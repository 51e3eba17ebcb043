"""``kcourse regrade``: grade every stored submission of a quiz again, from the gradebook's own copy.

After a key is fixed in the quiz file, ``kcourse regrade QUIZ`` grades every attempt the gradebook holds
against the quiz as it is now (no submission files needed: the gradebook keeps each file's text), in one
transaction, so the gradebook never holds scores from two keys for long. Two decisions an instructor
takes after a flawed question are kept in the gradebook as *key changes* and applied to every attempt,
now and in later ``kcourse grade`` runs:

- ``--credit QID``: everyone asked question QID gets its full marks (the question was broken);
- ``--accept QID=ANSWER``: ANSWER (JSON: ``b``, ``true``, ``13500``, ``["a","c"]``) also gets full marks
  for QID ("accept both" when two options are right).

The quiz's *effective digest* is its digest plus a hash of its key changes: an attempt graded against
another effective digest is stale, and every report and export warns while any is
(:func:`.classbook.mixed_versions_warning`). Per-student overrides (``kcourse grades override``) are not
touched by a regrade.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import UsageError
from ..core.model import Quiz
from ..core.rules import percentage
from ..core.submission import now_iso
from . import gradebook as gb
from .manifest import quiz_digest

if TYPE_CHECKING:
    from .runstore import RunStore


@dataclass(frozen=True)
class KeyChange:
    question_id: str
    kind: str
    """``credit`` or ``accept``."""
    value: str = ""
    """JSON of the accepted answer (``accept``)."""


def key_changes(conn: gb.Connection, quiz_id: str) -> list[KeyChange]:
    try:
        rows = conn.execute("SELECT question_id, kind, value FROM key_changes WHERE quiz_id = ? "
                            "ORDER BY question_id, kind, value", (quiz_id,)).fetchall()
    except sqlite3.OperationalError:  # a gradebook being created
        return []
    return [KeyChange(*r) for r in rows]


def digest_with(quiz: Quiz, changes: list[KeyChange]) -> str:
    d = quiz_digest(quiz)
    if not changes:
        return d
    text = json.dumps([[c.question_id, c.kind, c.value] for c in changes], separators=(",", ":"))
    return f"{d}+{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def effective_digest(conn: gb.Connection, quiz: Quiz) -> str:
    """The quiz's digest with its key changes: what an attempt graded now is graded against."""
    return digest_with(quiz, key_changes(conn, quiz.id))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b and type(a) is type(b)


def apply_changes(a: gb.NewAttempt, changes: list[KeyChange], pass_mark: float) -> gb.NewAttempt:
    """``a`` with its items' scores raised by the key changes (never lowered)."""
    if not changes:
        return a
    by_q: dict[str, list[KeyChange]] = {}
    for c in changes:
        by_q.setdefault(c.question_id, []).append(c)
    items = []
    for qid, score, mx, status, response in a.items:
        for c in by_q.get(qid, ()):
            full = c.kind == "credit" or (
                response is not None and _same(json.loads(response), json.loads(c.value)))
            if full:
                score, status = mx, "correct"
        items.append((qid, score, mx, status, response))
    total = sum(i[1] for i in items)
    pct = percentage(total, a.max_score)
    return replace(a, items=tuple(items), total=total, percentage=pct, passed=pct >= pass_mark)


EXAMPLES = 1000
"""Changed scores and failures the report keeps (it counts them all)."""
PAGE = 1000
"""Stored attempts read, graded and staged at a time."""


@dataclass
class RegradeReport:
    """What a regrade did: every count exact, the changed scores and failures only the first :data:`EXAMPLES`."""

    quiz_id: str
    attempts: int = 0
    changed: int = 0
    """Attempts whose score changed."""
    students_changed: list[tuple[str, float, float]] = field(default_factory=list)
    """``(student id, old total, new total)`` of the first :data:`EXAMPLES` changed attempts."""
    failed: list[str] = field(default_factory=list)
    """The first :data:`EXAMPLES` attempts that cannot be graded against the quiz as it is now (kept as they
    were); :attr:`failed_total` counts them all."""
    failed_total: int = 0
    digest: str = ""


def parse_accept(text: str, quiz: Quiz) -> KeyChange:
    qid, sep, value = text.partition("=")
    qid = qid.strip()
    if not sep or not qid or not value.strip():
        raise UsageError(f"--accept '{text}': write QUESTION_ID=ANSWER, e.g. --accept bkl-removed=b")
    if not quiz.has_question(qid):
        raise UsageError(f"--accept '{text}': quiz '{quiz.id}' has no question '{qid}'")
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value.strip()
    return KeyChange(qid, "accept", json.dumps(parsed, ensure_ascii=False, sort_keys=True))


def regrade(*, quiz: Quiz, gradebook: str | Path, accept: list[str] | tuple[str, ...] = (),
            credit: list[str] | tuple[str, ...] = ()) -> RegradeReport:
    """Record the key changes, then grade every stored attempt of ``quiz`` again: read, graded and staged
    :data:`PAGE` at a time (:class:`.runstore.RunStore`), then stored in one transaction (a killed regrade changes
    nothing)."""
    from .grade import Judge

    new_changes = [parse_accept(a, quiz) for a in accept]
    for qid in credit:
        if not quiz.has_question(qid):
            raise UsageError(f"--credit '{qid}': quiz '{quiz.id}' has no question '{qid}'")
        new_changes.append(KeyChange(qid, "credit"))
    report = RegradeReport(quiz.id)
    conn = gb.connect(gradebook, create=False)
    try:
        row = gb.quiz_row(conn, quiz.id)
        if row is None:
            raise UsageError(f"the gradebook {gradebook} has no grades for quiz '{quiz.id}'; nothing to regrade")
        changes = sorted(set(key_changes(conn, quiz.id)) | set(new_changes),
                         key=lambda c: (c.question_id, c.kind, c.value))
        digest = digest_with(quiz, changes)
        report.digest = digest
        judge = Judge(quiz, platform_names=False)

        def stream(store: RunStore) -> tuple[int, int, int]:
            staged = 0
            for page in _pages(conn, quiz.id):
                todo = [t for t in (_regraded(judge, a, changes, digest, quiz.pass_mark, report) for a in page)
                        if t is not None]
                store.write(regrade=todo)
                staged += len(todo)
            return 0, staged, 0

        def store_changes(c: gb.Connection) -> None:
            c.executemany("INSERT INTO key_changes (quiz_id, question_id, kind, value) VALUES (?, ?, ?, ?)"
                          " ON CONFLICT DO NOTHING",
                          [(quiz.id, k.question_id, k.kind, k.value) for k in new_changes])

        gb.write_run(conn, quiz_id=quiz.id, title=quiz.title, digest=digest, source=quiz.source, policy=None,
                     started_at=now_iso(), files_in=0, graded=0, rejected=0, setup=store_changes, stream=stream)
        report.students_changed.sort()
    finally:
        conn.close()
    return report


@dataclass(frozen=True)
class _Stored:
    attempt_id: int
    student_id: str
    source: str
    total: float
    quiz_digest: str
    content: str


def _pages(conn: gb.Connection, quiz_id: str) -> Iterator[list[_Stored]]:
    """The quiz's stored attempts with their text, :data:`PAGE` at a time by ``attempt_id`` (each page its own
    short query: the run's staging writes go through the same connection in between)."""
    for rows in gb.pages(conn, "SELECT attempt_id, student_id, source, total, quiz_digest, content FROM attempts"
                         f" WHERE quiz_id = ? AND attempt_id > ? ORDER BY attempt_id LIMIT {PAGE}", (quiz_id,), 0):
        yield [_Stored(*r) for r in rows]


def _regraded(judge, a: _Stored, changes: list[KeyChange], digest: str, pass_mark: float,
              report: RegradeReport) -> tuple[int, gb.NewAttempt] | None:
    """``(attempt_id, the attempt graded now)`` when it is to be stored again (graded against another effective
    digest, or its score changed); counted in ``report``."""
    from .grade import Graded, to_new_attempt

    report.attempts += 1
    g = judge(a.source, a.content.encode("utf-8"))
    judge.seen.clear()
    if not isinstance(g, Graded):
        report.failed_total += 1
        if len(report.failed) < EXAMPLES:
            report.failed.append(f"{a.source} ({a.student_id}): {g}")
        return None
    fresh = apply_changes(to_new_attempt(replace(g, student_id=a.student_id), a.content), changes, pass_mark)
    if a.quiz_digest == digest and abs(fresh.total - a.total) < 1e-9:
        return None
    if abs(fresh.total - a.total) > 1e-9:
        report.changed += 1
        if len(report.students_changed) < EXAMPLES:
            report.students_changed.append((a.student_id, a.total, fresh.total))
    return a.attempt_id, fresh
