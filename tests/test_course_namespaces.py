"""Course ids keep two courses that reuse a quiz id apart: in the progress file (here), in the browser
(tests/book/test_new_course.py) and in what a course's commands find."""
import json

import pytest

from kcourse.core.course import COURSE_FILE, course_id, course_id_from, course_of_quiz
from kcourse.storage import progress_store as ps


@pytest.mark.parametrize("name, expected", [
    ("Small Steps", "small-steps"), ("git_internals", "git-internals"), ("Linux 101!", "linux-101"),
    ("---", "course"), ("Ä", "course"),
], ids=["words", "underscore", "punctuation", "nothing-left", "non-ascii"])
def test_course_id_from_a_name(name, expected):
    assert course_id_from(name) == expected


def test_course_id_comes_from_course_yml_else_the_course_folder(tmp_path):
    quizzes = tmp_path / "Git Internals" / "quizzes"
    quizzes.mkdir(parents=True)
    (quizzes / "q1.yml").write_text("id: q1\n")
    assert course_id(quizzes) == "git-internals"
    assert course_of_quiz(quizzes / "q1.yml") == "git-internals"
    (quizzes / COURSE_FILE).write_text("id: git-101\ntitle: Git\n")
    assert course_id(quizzes) == "git-101" == course_of_quiz(quizzes / "q1.yml")
    assert course_id(quizzes, configured="book-override") == "book-override"
    (quizzes / COURSE_FILE).write_text("id: Not An Id\n")  # not an id: the folder name is used
    assert course_id(quizzes) == "git-internals"


def record(quiz_id: str, answer: str) -> ps.QuizRecord:
    return ps.with_response(ps.new_record(quiz_id, 7), "q", answer)


def test_two_courses_with_the_same_quiz_id_keep_separate_answers(tmp_path):
    path = tmp_path / "progress.json"
    linux, git = ps.ProgressStore(path, course="small-steps"), ps.ProgressStore(path, course="git-101")
    assert linux.save(record("ch02-growing-up", "linux answer"))
    assert git.record("ch02-growing-up") is None
    assert git.save(record("ch02-growing-up", "git answer"))
    assert linux.record("ch02-growing-up").responses == {"q": "linux answer"}
    assert git.record("ch02-growing-up").responses == {"q": "git answer"}
    assert set(git.records()) == {"ch02-growing-up"}
    assert sorted(json.loads(path.read_text())["quizzes"]) == ["git-101/ch02-growing-up",
                                                               "small-steps/ch02-growing-up"]


def test_a_record_from_before_course_ids_is_read_once_then_kept_under_the_course(tmp_path):
    path = tmp_path / "progress.json"
    assert ps.ProgressStore(path).save(record("ch02-growing-up", "old answer"))  # no course: as kcourse 0.1 wrote
    linux = ps.ProgressStore(path, course="small-steps")
    assert linux.record("ch02-growing-up").responses == {"q": "old answer"}
    assert set(linux.records()) == {"ch02-growing-up"}
    rec = linux.record("ch02-growing-up")
    assert linux.save(ps.with_response(rec, "q2", "more"))
    assert list(json.loads(path.read_text())["quizzes"]) == ["small-steps/ch02-growing-up"]
    assert ps.ProgressStore(path, course="git-101").record("ch02-growing-up") is None  # not read twice
    assert ps.ProgressStore(path).record("ch02-growing-up") is None


def test_a_gradebook_refuses_the_same_quiz_id_from_another_course(tmp_path):
    from kcourse.instructor import gradebook as gb

    linux, git = tmp_path / "linux" / "quizzes", tmp_path / "git" / "quizzes"
    for d, cid in ((linux, "small-steps"), (git, "git-101")):
        d.mkdir(parents=True)
        (d / COURSE_FILE).write_text(f"id: {cid}\n")
    args = dict(quiz_id="ch02-growing-up", digest="d", policy=None, started_at="t", files_in=0, graded=0,
                rejected=0, new=[], regrade=[])
    conn = gb.connect(tmp_path / "grades.sqlite", create=True)
    try:
        gb.write_run(conn, title="Growing up", source=str(linux / "ch02-growing-up.yml"), **args)
        with pytest.raises(gb.GradebookError, match="of course 'small-steps'.*of course 'git-101'.*--gradebook"):
            gb.write_run(conn, title="Git objects", source=str(git / "ch02-growing-up.yml"), **args)
        assert gb.quiz_row(conn, "ch02-growing-up").title == "Growing up"  # not overwritten
        gb.write_run(conn, title="Growing up, 2nd edition", source=str(linux / "ch02-growing-up.yml"), **args)
    finally:
        conn.close()


@pytest.mark.parametrize("where", ["course", "quizzes", "below"], ids=["course-folder", "quizzes-folder", "below"])
def test_commands_find_the_course_from_below_it_or_with_course(tmp_path, monkeypatch, capsys, where):
    from kcourse.cli import main

    course = tmp_path / "git"
    quizzes = course / "quizzes"
    (course / "chapters" / "deep").mkdir(parents=True)
    quizzes.mkdir()
    (quizzes / COURSE_FILE).write_text("id: git-101\n")
    (quizzes / "q1.yml").write_text("schema_version: 1\nid: q1\ntitle: Q\nquestions:\n  - {id: a, type: true_false, "
                                    "prompt: 'A?', explanation: 'Yes.', answer: true}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if where == "below":
        monkeypatch.chdir(course / "chapters" / "deep")
        args = []
    else:
        monkeypatch.chdir(elsewhere)
        args = ["--course", str(course if where == "course" else quizzes)]
    for command in (["validate"], ["show", "q1"]):
        with pytest.raises(SystemExit) as done:
            main([*args, *command])
        assert done.value.code == 0, capsys.readouterr()
    out = capsys.readouterr()
    assert "1 file(s) checked: 1 good" in out.err and "Quiz q1" in out.out
    import os

    assert "KCOURSE_COURSE" not in os.environ  # --course is for one command only


@pytest.mark.parametrize("name, said", [
    ("empty", "no quizzes/ folder in {path} or above it"),
    ("nonexistent", "{path} does not exist"),
    ("a-file.txt", "{path} is a file, not a folder"),
    ("nonexistent/deeper", "{path} does not exist"),
])
def test_course_that_is_no_course_folder_says_why(tmp_path, capsys, name, said):
    from kcourse.cli import main

    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file.txt").write_text("x")
    path = str(tmp_path / name)
    with pytest.raises(SystemExit) as done:
        main(["--course", path, "validate"])
    err = " ".join(capsys.readouterr().err.split())  # click wraps long lines
    assert done.value.code == 2
    assert said.format(path=path) + " (give the course folder, the one holding quizzes/)" in err, err
