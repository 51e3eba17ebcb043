"""The course progress page, ``kcourse.progress()``: a table of every chapter quiz from the progress file."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kcourse
from kcourse.frontend.progress_view import course_progress
from kcourse.storage.progress_store import ProgressStore

FILES = Path(__file__).parents[1] / "files"


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder with one quiz and a notebook folder; KCOURSE_HOME in tmp."""
    (tmp_path / "quizzes").mkdir()
    shutil.copy(FILES / "quiz" / "valid-all-types.yml", tmp_path / "quizzes" / "valid-all-types.yml")
    (tmp_path / "chapters").mkdir()
    monkeypatch.chdir(tmp_path / "chapters")
    monkeypatch.setenv("KCOURSE_HOME", str(tmp_path / "home"))
    return tmp_path


def test_no_progress_file_yet(course):
    page = kcourse.progress()
    text, html = repr(page), page._repr_html_()
    assert "No quiz answered yet" in text and "No quiz answered yet" in html
    assert "Every question type" in text and "0/9" in text
    assert "<table>" in html and "<th scope='col'>Score</th>" in html
    assert not (course / "home").exists(), "looking at progress writes nothing"


def test_rows_show_answers_scores_and_pass(course):
    (course / "home").mkdir()
    shutil.copy(FILES / "progress" / "valid-two-quizzes.json", course / "home" / "progress.json")
    page = kcourse.progress()
    row, = page.rows
    assert (row.chapter, row.title, row.answered, row.total, row.score, row.best) == \
        (2, "Every question type", 2, 9, 20.0, 30.0)
    line = next(x for x in repr(page).splitlines() if x.startswith("2 "))
    assert line.split()[-5:] == ["2/9", "20%", "30%", "not", "yet"]
    html = page._repr_html_()
    assert "<th scope='row' style='text-align:left'>Every question type</th><td>2/9</td><td>20%</td><td>30%</td><td>not yet</td>" in html
    assert "No quiz answered yet" not in html
    bundle = page._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"}
    assert "data-kq-progress" in bundle["text/html"], "the book shows the reader's browser progress, not the builder's"
    assert "progress.json" not in bundle["text/html"]


def test_the_live_view_redraws_when_a_quiz_saves(course):
    from kcourse.core.loader import load_quiz
    from kcourse.frontend.progress_view import LiveProgress
    from kcourse.frontend.widgets import QuizWidget

    page = kcourse.progress()
    live = LiveProgress(page._reload)
    assert "No quiz answered yet" in live.table.value
    quiz = load_quiz(next((course / "quizzes").glob("*.yml")))
    qw = QuizWidget(quiz, seed=1)
    panel = next(iter(qw.panels.values()))
    from kcourse.core.grading import correct_response

    panel.control.set_response(correct_response(panel.q))
    panel.check_button.click()
    assert "No quiz answered yet" not in live.table.value and "1/" in live.table.value


def test_a_corrupt_progress_file_is_reported_on_the_page(course):
    (course / "home").mkdir()
    (course / "home" / "progress.json").write_text("{oops")
    page = kcourse.progress()
    assert "could not be read" in repr(page) and "moved to" in page._repr_html_()
    assert "No quiz answered yet" in repr(page)


def test_no_quizzes_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = course_progress(start=tmp_path, store=ProgressStore(tmp_path / "p.json"))
    assert page.rows == [] and "No quizzes/ folder" in repr(page)


def test_a_broken_quiz_file_is_listed_and_the_others_still_shown(course):
    (course / "quizzes" / "broken.yml").write_text("schema_version: 1\nid: broken\n")
    page = kcourse.progress()
    assert [r.quiz_id for r in page.rows] == ["valid-all-types"]
    assert "broken.yml" in repr(page) and "kcourse validate" in page._repr_html_()


def test_progress_still_works_after_the_store_module_is_imported():
    import kcourse.storage.progress_store  # noqa: F401  (a module named kcourse.progress would shadow the function)

    assert callable(kcourse.progress)


def test_two_courses_in_one_progress_file_each_list_only_their_own_quizzes(tmp_path, monkeypatch):
    """Two courses share the learner's progress file and a quiz id; each course's progress page (table, text and
    the static book's view) lists its own quizzes with its own answers only."""
    from kcourse.core.loader import load_quiz
    from kcourse.storage.progress_store import new_record, with_response

    monkeypatch.setenv("KCOURSE_HOME", str(tmp_path / "home"))
    dirs = {}
    for cid, extra in (("small-steps", "linux-only"), ("git-101", "git-only")):
        d = dirs[cid] = tmp_path / cid / "quizzes"
        d.mkdir(parents=True)
        (d / "course.yml").write_text(f"id: {cid}\ntitle: {cid}\n")
        shutil.copy(FILES / "quiz" / "valid-all-types.yml", d / "valid-all-types.yml")
        text = (FILES / "quiz" / "valid-all-types.yml").read_text()
        (d / f"{extra}.yml").write_text(text.replace("id: valid-all-types", f"id: {extra}", 1)
                                        .replace('title: "Every question type"', f"title: Only in {cid}", 1))
    quiz = load_quiz(dirs["small-steps"] / "valid-all-types.yml")
    qid = quiz.all_questions[0].id
    ProgressStore(course="small-steps").save(with_response(new_record(quiz.id, 7), qid, "x"))
    pages = {cid: course_progress(start=d) for cid, d in dirs.items()}
    assert {cid: sorted(r.title for r in p.rows) for cid, p in pages.items()} == {
        "small-steps": ["Every question type", "Only in small-steps"], "git-101": ["Every question type", "Only in git-101"]}
    assert {cid: [r.title for r in p.started] for cid, p in pages.items()} == {
        "small-steps": ["Every question type"], "git-101": []}, "the other course's answers to the same quiz id"
    assert "Only in git-101" not in repr(pages["small-steps"]) and "Only in small-steps" not in repr(pages["git-101"])
    for cid, page in pages.items():  # the book's view reads the browser keys of its own course only
        assert f'data-kq-progress data-kq-course="{cid}"' in page._repr_mimebundle_()["text/html"]
