"""Moodle's grading worksheet (participant ids, Moodle's times, the upload back) and Canvas's anonymous
grading (what can be credited, what is held back), on files written as the platforms write them
(platforms.py cites the source of each)."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kcourse.core.errors import InputError, UsageError
from kcourse.instructor import gradebook as gb
from kcourse.instructor.classbook import class_status
from kcourse.instructor.grade import grade_run
from kcourse.instructor.lms_feedback import pack_feedback
from kcourse.instructor.lms_grades import export_worksheet
from kcourse.instructor.moodle_worksheet import moodle_time, read_worksheet, zone
from kcourse.instructor.outcome import Reason
from kcourse.instructor.roster import read_roster
from kcourse.instructor.uploads import anonymous_conflicts

from . import platforms as pf
from .conftest import submission_json

BERLIN = ZoneInfo("Europe/Berlin")
PEOPLE = pf.make_class(6)


@pytest.mark.parametrize("text, zone_name, utc", [
    ("Friday, 27 November 2026, 9:05 AM", "Europe/Berlin", "2026-11-27T08:05"),
    ("Friday, 27 November 2026, 12:30 PM", "UTC", "2026-11-27T12:30"),
    ("Friday, 27 November 2026, 12:30 AM", "+01:00", "2026-11-26T23:30"),
    ("Sunday, 5 July 2026, 11:59 PM", "Europe/Berlin", "2026-07-05T21:59"),  # summer time
    ("-", "UTC", None),
])
def test_moodle_userdate_is_read_in_the_given_zone(text, zone_name, utc):
    t = moodle_time(text, zone(zone_name))
    assert (t.strftime("%Y-%m-%dT%H:%M") if t else None) == utc


def test_the_worksheet_needs_its_zone_and_an_english_date():
    with pytest.raises(UsageError, match="--timezone"):
        moodle_time("Friday, 27 November 2026, 9:05 AM", None)
    with pytest.raises(ValueError, match="as Moodle writes it in English"):
        moodle_time("Freitag, 27. November 2026, 09:05", BERLIN)
    with pytest.raises(UsageError, match="not a time zone"):
        zone("Mars/Olympus")


def sheet(tmp_path, rows, name="sheet.csv"):
    (tmp_path / name).write_bytes(pf.moodle_worksheet(rows))
    return tmp_path / name


def test_the_worksheet_reads_participants_times_and_moodles_late_mark(tmp_path):
    t = datetime(2026, 11, 27, 9, 5, tzinfo=BERLIN)
    path = sheet(tmp_path, [pf.SheetRow(PEOPLE[0], "Submitted for grading - Graded", t, "7.50"),
                            pf.SheetRow(PEOPLE[1], "Submitted for grading - 1 day 2 hours late", t),
                            pf.SheetRow(PEOPLE[2])])
    ws = read_worksheet(path, tz=BERLIN)
    assert [(r.participant, r.full_name, r.email, r.submitted[:16], r.late, r.max_grade) for r in ws.rows] == [
        ("730000", "José Hernández", "user000@uni.example", "2026-11-27T08:05", False, 10.0),
        ("730011", "Zoë O'Brien", "user001@uni.example", "2026-11-27T08:05", True, 10.0),
        ("730022", PEOPLE[2].full, "user002@uni.example", "", False, 10.0)]


def test_a_bad_worksheet_row_is_located(tmp_path):
    path = sheet(tmp_path, [pf.SheetRow(PEOPLE[0])])
    path.write_bytes(path.read_bytes().replace(b"Participant 730000", b"Teilnehmer/in 730000"))
    with pytest.raises(InputError) as e:
        read_worksheet(path, tz=BERLIN)
    assert f"{path}:2" in str(e.value) and "Identifier" in str(e.value)
    (tmp_path / "grades.csv").write_bytes(pf.moodle_grades(PEOPLE, assignment="Q"))
    with pytest.raises(InputError, match="not a Moodle grading worksheet: no column Identifier"):
        read_worksheet(tmp_path / "grades.csv")


@pytest.fixture
def moodle_class(tmp_path, quiz):
    """Six students; Moodle's worksheet maps participants to them (by email) and gives Moodle's times."""
    people = PEOPLE
    (tmp_path / "grades.csv").write_bytes(pf.moodle_grades(people, assignment="Every question type"))
    members, rows = {}, []
    for k, p in enumerate(people[:4]):
        members[f"{pf.moodle_submission_folder(p)}/a.json"] = submission_json(
            quiz, p.sis_id, submitted_at="2026-11-26T10:00:00Z").encode()
        rows.append(pf.SheetRow(p, "Submitted for grading" + (" - 5 hours late" if k == 1 else ""),
                                datetime(2026, 11, 27, 4, 0, tzinfo=BERLIN) if k == 1
                                else datetime(2026, 11, 26, 9, k, tzinfo=BERLIN)))
    rows += [pf.SheetRow(p) for p in people[4:]]
    (tmp_path / "subs.zip").write_bytes(pf.zip_of(members))
    ws = read_worksheet(sheet(tmp_path, rows), tz=BERLIN)
    roster = read_roster(tmp_path / "grades.csv")
    report = grade_run(quiz=quiz, inputs=[str(tmp_path / "subs.zip")], gradebook=tmp_path / "gb.sqlite",
                       roster=roster, worksheet=ws)
    return tmp_path, roster, ws, report


def test_moodles_time_and_late_mark_decide_not_the_files(moodle_class, quiz):
    tmp, roster, _ws, report = moodle_class
    assert len(report.graded) == 4 and not report.rejected
    conn = gb.connect(tmp / "gb.sqlite", create=False)
    try:
        times = {a.student_id: (a.sort_time[:16], a.platform_late) for a in gb.attempts(conn, quiz.id)}
        status = {r.student.student_id: r.status for r in class_status(conn, quiz.id, roster=roster)}
    finally:
        conn.close()
    assert times["s000"] == ("2026-11-26T08:00", None)  # Moodle's 9:00 Berlin, not the file's 10:00 UTC
    assert times["s001"] == ("2026-11-27T03:00", True)
    assert status["s001"] == "late" and status["s000"] == "graded"


def test_the_worksheet_goes_back_with_only_the_grades_filled_in(moodle_class, quiz):
    tmp, roster, ws, _report = moodle_class
    out = tmp / "upload.csv"
    report = export_worksheet(gradebook=tmp / "gb.sqlite", quiz_id=quiz.id, worksheet=ws, out=out, roster=roster,
                              missing_as_zero=True)
    before = (tmp / "sheet.csv").read_bytes().decode("utf-8").splitlines()
    after = out.read_bytes().decode("utf-8").splitlines()
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and len(before) == len(after)
    grade = before[0].split(",").index("Grade")
    for b, a in zip(before[1:], after[1:], strict=True):
        cb, ca = next(csv.reader([b])), next(csv.reader([a]))
        assert cb[:grade] + cb[grade + 1:] == ca[:grade] + ca[grade + 1:]  # only the Grade cell changes
    rows = {r["Identifier"]: r["Grade"] for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    assert rows[f"Participant {PEOPLE[0].participant}"] == "10"
    assert rows[f"Participant {PEOPLE[5].participant}"] == "0"  # handed in nothing: --missing-as-zero
    assert report.rows == 6


def test_two_files_of_one_participant_in_one_run_keep_their_own_times(tmp_path, quiz):
    p = PEOPLE[0]
    folder = pf.moodle_submission_folder(p)
    old = submission_json(quiz, p.sis_id, right=False, submitted_at="2026-11-26T08:00:00Z").encode()
    new = submission_json(quiz, p.sis_id, submitted_at="2026-11-26T09:00:00Z").encode()
    (tmp_path / "a.zip").write_bytes(pf.zip_of({f"{folder}/a.json": old}))
    (tmp_path / "b.zip").write_bytes(pf.zip_of({f"{folder}/a.json": new}))
    ws = read_worksheet(sheet(tmp_path, [pf.SheetRow(p, "Submitted for grading",
                                                     datetime(2026, 11, 26, 11, 0, tzinfo=BERLIN))]), tz=BERLIN)
    report = grade_run(quiz=quiz, inputs=[str(tmp_path / "a.zip"), str(tmp_path / "b.zip")],
                       gradebook=tmp_path / "gb.sqlite", worksheet=ws)
    assert sorted(g.when[:16] for g in report.graded) == ["2026-11-26T08:00", "2026-11-26T09:00"]
    assert sum("grade each download with the worksheet downloaded with it" in w for w in report.warnings) == 2
    conn = gb.connect(tmp_path / "gb.sqlite", create=False)
    try:  # what is stored, not only what the report shows: the files' own times, no late mark from the sheet
        stored = sorted((a.sort_time[:16], a.platform_late) for a in gb.attempts(conn, quiz.id))
    finally:
        conn.close()
    assert stored == [("2026-11-26T08:00", None), ("2026-11-26T09:00", None)]


@pytest.mark.parametrize("pairs, held", [
    ([("anon_a", "s1"), ("anon_b", "s2")], set()),
    ([("anon_a", "s1"), ("anon_a", "s1")], set()),  # two files of one submission
    ([("anon_a", "s1"), ("anon_a", "s2")], {("anon_a", "s1"), ("anon_a", "s2")}),
    ([("anon_a", "s1"), ("anon_b", "s1"), ("anon_c", "s3")], {("anon_a", "s1"), ("anon_b", "s1")}),
])
def test_anonymous_submissions_that_cannot_be_told_apart(pairs, held):
    assert set(anonymous_conflicts(pairs)) == held


def test_a_canvas_anonymous_class(tmp_path, quiz):
    """Anonymous grading: files are credited to the student they name, with a note saying the uploader is
    unknown; when one anonymous submission holds someone else's file, neither that file nor the other is
    credited (rejected, with what to do); feedback cannot be named for Canvas, and says why."""
    (tmp_path / "export.csv").write_bytes(pf.canvas_gradebook(PEOPLE, assignment="Q", assignment_id=1, points=10))
    ids = iter(range(800, 900))
    members = {pf.canvas_anonymous_name("Ab3dE", attachment_id=next(ids), original="a.json", late=False):
               submission_json(quiz, "s000").encode(),
               pf.canvas_anonymous_name("Zz9yX", attachment_id=next(ids), original="a.json", late=True):
               submission_json(quiz, "s001").encode(),
               pf.canvas_anonymous_name("Qq1wE", attachment_id=next(ids), original="a.json", late=False):
               submission_json(quiz, "s002").encode(),
               pf.canvas_anonymous_name("Pp2oI", attachment_id=next(ids), original="b.json", late=False):
               submission_json(quiz, "s002", right=False).encode()}
    (tmp_path / "anon.zip").write_bytes(pf.zip_of(members))
    roster = read_roster(tmp_path / "export.csv")
    report = grade_run(quiz=quiz, inputs=[str(tmp_path / "anon.zip")], gradebook=tmp_path / "gb.sqlite",
                       roster=roster)
    assert sorted(g.student_id for g in report.graded) == ["s000", "s001"]
    assert [(r.reason, r.student_id) for r in report.rejected] == [(Reason.ANONYMOUS, "s002")] * 2
    assert "lift the assignment's anonymity in Canvas" in report.rejected[0].message
    assert any("2 file(s) came from Canvas anonymous submissions" in n for n in report.notes)
    assert (report.count("new"), report.n_graded, report.n_rejected) == (2, 2, 2)
    again = grade_run(quiz=quiz, inputs=[str(tmp_path / "anon.zip")], gradebook=tmp_path / "gb.sqlite",
                      roster=roster)  # the stored files are checked again, and the held ones still held
    assert (again.count("unchanged"), again.n_graded, again.n_rejected) == (2, 2, 2)
    assert again.write is not None and again.write.added == 0
    conn = gb.connect(tmp_path / "gb.sqlite", create=False)
    try:
        status = {r.student.student_id: r.status for r in class_status(conn, quiz.id, roster=roster)}
    finally:
        conn.close()
    assert (status["s000"], status["s001"], status["s002"]) == ("graded", "late", "rejected")
    with pytest.raises(UsageError, match="no feedback could be named for Canvas"):
        pack_feedback(quiz=quiz, gradebook=tmp_path / "gb.sqlite", out=tmp_path / "fb.zip", platform="canvas")
    assert not (tmp_path / "fb.zip").exists()
    with zipfile.ZipFile(tmp_path / "anon.zip") as z:
        assert all(n.split("_")[0] in ("anon", "LATE") for n in z.namelist())


def _linear_match(row, people):
    """The worksheet's match as it was written first: a pass over the roster per row."""
    from kcourse.instructor.platform import display_name, same_name

    if row.id_number:
        hit = [s for s in people if s.student_id.casefold() == row.id_number.casefold()]
        if len(hit) == 1:
            return hit[0]
    if row.email:
        hit = [s for s in people if s.email and s.email.casefold() == row.email.casefold()]
        if len(hit) == 1:
            return hit[0]
    hit = [s for s in people if same_name(display_name(s.name), row.full_name) or same_name(s.name, row.full_name)]
    return hit[0] if len(hit) == 1 else None


