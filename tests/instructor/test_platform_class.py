"""A whole class through Canvas and through Moodle, with the platforms' own files (see platforms.py): the
class list as exported, the submissions zip as downloaded, the grades file and the feedback zip as
uploaded back, and every student's final status."""
from __future__ import annotations

import csv
import html
import io
import zipfile

import pytest

from kcourse.instructor import gradebook as gb
from kcourse.instructor.classbook import class_status
from kcourse.instructor.grade import DeadlineArgs, grade_run
from kcourse.instructor.lms_feedback import pack_feedback
from kcourse.instructor.lms_grades import export_grades
from kcourse.instructor.outcome import Reason
from kcourse.instructor.roster import read_roster

from . import platforms as pf
from .conftest import ALL_TYPES, run_cli, submission_json

PEOPLE = pf.make_class(120)
DROPPED = PEOPLE[119]
MISSING = {f"s{k:03d}" for k in range(110, 119)}


def sid(p: pf.Person) -> str:
    return p.sis_id or p.login


@pytest.fixture(scope="module")
def canvas_class(tmp_path_factory, quiz):
    """The Canvas class: export, two submission downloads (the first before the due date), graded."""
    tmp = tmp_path_factory.mktemp("canvas")
    people = [p if p.sis_id != "s010" else pf.Person(**{**p.__dict__, "sis_id": ""}) for p in PEOPLE[:119]]
    (tmp / "gradebook-export.csv").write_bytes(
        pf.canvas_gradebook(people, assignment="Every question type", assignment_id=4711, points=10, bom=True))
    by_k = {int(p.login[4:]): p for p in people} | {119: DROPPED}
    first: dict[str, bytes] = {}
    second: dict[str, bytes] = {}
    att = iter(range(900_000, 999_999))

    def put(members, p, data, *, late=False, original="quiz-answers.json"):
        members[pf.canvas_submission_name(p, attachment_id=next(att), original=original, late=late)] = data

    for k in range(110):
        p = by_k[k]
        text = submission_json(quiz, sid(p)).encode()
        if k == 20:  # on time first, then a worse late resubmission
            put(first, p, text)
            put(second, p, submission_json(quiz, sid(p), right=False, submitted_at="2026-11-26T10:05:00Z").encode(),
                late=True)
        elif 21 <= k <= 24:
            put(second, p, text, late=True)
        elif k == 30:
            put(second, p, submission_json(quiz, sid(p)).replace(quiz.id, "another-quiz").encode())
        elif k == 31:
            put(second, p, b"\x00\x01 this is a photo of my screen", original="answers.json")
        elif k == 32:
            continue  # s032 hands nothing in themselves ...
        elif k == 33:  # ... s033 uploads s032's file under their own account
            put(second, p, submission_json(quiz, "s032").encode())
        elif k == 40:
            put(first, p, submission_json(quiz, sid(p), right=False, submitted_at="2000-01-01T00:00:00Z").encode())
            put(second, p, text)
        else:
            put(second, p, text)
    put(second, DROPPED, submission_json(quiz, "s119").encode())
    (tmp / "first.zip").write_bytes(pf.zip_of(first))
    (tmp / pf.canvas_zip_name("KERNEL 101", "Every question type")).write_bytes(pf.zip_of(second))
    roster = read_roster(tmp / "gradebook-export.csv")
    book = tmp / "gradebook.sqlite"
    report = grade_run(quiz=quiz, inputs=[str(tmp / "first.zip"), str(tmp / "KERNEL_101-Every_question_type_"
                                                                          "submissions.zip")],
                       gradebook=book, roster=roster, policy="latest-on-time",
                       deadline=DeadlineArgs(opens="2026-11-20T00:00:00.000000Z"))
    conn = gb.connect(book, create=False)
    from kcourse.instructor.classbook import set_excused

    set_excused(conn, quiz.id, ["s115"], "medical certificate")
    conn.close()
    return tmp, roster, book, report


def test_the_canvas_roster_loads_and_names_what_it_skipped(canvas_class):
    _tmp, roster, _book, _report = canvas_class
    assert len(roster) == 119 and roster.id_column == "SIS User ID"
    assert [k.kind for k in roster.skipped] == ["platform row", "platform row", "test student"]
    assert roster.find("user010").name == PEOPLE[10].sortable  # no SIS User ID: the login is the id
    assert roster.notes and "using SIS Login ID 'user010'" in roster.notes[0]


