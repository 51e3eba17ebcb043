"""Grade files for Canvas and Moodle: the layouts their importers read; they parse back with csv."""
from __future__ import annotations

import csv
import io

import pytest

from kcourse.core.errors import UsageError
from kcourse.instructor.grade import grade_run
from kcourse.instructor.lms_grades import export_grades, number
from kcourse.instructor.roster import read_roster

from .conftest import FILES, run_cli, submission_json


@pytest.fixture
def book(gradebook_address, quiz, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s1.json").write_text(submission_json(quiz, "s1"))
    (subs / "s2.json").write_text(submission_json(quiz, "s2", responses={"bkl-removed": "a", "commits": 13000}))
    report = grade_run(quiz=quiz, inputs=[str(subs)], gradebook=gradebook_address,
                       roster=read_roster(FILES / "instructor" / "roster-canvas-export.csv"))
    assert report.ok
    return gradebook_address


def rows(path):
    text = path.read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff") and "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline="")))


def test_canvas_layout(quiz, book, tmp_path):
    out = tmp_path / "canvas.csv"
    report = export_grades(gradebook=book, quiz_id=quiz.id, fmt="canvas", out=out)
    assert report.rows == 2 and report.column == "Every question type (valid-all-types)"
    assert rows(out) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Every question type (valid-all-types)"],
        ["Points Possible", "", "", "", "", "10"],
        ["Doe, Ann", "101", "s1", "ann.doe", "Mon", "10"],
        ["Roe, Bob", "102", "s2", "bob.roe", "Tue", "3"]]
    assert not list(tmp_path.glob(".canvas.csv.*"))  # the temporary file was renamed


def test_moodle_layout_with_a_roster_and_a_scale(quiz, book, tmp_path):
    out = tmp_path / "moodle.csv"
    export_grades(gradebook=book, quiz_id=quiz.id, fmt="moodle", out=out, scale_to=100,
                  roster=read_roster(FILES / "instructor" / "roster-moodle-export-bom-semicolon.csv"))
    assert rows(out) == [["ID number", "Email address", "Full name", "Every question type (valid-all-types)"],
                         ["s1", "ann@example.org", "Ann Doe", "100"],
                         ["s2", "bob@example.org", "Bob Roe", "30"]]


def test_plain_csv_and_missing_students(quiz, book, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("student_id,name,email\ns1,Ann Doe,ann@x.org\ns2,Bob Roe,bob@x.org\ns3,Cy Poe,cy@x.org\n")
    out = tmp_path / "grades.csv"
    report = export_grades(gradebook=book, quiz_id=quiz.id, fmt="csv", out=out, roster=read_roster(roster))
    assert [s.student_id for s in report.missing] == ["s3"]
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["student_id"], r["name"], r["score"], r["max_score"], r["percentage"], r["passed"], r["attempts"])
            for r in table] == [("s1", "Ann Doe", "10", "10", "100", "yes", "1"),
                                ("s2", "Bob Roe", "3", "10", "30", "no", "1")]
    export_grades(gradebook=book, quiz_id=quiz.id, fmt="csv", out=out, roster=read_roster(roster),
                  missing_as_zero=True)
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["student_id"], r["score"], r["attempts"]) for r in table][-1] == ("s3", "0", "0")


def test_the_command(quiz, book, tmp_path, capsys):
    code, out, err = run_cli(capsys, "grades", "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format",
                             "canvas", "--out", str(tmp_path / "c.csv"), "--gradebook", str(book))
    assert code == 0 and "wrote " in out and rows(tmp_path / "c.csv")[0][0] == "Student"
    code, out, err = run_cli(capsys, "grades", "show", quiz.id, "--gradebook", str(book))
    assert code == 0 and "s2" in out and "3 / 10" in out
    code, out, err = run_cli(capsys, "grades", "export", "no-such-quiz", "--format", "csv", "--out",
                             str(tmp_path / "x.csv"), "--gradebook", str(book))
    assert code == 2 and "has no grades for quiz 'no-such-quiz'" in err
    code, out, err = run_cli(capsys, "grades", "export", quiz.id, "--format", "csv", "--out", str(tmp_path / "x.csv"),
                             "--gradebook", str(tmp_path / "missing.sqlite"))
    assert code == 2 and "no gradebook at" in err and not (tmp_path / "missing.sqlite").exists()


def test_unknown_format_is_refused(quiz, book, tmp_path):
    with pytest.raises(UsageError, match="unknown format 'xlsx'"):
        export_grades(gradebook=book, quiz_id=quiz.id, fmt="xlsx", out=tmp_path / "x")


@pytest.mark.parametrize("x,text", [(7.5, "7.5"), (8.0, "8"), (1 / 3, "0.33"), (134 / 15, "8.93"), (0.0, "0"), (-0.00001, "0"),
                                    (13500.0, "13500")])
def test_number(x, text):
    assert number(x) == text
