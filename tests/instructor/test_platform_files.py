"""The sample platform files: the builder still writes them byte for byte, and kcourse reads them."""
from __future__ import annotations

import zipfile

import pytest

from kcourse.instructor.platform import (
    CANVAS,
    MOODLE,
    canvas_name_key,
    display_name,
    moodle_name_key,
    parse_upload_name,
)
from kcourse.instructor.roster import read_roster

from .platforms_write import FILES, samples


@pytest.mark.parametrize("name", sorted(samples()))
def test_the_builder_writes_the_committed_bytes(name):
    assert (FILES / name).read_bytes() == samples()[name], "run python -m tests.instructor.platforms_write"


def test_canvas_export_reads_with_what_was_skipped_named():
    roster = read_roster(FILES / "canvas-gradebook-export.csv")
    assert [s.student_id for s in roster] == ["s003", "s000", "s005", "user002", "s001", "s004"]
    assert [(k.line, k.kind) for k in roster.skipped] == [(2, "platform row"), (3, "platform row"),
                                                         (10, "test student")]
    assert roster.find("s000").canvas_id == "5000" and roster.find("s000").name == "Hernández, José"


def test_moodle_export_reads_with_what_was_skipped_named():
    roster = read_roster(FILES / "moodle-grades-export.csv")
    assert [s.student_id for s in roster] == ["s003", "s000", "s005", "s001"]
    assert [str(k).split(": ", 1)[1] for k in roster.skipped] == [
        "skipped 'Siobhán Müller': no student id (ID number empty): fill it in and load the roster again to "
        "include this student", "skipped 'Chidi Okafor': no longer in the class (Suspended: Yes)"]


def test_the_uploader_is_read_from_canvas_names():
    with zipfile.ZipFile(FILES / "canvas-submissions.zip") as z:
        ups = [parse_upload_name(f"subs.zip:{n}") for n in z.namelist()]
    assert [(u.platform, u.user, u.file_id, u.late, u.original) for u in ups[:2]] == [
        (CANVAS, "5000", "700", False, "quiz answers (2).json"), (CANVAS, "5001", "701", True, "quiz answers (2).json")]
    assert ups[1].name_key == canvas_name_key("O'Brien, Zoë") == "obrienzoë"


def test_the_uploader_is_read_from_moodle_folders():
    with zipfile.ZipFile(FILES / "moodle-submissions.zip") as z:
        ups = [parse_upload_name(f"subs.zip:{n}") for n in z.namelist()]
    assert (ups[1].platform, ups[1].user, ups[1].name_key, ups[1].late, ups[1].original) == (
        MOODLE, "730011", "Zoë OBrien", None, "quiz.json")
    assert moodle_name_key(display_name("O'Brien, Zoë")) == "Zoë OBrien"


@pytest.mark.parametrize("name,expected", [
    ("s001.json", None),
    ("quiz_2_3.json", None),  # digits right after the start: no name, not Canvas's
    # anonymous grading (content_zipper.rb get_filename: no user name, "anon_<anonymous id>"): no one named
    ("anon_ab12c_705_quiz.json", ("canvas", "anon_ab12c", "705", False)),
    ("LATE_anon_ab12c_705_quiz_x.json", ("canvas", "anon_ab12c", "705", True)),
    ("anon_ab12c_quiz.json", None),
    ("doeann_5_6_7.json", ("canvas", "5", "6", False)),
    ("doeann_late_5_6_x.json", ("canvas", "5", "6", True)),
    ("Old Moodle_12_assignsubmission_file_quiz.json", ("moodle", "12", "", None)),
    ("a.zip:Ann Doe_12_assignsubmission_file_/quiz.json", ("moodle", "12", "", None)),
])
def test_upload_names(name, expected):
    up = parse_upload_name(name)
    assert (None if up is None else (up.platform, up.user, up.file_id, up.late)) == expected


def test_the_grading_worksheet_and_the_anonymous_zip_read():
    from zoneinfo import ZoneInfo

    from kcourse.instructor.moodle_worksheet import read_worksheet

    ws = read_worksheet(FILES / "moodle-grading-worksheet.csv", tz=ZoneInfo("Europe/Berlin"))
    assert [(r.participant, r.late, r.submitted[:16]) for r in ws.rows[:2]] == [
        ("730000", False, "2026-11-26T08:00"), ("730011", True, "2026-11-27T09:05")]
    assert ws.rows[-1].submitted == "" and ws.bom
    with zipfile.ZipFile(FILES / "canvas-anonymous-submissions.zip") as z:
        ups = [parse_upload_name(f"subs.zip:{n}") for n in z.namelist()]
    assert [(u.user, u.late, u.anonymous) for u in ups] == [
        ("anon_Ab3dE", False, True), ("anon_Zz9yX", True, True), ("anon_Qq1wE", False, True)]