def test_every_file_is_accounted_for(canvas_class):
    _tmp, _roster, _book, report = canvas_class
    assert report.files_in == len(report.graded) + len(report.rejected) == 110 + 2 - 1 + 1
    reasons = {r.source.rsplit(":", 1)[-1].split("_")[0]: (r.reason, r.student_id) for r in report.rejected}
    assert {v for v in reasons.values()} == {
        (Reason.WRONG_QUIZ, "s030"), (Reason.NOT_JSON, "s031"), (Reason.FOREIGN_ACCOUNT, "s032"),
        (Reason.UNKNOWN_STUDENT, "")}
    foreign = next(r for r in report.rejected if r.reason is Reason.FOREIGN_ACCOUNT)
    assert f"uploaded under the account of {PEOPLE[33].sortable} (s033), Canvas user 5033" in foreign.message
    assert "the file says it is 's032'" in foreign.message
    assert any("2000-01-01" in w and "before the quiz was assigned" in w for w in report.warnings)


def test_final_statuses(canvas_class, quiz):
    _tmp, roster, book, _report = canvas_class
    conn = gb.connect(book, create=False)
    try:
        rows = {r.student.student_id: r for r in class_status(conn, quiz.id, roster=roster)}
    finally:
        conn.close()
    assert len(rows) == 119
    assert rows["s020"].status == "graded" and rows["s020"].score == 10  # the on-time attempt counts
    assert rows["s020"].attempts == 2
    assert {s for s, r in rows.items() if r.status == "late"} == {"s021", "s022", "s023", "s024"}
    assert rows["s030"].status == rows["s031"].status == rows["s032"].status == "rejected"
    assert "wrong quiz" in rows["s030"].reason and "another student's account" in rows["s032"].reason
    assert rows["s033"].status == "rejected" and "'s032'" in rows["s033"].reason  # s033 handed in s032's file
    assert rows["s040"].score == 10 and rows["s040"].flags == ()  # the backdated file does not win
    assert rows["s115"].status == "excused" and rows["s115"].comment == "medical certificate"
    assert {s for s, r in rows.items() if r.status == "missing"} == MISSING - {"s115"}
    assert rows["user010"].status == "graded"


def test_grades_go_back_to_canvas(canvas_class, quiz, tmp_path):
    _tmp, roster, book, _report = canvas_class
    out = tmp_path / "canvas.csv"
    report = export_grades(gradebook=book, quiz_id=quiz.id, fmt="canvas", out=out, roster=roster,
                           missing_as_zero=True)
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert table[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and table[1][0] == "Points Possible"
    by_sis = {r[2]: r for r in table[2:]}
    assert by_sis["s115"][5] == "EX" and by_sis["s112"][5] == "0" and by_sis["s001"][5] == "10"
    assert by_sis["s001"][1] == "5001"  # Canvas matches on its own user id
    assert not {"s030", "s031", "s032", "s033"} & set(by_sis)  # rejected is not missing: no 0 for them
    assert {s.student_id for s in report.left_out["rejected"]} == {"s030", "s031", "s032", "s033"}
    assert "Student, Test" not in out.read_text(encoding="utf-8")


def test_feedback_zip_is_named_the_way_canvas_reads_it_back(canvas_class, quiz, tmp_path):
    _tmp, roster, book, _report = canvas_class
    packed = pack_feedback(quiz=quiz, gradebook=book, out=tmp_path / "feedback", platform="canvas", roster=roster)
    assert packed.path.name == "feedback.zip"
    conn = gb.connect(book, create=False)
    latest = {}
    for a in gb.attempts(conn, quiz.id):
        latest[a.uploader.split(":")[1]] = max(latest.get(a.uploader.split(":")[1], 0), int(a.platform_file))
    conn.close()
    with zipfile.ZipFile(packed.path) as z:
        names = z.namelist()
        page = z.read(next(n for n in names if "_5020_" in n)).decode()
    assert len(names) == packed.packed == 106
    for n in names:
        uid, attachment = pf.canvas_reupload_target(n)
        assert int(attachment) == latest[uid]  # a file of the submission as Canvas has it now
    assert f"{html.escape(PEOPLE[20].full)} (s020)" in page and "<strong>Score: 10 of 10 (100 %)" in page


def test_moodle_class(tmp_path, quiz, capsys):
    people = PEOPLE[:30]
    people[5] = pf.Person(**{**people[5].__dict__, "sis_id": ""})  # a blank ID number
    people[6] = pf.Person(**{**people[6].__dict__, "suspended": True})
    (tmp_path / "grades.csv").write_bytes(pf.moodle_grades(people, assignment="Every question type"))
    members = {}
    for p in people[:25]:
        if p.login == "user007":  # Moodle user 7 uploads user 8's file
            members[f"{pf.moodle_submission_folder(p)}/quiz.json"] = submission_json(quiz, "s008").encode()
        elif p.login != "user008":
            members[f"{pf.moodle_submission_folder(p)}/quiz.json"] = submission_json(quiz, p.sis_id or "x").encode()
    (tmp_path / "KERNEL101-Every question type-42.zip").write_bytes(pf.zip_of(members))
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), str(tmp_path / "KERNEL101-Every question type-42.zip"),
                             "--roster", str(tmp_path / "grades.csv"), "--gradebook", str(tmp_path / "gb.sqlite"),
                             "--quiet")
    assert code == 1  # not every file was graded
    assert f"skipped '{people[5].full}': no student id (ID number empty)" in err
    assert f"skipped '{people[6].full}': no longer in the class (Suspended: Yes)" in err
    assert "handed in under another student's account (1)" in out
    assert "Maria Garcia" not in out  # two students of that name: no false alarm
    code, out, err = run_cli(capsys, "grades", "status", str(ALL_TYPES), "--roster", str(tmp_path / "grades.csv"),
                             "--gradebook", str(tmp_path / "gb.sqlite"), "--out", str(tmp_path / "status.csv"))
    # s008's file came from user007's folder: both are rejected (user007 handed in someone else's file)
    assert code == 0 and "rejected s008" in out and "rejected s007" in out and "2 rejected, 5 missing" in out
    status = {r["student_id"]: r for r in csv.DictReader(io.StringIO((tmp_path / "status.csv").read_text("utf-8")))}
    assert status["s008"]["status"] == "rejected" and status["s029"]["status"] == "missing"
    assert status["s001"]["status"] == "graded" and status["s001"]["score"] == "10"
    code, out, err = run_cli(capsys, "feedback", str(ALL_TYPES), "--for", "moodle", "--out", str(tmp_path / "fb.zip"),
                             "--gradebook", str(tmp_path / "gb.sqlite"))
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "fb.zip") as z:
        targets = [pf.moodle_feedback_target(n) for n in z.namelist()]
    participants = {p.participant for p in people}
    assert targets and all(t is not None and t[0] in participants and t[1] == "assignfeedback_file"
                           and t[2].endswith("feedback.html") for t in targets)


