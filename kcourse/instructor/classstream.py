"""The class's statuses and files, streamed student by student (``grades export``, ``status``, ``files``).

:func:`iter_class_status` gives what :func:`.classbook.class_status` gives, in the same order, without a list of
the whole class: without a roster the students come from the gradebook's counted attempts in id order
(:func:`.gradebook.iter_counted`) merged with the few students known only from excuses, overrides and rejected
files. With a roster the roster's order rules, and the roster is in memory anyway: that is
:func:`.classbook.class_status`. :func:`iter_file_outcomes` is :func:`.classbook.file_outcomes` streamed.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterator

from . import gradebook as gb
from .classbook import (
    FileOutcome,
    RejectionRow,
    StudentStatus,
    class_status,
    excused,
    lateness,
    overrides,
    rejections,
    status_of,
)
from .outcome import Reason
from .roster import Roster, Student

CHUNK = 1000
"""Students looked up in the gradebook's ``students`` table at a time."""


def _students(conn: gb.Connection, ids: list[str]) -> dict[str, Student]:
    out: dict[str, Student] = {}
    for k in range(0, len(ids), 400):
        part = ids[k:k + 400]
        out.update({r[0]: Student(*r) for r in conn.execute(
            "SELECT student_id, name, email, canvas_id, sis_login_id, section FROM students"
            f" WHERE student_id IN ({', '.join('?' * len(part))})", part)})
    return out


def _rejected_by_student(conn: gb.Connection, quiz_id: str, policy: str | None
                         ) -> dict[str, list[RejectionRow]]:
    """Rejected files per student, the account holder included for a file handed in under their account."""
    rows = rejections(conn, quiz_id)
    needed = {r.uploader for r in rows if r.uploader and r.reason == Reason.FOREIGN_ACCOUNT.value}
    accounts: dict[str, str] = {}
    if needed:  # who holds each account: the students table's Canvas ids, else a counted attempt's uploader
        for canvas_id, sid in conn.execute("SELECT canvas_id, student_id FROM students WHERE canvas_id != ''"):
            if f"canvas:{canvas_id}" in needed:
                accounts[f"canvas:{canvas_id}"] = sid
        for a, _n in gb.iter_counted(conn, quiz_id, policy):
            if a.uploader in needed:
                accounts.setdefault(a.uploader, a.student_id)
    rej: dict[str, list[RejectionRow]] = {}
    for r in rows:
        if r.student_id:
            rej.setdefault(r.student_id, []).append(r)
        holder = accounts.get(r.uploader, "") if r.uploader else ""
        if holder and holder != r.student_id and r.reason == Reason.FOREIGN_ACCOUNT.value:
            rej.setdefault(holder, []).append(r)
    return rej


def iter_class_status(conn: gb.Connection, quiz_id: str, *, policy: str | None = None,
                      roster: Roster | None = None) -> Iterator[StudentStatus]:
    """:func:`.classbook.class_status`, one student at a time."""
    if roster is not None:
        yield from class_status(conn, quiz_id, policy=policy, roster=roster)
        return
    deadline, exc, over = lateness(conn, quiz_id), excused(conn, quiz_id), overrides(conn, quiz_id)
    rej = _rejected_by_student(conn, quiz_id, policy)
    others = sorted(set(exc) | set(rej) | set(over))
    possible = 0.0
    if others:  # a student without a counted attempt is shown out of the most any counted attempt had
        possible = max((a.max_score for a, _n in gb.iter_counted(conn, quiz_id, policy)), default=0.0)
    counted = ((a.student_id, (a, n)) for a, n in gb.iter_counted(conn, quiz_id, policy))
    merged = heapq.merge(counted, ((sid, None) for sid in others), key=lambda e: e[0])
    chunk: list[tuple[str, tuple[gb.AttemptRow, int] | None]] = []
    for sid, pair in merged:
        if chunk and chunk[-1][0] == sid:
            if pair is not None:
                chunk[-1] = (sid, pair)
            continue
        if len(chunk) >= CHUNK:
            yield from _statuses(conn, chunk[:-1], deadline, exc, over, rej, possible)
            chunk = chunk[-1:]
        chunk.append((sid, pair))
    yield from _statuses(conn, chunk, deadline, exc, over, rej, possible)


def _statuses(conn, chunk, deadline, exc, over, rej, possible) -> Iterator[StudentStatus]:
    known = _students(conn, [sid for sid, _p in chunk])
    for sid, pair in chunk:
        yield status_of(known.get(sid) or Student(student_id=sid), pair, deadline=deadline, exc=exc, over=over,
                        rej=rej, possible=possible)


def iter_file_outcomes(conn: gb.Connection, quiz_id: str, *, policy: str | None = None
                       ) -> Iterator[FileOutcome]:
    """:func:`.classbook.file_outcomes`, one file at a time: a student's attempts are read together (the
    counted one first decided), their rejected files merged in by (student id, file)."""
    deadline = lateness(conn, quiz_id)
    rejected = sorted((FileOutcome(r.source, r.student_id, "rejected", False, f"{r.reason}: {r.message}")
                       for r in rejections(conn, quiz_id)), key=lambda f: (f.student_id, f.source))
    yield from heapq.merge(_attempt_outcomes(conn, quiz_id, policy, deadline), rejected,
                           key=lambda f: (f.student_id, f.source))


def _attempt_outcomes(conn, quiz_id: str, policy: str | None, deadline) -> Iterator[FileOutcome]:
    if policy is None:
        row = gb.quiz_row(conn, quiz_id)
        policy = row.policy if row else "latest"
    key = gb.policy_key(policy, deadline.is_late if policy == "latest-on-time" else None)
    group: list[gb.AttemptRow] = []
    for a in gb.iter_attempts(conn, quiz_id):
        if group and a.student_id != group[0].student_id:
            yield from _one_student(group, key, deadline)
            group = []
        group.append(a)
    if group:
        yield from _one_student(group, key, deadline)


def _one_student(group: list[gb.AttemptRow], key, deadline) -> Iterator[FileOutcome]:
    c = group[0]
    for a in group[1:]:
        if key(a) > key(c):
            c = a
    out = []
    for a in group:
        late = deadline.is_late(a)
        if c.attempt_id == a.attempt_id:
            out.append(FileOutcome(a.source, a.student_id, "counted", late, a.time_note))
        else:
            out.append(FileOutcome(a.source, a.student_id, "superseded", late, f"{c.source} counts instead"))
    yield from sorted(out, key=lambda f: f.source)
