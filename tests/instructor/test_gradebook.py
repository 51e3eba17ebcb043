"""The gradebook file: one transaction per run (a killed run leaves it as it was), schema version checks."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kcourse.instructor import gradebook as gb
from kcourse.instructor.grade import grade_run

from .conftest import ALL_TYPES, submission_json


def snapshot(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return gb.snapshot(conn)
    finally:
        conn.close()


def write_class(quiz, folder: Path, ids: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sid in ids:
        (folder / f"{sid}.json").write_text(submission_json(quiz, sid), encoding="utf-8")
    return folder


PAUSED_GRADE = Path(__file__).resolve().parent / "paused_grade.py"


def start_paused_run(tmp_path: Path, folder: Path, gradebook: Path, after: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(PAUSED_GRADE), str(after), "grade", str(ALL_TYPES), str(folder),
                             "--gradebook", str(gradebook), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if f"kcourse-test: paused after {after} inserts" in line:
            return proc
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"the run did not pause: {proc.communicate()}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_an_interrupted_run_leaves_the_gradebook_exactly_as_before(quiz, tmp_path, sig):
    book = tmp_path / "gradebook.sqlite"
    first = grade_run(quiz=quiz, inputs=[str(write_class(quiz, tmp_path / "monday", ["s1", "s2", "s3"]))],
                      gradebook=book)
    assert first.write.added == 3
    before = snapshot(book)
    folder = write_class(quiz, tmp_path / "tuesday", [f"t{k}" for k in range(40)])
    proc = start_paused_run(tmp_path, folder, book, after=25)
    journal = book.with_name(book.name + "-journal")
    assert journal.exists()  # the run is half-way through writing its transaction
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL and journal.exists()  # a hot journal: SQLite rolls it back
    else:
        assert proc.returncode == 130 and "Traceback" not in err  # click reports Ctrl-C as "Aborted."
    assert snapshot(book) == before  # opening it rolls back whatever the killed run had written
    again = grade_run(quiz=quiz, inputs=[str(folder)], gradebook=book)
    assert again.ok and again.write.added == 40


def test_schema_version_is_recorded_and_a_newer_one_refused(tmp_path):
    book = tmp_path / "g.sqlite"
    gb.connect(book, create=True).close()
    conn = sqlite3.connect(book)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == gb.SCHEMA_VERSION == 2
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(gb.GradebookError, match=r"g.sqlite is a gradebook of schema version 7, written by a newer "
                                                r"kcourse; this kcourse reads up to version 2: upgrade kcourse"):
        gb.connect(book, create=False)


def test_older_gradebooks_are_upgraded_step_by_step(tmp_path, monkeypatch):
    book = tmp_path / "g.sqlite"
    gb.connect(book, create=True).close()
    steps = []
    monkeypatch.setattr(gb.schema, "SCHEMA_VERSION", 4)
    monkeypatch.setattr(gb.schema, "MIGRATIONS", {2: lambda c: steps.append(2), 3: lambda c: steps.append(3)})
    gb.connect(book, create=False).close()
    conn = sqlite3.connect(book)
    assert steps == [2, 3] and conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()
    monkeypatch.setattr(gb.schema, "SCHEMA_VERSION", 5)
    monkeypatch.setattr(gb.schema, "MIGRATIONS", {})
    with pytest.raises(gb.GradebookError, match="schema version 4, which this kcourse cannot upgrade"):
        gb.connect(book, create=False)


def test_a_version_1_gradebook_is_upgraded_and_keeps_its_grades(quiz, tmp_path):
    """A gradebook written before version 2 (made here with the version-1 schema and rows as that kcourse
    wrote them) opens, keeps every attempt and policy, and reads the new columns as 'nothing known'."""
    from kcourse.instructor.classbook import class_status

    book = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(book, isolation_level=None)
    for stmt in gb._statements(gb.SCHEMA):
        conn.execute(stmt)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO quizzes VALUES (?, 'T', 'sha256:x', 'first', '')", (quiz.id,))
    conn.execute("INSERT INTO runs VALUES (1, ?, '2026-01-01T00:00:00Z', 1, 1, 0, 1, 0)", (quiz.id,))
    conn.execute("INSERT INTO attempts VALUES (1, ?, 'abc', 's1', 5, '2026-01-01T00:00:00Z', "
                 "'2026-01-01T00:00:00.000000Z', 'a.json', '{}', 7, 10, 70, 1, 'sha256:x', 1)", (quiz.id,))
    conn.close()
    conn = gb.connect(book, create=False)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert gb.quiz_row(conn, quiz.id).policy == "first"
        (a, n), = gb.counted_attempts(conn, quiz.id).values()
        assert (a.student_id, a.total, a.uploader, a.platform_late, a.time_note) == ("s1", 7, "", None, "")
        (st,) = class_status(conn, quiz.id)
        assert (st.status, st.score) == ("graded", 7)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


@pytest.mark.parametrize("setup,message", [
    (lambda p: p.write_text("not a database at all, just text" * 100), "is not a readable gradebook"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE x (y)").connection.close(),
     "is a SQLite file but not a kcourse gradebook"),
    (lambda p: p.mkdir(), "is a folder; give the gradebook file"),
    (lambda p: None, "no gradebook at"),
], ids=["text-file", "other-sqlite", "folder", "missing"])
def test_files_that_are_not_gradebooks(tmp_path, setup, message):
    p = tmp_path / "g.sqlite"
    setup(p)
    with pytest.raises(gb.GradebookError, match=message):
        gb.connect(p, create=False)


def test_nothing_is_written_when_nothing_changes(tmp_path):
    book = tmp_path / "g.sqlite"
    conn = gb.connect(book, create=True)
    try:
        args = dict(quiz_id="q", title="Q", digest="d", source="q.yml", policy=None, started_at="t", files_in=0,
                    graded=0, rejected=0, new=[], regrade=[])
        assert gb.write_run(conn, **args).run_id == 1  # the quiz is new: that is a change
        assert gb.write_run(conn, **args).run_id is None
        assert gb.write_run(conn, **{**args, "policy": "best"}).run_id == 2
        assert gb.quiz_row(conn, "q").policy == "best"
        assert gb.write_run(conn, **args).run_id is None  # no --policy keeps the stored one
    finally:
        conn.close()


def test_a_busy_gradebook_is_reported_and_left_alone(quiz, tmp_path, monkeypatch):
    book = tmp_path / "g.sqlite"
    folder = write_class(quiz, tmp_path / "in", ["s1"])
    grade_run(quiz=quiz, inputs=[str(folder)], gradebook=book)
    before = snapshot(book)
    (folder / "s2.json").write_text(submission_json(quiz, "s2"), encoding="utf-8")
    monkeypatch.setattr(gb.store, "LOCK_TIMEOUT", 0.05)
    other = sqlite3.connect(book, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run is writing
    try:
        with pytest.raises(gb.GradebookError, match="the gradebook is busy .* another kcourse command is writing"):
            grade_run(quiz=quiz, inputs=[str(folder)], gradebook=book)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert snapshot(book) == before


@pytest.mark.parametrize("url, shown", [
    ("postgresql://kcourse_pw:secret@localhost:5999/qa", "postgresql://kcourse_pw:***@localhost:5999/qa"),
    ("postgresql:///qa?host=/run/pg&user=u&password=secret", "postgresql:///qa?host=/run/pg&user=u&password=***"),
    ("postgresql://", "postgresql://"),
], ids=["in-netloc", "no-netloc", "bare"])
def test_a_postgresql_address_is_shown_as_given_without_its_password(url, shown):
    """Error lines showed 'postgresql:/qa?...&password=%2A%2A%2A' and 'postgresql:' (the // was lost)."""
    from kcourse.instructor.gradebook.pg import redact

    assert redact(url) == shown