def test_every_file_has_an_outcome_in_the_gradebook(canvas_class, quiz, capsys, tmp_path):
    _tmp, _roster, book, report = canvas_class
    code, out, err = run_cli(capsys, "grades", "files", str(ALL_TYPES), "--gradebook", str(book), "--out",
                             str(tmp_path / "files.csv"))
    assert code == 0
    table = list(csv.DictReader(io.StringIO((tmp_path / "files.csv").read_text("utf-8"))))
    assert len(table) == report.files_in
    by = {}
    for r in table:
        by.setdefault(r["student_id"], []).append((r["outcome"], r["late"]))
    assert sorted(by["s020"]) == [("counted", ""), ("superseded", "late")]
    assert by["s021"] == [("counted", "late")] and by["s030"] == [("rejected", "")]
    assert sum(1 for r in table if r["outcome"] == "rejected") == 4


def test_a_copy_under_a_namesakes_account_is_rejected_and_the_owners_own_file_graded(tmp_path, quiz):
    """Two students called Maria Garcia; one of them uploads Zoë's file, byte for byte; Zoë uploads it too."""
    people = [pf.Person("Maria", "Garcia", "s1", 1, "m1", "A", 701, "m1@x"),
              pf.Person("Maria", "Garcia", "s2", 2, "m2", "A", 702, "m2@x"),
              pf.Person("Zoë", "O'Brien", "s3", 3, "z3", "A", 703, "z3@x")]
    (tmp_path / "grades.csv").write_bytes(pf.moodle_grades(people, assignment="Q"))
    zoe = submission_json(quiz, "s3").encode()
    (tmp_path / "subs.zip").write_bytes(pf.zip_of({f"{pf.moodle_submission_folder(people[0])}/a.json": zoe,
                                                   f"{pf.moodle_submission_folder(people[2])}/b.json": zoe}))
    report = grade_run(quiz=quiz, inputs=[str(tmp_path / "subs.zip")], gradebook=tmp_path / "gb.sqlite",
                       roster=read_roster(tmp_path / "grades.csv"))
    (rej,) = report.rejected
    assert rej.reason is Reason.FOREIGN_ACCOUNT and "Garcia (s1) or Maria Garcia (s2)" in rej.message
    (g,) = report.graded
    assert g.student_id == "s3" and "Zoë OBrien_703" in g.source
    packed = pack_feedback(quiz=quiz, gradebook=tmp_path / "gb.sqlite", out=tmp_path / "fb.zip", platform="moodle")
    with zipfile.ZipFile(packed.path) as z:
        assert [pf.moodle_feedback_target(n)[0] for n in z.namelist()] == [703]


def test_a_student_dropped_after_grading_is_not_exported(canvas_class, quiz, tmp_path):
    _tmp, roster, book, _report = canvas_class
    from kcourse.instructor.roster import Roster

    smaller = Roster(tuple(s for s in roster if s.student_id != "s001"), roster.source, roster.id_column)
    report = export_grades(gradebook=book, quiz_id=quiz.id, fmt="canvas", out=tmp_path / "c.csv", roster=smaller)
    assert [s.student_id for s in report.left_out["not on the roster"]] == ["s001"]
    assert ",s001," not in (tmp_path / "c.csv").read_text(encoding="utf-8")