@pytest.mark.parametrize("id_number,email,full_name", [
    ("S1", "", ""), ("s1", "nobody@x", "Nobody"), ("", "ANA@X.ORG", ""), ("", "twin@x.org", "Ana Lima"),
    ("", "", "ana  LIMA"), ("", "", "Lima, Ana"), ("", "", "José Hernández"), ("", "", "Jose\u0301 Hernández"),
    ("", "", "Sam Same"), ("", "", ""), ("dup", "", "Bo Ek"), ("", "", "   "),
])
def test_the_indexed_worksheet_match_is_the_linear_one(id_number, email, full_name):
    """Matching a 100,000-row worksheet against a 100,000-student roster row by row took a pass over the roster
    per row; the index gives every row the student the pass gave."""
    from kcourse.instructor.moodle_worksheet import Worksheet, WorksheetRow
    from kcourse.instructor.roster import Student

    people = [Student("s1", "Lima, Ana", "ana@x.org"), Student("s2", "Hernández, José", "twin@x.org"),
              Student("s3", "Other", "twin@x.org"), Student("s4", "Sam Same"), Student("s5", "Sam Same"),
              Student("dup", "Bo Ek"), Student("DUP", "Bo Ek"), Student("s6", "  ")]
    row = WorksheetRow(2, "7", full_name, email, id_number, "", "", False, None, ())
    assert Worksheet.matcher(people)(row) == _linear_match(row, people)
