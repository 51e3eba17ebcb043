"""Rosters as LMSs export them: column names, delimiters and encodings vary; problems are located."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcourse.core.errors import InputError
from kcourse.instructor.roster import fold, parse_roster, read_roster

from .conftest import FILES

ANN = ("s1", "Ann Doe", "ann@example.org")
BOB = ("s2", "Bob Roe", "bob@example.org")

COLUMN_VARIANTS = [
    ("generic", "student_id,name,email\ns1,Ann Doe,ann@example.org\ns2,Bob Roe,bob@example.org\n", None,
     [ANN, BOB]),
    ("generic-caps-spaces", "Student ID , Name ,E-Mail\ns1,Ann Doe,ann@example.org\ns2,Bob Roe,bob@example.org\n",
     None, [ANN, BOB]),
    ("id-name-email", "id,name,email\ns1,Ann Doe,ann@example.org\ns2,Bob Roe,bob@example.org\n", None, [ANN, BOB]),
    ("bom", "\ufeffstudent_id,name,email\ns1,Ann Doe,ann@example.org\ns2,Bob Roe,bob@example.org\n", None,
     [ANN, BOB]),
    ("crlf-and-blank-lines", "student_id,name,email\r\n\r\ns1,Ann Doe,ann@example.org\r\n,,\r\n"
     "s2,Bob Roe,bob@example.org\r\n", None, [ANN, BOB]),
    ("moodle-first-surname", "First name,Surname,ID number,Institution,Department,Email address\n"
     "Ann,Doe,s1,,,ann@example.org\nBob,Roe,s2,,,bob@example.org\n", None, [ANN, BOB]),
    ("moodle-last-name-semicolon", "First name;Last name;ID number;Email address\nAnn;Doe;s1;ann@example.org\n"
     "Bob;Roe;s2;bob@example.org\n", None, [ANN, BOB]),
    ("tab-separated", "student_id\tname\temail\ns1\tAnn Doe\tann@example.org\ns2\tBob Roe\tbob@example.org\n",
     None, [ANN, BOB]),
    ("quoted-comma-name", 'student_id,name,email\ns1,"Doe, Ann",ann@example.org\n', None,
     [("s1", "Doe, Ann", "ann@example.org")]),
    ("no-email-column", "student_id,name\ns1,Ann Doe\n", None, [("s1", "Ann Doe", "")]),
    ("id-column-chosen", "username,id,name,email\nann,s1,Ann Doe,ann@example.org\n", "username",
     [("ann", "Ann Doe", "ann@example.org")]),
    ("id-column-any-case", "Username,ID,Name\nann,s1,Ann Doe\n", "USERNAME", [("ann", "Ann Doe", "")]),
]


@pytest.mark.parametrize("text,id_column,expected", [c[1:] for c in COLUMN_VARIANTS],
                         ids=[c[0] for c in COLUMN_VARIANTS])
def test_column_variants(text, id_column, expected):
    roster = parse_roster(text, "roster.csv", id_column=id_column)
    assert [(s.student_id, s.name, s.email) for s in roster] == expected


def test_canvas_export_keeps_canvas_fields_and_skips_points_possible():
    roster = read_roster(FILES / "instructor" / "roster-canvas-export.csv")
    assert roster.id_column == "SIS User ID"
    assert [(s.student_id, s.name, s.canvas_id, s.sis_login_id, s.section, s.line) for s in roster] == [
        ("s1", "Doe, Ann", "101", "ann.doe", "Mon", 3), ("s2", "Roe, Bob", "102", "bob.roe", "Tue", 4)]


def test_canvas_without_sis_ids_uses_the_canvas_id():
    roster = parse_roster("Student,ID,SIS User ID,SIS Login ID,Section\nPoints Possible,,,,\n"
                          '"Doe, Ann",101,,,Mon\n', "gradebook.csv")
    assert [(s.student_id, s.canvas_id) for s in roster] == [("101", "101")]
    assert roster.id_column == "ID"


def test_moodle_export_with_bom_and_semicolons():
    roster = read_roster(FILES / "instructor" / "roster-moodle-export-bom-semicolon.csv")
    assert [(s.student_id, s.name, s.email) for s in roster] == [ANN, BOB]


def test_find_is_exact_then_loose():
    roster = parse_roster("student_id,name\nAB12,Ann\nab 13,Bob\n", "r.csv")
    assert roster.find("AB12").name == "Ann"
    assert roster.find("ab12").name == "Ann"
    assert roster.find(" AB 13 ").name == "Bob"
    assert roster.find("ab14") is None
    assert fold(" A b\t1 ") == "ab1"


ERRORS = [
    ("no-id-column", "name,email\nAnn,ann@example.org\n", None,
     ["roster.csv:1: no student id column (the columns are: name, email) (name a column student_id, or pick one "
      "with --id-column)"]),
    ("no-name-column", "student_id,email\ns1,ann@example.org\n", None,
     ["roster.csv:1: no name column (the columns are: student_id, email) (add a column 'name', or 'First name' "
      "and 'Last name')"]),
    ("empty-file", "\n\n", None,
     ["roster.csv: the roster is empty (export the class list from your LMS as CSV, with a header row)"]),
    ("header-only", "student_id,name\n", None,
     ["roster.csv:1: the roster has a header but no students (export the class list with its students)"]),
    ("unknown-id-column", "student_id,name\ns1,Ann\n", "matric",
     ["roster.csv:1: no column 'matric' (the columns are: student_id, name) (name one of these columns with "
      "--id-column)"]),
]


@pytest.mark.parametrize("text,id_column,messages", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_are_located(text, id_column, messages):
    with pytest.raises(InputError) as err:
        parse_roster(text, "roster.csv", id_column=id_column)
    assert [str(p) for p in err.value.problems] == messages


SKIPS = [
    ("empty-id", "student_id,name\ns1,Ann\n,Nobody\ns3,Cy\n", ["s1", "s3"],
     ["roster.csv:3: skipped 'Nobody': no student id (student_id empty): fill it in and load the roster again to "
      "include this student"]),
    ("duplicate-id", "student_id,name\ns1,Ann\ns2,Bob\ns1,Ann again\n", ["s1", "s2"],
     ["roster.csv:4: skipped 'Ann again': student id 's1' is also on line 2; give every student one row"]),
    ("duplicate-id-other-case", "student_id,name\ns1,Ann\nS1,Ann again\n", ["s1"],
     ["roster.csv:3: skipped 'Ann again': student id 'S1' matches 's1' also on line 2; give every student one row"]),
    ("several-at-once", "student_id,name\n,A\ns2,B\ns2,C\n,D\n", ["s2"],
     ["roster.csv:2: skipped 'A': no student id (student_id empty): fill it in and load the roster again to "
      "include this student",
      "roster.csv:4: skipped 'C': student id 's2' is also on line 3; give every student one row",
      "roster.csv:5: skipped 'D': no student id (student_id empty): fill it in and load the roster again to "
      "include this student"]),
    ("line-after-multiline-name", 'student_id,name\ns1,"Ann\nDoe"\n,Bob\n', ["s1"],
     ["roster.csv:4: skipped 'Bob': no student id (student_id empty): fill it in and load the roster again to "
      "include this student"]),
    ("canvas-pseudo-rows", 'Student,ID,SIS User ID,SIS Login ID,Section,Quiz (7)\n,,,,,Manual Posting\n'
     '    Points Possible,,,,,11.00\n"Doe, Ann",101,s1,ann,Mon,\n"Student, Test",999,,e0f1a2b3,Mon,\n', ["s1"],
     ["roster.csv:2: skipped: Canvas's Manual Posting row (not a student)",
      "roster.csv:3: skipped: Canvas's Points Possible row (not a student)",
      "roster.csv:5: skipped 'Student, Test': Canvas's test student (Student View), not a student of the class"]),
    ("moodle-suspended", "First name,Last name,ID number,Email address,Status\nAnn,Doe,s1,a@x.org,Active\n"
     "Bob,Roe,s2,b@x.org,Suspended\n", ["s1"],
     ["roster.csv:3: skipped 'Bob Roe': no longer in the class (Status: Suspended)"]),
]


@pytest.mark.parametrize("text,ids,messages", [c[1:] for c in SKIPS], ids=[c[0] for c in SKIPS])
def test_rows_that_are_not_students_are_skipped_and_named(text, ids, messages):
    roster = parse_roster(text, "roster.csv")
    assert [s.student_id for s in roster] == ids
    assert [str(k) for k in roster.skipped] == messages


def test_the_id_column_is_chosen_per_row():
    roster = parse_roster("Student,ID,SIS User ID,SIS Login ID,Section\n"
                          '"Doe, Ann",101,s1,ann,Mon\n"Roe, Bob",102,,bob.roe,Tue\n"Poe, Cy",103,,,Tue\n', "r.csv")
    assert [(s.student_id, s.canvas_id) for s in roster] == [("s1", "101"), ("bob.roe", "102"), ("103", "103")]
    assert roster.id_column == "SIS User ID"
    assert roster.notes == ("r.csv:3: 'Roe, Bob' has no SIS User ID; using SIS Login ID 'bob.roe'",
                            "r.csv:4: 'Poe, Cy' has no SIS User ID; using ID '103'")
    moodle = parse_roster("First name,Last name,ID number,Username,Email address\nAnn,Doe,s1,ann,a@x.org\n"
                          "Bob,Roe,,bob,b@x.org\n", "m.csv")
    assert [s.student_id for s in moodle] == ["s1", "bob"]


def test_sections_filter_and_canvas_multi_section_cells():
    roster = parse_roster('Student,ID,SIS User ID,SIS Login ID,Section\n"Doe, Ann",1,s1,a,Mon\n'
                          '"Roe, Bob",2,s2,b,Mon and Tue\n"Poe, Cy",3,s3,c,"Tue, Wed and Fri"\n', "r.csv")
    assert roster.sections() == ["Fri", "Mon", "Tue", "Wed"]
    assert [s.student_id for s in roster.in_section("tue")] == ["s2", "s3"]
    with pytest.raises(InputError, match="no student in section 'Sat'.*Fri, Mon, Tue, Wed"):
        roster.in_section("Sat")


def test_a_roster_of_only_pseudo_rows_is_an_error_that_says_what_was_skipped():
    with pytest.raises(InputError, match="no students.*test student"):
        parse_roster('Student,ID,SIS User ID\n"Student, Test",9,\n', "r.csv")


@pytest.mark.parametrize("name,message", [
    ("roster-invalid-no-id-column.csv", ":1: no student id column"),
])
def test_invalid_fixture_files(name, message):
    with pytest.raises(InputError) as err:
        read_roster(FILES / "instructor" / name)
    assert message in str(err.value) and name in str(err.value)


def test_file_problems(tmp_path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("student_id,name\ns1,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1.csv:2: not UTF-8 text \(save it from your spreadsheet as 'CSV "
                                         r"UTF-8'\)"):
        read_roster(latin1)
    with pytest.raises(InputError, match="nope.csv: no such file"):
        read_roster(tmp_path / "nope.csv")


@given(st.text(max_size=300))
def test_any_text_gives_a_roster_or_located_problems(text):
    try:
        roster = parse_roster(text, "r.csv")
    except InputError as e:
        assert e.problems and all(str(p).startswith("r.csv") for p in e.problems)
    else:
        ids = [fold(s.student_id) for s in roster]
        assert len(ids) == len(set(ids)) and all(ids)
